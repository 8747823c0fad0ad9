/* SPDX-License-Identifier: ISC */
/*
 * Unit tests for the host side of the shared net ring (hypercall/ring.c):
 * a calloc'd guest memory with the ring just above it (as the tender maps
 * it), a "guest" that publishes entries as guest/runtime/net_ring.c does,
 * and fake ring ops that record their calls. Hostile cases check the
 * result, the message and that host state is unchanged. Single-threaded.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "hypercall/hypercall.h"
#include "hypercall/ring.h"

#define MEM_SIZE (256 * 1024ULL) /* usable guest memory; ring above it */
#define RING_AREA (64 * 1024ULL)
#define SLOT_GPA 0x8000ULL /* guest TX slots: 16 x 2 KiB */
#define NB_SLOTS 16
#define RX_GPA 0x10000ULL /* guest read buffer */
#define RX_LEN 1518U
#define RO_START 0x1000ULL /* read-only [RO_START, RO_END), as text */
#define RO_END 0x2000ULL
#define MAX_CALLS 2100

/* Handles: the manifest index; 0 is the reserved entry. */
enum {
	H_NET = 1,
	H_BLK = 2,
	H_NET2 = 3,
	H_LAST = 63, /* a net device in the last valid slot */
};

struct call {
	uint64_t handle;
	const void *ptr;
	uint32_t len; /* write: frame length; read: cap */
	uint32_t token;
	uint8_t first_byte; /* write: frame[0] when called */
};

struct fake {
	struct hc_ring *ring;
	/* write */
	int nb_write;
	struct call w[MAX_CALLS];
	int write_ret;
	bool is_done_now; /* call hc_ring_write_done() from the callback */
	struct hvt_ring_entry scribble; /* written over the entry if .op */
	/* read */
	int nb_read;
	struct call r[MAX_CALLS];
	int read_ret;
	uint32_t rx_len; /* frame of rx_len bytes of 0xab if read_ret OK */
};

struct fixture {
	uint8_t *mem; /* MEM_SIZE + RING_AREA */
	uint8_t *snap;
	struct hvt_ring *shared;
	struct hc_gmem gmem;
	struct hc_dev devs[HVT_MFT_MAX_ENTRIES];
	struct hc_ring_ops ops;
	struct fake fake;
	struct hc_ring ring;
	struct hc_ring ring_snap;
	uint32_t g_tail, g_id; /* the guest's own indices */
};

static void scribble_entry(struct fake *fk, uint32_t idx)
{
	struct hvt_ring_entry *e;

	if (fk->scribble.op == 0)
		return;
	e = &fk->ring->shared->entries[idx & HVT_RING_MASK];
	*e = fk->scribble;
}

static int fake_write(void *opaque, uint64_t handle, const void *frame,
		      uint32_t len, uint32_t token)
{
	struct fake *fk = opaque;
	struct call *c = &fk->w[fk->nb_write++];

	assert_true(fk->nb_write <= MAX_CALLS);
	*c = (struct call){.handle = handle,
			   .ptr = frame,
			   .len = len,
			   .token = token,
			   .first_byte = *(const uint8_t *)frame};
	scribble_entry(fk, token);
	if (fk->write_ret == HVT_R_OK && fk->is_done_now)
		hc_ring_write_done(fk->ring, token);
	return fk->write_ret;
}

static int fake_read(void *opaque, uint64_t handle, void *buf, uint32_t cap,
		     uint32_t *len)
{
	struct fake *fk = opaque;
	struct call *c = &fk->r[fk->nb_read++];

	assert_true(fk->nb_read <= MAX_CALLS);
	*c = (struct call){.handle = handle, .ptr = buf, .len = cap};
	scribble_entry(fk, fk->ring->ent_next);
	if (fk->read_ret == HVT_R_OK) {
		assert_true(fk->rx_len <= cap);
		memset(buf, 0xab, fk->rx_len);
		*len = fk->rx_len;
	}
	return fk->read_ret;
}

