/* SPDX-License-Identifier: ISC */
/*
 * Guest RAM as a host mapping: allocation, per-range host protection, and
 * release. Runs on the main thread before the VM starts and at teardown.
 */
#ifndef TENDER_GUEST_MEM_H
#define TENDER_GUEST_MEM_H

#include <stdint.h>

struct tender_guest_mem {
	uint8_t *hva; /* GPA 0 */
	uint64_t size; /* bytes of guest RAM */
	uint64_t map_size; /* bytes mapped (size plus reserved regions) */
	uint64_t
	    huge_from; /* GPA where 2 MiB hugepages start (map_size: none) */
	void *reserve; /* the whole reservation, for munmap */
	uint64_t reserve_size;
};

/*
 * Map size bytes of zeroed guest RAM plus extra bytes above it (e.g. the
 * shared-ring region). With huge_from < size + extra (2 MiB aligned), the
 * part from huge_from up is backed by 2 MiB hugepages when the host has
 * enough free (packet memory for the dataplane); below it, normal pages, so
 * the kernel image can be protected page by page. Without free hugepages
 * it warns and uses normal pages. Returns 0 or -errno.
 */
int tender_guest_mem_map(struct tender_guest_mem *gm, uint64_t size,
			 uint64_t extra, uint64_t huge_from);

/*
 * Set host protection (PROT_* flags) on [gpa_start, gpa_end), which must be
 * page aligned and inside the mapping. Returns 0 or -errno.
 */
int tender_guest_mem_protect(const struct tender_guest_mem *gm,
			     uint64_t gpa_start, uint64_t gpa_end, int prot);

void tender_guest_mem_unmap(struct tender_guest_mem *gm);

#endif /* TENDER_GUEST_MEM_H */
