/* SPDX-License-Identifier: ISC */
/*
 * The Solo5 ABI note: tells the tender this image targets hvt, ABI version
 * 2; and hvt-dpdk's fast path note (docs/fastpath.md). The linker script
 * gives each its own PT_NOTE, as tenders look for them by walking the note
 * program headers.
 */
#include "hypercall/abi/hvt_fastpath.h"
#include "runtime_priv.h"

__attribute__((section(".note.solo5.abi"), aligned(4), used)) const struct {
	uint32_t namesz;
	uint32_t descsz;
	uint32_t type;
	char name[8];
	struct hvt_abi_note_desc desc;
} hvt_abi_note = {
    .namesz = HVT_NOTE_NAMESZ,
    .descsz = sizeof(struct hvt_abi_note_desc),
    .type = HVT_NOTE_TYPE_ABI,
    .name = HVT_NOTE_NAME,
    .desc = {.abi_target = HVT_ABI_TARGET_HVT, .abi_version = HVT_ABI_VERSION},
};

/* The hvt-dpdk fast path versions we speak (hvt_fastpath.h): only hvt-dpdk
 * reads it; Solo5's tenders skip notes of other names. */
__attribute__((section(".note.hvt-dpdk.fastpath"), aligned(4), used))
const struct {
	uint32_t namesz;
	uint32_t descsz;
	uint32_t type;
	char name[12];
	struct hvtx_note_desc desc;
} hvtx_fastpath_note = {
    .namesz = HVTX_NOTE_NAMESZ,
    .descsz = sizeof(struct hvtx_note_desc),
    .type = HVTX_NOTE_TYPE_FASTPATH,
    .name = HVTX_NOTE_NAME,
    .desc = {.version_min = HVTX_VERSION, .version_max = HVTX_VERSION},
};