static int setup(void **state)
{
	struct fixture *fx = calloc(1, sizeof(*fx));

	assert_non_null(fx);
	fx->mem = calloc(1, MEM_SIZE + RING_AREA);
	fx->snap = calloc(1, MEM_SIZE + RING_AREA);
	assert_non_null(fx->mem);
	assert_non_null(fx->snap);
	fx->shared = (struct hvt_ring *)(fx->mem + MEM_SIZE);
	fx->gmem = (struct hc_gmem){.base = fx->mem, .size = MEM_SIZE};
	fx->gmem.ro[0] = (struct hc_gpa_range){RO_START, RO_END};
	fx->gmem.nb_ro = 1;
	fx->devs[H_NET].type = HC_DEV_NET;
	fx->devs[H_BLK].type = HC_DEV_BLOCK;
	fx->devs[H_NET2].type = HC_DEV_NET;
	fx->devs[H_LAST].type = HC_DEV_NET;
	fx->ops = (struct hc_ring_ops){.write = fake_write, .read = fake_read};
	fx->fake.ring = &fx->ring;
	fx->fake.write_ret = HVT_R_OK;
	fx->fake.read_ret = HVT_R_AGAIN;
	/* The host publishes a dirty ring as empty. */
	fx->shared->ent_head = 77;
	fx->shared->needs_kick = 1;
	hc_ring_init(&fx->ring, fx->shared, &fx->gmem, fx->devs, &fx->ops,
		     &fx->fake);
	*state = fx;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *fx = *state;

	free(fx->mem);
	free(fx->snap);
	free(fx);
	return 0;
}

/* Both sides start at index start, as after 'start' entries and commits. */
static void start_at(struct fixture *fx, uint32_t start)
{
	fx->ring.ent_head = fx->ring.ent_next = fx->ring.com_tail = start;
	fx->shared->ent_head = fx->shared->com_tail = start;
	fx->shared->ent_tail = fx->shared->com_head = start;
	fx->g_tail = start;
}

/* The guest publishes one entry; returns its ring index. */
static uint32_t g_push(struct fixture *fx, uint32_t op, uint32_t handle,
		       uint64_t gpa, uint32_t len)
{
	struct hvt_ring_entry *e =
	    &fx->shared->entries[fx->g_tail & HVT_RING_MASK];

	*e = (struct hvt_ring_entry){.op = op,
				     .handle = handle,
				     .data_gpa = gpa,
				     .len = len,
				     .id = fx->g_id++};
	fx->shared->ent_tail = ++fx->g_tail;
	return fx->g_tail - 1;
}

/* A write of len bytes from the slot of its index, filled with the
 * index's low byte. */
static uint32_t g_write(struct fixture *fx, uint32_t handle, uint32_t len)
{
	uint64_t gpa = SLOT_GPA + (fx->g_tail % NB_SLOTS) * 2048ULL;

	memset(fx->mem + gpa, (uint8_t)fx->g_tail, len);
	return g_push(fx, HVT_RING_OP_WRITE, handle, gpa, len);
}

static uint32_t g_read(struct fixture *fx, uint32_t handle)
{
	return g_push(fx, HVT_RING_OP_READ, handle, RX_GPA, RX_LEN);
}

static const struct hvt_ring_commit *commit_at(struct fixture *fx, uint32_t idx)
{
	return &fx->shared->commits[idx & HVT_RING_MASK];
}

static void assert_commit(struct fixture *fx, uint32_t idx, uint32_t id,
			  int32_t ret, uint32_t len)
{
	const struct hvt_ring_commit *c = commit_at(fx, idx);

	assert_int_equal(c->id, id);
	assert_int_equal(c->ret, ret);
	assert_int_equal(c->len, len);
}

static void snapshot(struct fixture *fx)
{
	memcpy(fx->snap, fx->mem, MEM_SIZE + RING_AREA);
	memcpy(&fx->ring_snap, &fx->ring, sizeof(fx->ring));
}

