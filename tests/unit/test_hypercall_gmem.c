/* SPDX-License-Identifier: ISC */
/*
 * Unit tests for hc_gmem_ptr(), the only GPA-to-host-pointer conversion:
 * ranges at and past the end of memory, zero and wrapping lengths, and
 * 32-bit GPAs. Single-threaded; needs no KVM.
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

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_inside, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_zero_len, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_past_end, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_wrapping, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_empty_memory, setup, teardown),
	    cmocka_unit_test(test_4gib_top),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
