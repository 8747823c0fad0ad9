/* SPDX-License-Identifier: ISC */
/*
 * Device lookup in the manifest the tender copied into guest memory (with
 * mac, mtu, capacity, block size and `attached` filled in). A handle is the
 * manifest index. Each device may be acquired once, as the Solo5 API says.
 */
#include <string.h>

#include "runtime_priv.h"

static const struct hvt_mft *mft;
static uint64_t acquired; /* bit n: handle n was acquired */

void rt_mft_init(uint64_t mft_gpa)
{
	mft = (const struct hvt_mft *)(uintptr_t)mft_gpa;
	if (!mft || mft->version != HVT_MFT_VERSION || mft->entries < 1 ||
	    mft->entries > HVT_MFT_MAX_ENTRIES)
		rt_abort("boot info has no valid manifest", 0);
}

const struct hvt_mft_entry *rt_mft_get(solo5_handle_t handle, uint32_t type)
{
	const struct hvt_mft_entry *e;

	if (handle == 0 || handle >= mft->entries)
		return NULL;
	e = &mft->e[handle];
	return e->type == type ? e : NULL;
}

const struct hvt_mft_entry *rt_mft_acquire(const char *name, uint32_t type,
					   solo5_handle_t *handle)
{
	for (uint32_t i = 1; i < mft->entries; i++) {
		const struct hvt_mft_entry *e = &mft->e[i];

		if (e->type != type ||
		    strncmp(e->name, name, HVT_MFT_NAME_SIZE) != 0)
			continue;
		/* The tender refuses to boot with unattached devices. */
		if (!e->attached || (acquired & (1ULL << i)))
			return NULL;
		acquired |= 1ULL << i;
		*handle = i;
		return e;
	}
	return NULL;
}
