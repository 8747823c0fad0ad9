/* SPDX-License-Identifier: ISC */
/*
 * Host side of one NIC's fast-path queues (abi/hvt_fastpath.h,
 * docs/fastpath.md): pure logic over a struct hvtx_queue in guest memory.
 * The dataplane's poll thread drives it: it takes posted TX frames, returns
 * them completed, takes posted RX buffers and fills them. Never calls KVM,
 * DPDK, syscalls, malloc or exit(). Include next to hypercall.h.
 *
 * The guest is hostile: every guest-written index and descriptor field is
 * loaded once, validated, and only the local copy is used; indices the
 * guest reads are the host's own copies, only ever stored. An ABI violation
 * (an index too far ahead or moved back, a buffer outside guest memory or,
 * for RX, in read-only memory) makes every later call fail with a one-line
 * reason in fault_msg; the caller stops the VM.
 */
#ifndef HYPERCALL_FASTQ_H
#define HYPERCALL_FASTQ_H

#include <stdbool.h>
#include <stdint.h>

#include "abi/hvt_fastpath.h"
#include "hypercall.h"

/* Counters; only the poll thread writes them (relaxed atomic stores). */
struct hc_fastq_stats {
	uint64_t tx_frames; /* handed out by hc_fastq_tx_next() */
	uint64_t tx_bad_len; /* completed as DROPPED: len 0 or too big */
	uint64_t rx_frames; /* buffers filled */
} __attribute__((aligned(64)));

struct hc_fastq {
	struct hvtx_queue *shared; /* host pointer into guest memory */
	const struct hc_gmem *gmem;
	uint32_t max_frame; /* TX lengths above this are dropped */
	unsigned handle; /* for messages */
	/* TX: [tx_done, tx_next) handed out or completed, [tx_next,
	 * tx_avail) validated as posted. */
	uint32_t tx_done, tx_next, tx_avail;
	uint8_t tx_busy[HVTX_QUEUE_ENTRIES]; /* by index & mask: held */
	/* The validated frame hc_fastq_tx_unget() gave back, returned again
	 * without reloading the descriptor. */
	bool tx_ungot;
	void *tx_ungot_frame;
	uint32_t tx_ungot_len;
	/* RX: [rx_done, rx_avail) validated as posted; the buffer at rx_done
	 * is cached once validated (rx_cached). */
	uint32_t rx_done, rx_avail;
	bool rx_cached;
	void *rx_buf;
	uint32_t rx_cap;
	bool is_faulted;
	struct hc_fastq_stats stats;
	char fault_msg[256];
};

/*
 * Set up q over shared (host pointer to the queue in guest memory, 8-byte
 * aligned), for the NIC of manifest handle with frames of at most max_frame
 * bytes, and publish empty queues (tx_done = rx_done = 0). The guest starts
 * from the zeroed indices of fresh memory. Before the guest runs.
 */
void hc_fastq_init(struct hc_fastq *q, struct hvtx_queue *shared,
		   const struct hc_gmem *gmem, uint32_t max_frame,
		   unsigned handle);

/*
 * Next posted TX frame: returns 1 with *frame (host pointer into guest
 * memory, which the guest may still change: copy it or hand it to a port,
 * never parse it twice), *len (1..max_frame) and *token, and the entry is
 * held until hc_fastq_tx_complete(q, token, ...). A descriptor with a length
 * of 0 or above max_frame is completed as HVTX_TX_DROPPED and skipped
 * (counted). Returns 0 when nothing more is posted, -1 on a fault.
 * Bounded: at most HVTX_QUEUE_ENTRIES descriptors are looked at.
 */
int hc_fastq_tx_next(struct hc_fastq *q, void **frame, uint32_t *len,
		     uint32_t *token);

/* Give back the frame hc_fastq_tx_next() just returned (the caller could
 * not take it now): the next call returns it again. */
void hc_fastq_tx_unget(struct hc_fastq *q, uint32_t token);

/*
 * The frame of token is done with: record status (enum hvtx_tx_status) and
 * move tx_done over every consecutive completed entry, published with
 * release. token must be held (asserted: host input). Poll thread only.
 */
void hc_fastq_tx_complete(struct hc_fastq *q, uint32_t token, uint32_t status);

/*
 * The next posted RX buffer, validated: returns 1 with *buf and *cap
 * (1..UINT32_MAX), 0 when none is posted, -1 on a fault. Calling it again
 * without hc_fastq_rx_fill() returns the same buffer (loaded once).
 */
int hc_fastq_rx_next(struct hc_fastq *q, void **buf, uint32_t *cap);

/* The buffer hc_fastq_rx_next() returned now holds a frame of len bytes
 * (<= its cap, asserted): record it and move on. Not yet visible to the
 * guest: call hc_fastq_rx_publish() after a burst. */
void hc_fastq_rx_fill(struct hc_fastq *q, uint32_t len);

/* Publish rx_done (release: frame bytes and lengths first). */
void hc_fastq_rx_publish(struct hc_fastq *q);

/* Whether the guest has posted TX descriptors not yet taken (one acquire
 * load; garbage reads as pending and the next call reports it). */
bool hc_fastq_tx_pending(const struct hc_fastq *q);

/* Whether an RX buffer is posted and not yet filled (as above). */
bool hc_fastq_rx_posted(const struct hc_fastq *q);

/*
 * For POLL, from any thread: whether frames were delivered the guest has
 * not consumed (rx_done differs from the guest's rx_cons hint). A lying
 * guest only wakes itself early or late.
 */
bool hc_fastq_rx_ready(const struct hvtx_queue *shared);

/* Write the header for version, with every queue_of entry
 * HVTX_NO_QUEUE; the caller then sets queue_of[handle] per NIC. */
void hc_fastq_header_init(struct hvtx_header *h, uint32_t version);

#endif /* HYPERCALL_FASTQ_H */
