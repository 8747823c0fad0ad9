/* SPDX-License-Identifier: ISC */
/*
 * Unit tests for the host side of the fast-path queues (hypercall/fastq.c):
 * a calloc'd guest memory with one struct hvtx_queue just above it (as in
 * the fast-path region), and a "guest" that posts descriptors and indices.
 * Hostile cases check the result, the message and that host state and
 * guest memory are unchanged. Single-threaded.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "hypercall/fastq.h"
#include "hypercall/hypercall.h"

#define MEM_SIZE (256 * 1024ULL) /* usable guest memory; queue above it */
#define ALLOC_SIZE (MEM_SIZE + sizeof(struct hvtx_queue))
#define MAX_FRAME 1514U
#define TX_GPA 0x8000ULL /* guest TX frames: a 256-byte slot per entry */
#define NB_SLOTS HVTX_QUEUE_ENTRIES
#define RX_GPA 0x30000ULL /* guest RX buffers: 8 x 2 KiB */
#define RO_START 0x1000ULL /* read-only [RO_START, RO_END), as text */
#define RO_END 0x2000ULL
#define HANDLE 3
#define PFX "fast path (handle 3): "
#define GARBAGE 0xdeadU /* what the guest leaves in host-written fields */
#define N HVTX_QUEUE_ENTRIES

struct fixture {
	uint8_t *mem; /* ALLOC_SIZE */
	uint8_t *snap;
	struct hvtx_queue *shared;
	struct hc_gmem gmem;
	struct hc_fastq q;
	struct hc_fastq q_snap;
	uint32_t g_tx, g_rx; /* the guest's own tx_prod and rx_post */
};

