/* SPDX-License-Identifier: ISC */
/*
 * Solo5 manifest (MFT1 note) validation and lookup. Pure functions over
 * bytes read from the unikernel file: the input is untrusted operator data.
 * Runs on the main thread before the VM exists; never exits or aborts.
 */
#ifndef TENDER_MANIFEST_H
#define TENDER_MANIFEST_H

#include <stddef.h>
#include <stdint.h>

#include "hypercall/abi/hvt_abi.h"

/*
 * Validate a manifest note descriptor and return a malloc'd copy of the
 * struct hvt_mft it holds. desc points at the descriptor bytes (including
 * the HVT_MFT_NOTE_PAD bytes that precede the struct; no alignment needed),
 * desc_len is the note's descsz. Checks version 1, 1..64 entries, exact
 * size, entry 0 reserved and unnamed, names NUL-terminated, non-empty,
 * [A-Za-z0-9] and unique, types known, attached false.
 * Returns 0 with *out (free() it) and *out_size set, or -1 with a one-line
 * reason in err (no file name: the caller adds it) and *out untouched.
 */
int tender_mft_parse(const void *desc, size_t desc_len, struct hvt_mft **out,
		     size_t *out_size, char *err, size_t err_len);

/*
 * Index of the device entry (1 .. entries-1) called name, restricted to
 * type unless type is 0. Returns -1 if there is none. Entry 0 is never
 * returned. mft must have passed tender_mft_parse().
 */
int tender_mft_find(const struct hvt_mft *mft, const char *name, uint32_t type);

/* "BLOCK_BASIC", "NET_BASIC", "RESERVED_FIRST", or "?" for anything else. */
const char *tender_mft_type_name(uint32_t type);

#endif /* TENDER_MANIFEST_H */
