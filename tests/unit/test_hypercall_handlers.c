/* SPDX-License-Identifier: ISC */
/*
 * Unit tests for hc_dispatch() over every hypercall and for the handlers
 * other than block I/O (test_hypercall_block.c), over a calloc'd guest
 * memory, fake host ops that record their calls, and a memfd-backed block
 * device. Hostile cases, read-only memory included, check the result, the
 * counters and that host state is unchanged. Single-threaded; needs no KVM.
 */
#define _GNU_SOURCE
#include <inttypes.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <cmocka.h>

#include "hypercall/hypercall.h"

#define MEM_SIZE (64 * 1024ULL)
#define DATA_GPA 0x4000ULL /* default data buffer, clear of arg structs */
#define BLK_SIZE 512U
#define BLK_CAP (8ULL * BLK_SIZE)
#define FAKE_WALLTIME 0x123456789abcdef0ULL
#define FRAME_LEN 60
#define RO_START 0x1000ULL /* read-only [RO_START, RO_END), as text */
#define RO_END 0x2000ULL

/* Handles: the manifest index; 0 is the reserved entry. */
enum {
	H_BLK = 1, /* 8 blocks of 512 on a memfd */
	H_NET = 2, /* net device served by the fakes */
	H_BLK_BADFD = 3, /* fd -1: every I/O fails */
	H_BLK_SHORT = 4, /* capacity beyond the file's end */
	H_BLK_4K = 5, /* one block of 4096 on the same memfd */
};

struct fake {
	int nb_walltime;
	int nb_console;
	const void *console_buf;
	size_t console_len;
	int nb_poll;
	uint64_t poll_timeout;
	int nb_net_write;
	int nb_net_read;
	uint64_t net_handle;
	const void *net_buf;
	uint64_t net_len; /* len passed in */
	int net_ret; /* what the net fakes answer */
};

struct fixture {
	uint8_t *mem;
	uint8_t *snap; /* guest memory as it should be */
	uint8_t file_snap[BLK_CAP];
	int fd;
	struct fake fake;
	struct hc_host_ops ops;
	struct hc_ctx ctx;
};

static uint64_t fake_walltime(void *opaque)
{
	((struct fake *)opaque)->nb_walltime++;
	return FAKE_WALLTIME;
}

static void fake_console(void *opaque, const void *buf, size_t len)
{
	struct fake *fk = opaque;

	fk->nb_console++;
	fk->console_buf = buf;
	fk->console_len = len;
}

static int fake_poll(void *opaque, uint64_t timeout_ns, uint64_t *ready_set)
{
	struct fake *fk = opaque;

	fk->nb_poll++;
	fk->poll_timeout = timeout_ns;
	*ready_set = 1ULL << H_NET;
	return 1;
}

static int fake_net_write(void *opaque, uint64_t handle, const void *buf,
			  uint64_t len)
{
	struct fake *fk = opaque;

	fk->nb_net_write++;
	fk->net_handle = handle;
	fk->net_buf = buf;
	fk->net_len = len;
	return fk->net_ret;
}

static int fake_net_read(void *opaque, uint64_t handle, void *buf,
			 uint64_t *len)
{
	struct fake *fk = opaque;

	fk->nb_net_read++;
	fk->net_handle = handle;
	fk->net_buf = buf;
	fk->net_len = *len;
	/* A careless op may scribble on *len when it has no frame. */
	*len = fk->net_ret == HVT_R_OK ? FRAME_LEN : 0;
	if (fk->net_ret == HVT_R_OK)
		memset(buf, 0xee, FRAME_LEN);
	return fk->net_ret;
}

static int fake_calls(const struct fake *fk)
{
	return fk->nb_walltime + fk->nb_console + fk->nb_poll +
	       fk->nb_net_write + fk->nb_net_read;
}

