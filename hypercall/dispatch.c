/* SPDX-License-Identifier: ISC */
/*
 * Hypercall dispatch: one const table indexed by hypercall number gives the
 * name, argument size, whether the struct has output fields, and handler.
 * Runs on the vCPU thread; checks the number and the argument struct's range
 * (and writability) before any handler sees them.
 */
#include <assert.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>

#include "hypercall_priv.h"

struct hc_entry {
	const char *name;
	size_t arg_size;
	bool writes_arg; /* the struct has output fields */
	hc_handler_fn fn;
};

/* ARG_RW: the handler writes results back into its argument struct;
 * ARG_RO: it only reads it (read-only guest memory is fine). */
#define ARG_RW true
#define ARG_RO false

#define HC_ENTRY(nr, arg_type, rw, handler)                                    \
	[HVT_HYPERCALL_##nr] = {                                               \
	    .name = #nr,                                                       \
	    .arg_size = sizeof(struct arg_type),                               \
	    .writes_arg = (rw),                                                \
	    .fn = (handler),                                                   \
	}

static const struct hc_entry hc_table[HVT_HYPERCALL_MAX] = {
    HC_ENTRY(WALLTIME, hvt_hc_walltime, ARG_RW, hc_handle_walltime),
    HC_ENTRY(PUTS, hvt_hc_puts, ARG_RO, hc_handle_puts),
    HC_ENTRY(POLL, hvt_hc_poll, ARG_RW, hc_handle_poll),
    HC_ENTRY(BLOCK_WRITE, hvt_hc_block_io, ARG_RW, hc_handle_block_write),
    HC_ENTRY(BLOCK_READ, hvt_hc_block_io, ARG_RW, hc_handle_block_read),
    HC_ENTRY(NET_WRITE, hvt_hc_net_io, ARG_RW, hc_handle_net_write),
    HC_ENTRY(NET_READ, hvt_hc_net_io, ARG_RW, hc_handle_net_read),
    HC_ENTRY(HALT, hvt_hc_halt, ARG_RO, hc_handle_halt),
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

enum hc_status hc_map(struct hc_ctx *ctx, uint32_t nr, const char *what,
		      uint64_t gpa, uint64_t len, bool is_write, void **hva)
{
	void *p = hc_gmem_ptr(&ctx->gmem, gpa, len);

	/* untrusted: gpa and len are guest values. */
	if (p == NULL)
		return hc_fault(ctx,
				"hypercall %s: %s at GPA 0x%" PRIx64
				" (%" PRIu64 " bytes) is outside guest memory"
				" (0x%" PRIx64 " bytes)",
				hc_name(nr), what, gpa, len, ctx->gmem.size);
	/* untrusted: a host write into the guest's mprotected text would
	 * SIGSEGV the tender. */
	if (is_write && hc_gmem_ptr_rw(&ctx->gmem, gpa, len) == NULL)
		return hc_fault(ctx,
				"hypercall %s: %s at GPA 0x%" PRIx64
				" (%" PRIu64 " bytes) is in read-only guest"
				" memory",
				hc_name(nr), what, gpa, len);
	*hva = p;
	return HC_CONTINUE;
}

enum hc_status hc_dispatch(struct hc_ctx *ctx, uint32_t nr, uint64_t arg_gpa)
{
	const struct hc_entry *e;
	enum hc_status st;
	void *arg_hva;

	/* The tender always plugs in ops and the required ones. */
	assert(ctx->ops != NULL && ctx->ops->walltime_ns != NULL &&
	       ctx->ops->console_write != NULL);

	/* untrusted: nr comes from the guest's port number. */
	e = hc_lookup(nr);
	if (e == NULL)
		return hc_fault(ctx, "unknown hypercall number %" PRIu32, nr);
	ctx->stats.calls[nr]++;

	/* untrusted: the whole argument struct must be guest memory, and
	 * writable if the handler writes results back into it. */
	st = hc_map(ctx, nr, "argument", arg_gpa, e->arg_size, e->writes_arg,
		    &arg_hva);
	if (st != HC_CONTINUE)
		return st;
	return e->fn(ctx, arg_hva);
}