static int setup(void **state)
{
	struct fixture *fx = calloc(1, sizeof(*fx));

	assert_non_null(fx);
	fx->mem = calloc(1, ALLOC_SIZE);
	fx->snap = calloc(1, ALLOC_SIZE);
	assert_non_null(fx->mem);
	assert_non_null(fx->snap);
	fx->shared = (struct hvtx_queue *)(fx->mem + MEM_SIZE);
	fx->gmem = (struct hc_gmem){.base = fx->mem, .size = MEM_SIZE};
	fx->gmem.ro[0] = (struct hc_gpa_range){RO_START, RO_END};
	fx->gmem.nb_ro = 1;
	/* The host publishes dirty indices as empty. */
	fx->shared->tx_done = 77;
	fx->shared->rx_done = 88;
	hc_fastq_init(&fx->q, fx->shared, &fx->gmem, MAX_FRAME, HANDLE);
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

/* Both sides start at index start, as after that many frames each way. */
static void start_at(struct fixture *fx, uint32_t start)
{
	fx->q.tx_done = fx->q.tx_next = fx->q.tx_avail = start;
	fx->q.rx_done = fx->q.rx_avail = start;
	fx->shared->tx_prod = fx->shared->tx_done = start;
	fx->shared->rx_post = fx->shared->rx_done = start;
	fx->shared->rx_cons = start;
	fx->g_tx = fx->g_rx = start;
}

/* The guest posts one TX descriptor; returns its index. */
static uint32_t g_tx_post(struct fixture *fx, uint64_t gpa, uint32_t len)
{
	struct hvtx_txd *d = &fx->shared->tx[fx->g_tx & HVTX_QUEUE_MASK];

	*d = (struct hvtx_txd){.gpa = gpa, .len = len, .status = GARBAGE};
	fx->shared->tx_prod = ++fx->g_tx;
	return fx->g_tx - 1;
}

static uint64_t slot_gpa(uint32_t idx)
{
	return TX_GPA + (idx % NB_SLOTS) * 256ULL;
}

/* A frame of len bytes in the slot of its index, filled with the index's
 * low byte. */
static uint32_t g_tx_frame(struct fixture *fx, uint32_t len)
{
	uint64_t gpa = slot_gpa(fx->g_tx);

	memset(fx->mem + gpa, (uint8_t)fx->g_tx, len);
	return g_tx_post(fx, gpa, len);
}

static uint32_t g_rx_post(struct fixture *fx, uint64_t gpa, uint32_t cap)
{
	struct hvtx_rxd *d = &fx->shared->rx[fx->g_rx & HVTX_QUEUE_MASK];

	*d = (struct hvtx_rxd){.gpa = gpa, .cap = cap, .len = GARBAGE};
	fx->shared->rx_post = ++fx->g_rx;
	return fx->g_rx - 1;
}

static uint32_t tx_status(struct fixture *fx, uint32_t idx)
{
	return fx->shared->tx[idx & HVTX_QUEUE_MASK].status;
}

/* Take the next TX frame, expecting the one g_tx_frame() posted at idx. */
static void tx_take(struct fixture *fx, uint32_t idx, uint32_t len)
{
	void *frame = NULL;
	uint32_t l = 0, token = 0;

	assert_int_equal(hc_fastq_tx_next(&fx->q, &frame, &l, &token), 1);
	assert_int_equal(token, idx);
	assert_int_equal(l, len);
	assert_ptr_equal(frame, fx->mem + slot_gpa(idx));
	assert_int_equal(*(uint8_t *)frame, (uint8_t)idx);
}

static int call_tx(struct fixture *fx)
{
	void *frame;
	uint32_t len, token;

	return hc_fastq_tx_next(&fx->q, &frame, &len, &token);
}

static int call_rx(struct fixture *fx)
{
	void *buf;
	uint32_t cap;

	return hc_fastq_rx_next(&fx->q, &buf, &cap);
}

/* The next RX buffer is at gpa with cap bytes. */
static void rx_expect(struct fixture *fx, uint64_t gpa, uint32_t cap)
{
	void *buf = NULL;
	uint32_t c = 0;

	assert_int_equal(hc_fastq_rx_next(&fx->q, &buf, &c), 1);
	assert_ptr_equal(buf, fx->mem + gpa);
	assert_int_equal(c, cap);
}

/* Call next expecting an ABI violation with message msg; guest memory and
 * the host's state are unchanged, but for the fault itself (and tx_avail
 * and rx_avail, which may record the index loaded before a descriptor was
 * rejected); every later call fails. */
static void assert_fault(struct fixture *fx, int (*next)(struct fixture *),
			 const char *msg)
{
	struct hc_fastq now;

	memcpy(fx->snap, fx->mem, ALLOC_SIZE);
	memcpy(&fx->q_snap, &fx->q, sizeof(fx->q));
	assert_false(fx->q.is_faulted);
	assert_int_equal(next(fx), -1);
	assert_string_equal(fx->q.fault_msg, msg);
	assert_memory_equal(fx->snap, fx->mem, ALLOC_SIZE);
	memcpy(&now, &fx->q, sizeof(now));
	assert_true(now.is_faulted);
	now.is_faulted = false;
	now.tx_avail = fx->q_snap.tx_avail;
	now.rx_avail = fx->q_snap.rx_avail;
	memcpy(now.fault_msg, fx->q_snap.fault_msg, sizeof(now.fault_msg));
	assert_memory_equal(&fx->q_snap, &now, sizeof(now));
	assert_int_equal(call_tx(fx), -1);
	assert_int_equal(call_rx(fx), -1);
	assert_int_equal(next(fx), -1);
}

/* Dirty indices are published as empty; the header is fully written. */
static void test_init(void **state)
{
	struct fixture *fx = *state;
	struct hvtx_header h;

	assert_int_equal(fx->shared->tx_done, 0);
	assert_int_equal(fx->shared->rx_done, 0);
	assert_false(hc_fastq_tx_pending(&fx->q));
	assert_false(hc_fastq_rx_posted(&fx->q));
	assert_false(hc_fastq_rx_ready(fx->shared));
	assert_int_equal(call_tx(fx), 0);
	assert_int_equal(call_rx(fx), 0);
	assert_false(fx->q.is_faulted);
	memset(&h, 0xa5, sizeof(h));
	hc_fastq_header_init(&h, 7);
	assert_int_equal(h.magic, HVTX_MAGIC);
	assert_int_equal(h.version, 7);
	assert_int_equal(h.queue_entries, HVTX_QUEUE_ENTRIES);
	assert_int_equal(h.kick_port, HVT_RING_KICK_PIO);
	assert_int_equal(h.needs_kick, 0);
	for (unsigned i = 0; i < HVT_MFT_MAX_ENTRIES; i++)
		assert_int_equal(h.queue_of[i], HVTX_NO_QUEUE);
}

/* Taken in order and held; tx_done moves over the consecutive completed
 * prefix only. */
static void test_tx_complete_out_of_order(void **state)
{
	struct fixture *fx = *state;

	for (uint32_t i = 0; i < 4; i++)
		g_tx_frame(fx, 60 + i);
	assert_true(hc_fastq_tx_pending(&fx->q));
	for (uint32_t i = 0; i < 4; i++)
		tx_take(fx, i, 60 + i);
	assert_false(hc_fastq_tx_pending(&fx->q));
	assert_int_equal(call_tx(fx), 0);
	assert_int_equal(fx->q.stats.tx_frames, 4);
	assert_int_equal(fx->shared->tx_done, 0);
	hc_fastq_tx_complete(&fx->q, 2, HVTX_TX_SENT);
	assert_int_equal(tx_status(fx, 2), HVTX_TX_SENT);
	assert_int_equal(fx->shared->tx_done, 0);
	hc_fastq_tx_complete(&fx->q, 0, HVTX_TX_DROPPED);
	assert_int_equal(tx_status(fx, 0), HVTX_TX_DROPPED);
	assert_int_equal(fx->shared->tx_done, 1);
	assert_int_equal(tx_status(fx, 3), GARBAGE);
	hc_fastq_tx_complete(&fx->q, 1, HVTX_TX_SENT);
	assert_int_equal(fx->shared->tx_done, 3);
	hc_fastq_tx_complete(&fx->q, 3, HVTX_TX_SENT);
	assert_int_equal(fx->shared->tx_done, 4);
	assert_int_equal(tx_status(fx, 1), HVTX_TX_SENT);
	assert_int_equal(tx_status(fx, 3), HVTX_TX_SENT);
	assert_int_equal(call_tx(fx), 0);
}

static void test_tx_unget(void **state)
{
	struct fixture *fx = *state;

	g_tx_frame(fx, 60);
	g_tx_frame(fx, 61);
	tx_take(fx, 0, 60);
	hc_fastq_tx_unget(&fx->q, 0);
	assert_int_equal(fx->q.stats.tx_frames, 0);
	assert_true(hc_fastq_tx_pending(&fx->q));
	tx_take(fx, 0, 60);
	tx_take(fx, 1, 61);
	hc_fastq_tx_unget(&fx->q, 1);
	tx_take(fx, 1, 61);
	assert_int_equal(fx->q.stats.tx_frames, 2);
	assert_int_equal(call_tx(fx), 0);
	hc_fastq_tx_complete(&fx->q, 0, HVTX_TX_SENT);
	hc_fastq_tx_complete(&fx->q, 1, HVTX_TX_SENT);
	assert_int_equal(fx->shared->tx_done, 2);
}

/* A frame given back is returned as validated, not loaded again: the
 * guest rewriting its descriptor meanwhile changes nothing. */
static void test_tx_unget_read_once(void **state)
{
	struct fixture *fx = *state;

	g_tx_frame(fx, 60);
	tx_take(fx, 0, 60);
	fx->shared->tx[0].gpa = MEM_SIZE + 4096; /* outside memory */
	fx->shared->tx[0].len = 0;
	hc_fastq_tx_unget(&fx->q, 0);
	tx_take(fx, 0, 60);
	assert_int_equal(fx->q.stats.tx_bad_len, 0);
	assert_false(fx->q.is_faulted);
}

/* Bad lengths are dropped and skipped, before the GPA is looked at. */
static void test_tx_bad_len(void **state)
{
	struct fixture *fx = *state;
	void *frame = NULL;
	uint32_t len = 0, token = 0;

	g_tx_frame(fx, 60);
	g_tx_post(fx, slot_gpa(1), 0);
	g_tx_post(fx, slot_gpa(2), MAX_FRAME + 1);
	g_tx_post(fx, UINT64_MAX, UINT32_MAX);
	g_tx_frame(fx, MAX_FRAME);
	g_tx_post(fx, MEM_SIZE - 1, 1);
	tx_take(fx, 0, 60);
	tx_take(fx, 4, MAX_FRAME);
	assert_int_equal(fx->q.stats.tx_bad_len, 3);
	assert_int_equal(fx->q.stats.tx_frames, 2);
	for (uint32_t i = 1; i < 4; i++)
		assert_int_equal(tx_status(fx, i), HVTX_TX_DROPPED);
	assert_int_equal(fx->shared->tx_done, 0); /* 0 still held */
	hc_fastq_tx_complete(&fx->q, 0, HVTX_TX_SENT);
	assert_int_equal(fx->shared->tx_done, 4); /* over the drops */
	assert_int_equal(hc_fastq_tx_next(&fx->q, &frame, &len, &token), 1);
	assert_ptr_equal(frame, fx->mem + MEM_SIZE - 1);
	assert_int_equal(len, 1);
	assert_int_equal(token, 5);
	assert_false(fx->q.is_faulted);
}

/* A queue's worth of bad lengths: all dropped in one bounded call. */
static void test_tx_all_bad_len(void **state)
{
	struct fixture *fx = *state;

	for (uint32_t i = 0; i < N; i++)
		g_tx_post(fx, slot_gpa(i), i % 2 ? 0 : MAX_FRAME + 1 + i);
	assert_int_equal(call_tx(fx), 0);
	assert_int_equal(fx->q.stats.tx_bad_len, N);
	assert_int_equal(fx->q.stats.tx_frames, 0);
	assert_int_equal(fx->shared->tx_done, N);
	assert_int_equal(tx_status(fx, N - 1), HVTX_TX_DROPPED);
	g_tx_frame(fx, 60);
	tx_take(fx, N, 60);
}

/* A descriptor the host rejects: index start, gpa and len (cap), and the
 * message. Each case runs on a fresh fixture, as a fault is sticky. */
struct bad_desc {
	uint32_t start;
	uint64_t gpa;
	uint32_t len;
	const char *msg;
};

static void test_tx_bad_gpa(void **state)
{
	static const struct bad_desc bad[] = {
	    {0, MEM_SIZE - 59, 60,
	     PFX "tx entry 0: frame at GPA 0x3ffc5 (60 bytes) is outside"
		 " guest memory (0x40000 bytes)"},
	    /* The queue region above memory is not frame memory. */
	    {0, MEM_SIZE, 1,
	     PFX "tx entry 0: frame at GPA 0x40000 (1 bytes) is outside"
		 " guest memory (0x40000 bytes)"},
	    {17, UINT64_MAX - 9, 60,
	     PFX "tx entry 17: frame at GPA 0xfffffffffffffff6 (60 bytes)"
		 " is outside guest memory (0x40000 bytes)"},
	    {UINT32_MAX, 1ULL << 40, MAX_FRAME,
	     PFX "tx entry 511: frame at GPA 0x10000000000 (1514 bytes) is"
		 " outside guest memory (0x40000 bytes)"},
	};

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct fixture *fx;

		teardown(state);
		setup(state);
		fx = *state;
		start_at(fx, bad[i].start);
		/* A buffer already handed out does not survive the fault. */
		g_rx_post(fx, RX_GPA, 2048);
		rx_expect(fx, RX_GPA, 2048);
		g_tx_post(fx, bad[i].gpa, bad[i].len);
		assert_fault(fx, call_tx, bad[i].msg);
		assert_int_equal(fx->q.stats.tx_frames, 0);
	}
}

