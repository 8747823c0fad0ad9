/* SPDX-License-Identifier: ISC */
/*
 * The boot information block the guest finds at HVT_BOOT_INFO_GPA, with
 * the manifest and the command line right after it, as Solo5 lays them out.
 */
#ifndef TENDER_BOOT_H
#define TENDER_BOOT_H

#include <stddef.h>
#include <stdint.h>

#include "hypercall/abi/hvt_abi.h"

struct tender_boot_params {
	uint64_t mem_size; /* usable guest RAM */
	uint64_t kernel_end; /* from the ELF */
	uint64_t tsc_hz;
	const struct hvt_mft *mft;
	size_t mft_size;
	const char *cmdline; /* at most HVT_CMDLINE_MAX - 1 characters */
	uint32_t host_features;
	uint64_t net_ring_gpa;
};

/*
 * Write the boot info, manifest and command line into guest memory mem
 * (at least HVT_GUEST_MIN_BASE bytes). The three fit below
 * HVT_GUEST_MIN_BASE by construction (the manifest and command line
 * sizes are bounded by the ABI).
 */
void tender_boot_info_write(uint8_t *mem, const struct tender_boot_params *p);

#endif /* TENDER_BOOT_H */