/* After a fault: guest memory, the ring and the host's state are as at
 * the snapshot, but for the fault itself. */
static void assert_unchanged(struct fixture *fx)
{
	struct hc_ring now;

	memcpy(&now, &fx->ring, sizeof(now));
	assert_memory_equal(fx->snap, fx->mem, MEM_SIZE + RING_AREA);
	assert_true(now.is_faulted);
	now.is_faulted = fx->ring_snap.is_faulted;
	memcpy(now.fault_msg, fx->ring_snap.fault_msg, sizeof(now.fault_msg));
	assert_memory_equal(&fx->ring_snap, &now, sizeof(now));
}

/* Poll expecting an ABI violation with message msg, then check nothing
 * changed and that the ring stays faulted. */
static void assert_fault(struct fixture *fx, const char *msg)
{
	int nb_write = fx->fake.nb_write, nb_read = fx->fake.nb_read;

	snapshot(fx);
	assert_int_equal(hc_ring_poll(&fx->ring, 64), -1);
	assert_string_equal(fx->ring.fault_msg, msg);
	assert_unchanged(fx);
	assert_int_equal(fx->fake.nb_write, nb_write);
	assert_int_equal(fx->fake.nb_read, nb_read);
	assert_int_equal(hc_ring_poll(&fx->ring, 64), -1);
}

static void test_init(void **state)
{
	struct fixture *fx = *state;

	assert_int_equal(fx->shared->ent_head, 0);
	assert_int_equal(fx->shared->com_tail, 0);
	assert_int_equal(fx->shared->needs_kick, 0);
	assert_false(hc_ring_pending(&fx->ring));
	assert_int_equal(hc_ring_poll(&fx->ring, 64), 0);
	assert_int_equal(hc_ring_poll(&fx->ring, 0), 0);
}

/* Zero-copy writes: ent_head waits for the oldest buffer held. */
static void test_write_deferred_done(void **state)
{
	struct fixture *fx = *state;

	for (int i = 0; i < 3; i++)
		g_write(fx, H_NET, 60 + i);
	assert_true(hc_ring_pending(&fx->ring));
	assert_int_equal(hc_ring_poll(&fx->ring, 64), 3);
	assert_false(hc_ring_pending(&fx->ring));
	assert_int_equal(fx->fake.nb_write, 3);
	for (int i = 0; i < 3; i++) {
		assert_int_equal(fx->fake.w[i].handle, H_NET);
		assert_int_equal(fx->fake.w[i].token, i);
		assert_int_equal(fx->fake.w[i].len, 60 + i);
		assert_ptr_equal(fx->fake.w[i].ptr,
				 fx->mem + SLOT_GPA + i * 2048);
		assert_int_equal(fx->fake.w[i].first_byte, i);
	}
	assert_int_equal(fx->ring.stats.writes, 3);
	assert_int_equal(fx->shared->ent_head, 0);
	hc_ring_write_done(&fx->ring, 1);
	assert_int_equal(fx->shared->ent_head, 0); /* 0 still held */
	hc_ring_write_done(&fx->ring, 0);
	assert_int_equal(fx->shared->ent_head, 2);
	hc_ring_write_done(&fx->ring, 2);
	assert_int_equal(fx->shared->ent_head, 3);
	assert_int_equal(fx->shared->com_tail, 0); /* writes get no commit */
	assert_int_equal(hc_ring_poll(&fx->ring, 64), 0);
}

static void test_write_done_immediate(void **state)
{
	struct fixture *fx = *state;

	fx->fake.is_done_now = true;
	for (int i = 0; i < 3; i++)
		g_write(fx, H_NET2, 100);
	assert_int_equal(hc_ring_poll(&fx->ring, 64), 3);
	assert_int_equal(fx->shared->ent_head, 3);
	assert_int_equal(fx->ring.ent_head, 3);
	assert_int_equal(fx->fake.w[2].handle, H_NET2);
}

