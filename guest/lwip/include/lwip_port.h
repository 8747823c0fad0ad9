/* SPDX-License-Identifier: ISC */
/*
 * The lwIP port for hvt guests: an Ethernet netif over Solo5 net device
 * "service", lwIP's clock and timers, and MirageOS-style address options.
 * Single-threaded: everything here, and every lwIP call, runs in the app's
 * main loop (NO_SYS), never from a callback of another thread.
 */
#ifndef LWIP_PORT_H
#define LWIP_PORT_H

#include <solo5.h>
#include <stddef.h>

#include "lwip/ip4_addr.h"
#include "lwip/netif.h"

/* Addresses from the command line. */
struct lwip_port_cfg {
	ip4_addr_t addr;
	ip4_addr_t netmask;
	ip4_addr_t gateway; /* 0.0.0.0: none, on-link traffic only */
	int has_addr;
};

/*
 * Consumes one command-line word (s, len; not NUL-terminated) if it is
 * `--ipv4=ADDR/PREFIX` (prefix 0-32, default 32) or `--ipv4-gateway=ADDR`.
 * Returns 1 if consumed, 0 if the word is not one of these, -1 if it is but
 * the value is malformed. Takes operator input.
 */
int lwip_port_arg(struct lwip_port_cfg *cfg, const char *s, size_t len);

/*
 * Acquires net device "service", starts lwIP and brings up its netif with
 * cfg's addresses (MAC and MTU from the device). Prints
 * "<app>: FAILURE: ..." and returns -1 on failure, else 0. Call once.
 */
int lwip_port_start(const char *app, const struct lwip_port_cfg *cfg);

/* The netif lwip_port_start() brought up. */
struct netif *lwip_port_netif(void);

/*
 * One round of the main loop: hands all pending frames to lwIP and runs
 * its due timers; if no frame was pending, sleeps until a frame arrives,
 * the next lwIP timer is due or (deadline) (monotonic ns) passes, whichever
 * is first, then does that round again. Returns the number of frames
 * received, or -1 after printing a FAILURE line if the device failed.
 */
int lwip_port_run(solo5_time_t deadline);

/* "a.b.c.d" plus NUL. */
void lwip_port_ip_str(char out[16], const ip4_addr_t *ip);

#endif /* LWIP_PORT_H */