static void set_block(struct fixture *f, int h, int fd, uint64_t cap,
		      uint32_t bs)
{
	f->ctx.devs[h].type = HC_DEV_BLOCK;
	f->ctx.devs[h].block.fd = fd;
	f->ctx.devs[h].block.capacity = cap;
	f->ctx.devs[h].block.block_size = bs;
}

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));

	if (f == NULL)
		return -1;
	f->mem = calloc(1, MEM_SIZE);
	f->snap = calloc(1, MEM_SIZE);
	f->fd = memfd_create("hc-test-blk", MFD_CLOEXEC);
	if (f->mem == NULL || f->snap == NULL || f->fd < 0 ||
	    ftruncate(f->fd, BLK_CAP) != 0)
		return -1;
	f->ops = (struct hc_host_ops){
	    .walltime_ns = fake_walltime,
	    .console_write = fake_console,
	    .poll = fake_poll,
	    .net_write = fake_net_write,
	    .net_read = fake_net_read,
	};
	f->ctx.gmem = (struct hc_gmem){.base = f->mem, .size = MEM_SIZE};
	f->ctx.ops = &f->ops;
	f->ctx.opaque = &f->fake;
	f->ctx.exit_status = -12345;
	set_block(f, H_BLK, f->fd, BLK_CAP, BLK_SIZE);
	f->ctx.devs[H_NET].type = HC_DEV_NET;
	set_block(f, H_BLK_BADFD, -1, BLK_CAP, BLK_SIZE);
	set_block(f, H_BLK_SHORT, f->fd, 2 * BLK_CAP, BLK_SIZE);
	set_block(f, H_BLK_4K, f->fd, BLK_CAP, 4096);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	if (f->fd >= 0)
		close(f->fd);
	free(f->mem);
	free(f->snap);
	free(f);
	return 0;
}

/* Write the in-memory part of an argument struct into guest memory. */
static void put(struct fixture *f, uint64_t gpa, const void *src, size_t len)
{
	if (gpa >= MEM_SIZE)
		return;
	if (len > MEM_SIZE - gpa)
		len = MEM_SIZE - gpa;
	memcpy(f->mem + gpa, src, len);
}

/* Record guest memory and the block file as they must stay. */
static void snapshot(struct fixture *f)
{
	memcpy(f->snap, f->mem, MEM_SIZE);
	assert_int_equal(pread(f->fd, f->file_snap, BLK_CAP, 0), BLK_CAP);
}

/* Apply a change the call is expected to make to the snapshot. */
static void expect_write(struct fixture *f, uint64_t gpa, const void *src,
			 size_t len)
{
	memcpy(f->snap + gpa, src, len);
}

static void assert_unchanged(struct fixture *f)
{
	uint8_t now[BLK_CAP];

	assert_memory_equal(f->mem, f->snap, MEM_SIZE);
	assert_int_equal(pread(f->fd, now, BLK_CAP, 0), BLK_CAP);
	assert_memory_equal(now, f->file_snap, BLK_CAP);
}

/* st is HC_FAULT with the message for [gpa, gpa + len) being where (the
 * tail of the message); nothing else happened. */
static void assert_fault(struct fixture *f, enum hc_status st, const char *name,
			 const char *what, uint64_t gpa, uint64_t len,
			 const char *where)
{
	char want[256];

	snprintf(want, sizeof(want),
		 "hypercall %s: %s at GPA 0x%" PRIx64 " (%" PRIu64
		 " bytes) is %s",
		 name, what, gpa, len, where);
	assert_int_equal(st, HC_FAULT);
	assert_string_equal(f->ctx.fault_msg, want);
	assert_int_equal(fake_calls(&f->fake), 0);
	assert_unchanged(f);
}

static void assert_range_fault(struct fixture *f, enum hc_status st,
			       const char *name, const char *what, uint64_t gpa,
			       uint64_t len)
{
	assert_fault(f, st, name, what, gpa, len,
		     "outside guest memory (0x10000 bytes)");
}

static void assert_ro_fault(struct fixture *f, enum hc_status st,
			    const char *name, const char *what, uint64_t gpa,
			    uint64_t len)
{
	assert_fault(f, st, name, what, gpa, len, "in read-only guest memory");
}

/* Mark [RO_START, RO_END) read-only, behind an unrelated first range. */
static void set_ro(struct fixture *f)
{
	f->ctx.gmem.ro[0] = (struct hc_gpa_range){0xc000, 0xc100};
	f->ctx.gmem.ro[1] = (struct hc_gpa_range){RO_START, RO_END};
	f->ctx.gmem.nb_ro = 2;
}

static int32_t get_i32(struct fixture *f, uint64_t gpa)
{
	int32_t v;

	memcpy(&v, f->mem + gpa, sizeof(v));
	return v;
}

