/* SPDX-License-Identifier: ISC */
/*
 * Unit tests for hc_dispatch() itself, over every hypercall: names,
 * unknown numbers, argument structs at and past the edges of guest memory
 * and in read-only memory, and the counters. Fixture in
 * guest_mem_fixture.h. Single-threaded; needs no KVM.
 */
#define _GNU_SOURCE
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "guest_mem_fixture.h"
#include "hypercall/hypercall.h"

/* ---- dispatch ---- */

static void test_names(void **state)
{
	static const char *const names[] = {
	    "unknown",	  "WALLTIME",  "PUTS",	   "POLL", "BLOCK_WRITE",
	    "BLOCK_READ", "NET_WRITE", "NET_READ", "HALT", "unknown",
	};

	(void)state;
	for (uint32_t nr = 0; nr < 10; nr++)
		assert_string_equal(hc_name(nr), names[nr]);
	assert_string_equal(hc_name(0xffffffffU), "unknown");
	assert_string_equal(hc_name(0x100), "unknown");
}

static void test_unknown_nr(void **state)
{
	static const uint32_t bad[] = {0,     9,	   10,
				       0x100, 0x7fffffffU, 0xffffffffU};
	struct fixture *f = *state;
	struct hvt_hc_halt h = {.cookie_gpa = 0, .exit_status = 7};
	char want[64];

	put(f, 0, &h, sizeof(h));
	snapshot(f);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		snprintf(want, sizeof(want), "unknown hypercall number %u",
			 bad[i]);
		assert_int_equal(hc_dispatch(&f->ctx, bad[i], 0), HC_FAULT);
		assert_string_equal(f->ctx.fault_msg, want);
	}
	assert_int_equal(f->ctx.exit_status, -12345);
	assert_int_equal(fake_calls(&f->fake), 0);
	assert_unchanged(f);
}

/* A valid argument struct for nr, its data (if any) at DATA_GPA. */
static size_t valid_arg(uint32_t nr, uint8_t *out)
{
	struct hvt_hc_walltime wt = {0};
	struct hvt_hc_puts p = {DATA_GPA, 4};
	struct hvt_hc_poll pl = {1000, 0, -1};
	struct hvt_hc_block_io b = {H_BLK, BLK_SIZE, DATA_GPA, BLK_SIZE, -1};
	struct hvt_hc_net_io n = {H_NET, DATA_GPA, 1514, -1};
	struct hvt_hc_halt h = {0, 42};
	const void *src[] = {NULL, &wt, &p, &pl, &b, &b, &n, &n, &h};
	const size_t len[] = {0,	  sizeof(wt), sizeof(p),
			      sizeof(pl), sizeof(b),  sizeof(b),
			      sizeof(n),  sizeof(n),  sizeof(h)};

	memcpy(out, src[nr], len[nr]);
	return len[nr];
}

/* Fake host calls a successful nr makes (block I/O uses the fd). */
static int expected_calls(uint32_t nr)
{
	return nr == HVT_HYPERCALL_BLOCK_WRITE ||
		       nr == HVT_HYPERCALL_BLOCK_READ ||
		       nr == HVT_HYPERCALL_HALT
		   ? 0
		   : 1;
}

/* Check that nr, dispatched at gpa, did its job. */
static void assert_ran(struct fixture *f, uint32_t nr, uint64_t gpa,
		       enum hc_status st)
{
	const struct fake *fk = &f->fake;

	assert_int_equal(st, nr == HVT_HYPERCALL_HALT ? HC_HALT : HC_CONTINUE);
	assert_int_equal(fake_calls(fk), expected_calls(nr));
	switch (nr) {
	case HVT_HYPERCALL_WALLTIME:
		assert_int_equal(get_u64(f, gpa), FAKE_WALLTIME);
		break;
	case HVT_HYPERCALL_PUTS:
		assert_ptr_equal(fk->console_buf, f->mem + DATA_GPA);
		assert_int_equal(fk->console_len, 4);
		break;
	case HVT_HYPERCALL_POLL:
		assert_int_equal(get_i32(f, gpa + 16), 1);
		break;
	case HVT_HYPERCALL_HALT:
		assert_int_equal(f->ctx.exit_status, 42);
		break;
	default: /* block and net: ret at different offsets */
		assert_int_equal(get_i32(f, gpa + (nr <= 5 ? 32 : 24)),
				 HVT_R_OK);
	}
}

/* Zeroed memory and fresh fakes, then an argument struct at gpa. */
static void place_arg(struct fixture *f, uint64_t gpa, const uint8_t *arg,
		      size_t sz)
{
	memset(f->mem, 0, MEM_SIZE);
	f->fake = (struct fake){.net_ret = HVT_R_OK};
	put(f, gpa, arg, sz);
}

