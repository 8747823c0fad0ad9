/* SPDX-License-Identifier: ISC */
/*
 * hvt-bench-synth's guest on hvt-dpdk's fast path (docs/fastpath.md),
 * driven as the guest runtime's burst API does: TX reposts pre-filled
 * slots, RX reposts buffers in place, reflect swaps MACs in the RX buffers
 * and sends those. Main thread only.
 */
#include <string.h>
#include <unistd.h>

#include <rte_cycles.h>

#include "hypercall/abi/hvt_fastpath.h"
#include "synth.h"

#define FP_ENTRIES HVTX_QUEUE_ENTRIES
#define FP_BURST 32 /* frames per burst call, as pktgen, sink, reflect */

/* A frame in guest memory, as struct hvt_pkt. */
struct fp_pkt {
	uint64_t gpa;
	uint32_t len;
};

static struct hvtx_header *fp_hdr;
static struct hvtx_queue *fq;
/* The guest's own indices (net_fast.c's struct rt_fq): posted and
 * reclaimed TX, posted and consumed RX. */
static uint32_t f_tx_prod, f_tx_clean, f_rx_post, f_rx_head;
static bool fp_rx_buffers; /* every RX slot holds its buffer (rx, reflect) */

/* RX slot s always holds the same buffer: posted once, reposted in place. */
static uint64_t fp_rx_gpa(uint32_t slot)
{
	return RX_GPA + (uint64_t)(slot & HVTX_QUEUE_MASK) * RX_BUF_LEN;
}

/* After publishing an index: net_fast.c's kick_check(). */
static void fp_kick_check(void)
{
	uint64_t one = 1;

	/* Full fence: the index store before the needs_kick load (the
	 * guest's mfence); pairs with the host's store, fence, re-check. */
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	if (__atomic_load_n(&fp_hdr->needs_kick, __ATOMIC_RELAXED) &&
	    write(kick_fd, &one, sizeof(one)) == sizeof(one))
		g_kicks++;
}

static void fp_tx_publish(void)
{
	/* Release: the descriptors before the index (x86: compiler only). */
	__atomic_store_n(&fq->tx_prod, f_tx_prod, __ATOMIC_RELEASE);
	fp_kick_check();
}

static void fp_rx_publish(void)
{
	/* Release: the descriptors before the index. */
	__atomic_store_n(&fq->rx_post, f_rx_post, __ATOMIC_RELEASE);
	fp_kick_check();
}

/* hvt_net_tx_burst: one descriptor per frame; returns how many fit. */
static uint32_t fp_tx_burst(const struct fp_pkt *p, uint32_t n)
{
	uint32_t room = FP_ENTRIES - (f_tx_prod - f_tx_clean);

	n = n < room ? n : room;
	for (uint32_t i = 0; i < n; i++) {
		struct hvtx_txd *d = &fq->tx[f_tx_prod++ & HVTX_QUEUE_MASK];

		d->gpa = p[i].gpa;
		d->len = p[i].len;
	}
	if (n > 0)
		fp_tx_publish();
	return n;
}

/* hvt_net_tx_completed: frames the host completed since the last call. */
static uint32_t fp_tx_completed(void)
{
	/* Acquire: the host is done with those buffers. */
	uint32_t n =
	    __atomic_load_n(&fq->tx_done, __ATOMIC_ACQUIRE) - f_tx_clean;

	f_tx_clean += n;
	return n;
}

/* hvt_net_tx_repost: the next n slots again, as they were last posted. */
static uint32_t fp_tx_repost(uint32_t n)
{
	uint32_t room = FP_ENTRIES - (f_tx_prod - f_tx_clean);

	n = n < room ? n : room;
	if (n > 0) {
		f_tx_prod += n;
		fp_tx_publish();
	}
	return n;
}

