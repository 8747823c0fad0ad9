/* SPDX-License-Identifier: ISC */
/*
 * udp_echo: echoes every UDP datagram sent to one port (default 7, the
 * echo service) back to its sender, over lwIP on net device "service".
 * Single-threaded: lwIP calls on_recv() from lwip_port_run(). Datagrams
 * are hostile but only reflected: lwIP has checked their headers.
 */
#include <hvt_manifest.h>
#include <solo5.h>
#include <stdio.h>

#include "lwip/udp.h"
#include "lwip_port.h"
#include "netapp.h"

HVT_MANIFEST(1, HVT_MFT_NET("service"));

struct opts {
	struct lwip_port_cfg net;
	unsigned long port;
	unsigned long count; /* exit after this many echoes; 0: never */
	unsigned long idle_s; /* exit after this long without input; 0: never */
};

static unsigned long nb_echoed, nb_dropped;

static void on_recv(void *arg, struct udp_pcb *pcb, struct pbuf *p,
		    const ip_addr_t *addr, u16_t port)
{
	/* (addr) points into the datagram, which sending rewrites. */
	ip_addr_t peer = *addr;

	(void)arg;
	if (udp_sendto(pcb, p, &peer, port) == ERR_OK)
		nb_echoed++;
	else
		nb_dropped++; /* no memory or no ARP entry yet: as a lossy net */
	pbuf_free(p);
}

static int usage(const struct word *w)
{
	char b[64];

	printf("udp-echo: bad argument '%s'\n", word_str(w, b, sizeof(b)));
	printf("udp-echo: usage: udp_echo.hvt --ipv4=ADDR[/PREFIX] "
	       "[--ipv4-gateway=ADDR] [--port=N] [--count=N] "
	       "[--idle-exit=SECONDS]\n");
	return 0;
}

static int parse_args(const char *cmdline, struct opts *o)
{
	const struct word_ulong_opt opts[] = {
	    {"--port=", &o->port, 1, 65535},
	    {"--count=", &o->count, 0, 0},
	    {"--idle-exit=", &o->idle_s, 0, 0},
	};
	struct word w;
	int r;

	while (word_next(&cmdline, &w)) {
		r = lwip_port_arg(&o->net, w.s, w.len);
		if (r == 0)
			r = word_ulong_option(&w, opts,
					      sizeof(opts) / sizeof(opts[0]));
		if (r != 1)
			return usage(&w);
	}
	if (!o->net.has_addr) {
		printf("udp-echo: --ipv4=ADDR/PREFIX is required\n");
		return 0;
	}
	return 1;
}

static int bind_port(const struct opts *o)
{
	struct udp_pcb *pcb = udp_new();
	char ip[16];

	if (!pcb || udp_bind(pcb, IP_ADDR_ANY, (u16_t)o->port) != ERR_OK) {
		printf("udp-echo: FAILURE: cannot bind port %lu\n", o->port);
		return 0;
	}
	udp_recv(pcb, on_recv, NULL);
	lwip_port_ip_str(ip, &o->net.addr);
	printf("udp-echo: listening on %s:%lu\n", ip, o->port);
	return 1;
}

int solo5_app_main(const struct solo5_start_info *si)
{
	struct opts o = {.port = 7};
	solo5_time_t last;
	int status = SOLO5_EXIT_SUCCESS;

	if (!parse_args(si->cmdline, &o) ||
	    lwip_port_start("udp-echo", &o.net) < 0 || !bind_port(&o))
		return SOLO5_EXIT_FAILURE;
	last = solo5_clock_monotonic();
	while (!o.count || nb_echoed < o.count) {
		solo5_time_t now = solo5_clock_monotonic();
		int n = lwip_port_run(o.idle_s ? last + o.idle_s * NSEC_PER_SEC
					       : now + NSEC_PER_SEC);

		if (n < 0) {
			status = SOLO5_EXIT_FAILURE;
			break;
		}
		if (n > 0)
			last = solo5_clock_monotonic();
		else if (o.idle_s && solo5_clock_monotonic() - last >=
					 o.idle_s * NSEC_PER_SEC) {
			printf("udp-echo: idle for %lu s, exiting\n", o.idle_s);
			break;
		}
	}
	printf("udp-echo: echoed=%lu dropped=%lu\n", nb_echoed, nb_dropped);
	return status;
}
