/* SPDX-License-Identifier: ISC */
/*
 * website: a static HTTP/1.1 server on lwIP's raw TCP API, serving the
 * files embedded by embed.py (site.h) on port 80 of net device "service".
 * Keep-alive and pipelining, GET and HEAD, up to MAX_CONNS connections.
 * Single-threaded: lwIP calls the callbacks below from lwip_port_run().
 * Requests are hostile: heads are bounded (REQ_MAX) and parsed by
 * http_req.c; nothing from the network is trusted to be well-formed.
 */
#include <hvt_manifest.h>
#include <solo5.h>
#include <stdio.h>
#include <string.h>

#include "../netapp.h"
#include "http_req.h"
#include "lwip/tcp.h"
#include "lwip_port.h"
#include "site.h"

HVT_MANIFEST(1, HVT_MFT_NET("service"));

#define MAX_CONNS 16
#define REQ_MAX 4096 /* longest request head we accept */
#define HEAD_MAX 256 /* our response heads */
#define POLL_TICKS 2 /* tcp_poll interval, in 500 ms ticks */
#define IDLE_POLLS 60 /* drop a connection silent for 60 s */

struct conn {
	struct tcp_pcb *pcb; /* NULL: a free slot */
	struct pbuf *rx; /* received bytes not consumed yet */
	char head[HEAD_MAX]; /* response head not yet queued */
	size_t head_len;
	const unsigned char *body; /* rest of the response body */
	size_t body_left;
	int close_after; /* close once the response is queued */
	int peer_closed; /* FIN received */
	unsigned idle_polls;
};

static struct conn conns[MAX_CONNS];
static unsigned long nb_requests;
static char scratch[REQ_MAX]; /* the head being parsed, linearised */

static void conn_free(struct conn *c)
{
	if (c->rx)
		pbuf_free(c->rx);
	memset(c, 0, sizeof(*c));
}

static void set_callbacks(struct conn *c, int on);

/* Graceful close; a failed tcp_close (no memory for the FIN) is retried
 * from the poll callback. All unread input is acknowledged first: lwIP
 * answers a close with unread data by a RST. */
static err_t conn_close(struct conn *c)
{
	struct tcp_pcb *pcb = c->pcb;

	if (c->rx) {
		tcp_recved(pcb, c->rx->tot_len);
		pbuf_free(c->rx);
		c->rx = NULL;
	}
	set_callbacks(c, 0);
	if (tcp_close(pcb) != ERR_OK) {
		set_callbacks(c, 1);
		c->close_after = 1;
		return ERR_OK;
	}
	conn_free(c);
	return ERR_OK;
}

static err_t conn_abort(struct conn *c)
{
	struct tcp_pcb *pcb = c->pcb;

	set_callbacks(c, 0);
	conn_free(c);
	tcp_abort(pcb);
	return ERR_ABRT;
}

/* Queues what fits of the pending response; 1 once all of it is queued.
 * Bodies are static: lwIP references them instead of copying. */
static int conn_push(struct conn *c)
{
	if (c->head_len) {
		if (tcp_write(c->pcb, c->head, (u16_t)c->head_len,
			      TCP_WRITE_FLAG_COPY |
				  (c->body_left ? TCP_WRITE_FLAG_MORE : 0)) !=
		    ERR_OK)
			return 0; /* ERR_MEM: retried on sent or poll */
		c->head_len = 0;
	}
	while (c->body_left) {
		size_t n = tcp_sndbuf(c->pcb);

		if (n > c->body_left)
			n = c->body_left;
		if (n == 0 || tcp_write(c->pcb, c->body, (u16_t)n,
					n < c->body_left ? TCP_WRITE_FLAG_MORE
							 : 0) != ERR_OK)
			return 0;
		c->body += n;
		c->body_left -= n;
	}
	return 1;
}

