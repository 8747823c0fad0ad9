/* SPDX-License-Identifier: ISC */
/*
 * hvt-bench-pingpong: round-trip latency through a vhost-user port. A
 * one-lcore DPDK program whose virtio-user port connects to the socket of
 * a tender's (or hvt-bench-synth's) vhost-user port; a reflector on the
 * other side (the reflect unikernel, hvt-bench-synth --mode reflect) sends
 * every frame back. One frame in flight: send it (ethertype 0x88b5, a
 * sequence number and the TSC in the payload), busy-poll rx_burst until
 * that sequence comes back (others are ignored), record the round trip.
 * A frame not back within 1 s counts as lost. Every wait is bounded.
 */
#include <errno.h>
#include <ftw.h>
#include <getopt.h>
#include <inttypes.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "bench_util.h"
#include <rte_cycles.h>
#include <rte_eal.h>
#include <rte_ethdev.h>
#include <rte_lcore.h>
#include <rte_mbuf.h>

#define ETH_P_BENCH 0x88b5 /* local experimental ethertype */
#define PP_MAGIC 0x48505050u /* "HPPP" */
#define HDR_LEN 14
#define MIN_SIZE (HDR_LEN + (int)sizeof(struct pp_payload))
#define MAX_SIZE 1514
#define NB_DESC 256
#define PP_MAC "02:00:00:00:00:01"
#define NB_MBUFS 2047
#define BURST 32
#define LOST_RUN_MAX 10 /* consecutive losses: the reflector is gone */
#define PP_NS_PER_S 1000000000ULL

struct pp_payload {
	uint32_t magic;
	uint32_t pad;
	uint64_t seq;
	uint64_t tsc;
} __attribute__((packed));

struct opts {
	const char *socket;
	uint64_t count; /* 0: until --seconds */
	unsigned size, warmup;
	double seconds, link_timeout, frame_timeout;
	int cpu;
	bool server;
	const char *eal_args;
};

static uint16_t port;
static struct rte_mempool *pool;
static uint64_t tsc_hz;
static uint8_t frame_tpl[MAX_SIZE];
static uint64_t late; /* frames of an earlier (lost) sequence, and strays */

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * PP_NS_PER_S + (uint64_t)ts.tv_nsec;
}

/* --- Command line --- */

static void usage(FILE *f)
{
	fprintf(f, "usage: hvt-bench-pingpong --socket PATH [--count N] "
		   "[--size 64] [--seconds S]\n"
		   "  [--cpu N] [--server] [--warmup 100] [--link-timeout 10] "
		   "[--frame-timeout 1]\n"
		   "  [--eal-args ARGS]\n"
		   "Round trips of one frame at a time through a virtio-user "
		   "port on the\n"
		   "vhost-user socket PATH (the peer is the vhost-user server; "
		   "with --server\n"
		   "we listen and the peer connects). --count N round trips "
		   "(default 1000; 0\n"
		   "with --seconds: until the time is up); --seconds S bounds "
		   "the measured\n"
		   "phase (given alone: count unlimited). Prints RESULT lines "
		   "(us p50, p99,\n"
		   "p99.9, mean; lost) and PLACEMENT.\n");
}

