/* SPDX-License-Identifier: ISC */
/*
 * Unit tests for the NET_WRITE and NET_READ hypercalls through
 * hc_dispatch(), over the fake net ops of guest_mem_fixture.h: valid I/O,
 * bad handles and buffers, missing ops, and buffers in read-only memory.
 * Single-threaded; needs no KVM.
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

/* The net op was called once (nb_calls), on H_NET with the buffer at
 * 0x2000 of len bytes. */
static void assert_net_op(struct fixture *f, int nb_calls, uint64_t len)
{
	assert_int_equal(nb_calls, 1);
	assert_int_equal(f->fake.net_handle, H_NET);
	assert_ptr_equal(f->fake.net_buf, f->mem + 0x2000);
	assert_int_equal(f->fake.net_len, len);
}

static void test_net_write(void **state)
{
	static const int results[] = {HVT_R_OK, HVT_R_AGAIN, HVT_R_EUNSPEC};
	struct fixture *f = *state;

	for (size_t i = 0; i < 3; i++) {
		f->fake = (struct fake){.net_ret = results[i]};
		assert_int_equal(
		    net_call(f, HVT_HYPERCALL_NET_WRITE, H_NET, 0x2000, 64),
		    HC_CONTINUE);
		assert_net_op(f, f->fake.nb_net_write, 64);
		expect_ret(f, 24, results[i]); /* len untouched */
		assert_unchanged(f);
	}
}

static void test_net_read(void **state)
{
	struct fixture *f = *state;

	f->fake.net_ret = HVT_R_OK;
	assert_int_equal(
	    net_call(f, HVT_HYPERCALL_NET_READ, H_NET, 0x2000, 1514),
	    HC_CONTINUE);
	assert_net_op(f, f->fake.nb_net_read, 1514);
	expect_ret(f, 24, HVT_R_OK);
	expect_write(f, ARG_GPA + 16, &(uint64_t){FRAME_LEN}, 8);
	memset(f->snap + 0x2000, 0xee, FRAME_LEN);
	assert_unchanged(f);

	/* Nothing pending: AGAIN, len keeps the buffer size. */
	f->fake = (struct fake){.net_ret = HVT_R_AGAIN};
	assert_int_equal(
	    net_call(f, HVT_HYPERCALL_NET_READ, H_NET, 0x2000, 1514),
	    HC_CONTINUE);
	assert_int_equal(f->fake.nb_net_read, 1);
	expect_ret(f, 24, HVT_R_AGAIN);
	assert_unchanged(f);
}

static void test_net_bad_handle(void **state)
{
	static const uint64_t bad[] = {
	    0, H_BLK, H_BLK_BADFD, 63, 64, UINT64_MAX, (1ULL << 32) | H_NET,
	};
	struct fixture *f = *state;

	poison_past_devs(f, HC_DEV_NET);
	for (uint32_t nr = HVT_HYPERCALL_NET_WRITE;
	     nr <= HVT_HYPERCALL_NET_READ; nr++) {
		for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
			assert_int_equal(net_call(f, nr, bad[i], 0x2000, 64),
					 HC_CONTINUE);
			expect_ret(f, 24, HVT_R_EINVAL);
			assert_unchanged(f);
		}
	}
	assert_int_equal(fake_calls(&f->fake), 0);
}

/* The highest handle is usable once attached. */
static void test_net_last_handle(void **state)
{
	struct fixture *f = *state;

	f->ctx.devs[63].type = HC_DEV_NET;
	assert_int_equal(net_call(f, HVT_HYPERCALL_NET_WRITE, 63, 0x2000, 64),
			 HC_CONTINUE);
	assert_int_equal(f->fake.nb_net_write, 1);
	assert_int_equal(f->fake.net_handle, 63);
	assert_int_equal(get_i32(f, ARG_GPA + 24), HVT_R_OK);
}

static void test_net_bad_data(void **state)
{
	static const uint64_t bad[][2] = {
	    {MEM_SIZE - 63, 64}, {MEM_SIZE, 1},		{MEM_SIZE + 1, 0},
	    {0xffffffffULL, 64}, {UINT64_MAX - 10, 64}, {64, UINT64_MAX - 32},
	    {0, UINT64_MAX},
	};
	struct fixture *f = *state;

	for (uint32_t nr = HVT_HYPERCALL_NET_WRITE;
	     nr <= HVT_HYPERCALL_NET_READ; nr++)
		for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
			assert_range_fault(
			    f, net_call(f, nr, H_NET, bad[i][0], bad[i][1]),
			    hc_name(nr), "data", bad[i][0], bad[i][1]);
}

/* Zero-length buffers at the end of memory reach the op, which decides. */
static void test_net_len0(void **state)
{
	struct fixture *f = *state;

	f->fake.net_ret = HVT_R_EINVAL;
	assert_int_equal(
	    net_call(f, HVT_HYPERCALL_NET_WRITE, H_NET, MEM_SIZE, 0),
	    HC_CONTINUE);
	assert_int_equal(f->fake.nb_net_write, 1);
	assert_int_equal(f->fake.net_len, 0);
	expect_ret(f, 24, HVT_R_EINVAL);
	assert_unchanged(f);
}

