/* SPDX-License-Identifier: ISC */
/*
 * test_time: the monotonic clock never goes back and advances by at least
 * 10 ms across solo5_yield(now + 10 ms); a past deadline returns at once;
 * the wall clock is after 2020 and before 2100. SUCCESS, exit 0; FAILURE,
 * exit 1.
 */
#include <hvt_manifest.h>
#include <solo5.h>
#include <stdio.h>

HVT_MANIFEST(0);

#define MS 1000000ULL
#define SEC_2020 1577836800ULL /* 2020-01-01T00:00:00Z */
#define SEC_2100 4102444800ULL /* 2100-01-01T00:00:00Z */

static int check(int ok, const char *what)
{
	if (!ok)
		printf("test_time: FAILURE: %s\n", what);
	return ok;
}

int solo5_app_main(const struct solo5_start_info *si)
{
	solo5_time_t t0, t1, prev, wall;
	solo5_handle_set_t ready = ~0ULL;
	int ok = 1;

	(void)si;
	prev = solo5_clock_monotonic();
	for (int i = 0; i < 1000; i++) {
		t1 = solo5_clock_monotonic();
		ok &= check(t1 >= prev, "monotonic clock went backwards");
		prev = t1;
	}

	t0 = solo5_clock_monotonic();
	solo5_yield(t0 + 10 * MS, &ready);
	t1 = solo5_clock_monotonic();
	printf("test_time: yield(10 ms) took %lu us\n",
	       (unsigned long)((t1 - t0) / 1000));
	ok &= check(t1 - t0 >= 10 * MS, "yield returned before its deadline");
	ok &= check(ready == 0, "ready set not empty without net devices");

	t0 = solo5_clock_monotonic();
	solo5_yield(0, NULL);
	t1 = solo5_clock_monotonic();
	ok &= check(t1 - t0 < 1000 * MS, "yield to a past deadline blocked");

	wall = solo5_clock_wall();
	printf("test_time: wall clock %lu s since the epoch\n",
	       (unsigned long)(wall / 1000000000ULL));
	ok &= check(wall / 1000000000ULL > SEC_2020 &&
			wall / 1000000000ULL < SEC_2100,
		    "wall clock not between 2020 and 2100");

	printf(ok ? "SUCCESS\n" : "FAILURE\n");
	return ok ? SOLO5_EXIT_SUCCESS : SOLO5_EXIT_FAILURE;
}
