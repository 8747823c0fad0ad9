/* SPDX-License-Identifier: ISC */
/*
 * Prototypes of the lwIP hooks lwip_port.c implements; lwIP includes this
 * file (LWIP_HOOK_FILENAME) after its own headers, so its types are known.
 */
#ifndef LWIP_PORT_HOOKS_H
#define LWIP_PORT_HOOKS_H

#include "lwip/ip_addr.h"

/* RFC 6528 initial sequence number: a clock plus a keyed hash of the
 * connection's addresses and ports under a secret drawn at start-up. */
u32_t lwip_port_tcp_isn(const ip_addr_t *local_ip, u16_t local_port,
			const ip_addr_t *remote_ip, u16_t remote_port);

#endif /* LWIP_PORT_HOOKS_H */