static void test_tx_prod_far_ahead(void **state)
{
	struct fixture *fx = *state;

	g_tx_frame(fx, 60);
	tx_take(fx, 0, 60);
	/* 0 is held: tx_done is 0, so 512 ahead is the limit. */
	fx->shared->tx_prod = N + 1;
	assert_true(hc_fastq_tx_pending(&fx->q)); /* garbage is pending */
	assert_fault(fx, call_tx,
		     PFX "tx_prod 513 is more than 512 entries ahead of"
			 " tx_done 0");
	/* Sticky: a repaired index does not revive the queue. */
	fx->shared->tx_prod = 1;
	assert_int_equal(call_tx(fx), -1);
}

/* Exactly a queue's worth outstanding is valid, also once tx_done moved. */
static void test_tx_full_queue(void **state)
{
	struct fixture *fx = *state;

	for (uint32_t i = 0; i < N; i++)
		g_tx_frame(fx, 60);
	for (uint32_t i = 0; i < N; i++)
		tx_take(fx, i, 60);
	assert_int_equal(call_tx(fx), 0);
	hc_fastq_tx_complete(&fx->q, 0, HVTX_TX_SENT);
	assert_int_equal(fx->shared->tx_done, 1);
	g_tx_frame(fx, 70); /* reuses slot 0 */
	tx_take(fx, N, 70);
	assert_int_equal(call_tx(fx), 0);
	fx->shared->tx_prod = N + 2;
	assert_fault(fx, call_tx,
		     PFX "tx_prod 514 is more than 512 entries ahead of"
			 " tx_done 1");
}

