/* SPDX-License-Identifier: ISC */
/*
 * Wire formats shared by the tender and guests: Solo5 hvt ABI version 2
 * (Solo5 0.8 to 0.12). Written from the facts in shared/ABI.md; every size
 * and offset is pinned below so host and guest cannot drift apart.
 * Guest addresses are uint64_t GPAs, never pointers. No libc here.
 */
#ifndef HVT_ABI_H
#define HVT_ABI_H

#include <stddef.h>
#include <stdint.h>

#define HVT_ABI_VERSION 2
#define HVT_ABI_TARGET_HVT 1 /* SPT=2, VIRTIO=3, MUEN=4, GENODE=5, XEN=6 */

/* Guest physical memory map fixed by the ABI. */
#define HVT_PAGE_SIZE 0x1000ULL
#define HVT_HUGE_PAGE_SIZE 0x200000ULL
#define HVT_GUEST_MIN_BASE 0x100000ULL
#define HVT_GDT_GPA 0x1000ULL
#define HVT_PML4_GPA 0x2000ULL
#define HVT_PDPT_GPA 0x3000ULL
#define HVT_PD_GPA 0x4000ULL /* four PD pages, 0x4000-0x7fff */
#define HVT_PT_GPA 0x8000ULL
#define HVT_BOOT_INFO_GPA 0x10000ULL
#define HVT_MEM_MIN_MIB 2
#define HVT_MEM_MAX_MIB 4096
#define HVT_MEM_DEFAULT_MIB 512
#define HVT_CMDLINE_MAX 8192 /* including the terminating NUL */

/* Hypercalls: outl %eax, %dx with dx = HVT_HYPERCALL_PIO_BASE + nr and
 * eax = 32-bit GPA of the argument struct. */
#define HVT_HYPERCALL_PIO_BASE 0x500
#define HVT_RING_KICK_PIO 0x600

enum hvt_hypercall_nr {
	HVT_HYPERCALL_WALLTIME = 1,
	HVT_HYPERCALL_PUTS = 2,
	HVT_HYPERCALL_POLL = 3,
	HVT_HYPERCALL_BLOCK_WRITE = 4,
	HVT_HYPERCALL_BLOCK_READ = 5,
	HVT_HYPERCALL_NET_WRITE = 6,
	HVT_HYPERCALL_NET_READ = 7,
	HVT_HYPERCALL_HALT = 8,
	HVT_HYPERCALL_MAX = 9 /* one past the last */
};

/* Results, as Solo5's solo5_result_t. */
enum hvt_result {
	HVT_R_OK = 0,
	HVT_R_AGAIN = 1,
	HVT_R_EINVAL = 2,
	HVT_R_EUNSPEC = 3,
};

/* Guest exit statuses (solo5_exit / solo5_abort). */
#define HVT_EXIT_SUCCESS 0
#define HVT_EXIT_FAILURE 1
#define HVT_EXIT_ABORT 255
#define HVT_HALT_COOKIE_MAX 512 /* bytes of trap frame a cookie may point at */

struct hvt_hc_walltime {
	uint64_t nsecs; /* out: CLOCK_REALTIME */
};

struct hvt_hc_puts {
	uint64_t data_gpa;
	uint64_t len;
};

struct hvt_hc_poll {
	uint64_t timeout_nsecs; /* in, relative */
	uint64_t ready_set; /* out: bit `handle` per ready net device */
	int32_t ret; /* out: number of ready devices */
};

struct hvt_hc_block_io {
	uint64_t handle;
	uint64_t offset;
	uint64_t data_gpa;
	uint64_t len; /* in (and out for read) */
	int32_t ret;
};

struct hvt_hc_net_io {
	uint64_t handle;
	uint64_t data_gpa;
	uint64_t len; /* in (and out for read) */
	int32_t ret;
};

struct hvt_hc_halt {
	uint64_t cookie_gpa; /* 0 or GPA of up to HVT_HALT_COOKIE_MAX bytes */
	int32_t exit_status;
};

