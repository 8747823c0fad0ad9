/* SPDX-License-Identifier: ISC */
/*
 * The Solo5 public guest API (as of Solo5 0.8 to 0.12), with Solo5's exact
 * names, types and values, so a unikernel written against Solo5 builds
 * against this runtime unchanged. Freestanding: C headers from the compiler
 * only. Guests are single-threaded; none of these calls may be used from a
 * trap handler.
 */
#ifndef SOLO5_H_INCLUDED
#define SOLO5_H_INCLUDED

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * Results of the calls below that can fail. Apps must not rely on EINVAL or
 * EUNSPEC being returned: the runtime may abort instead.
 */
typedef enum {
	SOLO5_R_OK = 0, /* done */
	SOLO5_R_AGAIN, /* nothing to do now; retry later */
	SOLO5_R_EINVAL, /* bad argument */
	SOLO5_R_EUNSPEC, /* any other failure */
} solo5_result_t;

/*
 * Start-of-day information handed to solo5_app_main(); read-only.
 * [heap_start, heap_start + heap_size) is free read/write, non-executable
 * memory the app may use as it likes. This runtime keeps its own initial
 * stack above that range, so the whole range is really free.
 */
struct solo5_start_info {
	const char *cmdline;
	uintptr_t heap_start;
	size_t heap_size;
};

/* The application's entry point; returning from it is solo5_exit(ret). */
int solo5_app_main(const struct solo5_start_info *info);

/* Exit statuses; 255 and above are reserved for the runtime. */
#define SOLO5_EXIT_SUCCESS 0
#define SOLO5_EXIT_FAILURE 1
#define SOLO5_EXIT_ABORT 255

/* Ends the guest; the tender exits with (status). */
void solo5_exit(int status) __attribute__((noreturn));

/* Prints an abort message and ends the guest with SOLO5_EXIT_ABORT. */
void solo5_abort(void) __attribute__((noreturn));

/*
 * Thread-local storage, local-exec model only (x86_64 TLS variant II: the
 * thread pointer sits at the end of the block and points at itself).
 *   tls = <solo5_tls_size() bytes>; solo5_tls_init(tls);
 *   solo5_set_tls_base(solo5_tls_tp_offset(tls));
 */
size_t solo5_tls_size(void); /* bytes a TLS block needs */
uintptr_t solo5_tls_tp_offset(uintptr_t tls); /* thread pointer of a block */
/* Copies the .tdata image into (tls), zeroes .tbss, sets the self pointer.
 * EINVAL if tls is 0. */
solo5_result_t solo5_tls_init(uintptr_t tls);
/* Loads the TLS base register (%fs base on x86_64). EINVAL if (base) is not
 * a canonical address. */
solo5_result_t solo5_set_tls_base(uintptr_t base);

/* Time in nanoseconds. */
typedef uint64_t solo5_time_t;

/* Nanoseconds since an unspecified point before boot; never goes back. */
solo5_time_t solo5_clock_monotonic(void);

/* Host wall clock: nanoseconds since 1970-01-01 UTC (one hypercall). */
solo5_time_t solo5_clock_wall(void);

/* A device handle, and a set of up to 64 of them (bit n = handle n). */
typedef uint64_t solo5_handle_t;
typedef uint64_t solo5_handle_set_t;

/*
 * Sleeps until monotonic time reaches (deadline) or a network device has
 * input. If (ready_set) is not NULL it receives the handles ready for input.
 */
void solo5_yield(solo5_time_t deadline, solo5_handle_set_t *ready_set);

/* Best-effort console output of (size) bytes; never fails. */
void solo5_console_write(const char *buf, size_t size);

/* Network. */
#define SOLO5_NET_ALEN 6 /* Ethernet address length */
#define SOLO5_NET_HLEN 14 /* Ethernet header: destination, source, type */

struct solo5_net_info {
	uint8_t mac_address[SOLO5_NET_ALEN];
	size_t mtu; /* excluding the Ethernet header */
};

/*
 * Looks up the network device (name) of the manifest; stores its handle and
 * properties. EINVAL if there is no such device or it was acquired before.
 */
solo5_result_t solo5_net_acquire(const char *name, solo5_handle_t *handle,
				 struct solo5_net_info *info);

/* Sends one frame (header included, at most mtu + SOLO5_NET_HLEN bytes)
 * without blocking; may drop it silently under host resource pressure. */
solo5_result_t solo5_net_write(solo5_handle_t handle, const uint8_t *buf,
			       size_t size);

/*
 * Receives one frame into (buf) without blocking; (size) must be at least
 * mtu + SOLO5_NET_HLEN. AGAIN when nothing is pending, else OK with the
 * frame length in (*read_size).
 */
solo5_result_t solo5_net_read(solo5_handle_t handle, uint8_t *buf, size_t size,
			      size_t *read_size);

/* Block storage. Offsets are bytes. */
typedef uint64_t solo5_off_t;

struct solo5_block_info {
	solo5_off_t capacity; /* bytes */
	solo5_off_t
	    block_size; /* the unit (and, today, the only size) of I/O */
};

/* As solo5_net_acquire(), for block devices. */
solo5_result_t solo5_block_acquire(const char *name, solo5_handle_t *handle,
				   struct solo5_block_info *info);

/*
 * Writes or reads exactly one block at a block-aligned (offset) inside the
 * device; anything else is EINVAL. No partial transfers.
 */
solo5_result_t solo5_block_write(solo5_handle_t handle, solo5_off_t offset,
				 const uint8_t *buf, size_t size);
solo5_result_t solo5_block_read(solo5_handle_t handle, solo5_off_t offset,
				uint8_t *buf, size_t size);

#endif /* SOLO5_H_INCLUDED */
