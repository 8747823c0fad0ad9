/* SPDX-License-Identifier: ISC */
/*
 * Hypercall handlers, matching solo5-hvt. Runs on the vCPU thread with the
 * guest stopped. Every handler copies its argument struct once, validates
 * the copy, and never asserts or exits on guest input.
 */
#include <errno.h>
#include <stdbool.h>
#include <unistd.h>

#include "hypercall_priv.h"

/* Retries for short or interrupted block I/O: a host bound, not a limit the
 * guest can feel (one block is always done in one call on a regular file). */
#define BLOCK_IO_MAX_TRIES 16

/* Count a Solo5 error code about to be answered to the guest. */
static void count_result(struct hc_ctx *ctx, int ret)
{
	if (ret == HVT_R_EINVAL)
		ctx->stats.einval++;
	else if (ret == HVT_R_EUNSPEC)
		ctx->stats.eunspec++;
}

enum hc_status hc_handle_walltime(struct hc_ctx *ctx, void *arg_hva)
{
	struct hvt_hc_walltime wt;

	wt.nsecs = ctx->ops->walltime_ns(ctx->opaque);
	HC_PUT_FIELD(arg_hva, struct hvt_hc_walltime, wt, nsecs);
	return HC_CONTINUE;
}

enum hc_status hc_handle_puts(struct hc_ctx *ctx, void *arg_hva)
{
	struct hvt_hc_puts p;
	enum hc_status st;
	void *buf;

	memcpy(&p, arg_hva, sizeof(p));
	/* untrusted: Solo5 ends the VM for a bad console pointer. Only
	 * read, so it may be in read-only memory. */
	st = hc_map(ctx, HVT_HYPERCALL_PUTS, "data", p.data_gpa, p.len, false,
		    &buf);
	if (st != HC_CONTINUE)
		return st;
	/* Nothing to write; also keeps a one-past-the-end pointer (data at
	 * the very end of memory) away from host code. */
	if (p.len > 0)
		ctx->ops->console_write(ctx->opaque, buf, p.len);
	return HC_CONTINUE;
}

enum hc_status hc_handle_poll(struct hc_ctx *ctx, void *arg_hva)
{
	struct hvt_hc_poll p;

	memcpy(&p, arg_hva, sizeof(p));
	p.ready_set = 0;
	p.ret = 0;
	/* No net devices means nothing can become ready: answer at once, as
	 * the timeout is only a bound on the wait. */
	if (ctx->ops->poll != NULL)
		p.ret =
		    ctx->ops->poll(ctx->opaque, p.timeout_nsecs, &p.ready_set);
	HC_PUT_FIELD(arg_hva, struct hvt_hc_poll, p, ready_set);
	HC_PUT_FIELD(arg_hva, struct hvt_hc_poll, p, ret);
	return HC_CONTINUE;
}

/* The device for handle if it has type, else NULL. */
static const struct hc_dev *dev_get(const struct hc_ctx *ctx, uint64_t handle,
				    enum hc_dev_type type)
{
	/* untrusted: handle indexes devs[] only after the range check. */
	if (handle >= HVT_MFT_MAX_ENTRIES || ctx->devs[handle].type != type)
		return NULL;
	return &ctx->devs[handle];
}

/* The block device if io names one and asks for exactly one whole block
 * inside it, else NULL (the guest gets EINVAL). */
static const struct hc_block_dev *block_check(const struct hc_ctx *ctx,
					      const struct hvt_hc_block_io *io)
{
	const struct hc_dev *dev = dev_get(ctx, io->handle, HC_DEV_BLOCK);
	const struct hc_block_dev *b;
	uint64_t end;

	if (dev == NULL)
		return NULL;
	b = &dev->block;
	/* block_size 0 would be a tender bug; refuse rather than divide. */
	if (b->block_size == 0)
		return NULL;
	/* untrusted: len, offset and their sum are guest values. */
	if (io->len != b->block_size || io->offset % b->block_size != 0)
		return NULL;
	if (__builtin_add_overflow(io->offset, io->len, &end) ||
	    end > b->capacity)
		return NULL;
	return b;
}

/* Move len bytes between buf and the file at offset; returns a hvt_result.
 * offset + len <= capacity, which came from the file's off_t size. */
static int block_xfer(int fd, uint8_t *buf, size_t len, uint64_t offset,
		      bool is_write)
{
	size_t done = 0;
	ssize_t n;

	for (int tries = 0; done < len && tries < BLOCK_IO_MAX_TRIES; tries++) {
		off_t pos = (off_t)(offset + done);

		if (is_write)
			n = pwrite(fd, buf + done, len - done, pos);
		else
			n = pread(fd, buf + done, len - done, pos);
		if (n < 0 && errno == EINTR)
			continue;
		/* 0 is EOF on read: the file is shorter than capacity. */
		if (n <= 0)
			return HVT_R_EUNSPEC;
		done += (size_t)n;
	}
	return done == len ? HVT_R_OK : HVT_R_EUNSPEC;
}

