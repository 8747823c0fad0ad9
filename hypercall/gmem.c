/* SPDX-License-Identifier: ISC */
/*
 * Guest-memory accessor: the only place a GPA becomes a host pointer.
 * Runs on the vCPU thread; pure arithmetic, never dereferences guest memory.
 */
#include "hypercall.h"

void *hc_gmem_ptr(const struct hc_gmem *gm, uint64_t gpa, uint64_t len)
{
	uint64_t end;

	/* untrusted: gpa and len are guest values; the sum may wrap. */
	if (__builtin_add_overflow(gpa, len, &end) || end > gm->size)
		return NULL;
	return gm->base + gpa;
}
