/* SPDX-License-Identifier: ISC */
/*
 * Shared fixture for the hc_dispatch() unit tests (test_hypercall_*.c but
 * ring, fastq and gmem, whose fixtures differ): a calloc'd guest memory
 * with a snapshot of how it must stay, fake host ops that record their
 * calls, memfd-backed block devices and the struct hc_ctx over them, plus
 * helpers to place argument structs and check faults. Single-threaded;
 * never touches KVM. Include after defining _GNU_SOURCE (memfd_create).
 */
#ifndef GUEST_MEM_FIXTURE_H
#define GUEST_MEM_FIXTURE_H

#ifndef _GNU_SOURCE
#error "define _GNU_SOURCE before any #include: the fixture uses memfd_create"
#endif

#include <inttypes.h>
#include <setjmp.h>
#include <stdarg.h>
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
#define ARG_GPA 0x100ULL /* default argument struct */
#define DATA_GPA 0x4000ULL /* default data buffer, clear of arg structs */
#define BLK_SIZE 512U
#define BLK_CAP (8ULL * BLK_SIZE)
#define FAKE_WALLTIME 0x123456789abcdef0ULL
#define FRAME_LEN 60 /* what fake_net_read() delivers */
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

/* What the fake host ops were called with; net_ret is what they answer. */
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

static inline uint64_t fake_walltime(void *opaque)
{
	((struct fake *)opaque)->nb_walltime++;
	return FAKE_WALLTIME;
}

static inline void fake_console(void *opaque, const void *buf, size_t len)
{
	struct fake *fk = opaque;

	fk->nb_console++;
	fk->console_buf = buf;
	fk->console_len = len;
}

static inline int fake_poll(void *opaque, uint64_t timeout_ns,
			    uint64_t *ready_set)
{
	struct fake *fk = opaque;

	fk->nb_poll++;
	fk->poll_timeout = timeout_ns;
	*ready_set = 1ULL << H_NET;
	return 1;
}

static inline int fake_net_write(void *opaque, uint64_t handle, const void *buf,
				 uint64_t len)
{
	struct fake *fk = opaque;

	fk->nb_net_write++;
	fk->net_handle = handle;
	fk->net_buf = buf;
	fk->net_len = len;
	return fk->net_ret;
}

static inline int fake_net_read(void *opaque, uint64_t handle, void *buf,
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

static inline int fake_calls(const struct fake *fk)
{
	return fk->nb_walltime + fk->nb_console + fk->nb_poll +
	       fk->nb_net_write + fk->nb_net_read;
}

static inline void set_block(struct fixture *f, int h, int fd, uint64_t cap,
			     uint32_t bs)
{
	f->ctx.devs[h].type = HC_DEV_BLOCK;
	f->ctx.devs[h].block.fd = fd;
	f->ctx.devs[h].block.capacity = cap;
	f->ctx.devs[h].block.block_size = bs;
}

/* cmocka setup: zeroed memory, every fake op, the devices of the enum. */
static inline int setup(void **state)
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

static inline int teardown(void **state)
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
static inline void put(struct fixture *f, uint64_t gpa, const void *src,
		       size_t len)
{
	if (gpa >= MEM_SIZE)
		return;
	if (len > MEM_SIZE - gpa)
		len = MEM_SIZE - gpa;
	memcpy(f->mem + gpa, src, len);
}

/* Record guest memory and the block file as they must stay. */
static inline void snapshot(struct fixture *f)
{
	memcpy(f->snap, f->mem, MEM_SIZE);
	assert_int_equal(pread(f->fd, f->file_snap, BLK_CAP, 0), BLK_CAP);
}

/* Apply a change the call is expected to make to the snapshot. */
static inline void expect_write(struct fixture *f, uint64_t gpa,
				const void *src, size_t len)
{
	memcpy(f->snap + gpa, src, len);
}

/* The call's result field, ret_off into the struct at ARG_GPA, is ret. */
static inline void expect_ret(struct fixture *f, size_t ret_off, int32_t ret)
{
	expect_write(f, ARG_GPA + ret_off, &ret, sizeof(ret));
}

static inline void assert_unchanged(struct fixture *f)
{
	uint8_t now[BLK_CAP];

	assert_memory_equal(f->mem, f->snap, MEM_SIZE);
	assert_int_equal(pread(f->fd, now, BLK_CAP, 0), BLK_CAP);
	assert_memory_equal(now, f->file_snap, BLK_CAP);
}

/* st is HC_FAULT with the message for [gpa, gpa + len) being where (the
 * tail of the message); nothing else happened. */
static inline void assert_fault(struct fixture *f, enum hc_status st,
				const char *name, const char *what,
				uint64_t gpa, uint64_t len, const char *where)
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

static inline void assert_range_fault(struct fixture *f, enum hc_status st,
				      const char *name, const char *what,
				      uint64_t gpa, uint64_t len)
{
	assert_fault(f, st, name, what, gpa, len,
		     "outside guest memory (0x10000 bytes)");
}

static inline void assert_ro_fault(struct fixture *f, enum hc_status st,
				   const char *name, const char *what,
				   uint64_t gpa, uint64_t len)
{
	assert_fault(f, st, name, what, gpa, len, "in read-only guest memory");
}

/* Mark [RO_START, RO_END) read-only, behind an unrelated first range. */
static inline void set_ro(struct fixture *f)
{
	f->ctx.gmem.ro[0] = (struct hc_gpa_range){0xc000, 0xc100};
	f->ctx.gmem.ro[1] = (struct hc_gpa_range){RO_START, RO_END};
	f->ctx.gmem.nb_ro = 2;
}

static inline int32_t get_i32(struct fixture *f, uint64_t gpa)
{
	int32_t v;

	memcpy(&v, f->mem + gpa, sizeof(v));
	return v;
}

static inline uint64_t get_u64(struct fixture *f, uint64_t gpa)
{
	uint64_t v;

	memcpy(&v, f->mem + gpa, sizeof(v));
	return v;
}

/*
 * devs[64] would alias the field after devs[] (exit_status); make it look
 * like a device of type so an off-by-one handle check shows.
 */
static inline void poison_past_devs(struct fixture *f, enum hc_dev_type type)
{
	assert_int_equal(offsetof(struct hc_ctx, exit_status),
			 offsetof(struct hc_ctx, devs) + sizeof(f->ctx.devs));
	f->ctx.exit_status = (int)type;
}

/* PUTS of [data_gpa, data_gpa + len), its struct at ARG_GPA; snapshots. */
static inline enum hc_status puts_call(struct fixture *f, uint64_t data_gpa,
				       uint64_t len)
{
	struct hvt_hc_puts p = {data_gpa, len};

	put(f, ARG_GPA, &p, sizeof(p));
	snapshot(f);
	return hc_dispatch(&f->ctx, HVT_HYPERCALL_PUTS, ARG_GPA);
}

/* NET_WRITE or NET_READ (nr), its struct (ret = -7) at ARG_GPA; snapshots
 * before dispatching. */
static inline enum hc_status net_call(struct fixture *f, uint32_t nr,
				      uint64_t handle, uint64_t data_gpa,
				      uint64_t len)
{
	struct hvt_hc_net_io n = {handle, data_gpa, len, -7};

	put(f, ARG_GPA, &n, sizeof(n));
	snapshot(f);
	return hc_dispatch(&f->ctx, nr, ARG_GPA);
}

#endif /* GUEST_MEM_FIXTURE_H */