static void test_write_error_retires(void **state)
{
	struct fixture *fx = *state;

	fx->fake.write_ret = HVT_R_EUNSPEC;
	g_write(fx, H_NET, 60);
	fx->fake.write_ret = HVT_R_AGAIN;
	g_write(fx, H_NET, 60);
	assert_int_equal(hc_ring_poll(&fx->ring, 64), 2);
	assert_int_equal(fx->fake.nb_write, 2);
	assert_int_equal(fx->ring.stats.write_err, 2);
	assert_int_equal(fx->ring.stats.writes, 0);
	assert_int_equal(fx->shared->ent_head, 2);
}

static void test_read_results(void **state)
{
	struct fixture *fx = *state;
	uint8_t *buf = fx->mem + RX_GPA;

	fx->fake.read_ret = HVT_R_OK;
	fx->fake.rx_len = 64;
	g_read(fx, H_NET);
	assert_int_equal(hc_ring_poll(&fx->ring, 64), 1);
	assert_int_equal(fx->fake.nb_read, 1);
	assert_ptr_equal(fx->fake.r[0].ptr, buf);
	assert_int_equal(fx->fake.r[0].len, RX_LEN);
	assert_int_equal(fx->fake.r[0].handle, H_NET);
	assert_int_equal(buf[0], 0xab);
	assert_int_equal(buf[63], 0xab);
	assert_int_equal(buf[64], 0);
	assert_commit(fx, 0, 0, HVT_R_OK, 64);
	assert_int_equal(fx->shared->com_tail, 1);
	assert_int_equal(fx->shared->ent_head, 1);

	for (int i = 0; i < 3; i++)
		g_read(fx, H_NET);
	fx->fake.read_ret = HVT_R_AGAIN;
	assert_int_equal(hc_ring_poll(&fx->ring, 1), 1);
	fx->fake.read_ret = HVT_R_EINVAL; /* frame too big: callee drops */
	assert_int_equal(hc_ring_poll(&fx->ring, 1), 1);
	fx->fake.read_ret = 42; /* not a result: the guest gets EUNSPEC */
	assert_int_equal(hc_ring_poll(&fx->ring, 64), 1);
	assert_commit(fx, 1, 1, HVT_R_AGAIN, 0);
	assert_commit(fx, 2, 2, HVT_R_EINVAL, 0);
	assert_commit(fx, 3, 3, HVT_R_EUNSPEC, 0);
	assert_int_equal(fx->shared->com_tail, 4);
	assert_int_equal(fx->shared->ent_head, 4);
	assert_int_equal(fx->ring.stats.reads, 1);
	assert_int_equal(fx->ring.stats.read_again, 1);
	assert_int_equal(fx->ring.stats.read_too_big, 1);
	assert_int_equal(fx->ring.stats.read_err, 1);
}

/* A buffer over HC_RING_FRAME_MAX is valid (Solo5 accepts any buffer in
 * memory); the callee sees at most HC_RING_FRAME_MAX of it. */
static void test_read_big_buffer(void **state)
{
	struct fixture *fx = *state;

	g_push(fx, HVT_RING_OP_READ, H_NET, RX_GPA, 100000);
	assert_int_equal(hc_ring_poll(&fx->ring, 64), 1);
	assert_int_equal(fx->fake.r[0].len, HC_RING_FRAME_MAX);
	assert_commit(fx, 0, 0, HVT_R_AGAIN, 0);
}

/* Writes and reads interleave in order; a read entry retires behind a
 * held write without holding ent_head itself. */