static void test_net_no_ops(void **state)
{
	struct fixture *f = *state;

	f->ops.net_write = NULL;
	f->ops.net_read = NULL;
	for (uint32_t nr = HVT_HYPERCALL_NET_WRITE;
	     nr <= HVT_HYPERCALL_NET_READ; nr++) {
		assert_int_equal(net_call(f, nr, H_NET, 0x2000, 64),
				 HC_CONTINUE);
		expect_ret(f, 24, HVT_R_EINVAL);
		assert_unchanged(f);
	}
	/* A bad buffer is still an ABI violation without a dataplane. */
	assert_range_fault(
	    f, net_call(f, HVT_HYPERCALL_NET_READ, H_NET, MEM_SIZE, 1),
	    "NET_READ", "data", MEM_SIZE, 1);
}

/* ---- read-only guest memory ---- */

/* Frame buffers NET_READ would write into read-only memory. */
static const uint64_t ro_frame[][2] = {
    /* data_gpa, len */
    {RO_START, 1514},	     {RO_START + 0x100, 64},
    {RO_END - 1, 1514}, /* straddles the end */
    {RO_START - 1513, 1514}, /* straddles the start */
    {RO_END - 1, 1},	     {RO_START - 1, 2},
};

static void test_net_read_ro_data(void **state)
{
	const size_t nb = sizeof(ro_frame) / sizeof(ro_frame[0]);
	struct fixture *f = *state;

	set_ro(f);
	f->fake.net_ret = HVT_R_OK;
	for (size_t i = 0; i < nb; i++)
		assert_ro_fault(f,
				net_call(f, HVT_HYPERCALL_NET_READ, H_NET,
					 ro_frame[i][0], ro_frame[i][1]),
				"NET_READ", "data", ro_frame[i][0],
				ro_frame[i][1]);
	assert_int_equal(f->ctx.stats.calls[HVT_HYPERCALL_NET_READ], nb);

	/* Empty buffers touch nothing: they reach the op, which decides. */
	f->fake.net_ret = HVT_R_AGAIN;
	assert_int_equal(
	    net_call(f, HVT_HYPERCALL_NET_READ, H_NET, RO_START + 16, 0),
	    HC_CONTINUE);
	assert_int_equal(f->fake.nb_net_read, 1);
	expect_ret(f, 24, HVT_R_AGAIN);
	assert_unchanged(f);

	/* Right after the range: read. */
	f->fake = (struct fake){.net_ret = HVT_R_OK};
	assert_int_equal(
	    net_call(f, HVT_HYPERCALL_NET_READ, H_NET, RO_END, 1514),
	    HC_CONTINUE);
	assert_ptr_equal(f->fake.net_buf, f->mem + RO_END);
	assert_int_equal(get_u64(f, ARG_GPA + 16), FRAME_LEN);
	assert_int_equal(f->ctx.stats.einval + f->ctx.stats.eunspec, 0);
}

/* Only-read buffers may be in read-only memory: NET_WRITE, PUTS, and the
 * HALT cookie. */
static void test_ro_data_readers(void **state)
{
	struct fixture *f = *state;
	struct hvt_hc_halt h = {RO_START, 3};

	set_ro(f);
	f->fake.net_ret = HVT_R_OK;
	for (size_t i = 0; i < sizeof(ro_frame) / sizeof(ro_frame[0]); i++) {
		f->fake.nb_net_write = 0;
		assert_int_equal(net_call(f, HVT_HYPERCALL_NET_WRITE, H_NET,
					  ro_frame[i][0], ro_frame[i][1]),
				 HC_CONTINUE);
		assert_int_equal(f->fake.nb_net_write, 1);
		assert_ptr_equal(f->fake.net_buf, f->mem + ro_frame[i][0]);
		expect_ret(f, 24, HVT_R_OK);
		assert_unchanged(f);
	}
	assert_int_equal(puts_call(f, RO_END - 4, 8), HC_CONTINUE);
	assert_ptr_equal(f->fake.console_buf, f->mem + RO_END - 4);
	assert_unchanged(f);

	put(f, 0x40, &h, sizeof(h));
	assert_int_equal(hc_dispatch(&f->ctx, HVT_HYPERCALL_HALT, 0x40),
			 HC_HALT);
	assert_int_equal(f->ctx.halt_cookie_gpa, RO_START);
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
	    T(test_net_write),	     T(test_net_read),
	    T(test_net_bad_handle),  T(test_net_last_handle),
	    T(test_net_bad_data),    T(test_net_len0),
	    T(test_net_no_ops),	     T(test_net_read_ro_data),
	    T(test_ro_data_readers),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
