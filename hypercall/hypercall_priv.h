/* SPDX-License-Identifier: ISC */
/*
 * Internal interface of the hypercall module: the handler prototypes the
 * dispatch table points at and the fault-message helpers they share.
 * Runs on the vCPU thread; unit tests may include it, other modules not.
 */
#ifndef HYPERCALL_PRIV_H
#define HYPERCALL_PRIV_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "hypercall.h"

/*
 * A handler gets the argument struct as a host pointer already checked to
 * lie wholly inside guest memory (the struct may be unaligned: copy it with
 * memcpy). It copies the struct once, validates the copy and writes back
 * only its output fields.
 */
typedef enum hc_status (*hc_handler_fn)(struct hc_ctx *ctx, void *arg_hva);

enum hc_status hc_handle_walltime(struct hc_ctx *ctx, void *arg_hva);
enum hc_status hc_handle_puts(struct hc_ctx *ctx, void *arg_hva);
enum hc_status hc_handle_poll(struct hc_ctx *ctx, void *arg_hva);
enum hc_status hc_handle_block_write(struct hc_ctx *ctx, void *arg_hva);
enum hc_status hc_handle_block_read(struct hc_ctx *ctx, void *arg_hva);
enum hc_status hc_handle_net_write(struct hc_ctx *ctx, void *arg_hva);
enum hc_status hc_handle_net_read(struct hc_ctx *ctx, void *arg_hva);
enum hc_status hc_handle_halt(struct hc_ctx *ctx, void *arg_hva);

/* Format ctx->fault_msg (truncated to fit) and return HC_FAULT. */
enum hc_status hc_fault(struct hc_ctx *ctx, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/*
 * HC_FAULT for a guest range [gpa, gpa + len) outside guest memory; what
 * names the range ("argument", "data") in the message.
 */
enum hc_status hc_fault_range(struct hc_ctx *ctx, uint32_t nr, const char *what,
			      uint64_t gpa, uint64_t len);

/*
 * Copy one output field of a local argument copy back to the guest's
 * struct, leaving every other guest byte (inputs, padding) untouched.
 */
#define HC_PUT_FIELD(arg_hva, type, local, field)                              \
	memcpy((uint8_t *)(arg_hva) + offsetof(type, field), &(local).field,   \
	       sizeof((local).field))

#endif /* HYPERCALL_PRIV_H */
