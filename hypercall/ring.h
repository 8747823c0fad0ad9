/* SPDX-License-Identifier: ISC */
/*
 * Public interface of the host side of the Solo5 shared net ring (ABI.md,
 * "Shared-ring I/O"): pure consumer logic over a ring in guest memory, with
 * the frame I/O done by callbacks. Runs on one thread only (the dataplane's
 * poll thread); never calls KVM, DPDK, syscalls, malloc or exit().
 * Include next to hypercall.h.
 */
#ifndef HYPERCALL_RING_H
#define HYPERCALL_RING_H

#include <stdbool.h>
#include <stdint.h>

#include "hypercall.h"

/* Largest frame a ring entry may carry (a DPDK mbuf's u16 data_len). A
 * READ buffer may be bigger (Solo5 accepts any buffer that fits in guest
 * memory); the host then fills at most this many bytes of it. */
#define HC_RING_FRAME_MAX 65535U

/*
 * Frame I/O for the ring, plugged in by tender/ from the dataplane; unit
 * tests plug in fakes. Both are required and are called on the poll thread
 * from inside hc_ring_poll(). handle is always a net device's handle.
 */
struct hc_ring_ops {
	/*
	 * Transmit the frame [frame, frame + len), 1 <= len <=
	 * HC_RING_FRAME_MAX, on handle. frame points into guest memory, which
	 * the guest can still change: copy or DMA it, never parse it twice.
	 * Returns HVT_R_OK: the callee holds the buffer until it calls
	 * hc_ring_write_done(ring, token), either before returning (after a
	 * copy) or later on the poll thread (when a zero-copy mbuf is freed);
	 * the guest cannot reuse the slot until then. Any other enum
	 * hvt_result: the frame is dropped and counted, the entry retired at
	 * once; the callee must not call hc_ring_write_done() for it.
	 */
	int (*write)(void *opaque, uint64_t handle, const void *frame,
		     uint32_t len, uint32_t token);
	/*
	 * Copy the next frame received on handle into [buf, buf + cap),
	 * 1 <= cap <= HC_RING_FRAME_MAX (buf is writable guest memory).
	 * Returns HVT_R_OK with *len (<= cap) set; HVT_R_AGAIN when nothing
	 * is pending; HVT_R_EINVAL when the next frame is bigger than cap
	 * (the callee drops that frame); HVT_R_EUNSPEC on a host failure.
	 * The result goes to the guest in the read's commit.
	 */
	int (*read)(void *opaque, uint64_t handle, void *buf, uint32_t cap,
		    uint32_t *len);
};

/*
 * Ring counters. Only the poll thread writes them (relaxed atomic stores),
 * so another thread may read each one with __atomic_load_n(..,
 * __ATOMIC_RELAXED) at any time; the set is not a consistent snapshot.
 * Every entry consumed lands in exactly one counter but commit_full.
 */
struct hc_ring_stats {
	uint64_t writes; /* frames ops->write accepted */
	uint64_t write_bad_handle; /* dropped: handle not a net device */
	uint64_t write_bad_len; /* dropped: len 0 or > HC_RING_FRAME_MAX */
	uint64_t write_err; /* dropped: ops->write failed */
	uint64_t reads; /* HVT_R_OK commits with a frame */
	uint64_t read_again; /* HVT_R_AGAIN commits: nothing received */
	uint64_t read_too_big; /* ops->read EINVAL: frame dropped by callee */
	uint64_t read_err; /* other ops->read errors, passed to the guest */
	uint64_t read_bad_handle; /* HVT_R_EINVAL: handle not a net device */
	uint64_t read_bad_len; /* HVT_R_EINVAL: buffer length 0 */
	uint64_t commit_full; /* polls stopped: guest not consuming commits */
} __attribute__((aligned(64)));

/*
 * Host-private state of one ring; the shared struct hvt_ring lives in guest
 * memory. Owned by the poll thread: callers read only stats (see above) and
 * fault_msg (after hc_ring_poll() returned -1). The indices are the host's
 * own copies: the shared ent_head/com_tail/needs_kick are only written.
 * Invariant: ent_head <= ent_next <= last validated ent_tail (mod 2^32,
 * within HVT_RING_ENTRIES); entries in [ent_head, ent_next) are either
 * busy writes or retired.
 */