static void test_mixed_budget(void **state)
{
	struct fixture *fx = *state;

	g_write(fx, H_NET, 60);
	g_read(fx, H_NET);
	g_write(fx, H_NET, 60);
	g_read(fx, H_NET);
	g_write(fx, H_NET, 60);
	assert_int_equal(hc_ring_poll(&fx->ring, 2), 2);
	assert_int_equal(fx->fake.nb_write, 1);
	assert_int_equal(fx->fake.nb_read, 1);
	assert_int_equal(fx->shared->com_tail, 1);
	assert_int_equal(hc_ring_poll(&fx->ring, 0), 0);
	assert_int_equal(hc_ring_poll(&fx->ring, 64), 3);
	assert_int_equal(hc_ring_poll(&fx->ring, 64), 0);
	assert_commit(fx, 0, 1, HVT_R_AGAIN, 0);
	assert_commit(fx, 1, 3, HVT_R_AGAIN, 0);
	assert_int_equal(fx->shared->ent_head, 0);
	hc_ring_write_done(&fx->ring, 2);
	assert_int_equal(fx->shared->ent_head, 0);
	hc_ring_write_done(&fx->ring, 0);
	assert_int_equal(fx->shared->ent_head, 4); /* over read 3 */
	hc_ring_write_done(&fx->ring, 4);
	assert_int_equal(fx->shared->ent_head, 5);
}

static void test_wrap(void **state)
{
	struct fixture *fx = *state;
	uint32_t start = UINT32_MAX - 2;

	start_at(fx, start);
	fx->fake.is_done_now = true;
	for (int i = 0; i < 3; i++) {
		g_write(fx, H_NET, 60);
		g_read(fx, H_NET);
	}
	assert_int_equal(hc_ring_poll(&fx->ring, 64), 6);
	assert_int_equal(fx->shared->ent_head, 3);
	assert_int_equal(fx->shared->com_tail, start + 3);
	assert_int_equal(fx->fake.w[0].token, start);
	assert_int_equal(fx->fake.w[2].token, start + 4);
	assert_commit(fx, start, 1, HVT_R_AGAIN, 0);
	assert_commit(fx, start + 2, 5, HVT_R_AGAIN, 0);
	/* A full ring across the wrap is still valid. */
	fx->fake.is_done_now = false;
	for (int i = 0; i < HVT_RING_ENTRIES; i++)
		g_write(fx, H_NET, 60);
	assert_int_equal(hc_ring_poll(&fx->ring, 2000), HVT_RING_ENTRIES);
	hc_ring_write_done(&fx->ring, 3);
	assert_int_equal(fx->shared->ent_head, 4);
}

static void test_ent_tail_far_ahead(void **state)
{
	struct fixture *fx = *state;

	g_write(fx, H_NET, 60);
	assert_int_equal(hc_ring_poll(&fx->ring, 64), 1);
	/* Write 0 is still held: ent_head is 0, so 1024 ahead is the limit. */
	fx->shared->ent_tail = HVT_RING_ENTRIES + 1;
	assert_fault(fx, "net ring: ent_tail 1025 is more than 1024 entries"
			 " ahead of ent_head 0");
	/* Sticky: a repaired tail does not revive the ring. */
	fx->shared->ent_tail = 1;
	assert_int_equal(hc_ring_poll(&fx->ring, 64), -1);
}

static void test_ent_tail_at_limit(void **state)
{
	struct fixture *fx = *state;

	fx->shared->ent_tail = HVT_RING_ENTRIES; /* zeroed entries: op 0 */
	assert_fault(fx, "net ring entry 0: unknown op 0");
}

static void test_ent_tail_back(void **state)
{
	struct fixture *fx = *state;

	g_write(fx, H_NET, 60);
	g_write(fx, H_NET, 60);
	assert_int_equal(hc_ring_poll(&fx->ring, 64), 2);
	fx->shared->ent_tail = 1;
	assert_fault(fx, "net ring: ent_tail 1 moved back behind consumed"
			 " entry 1");
}

static void test_com_head_ahead(void **state)
{
	struct fixture *fx = *state;

	fx->shared->com_head = 1; /* com_tail is 0 */
	assert_fault(fx, "net ring: com_head 1 is not within 1024 commits"
			 " behind com_tail 0");
}

