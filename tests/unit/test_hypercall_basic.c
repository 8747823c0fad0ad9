/* SPDX-License-Identifier: ISC */
/*
 * Unit tests for the hypercalls that take no device handle: WALLTIME,
 * PUTS, POLL and HALT, valid and hostile, through hc_dispatch(). Fixture
 * in guest_mem_fixture.h. Single-threaded; needs no KVM.
 */
#define _GNU_SOURCE
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "guest_mem_fixture.h"
#include "hypercall/hypercall.h"

/* ---- WALLTIME ---- */

static void test_walltime(void **state)
{
	struct fixture *f = *state;
	const uint64_t gpa = 0x203; /* unaligned */

	snapshot(f);
	assert_int_equal(hc_dispatch(&f->ctx, HVT_HYPERCALL_WALLTIME, gpa),
			 HC_CONTINUE);
	assert_int_equal(f->fake.nb_walltime, 1);
	expect_write(f, gpa, &(uint64_t){FAKE_WALLTIME}, 8);
	assert_unchanged(f);
}

/* ---- PUTS ---- */

static void test_puts(void **state)
{
	struct fixture *f = *state;

	memcpy(f->mem + 0x2000, "hello", 5);
	assert_int_equal(puts_call(f, 0x2000, 5), HC_CONTINUE);
	assert_int_equal(f->fake.nb_console, 1);
	assert_ptr_equal(f->fake.console_buf, f->mem + 0x2000);
	assert_int_equal(f->fake.console_len, 5);
	assert_unchanged(f); /* PUTS has no output fields */

	/* The last bytes of memory. */
	f->fake = (struct fake){0};
	assert_int_equal(puts_call(f, MEM_SIZE - 5, 5), HC_CONTINUE);
	assert_ptr_equal(f->fake.console_buf, f->mem + MEM_SIZE - 5);
	assert_int_equal(f->fake.console_len, 5);
}

static void test_puts_len0(void **state)
{
	const uint64_t gpas[] = {0, 0x2000, MEM_SIZE};
	struct fixture *f = *state;

	for (size_t i = 0; i < 3; i++) {
		assert_int_equal(puts_call(f, gpas[i], 0), HC_CONTINUE);
		assert_int_equal(f->fake.nb_console, 0);
		assert_unchanged(f);
	}
}

static void test_puts_bad_data(void **state)
{
	static const uint64_t bad[][2] = {
	    {MEM_SIZE - 4, 5},
	    {MEM_SIZE, 1},
	    {MEM_SIZE + 1, 0},
	    {0, MEM_SIZE + 1},
	    {0xffffffffULL, 1},
	    {UINT64_MAX, 2},
	    {UINT64_MAX - 1, 16},
	    {1, UINT64_MAX},
	    {0x2000, UINT64_MAX - 0x1fff},
	};
	struct fixture *f = *state;

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_range_fault(f, puts_call(f, bad[i][0], bad[i][1]),
				   "PUTS", "data", bad[i][0], bad[i][1]);
}

/* ---- POLL ---- */

static void test_poll(void **state)
{
	struct fixture *f = *state;
	struct hvt_hc_poll p = {UINT64_MAX, 0xdeadbeef, -7};
	const uint64_t gpa = 0x300;

	put(f, gpa, &p, sizeof(p));
	memset(f->mem + gpa + 20, 0xaa, 4); /* padding: must stay */
	snapshot(f);
	assert_int_equal(hc_dispatch(&f->ctx, HVT_HYPERCALL_POLL, gpa),
			 HC_CONTINUE);
	assert_int_equal(f->fake.nb_poll, 1);
	assert_int_equal(f->fake.poll_timeout, UINT64_MAX);
	expect_write(f, gpa + 8, &(uint64_t){1ULL << H_NET}, 8);
	expect_write(f, gpa + 16, &(int32_t){1}, 4);
	assert_unchanged(f);
}

static void test_poll_no_op(void **state)
{
	struct fixture *f = *state;
	struct hvt_hc_poll p = {1000, 0xdeadbeef, -7};

	f->ops.poll = NULL;
	put(f, 0, &p, sizeof(p));
	snapshot(f);
	assert_int_equal(hc_dispatch(&f->ctx, HVT_HYPERCALL_POLL, 0),
			 HC_CONTINUE);
	expect_write(f, 8, &(uint64_t){0}, 8);
	expect_write(f, 16, &(int32_t){0}, 4);
	assert_unchanged(f);
	assert_int_equal(fake_calls(&f->fake), 0);
}

/* ---- HALT ---- */

static void test_halt_status(void **state)
{
	static const int32_t statuses[] = {0,  1,	  255,	    256,
					   -1, INT32_MIN, INT32_MAX};
	struct fixture *f = *state;

	for (size_t i = 0; i < sizeof(statuses) / sizeof(statuses[0]); i++) {
		struct hvt_hc_halt h = {0, statuses[i]};

		put(f, MEM_SIZE - sizeof(h), &h, sizeof(h));
		snapshot(f);
		assert_int_equal(hc_dispatch(&f->ctx, HVT_HYPERCALL_HALT,
					     MEM_SIZE - sizeof(h)),
				 HC_HALT);
		assert_int_equal(f->ctx.exit_status, statuses[i]);
		assert_int_equal(f->ctx.halt_cookie_gpa, 0);
		assert_unchanged(f); /* HALT writes nothing back */
	}
}

static void test_halt_cookie(void **state)
{
	static const uint64_t cookies[][2] = {
	    /* cookie_gpa, recorded */
	    {0, 0},
	    {0x1000, 0x1000},
	    {MEM_SIZE - HVT_HALT_COOKIE_MAX, MEM_SIZE - HVT_HALT_COOKIE_MAX},
	    {MEM_SIZE - 1, MEM_SIZE - 1}, /* shorter than 512: kept */
	    {MEM_SIZE, 0},
	    {0xffffffffULL, 0},
	    {UINT64_MAX, 0},
	    {UINT64_MAX - HVT_HALT_COOKIE_MAX + 1, 0},
	};
	struct fixture *f = *state;

	for (size_t i = 0; i < sizeof(cookies) / sizeof(cookies[0]); i++) {
		struct hvt_hc_halt h = {cookies[i][0], HVT_EXIT_ABORT};

		f->ctx.halt_cookie_gpa = 0xbad;
		put(f, 0x40, &h, sizeof(h));
		assert_int_equal(hc_dispatch(&f->ctx, HVT_HYPERCALL_HALT, 0x40),
				 HC_HALT);
		assert_int_equal(f->ctx.exit_status, HVT_EXIT_ABORT);
		assert_int_equal(f->ctx.halt_cookie_gpa, cookies[i][1]);
	}
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
	    T(test_walltime),	   T(test_puts),	T(test_puts_len0),
	    T(test_puts_bad_data), T(test_poll),	T(test_poll_no_op),
	    T(test_halt_status),   T(test_halt_cookie),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