static int parse_args(int argc, char **argv, struct opts *o)
{
	static const struct option lo[] = {
	    {"socket", 1, 0, 'p'},	  {"count", 1, 0, 'n'},
	    {"size", 1, 0, 's'},	  {"seconds", 1, 0, 't'},
	    {"cpu", 1, 0, 'c'},		  {"server", 0, 0, 'S'},
	    {"warmup", 1, 0, 'w'},	  {"link-timeout", 1, 0, 'L'},
	    {"frame-timeout", 1, 0, 'F'}, {"eal-args", 1, 0, 'E'},
	    {"help", 0, 0, 'h'},	  {0, 0, 0, 0}};
	int c, bad = 0, count_set = 0;
	double v = 0;

	*o = (struct opts){.count = 1000,
			   .size = 64,
			   .warmup = 100,
			   .link_timeout = 10,
			   .frame_timeout = 1,
			   .cpu = -1};
	while ((c = getopt_long(argc, argv, "", lo, NULL)) != -1) {
		const char *a = optarg;
		switch (c) {
		case 'p':
			o->socket = a;
			break;
		case 'n':
			bad |= bench_parse_num("--count", a, 0, 1e9, &v);
			o->count = (uint64_t)v;
			count_set = 1;
			break;
		case 's':
			bad |= bench_parse_num("--size", a, MIN_SIZE, MAX_SIZE,
					       &v);
			o->size = (unsigned)v;
			break;
		case 't':
			bad |= bench_parse_num("--seconds", a, 0.01, 3600,
					       &o->seconds);
			break;
		case 'c':
			bad |=
			    bench_parse_num("--cpu", a, 0, CPU_SETSIZE - 1, &v);
			o->cpu = (int)v;
			break;
		case 'S':
			o->server = true;
			break;
		case 'w':
			bad |= bench_parse_num("--warmup", a, 0, 1e6, &v);
			o->warmup = (unsigned)v;
			break;
		case 'L':
			bad |= bench_parse_num("--link-timeout", a, 0.1, 600,
					       &o->link_timeout);
			break;
		case 'F':
			bad |= bench_parse_num("--frame-timeout", a, 0.001, 60,
					       &o->frame_timeout);
			break;
		case 'E':
			o->eal_args = a;
			break;
		case 'h':
			usage(stdout);
			exit(0);
		default:
			bad = 1;
		}
	}
	if (!bad && o->seconds > 0 && !count_set)
		o->count = 0;
	if (!bad && o->count == 0 && o->seconds <= 0) {
		fprintf(stderr, "--count 0 needs --seconds\n");
		bad = 1;
	}
	if (bad || optind != argc || o->socket == NULL) {
		usage(stderr);
		return -1;
	}
	return 0;
}

/* The CPU to pin to: --cpu, else the last one we may run on. */
static int choose_cpu(int want)
{
	cpu_set_t set;
	int last = 0;

	if (want >= 0)
		return want;
	CPU_ZERO(&set);
	if (sched_getaffinity(0, sizeof(set), &set) == 0)
		for (int c = 0; c < CPU_SETSIZE; c++)
			if (CPU_ISSET(c, &set))
				last = c;
	return last;
}

/* --- Set-up --- */

static char file_prefix[64];

static int eal_start(const struct opts *o, int cpu)
{
	static char vdev[4200], lcores[32], *argv[64];
	static char extra[1024];
	int argc = 0, ret;

	snprintf(file_prefix, sizeof(file_prefix), "hvt-pp-%d", (int)getpid());
	snprintf(lcores, sizeof(lcores), "0@%d", cpu);
	snprintf(vdev, sizeof(vdev),
		 "net_virtio_user0,path=%s,queues=1,mac=" PP_MAC "%s",
		 o->socket, o->server ? ",server=1" : "");
	argv[argc++] = "hvt-bench-pingpong";
	argv[argc++] = "--no-pci";
	argv[argc++] = "--no-huge";
	argv[argc++] = "-m";
	argv[argc++] = "128";
	argv[argc++] = "--file-prefix";
	argv[argc++] = file_prefix;
	argv[argc++] = "--lcores";
	argv[argc++] = lcores;
	argv[argc++] = "--log-level=*:error";
	argv[argc++] = "--vdev";
	argv[argc++] = vdev;
	if (o->eal_args != NULL) {
		char *save = NULL;

		snprintf(extra, sizeof(extra), "%s", o->eal_args);
		for (char *t = strtok_r(extra, " ", &save);
		     t != NULL && argc < 63; t = strtok_r(NULL, " ", &save))
			argv[argc++] = t;
	}
	argv[argc] = NULL;
	ret = rte_eal_init(argc, argv);
	if (ret < 0) {
		fprintf(stderr, "rte_eal_init: %s\n", rte_strerror(rte_errno));
		return -1;
	}
	return 0;
}

static int remove_entry(const char *path, const struct stat *st, int flag,
			struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	remove(path);
	return 0;
}