_Static_assert(sizeof(struct hvt_hc_walltime) == 8, "walltime size");
_Static_assert(sizeof(struct hvt_hc_puts) == 16, "puts size");
_Static_assert(sizeof(struct hvt_hc_poll) == 24, "poll size");
_Static_assert(offsetof(struct hvt_hc_poll, ret) == 16, "poll.ret");
_Static_assert(sizeof(struct hvt_hc_block_io) == 40, "block_io size");
_Static_assert(offsetof(struct hvt_hc_block_io, ret) == 32, "block_io.ret");
_Static_assert(sizeof(struct hvt_hc_net_io) == 32, "net_io size");
_Static_assert(offsetof(struct hvt_hc_net_io, ret) == 24, "net_io.ret");
_Static_assert(sizeof(struct hvt_hc_halt) == 16, "halt size");
_Static_assert(offsetof(struct hvt_hc_halt, exit_status) == 8, "halt.status");

/* Boot information at HVT_BOOT_INFO_GPA; RDI holds its GPA at entry.
 * Solo5 0.8-0.10 guests read only the first 40 bytes. */
#define HVT_FEATURE_RING_IO (1U << 0)

struct hvt_boot_info {
	uint64_t mem_size; /* usable memory; the ring region is excluded */
	uint64_t kernel_end; /* GPA one past the highest loaded byte */
	uint64_t cpu_cycle_freq; /* TSC Hz */
	uint64_t cmdline_gpa;
	uint64_t mft_gpa;
	uint32_t host_features;
	uint32_t guest_features;
	uint64_t net_ring_gpa; /* 0 if no ring is offered */
};
_Static_assert(sizeof(struct hvt_boot_info) == 56, "boot_info size");
_Static_assert(offsetof(struct hvt_boot_info, mft_gpa) == 32, "boot_info.mft");
_Static_assert(offsetof(struct hvt_boot_info, host_features) == 40,
	       "boot_info.host_features");
_Static_assert(offsetof(struct hvt_boot_info, net_ring_gpa) == 48,
	       "boot_info.net_ring");

/* ELF notes. */
#define HVT_NOTE_NAME "Solo5"
#define HVT_NOTE_NAMESZ 6 /* including the NUL; padded to 8 */
#define HVT_NOTE_TYPE_ABI 0x31494241U /* "ABI1" */
#define HVT_NOTE_TYPE_MFT 0x3154464dU /* "MFT1" */
#define HVT_NOTE_HDR_SIZE 12

struct hvt_abi_note_desc {
	uint32_t abi_target;
	uint32_t abi_version;
	uint32_t reserved[2];
};
_Static_assert(sizeof(struct hvt_abi_note_desc) == 16, "abi note size");

/* Manifest: struct hvt_mft follows 4 bytes of padding in the note
 * descriptor (so the struct is 8-byte aligned in the file). */
#define HVT_MFT_VERSION 1
#define HVT_MFT_MAX_ENTRIES 64 /* entry 0 is reserved */
#define HVT_MFT_NAME_SIZE 68
#define HVT_MFT_NOTE_PAD 4
#define HVT_MFT_NOTE_MAX_DESCSZ 6668

enum hvt_mft_type {
	HVT_MFT_DEV_BLOCK_BASIC = 1,
	HVT_MFT_DEV_NET_BASIC = 2,
	HVT_MFT_RESERVED_FIRST = 1U << 30,
};

struct hvt_mft_block_basic {
	uint64_t capacity;
	uint16_t block_size;
};

struct hvt_mft_net_basic {
	uint8_t mac[6];
	uint16_t mtu;
};

struct hvt_mft_entry {
	char name[HVT_MFT_NAME_SIZE];
	uint32_t type;
	union {
		struct hvt_mft_block_basic block_basic;
		struct hvt_mft_net_basic net_basic;
	} u;
	uint64_t hostpriv; /* host-private; Solo5 keeps the backing fd here */
	uint8_t attached; /* C bool in Solo5 */
};

