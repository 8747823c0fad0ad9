/* SPDX-License-Identifier: ISC */
/*
 * Guest RAM mapping (see guest_mem.h). Anonymous, private, not reserved up
 * front: a 512 MiB guest that touches 2 MiB costs 2 MiB. The dataplane issue
 * replaces this with hugepage-backed DPDK memory for guests with NICs.
 */
#include <errno.h>
#include <sys/mman.h>

#include "guest_mem.h"
#include "hypercall/abi/hvt_abi.h"

int tender_guest_mem_map(struct tender_guest_mem *gm, uint64_t size,
			 uint64_t extra)
{
	uint64_t map_size;
	void *p;

	if (__builtin_add_overflow(size, extra, &map_size))
		return -EINVAL;
	p = mmap(NULL, map_size, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (p == MAP_FAILED)
		return -errno;
	gm->hva = p;
	gm->size = size;
	gm->map_size = map_size;
	return 0;
}

int tender_guest_mem_protect(const struct tender_guest_mem *gm,
			     uint64_t gpa_start, uint64_t gpa_end, int prot)
{
	if (gpa_start > gpa_end || gpa_end > gm->map_size ||
	    (gpa_start | gpa_end) & (HVT_PAGE_SIZE - 1))
		return -EINVAL;
	if (gpa_start == gpa_end)
		return 0;
	if (mprotect(gm->hva + gpa_start, gpa_end - gpa_start, prot) < 0)
		return -errno;
	return 0;
}

void tender_guest_mem_unmap(struct tender_guest_mem *gm)
{
	if (gm->hva != NULL)
		munmap(gm->hva, gm->map_size);
	gm->hva = NULL;
}
