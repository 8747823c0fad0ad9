/* SPDX-License-Identifier: ISC */
/*
 * Network devices: acquire from the manifest, then frame I/O through
 * hvt-dpdk's fast path when negotiated (net_fast.c), else the shared ring
 * when the host offers it (frames up to the 2 KiB slot size), else the
 * NET_READ/NET_WRITE hypercalls.
 */
#include "runtime_priv.h"

solo5_result_t rt_net_acquire(const char *name, solo5_handle_t *handle,
			      struct solo5_net_info *info)
{
	const struct hvt_mft_entry *e =
	    rt_mft_acquire(name, HVT_MFT_DEV_NET_BASIC, handle);

	if (!e)
		return SOLO5_R_EINVAL;
	for (int i = 0; i < SOLO5_NET_ALEN; i++)
		info->mac_address[i] = e->u.net_basic.mac[i];
	info->mtu = e->u.net_basic.mtu;
	return SOLO5_R_OK;
}

solo5_result_t solo5_net_acquire(const char *name, solo5_handle_t *handle,
				 struct solo5_net_info *info)
{
	solo5_result_t r = rt_net_acquire(name, handle, info);

	if (r == SOLO5_R_OK)
		rt_fast_acquired(*handle);
	return r;
}

solo5_result_t solo5_net_write(solo5_handle_t handle, const uint8_t *buf,
			       size_t size)
{
	if (rt_fast_solo5(handle))
		return rt_fast_write(handle, buf, size);
	if (rt_fast_burst(handle))
		return SOLO5_R_EINVAL; /* hvt_net_burst.h owns it */
	return rt_net_write_solo5(handle, buf, size);
}

solo5_result_t solo5_net_read(solo5_handle_t handle, uint8_t *buf, size_t size,
			      size_t *read_size)
{
	if (rt_fast_solo5(handle))
		return rt_fast_read(handle, buf, size, read_size);
	if (rt_fast_burst(handle)) {
		*read_size = 0;
		return SOLO5_R_EINVAL;
	}
	return rt_net_read_solo5(handle, buf, size, read_size);
}

solo5_result_t rt_net_write_solo5(solo5_handle_t handle, const uint8_t *buf,
				  size_t size)
{
	volatile struct hvt_hc_net_io io = {
	    .handle = handle,
	    .data_gpa = (uintptr_t)buf,
	    .len = size,
	    .ret = HVT_R_EUNSPEC,
	};

	if (rt_ring_enabled() && size <= HVT_RING_SLOT_SIZE)
		return rt_ring_write(handle, buf, size);
	rt_hypercall(HVT_HYPERCALL_NET_WRITE, &io);
	return (solo5_result_t)io.ret;
}

solo5_result_t rt_net_read_solo5(solo5_handle_t handle, uint8_t *buf,
				 size_t size, size_t *read_size)
{
	volatile struct hvt_hc_net_io io = {
	    .handle = handle,
	    .data_gpa = (uintptr_t)buf,
	    .len = size,
	    .ret = HVT_R_EUNSPEC,
	};

	if (rt_ring_enabled())
		return rt_ring_read(handle, buf, size, read_size);
	rt_hypercall(HVT_HYPERCALL_NET_READ, &io);
	*read_size = io.ret == HVT_R_OK ? io.len : 0;
	return (solo5_result_t)io.ret;
}

/*
 * The TX slots (2 MiB) come from the top of the heap rather than .bss, so
 * images stay small and guests without a ring (or with --mem too small for
 * one) lose nothing.
 */
void rt_net_init(const struct hvt_boot_info *bi, uintptr_t heap_start,
		 uintptr_t *heap_end)
{
	uintptr_t slots;

	if (!(bi->host_features & HVT_FEATURE_RING_IO) || !bi->net_ring_gpa)
		return;
	if (*heap_end - heap_start < RT_RING_SLOTS_SIZE + RT_STACK_RESERVE) {
		rt_puts("hvt-guest: too little memory for ring I/O, "
			"using hypercalls\n");
		return;
	}
	slots = (*heap_end - RT_RING_SLOTS_SIZE) & ~(HVT_PAGE_SIZE - 1);
	*heap_end = slots;
	rt_ring_init(bi->net_ring_gpa, slots);
}