static void test_tx_prod_back(void **state)
{
	struct fixture *fx = *state;

	g_tx_frame(fx, 60);
	g_tx_frame(fx, 60);
	tx_take(fx, 0, 60);
	tx_take(fx, 1, 60);
	fx->shared->tx_prod = 1;
	assert_fault(fx, call_tx,
		     PFX "tx_prod 1 moved back behind taken entry 1");
}

/* Rewriting a taken or completed descriptor changes nothing, and the
 * host's published indices are never read back. */
static void test_tx_read_once(void **state)
{
	struct fixture *fx = *state;
	const struct hvtx_txd evil = {.gpa = UINT64_MAX, .len = 0};

	g_tx_frame(fx, 60);
	g_tx_frame(fx, 61);
	tx_take(fx, 0, 60);
	fx->shared->tx[0] = evil;
	fx->shared->tx_done = 900;
	tx_take(fx, 1, 61);
	assert_int_equal(fx->q.stats.tx_bad_len, 0);
	hc_fastq_tx_complete(&fx->q, 0, HVTX_TX_SENT);
	assert_int_equal(fx->shared->tx_done, 1);
	assert_int_equal(tx_status(fx, 0), HVTX_TX_SENT);
	hc_fastq_tx_complete(&fx->q, 1, HVTX_TX_SENT);
	fx->shared->tx[1] = evil;
	assert_int_equal(call_tx(fx), 0);
	assert_int_equal(fx->shared->tx_done, 2);
	assert_false(fx->q.is_faulted);
}