/* A virtio-user server blocks in EAL start until its peer connects:
 * bounded by an alarm that removes what we made and exits. */
static const char *server_socket;

static void on_alarm(int sig)
{
	static const char msg[] = "no vhost-user peer connected in time (is "
				  "the peer running?)\n";
	char dir[128];

	(void)sig;
	if (write(2, msg, sizeof(msg) - 1) < 0) {
		/* exiting anyway */
	}
	if (server_socket != NULL)
		unlink(server_socket);
	snprintf(dir, sizeof(dir), "/var/run/dpdk/%s", file_prefix);
	nftw(dir, remove_entry, 8, FTW_DEPTH | FTW_PHYS);
	_exit(1);
}

/* EAL leaves /var/run/dpdk/<prefix>/ behind: remove ours. */
static void eal_stop(bool started)
{
	char dir[128];

	if (started)
		rte_eal_cleanup();
	snprintf(dir, sizeof(dir), "/var/run/dpdk/%s", file_prefix);
	nftw(dir, remove_entry, 8, FTW_DEPTH | FTW_PHYS);
}

static int port_start(void)
{
	struct rte_eth_conf conf;
	int ret;

	if (rte_eth_dev_get_port_by_name("net_virtio_user0", &port) != 0) {
		fprintf(stderr, "no net_virtio_user0 port\n");
		return -1;
	}
	pool =
	    rte_pktmbuf_pool_create("pp_pool", NB_MBUFS, 0, 0,
				    RTE_MBUF_DEFAULT_BUF_SIZE, rte_socket_id());
	if (pool == NULL) {
		fprintf(stderr, "mbuf pool: %s\n", rte_strerror(rte_errno));
		return -1;
	}
	memset(&conf, 0, sizeof(conf));
	if ((ret = rte_eth_dev_configure(port, 1, 1, &conf)) < 0 ||
	    (ret = rte_eth_rx_queue_setup(port, 0, NB_DESC,
					  rte_eth_dev_socket_id(port), NULL,
					  pool)) < 0 ||
	    (ret = rte_eth_tx_queue_setup(
		 port, 0, NB_DESC, rte_eth_dev_socket_id(port), NULL)) < 0 ||
	    (ret = rte_eth_dev_start(port)) < 0) {
		fprintf(stderr, "port set-up: %s\n", rte_strerror(-ret));
		return -1;
	}
	return 0;
}

static int wait_link(double timeout_s)
{
	uint64_t deadline = now_ns() + (uint64_t)(timeout_s * 1e9);
	struct rte_eth_link link;

	for (;;) {
		memset(&link, 0, sizeof(link));
		rte_eth_link_get_nowait(port, &link);
		if (link.link_status)
			return 0;
		if (now_ns() > deadline)
			return -1;
		usleep(10000);
	}
}

/* A client connects at EAL start: the socket must exist by then. */
static int wait_socket(const char *path, double timeout_s)
{
	uint64_t deadline = now_ns() + (uint64_t)(timeout_s * 1e9);
	struct stat st;

	while (stat(path, &st) != 0 || !S_ISSOCK(st.st_mode)) {
		if (now_ns() > deadline)
			return -1;
		usleep(10000);
	}
	return 0;
}

/* --- Ping-pong --- */

static void frame_init(unsigned size)
{
	struct rte_ether_addr me;

	for (unsigned i = 0; i < size; i++)
		frame_tpl[i] = (uint8_t)i;
	/* To a locally administered address; the reflector swaps MACs. */
	memcpy(frame_tpl, "\x02\x00\x00\x00\x00\x02", 6);
	if (rte_eth_macaddr_get(port, &me) == 0)
		memcpy(frame_tpl + 6, me.addr_bytes, 6);
	else
		memcpy(frame_tpl + 6, "\x02\x00\x00\x00\x00\x01", 6);
	frame_tpl[12] = ETH_P_BENCH >> 8;
	frame_tpl[13] = ETH_P_BENCH & 0xff;
}

