/* SPDX-License-Identifier: ISC */
/*
 * Hypercall dispatch: one const table indexed by hypercall number gives the
 * name, argument size and handler. Runs on the vCPU thread; checks the
 * number and the argument struct's range before any handler sees them.
 */
#include <assert.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>

#include "hypercall_priv.h"

struct hc_entry {
	const char *name;
	size_t arg_size;
	hc_handler_fn fn;
};

#define HC_ENTRY(nr, arg_type, handler)                                        \
	[HVT_HYPERCALL_##nr] = {                                               \
	    .name = #nr,                                                       \
	    .arg_size = sizeof(struct arg_type),                               \
	    .fn = (handler),                                                   \
	}

static const struct hc_entry hc_table[HVT_HYPERCALL_MAX] = {
    HC_ENTRY(WALLTIME, hvt_hc_walltime, hc_handle_walltime),
    HC_ENTRY(PUTS, hvt_hc_puts, hc_handle_puts),
    HC_ENTRY(POLL, hvt_hc_poll, hc_handle_poll),
    HC_ENTRY(BLOCK_WRITE, hvt_hc_block_io, hc_handle_block_write),
    HC_ENTRY(BLOCK_READ, hvt_hc_block_io, hc_handle_block_read),
    HC_ENTRY(NET_WRITE, hvt_hc_net_io, hc_handle_net_write),
    HC_ENTRY(NET_READ, hvt_hc_net_io, hc_handle_net_read),
    HC_ENTRY(HALT, hvt_hc_halt, hc_handle_halt),
};

/* NULL unless nr names a hypercall with a handler (slot 0 is empty). */
static const struct hc_entry *hc_lookup(uint32_t nr)
{
	if (nr >= HVT_HYPERCALL_MAX || hc_table[nr].fn == NULL)
		return NULL;
	return &hc_table[nr];
}

const char *hc_name(uint32_t nr)
{
	const struct hc_entry *e = hc_lookup(nr);

	return e != NULL ? e->name : "unknown";
}

enum hc_status hc_fault(struct hc_ctx *ctx, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(ctx->fault_msg, sizeof(ctx->fault_msg), fmt, ap);
	va_end(ap);
	return HC_FAULT;
}

enum hc_status hc_fault_range(struct hc_ctx *ctx, uint32_t nr, const char *what,
			      uint64_t gpa, uint64_t len)
{
	return hc_fault(ctx,
			"hypercall %s: %s at GPA 0x%" PRIx64 " (%" PRIu64
			" bytes) is outside guest memory (0x%" PRIx64 " bytes)",
			hc_name(nr), what, gpa, len, ctx->gmem.size);
}

enum hc_status hc_dispatch(struct hc_ctx *ctx, uint32_t nr, uint64_t arg_gpa)
{
	const struct hc_entry *e;
	void *arg_hva;

	/* The tender always plugs in ops; only some of them may be NULL. */
	assert(ctx->ops != NULL);

	/* untrusted: nr comes from the guest's port number. */
	e = hc_lookup(nr);
	if (e == NULL)
		return hc_fault(ctx, "unknown hypercall number %" PRIu32, nr);

	/* untrusted: the whole argument struct must be guest memory. */
	arg_hva = hc_gmem_ptr(&ctx->gmem, arg_gpa, e->arg_size);
	if (arg_hva == NULL)
		return hc_fault_range(ctx, nr, "argument", arg_gpa,
				      e->arg_size);
	return e->fn(ctx, arg_hva);
}
