/* SPDX-License-Identifier: ISC */
/*
 * Thread-local storage blocks for the local-exec model, x86_64 variant II:
 * [.tdata copy | zeroed .tbss | pad][self pointer] with the thread pointer
 * at the self pointer, which the ABI requires at %fs:0. Offsets the
 * compiler uses are relative to that pointer, which the linker places at
 * the TLS image size rounded up to the TLS alignment.
 */
#include <string.h>

#include "runtime_priv.h"

extern char __tdata_start[], __tdata_end[], __tbss_start[], __tbss_end[];
extern char __tls_align[]; /* an absolute linker symbol: its address */

static uintptr_t tls_align(void)
{
	uintptr_t a = (uintptr_t)__tls_align;

	return a < sizeof(uintptr_t) ? sizeof(uintptr_t) : a;
}

/* Offset of the thread pointer from the start of a block. */
static uintptr_t tp_offset(void)
{
	uintptr_t image = (uintptr_t)__tbss_end - (uintptr_t)__tdata_start;
	uintptr_t a = tls_align();

	/* An empty .tbss can sit below the end of .tdata. */
	if ((uintptr_t)__tbss_end < (uintptr_t)__tdata_end)
		image = (uintptr_t)__tdata_end - (uintptr_t)__tdata_start;
	return (image + a - 1) & ~(a - 1);
}

size_t solo5_tls_size(void)
{
	return tp_offset() + sizeof(uintptr_t);
}

uintptr_t solo5_tls_tp_offset(uintptr_t tls)
{
	return tls + tp_offset();
}

solo5_result_t solo5_tls_init(uintptr_t tls)
{
	size_t tdata = (size_t)(__tdata_end - __tdata_start);
	uintptr_t tp;

	if (tls == 0 || (tls & (tls_align() - 1)))
		return SOLO5_R_EINVAL;
	tp = solo5_tls_tp_offset(tls);
	memcpy((void *)tls, __tdata_start, tdata);
	memset((char *)tls + tdata, 0, tp - tls - tdata);
	*(uintptr_t *)tp = tp;
	return SOLO5_R_OK;
}

/* Canonical means bits 63..47 all equal; wrmsr of anything else #GPs. */
solo5_result_t solo5_set_tls_base(uintptr_t base)
{
	int64_t top = (int64_t)base >> 47;

	if (top != 0 && top != -1)
		return SOLO5_R_EINVAL;
	rt_cpu_set_fs_base(base);
	return SOLO5_R_OK;
}