struct hc_ring {
	struct hvt_ring *shared; /* host pointer to the ring in guest memory */
	const struct hc_gmem *gmem; /* frames must lie inside it */
	const struct hc_dev *devs; /* HVT_MFT_MAX_ENTRIES, by handle */
	const struct hc_ring_ops *ops;
	void *opaque;
	uint32_t ent_head; /* oldest entry not retired; published */
	uint32_t ent_next; /* next entry to process */
	uint32_t com_tail; /* next commit to write; published */
	bool is_faulted; /* an ABI violation was seen: poll returns -1 */
	uint8_t busy[HVT_RING_ENTRIES]; /* by index & mask: write held */
	struct hc_ring_stats stats;
	char fault_msg[256];
};

/*
 * Set up r for the ring at shared (a host pointer, 8-byte aligned, to
 * sizeof(struct hvt_ring) bytes the tender maps for the guest: the region
 * above gmem->size) and publish an empty ring: ent_head = com_tail =
 * needs_kick = 0. Call before the guest runs; the guest starts from the
 * zeroed ent_tail/com_head of fresh memory. gmem, devs, ops and opaque
 * must outlive r and stay unchanged while it is polled; ops->write and
 * ops->read must be non-NULL. Calling thread: the one that will poll.
 */
void hc_ring_init(struct hc_ring *r, struct hvt_ring *shared,
		  const struct hc_gmem *gmem, const struct hc_dev *devs,
		  const struct hc_ring_ops *ops, void *opaque);

/*
 * Consume up to budget entries the guest has published, in order: writes
 * go to ops->write; each read gets ops->read's result as one commit
 * {id, ret, len}, then com_tail is published. Stops early, without error,
 * when a read finds no free commit slot (the guest has not consumed
 * HVT_RING_ENTRIES commits): that entry is retried by the next poll.
 * untrusted: ent_tail, com_head and every entry are guest-written; each is
 * read once, then validated. Recoverable misuse is counted in r->stats:
 * a write to a non-net handle or of length 0 or > HC_RING_FRAME_MAX is
 * dropped; a read with such a handle or a 0-length buffer gets an
 * HVT_R_EINVAL commit (as the NET_READ hypercall does).
 * Returns the number of entries consumed (0..budget), or -1 on an ABI
 * violation - ent_tail more than HVT_RING_ENTRIES ahead of ent_head or
 * moved back, com_head not within HVT_RING_ENTRIES behind com_tail, an
 * unknown op, a frame or buffer outside guest memory, a read buffer in
 * read-only memory - with a one-line reason in r->fault_msg; the caller
 * then stops the VM. The faulting entry is not consumed and host state is
 * unchanged by it; every later call returns -1 too.
 * Poll thread only; never blocks.
 */
int hc_ring_poll(struct hc_ring *r, unsigned budget);

/*
 * Retire the write entry whose ops->write returned token: its guest buffer
 * is no longer used. Advances ent_head over every consecutive retired
 * entry and publishes it (release), so the guest may reuse those slots.
 * token must be one ops->write got and whose call returned (or is
 * returning) HVT_R_OK, each retired once (asserted: host input only).
 * Poll thread only, also from inside ops->write.
 */
void hc_ring_write_done(struct hc_ring *r, uint32_t token);

/*
 * Whether the guest has published entries not yet consumed (one acquire
 * load of ent_tail; a garbage ent_tail reads as pending, and the next
 * hc_ring_poll() reports it). Poll thread only.
 */
bool hc_ring_pending(const struct hc_ring *r);

/*
 * Idle protocol, paired with the guest's "publish ent_tail, fence, kick if
 * needs_kick": before sleeping on the kick eventfd the poll thread calls
 * hc_ring_prepare_sleep(); true means needs_kick is set and the ring was
 * empty after that (full fence between), so any later entry kicks: sleep.
 * false means work arrived meanwhile; needs_kick is cleared again: poll.
 * After waking, call hc_ring_wake() to clear needs_kick so the busy guest
 * stops kicking. Poll thread only.
 */
bool hc_ring_prepare_sleep(struct hc_ring *r);
void hc_ring_wake(struct hc_ring *r);

#endif /* HYPERCALL_RING_H */
