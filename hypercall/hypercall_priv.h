/* SPDX-License-Identifier: ISC */
/*
 * Internal interface of the hypercall module: the handler prototypes the
 * dispatch table points at and the fault-message helpers they share.
 * Runs on the vCPU thread; unit tests may include it, other modules not.
 */
#ifndef HYPERCALL_PRIV_H
#define HYPERCALL_PRIV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "hypercall.h"

/*
 * A handler gets the argument struct as a host pointer already checked to
 * lie wholly inside guest memory (the struct may be unaligned: copy it with
 * memcpy) and, if its dispatch entry has writes_arg, outside every
 * read-only range. It copies the struct once, validates the copy and
 * writes back only its output fields; one without writes_arg writes
 * nothing through arg_hva.
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
 * Map the guest range [gpa, gpa + len) that hypercall nr will read, or
 * also write if is_write. On success set *hva and return HC_CONTINUE.
 * If the range is outside guest memory, or is_write and it touches a
 * read-only range, return HC_FAULT with a message naming nr, what
 * ("argument", "data"), gpa and len; *hva is then untouched.
 * untrusted: gpa and len come from the guest.
 */
enum hc_status hc_map(struct hc_ctx *ctx, uint32_t nr, const char *what,
		      uint64_t gpa, uint64_t len, bool is_write, void **hva);

/*
 * Copy one output field of a local argument copy back to the guest's
 * struct, leaving every other guest byte (inputs, padding) untouched.
 */
#define HC_PUT_FIELD(arg_hva, type, local, field)                              \
	memcpy((uint8_t *)(arg_hva) + offsetof(type, field), &(local).field,   \
	       sizeof((local).field))

#endif /* HYPERCALL_PRIV_H */