static void test_com_head_far_behind(void **state)
{
	struct fixture *fx = *state;

	fx->shared->com_head = (uint32_t)-HVT_RING_ENTRIES - 1;
	assert_fault(fx, "net ring: com_head 4294966271 is not within 1024"
			 " commits behind com_tail 0");
}

static void test_unknown_op(void **state)
{
	struct fixture *fx = *state;

	fx->fake.is_done_now = true;
	g_write(fx, H_NET, 60);
	g_push(fx, 3, H_NET, RX_GPA, 60);
	/* The write before it is consumed and stays so. */
	assert_int_equal(hc_ring_poll(&fx->ring, 1), 1);
	assert_fault(fx, "net ring entry 1: unknown op 3");
	assert_int_equal(fx->shared->ent_head, 1);
}

static void test_bad_handles(void **state)
{
	struct fixture *fx = *state;
	const uint32_t bad[] = {0, HVT_MFT_MAX_ENTRIES, UINT32_MAX, H_BLK, 10};

	fx->fake.is_done_now = true;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		g_write(fx, bad[i], 60);
		g_read(fx, bad[i]);
	}
	g_write(fx, H_LAST, 60);
	g_read(fx, H_LAST);
	assert_int_equal(hc_ring_poll(&fx->ring, 64), 12);
	assert_int_equal(fx->ring.stats.write_bad_handle, 5);
	assert_int_equal(fx->ring.stats.read_bad_handle, 5);
	assert_int_equal(fx->fake.nb_write, 1);
	assert_int_equal(fx->fake.nb_read, 1);
	assert_int_equal(fx->fake.w[0].handle, H_LAST);
	assert_int_equal(fx->fake.r[0].handle, H_LAST);
	for (uint32_t i = 0; i < 5; i++)
		assert_commit(fx, i, 2 * i + 1, HVT_R_EINVAL, 0);
	assert_commit(fx, 5, 11, HVT_R_AGAIN, 0);
	assert_int_equal(fx->shared->ent_head, 12);
	assert_int_equal(fx->shared->com_tail, 6);
}

/* As the NET hypercalls: a bad handle is answered before the buffer is
 * looked at, so it is not a fault. */
static void test_bad_handle_before_gpa(void **state)
{
	struct fixture *fx = *state;

	g_push(fx, HVT_RING_OP_WRITE, 0, UINT64_MAX, 60);
	g_push(fx, HVT_RING_OP_READ, 64, MEM_SIZE, 60);
	assert_int_equal(hc_ring_poll(&fx->ring, 64), 2);
	assert_int_equal(fx->ring.stats.write_bad_handle, 1);
	assert_commit(fx, 0, 1, HVT_R_EINVAL, 0);
}

static void test_write_gpa_past_end(void **state)
{
	struct fixture *fx = *state;

	g_push(fx, HVT_RING_OP_WRITE, H_NET, MEM_SIZE - 59, 60);
	assert_fault(fx, "net ring entry 0 (write): data at GPA 0x3ffc5"
			 " (60 bytes) is outside guest memory (0x40000 bytes)");
}

static void test_write_gpa_in_ring(void **state)
{
	struct fixture *fx = *state;

	/* The ring region is not guest memory for frames. */
	g_push(fx, HVT_RING_OP_WRITE, H_NET, MEM_SIZE, 60);
	assert_fault(fx, "net ring entry 0 (write): data at GPA 0x40000"
			 " (60 bytes) is outside guest memory (0x40000 bytes)");
}

static void test_gpa_wraps(void **state)
{
	struct fixture *fx = *state;

	start_at(fx, 17);
	g_push(fx, HVT_RING_OP_READ, H_NET, UINT64_MAX - 9, 60);
	assert_fault(fx, "net ring entry 17 (read): data at GPA"
			 " 0xfffffffffffffff6 (60 bytes) is outside guest"
			 " memory (0x40000 bytes)");
}

