/* SPDX-License-Identifier: ISC */
/*
 * test_wait: runs until the tender stops it, so stop signals can be tested
 * in both places a guest can be: "yield" blocks in POLL (one-minute
 * yields), "spin" executes guest code without exiting. Prints a ready
 * marker first; exits 3 if it ever gets to the end (a minute of waiting).
 */
#include <hvt_manifest.h>
#include <solo5.h>
#include <stdio.h>
#include <string.h>

HVT_MANIFEST(0);

#define NSEC_PER_SEC 1000000000ULL

static void wait_yield(void)
{
	solo5_time_t end = solo5_clock_monotonic() + 60 * NSEC_PER_SEC;
	solo5_handle_set_t ready;

	while (solo5_clock_monotonic() < end)
		solo5_yield(end, &ready);
}

static void wait_spin(void)
{
	solo5_time_t end = solo5_clock_monotonic() + 60 * NSEC_PER_SEC;

	while (solo5_clock_monotonic() < end)
		;
}

int solo5_app_main(const struct solo5_start_info *si)
{
	if (strcmp(si->cmdline, "yield") == 0) {
		printf("test_wait: ready, yielding\n");
		wait_yield();
	} else if (strcmp(si->cmdline, "spin") == 0) {
		printf("test_wait: ready, spinning\n");
		wait_spin();
	} else {
		printf("test_wait: usage: test_wait.hvt yield|spin\n");
		return SOLO5_EXIT_FAILURE;
	}
	printf("test_wait: FAILURE: not stopped within a minute\n");
	return 3;
}