static uint64_t get_u64(struct fixture *f, uint64_t gpa)
{
	uint64_t v;

	memcpy(&v, f->mem + gpa, sizeof(v));
	return v;
}

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
			memset(f->mem, 0, MEM_SIZE);
			f->fake = (struct fake){.net_ret = HVT_R_OK};
			put(f, ok[i], arg, sz);
			assert_ran(f, nr, ok[i],
				   hc_dispatch(&f->ctx, nr, ok[i]));
		}
		for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
			memset(f->mem, 0, MEM_SIZE);
			f->fake = (struct fake){.net_ret = HVT_R_OK};
			f->ctx.exit_status = -12345;
			put(f, bad[i], arg, sz);
			snapshot(f);
			assert_range_fault(f, hc_dispatch(&f->ctx, nr, bad[i]),
					   hc_name(nr), "argument", bad[i], sz);
			assert_int_equal(f->ctx.exit_status, -12345);
		}
	}
}

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

static enum hc_status puts_call(struct fixture *f, uint64_t data_gpa,
				uint64_t len)
{
	struct hvt_hc_puts p = {data_gpa, len};

	put(f, 0x100, &p, sizeof(p));
	snapshot(f);
	return hc_dispatch(&f->ctx, HVT_HYPERCALL_PUTS, 0x100);
}

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

/* ---- NET_WRITE / NET_READ ---- */

#define ARG_GPA 0x100ULL

static void expect_ret(struct fixture *f, size_t ret_off, int32_t ret)
{
	expect_write(f, ARG_GPA + ret_off, &ret, sizeof(ret));
}

/*
 * devs[64] would alias the field after devs[] (exit_status); make it look
 * like a device of type so an off-by-one handle check shows.
 */
static void poison_past_devs(struct fixture *f, enum hc_dev_type type)
{
	assert_int_equal(offsetof(struct hc_ctx, exit_status),
			 offsetof(struct hc_ctx, devs) + sizeof(f->ctx.devs));
	f->ctx.exit_status = (int)type;
}

static enum hc_status net_call(struct fixture *f, uint32_t nr, uint64_t handle,
			       uint64_t data_gpa, uint64_t len)
{
	struct hvt_hc_net_io n = {handle, data_gpa, len, -7};

	put(f, ARG_GPA, &n, sizeof(n));
	snapshot(f);
	return hc_dispatch(&f->ctx, nr, ARG_GPA);
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
		assert_int_equal(f->fake.nb_net_write, 1);
		assert_int_equal(f->fake.net_handle, H_NET);
		assert_ptr_equal(f->fake.net_buf, f->mem + 0x2000);
		assert_int_equal(f->fake.net_len, 64);
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
	assert_int_equal(f->fake.nb_net_read, 1);
	assert_int_equal(f->fake.net_handle, H_NET);
	assert_ptr_equal(f->fake.net_buf, f->mem + 0x2000);
	assert_int_equal(f->fake.net_len, 1514);
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
			memset(f->mem, 0, MEM_SIZE);
			f->fake = (struct fake){.net_ret = HVT_R_OK};
			f->ctx.exit_status = -12345;
			put(f, in[i], arg, sz);
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
			memset(f->mem, 0, MEM_SIZE);
			f->fake = (struct fake){.net_ret = HVT_R_OK};
			put(f, out[i], arg, sz);
			assert_ran(f, nr, out[i],
				   hc_dispatch(&f->ctx, nr, out[i]));
		}
		assert_int_equal(f->ctx.stats.calls[nr], 7);
		assert_int_equal(f->ctx.stats.einval, 0);
		assert_int_equal(f->ctx.stats.eunspec, 0);
	}
}

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
	    T(test_names),
	    T(test_unknown_nr),
	    T(test_arg_placement),
	    T(test_walltime),
	    T(test_puts),
	    T(test_puts_len0),
	    T(test_puts_bad_data),
	    T(test_poll),
	    T(test_poll_no_op),
	    T(test_net_write),
	    T(test_net_read),
	    T(test_net_bad_handle),
	    T(test_net_last_handle),
	    T(test_net_bad_data),
	    T(test_net_len0),
	    T(test_net_no_ops),
	    T(test_halt_status),
	    T(test_halt_cookie),
	    T(test_ro_arg),
	    T(test_net_read_ro_data),
	    T(test_ro_data_readers),
	    T(test_stats),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
