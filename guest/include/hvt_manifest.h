/* SPDX-License-Identifier: ISC */
/*
 * Declares an application's device manifest from C, laid out exactly as the
 * Solo5 "MFT1" ELF note, so no JSON tool is needed. Use once per app:
 *   HVT_MANIFEST(2, HVT_MFT_NET("service"), HVT_MFT_BLOCK("storage"));
 * Names must be 1-67 characters of [A-Za-z0-9]; the tender rejects others.
 */
#ifndef HVT_MANIFEST_H
#define HVT_MANIFEST_H

#include "hypercall/abi/hvt_abi.h"

#define HVT_MFT_BLOCK(n)                                                       \
	{                                                                      \
		.name = n, .type = HVT_MFT_DEV_BLOCK_BASIC                     \
	}
#define HVT_MFT_NET(n)                                                         \
	{                                                                      \
		.name = n, .type = HVT_MFT_DEV_NET_BASIC                       \
	}

/* Entry 0 is always the reserved entry with an empty name. */
#define HVT_MFT_FIRST_                                                         \
	{                                                                      \
		.name = "", .type = HVT_MFT_RESERVED_FIRST                     \
	}

/*
 * The note: 12-byte header, "Solo5" padded to 8, 4 bytes of padding so the
 * manifest proper is 8-byte aligned, then version, count and entries.
 * descsz counts from the padding to the end. The counted entry list is
 * checked against (nb_dev) so a miscount fails the build. The trailing
 * comma lets HVT_MANIFEST(0) take no entries.
 */
#define HVT_MANIFEST(nb_dev, ...)                                              \
	_Static_assert((nb_dev) >= 0 && (nb_dev) < HVT_MFT_MAX_ENTRIES,        \
		       "HVT_MANIFEST: 0 to 63 devices");                       \
	_Static_assert(                                                        \
	    sizeof((struct hvt_mft_entry[]){HVT_MFT_FIRST_, __VA_ARGS__}) ==   \
		((nb_dev) + 1) * sizeof(struct hvt_mft_entry),                 \
	    "HVT_MANIFEST: device count does not match entries");              \
	__attribute__((section(".note.solo5.manifest"), aligned(8), used))     \
	const struct {                                                         \
		struct hvt_mft_note_header h;                                  \
		uint32_t version;                                              \
		uint32_t entries;                                              \
		struct hvt_mft_entry e[(nb_dev) + 1];                          \
	} hvt_manifest_note = {                                                \
	    .h = {.namesz = HVT_NOTE_NAMESZ,                                   \
		  .descsz = HVT_MFT_NOTE_PAD + 8 +                             \
			    ((nb_dev) + 1) * sizeof(struct hvt_mft_entry),     \
		  .type = HVT_NOTE_TYPE_MFT,                                   \
		  .name = HVT_NOTE_NAME},                                      \
	    .version = HVT_MFT_VERSION,                                        \
	    .entries = (nb_dev) + 1,                                           \
	    .e = {HVT_MFT_FIRST_, __VA_ARGS__},                                \
	}

#endif /* HVT_MANIFEST_H */