/* Which of ours a received frame is: its sequence, or -1. */
static int64_t frame_seq(struct rte_mbuf *m, uint64_t *tsc)
{
	const uint8_t *p = rte_pktmbuf_mtod(m, const uint8_t *);
	struct pp_payload pl;

	if (rte_pktmbuf_data_len(m) < MIN_SIZE || p[12] != ETH_P_BENCH >> 8 ||
	    p[13] != (ETH_P_BENCH & 0xff))
		return -1;
	memcpy(&pl, p + HDR_LEN, sizeof(pl));
	if (pl.magic != PP_MAGIC)
		return -1;
	*tsc = pl.tsc;
	return (int64_t)(pl.seq & INT64_MAX);
}

/* One round trip: its time in ns, or -1 when lost (or not sent). */
static int64_t round_trip(uint64_t seq, unsigned size, uint64_t timeout_tsc)
{
	struct rte_mbuf *m = rte_pktmbuf_alloc(pool), *rx[BURST];
	struct pp_payload pl = {.magic = PP_MAGIC, .seq = seq};
	uint64_t t0, deadline;
	int64_t rtt = -1;

	if (m == NULL)
		return -1;
	uint8_t *d = (uint8_t *)rte_pktmbuf_append(m, (uint16_t)size);
	memcpy(d, frame_tpl, size);
	t0 = rte_rdtsc();
	pl.tsc = t0;
	memcpy(d + HDR_LEN, &pl, sizeof(pl));
	deadline = t0 + timeout_tsc;
	while (rte_eth_tx_burst(port, 0, &m, 1) == 0) {
		if (rte_rdtsc() > deadline) {
			rte_pktmbuf_free(m);
			return -1;
		}
	}
	while (rtt < 0) {
		uint16_t n = rte_eth_rx_burst(port, 0, rx, BURST);
		uint64_t now = rte_rdtsc(), tsc = 0;

		for (uint16_t i = 0; i < n; i++) {
			int64_t s = frame_seq(rx[i], &tsc);

			if (s == (int64_t)seq && tsc == t0 && rtt < 0)
				rtt = (int64_t)((double)(now - tsc) * 1e9 /
						(double)tsc_hz);
			else
				late++;
			rte_pktmbuf_free(rx[i]);
		}
		if (rtt < 0 && now > deadline)
			return -1;
	}
	return rtt;
}

static int cmp_i64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

	return x < y ? -1 : x > y;
}

/* Percentile by linear interpolation (as bench/lib/common.py's pct). */
static double pct(const int64_t *v, size_t n, double p)
{
	double k = (double)(n - 1) * p / 100.0;
	size_t lo = (size_t)k, hi = lo + 1 < n ? lo + 1 : n - 1;

	return (double)v[lo] + (double)(v[hi] - v[lo]) * (k - (double)lo);
}

static char variant[128];

static void result(const char *name, unsigned frame_size, double value,
		   const char *unit, uint64_t samples)
{
	printf("RESULT {\"name\": \"%s\", \"variant\": \"%s\", "
	       "\"frame_size\": %u, \"value\": %.3f, \"unit\": \"%s\", "
	       "\"samples\": %" PRIu64 "}\n",
	       name, variant, frame_size, value, unit, samples);
}