static void test_tx_wrap(void **state)
{
	struct fixture *fx = *state;
	uint32_t start = UINT32_MAX - 2;

	start_at(fx, start);
	for (uint32_t i = 0; i < 6; i++)
		g_tx_frame(fx, 60 + i);
	for (uint32_t i = 0; i < 6; i++)
		tx_take(fx, start + i, 60 + i);
	for (uint32_t i = 5; i > 0; i--)
		hc_fastq_tx_complete(&fx->q, start + i, HVTX_TX_SENT);
	assert_int_equal(fx->shared->tx_done, start);
	hc_fastq_tx_complete(&fx->q, start, HVTX_TX_SENT);
	assert_int_equal(fx->shared->tx_done, 3);
	/* A full queue across the wrap. */
	start_at(fx, UINT32_MAX - 100);
	for (uint32_t i = 0; i < N; i++)
		g_tx_frame(fx, 60);
	for (uint32_t i = 0; i < N; i++)
		tx_take(fx, UINT32_MAX - 100 + i, 60);
	assert_int_equal(call_tx(fx), 0);
	for (uint32_t i = 0; i < N; i++)
		hc_fastq_tx_complete(&fx->q, UINT32_MAX - 100 + i,
				     HVTX_TX_SENT);
	assert_int_equal(fx->shared->tx_done, N - 101);
	assert_false(hc_fastq_tx_pending(&fx->q));
}

