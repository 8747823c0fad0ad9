/* SPDX-License-Identifier: ISC */
/*
 * Solo5 hvt unikernel loading through libelf: validate the ELF headers,
 * PT_LOAD segments and Solo5 notes (ABI1, MFT1) of an untrusted file, then
 * copy the segments into guest memory. Main thread, before the VM runs.
 * Never exits: every failure is a one-line message naming the file.
 */
#ifndef TENDER_ELF_LOAD_H
#define TENDER_ELF_LOAD_H

#include <gelf.h>
#include <libelf.h>
#include <stddef.h>
#include <stdint.h>

#include "hypercall/abi/hvt_abi.h"
#include "hypercall/abi/hvt_fastpath.h"

#define TENDER_ELF_MAX_SEGS 16 /* PT_LOAD segments with p_memsz > 0 */
#define TENDER_ELF_MAX_PHDRS 256 /* Solo5 linkers emit about six */

/* One PT_LOAD segment, validated against the file and guest memory. */
struct tender_elf_seg {
	uint64_t gpa; /* p_paddr (== p_vaddr: the guest is identity-mapped) */
	uint64_t file_off; /* p_offset */
	uint64_t filesz; /* bytes copied from the file */
	uint64_t memsz; /* bytes occupied; memsz - filesz are zeroed */
	/*
	 * [prot_start, prot_end): the segment rounded out to max(p_align,
	 * page size); page-aligned, ascending and disjoint across segments,
	 * within [HVT_GUEST_MIN_BASE, mem_size). For mprotect of the host
	 * mapping.
	 */
	uint64_t prot_start, prot_end;
	/*
	 * Host protection: PROT_READ always, PROT_WRITE if PF_W. PF_X maps to
	 * PROT_READ only, as in Solo5: the host mapping never needs to execute
	 * and a read-only text makes guest writes to it fault.
	 */
	int prot;
	uint32_t p_flags; /* PF_* as in the file, for logging */
	unsigned phdr_idx; /* program header index, as used in messages */
};

struct tender_elf {
	int fd; /* open until tender_elf_close */
	Elf *elf; /* open until tender_elf_close */
	char *path; /* malloc'd copy of the path, used in messages */
	uint64_t file_size;
	uint64_t entry; /* e_entry, in [HVT_GUEST_MIN_BASE, mem_size) */
	/*
	 * One past the highest byte any segment occupies, rounded up like
	 * prot_end (as Solo5 reports it), so the guest heap that starts here
	 * never shares a page with a protected segment.
	 */
	uint64_t kernel_end;
	struct tender_elf_seg segs[TENDER_ELF_MAX_SEGS];
	unsigned nb_segs;
	uint32_t abi_target,
	    abi_version; /* HVT_ABI_TARGET_HVT, HVT_ABI_VERSION */
	/* The hvt-dpdk fast path versions the guest speaks (its "hvt-dpdk"
	 * note, validated: 1 <= min <= max), or 0 and 0 without the note. */
	uint32_t fastpath_min, fastpath_max;
	struct hvt_mft *mft; /* malloc'd validated copy of the manifest */
	size_t mft_size; /* bytes at mft: 8 + 104 * mft->entries */
};

/*
 * Open path and validate every header, PT_LOAD segment and note against
 * mem_size (usable guest RAM in bytes). Messages name phdrs as "segment N"
 * with N the program header index. Does not touch guest memory.
 * Returns 0 with img filled (release with tender_elf_close), or -1 with
 * one line "path: problem" in err and img left closed (closing it again is
 * harmless). Untrusted input: the whole file.
 */
int tender_elf_open(struct tender_elf *img, const char *path, uint64_t mem_size,
		    char *err, size_t err_len);

/*
 * Copy the PT_LOAD segments of an opened image into guest memory mem
 * (mem_size bytes, mem at GPA 0) and zero their bss parts. Does not change
 * protections (the caller mprotects segs[] afterwards). Returns 0, or -1
 * with err set if a segment does not fit mem_size or the file is short.
 */
int tender_elf_load(const struct tender_elf *img, uint8_t *mem,
		    uint64_t mem_size, char *err, size_t err_len);

/* Release everything tender_elf_open acquired. Idempotent. */
void tender_elf_close(struct tender_elf *img);

#endif /* TENDER_ELF_LOAD_H */
