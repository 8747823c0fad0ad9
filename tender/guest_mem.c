/* SPDX-License-Identifier: ISC */
/*
 * Guest RAM mapping (see guest_mem.h). Normal pages are anonymous, private
 * and not reserved up front: a 512 MiB guest that touches 2 MiB costs 2 MiB.
 * Hugepages come from a hugetlbfs memfd mapped over the upper part of the
 * same reservation, so guest RAM stays one contiguous host range (one KVM
 * memory slot) while its kernel image keeps 4 KiB protection granularity.
 */
#include <errno.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "guest_mem.h"
#include "hypercall/abi/hvt_abi.h"
#include "log.h"

#ifndef MFD_HUGE_2MB
#define MFD_HUGE_2MB (21U << 26)
#endif

static int map_huge(uint8_t *at, uint64_t len)
{
	int fd = memfd_create("hvt-guest-ram",
			      MFD_CLOEXEC | MFD_HUGETLB | MFD_HUGE_2MB);
	void *p;
	int ret = 0;

	if (fd < 0)
		return -errno;
	/* MAP_SHARED|MAP_NORESERVE would defer the failure to a SIGBUS on
	 * first touch: reserve now, so a shortage is an error here. */
	if (ftruncate(fd, (off_t)len) < 0) {
		ret = -errno;
	} else {
		p = mmap(at, len, PROT_READ | PROT_WRITE,
			 MAP_SHARED | MAP_FIXED, fd, 0);
		if (p == MAP_FAILED)
			ret = -errno;
	}
	close(fd);
	return ret;
}

int tender_guest_mem_map(struct tender_guest_mem *gm, uint64_t size,
			 uint64_t extra, uint64_t huge_from)
{
	uint64_t map_size, reserve_size;
	uint8_t *base;
	void *p;

	memset(gm, 0, sizeof(*gm));
	if (__builtin_add_overflow(size, extra, &map_size) ||
	    __builtin_add_overflow(map_size, HVT_HUGE_PAGE_SIZE, &reserve_size))
		return -EINVAL;
	/* One reservation, aligned to 2 MiB so hugepages line up with GPAs. */
	p = mmap(NULL, reserve_size, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (p == MAP_FAILED)
		return -errno;
	base = (uint8_t *)(((uintptr_t)p + HVT_HUGE_PAGE_SIZE - 1) &
			   ~(uintptr_t)(HVT_HUGE_PAGE_SIZE - 1));
	gm->reserve = p;
	gm->reserve_size = reserve_size;
	gm->hva = base;
	gm->size = size;
	gm->map_size = map_size;
	gm->huge_from = map_size;
	if (huge_from < map_size) {
		int ret = map_huge(base + huge_from, map_size - huge_from);
		if (ret == 0)
			gm->huge_from = huge_from;
		else
			tlog_warn("guest memory: no 2 MiB hugepages (%s): "
				  "using normal pages; reserve some with "
				  "echo N > /proc/sys/vm/nr_hugepages",
				  strerror(-ret));
	}
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
	if (gm->reserve != NULL)
		munmap(gm->reserve, gm->reserve_size);
	memset(gm, 0, sizeof(*gm));
}