/* hvt_net_rx_burst: frames received, oldest first, at most max. */
static uint32_t fp_rx_burst(struct fp_pkt *p, uint32_t max)
{
	/* Acquire: the lengths and frame bytes after the index. */
	uint32_t n =
	    __atomic_load_n(&fq->rx_done, __ATOMIC_ACQUIRE) - f_rx_head;

	n = n < max ? n : max;
	for (uint32_t i = 0; i < n; i++, f_rx_head++) {
		p[i].gpa = fp_rx_gpa(f_rx_head);
		p[i].len = fq->rx[f_rx_head & HVTX_QUEUE_MASK].len;
	}
	if (n > 0) /* POLL's readiness hint */
		__atomic_store_n(&fq->rx_cons, f_rx_head, __ATOMIC_RELAXED);
	return n;
}

/* hvt_net_rx_repost: the n oldest consumed buffers back, in place. */
static uint32_t fp_rx_repost(uint32_t n)
{
	uint32_t room = FP_ENTRIES - (f_rx_post - f_rx_head);

	n = n < room ? n : room;
	if (n > 0) {
		f_rx_post += n;
		fp_rx_publish();
	}
	return n;
}

/* hvt_net_rx_post of every buffer, once (the sink's start-up). */
void fp_rx_post_all(void)
{
	for (uint32_t i = 0; i < FP_ENTRIES; i++) {
		fq->rx[i].gpa = fp_rx_gpa(i);
		fq->rx[i].cap = RX_BUF_LEN;
	}
	f_rx_post = f_rx_head + FP_ENTRIES;
	fp_rx_publish();
	fp_rx_buffers = true;
}

/* Wait (bounded) until the host completed every TX frame, then repost
 * every consumed RX buffer: the queues are back to their idle state. */
bool fp_settle(uint64_t timeout_ns)
{
	uint64_t deadline = now_ns() + timeout_ns;

	while (__atomic_load_n(&fq->tx_done, __ATOMIC_ACQUIRE) != f_tx_prod) {
		if (now_ns() > deadline || dp_fault(dp) != NULL)
			return false;
		__builtin_ia32_pause();
	}
	fp_tx_completed();
	if (fp_rx_buffers)
		fp_rx_repost(FP_ENTRIES - (f_rx_post - f_rx_head));
	return true;
}

/* TX frames of size bytes in every slot, as the first round of
 * tx_burst leaves them (pktgen); later rounds only repost. */
void fp_tx_fill(uint32_t size)
{
	if (!fp_settle(BENCH_NS_PER_S))
		fprintf(stderr,
			"warning: fast-path TX did not settle in 1 s\n");
	for (uint32_t i = 0; i < FP_ENTRIES; i++) {
		uint64_t gpa = TX_GPA + (uint64_t)i * HVT_RING_SLOT_SIZE;

		memcpy(mem + gpa, frame_tpl, size);
		fq->tx[(f_tx_prod + i) & HVTX_QUEUE_MASK] =
		    (struct hvtx_txd){.gpa = gpa, .len = size};
	}
}

/* The header the dataplane laid out, checked as net_fast.c does. */
int fp_attach(void)
{
	fp_hdr = (struct hvtx_header *)(mem + MEM_SIZE + HVTX_HEADER_OFFSET);
	if (fp_hdr->magic != HVTX_MAGIC || fp_hdr->version != HVTX_VERSION ||
	    fp_hdr->queue_entries != HVTX_QUEUE_ENTRIES ||
	    fp_hdr->kick_port != HVT_RING_KICK_PIO ||
	    fp_hdr->queue_of[H_NET] == HVTX_NO_QUEUE) {
		fprintf(stderr, "the dataplane laid out no fast-path queue "
				"for the NIC\n");
		return -1;
	}
	fq = (struct hvtx_queue *)(mem + MEM_SIZE + HVTX_QUEUE_OFFSET +
				   fp_hdr->queue_of[H_NET] *
				       sizeof(struct hvtx_queue));
	return 0;
}

