/* SPDX-License-Identifier: ISC */
/*
 * lwIP configuration for hvt guests: NO_SYS raw API, one Ethernet netif,
 * IPv4 with ARP, ICMP, UDP and TCP; everything else off. All memory is
 * static (lwIP's own heap and pools in .bss); lwIP is called only from the
 * app's main loop, so no locking.
 */
#ifndef LWIPOPTS_H
#define LWIPOPTS_H

#define NO_SYS 1
#define SYS_LIGHTWEIGHT_PROT 0
#define LWIP_NETCONN 0
#define LWIP_SOCKET 0
#define LWIP_SINGLE_NETIF 1

#define MEM_LIBC_MALLOC 0
#define MEMP_MEM_MALLOC 0
#define MEM_ALIGNMENT 8
/* lwIP's heap: TX segments copied by tcp_write() and PBUF_RAM pbufs. */
#define MEM_SIZE (512 * 1024)
#define PBUF_POOL_SIZE 128
/* Reference pbufs: tcp_write() without copy (static web content). */
#define MEMP_NUM_PBUF 512
#define MEMP_NUM_TCP_PCB 40
#define MEMP_NUM_TCP_PCB_LISTEN 4
#define MEMP_NUM_TCP_SEG 512
#define MEMP_NUM_UDP_PCB 4
#define MEMP_NUM_RAW_PCB 0

#define LWIP_ETHERNET 1
#define LWIP_ARP 1
#define ARP_TABLE_SIZE 16
#define ARP_QUEUEING 1
#define LWIP_IPV4 1
#define LWIP_IPV6 0
#define LWIP_ICMP 1
#define LWIP_RAW 0
#define LWIP_UDP 1
#define LWIP_TCP 1
#define IP_REASSEMBLY 1
#define IP_FRAG 1
#define LWIP_DHCP 0
#define LWIP_AUTOIP 0
#define LWIP_IGMP 0
#define LWIP_DNS 0
#define LWIP_STATS 0
#define LWIP_NETIF_LOOPBACK 0
#define LWIP_HAVE_LOOPIF 0

#define TCP_MSS 1460
/* 16 segments: below 64 KiB, so no window scaling is needed. */
#define TCP_WND (16 * TCP_MSS)
#define TCP_SND_BUF (16 * TCP_MSS)
#define TCP_SND_QUEUELEN (4 * TCP_SND_BUF / TCP_MSS)
#define TCP_QUEUE_OOSEQ 1
#define LWIP_TCP_KEEPALIVE 0
#define LWIP_RANDOMIZE_INITIAL_LOCAL_PORTS 1

/* Unpredictable initial sequence numbers (RFC 6528), see lwip_port.c. */
#define LWIP_HOOK_FILENAME "lwip_port_hooks.h"
#define LWIP_HOOK_TCP_ISN lwip_port_tcp_isn

#endif /* LWIPOPTS_H */
