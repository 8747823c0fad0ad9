/* SPDX-License-Identifier: ISC */
/*
 * Internals shared by the guest runtime's files: the hypercall instruction,
 * boot-time initialisers and the halt path. Runs on the guest's single vCPU;
 * nothing here may use SSE or assume interrupts exist.
 */
#ifndef GUEST_RUNTIME_PRIV_H
#define GUEST_RUNTIME_PRIV_H

#include <solo5.h>
#include <stdint.h>

#include "hypercall/abi/hvt_abi.h"

/*
 * Bytes kept for the initial stack at the top of usable memory (the tender
 * points RSP there). The heap handed to the app ends below it, so the app
 * may use its whole heap without meeting the stack.
 */
#define RT_STACK_RESERVE (256 * 1024UL)

/* Size of the dedicated trap stack (IST1) used for every exception, so a
 * fault on a broken or overflowed stack can still be reported. */
#define RT_TRAP_STACK_SIZE 8192

/*
 * One hypercall: the 32-bit GPA of (arg) goes to port 0x500 + nr. Guest
 * memory is identity mapped below 4 GiB, so a pointer is its GPA. The
 * "memory" clobber makes the compiler store the argument before the exit
 * and reload the host's results after it.
 */
static inline void rt_hypercall(enum hvt_hypercall_nr nr, volatile void *arg)
{
	__asm__ volatile("outl %0, %1"
			 :
			 : "a"((uint32_t)(uintptr_t)arg),
			   "Nd"((uint16_t)(HVT_HYPERCALL_PIO_BASE + nr))
			 : "memory");
}

/* Copy of the boot information, taken once at start-up. */
extern struct hvt_boot_info rt_boot_info;

/* Initialisers, called once in this order by rt_start(). */
void rt_cpu_init(void);
void rt_clock_init(uint64_t tsc_hz);
const char *rt_cmdline_init(uint64_t cmdline_gpa, int *is_quiet);
void rt_mft_init(uint64_t mft_gpa);
/* Takes the top of [*heap_start, *heap_end) for ring TX slots if the host
 * offers ring I/O and there is room; shrinks *heap_end accordingly. */
void rt_net_init(const struct hvt_boot_info *bi, uintptr_t heap_start,
		 uintptr_t *heap_end);

/* Console output of a NUL-terminated string, no formatting. */
void rt_puts(const char *s);

/* HALT hypercall; (cookie) is 0 or up to HVT_HALT_COOKIE_MAX bytes of state
 * for the tender (a trap frame). Never returns. */
void rt_halt(int status, const void *cookie) __attribute__((noreturn));
/* Prints "guest: ABORT: <why>" then halts with SOLO5_EXIT_ABORT. */
void rt_abort(const char *why, const void *cookie) __attribute__((noreturn));

/* Manifest entry (handle) if it exists and has (type), else NULL. */
const struct hvt_mft_entry *rt_mft_get(solo5_handle_t handle, uint32_t type);
/* Finds the attached device (name) of (type) not yet acquired, marks it
 * acquired and returns it with its handle; NULL if none. */
const struct hvt_mft_entry *rt_mft_acquire(const char *name, uint32_t type,
					   solo5_handle_t *handle);

/* Low-level CPU access (cpu_x86_64.c). */
void rt_cpu_set_fs_base(uint64_t base);

/* Address range markers from the linker script. */
extern char __text_start[], __etext[], __erodata[], __edata[], __end[];

/* C entry point, called by _start with the boot info GPA. */
void rt_start(uint64_t boot_info_gpa) __attribute__((noreturn));

/* Shared-ring network I/O (net_ring.c), used by net.c when enabled. */
#define RT_RING_SLOTS_SIZE ((uintptr_t)HVT_RING_ENTRIES * HVT_RING_SLOT_SIZE)
void rt_ring_init(uint64_t ring_gpa, uintptr_t slots);
int rt_ring_enabled(void);
solo5_result_t rt_ring_write(solo5_handle_t handle, const uint8_t *buf,
			     size_t size);
solo5_result_t rt_ring_read(solo5_handle_t handle, uint8_t *buf, size_t size,
			    size_t *read_size);

/* Net I/O without the fast path (net.c): the ring or hypercalls. */
solo5_result_t rt_net_acquire(const char *name, solo5_handle_t *handle,
			      struct solo5_net_info *info);
solo5_result_t rt_net_write_solo5(solo5_handle_t handle, const uint8_t *buf,
				  size_t size);
solo5_result_t rt_net_read_solo5(solo5_handle_t handle, uint8_t *buf,
				 size_t size, size_t *read_size);

/* Wake the dataplane: outl to HVT_RING_KICK_PIO (an ioeventfd, no exit
 * to the tender). Out of line so a host harness can stand in for it. */
void rt_kick(void);

/* hvt-dpdk's fast path and the burst API's state (net_fast.c). */
void rt_fast_init(const struct hvt_boot_info *bi, uintptr_t heap_start,
		  uintptr_t *heap_end);
int rt_fast_enabled(void);
void rt_fast_acquired(solo5_handle_t h);
int rt_fast_solo5(solo5_handle_t h);
int rt_fast_burst(solo5_handle_t h);
solo5_result_t rt_fast_write(solo5_handle_t h, const uint8_t *buf, size_t size);
solo5_result_t rt_fast_read(solo5_handle_t h, uint8_t *buf, size_t size,
			    size_t *read_size);
solo5_handle_set_t rt_fast_ready(void);

#endif /* GUEST_RUNTIME_PRIV_H */
