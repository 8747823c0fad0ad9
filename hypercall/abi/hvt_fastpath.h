/* SPDX-License-Identifier: ISC */
/*
 * The hvt-dpdk fast path, version 1: an extension of the Solo5 hvt ABI for
 * our own guests (docs/fastpath.md). Per NIC, a TX queue of descriptors
 * pointing at the guest's own buffers and an RX queue of empty guest
 * buffers, both completed in order by the host, with no VM exit while the
 * dataplane is awake.
 *
 * Negotiation, so that an unmodified Solo5 guest never sees it: a guest
 * declares the versions it speaks in an ELF note (name "hvt-dpdk", type
 * HVTX_NOTE_TYPE_FASTPATH). Only then does hvt-dpdk set HVTX_FEATURE_FASTPATH
 * in boot_info.host_features and lay out the header below. solo5-hvt ignores
 * the note and never sets the bit, so the same image falls back to the Solo5
 * ring or hypercalls there.
 *
 * Included by the tender and by guests: every size and offset is pinned.
 */
#ifndef HVT_FASTPATH_H
#define HVT_FASTPATH_H

#include <stddef.h>
#include <stdint.h>

#include "hvt_abi.h"

/* The guest's note: namesz 9 ("hvt-dpdk" and NUL, padded to 12). */
#define HVTX_NOTE_NAME "hvt-dpdk"
#define HVTX_NOTE_NAMESZ 9
#define HVTX_NOTE_TYPE_FASTPATH 0x31505846 /* "FXP1" little-endian */

struct hvtx_note_desc {
	uint32_t version_min; /* oldest fast path version the guest speaks */
	uint32_t version_max; /* newest */
};
_Static_assert(sizeof(struct hvtx_note_desc) == 8, "fast path note desc");

#define HVTX_VERSION 1

/* boot_info.host_features bit: the header below is valid. Outside the low
 * bits Solo5 uses, and only ever set for a guest carrying the note. */
#define HVTX_FEATURE_FASTPATH (1U << 16)

/*
 * Placement: the 2 MiB region at GPA boot_info.mem_size (excluded from
 * usable memory; it also holds the Solo5 ring at offset 0 when that is
 * offered). The header is at HVTX_HEADER_OFFSET into it, queue q at
 * HVTX_QUEUE_OFFSET + q * sizeof(struct hvtx_queue).
 */
#define HVTX_HEADER_OFFSET 0x10000ULL
#define HVTX_QUEUE_OFFSET 0x11000ULL
#define HVTX_MAGIC 0x50465648U /* "HVFP" little-endian */

/* Descriptors per queue direction; indices are free-running u32, masked. */
#define HVTX_QUEUE_ENTRIES 512U
#define HVTX_QUEUE_MASK (HVTX_QUEUE_ENTRIES - 1)

/* hvtx_txd.status, written by the host before tx_done passes the entry.
 * SENT means handed to the port (or copied for it); a frame the port later
 * refuses for too long is counted in the NIC's "tx rejected", not here. */
enum hvtx_tx_status {
	HVTX_TX_SENT = 0,
	HVTX_TX_DROPPED = 1, /* refused by the host's checks: bad length */
};

/* A frame to send: guest-written, read once by the host. */
struct hvtx_txd {
	uint64_t gpa; /* frame start, in guest memory */
	uint32_t len; /* 1 .. the NIC's MTU + 14 */
	uint32_t status; /* host-written: enum hvtx_tx_status */
};

/* An empty buffer to receive into: gpa and cap guest-written and read
 * once; len host-written before rx_done passes the entry. */
struct hvtx_rxd {
	uint64_t gpa; /* buffer start, in writable guest memory */
	uint32_t cap; /* buffer size */
	uint32_t len; /* host-written: frame length, <= cap */
};

/*
 * One NIC's queues. Entries [tx_done, tx_prod) of tx[] and [rx_done,
 * rx_post) of rx[] (and the buffers they point at) are the host's until it
 * completes them, in order; everything else belongs to the guest.
 */
struct hvtx_queue {
	/* guest-written */
	uint32_t tx_prod; /* tx[] entries before this are posted */
	uint32_t rx_post; /* rx[] entries before this are posted */
	uint32_t rx_cons; /* the guest has consumed rx completions up to
			     here: a POLL wake-up hint only */
	uint8_t pad0[52];
	/* host-written */
	uint32_t tx_done; /* tx[] entries before this are completed */
	uint32_t rx_done; /* rx[] entries before this hold a frame */
	uint8_t pad1[56];
	struct hvtx_txd tx[HVTX_QUEUE_ENTRIES];
	struct hvtx_rxd rx[HVTX_QUEUE_ENTRIES];
};

/* Host-written before the guest boots, except needs_kick. */
struct hvtx_header {
	uint32_t magic; /* HVTX_MAGIC */
	uint32_t version; /* the version in use, within the note's range */
	uint32_t queue_entries; /* HVTX_QUEUE_ENTRIES */
	uint32_t kick_port; /* outl any value here to wake the dataplane */
	uint8_t pad0[48];
	/* The dataplane sleeps: after publishing, fence, and kick if set. */
	uint32_t needs_kick;
	uint8_t pad1[60];
	/* Per handle: index of its queue, or HVTX_NO_QUEUE. */
	uint8_t queue_of[HVT_MFT_MAX_ENTRIES];
};
#define HVTX_NO_QUEUE 0xff

_Static_assert(sizeof(struct hvtx_txd) == 16, "hvtx_txd size");
_Static_assert(offsetof(struct hvtx_txd, status) == 12, "hvtx_txd.status");
_Static_assert(sizeof(struct hvtx_rxd) == 16, "hvtx_rxd size");
_Static_assert(offsetof(struct hvtx_rxd, len) == 12, "hvtx_rxd.len");
_Static_assert(offsetof(struct hvtx_queue, rx_cons) == 8, "queue.rx_cons");
_Static_assert(offsetof(struct hvtx_queue, tx_done) == 64, "queue.tx_done");
_Static_assert(offsetof(struct hvtx_queue, rx_done) == 68, "queue.rx_done");
_Static_assert(offsetof(struct hvtx_queue, tx) == 128, "queue.tx");
_Static_assert(offsetof(struct hvtx_queue, rx) == 8320, "queue.rx");
_Static_assert(sizeof(struct hvtx_queue) == 16512, "queue size");
_Static_assert(offsetof(struct hvtx_header, needs_kick) == 64,
	       "header.needs_kick");
_Static_assert(offsetof(struct hvtx_header, queue_of) == 128,
	       "header.queue_of");
_Static_assert(sizeof(struct hvtx_header) == 128 + HVT_MFT_MAX_ENTRIES,
	       "header size");
_Static_assert(HVTX_QUEUE_OFFSET >=
		   HVTX_HEADER_OFFSET + sizeof(struct hvtx_header),
	       "queues after the header");
_Static_assert(HVTX_HEADER_OFFSET >= sizeof(struct hvt_ring),
	       "header after the Solo5 ring");
/* Every NIC a manifest can name fits in the region. */
_Static_assert(HVTX_QUEUE_OFFSET +
		       (HVT_MFT_MAX_ENTRIES - 1) * sizeof(struct hvtx_queue) <=
		   HVT_RING_REGION_SIZE,
	       "queues fit the region");

#endif /* HVT_FASTPATH_H */
