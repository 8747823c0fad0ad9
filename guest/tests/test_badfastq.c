/* SPDX-License-Identifier: ISC */
/*
 * test_badfastq MODE: misuses hvt-dpdk's fast-path queues on purpose
 * (docs/fastpath.md), so the tender's handling of a hostile guest can be
 * tested. Needs one net device, "service", on a port that receives all the
 * time (dpdk:net_null0). Modes that must stop the VM with a clear message:
 *   txprod  publish tx_prod 5000 entries ahead of the host
 *   txgpa   a TX descriptor whose frame lies outside guest memory
 *   rxtext  an RX buffer in the guest's read-only text
 *   rxpost  publish rx_post 600 entries ahead
 *   rxcap   an RX buffer of 0 bytes
 * and one the host must survive: txlen posts a 0-byte and an oversized
 * frame, which come back completed as dropped; then exit 0.
 * Prints "test_badfastq: mode MODE" first; exits 3 if still running after
 * a fatal mode.
 */
#include <hvt_manifest.h>
#include <solo5.h>
#include <stdio.h>
#include <string.h>

#include "hypercall/abi/hvt_fastpath.h"

HVT_MANIFEST(1, HVT_MFT_NET("service"));

static void kick(void)
{
	__asm__ volatile("outl %0, %1"
			 :
			 : "a"(0), "Nd"(HVT_RING_KICK_PIO)
			 : "memory");
}

static void post_tx(volatile struct hvtx_queue *q, uint64_t gpa, uint32_t len)
{
	uint32_t i = q->tx_prod;

	q->tx[i & HVTX_QUEUE_MASK].gpa = gpa;
	q->tx[i & HVTX_QUEUE_MASK].len = len;
	__asm__ volatile("" ::: "memory");
	q->tx_prod = i + 1;
}

static void post_rx(volatile struct hvtx_queue *q, uint64_t gpa, uint32_t cap)
{
	uint32_t i = q->rx_post;

	q->rx[i & HVTX_QUEUE_MASK].gpa = gpa;
	q->rx[i & HVTX_QUEUE_MASK].cap = cap;
	__asm__ volatile("" ::: "memory");
	q->rx_post = i + 1;
}

/* txlen: both frames must come back completed, as dropped. */
static int bad_lengths(volatile struct hvtx_queue *q, uint64_t buf)
{
	solo5_time_t end = solo5_clock_monotonic() + 10000000000ULL;

	post_tx(q, buf, 0);
	post_tx(q, buf, 65000);
	kick();
	while (q->tx_done != 2 && solo5_clock_monotonic() < end)
		__asm__ volatile("pause" ::: "memory");
	if (q->tx_done != 2 || q->tx[0].status != HVTX_TX_DROPPED ||
	    q->tx[1].status != HVTX_TX_DROPPED) {
		printf("test_badfastq: FAILURE: tx_done %u, status %u %u\n",
		       q->tx_done, q->tx[0].status, q->tx[1].status);
		return 1;
	}
	printf("test_badfastq: both dropped\n");
	return 0;
}

int solo5_app_main(const struct solo5_start_info *si)
{
	const struct hvt_boot_info *bi =
	    (const struct hvt_boot_info *)HVT_BOOT_INFO_GPA;
	volatile struct hvtx_header *h;
	volatile struct hvtx_queue *q;
	const char *m = si->cmdline;

	printf("test_badfastq: mode %s\n", m);
	h = (volatile struct hvtx_header *)(uintptr_t)(bi->mem_size +
						       HVTX_HEADER_OFFSET);
	if (!(bi->host_features & HVTX_FEATURE_FASTPATH) ||
	    h->magic != HVTX_MAGIC || h->queue_of[1] == HVTX_NO_QUEUE) {
		printf("test_badfastq: FAILURE: no fast path offered\n");
		return 1;
	}
	q = (volatile struct hvtx_queue
		 *)(uintptr_t)(bi->mem_size + HVTX_QUEUE_OFFSET +
			       h->queue_of[1] * sizeof(struct hvtx_queue));
	if (!strcmp(m, "txlen"))
		return bad_lengths(q, si->heap_start);
	if (!strcmp(m, "txprod"))
		q->tx_prod = 5000;
	else if (!strcmp(m, "txgpa"))
		post_tx(q, bi->mem_size + (1ULL << 30), 60);
	else if (!strcmp(m, "rxtext"))
		post_rx(q, HVT_GUEST_MIN_BASE, 2048);
	else if (!strcmp(m, "rxpost"))
		q->rx_post = 600;
	else if (!strcmp(m, "rxcap"))
		post_rx(q, si->heap_start, 0);
	else {
		printf("test_badfastq: unknown mode '%s'\n", m);
		return 1;
	}
	kick();
	/* The host stops us within a poll; give it a bounded while. */
	solo5_time_t end = solo5_clock_monotonic() + 10000000000ULL;
	while (solo5_clock_monotonic() < end)
		solo5_yield(end, NULL);
	printf("test_badfastq: FAILURE: still running after '%s'\n", m);
	return 3;
}
