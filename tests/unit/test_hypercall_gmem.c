/* SPDX-License-Identifier: ISC */
/*
 * Unit tests for hc_gmem_ptr() and hc_gmem_ptr_rw(), the only GPA-to-host
 * pointer conversions: ranges at and past the end of memory, zero and
 * wrapping lengths, 32-bit GPAs, and read-only ranges. Single-threaded;
 * needs no KVM.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/mman.h>

#include <cmocka.h>

#include "hypercall/hypercall.h"

#define MEM_SIZE (64 * 1024ULL)

static int setup(void **state)
{
	struct hc_gmem *gm = calloc(1, sizeof(*gm));

	if (gm == NULL)
		return -1;
	gm->base = calloc(1, MEM_SIZE);
	gm->size = MEM_SIZE;
	if (gm->base == NULL) {
		free(gm);
		return -1;
	}
	*state = gm;
	return 0;
}

static int teardown(void **state)
{
	struct hc_gmem *gm = *state;

	free(gm->base);
	free(gm);
	return 0;
}

static void test_inside(void **state)
{
	struct hc_gmem *gm = *state;

	assert_ptr_equal(hc_gmem_ptr(gm, 0, 1), gm->base);
	assert_ptr_equal(hc_gmem_ptr(gm, 0, MEM_SIZE), gm->base);
	assert_ptr_equal(hc_gmem_ptr(gm, 0x1234, 16), gm->base + 0x1234);
	assert_ptr_equal(hc_gmem_ptr(gm, MEM_SIZE - 1, 1),
			 gm->base + MEM_SIZE - 1);
	assert_ptr_equal(hc_gmem_ptr(gm, MEM_SIZE - 16, 16),
			 gm->base + MEM_SIZE - 16);
}

static void test_zero_len(void **state)
{
	struct hc_gmem *gm = *state;

	assert_ptr_equal(hc_gmem_ptr(gm, 0, 0), gm->base);
	assert_ptr_equal(hc_gmem_ptr(gm, 100, 0), gm->base + 100);
	/* One past the end is a valid empty range. */
	assert_ptr_equal(hc_gmem_ptr(gm, MEM_SIZE, 0), gm->base + MEM_SIZE);
	assert_null(hc_gmem_ptr(gm, MEM_SIZE + 1, 0));
	assert_null(hc_gmem_ptr(gm, UINT64_MAX, 0));
}

static void test_past_end(void **state)
{
	struct hc_gmem *gm = *state;

	assert_null(hc_gmem_ptr(gm, MEM_SIZE, 1));
	assert_null(hc_gmem_ptr(gm, MEM_SIZE - 1, 2));
	assert_null(hc_gmem_ptr(gm, MEM_SIZE - 15, 16));
	assert_null(hc_gmem_ptr(gm, 0, MEM_SIZE + 1));
	assert_null(hc_gmem_ptr(gm, 1, MEM_SIZE));
	assert_null(hc_gmem_ptr(gm, 0xffffffffULL, 1));
	assert_null(hc_gmem_ptr(gm, 0x100000000ULL, 0));
}

static void test_wrapping(void **state)
{
	struct hc_gmem *gm = *state;

	/* Each sum wraps to a small value that a naive end <= size accepts. */
	assert_null(hc_gmem_ptr(gm, UINT64_MAX, 1));
	assert_null(hc_gmem_ptr(gm, UINT64_MAX, 2));
	assert_null(hc_gmem_ptr(gm, 1, UINT64_MAX));
	assert_null(hc_gmem_ptr(gm, 16, UINT64_MAX - 15));
	assert_null(hc_gmem_ptr(gm, UINT64_MAX - 15, 32));
	assert_null(hc_gmem_ptr(gm, 0, UINT64_MAX));
	assert_null(hc_gmem_ptr(gm, UINT64_MAX, UINT64_MAX));
}

static void test_empty_memory(void **state)
{
	struct hc_gmem gm = {.base = ((struct hc_gmem *)*state)->base,
			     .size = 0};

	assert_ptr_equal(hc_gmem_ptr(&gm, 0, 0), gm.base);
	assert_null(hc_gmem_ptr(&gm, 0, 1));
	assert_null(hc_gmem_ptr(&gm, 1, 0));
}

/* A full 4 GiB guest (the ABI maximum): the top 32-bit GPA is addressable,
 * one byte past it is not. Reserved, never touched. */