int main(int argc, char **argv)
{
	struct opts o;
	int cpu, ret = 1;
	uint64_t seq = 1, lost = 0, lost_run = 0, warm_lost = 0, n = 0, cap;
	uint64_t timeout_tsc, t_start, t_end = 0;
	int64_t *samples = NULL;

	if (parse_args(argc, argv, &o) < 0)
		return 2;
	setvbuf(stdout, NULL, _IOLBF, 0);
	cpu = choose_cpu(o.cpu);
	if (!o.server && wait_socket(o.socket, o.link_timeout) < 0) {
		fprintf(stderr,
			"%s: no vhost-user socket within %.1f s (is "
			"the peer running?)\n",
			o.socket, o.link_timeout);
		return 1;
	}
	/* A peer that already left: a write to its socket is no reason to
	 * die before cleaning up. */
	signal(SIGPIPE, SIG_IGN);
	if (o.server) {
		server_socket = o.socket;
		signal(SIGALRM, on_alarm);
		alarm((unsigned)o.link_timeout + 1);
	}
	if (eal_start(&o, cpu) < 0) {
		eal_stop(false);
		return 1;
	}
	alarm(0);
	if (port_start() < 0)
		goto out;
	tsc_hz = rte_get_tsc_hz();
	printf("PLACEMENT {\"thread\": \"pingpong\", \"cpu\": %d, "
	       "\"tid\": %d, \"running_on\": %d}\n",
	       cpu, (int)gettid(), sched_getcpu());
	printf("# %s %s, %u B frames, TSC %.3f GHz, file prefix %s\n",
	       o.server ? "listening on" : "connecting to", o.socket, o.size,
	       (double)tsc_hz / 1e9, file_prefix);
	if (wait_link(o.link_timeout) < 0) {
		fprintf(stderr, "the link did not come up within %.0f s\n",
			o.link_timeout);
		goto out;
	}
	frame_init(o.size);
	snprintf(variant, sizeof(variant), "vhost-user/%s",
		 o.server ? "server" : "client");
	timeout_tsc = (uint64_t)(o.frame_timeout * (double)tsc_hz);

	for (unsigned i = 0; i < o.warmup; i++) {
		if (round_trip(seq++, o.size, timeout_tsc) < 0 &&
		    ++warm_lost >= LOST_RUN_MAX) {
			fprintf(stderr,
				"%" PRIu64 " frames lost in the "
				"warm-up: is anything reflecting?\n",
				warm_lost);
			goto out;
		}
	}
	cap = o.count ? o.count : 1 << 16;
	samples = malloc(cap * sizeof(*samples));
	if (samples == NULL) {
		perror("malloc");
		goto out;
	}
	t_start = now_ns();
	if (o.seconds > 0)
		t_end = t_start + (uint64_t)(o.seconds * 1e9);
	for (uint64_t i = 0; o.count == 0 || i < o.count; i++) {
		int64_t rtt;

		if (t_end && now_ns() > t_end)
			break;
		rtt = round_trip(seq++, o.size, timeout_tsc);
		if (rtt < 0) {
			lost++;
			if (++lost_run >= LOST_RUN_MAX) {
				fprintf(stderr,
					"%u frames lost in a row: "
					"stopping\n",
					LOST_RUN_MAX);
				break;
			}
			continue;
		}
		lost_run = 0;
		if (n == cap) {
			int64_t *p = realloc(samples, 2 * cap * sizeof(*p));
			if (p == NULL)
				break;
			samples = p;
			cap *= 2;
		}
		samples[n++] = rtt;
	}
	double secs = (double)(now_ns() - t_start) / 1e9;

	if (n == 0) {
		fprintf(stderr, "no round trip completed (%" PRIu64 " lost)\n",
			lost);
		goto out;
	}
	qsort(samples, n, sizeof(*samples), cmp_i64);
	double sum = 0;
	for (uint64_t i = 0; i < n; i++)
		sum += (double)samples[i];
	result("lat_pingpong", o.size, pct(samples, n, 50) / 1e3, "us p50", n);
	result("lat_pingpong", o.size, pct(samples, n, 99) / 1e3, "us p99", n);
	result("lat_pingpong", o.size, pct(samples, n, 99.9) / 1e3, "us p99.9",
	       n);
	result("lat_pingpong", o.size, sum / (double)n / 1e3, "us mean", n);
	result("lat_pingpong_lost", o.size, (double)lost, "frames", n + lost);
	printf("# %" PRIu64 " round trips in %.2f s, min %.1f us, max %.1f "
	       "us, %" PRIu64 " lost (+%" PRIu64 " in warm-up), %" PRIu64
	       " stray/late frames\n",
	       n, secs, (double)samples[0] / 1e3, (double)samples[n - 1] / 1e3,
	       lost, warm_lost, late);
	ret = lost_run >= LOST_RUN_MAX ? 1 : 0;
out:
	free(samples);
	rte_eth_dev_stop(port);
	rte_eth_dev_close(port);
	eal_stop(true);
	return ret;
}
