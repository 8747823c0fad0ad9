/* SPDX-License-Identifier: ISC */
/*
 * http_get: an HTTP/1.0 client over lwIP on net device "service". Fetches
 * one http://IP[:PORT]/PATH URL (through --ipv4-gateway when the address is
 * off-subnet, e.g. to the outside world through the host's NAT), prints the
 * status, the body size and the body's first line. Single-threaded: lwIP
 * calls the callbacks from lwip_port_run(). The response is hostile: the
 * head is bounded and only the status code is parsed from it.
 */
#include <hvt_manifest.h>
#include <solo5.h>
#include <stdio.h>
#include <string.h>

#include "lwip/tcp.h"
#include "lwip_port.h"
#include "netapp.h"

HVT_MANIFEST(1, HVT_MFT_NET("service"));

#define PATH_MAX_LEN 200
#define HEAD_MAX 4096 /* longest response head accepted */
#define LINE_MAX 120 /* of the body's first line, printed */

struct opts {
	struct lwip_port_cfg net;
	ip4_addr_t server;
	unsigned long port;
	char path[PATH_MAX_LEN + 1];
	unsigned long timeout_s;
};

static struct {
	const struct opts *o;
	struct tcp_pcb *pcb;
	int done; /* the server closed (or the connection failed) */
	int failed; /* a FAILURE line has been printed */
	char head[HEAD_MAX];
	size_t head_len;
	int in_body;
	int status;
	unsigned long body_len;
	char line[LINE_MAX + 1];
	size_t line_len;
	int line_done;
} get;

static void fail(const char *why)
{
	if (!get.failed)
		printf("http-get: FAILURE: %s\n", why);
	get.failed = 1;
	get.done = 1;
}

/* "HTTP/1.d ddd" at the start of the head. */
static int parse_status(const char *h, size_t len)
{
	int code = 0;

	if (len < 12 || memcmp(h, "HTTP/1.", 7) != 0 || h[8] != ' ')
		return -1;
	for (int i = 9; i < 12; i++) {
		if (h[i] < '0' || h[i] > '9')
			return -1;
		code = code * 10 + (h[i] - '0');
	}
	return code;
}

static void body_bytes(const char *s, size_t n)
{
	get.body_len += n;
	for (size_t i = 0; i < n && !get.line_done; i++) {
		if (s[i] == '\n' || get.line_len == LINE_MAX) {
			get.line_done = 1;
			break;
		}
		if (s[i] != '\r')
			get.line[get.line_len++] = s[i];
	}
}

/* Feeds received bytes through the head, then into the body. */
static void feed(const char *s, size_t n)
{
	while (n && !get.in_body) {
		get.head[get.head_len++] = *s++;
		n--;
		if (get.head_len >= 4 &&
		    memcmp(get.head + get.head_len - 4, "\r\n\r\n", 4) == 0) {
			get.in_body = 1;
			get.status = parse_status(get.head, get.head_len);
		} else if (get.head_len == sizeof(get.head)) {
			fail("response head too long");
			return;
		}
	}
	if (n)
		body_bytes(s, n);
}

static err_t on_recv(void *arg, struct tcp_pcb *pcb, struct pbuf *p, err_t err)
{
	(void)arg;
	if (!p) {
		get.done = 1;
		return ERR_OK;
	}
	if (err != ERR_OK) {
		pbuf_free(p);
		return err;
	}
	/* untrusted: feed() bounds everything it stores */
	for (struct pbuf *q = p; q && !get.failed; q = q->next)
		feed(q->payload, q->len);
	tcp_recved(pcb, p->tot_len);
	pbuf_free(p);
	return ERR_OK;
}

static void on_err(void *arg, err_t err)
{
	char why[48];

	(void)arg;
	get.pcb = NULL; /* lwIP has freed it */
	snprintf(why, sizeof(why), "connection failed (lwIP error %d)", err);
	fail(why);
}

static err_t on_connected(void *arg, struct tcp_pcb *pcb, err_t err)
{
	char req[PATH_MAX_LEN + 128], ip[16];
	int n;

	(void)arg;
	if (err != ERR_OK)
		return err;
	lwip_port_ip_str(ip, &get.o->server);
	n = snprintf(req, sizeof(req),
		     "GET %s HTTP/1.0\r\nHost: %s:%lu\r\n"
		     "User-Agent: hvt-dpdk-http-get\r\n\r\n",
		     get.o->path, ip, get.o->port);
	if (tcp_write(pcb, req, (u16_t)n, TCP_WRITE_FLAG_COPY) != ERR_OK) {
		fail("cannot send the request");
		return ERR_OK;
	}
	tcp_output(pcb);
	return ERR_OK;
}

/* The dotted quad s[0, n), through the port's own option parser. */
static int parse_host(const char *s, size_t n, ip4_addr_t *ip)
{
	static const char opt[] = "--ipv4-gateway=";
	struct lwip_port_cfg tmp = {0};
	char buf[sizeof(opt) + 16];

	if (n > 15)
		return 0;
	memcpy(buf, opt, sizeof(opt) - 1);
	memcpy(buf + sizeof(opt) - 1, s, n);
	if (lwip_port_arg(&tmp, buf, sizeof(opt) - 1 + n) != 1)
		return 0;
	*ip = tmp.gateway;
	return 1;
}

