/* SPDX-License-Identifier: ISC */
/*
 * What hvt-bench-synth's files share: the synthetic guest's memory map,
 * its globals (synth_guest.c) and the fast-path guest (synth_fastpath.c).
 * One process, the main thread playing the vCPU.
 */
#ifndef BENCH_SYNTH_H
#define BENCH_SYNTH_H

#include <stdbool.h>
#include <stdint.h>

#include "dataplane.h"

#define MIB (1024 * 1024ULL)
#define MEM_SIZE (8 * MIB) /* guest memory; the ring region above it */
#define RING_REGION (2 * MIB)
#define H_NET 1
#define TX_GPA 0x100000ULL /* one HVT_RING_SLOT_SIZE slot per entry */
#define RX_GPA 0x400000ULL /* rx_depth (fast path: 512) read buffers */
#define RX_BUF_LEN HVT_RING_SLOT_SIZE
#define HC_GPA 0x700000ULL /* the hypercall path's frame buffer */
#define MAX_SIZES 16
#define BENCH_NS_PER_S 1000000000ULL
#define WIRE_OVERHEAD 24 /* FCS 4 + preamble/SFD 8 + inter-frame gap 12 */

/* Totals of one measured window. */
struct counts {
	uint64_t pkts, bytes, again, errors, kicks;
};

/* synth_guest.c */
extern uint8_t *mem; /* guest memory: MEM_SIZE, then the 2 MiB region */
extern struct dp *dp;
extern int kick_fd; /* the guest's kicks (an eventfd, as KVM's) */
extern uint64_t g_kicks;
extern uint8_t frame_tpl[HVT_RING_SLOT_SIZE]; /* the frame TX sends */
uint64_t now_ns(void);

/* synth_fastpath.c: the guest side of the fast path, as the guest
 * runtime's burst API drives it (guest/runtime/net_fast.c). */
int fp_attach(void); /* after dp_start: find the queue; -1 if none */
void fp_rx_post_all(void); /* RX: every slot's buffer, once */
bool fp_settle(uint64_t timeout_ns); /* queues back to idle, bounded */
void fp_tx_fill(uint32_t size); /* TX: every slot a frame of size */
void fp_prime(uint32_t size, unsigned n); /* seed a loop with n frames */
/* Workloads, until deadline_tsc or max frames, into c. */
void fp_tx(uint32_t size, uint64_t deadline_tsc, uint64_t max,
	   struct counts *c);
void fp_rx(bool reflect, bool spin, uint64_t deadline_tsc, uint64_t max,
	   struct counts *c);

#endif /* BENCH_SYNTH_H */
