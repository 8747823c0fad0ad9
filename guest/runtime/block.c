/* SPDX-License-Identifier: ISC */
/*
 * Block devices: acquire from the manifest, I/O by BLOCK_READ/BLOCK_WRITE
 * hypercalls. Arguments go to the tender unchecked on purpose: it is the
 * one that validates them (one block, aligned, inside capacity), and the
 * test guests rely on seeing its answers.
 */
#include "runtime_priv.h"

solo5_result_t solo5_block_acquire(const char *name, solo5_handle_t *handle,
				   struct solo5_block_info *info)
{
	const struct hvt_mft_entry *e =
	    rt_mft_acquire(name, HVT_MFT_DEV_BLOCK_BASIC, handle);

	if (!e)
		return SOLO5_R_EINVAL;
	info->capacity = e->u.block_basic.capacity;
	info->block_size = e->u.block_basic.block_size;
	return SOLO5_R_OK;
}

static solo5_result_t block_io(enum hvt_hypercall_nr nr, solo5_handle_t handle,
			       solo5_off_t offset, uintptr_t buf, size_t size)
{
	volatile struct hvt_hc_block_io io = {
	    .handle = handle,
	    .offset = offset,
	    .data_gpa = buf,
	    .len = size,
	    .ret = HVT_R_EUNSPEC,
	};

	rt_hypercall(nr, &io);
	return (solo5_result_t)io.ret;
}

solo5_result_t solo5_block_write(solo5_handle_t handle, solo5_off_t offset,
				 const uint8_t *buf, size_t size)
{
	return block_io(HVT_HYPERCALL_BLOCK_WRITE, handle, offset,
			(uintptr_t)buf, size);
}

solo5_result_t solo5_block_read(solo5_handle_t handle, solo5_off_t offset,
				uint8_t *buf, size_t size)
{
	return block_io(HVT_HYPERCALL_BLOCK_READ, handle, offset,
			(uintptr_t)buf, size);
}