struct hvt_mft {
	uint32_t version;
	uint32_t entries;
	struct hvt_mft_entry e[];
};

_Static_assert(sizeof(struct hvt_mft_entry) == 104, "mft_entry size");
_Static_assert(offsetof(struct hvt_mft_entry, type) == 68, "mft_entry.type");
_Static_assert(offsetof(struct hvt_mft_entry, u) == 72, "mft_entry.u");
_Static_assert(offsetof(struct hvt_mft_entry, u.block_basic.block_size) == 80,
	       "mft_entry.block_size");
_Static_assert(offsetof(struct hvt_mft_entry, u.net_basic.mtu) == 78,
	       "mft_entry.mtu");
_Static_assert(offsetof(struct hvt_mft_entry, hostpriv) == 88,
	       "mft_entry.hostpriv");
_Static_assert(offsetof(struct hvt_mft_entry, attached) == 96,
	       "mft_entry.attached");
_Static_assert(offsetof(struct hvt_mft, e) == 8, "mft.e");
_Static_assert(HVT_MFT_NOTE_PAD + 8 + HVT_MFT_MAX_ENTRIES * 104 ==
		   HVT_MFT_NOTE_MAX_DESCSZ,
	       "manifest note limit");

/* The note as laid out in the ELF file (and declared by guests). */
struct hvt_mft_note_header {
	uint32_t namesz;
	uint32_t descsz;
	uint32_t type;
	char name[8]; /* "Solo5" padded */
	uint32_t pad; /* HVT_MFT_NOTE_PAD */
};
_Static_assert(sizeof(struct hvt_mft_note_header) == 24, "mft note header");

/* Shared-ring I/O (Solo5 0.11+): one ring for all net devices, in a 2 MiB
 * region at GPA boot_info.mem_size. Indices are free-running, masked. */
#define HVT_RING_REGION_SIZE HVT_HUGE_PAGE_SIZE
#define HVT_RING_ENTRIES 1024
#define HVT_RING_MASK (HVT_RING_ENTRIES - 1)
#define HVT_RING_SLOT_SIZE                                                     \
	2048 /* guest TX slot; bigger frames use hypercalls */

enum hvt_ring_op {
	HVT_RING_OP_WRITE = 1,
	HVT_RING_OP_READ = 2,
};

struct hvt_ring_entry {
	uint32_t op;
	uint32_t handle;
	uint64_t data_gpa;
	uint32_t len;
	uint32_t id;
	uint64_t reserved;
};

struct hvt_ring_commit {
	uint32_t id;
	int32_t ret;
	uint32_t len;
	uint32_t reserved;
};

struct hvt_ring {
	/* guest-written */
	uint32_t ent_tail;
	uint32_t com_head;
	uint8_t pad0[56];
	/* host-written */
	uint32_t ent_head;
	uint32_t com_tail;
	uint32_t needs_kick;
	uint8_t pad1[52];
	struct hvt_ring_entry entries[HVT_RING_ENTRIES];
	struct hvt_ring_commit commits[HVT_RING_ENTRIES];
};

_Static_assert(sizeof(struct hvt_ring_entry) == 32, "ring entry size");
_Static_assert(offsetof(struct hvt_ring_entry, len) == 16, "ring entry.len");
_Static_assert(sizeof(struct hvt_ring_commit) == 16, "ring commit size");
_Static_assert(offsetof(struct hvt_ring, ent_head) == 64, "ring.ent_head");
_Static_assert(offsetof(struct hvt_ring, com_tail) == 68, "ring.com_tail");
_Static_assert(offsetof(struct hvt_ring, needs_kick) == 72, "ring.needs_kick");
_Static_assert(offsetof(struct hvt_ring, entries) == 128, "ring.entries");
_Static_assert(offsetof(struct hvt_ring, commits) == 32896, "ring.commits");
_Static_assert(sizeof(struct hvt_ring) == 49280, "ring size");

#endif /* HVT_ABI_H */
