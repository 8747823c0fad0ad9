/* SPDX-License-Identifier: ISC */
/*
 * Public interface of the hypercall module: a bounds-checked view of guest
 * memory and the dispatcher for hvt hypercalls. Runs on the vCPU thread.
 * Handlers take only guest-controlled input and host state passed in here;
 * they never call KVM, DPDK or exit(), so they are unit tested without KVM.
 */
#ifndef HYPERCALL_H
#define HYPERCALL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "abi/hvt_abi.h"

/* Most read-only GPA ranges a guest memory view holds (one per loaded
 * non-writable ELF segment, with room to spare). */
#define HC_GMEM_MAX_RO 16

/* A half-open guest-physical range [start, end); start >= end is empty. */
struct hc_gpa_range {
	uint64_t start;
	uint64_t end;
};

/*
 * A view of guest RAM: GPA 0 is base[0]; size bytes are addressable.
 * ro[0..nb_ro) are ranges the tender has mprotected read-only in the host
 * mapping (guest text and rodata): a host write there would SIGSEGV the
 * tender, so handlers reach memory they write only via hc_gmem_ptr_rw().
 * The tender fills ro[] before the first hypercall; nb_ro <= HC_GMEM_MAX_RO.
 */
struct hc_gmem {
	uint8_t *base;
	uint64_t size;
	struct hc_gpa_range ro[HC_GMEM_MAX_RO];
	unsigned nb_ro;
};

/*
 * Host pointer for reading [gpa, gpa + len) if that range lies inside guest
 * memory, else NULL (also on overflow). len 0 is valid for gpa <= size.
 * Read-only ranges are readable: never write through the result.
 * untrusted: gpa and len come from the guest. Any thread; pure arithmetic.
 */
void *hc_gmem_ptr(const struct hc_gmem *gm, uint64_t gpa, uint64_t len);

/*
 * As hc_gmem_ptr(), for a range the caller will write: also NULL when
 * [gpa, gpa + len) intersects any of ro[0..nb_ro). A 0-length range never
 * intersects, so it is accepted wherever hc_gmem_ptr() accepts it.
 * untrusted: gpa and len come from the guest. Any thread; pure arithmetic.
 */
void *hc_gmem_ptr_rw(const struct hc_gmem *gm, uint64_t gpa, uint64_t len);

/* A block device attached to a manifest handle. */
struct hc_block_dev {
	int fd;
	uint64_t capacity; /* bytes, a multiple of block_size */
	uint32_t block_size; /* power of two, >= 512 */
};

enum hc_dev_type {
	HC_DEV_NONE = 0,
	HC_DEV_BLOCK,
	HC_DEV_NET,
};

struct hc_dev {
	enum hc_dev_type type;
	struct hc_block_dev block;
};

/*
 * Host services the handlers need that are not plain guest memory or file
 * I/O. tender/ plugs these in; unit tests plug in fakes. All are called on
 * the vCPU thread.
 * Required (never NULL): walltime_ns, console_write.
 * Optional (NULL allowed): poll, net_write, net_read; each says what the
 * hypercall answers without it.
 */
struct hc_host_ops {
	/* Required. CLOCK_REALTIME in nanoseconds. */
	uint64_t (*walltime_ns)(void *opaque);
	/* Required. Write guest console bytes to the host's stdout. */
	void (*console_write)(void *opaque, const void *buf, size_t len);
	/*
	 * Optional. Wait up to timeout_ns for input on any net device; fill
	 * *ready_set with bit `handle` per ready device and return their
	 * number. Returns early (0 ready) when interrupted by a signal.
	 * NULL: POLL answers at once with nothing ready.
	 */
	int (*poll)(void *opaque, uint64_t timeout_ns, uint64_t *ready_set);
	/*
	 * Optional. Net I/O on handle (known to be a net device). NULL: the
	 * hypercall answers HVT_R_EINVAL. read: *len in = buffer size,
	 * out = frame size. Return an enum hvt_result.
	 */
	int (*net_write)(void *opaque, uint64_t handle, const void *buf,
			 uint64_t len);
	int (*net_read)(void *opaque, uint64_t handle, void *buf,
			uint64_t *len);
};

/*
 * Hypercall counters. Owned by the vCPU thread: only hc_dispatch() writes
 * them, with plain (non-atomic) increments, so another thread reads them
 * only after the vCPU thread has stopped (joined).
 */
struct hc_stats {
	/* Dispatched hypercalls by known nr, counted before the argument
	 * check, so ones that fault count too. [0] stays 0. */
	uint64_t calls[HVT_HYPERCALL_MAX];
	/* Recoverable misuse: HVT_R_EINVAL / HVT_R_EUNSPEC answered to the
	 * guest (bad handle, misaligned block, failed host I/O, missing op). */
	uint64_t einval;
	uint64_t eunspec;
};

/* Per-VM hypercall state, owned by the vCPU thread. */
struct hc_ctx {
	struct hc_gmem gmem;
	const struct hc_host_ops *ops;
	void *opaque;
	struct hc_dev devs[HVT_MFT_MAX_ENTRIES]; /* indexed by handle */
	/* Set by HALT. */
	int exit_status;
	uint64_t halt_cookie_gpa;
	/* Set when a hypercall is an ABI violation (HC_FAULT). */
	char fault_msg[256];
	struct hc_stats stats;
};

enum hc_status {
	HC_CONTINUE = 0, /* resume the guest */
	HC_HALT, /* guest called HALT; see ctx->exit_status */
	HC_FAULT, /* ABI violation; see ctx->fault_msg, stop the VM */
};

/*
 * Run hypercall nr with its argument struct at arg_gpa. Call on the vCPU
 * thread with the guest stopped; ctx->ops must be set.
 * untrusted: nr and arg_gpa come from the guest. An unknown nr, an argument
 * struct or data buffer outside guest memory, or one the hypercall writes
 * (an argument struct with output fields: WALLTIME, POLL, BLOCK_*, NET_*;
 * the BLOCK_READ / NET_READ data buffer) that touches a read-only range
 * returns HC_FAULT with a one-line reason in ctx->fault_msg; guest memory
 * is then unchanged. Recoverable misuse (bad handle, misaligned block
 * offset) answers the Solo5 error code in the struct and bumps
 * ctx->stats.
 */
enum hc_status hc_dispatch(struct hc_ctx *ctx, uint32_t nr, uint64_t arg_gpa);

/* Name of hypercall nr for messages ("PUTS"), or "unknown". */
const char *hc_name(uint32_t nr);

#endif /* HYPERCALL_H */
