/* SPDX-License-Identifier: ISC */
/*
 * The lwIP netif over Solo5 net device "service", and the main-loop round
 * that feeds it: frames are drained with solo5_net_read until AGAIN into
 * pool pbufs; lwIP's output goes out with solo5_net_write. Runs only in the
 * app's main loop (NO_SYS). Frames from the device are untrusted: they are
 * copied into pbufs of their read length and parsed by lwIP.
 */
#include <solo5.h>
#include <stdio.h>
#include <string.h>

#include "lwip/etharp.h"
#include "lwip/init.h"
#include "lwip/pbuf.h"
#include "lwip/sys.h"
#include "lwip/timeouts.h"
#include "lwip_port.h"
#include "netif/ethernet.h"

/* Frames up to this size (jumbo frames up to MTU 9202) fit the buffers. */
#define FRAME_MAX 9216
/* Shorter frames are zero-padded, as real NICs do. */
#define FRAME_MIN 60
/* At most this many frames per round, so timers keep running under load. */
#define RX_BURST 256
/* Writes answering AGAIN are retried this often, then the frame is
 * dropped as on a congested link (TCP retransmits). */
#define TX_TRIES 100
#define NSEC_PER_MSEC 1000000ULL

static struct {
	const char *app;
	solo5_handle_t handle;
	struct solo5_net_info info;
	struct netif netif;
	int failed; /* the device answered EINVAL/EUNSPEC */
	uint8_t rx_buf[FRAME_MAX];
	uint8_t tx_buf[FRAME_MAX];
} port;

static const char *result_name(solo5_result_t r)
{
	switch (r) {
	case SOLO5_R_OK:
		return "OK";
	case SOLO5_R_AGAIN:
		return "AGAIN";
	case SOLO5_R_EINVAL:
		return "EINVAL";
	case SOLO5_R_EUNSPEC:
		return "EUNSPEC";
	}
	return "unknown";
}

static void device_failed(const char *op, solo5_result_t r)
{
	if (!port.failed)
		printf("%s: FAILURE: %s: %s\n", port.app, op, result_name(r));
	port.failed = 1;
}

static err_t link_output(struct netif *netif, struct pbuf *p)
{
	const uint8_t *frame = p->payload;
	size_t len = p->tot_len;
	solo5_result_t r;
	unsigned tries = TX_TRIES;

	(void)netif;
	if (len > sizeof(port.tx_buf))
		return ERR_BUF;
	if (p->next || len < FRAME_MIN) {
		pbuf_copy_partial(p, port.tx_buf, p->tot_len, 0);
		if (len < FRAME_MIN) {
			memset(port.tx_buf + len, 0, FRAME_MIN - len);
			len = FRAME_MIN;
		}
		frame = port.tx_buf;
	}
	while ((r = solo5_net_write(port.handle, frame, len)) ==
		   SOLO5_R_AGAIN &&
	       tries-- > 0)
		solo5_yield(0, NULL);
	if (r == SOLO5_R_OK || r == SOLO5_R_AGAIN)
		return ERR_OK;
	device_failed("net_write", r);
	return ERR_IF;
}

static err_t netif_setup(struct netif *netif)
{
	netif->name[0] = 'e';
	netif->name[1] = 'n';
	netif->output = etharp_output;
	netif->linkoutput = link_output;
	netif->mtu = (u16_t)(port.info.mtu < FRAME_MAX - SOLO5_NET_HLEN
				 ? port.info.mtu
				 : FRAME_MAX - SOLO5_NET_HLEN);
	netif->hwaddr_len = ETH_HWADDR_LEN;
	memcpy(netif->hwaddr, port.info.mac_address, ETH_HWADDR_LEN);
	netif->flags =
	    NETIF_FLAG_BROADCAST | NETIF_FLAG_ETHARP | NETIF_FLAG_ETHERNET;
	return ERR_OK;
}

int lwip_port_start(const char *app, const struct lwip_port_cfg *cfg)
{
	solo5_result_t r;

	port.app = app;
	r = solo5_net_acquire("service", &port.handle, &port.info);
	if (r != SOLO5_R_OK) {
		printf("%s: FAILURE: cannot acquire net device \"service\": "
		       "%s\n",
		       app, result_name(r));
		return -1;
	}
	lwip_init();
	if (!netif_add(&port.netif, &cfg->addr, &cfg->netmask, &cfg->gateway,
		       NULL, netif_setup, ethernet_input)) {
		printf("%s: FAILURE: cannot add the lwIP netif\n", app);
		return -1;
	}
	netif_set_default(&port.netif);
	netif_set_link_up(&port.netif);
	netif_set_up(&port.netif); /* announces us with a gratuitous ARP */
	return 0;
}

struct netif *lwip_port_netif(void)
{
	return &port.netif;
}

/* Reads frames until AGAIN (or RX_BURST) and hands them to lwIP. */
static int drain(void)
{
	solo5_result_t r = SOLO5_R_OK;
	size_t len;
	int n = 0;

	while (n < RX_BURST &&
	       (r = solo5_net_read(port.handle, port.rx_buf,
				   sizeof(port.rx_buf), &len)) == SOLO5_R_OK) {
		struct pbuf *p;

		n++;
		/* untrusted: len comes from the device, bounded by rx_buf */
		if (len == 0 || len > sizeof(port.rx_buf))
			continue;
		p = pbuf_alloc(PBUF_RAW, (u16_t)len, PBUF_POOL);
		if (!p)
			continue; /* out of pbufs: a drop, TCP recovers */
		pbuf_take(p, port.rx_buf, (u16_t)len);
		if (port.netif.input(p, &port.netif) != ERR_OK)
			pbuf_free(p);
	}
	if (r != SOLO5_R_OK && r != SOLO5_R_AGAIN) {
		device_failed("net_read", r);
		return -1;
	}
	return n;
}

static int round_once(void)
{
	int n = drain();

	sys_check_timeouts();
	return port.failed ? -1 : n;
}

int lwip_port_run(solo5_time_t deadline)
{
	solo5_time_t now, wake = deadline;
	u32_t sleep_ms;
	int n = round_once();

	if (n != 0)
		return n;
	now = solo5_clock_monotonic();
	sleep_ms = sys_timeouts_sleeptime();
	if (sleep_ms != SYS_TIMEOUTS_SLEEPTIME_INFINITE &&
	    now + sleep_ms * NSEC_PER_MSEC < wake)
		wake = now + sleep_ms * NSEC_PER_MSEC;
	if (wake > now)
		solo5_yield(wake, NULL);
	return round_once();
}

u32_t sys_now(void)
{
	return (u32_t)(solo5_clock_monotonic() / NSEC_PER_MSEC);
}