static void respond(struct conn *c, int status, const char *reason,
		    const char *type, const unsigned char *body, size_t len,
		    int send_body)
{
	int n = snprintf(c->head, sizeof(c->head),
			 "HTTP/1.1 %d %s\r\n"
			 "Server: hvt-dpdk-website\r\n"
			 "Content-Type: %s\r\n"
			 "Content-Length: %lu\r\n"
			 "%s"
			 "Connection: %s\r\n\r\n",
			 status, reason, type, (unsigned long)len,
			 status == 405 ? "Allow: GET, HEAD\r\n" : "",
			 c->close_after ? "close" : "keep-alive");

	c->head_len = (size_t)n < sizeof(c->head) ? (size_t)n : 0;
	c->body = body;
	c->body_left = send_body ? len : 0;
}

static void respond_error(struct conn *c, int status, const char *reason,
			  int send_body)
{
	static const char text[] = "error\n";

	respond(c, status, reason, "text/plain; charset=utf-8",
		(const unsigned char *)text, sizeof(text) - 1, send_body);
}

static const struct site_file *lookup(const char *path, size_t len)
{
	if (len == 1 && path[0] == '/') {
		path = "/index.html";
		len = strlen(path);
	}
	for (size_t i = 0; i < site_nb_files; i++)
		if (strlen(site_files[i].path) == len &&
		    memcmp(site_files[i].path, path, len) == 0)
			return &site_files[i];
	return NULL;
}

static void route(struct conn *c, const struct http_req *req)
{
	const struct site_file *f;
	int send_body = req->method == HTTP_GET;

	/* Request bodies are never read, so they end the connection. */
	c->close_after = !req->keep_alive || req->has_body;
	if (req->method == HTTP_OTHER) {
		c->close_after = 1;
		respond_error(c, 405, "Method Not Allowed", 1);
		return;
	}
	f = lookup(req->path, req->path_len);
	if (!f)
		respond_error(c, 404, "Not Found", send_body);
	else
		respond(c, 200, "OK", f->content_type, f->data, f->size,
			send_body);
}

/* Takes (n) bytes off the front of the input and opens the window again. */
static void consume(struct conn *c, size_t n)
{
	c->rx = pbuf_free_header(c->rx, (u16_t)n);
	tcp_recved(c->pcb, (u16_t)n);
}

/* Parses the next request in the input and queues its response; 0 if no
 * complete request is there yet. */
static int next_request(struct conn *c)
{
	struct http_req req;
	enum http_parse st;
	u16_t n;

	if (!c->rx)
		return 0;
	n = pbuf_copy_partial(c->rx, scratch, sizeof(scratch), 0);
	/* untrusted: the parser reads scratch[0, n) only */
	st = http_req_parse(scratch, n, &req);
	if (st == HTTP_NEED_MORE && n < sizeof(scratch))
		return 0;
	nb_requests++;
	if (st != HTTP_OK) { /* garbage, or a head longer than REQ_MAX */
		c->close_after = 1;
		respond_error(c, 400, "Bad Request", 1);
		consume(c, c->rx->tot_len);
		return 1;
	}
	route(c, &req); /* before consume(): req points into scratch */
	consume(c, req.head_len);
	return 1;
}

/* Moves the connection on as far as it can: queue output, then the next
 * pipelined request, then close. Returns ERR_ABRT if (c) was aborted. */
static err_t conn_service(struct conn *c)
{
	for (;;) {
		if (!conn_push(c))
			break;
		if (c->close_after)
			return conn_close(c);
		if (!next_request(c)) {
			if (c->peer_closed)
				return conn_close(c);
			break;
		}
	}
	tcp_output(c->pcb);
	return ERR_OK;
}

static err_t on_recv(void *arg, struct tcp_pcb *pcb, struct pbuf *p, err_t err)
{
	struct conn *c = arg;

	if (!p) {
		c->peer_closed = 1;
		return conn_service(c);
	}
	if (err != ERR_OK) {
		pbuf_free(p);
		return err;
	}
	c->idle_polls = 0;
	if (c->close_after) { /* input after a closing request is dropped */
		tcp_recved(pcb, p->tot_len);
		pbuf_free(p);
		return ERR_OK;
	}
	/* untrusted: the window (TCP_WND < 64 KiB) bounds unconsumed input,
	 * so the chain's 16-bit length cannot wrap */
	if (c->rx && (size_t)c->rx->tot_len + p->tot_len > 0xffff) {
		pbuf_free(p);
		return conn_abort(c);
	}
	if (c->rx)
		pbuf_cat(c->rx, p);
	else
		c->rx = p;
	return conn_service(c);
}

