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

/* A view of guest RAM: GPA 0 is base[0]; size bytes are addressable. */
struct hc_gmem {
	uint8_t *base;
	uint64_t size;
};

/*
 * Host pointer for [gpa, gpa + len) if that range lies inside guest memory,
 * else NULL (also on overflow). len 0 is valid for gpa <= size.
 * untrusted: gpa and len come from the guest.
 */
void *hc_gmem_ptr(const struct hc_gmem *gm, uint64_t gpa, uint64_t len);

/* A block device attached to a manifest handle. */
struct hc_block_dev {
	int fd;
	uint64_t capacity;   /* bytes, a multiple of block_size */
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
 * I/O. tender/ plugs these in; unit tests plug in fakes. Any op may be NULL
 * where noted.
 */
struct hc_host_ops {
	/* CLOCK_REALTIME in nanoseconds. */
	uint64_t (*walltime_ns)(void *opaque);
	/* Write guest console bytes to the host's stdout. */
	void (*console_write)(void *opaque, const void *buf, size_t len);
	/*
	 * Wait up to timeout_ns for input on any net device; fill *ready_set
	 * with bit `handle` per ready device and return their number. Returns
	 * early (0 ready) when interrupted by a signal.
	 */
	int (*poll)(void *opaque, uint64_t timeout_ns, uint64_t *ready_set);
	/*
	 * Net I/O on handle (known to be a net device). May be NULL: the
	 * hypercall then answers HVT_R_EINVAL. read: *len in = buffer size,
	 * out = frame size. Return an enum hvt_result.
	 */
	int (*net_write)(void *opaque, uint64_t handle, const void *buf,
			 uint64_t len);
	int (*net_read)(void *opaque, uint64_t handle, void *buf,
			uint64_t *len);
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
};

enum hc_status {
	HC_CONTINUE = 0, /* resume the guest */
	HC_HALT,         /* guest called HALT; see ctx->exit_status */
	HC_FAULT,        /* ABI violation; see ctx->fault_msg, stop the VM */
};

/*
 * Run hypercall nr with its argument struct at arg_gpa.
 * untrusted: nr and arg_gpa come from the guest. An unknown nr, or an
 * argument struct or data buffer outside guest memory, returns HC_FAULT
 * with a one-line reason in ctx->fault_msg. Recoverable misuse (bad handle,
 * misaligned block offset) answers the Solo5 error code in the struct.
 */
enum hc_status hc_dispatch(struct hc_ctx *ctx, uint32_t nr, uint64_t arg_gpa);

/* Name of hypercall nr for messages ("PUTS"), or "unknown". */
const char *hc_name(uint32_t nr);

#endif /* HYPERCALL_H */
