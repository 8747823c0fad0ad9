/* SPDX-License-Identifier: ISC */
/*
 * Boot information writer (see boot.h). Main thread, before the vCPU runs.
 */
#include <string.h>

#include "boot.h"

_Static_assert(HVT_BOOT_INFO_GPA + sizeof(struct hvt_boot_info) +
		       HVT_MFT_NOTE_MAX_DESCSZ + HVT_CMDLINE_MAX <
		   HVT_GUEST_MIN_BASE,
	       "boot info, manifest and command line fit below the kernel");

static uint64_t align8(uint64_t v)
{
	return (v + 7) & ~7ULL;
}

void tender_boot_info_write(uint8_t *mem, const struct tender_boot_params *p)
{
	uint64_t mft_gpa =
	    align8(HVT_BOOT_INFO_GPA + sizeof(struct hvt_boot_info));
	uint64_t cmdline_gpa = align8(mft_gpa + p->mft_size);
	size_t cmdline_len = strnlen(p->cmdline, HVT_CMDLINE_MAX - 1);
	struct hvt_boot_info bi = {
	    .mem_size = p->mem_size,
	    .kernel_end = p->kernel_end,
	    .cpu_cycle_freq = p->tsc_hz,
	    .cmdline_gpa = cmdline_gpa,
	    .mft_gpa = mft_gpa,
	    .host_features = p->host_features,
	    .guest_features = 0,
	    .net_ring_gpa = p->net_ring_gpa,
	};

	memcpy(mem + HVT_BOOT_INFO_GPA, &bi, sizeof(bi));
	memcpy(mem + mft_gpa, p->mft, p->mft_size);
	memcpy(mem + cmdline_gpa, p->cmdline, cmdline_len);
	mem[cmdline_gpa + cmdline_len] = '\0';
}
