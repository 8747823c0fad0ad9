/* SPDX-License-Identifier: ISC */
/*
 * Manifest validation: every field of the MFT1 note comes from the
 * unikernel file and is checked before the tender relies on it.
 * Main thread only; pure apart from malloc; never exits on bad input.
 */
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "manifest.h"

#define MFT_HDR_SIZE offsetof(struct hvt_mft, e)
#define MFT_ENTRY_SIZE sizeof(struct hvt_mft_entry)

static void __attribute__((format(printf, 3, 4)))
set_err(char *err, size_t err_len, const char *fmt, ...)
{
	va_list ap;

	if (err == NULL || err_len == 0)
		return;
	va_start(ap, fmt);
	vsnprintf(err, err_len, fmt, ap);
	va_end(ap);
}

/* ASCII only: isalnum() depends on the locale. */
static bool is_name_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       (c >= '0' && c <= '9');
}

/* untrusted: name bytes come from the file. */
static int check_name(const struct hvt_mft_entry *e, unsigned idx, char *err,
		      size_t err_len)
{
	size_t len = strnlen(e->name, HVT_MFT_NAME_SIZE);

	if (len == HVT_MFT_NAME_SIZE) {
		set_err(err, err_len,
			"manifest entry %u: name is not NUL-terminated within "
			"%d bytes",
			idx, HVT_MFT_NAME_SIZE);
		return -1;
	}
	if (idx == 0) {
		if (len != 0) {
			set_err(err, err_len,
				"manifest entry 0 (\"%s\"): the reserved entry "
				"must have "
				"an empty name",
				e->name);
			return -1;
		}
		return 0;
	}
	if (len == 0) {
		set_err(err, err_len, "manifest entry %u: empty device name",
			idx);
		return -1;
	}
	for (size_t i = 0; i < len; i++) {
		if (!is_name_char(e->name[i])) {
			set_err(err, err_len,
				"manifest entry %u (\"%s\"): invalid character "
				"0x%02x in "
				"name, only [A-Za-z0-9] allowed",
				idx, e->name, (unsigned char)e->name[i]);
			return -1;
		}
	}
	return 0;
}

/* untrusted: type and attached come from the file. */
static int check_entry(const struct hvt_mft *mft, unsigned idx, char *err,
		       size_t err_len)
{
	const struct hvt_mft_entry *e = &mft->e[idx];

	if (check_name(e, idx, err, err_len) < 0)
		return -1;
	if (idx == 0 && e->type != HVT_MFT_RESERVED_FIRST) {
		set_err(err, err_len,
			"manifest entry 0: type 0x%x, expected RESERVED_FIRST "
			"(0x%x)",
			e->type, (unsigned)HVT_MFT_RESERVED_FIRST);
		return -1;
	}
	if (idx > 0 && e->type != HVT_MFT_DEV_BLOCK_BASIC &&
	    e->type != HVT_MFT_DEV_NET_BASIC) {
		set_err(err, err_len,
			"manifest entry %u (\"%s\"): unknown device type 0x%x "
			"(expected BLOCK_BASIC or NET_BASIC)",
			idx, e->name, e->type);
		return -1;
	}
	if (e->attached != 0) {
		set_err(
		    err, err_len,
		    "manifest entry %u (\"%s\"): marked attached in the file",
		    idx, e->name);
		return -1;
	}
	for (unsigned j = 1; j < idx; j++) {
		if (strcmp(mft->e[j].name, e->name) == 0) {
			set_err(err, err_len,
				"manifest entry %u (\"%s\"): duplicate name "
				"(also entry "
				"%u)",
				idx, e->name, j);
			return -1;
		}
	}
	return 0;
}

/* untrusted: desc_len and the header words come from the file. */
static int check_header(const uint8_t *p, size_t desc_len, uint32_t *entries,
			char *err, size_t err_len)
{
	uint32_t version, nb;
	size_t want;

	if (desc_len > HVT_MFT_NOTE_MAX_DESCSZ ||
	    desc_len < HVT_MFT_NOTE_PAD + MFT_HDR_SIZE) {
		set_err(err, err_len,
			"manifest note descsz %zu outside [%zu, %d]", desc_len,
			HVT_MFT_NOTE_PAD + MFT_HDR_SIZE,
			HVT_MFT_NOTE_MAX_DESCSZ);
		return -1;
	}
	memcpy(&version, p + HVT_MFT_NOTE_PAD, sizeof(version));
	memcpy(&nb, p + HVT_MFT_NOTE_PAD + sizeof(version), sizeof(nb));
	if (version != HVT_MFT_VERSION) {
		set_err(err, err_len,
			"manifest version %u not supported (expected %d)",
			version, HVT_MFT_VERSION);
		return -1;
	}
	if (nb < 1 || nb > HVT_MFT_MAX_ENTRIES) {
		set_err(err, err_len,
			"manifest has %u entries, expected 1 to %d", nb,
			HVT_MFT_MAX_ENTRIES);
		return -1;
	}
	want = HVT_MFT_NOTE_PAD + MFT_HDR_SIZE + (size_t)nb * MFT_ENTRY_SIZE;
	if (desc_len != want) {
		set_err(err, err_len,
			"manifest note descsz %zu, but %u entries need %zu",
			desc_len, nb, want);
		return -1;
	}
	*entries = nb;
	return 0;
}

int tender_mft_parse(const void *desc, size_t desc_len, struct hvt_mft **out,
		     size_t *out_size, char *err, size_t err_len)
{
	struct hvt_mft *mft;
	uint32_t nb;
	size_t size;

	if (desc == NULL || out == NULL || out_size == NULL) {
		set_err(err, err_len, "manifest: invalid arguments");
		return -1;
	}
	if (check_header(desc, desc_len, &nb, err, err_len) < 0)
		return -1;
	size = desc_len - HVT_MFT_NOTE_PAD;
	/* Copy first: desc may be unaligned and entries are read in place. */
	mft = malloc(size);
	if (mft == NULL) {
		set_err(err, err_len, "manifest: out of memory (%zu bytes)",
			size);
		return -1;
	}
	memcpy(mft, (const uint8_t *)desc + HVT_MFT_NOTE_PAD, size);
	for (unsigned i = 0; i < nb; i++) {
		if (check_entry(mft, i, err, err_len) < 0)
			goto err_free;
	}
	*out = mft;
	*out_size = size;
	return 0;

err_free:
	free(mft);
	return -1;
}

int tender_mft_find(const struct hvt_mft *mft, const char *name, uint32_t type)
{
	if (mft == NULL || name == NULL)
		return -1;
	for (uint32_t i = 1; i < mft->entries; i++) {
		if (type != 0 && mft->e[i].type != type)
			continue;
		if (strncmp(mft->e[i].name, name, HVT_MFT_NAME_SIZE) == 0)
			return (int)i;
	}
	return -1;
}

const char *tender_mft_type_name(uint32_t type)
{
	switch (type) {
	case HVT_MFT_DEV_BLOCK_BASIC:
		return "BLOCK_BASIC";
	case HVT_MFT_DEV_NET_BASIC:
		return "NET_BASIC";
	case HVT_MFT_RESERVED_FIRST:
		return "RESERVED_FIRST";
	default:
		return "?";
	}
}