/* Every hypercall with its struct at each edge of guest memory. */
static void test_arg_placement(void **state)
{
	struct fixture *f = *state;
	uint8_t arg[64];

	for (uint32_t nr = 1; nr < HVT_HYPERCALL_MAX; nr++) {
		size_t sz = valid_arg(nr, arg);
		const uint64_t ok[] = {0, 1, 0x1001, MEM_SIZE - sz};
		const uint64_t bad[] = {
		    MEM_SIZE - sz + 1,
		    MEM_SIZE - 1,
		    MEM_SIZE,
		    0xffffffffULL,
		    0xffffffffULL - sz + 1,
		    UINT64_MAX - sz + 1,
		    UINT64_MAX,
		    UINT64_MAX - sz,
		};

		for (size_t i = 0; i < 4; i++) {
			place_arg(f, ok[i], arg, sz);
			assert_ran(f, nr, ok[i],
				   hc_dispatch(&f->ctx, nr, ok[i]));
		}
		for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
			place_arg(f, bad[i], arg, sz);
			f->ctx.exit_status = -12345;
			snapshot(f);
			assert_range_fault(f, hc_dispatch(&f->ctx, nr, bad[i]),
					   hc_name(nr), "argument", bad[i], sz);
			assert_int_equal(f->ctx.exit_status, -12345);
		}
	}
}

/* ---- read-only guest memory ---- */

static bool writes_arg(uint32_t nr)
{
	return nr != HVT_HYPERCALL_PUTS && nr != HVT_HYPERCALL_HALT;
}

/*
 * Every hypercall with its struct in, or straddling either edge of, a
 * read-only range: those with output fields fault before running, the
 * read-only ones (PUTS, HALT) run.
 */
static void test_ro_arg(void **state)
{
	struct fixture *f = *state;
	uint8_t arg[64];

	set_ro(f);
	for (uint32_t nr = 1; nr < HVT_HYPERCALL_MAX; nr++) {
		size_t sz = valid_arg(nr, arg);
		const uint64_t in[] = {
		    RO_START,	RO_START + 3,	   RO_END - sz,
		    RO_END - 1, RO_START - sz + 1,
		};
		const uint64_t out[] = {RO_START - sz, RO_END};

		f->ctx.stats = (struct hc_stats){0};
		for (size_t i = 0; i < sizeof(in) / sizeof(in[0]); i++) {
			place_arg(f, in[i], arg, sz);
			f->ctx.exit_status = -12345;
			snapshot(f);
			if (writes_arg(nr)) {
				assert_ro_fault(
				    f, hc_dispatch(&f->ctx, nr, in[i]),
				    hc_name(nr), "argument", in[i], sz);
				assert_int_equal(f->ctx.exit_status, -12345);
			} else {
				assert_ran(f, nr, in[i],
					   hc_dispatch(&f->ctx, nr, in[i]));
			}
		}
		for (size_t i = 0; i < 2; i++) {
			place_arg(f, out[i], arg, sz);
			assert_ran(f, nr, out[i],
				   hc_dispatch(&f->ctx, nr, out[i]));
		}
		assert_int_equal(f->ctx.stats.calls[nr], 7);
		assert_int_equal(f->ctx.stats.einval, 0);
		assert_int_equal(f->ctx.stats.eunspec, 0);
	}
}

/* ---- counters ---- */

static void test_stats(void **state)
{
	struct fixture *f = *state;
	struct hvt_hc_halt h = {0, 0};

	put(f, 0, &h, sizeof(h));
	for (int i = 0; i < 3; i++)
		hc_dispatch(&f->ctx, HVT_HYPERCALL_WALLTIME, 0x200);
	hc_dispatch(&f->ctx, HVT_HYPERCALL_HALT, 0);
	/* A fault is still a call; an unknown number is not. */
	hc_dispatch(&f->ctx, HVT_HYPERCALL_POLL, MEM_SIZE);
	hc_dispatch(&f->ctx, 0, 0);
	hc_dispatch(&f->ctx, HVT_HYPERCALL_MAX, 0);
	/* EINVAL: no such device, then no dataplane; EUNSPEC from the op. */
	net_call(f, HVT_HYPERCALL_NET_WRITE, 0, 0x2000, 64);
	f->fake.net_ret = HVT_R_EUNSPEC;
	net_call(f, HVT_HYPERCALL_NET_READ, H_NET, 0x2000, 64);
	f->fake.net_ret = HVT_R_AGAIN;
	net_call(f, HVT_HYPERCALL_NET_READ, H_NET, 0x2000, 64);
	f->ops.net_write = NULL;
	net_call(f, HVT_HYPERCALL_NET_WRITE, H_NET, 0x2000, 64);

	for (uint32_t nr = 0; nr < HVT_HYPERCALL_MAX; nr++) {
		static const uint64_t want[HVT_HYPERCALL_MAX] = {
		    [HVT_HYPERCALL_WALLTIME] = 3,  [HVT_HYPERCALL_POLL] = 1,
		    [HVT_HYPERCALL_NET_WRITE] = 2, [HVT_HYPERCALL_NET_READ] = 2,
		    [HVT_HYPERCALL_HALT] = 1,
		};

		assert_int_equal(f->ctx.stats.calls[nr], want[nr]);
	}
	assert_int_equal(f->ctx.stats.einval, 2);
	assert_int_equal(f->ctx.stats.eunspec, 1);
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
	    T(test_names),  T(test_unknown_nr), T(test_arg_placement),
	    T(test_ro_arg), T(test_stats),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
