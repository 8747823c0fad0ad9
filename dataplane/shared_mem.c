/* SPDX-License-Identifier: ISC */
/*
 * Guest RAM a virtio-user port's peer can map. As the virtio frontend we
 * send the vswitch a table of our memory once, when the port is probed,
 * and only fd-backed DPDK memory can be in it. So for such guests EAL
 * starts first (on the main thread: the guest's boot waits for it), guest
 * RAM above the kernel image becomes a DPDK memzone, and the same pages
 * are mapped again where the tender expects guest RAM. Frames the guest
 * sends from there go to the port by their memzone address, uncopied.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>

#include <rte_eal.h>
#include <rte_eal_memconfig.h>
#include <rte_errno.h>
#include <rte_memory.h>
#include <rte_memzone.h>

#include "dp_priv.h"

#define SHARED_ALIGN (2ULL << 20)

static const struct rte_memzone *shared_mz; /* one per process */
static uint8_t *shared_view; /* the tender's mapping */
static uint64_t shared_len;

/* fd and offset of the memzone's pages (--single-file-segments keeps one
 * file per memseg list, so a zone's pages are contiguous in it). */
static int memzone_fd(const struct rte_memzone *mz, size_t *offset)
{
	const struct rte_memseg *ms = rte_mem_virt2memseg(mz->addr, NULL);
	int fd;

	if (ms == NULL)
		return -1;
	fd = rte_memseg_get_fd_thread_unsafe(ms);
	if (fd < 0 || rte_memseg_get_fd_offset_thread_unsafe(ms, offset) < 0)
		return -1;
	*offset +=
	    (size_t)((const uint8_t *)mz->addr - (const uint8_t *)ms->addr);
	return fd;
}

int dp_shared_mem_map(const struct dp_config *cfg, void *at, uint64_t len,
		      char *err, size_t err_len)
{
	size_t offset = 0;
	int fd;

	if (dp_eal_start(cfg, len) < 0) {
		snprintf(err, err_len, "DPDK start-up failed");
		return -1;
	}
	shared_mz = rte_memzone_reserve_aligned(
	    "hvt_guest_ram", len, SOCKET_ID_ANY,
	    RTE_MEMZONE_2MB | RTE_MEMZONE_SIZE_HINT_ONLY, SHARED_ALIGN);
	if (shared_mz == NULL) {
		snprintf(err, err_len,
			 "cannot reserve %llu MiB of DPDK memory for guest "
			 "RAM a virtio-user peer can map: %s",
			 (unsigned long long)(len >> 20),
			 rte_strerror(rte_errno));
		return -1;
	}
	rte_mcfg_mem_read_lock();
	fd = memzone_fd(shared_mz, &offset);
	rte_mcfg_mem_read_unlock();
	if (fd < 0 ||
	    mmap(at, len, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_FIXED, fd,
		 (off_t)offset) == MAP_FAILED) {
		snprintf(err, err_len,
			 "cannot map DPDK memory as guest RAM (needs "
			 "hugepages, --in-memory --single-file-segments): %s",
			 fd < 0 ? rte_strerror(rte_errno) : strerror(errno));
		return -1;
	}
	/* The zone came zeroed from EAL only if never used: make sure. */
	memset(at, 0, len);
	shared_view = at;
	shared_len = len;
	return 0;
}

const void *dp_shared_alias(const void *hva, uint64_t len)
{
	const uint8_t *p = hva;
	uint64_t off;

	if (shared_view == NULL || p < shared_view)
		return NULL;
	off = (uint64_t)(p - shared_view);
	if (off > shared_len || len > shared_len - off)
		return NULL;
	return (const uint8_t *)shared_mz->addr + off;
}
