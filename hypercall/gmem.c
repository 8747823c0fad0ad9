/* SPDX-License-Identifier: ISC */
/*
 * Guest-memory accessors: the only place a GPA becomes a host pointer.
 * Runs on the vCPU thread; pure arithmetic, never dereferences guest memory.
 */
#include <assert.h>

#include "hypercall.h"

void *hc_gmem_ptr(const struct hc_gmem *gm, uint64_t gpa, uint64_t len)
{
	uint64_t end;

	/* untrusted: gpa and len are guest values; the sum may wrap. */
	if (__builtin_add_overflow(gpa, len, &end) || end > gm->size)
		return NULL;
	return gm->base + gpa;
}

void *hc_gmem_ptr_rw(const struct hc_gmem *gm, uint64_t gpa, uint64_t len)
{
	void *hva = hc_gmem_ptr(gm, gpa, len);
	unsigned nb_ro = gm->nb_ro;

	/* nb_ro is the tender's, not the guest's; still never read past
	 * ro[] if it is wrong. */
	assert(nb_ro <= HC_GMEM_MAX_RO);
	if (nb_ro > HC_GMEM_MAX_RO)
		nb_ro = HC_GMEM_MAX_RO;
	/* An empty range touches no byte, so it cannot fault the host. */
	if (hva == NULL || len == 0)
		return hva;
	/* untrusted: hc_gmem_ptr() checked gpa + len does not wrap. Two
	 * half-open ranges intersect iff each starts before the other ends;
	 * an empty ro range (start >= end) never does. */
	for (unsigned i = 0; i < nb_ro; i++) {
		const struct hc_gpa_range *r = &gm->ro[i];

		if (r->start < r->end && gpa < r->end && r->start < gpa + len)
			return NULL;
	}
	return hva;
}