static void test_read_gpa_huge_len(void **state)
{
	struct fixture *fx = *state;

	g_push(fx, HVT_RING_OP_READ, H_NET, RX_GPA, UINT32_MAX);
	assert_fault(fx, "net ring entry 0 (read): data at GPA 0x10000"
			 " (4294967295 bytes) is outside guest memory"
			 " (0x40000 bytes)");
}

static void test_lengths(void **state)
{
	struct fixture *fx = *state;

	fx->fake.is_done_now = true;
	g_push(fx, HVT_RING_OP_WRITE, H_NET, SLOT_GPA, 0);
	g_push(fx, HVT_RING_OP_WRITE, H_NET, 0, HC_RING_FRAME_MAX + 1);
	g_push(fx, HVT_RING_OP_WRITE, H_NET, 0x20000, HC_RING_FRAME_MAX);
	g_push(fx, HVT_RING_OP_READ, H_NET, RX_GPA, 0);
	g_push(fx, HVT_RING_OP_WRITE, H_NET, MEM_SIZE - 1, 1);
	assert_int_equal(hc_ring_poll(&fx->ring, 64), 5);
	assert_int_equal(fx->ring.stats.write_bad_len, 2);
	assert_int_equal(fx->ring.stats.read_bad_len, 1);
	assert_int_equal(fx->fake.nb_write, 2);
	assert_int_equal(fx->fake.w[0].len, HC_RING_FRAME_MAX);
	assert_int_equal(fx->fake.w[1].len, 1);
	assert_int_equal(fx->fake.nb_read, 0);
	assert_commit(fx, 0, 3, HVT_R_EINVAL, 0);
}

static void test_read_into_readonly(void **state)
{
	struct fixture *fx = *state;

	/* Frames may come from read-only memory... */
	g_push(fx, HVT_RING_OP_WRITE, H_NET, RO_START, 60);
	assert_int_equal(hc_ring_poll(&fx->ring, 64), 1);
	/* ...but the host never writes there. */
	g_push(fx, HVT_RING_OP_READ, H_NET, RO_END - 1, 2);
	assert_fault(fx, "net ring entry 1 (read): buffer at GPA 0x1fff"
			 " (2 bytes) is in read-only guest memory");
}

/* The guest does not consume commits: the host stops at 1024 and never
 * overwrites one; it resumes when the guest catches up. */
static void test_commit_ring_full(void **state)
{
	struct fixture *fx = *state;

	for (int i = 0; i < 1000; i++)
		g_read(fx, H_NET);
	assert_int_equal(hc_ring_poll(&fx->ring, 2000), 1000);
	for (int i = 0; i < 30; i++)
		g_read(fx, H_NET);
	assert_int_equal(hc_ring_poll(&fx->ring, 2000), 24);
	assert_int_equal(fx->shared->com_tail, HVT_RING_ENTRIES);
	assert_int_equal(fx->ring.stats.commit_full, 1);
	assert_int_equal(hc_ring_poll(&fx->ring, 2000), 0);
	assert_int_equal(fx->ring.stats.commit_full, 2);
	assert_int_equal(fx->fake.nb_read, HVT_RING_ENTRIES);
	assert_commit(fx, 0, 0, HVT_R_AGAIN, 0); /* not overwritten */
	assert_true(hc_ring_pending(&fx->ring));
	assert_int_equal(fx->shared->ent_head, HVT_RING_ENTRIES);
	fx->shared->com_head = 2; /* the guest consumes two */
	assert_int_equal(hc_ring_poll(&fx->ring, 2000), 2);
	assert_commit(fx, 0, HVT_RING_ENTRIES, HVT_R_AGAIN, 0);
	assert_commit(fx, 1, HVT_RING_ENTRIES + 1, HVT_R_AGAIN, 0);
	assert_commit(fx, 2, 2, HVT_R_AGAIN, 0);
	assert_int_equal(hc_ring_poll(&fx->ring, 2000), 0);
	fx->shared->com_head = HVT_RING_ENTRIES + 2;
	assert_int_equal(hc_ring_poll(&fx->ring, 2000), 4);
	assert_false(hc_ring_pending(&fx->ring));
}