static void test_rx_fill_publish(void **state)
{
	struct fixture *fx = *state;

	g_rx_post(fx, RX_GPA, 2048);
	g_rx_post(fx, RX_GPA + 2048, 1000);
	assert_true(hc_fastq_rx_posted(&fx->q));
	rx_expect(fx, RX_GPA, 2048);
	rx_expect(fx, RX_GPA, 2048); /* same buffer until filled */
	hc_fastq_rx_fill(&fx->q, 60);
	assert_int_equal(fx->shared->rx[0].len, 60);
	assert_int_equal(fx->shared->rx_done, 0); /* not yet published */
	assert_false(hc_fastq_rx_ready(fx->shared));
	rx_expect(fx, RX_GPA + 2048, 1000);
	hc_fastq_rx_fill(&fx->q, 1000); /* exactly cap */
	assert_int_equal(fx->shared->rx[1].len, 1000);
	assert_int_equal(fx->shared->rx_done, 0);
	assert_false(hc_fastq_rx_posted(&fx->q));
	assert_int_equal(call_rx(fx), 0);
	hc_fastq_rx_publish(&fx->q);
	assert_int_equal(fx->shared->rx_done, 2);
	assert_true(hc_fastq_rx_ready(fx->shared));
	fx->shared->rx_cons = 1;
	assert_true(hc_fastq_rx_ready(fx->shared));
	fx->shared->rx_cons = 2;
	assert_false(hc_fastq_rx_ready(fx->shared));
	assert_int_equal(fx->q.stats.rx_frames, 2);
	/* The guest reposts: the next buffer is at index 2. */
	g_rx_post(fx, RX_GPA + 4096, 64);
	rx_expect(fx, RX_GPA + 4096, 64);
	hc_fastq_rx_fill(&fx->q, 0);
	hc_fastq_rx_publish(&fx->q);
	assert_int_equal(fx->shared->rx[2].len, 0);
	assert_int_equal(fx->shared->rx_done, 3);
}

/* A validated buffer is cached: rewriting its descriptor changes nothing;
 * the host's published rx_done is never read back. */
static void test_rx_read_once(void **state)
{
	struct fixture *fx = *state;

	g_rx_post(fx, RX_GPA, 2048);
	g_rx_post(fx, RX_GPA + 2048, 2048);
	rx_expect(fx, RX_GPA, 2048);
	fx->shared->rx[0] = (struct hvtx_rxd){.gpa = RO_START, .cap = 0};
	fx->shared->rx_done = 900;
	fx->shared->rx_post = 0; /* taken back: the cached buffer stays */
	assert_true(hc_fastq_rx_posted(&fx->q));
	rx_expect(fx, RX_GPA, 2048);
	fx->shared->rx_post = 2;
	hc_fastq_rx_fill(&fx->q, 100);
	assert_int_equal(fx->shared->rx[0].len, 100);
	assert_int_equal(fx->shared->rx_done, 900); /* not yet published */
	hc_fastq_rx_publish(&fx->q);
	assert_int_equal(fx->shared->rx_done, 1);
	rx_expect(fx, RX_GPA + 2048, 2048);
	assert_false(fx->q.is_faulted);
}

static void test_rx_bad_buffer(void **state)
{
	static const struct bad_desc bad[] = {
	    {0, RX_GPA, 0, PFX "rx entry 0: buffer of 0 bytes"},
	    {0, MEM_SIZE - 100, 101,
	     PFX "rx entry 0: buffer at GPA 0x3ff9c (101 bytes) is outside"
		 " guest memory (0x40000 bytes)"},
	    {17, UINT64_MAX - 9, 60,
	     PFX "rx entry 17: buffer at GPA 0xfffffffffffffff6 (60 bytes)"
		 " is outside guest memory (0x40000 bytes)"},
	    {5, RO_END - 1, 2,
	     PFX "rx entry 5: buffer at GPA 0x1fff (2 bytes) is in read-only"
		 " guest memory"},
	    {0, RO_START - 1, 2,
	     PFX "rx entry 0: buffer at GPA 0xfff (2 bytes) is in read-only"
		 " guest memory"},
	};

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct fixture *fx;

		teardown(state);
		setup(state);
		fx = *state;
		start_at(fx, bad[i].start);
		g_tx_frame(fx, 60); /* posted, not taken: not returned either */
		g_rx_post(fx, bad[i].gpa, bad[i].len);
		assert_fault(fx, call_rx, bad[i].msg);
		assert_int_equal(fx->shared->rx_done, bad[i].start);
	}
}

/* Buffers up to the end of memory and next to read-only memory are valid;
 * TX frames may come from read-only memory. */