/* "http://A.B.C.D[:PORT][/PATH]"; operator input. */
static int parse_url(const struct word *w, struct opts *o)
{
	struct word rest, port;
	const char *slash, *colon;
	size_t host_len, path_len;

	if (!word_prefix(w, "http://", &rest))
		return 0;
	slash = memchr(rest.s, '/', rest.len);
	host_len = slash ? (size_t)(slash - rest.s) : rest.len;
	path_len = rest.len - host_len;
	colon = memchr(rest.s, ':', host_len);
	if (colon) {
		port.s = colon + 1;
		port.len = host_len - (size_t)(port.s - rest.s);
		if (!word_ulong(&port, &o->port) || o->port == 0 ||
		    o->port > 65535)
			return 0;
		host_len = (size_t)(colon - rest.s);
	}
	if (!parse_host(rest.s, host_len, &o->server) ||
	    path_len > PATH_MAX_LEN)
		return 0;
	if (path_len) {
		memcpy(o->path, slash, path_len);
		o->path[path_len] = '\0';
	} else {
		strcpy(o->path, "/");
	}
	return 1;
}

static int usage(const struct word *w)
{
	char b[64];

	printf("http-get: bad argument '%s'\n", word_str(w, b, sizeof(b)));
	printf("http-get: usage: http_get.hvt --ipv4=ADDR[/PREFIX] "
	       "[--ipv4-gateway=ADDR] [--timeout=SECONDS] "
	       "http://A.B.C.D[:PORT]/PATH\n");
	return 0;
}

static int parse_args(const char *cmdline, struct opts *o)
{
	struct word w, v;
	int r, has_url = 0;

	while (word_next(&cmdline, &w)) {
		r = lwip_port_arg(&o->net, w.s, w.len);
		if (r < 0)
			return usage(&w);
		if (r > 0)
			continue;
		if (word_prefix(&w, "--timeout=", &v)) {
			if (!word_ulong(&v, &o->timeout_s) || o->timeout_s == 0)
				return usage(&w);
		} else if (word_prefix(&w, "http://", &v) && !has_url) {
			if (!parse_url(&w, o))
				return usage(&w);
			has_url = 1;
		} else if (!word_prefix(&w, "--solo5:", &v)) {
			return usage(&w);
		}
	}
	if (!o->net.has_addr || !has_url) {
		printf("http-get: --ipv4=ADDR/PREFIX and a URL are required\n");
		return 0;
	}
	return 1;
}

static int start_get(const struct opts *o)
{
	char ip[16];

	get.o = o;
	get.pcb = tcp_new();
	if (!get.pcb) {
		printf("http-get: FAILURE: no memory for a connection\n");
		return 0;
	}
	tcp_recv(get.pcb, on_recv);
	tcp_err(get.pcb, on_err);
	lwip_port_ip_str(ip, &o->server);
	printf("http-get: connecting to %s:%lu\n", ip, o->port);
	if (tcp_connect(get.pcb, &o->server, (u16_t)o->port, on_connected) !=
	    ERR_OK) {
		printf("http-get: FAILURE: cannot connect\n");
		return 0;
	}
	return 1;
}

int solo5_app_main(const struct solo5_start_info *si)
{
	struct opts o = {.port = 80, .timeout_s = 10};
	solo5_time_t deadline;

	if (!parse_args(si->cmdline, &o) ||
	    lwip_port_start("http-get", &o.net) < 0 || !start_get(&o))
		return SOLO5_EXIT_FAILURE;
	deadline = solo5_clock_monotonic() + o.timeout_s * NSEC_PER_SEC;
	while (!get.done) {
		if (lwip_port_run(deadline) < 0)
			return SOLO5_EXIT_FAILURE;
		if (!get.done && solo5_clock_monotonic() >= deadline)
			fail("timed out");
	}
	if (get.pcb) {
		tcp_arg(get.pcb, NULL);
		tcp_recv(get.pcb, NULL);
		tcp_err(get.pcb, NULL);
		if (tcp_close(get.pcb) != ERR_OK)
			tcp_abort(get.pcb);
		/* Let the FIN (or RST) go out before the guest is gone. */
		lwip_port_run(solo5_clock_monotonic());
	}
	if (get.failed)
		return SOLO5_EXIT_FAILURE;
	if (!get.in_body || get.status < 0) {
		printf("http-get: FAILURE: no HTTP response\n");
		return SOLO5_EXIT_FAILURE;
	}
	get.line[get.line_len] = '\0';
	printf("http-get: status %d bytes %lu\n", get.status, get.body_len);
	printf("%s\n", get.line);
	return get.status == 200 ? SOLO5_EXIT_SUCCESS : SOLO5_EXIT_FAILURE;
}