/* The guest rewriting an entry during or after processing changes
 * nothing: each entry is read once. */
static void test_copy_once(void **state)
{
	struct fixture *fx = *state;
	const struct hvt_ring_entry evil = {
	    .op = 99, .handle = 0, .data_gpa = UINT64_MAX, .len = 0, .id = 7};

	fx->fake.scribble = evil;
	g_write(fx, H_NET, 60);
	g_read(fx, H_NET);
	assert_int_equal(hc_ring_poll(&fx->ring, 64), 2);
	assert_int_equal(fx->fake.w[0].len, 60);
	assert_int_equal(fx->fake.r[0].len, RX_LEN);
	assert_commit(fx, 0, 1, HVT_R_AGAIN, 0);
	assert_int_equal(fx->shared->entries[1].op, 99);
	/* Rewritten after processing: not looked at again. */
	fx->fake.scribble.op = 0;
	fx->shared->entries[0] = evil;
	assert_int_equal(hc_ring_poll(&fx->ring, 64), 0);
	hc_ring_write_done(&fx->ring, 0);
	assert_int_equal(fx->shared->ent_head, 2);
}

/* The host's published fields are never read back. */
static void test_host_fields_not_trusted(void **state)
{
	struct fixture *fx = *state;

	g_write(fx, H_NET, 60);
	fx->shared->ent_head = 900;
	fx->shared->com_tail = 900;
	g_read(fx, H_NET);
	assert_int_equal(hc_ring_poll(&fx->ring, 64), 2);
	assert_commit(fx, 0, 1, HVT_R_AGAIN, 0);
	assert_int_equal(fx->shared->com_tail, 1);
	hc_ring_write_done(&fx->ring, 0);
	assert_int_equal(fx->shared->ent_head, 2);
}

static void test_sleep_protocol(void **state)
{
	struct fixture *fx = *state;

	assert_true(hc_ring_prepare_sleep(&fx->ring));
	assert_int_equal(fx->shared->needs_kick, 1);
	/* The guest publishes and sees needs_kick: it kicks, we wake. */
	g_write(fx, H_NET, 60);
	hc_ring_wake(&fx->ring);
	assert_int_equal(fx->shared->needs_kick, 0);
	/* Work pending: no sleep, and needs_kick is left clear. */
	assert_false(hc_ring_prepare_sleep(&fx->ring));
	assert_int_equal(fx->shared->needs_kick, 0);
	assert_int_equal(hc_ring_poll(&fx->ring, 64), 1);
	/* A held write is not pending work. */
	assert_true(hc_ring_prepare_sleep(&fx->ring));
	hc_ring_wake(&fx->ring);
	/* A garbage tail is pending: the poll reports it. */
	fx->shared->ent_tail = 5000;
	assert_false(hc_ring_prepare_sleep(&fx->ring));
	assert_int_equal(hc_ring_poll(&fx->ring, 64), -1);
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
	    T(test_init),
	    T(test_write_deferred_done),
	    T(test_write_done_immediate),
	    T(test_write_error_retires),
	    T(test_read_results),
	    T(test_read_big_buffer),
	    T(test_mixed_budget),
	    T(test_wrap),
	    T(test_ent_tail_far_ahead),
	    T(test_ent_tail_at_limit),
	    T(test_ent_tail_back),
	    T(test_com_head_ahead),
	    T(test_com_head_far_behind),
	    T(test_unknown_op),
	    T(test_bad_handles),
	    T(test_bad_handle_before_gpa),
	    T(test_write_gpa_past_end),
	    T(test_write_gpa_in_ring),
	    T(test_gpa_wraps),
	    T(test_read_gpa_huge_len),
	    T(test_lengths),
	    T(test_read_into_readonly),
	    T(test_commit_ring_full),
	    T(test_copy_once),
	    T(test_host_fields_not_trusted),
	    T(test_sleep_protocol),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