static err_t on_sent(void *arg, struct tcp_pcb *pcb, u16_t len)
{
	struct conn *c = arg;

	(void)pcb;
	(void)len;
	c->idle_polls = 0;
	return conn_service(c);
}

static err_t on_poll(void *arg, struct tcp_pcb *pcb)
{
	struct conn *c = arg;

	(void)pcb;
	if (++c->idle_polls >= IDLE_POLLS)
		return conn_abort(c);
	return conn_service(c);
}

/* lwIP has already freed the pcb. */
static void on_err(void *arg, err_t err)
{
	(void)err;
	conn_free(arg);
}

static void set_callbacks(struct conn *c, int on)
{
	tcp_arg(c->pcb, on ? c : NULL);
	tcp_recv(c->pcb, on ? on_recv : NULL);
	tcp_sent(c->pcb, on ? on_sent : NULL);
	tcp_err(c->pcb, on ? on_err : NULL);
	tcp_poll(c->pcb, on ? on_poll : NULL, POLL_TICKS);
}

static err_t on_accept(void *arg, struct tcp_pcb *pcb, err_t err)
{
	struct conn *c = NULL;

	(void)arg;
	if (err != ERR_OK || !pcb)
		return ERR_VAL;
	for (int i = 0; i < MAX_CONNS && !c; i++)
		if (!conns[i].pcb)
			c = &conns[i];
	if (!c) { /* full: refuse with a RST rather than queue */
		tcp_abort(pcb);
		return ERR_ABRT;
	}
	c->pcb = pcb;
	tcp_nagle_disable(pcb); /* responses are whole; do not hold them */
	set_callbacks(c, 1);
	return ERR_OK;
}

struct opts {
	struct lwip_port_cfg net;
	unsigned long port;
	unsigned long idle_s; /* 0: run until killed */
};

static int usage(const struct word *w)
{
	char b[64];

	printf("website: bad argument '%s'\n", word_str(w, b, sizeof(b)));
	printf("website: usage: website.hvt --ipv4=ADDR[/PREFIX] "
	       "[--ipv4-gateway=ADDR] [--port=N] [--idle-exit=SECONDS]\n");
	return 0;
}

static int parse_args(const char *cmdline, struct opts *o)
{
	const struct word_ulong_opt opts[] = {
	    {"--port=", &o->port, 1, 65535},
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
		printf("website: --ipv4=ADDR/PREFIX is required\n");
		return 0;
	}
	return 1;
}

static int listen_on(const struct opts *o)
{
	struct tcp_pcb *pcb = tcp_new();
	struct tcp_pcb *lpcb;
	char ip[16];

	if (!pcb || tcp_bind(pcb, IP_ADDR_ANY, (u16_t)o->port) != ERR_OK) {
		printf("website: FAILURE: cannot bind port %lu\n", o->port);
		return 0;
	}
	lpcb = tcp_listen(pcb);
	if (!lpcb) {
		printf("website: FAILURE: cannot listen\n");
		return 0;
	}
	tcp_accept(lpcb, on_accept);
	lwip_port_ip_str(ip, &o->net.addr);
	printf("website: listening on %s:%lu\n", ip, o->port);
	return 1;
}

int solo5_app_main(const struct solo5_start_info *si)
{
	struct opts o = {.port = 80};
	solo5_time_t last;
	int status = SOLO5_EXIT_SUCCESS;

	if (!parse_args(si->cmdline, &o) ||
	    lwip_port_start("website", &o.net) < 0 || !listen_on(&o))
		return SOLO5_EXIT_FAILURE;
	last = solo5_clock_monotonic();
	for (;;) {
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
			printf("website: idle for %lu s, exiting\n", o.idle_s);
			break;
		}
	}
	printf("website: requests=%lu\n", nb_requests);
	return status;
}