static void test_rx_tx_edges(void **state)
{
	struct fixture *fx = *state;
	void *frame = NULL;
	uint32_t len = 0, token = 0;

	g_rx_post(fx, MEM_SIZE - 100, 100);
	g_rx_post(fx, RO_START - 100, 100);
	g_rx_post(fx, RO_END, 100);
	rx_expect(fx, MEM_SIZE - 100, 100);
	hc_fastq_rx_fill(&fx->q, 100);
	rx_expect(fx, RO_START - 100, 100);
	hc_fastq_rx_fill(&fx->q, 1);
	rx_expect(fx, RO_END, 100);
	hc_fastq_rx_fill(&fx->q, 1);
	g_tx_post(fx, RO_START, 60);
	assert_int_equal(hc_fastq_tx_next(&fx->q, &frame, &len, &token), 1);
	assert_ptr_equal(frame, fx->mem + RO_START);
	assert_false(fx->q.is_faulted);
}

static void test_rx_post_far_ahead(void **state)
{
	struct fixture *fx = *state;

	fx->shared->rx_post = N + 1;
	assert_true(hc_fastq_rx_posted(&fx->q)); /* garbage is posted */
	assert_fault(fx, call_rx,
		     PFX "rx_post 513 is not within 512 entries after"
			 " rx_done 0");
	fx->shared->rx_post = 0;
	assert_int_equal(call_rx(fx), -1);
}

/* Exactly a queue's worth is valid; moving rx_post back is not. */
static void test_rx_full_queue(void **state)
{
	struct fixture *fx = *state;

	for (uint32_t i = 0; i < N; i++)
		g_rx_post(fx, RX_GPA + (i % 8) * 2048ULL, 2048);
	for (uint32_t i = 0; i < N; i++) {
		rx_expect(fx, RX_GPA + (i % 8) * 2048ULL, 2048);
		hc_fastq_rx_fill(&fx->q, i + 1);
	}
	assert_int_equal(call_rx(fx), 0);
	hc_fastq_rx_publish(&fx->q);
	assert_int_equal(fx->shared->rx_done, N);
	assert_int_equal(fx->shared->rx[N - 1].len, N);
	assert_int_equal(fx->q.stats.rx_frames, N);
	fx->shared->rx_post = N - 1;
	assert_fault(fx, call_rx,
		     PFX "rx_post 511 is not within 512 entries after"
			 " rx_done 512");
}

static void test_rx_wrap(void **state)
{
	struct fixture *fx = *state;
	uint32_t start = UINT32_MAX - 1;

	start_at(fx, start);
	assert_false(hc_fastq_rx_ready(fx->shared));
	for (uint32_t i = 0; i < 4; i++)
		g_rx_post(fx, RX_GPA + i * 2048ULL, 2048);
	for (uint32_t i = 0; i < 4; i++) {
		rx_expect(fx, RX_GPA + i * 2048ULL, 2048);
		hc_fastq_rx_fill(&fx->q, 60 + i);
	}
	assert_int_equal(call_rx(fx), 0);
	hc_fastq_rx_publish(&fx->q);
	assert_int_equal(fx->shared->rx_done, 2);
	assert_int_equal(fx->shared->rx[start & HVTX_QUEUE_MASK].len, 60);
	assert_int_equal(fx->shared->rx[1].len, 63);
	assert_true(hc_fastq_rx_ready(fx->shared));
	fx->shared->rx_cons = 2;
	assert_false(hc_fastq_rx_ready(fx->shared));
	assert_false(hc_fastq_rx_posted(&fx->q));
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
	    T(test_init),
	    T(test_tx_complete_out_of_order),
	    T(test_tx_unget),
	    T(test_tx_unget_read_once),
	    T(test_tx_bad_len),
	    T(test_tx_all_bad_len),
	    T(test_tx_bad_gpa),
	    T(test_tx_prod_far_ahead),
	    T(test_tx_full_queue),
	    T(test_tx_prod_back),
	    T(test_tx_read_once),
	    T(test_tx_wrap),
	    T(test_rx_fill_publish),
	    T(test_rx_read_once),
	    T(test_rx_bad_buffer),
	    T(test_rx_tx_edges),
	    T(test_rx_post_far_ahead),
	    T(test_rx_full_queue),
	    T(test_rx_wrap),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