/* pktgen on the fast path: reclaim, repost a burst of pre-filled slots. */
void fp_tx(uint32_t size, uint64_t deadline_tsc, uint64_t max, struct counts *c)
{
	uint32_t done0 = __atomic_load_n(&fq->tx_done, __ATOMIC_ACQUIRE);
	uint64_t posted = 0;

	while (posted < max) {
		uint64_t left = max - posted;
		uint32_t n;

		fp_tx_completed();
		n = fp_tx_repost(left < FP_BURST ? (uint32_t)left : FP_BURST);
		posted += n;
		if (rte_rdtsc() > deadline_tsc)
			break;
		if (n == 0) { /* all 512 in flight */
			if (dp_fault(dp) != NULL)
				break;
			__builtin_ia32_pause();
		}
	}
	/* Stopped at max: the window lasts until those are done too. */
	while (posted >= max && rte_rdtsc() < deadline_tsc &&
	       __atomic_load_n(&fq->tx_done, __ATOMIC_ACQUIRE) != f_tx_prod)
		__builtin_ia32_pause();
	/* Completed = passed by the host's tx_done. */
	c->pkts = __atomic_load_n(&fq->tx_done, __ATOMIC_ACQUIRE) - done0;
	c->bytes = c->pkts * size;
}

/* The reflector's per-frame work, in the RX buffer. */
static void swap_macs(uint8_t *f)
{
	uint8_t tmp[6];

	memcpy(tmp, f, 6);
	memcpy(f, f + 6, 6);
	memcpy(f + 6, tmp, 6);
}

/*
 * sink (rx) or reflect on the fast path. sink: count, repost in place.
 * reflect: swap MACs in place and send the same buffers; each RX buffer
 * is reposted once its frame's TX completed. Both directions complete in
 * order and every frame received is sent, so the k-th TX completion frees
 * the k-th buffer consumed: rx_repost(tx_completed()). The RX buffers the
 * guest holds are the frames in flight on TX, so TX always has room.
 */
void fp_rx(bool reflect, bool spin, uint64_t deadline_tsc, uint64_t max,
	   struct counts *c)
{
	struct fp_pkt p[FP_BURST];
	uint64_t ready;

	while (c->pkts < max && rte_rdtsc() < deadline_tsc) {
		uint64_t left = max - c->pkts;
		uint32_t n, sent;

		if (reflect)
			fp_rx_repost(fp_tx_completed());
		n = fp_rx_burst(p, left < FP_BURST ? (uint32_t)left : FP_BURST);
		if (n == 0) {
			if (dp_fault(dp) != NULL)
				break;
			c->again++;
			/* Nothing received and nothing in flight: a guest
			 * yields (POLL); completions are polled. */
			if (spin || (reflect && f_tx_prod != f_tx_clean))
				__builtin_ia32_pause();
			else
				dp_poll(dp, BENCH_NS_PER_S / 1000, &ready,
					NULL);
			continue;
		}
		c->pkts += n;
		for (uint32_t i = 0; i < n; i++) {
			c->bytes += p[i].len;
			if (reflect)
				swap_macs(mem + p[i].gpa);
		}
		if (!reflect) {
			fp_rx_repost(n);
			continue;
		}
		sent = fp_tx_burst(p, n);
		/* Unreachable unless the host completes out of order: those
		 * buffers are lost to the guest (counted). */
		c->errors += n - sent;
	}
}

/* Seed on the fast path from the TX slots, completed before counting. */
void fp_prime(uint32_t size, unsigned n)
{
	struct fp_pkt p[FP_BURST];

	while (n > 0) {
		uint32_t k = n < FP_BURST ? n : FP_BURST, sent;

		for (uint32_t i = 0; i < k; i++) {
			p[i].gpa = TX_GPA + (uint64_t)((f_tx_prod + i) &
						       HVTX_QUEUE_MASK) *
						HVT_RING_SLOT_SIZE;
			p[i].len = size;
			memcpy(mem + p[i].gpa, frame_tpl, size);
		}
		sent = fp_tx_burst(p, k);
		n -= sent;
		if (sent == 0 && !fp_settle(BENCH_NS_PER_S))
			break;
	}
	fp_settle(BENCH_NS_PER_S);
}