static enum hc_status block_io(struct hc_ctx *ctx, void *arg_hva, uint32_t nr)
{
	bool is_write = nr == HVT_HYPERCALL_BLOCK_WRITE;
	const struct hc_block_dev *b;
	struct hvt_hc_block_io io;
	enum hc_status st;
	void *buf;

	memcpy(&io, arg_hva, sizeof(io));
	b = block_check(ctx, &io);
	if (b == NULL) {
		io.ret = HVT_R_EINVAL;
		goto out;
	}
	/* untrusted: as Solo5, a bad buffer pointer ends the VM; so does a
	 * READ into read-only memory, which would fault the host. */
	st = hc_map(ctx, nr, "data", io.data_gpa, io.len, !is_write, &buf);
	if (st != HC_CONTINUE)
		return st;
	io.ret = block_xfer(b->fd, buf, io.len, io.offset, is_write);
out:
	count_result(ctx, io.ret);
	HC_PUT_FIELD(arg_hva, struct hvt_hc_block_io, io, ret);
	/* len is in/out for READ; a whole block or nothing is transferred. */
	if (!is_write && io.ret == HVT_R_OK)
		HC_PUT_FIELD(arg_hva, struct hvt_hc_block_io, io, len);
	return HC_CONTINUE;
}

enum hc_status hc_handle_block_write(struct hc_ctx *ctx, void *arg_hva)
{
	return block_io(ctx, arg_hva, HVT_HYPERCALL_BLOCK_WRITE);
}

enum hc_status hc_handle_block_read(struct hc_ctx *ctx, void *arg_hva)
{
	return block_io(ctx, arg_hva, HVT_HYPERCALL_BLOCK_READ);
}

static enum hc_status net_io(struct hc_ctx *ctx, void *arg_hva, uint32_t nr)
{
	bool is_write = nr == HVT_HYPERCALL_NET_WRITE;
	struct hvt_hc_net_io io;
	enum hc_status st;
	void *buf;

	memcpy(&io, arg_hva, sizeof(io));
	if (dev_get(ctx, io.handle, HC_DEV_NET) == NULL) {
		io.ret = HVT_R_EINVAL;
		goto out;
	}
	/* untrusted: as Solo5, a bad buffer pointer ends the VM; so does a
	 * READ into read-only memory, which would fault the host. */
	st = hc_map(ctx, nr, "data", io.data_gpa, io.len, !is_write, &buf);
	if (st != HC_CONTINUE)
		return st;
	if (is_write && ctx->ops->net_write != NULL)
		io.ret =
		    ctx->ops->net_write(ctx->opaque, io.handle, buf, io.len);
	else if (!is_write && ctx->ops->net_read != NULL)
		io.ret =
		    ctx->ops->net_read(ctx->opaque, io.handle, buf, &io.len);
	else
		io.ret = HVT_R_EINVAL; /* no dataplane plugged in */
out:
	count_result(ctx, io.ret);
	HC_PUT_FIELD(arg_hva, struct hvt_hc_net_io, io, ret);
	/* As Solo5, the frame length is reported only with a frame. */
	if (!is_write && io.ret == HVT_R_OK)
		HC_PUT_FIELD(arg_hva, struct hvt_hc_net_io, io, len);
	return HC_CONTINUE;
}

enum hc_status hc_handle_net_write(struct hc_ctx *ctx, void *arg_hva)
{
	return net_io(ctx, arg_hva, HVT_HYPERCALL_NET_WRITE);
}

enum hc_status hc_handle_net_read(struct hc_ctx *ctx, void *arg_hva)
{
	return net_io(ctx, arg_hva, HVT_HYPERCALL_NET_READ);
}

enum hc_status hc_handle_halt(struct hc_ctx *ctx, void *arg_hva)
{
	struct hvt_hc_halt h;

	memcpy(&h, arg_hva, sizeof(h));
	ctx->exit_status = h.exit_status;
	/* untrusted: a cookie is only a hint for the tender's report; one
	 * that does not start inside memory is dropped, never a fault, so
	 * the guest's exit status still gets through. The tender reads at
	 * most min(HVT_HALT_COOKIE_MAX, size - cookie) bytes. */
	ctx->halt_cookie_gpa = 0;
	if (h.cookie_gpa != 0 &&
	    hc_gmem_ptr(&ctx->gmem, h.cookie_gpa, 1) != NULL)
		ctx->halt_cookie_gpa = h.cookie_gpa;
	return HC_HALT;
}