static void test_4gib_top(void **state)
{
	const uint64_t size = 4ULL << 30;
	struct hc_gmem gm;
	void *p;

	(void)state;
	p = mmap(NULL, size, PROT_NONE,
		 MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (p == MAP_FAILED)
		skip();
	gm.base = p;
	gm.size = size;
	assert_ptr_equal(hc_gmem_ptr(&gm, 0xffffffffULL, 1),
			 gm.base + 0xffffffffULL);
	assert_ptr_equal(hc_gmem_ptr(&gm, 0xfffffff0ULL, 16),
			 gm.base + 0xfffffff0ULL);
	assert_null(hc_gmem_ptr(&gm, 0xffffffffULL, 2));
	assert_null(hc_gmem_ptr(&gm, 0xfffffff8ULL, 16));
	munmap(p, size);
}

/* Read-only [0x1000, 0x2000) and [0x8000, 0x8001). */
static void set_ro(struct hc_gmem *gm)
{
	gm->ro[0] = (struct hc_gpa_range){0x1000, 0x2000};
	gm->ro[1] = (struct hc_gpa_range){0x8000, 0x8001};
	gm->nb_ro = 2;
}

static void test_rw_no_ro(void **state)
{
	struct hc_gmem *gm = *state;

	/* No ranges: the same answers as hc_gmem_ptr(). */
	assert_ptr_equal(hc_gmem_ptr_rw(gm, 0, MEM_SIZE), gm->base);
	assert_ptr_equal(hc_gmem_ptr_rw(gm, MEM_SIZE, 0), gm->base + MEM_SIZE);
	assert_null(hc_gmem_ptr_rw(gm, MEM_SIZE, 1));
	assert_null(hc_gmem_ptr_rw(gm, UINT64_MAX, 2));
	/* Entries past nb_ro are ignored. */
	gm->ro[0] = (struct hc_gpa_range){0, MEM_SIZE};
	assert_ptr_equal(hc_gmem_ptr_rw(gm, 0x10, 16), gm->base + 0x10);
}

static void test_rw_ro_ranges(void **state)
{
	static const uint64_t bad[][2] = {
	    /* gpa, len */
	    {0x1000, 1}, {0x1fff, 1}, {0xfff, 2},	{0x1ff8, 16},
	    {0x1800, 8}, {0xff8, 9},  {0, MEM_SIZE},	{0x800, 0x2000},
	    {0x8000, 1}, {0x7fff, 2}, {0x7000, 0x2000},
	};
	static const uint64_t ok[][2] = {
	    {0xff8, 8},	 {0x2000, 8}, {0x7fff, 1},
	    {0x8001, 8}, {0, 0x1000}, {0x2000, 0x6000},
	};
	struct hc_gmem *gm = *state;

	set_ro(gm);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_null(hc_gmem_ptr_rw(gm, bad[i][0], bad[i][1]));
		/* Still readable. */
		assert_ptr_equal(hc_gmem_ptr(gm, bad[i][0], bad[i][1]),
				 gm->base + bad[i][0]);
	}
	for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++)
		assert_ptr_equal(hc_gmem_ptr_rw(gm, ok[i][0], ok[i][1]),
				 gm->base + ok[i][0]);
}

/* A 0-length range never intersects, even at or inside a read-only one;
 * bounds and wrapping are still checked first. */
static void test_rw_zero_len(void **state)
{
	static const uint64_t gpas[] = {0x1000, 0x1800, 0x1fff, 0x2000, 0x8000};
	struct hc_gmem *gm = *state;

	set_ro(gm);
	for (size_t i = 0; i < sizeof(gpas) / sizeof(gpas[0]); i++)
		assert_ptr_equal(hc_gmem_ptr_rw(gm, gpas[i], 0),
				 gm->base + gpas[i]);
	assert_null(hc_gmem_ptr_rw(gm, MEM_SIZE + 1, 0));
	assert_null(hc_gmem_ptr_rw(gm, UINT64_MAX, 0));
}

static void test_rw_wrapping(void **state)
{
	struct hc_gmem *gm = *state;

	/* Sums that wrap below a read-only range must not slip past it. */
	gm->ro[0] = (struct hc_gpa_range){0, MEM_SIZE};
	gm->nb_ro = 1;
	assert_null(hc_gmem_ptr_rw(gm, UINT64_MAX, 1));
	assert_null(hc_gmem_ptr_rw(gm, 1, UINT64_MAX));
	assert_null(hc_gmem_ptr_rw(gm, UINT64_MAX - 15, 32));
}

/* All HC_GMEM_MAX_RO entries are checked; empty ones (start >= end) never
 * match, nor does a range past the end of memory. */
static void test_rw_max_ranges(void **state)
{
	struct hc_gmem *gm = *state;

	for (unsigned i = 0; i < HC_GMEM_MAX_RO; i++)
		gm->ro[i] = (struct hc_gpa_range){0x3000, 0x3000};
	gm->ro[5] = (struct hc_gpa_range){0x5000, 0x4000}; /* inverted */
	gm->ro[7] = (struct hc_gpa_range){MEM_SIZE, UINT64_MAX};
	gm->ro[HC_GMEM_MAX_RO - 1] = (struct hc_gpa_range){0x9000, 0x9010};
	gm->nb_ro = HC_GMEM_MAX_RO;
	assert_ptr_equal(hc_gmem_ptr_rw(gm, 0x2ff0, 0x20), gm->base + 0x2ff0);
	assert_ptr_equal(hc_gmem_ptr_rw(gm, 0x4800, 8), gm->base + 0x4800);
	assert_ptr_equal(hc_gmem_ptr_rw(gm, 0, 0x9000), gm->base);
	assert_ptr_equal(hc_gmem_ptr_rw(gm, 0x9010, MEM_SIZE - 0x9010),
			 gm->base + 0x9010);
	assert_null(hc_gmem_ptr_rw(gm, 0x900f, 1));
	assert_null(hc_gmem_ptr_rw(gm, 0, MEM_SIZE));
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_inside, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_zero_len, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_past_end, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_wrapping, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_empty_memory, setup, teardown),
	    cmocka_unit_test(test_4gib_top),
	    T(test_rw_no_ro),
	    T(test_rw_ro_ranges),
	    T(test_rw_zero_len),
	    T(test_rw_wrapping),
	    T(test_rw_max_ranges),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
