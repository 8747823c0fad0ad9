/* SPDX-License-Identifier: ISC */
/*
 * hvt-bench-taploop: the per-packet-syscall reference, what solo5-hvt does
 * for every guest frame: one write() (or read()) on a tap fd. Opens the
 * named tap (creating it when missing: run inside a network namespace),
 * brings it up, and for each size writes frames in a loop for --seconds.
 * --mode read needs a sender: an AF_PACKET socket on the tap, pinned to the
 * other CPU, injects frames the kernel then queues to the tap fd.
 */
#include "bench_util.h"
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <linux/if_packet.h>
#include <linux/if_tun.h>
#include <net/if.h>
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>
#include <x86intrin.h>

#define NS_PER_SEC 1000000000ULL
#define MAX_SIZES 16
#define MAX_FRAME 9018
#define WIRE_OVERHEAD 24 /* FCS 4 + preamble/SFD 8 + inter-frame gap 12 */

struct opts {
	const char *ifname;
	bool read_mode;
	unsigned sizes[MAX_SIZES], nb_sizes;
	double seconds;
	uint64_t max_packets;
	int cpu, sender_cpu;
};

static uint64_t tsc_hz;

static uint64_t now_ns(clockid_t clk)
{
	struct timespec ts;

	clock_gettime(clk, &ts);
	return (uint64_t)ts.tv_sec * NS_PER_SEC + (uint64_t)ts.tv_nsec;
}

/* The TSC against CLOCK_MONOTONIC over 20 ms. */
static void tsc_calibrate(void)
{
	uint64_t t0 = now_ns(CLOCK_MONOTONIC), c0 = __rdtsc(), t1;

	do
		t1 = now_ns(CLOCK_MONOTONIC);
	while (t1 - t0 < 20000000);
	tsc_hz = (uint64_t)((double)(__rdtsc() - c0) * 1e9 / (double)(t1 - t0));
}

static int pin(int cpu)
{
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	return pthread_setaffinity_np(pthread_self(), sizeof(set), &set);
}

/* Attach to or create the tap (IFF_NO_PI: bare frames), bring it up. */
static int tap_open(const char *name, unsigned mtu)
{
	struct ifreq ifr;
	int fd = open("/dev/net/tun", O_RDWR | O_CLOEXEC), s;

	if (fd < 0) {
		perror("/dev/net/tun");
		return -1;
	}
	memset(&ifr, 0, sizeof(ifr));
	ifr.ifr_flags = IFF_TAP | IFF_NO_PI;
	snprintf(ifr.ifr_name, IFNAMSIZ, "%s", name);
	if (ioctl(fd, TUNSETIFF, &ifr) < 0) {
		fprintf(stderr, "TUNSETIFF %s: %s\n", name, strerror(errno));
		close(fd);
		return -1;
	}
	s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (s < 0 || ioctl(s, SIOCGIFFLAGS, &ifr) < 0 ||
	    (ifr.ifr_flags |= IFF_UP, ioctl(s, SIOCSIFFLAGS, &ifr) < 0)) {
		fprintf(stderr, "bringing %s up: %s\n", name, strerror(errno));
		close(fd);
		fd = -1;
	}
	/* Frames up to the largest size must fit (the AF_PACKET sender). */
	ifr.ifr_mtu = (int)mtu;
	if (fd >= 0 && mtu > 1500 && ioctl(s, SIOCSIFMTU, &ifr) < 0)
		fprintf(stderr, "warning: MTU %u on %s: %s\n", mtu, name,
			strerror(errno));
	if (s >= 0)
		close(s);
	return fd;
}

/* --- read mode: the injector --- */

struct sender {
	const char *ifname;
	int cpu;
	unsigned size;
	atomic_bool stop;
	uint64_t sent, failed;
};

static void *sender_main(void *arg)
{
	struct sender *s = arg;
	struct sockaddr_ll sll = {.sll_family = AF_PACKET,
				  .sll_ifindex = (int)if_nametoindex(s->ifname),
				  .sll_halen = 6};
	uint8_t frame[MAX_FRAME];
	int one = 1, fd = socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC, 0);

	if (fd < 0) {
		perror("AF_PACKET socket");
		return NULL;
	}
	pin(s->cpu);
	/* Straight to the device: no qdisc in the way. */
	setsockopt(fd, SOL_PACKET, PACKET_QDISC_BYPASS, &one, sizeof(one));
	bench_frame_fill(frame, s->size);
	memcpy(sll.sll_addr, frame, 6);
	while (!atomic_load_explicit(&s->stop, memory_order_relaxed)) {
		if (sendto(fd, frame, s->size, 0, (struct sockaddr *)&sll,
			   sizeof(sll)) == (ssize_t)s->size)
			s->sent++;
		else
			s->failed++;
	}
	close(fd);
	return NULL;
}

/* --- measurement --- */

static void result(const struct opts *o, const char *metric, unsigned size,
		   double value, const char *unit, uint64_t pkts, double secs)
{
	printf("RESULT {\"name\": \"taploop.%s\", \"variant\": \"tap/%s\", "
	       "\"frame_size\": %u, \"value\": %.4f, \"unit\": \"%s\", "
	       "\"packets\": %" PRIu64 ", \"seconds\": %.3f}\n",
	       metric, o->read_mode ? "read" : "write", size, value, unit, pkts,
	       secs);
}

static int run_size(const struct opts *o, int fd, unsigned size)
{
	static uint8_t frame[MAX_FRAME];
	struct sender snd = {
	    .ifname = o->ifname, .cpu = o->sender_cpu, .size = size};
	pthread_t th;
	uint64_t pkts = 0, errs = 0, again = 0, t0, c0, deadline;
	double secs;

	bench_frame_fill(frame, size);
	if (o->read_mode && pthread_create(&th, NULL, sender_main, &snd) != 0)
		return -1;
	t0 = now_ns(CLOCK_MONOTONIC);
	c0 = now_ns(CLOCK_THREAD_CPUTIME_ID);
	deadline = t0 + (uint64_t)(o->seconds * 1e9);
	for (uint64_t i = 0; pkts < o->max_packets; i++) {
		ssize_t n = o->read_mode ? read(fd, frame, sizeof(frame))
					 : write(fd, frame, size);
		if (n > 0)
			pkts++;
		else if (n < 0 && errno == EAGAIN)
			again++;
		else
			errs++;
		if ((i & 63) == 0 && now_ns(CLOCK_MONOTONIC) > deadline)
			break;
	}
	secs = (double)(now_ns(CLOCK_MONOTONIC) - t0) / 1e9;
	c0 = now_ns(CLOCK_THREAD_CPUTIME_ID) - c0;
	if (o->read_mode) {
		atomic_store(&snd.stop, true);
		pthread_join(th, NULL);
	}
	result(o, "rate", size, (double)pkts / secs / 1e6, "Mpps", pkts, secs);
	result(o, "gbps_l2", size, (double)pkts * size * 8 / secs / 1e9,
	       "Gbit/s (L2 frames, no FCS)", pkts, secs);
	result(o, "gbps_wire", size,
	       (double)pkts * (size + WIRE_OVERHEAD) * 8 / secs / 1e9,
	       "Gbit/s (wire: +24 B/frame FCS+preamble+IFG)", pkts, secs);
	if (pkts > 0)
		result(o, "cycles_per_pkt", size,
		       (double)c0 * (double)tsc_hz / 1e9 / (double)pkts,
		       "cycles/pkt (syscall thread CPU time x TSC Hz)", pkts,
		       secs);
	printf("# tap %s %s size %u: %.3f Mpps, %" PRIu64 " pkts, %" PRIu64
	       " errors, %" PRIu64 " EAGAIN%s",
	       o->ifname, o->read_mode ? "read" : "write", size,
	       (double)pkts / secs / 1e6, pkts, errs, again,
	       o->read_mode ? "" : "\n");
	if (o->read_mode)
		printf(", sender %" PRIu64 " sent %" PRIu64 " failed\n",
		       snd.sent, snd.failed);
	return pkts > 0 ? 0 : -1;
}

static int parse_args(int argc, char **argv, struct opts *o)
{
	static const struct option lo[] = {
	    {"tap", 1, 0, 'T'},		{"mode", 1, 0, 'm'},
	    {"sizes", 1, 0, 's'},	{"seconds", 1, 0, 't'},
	    {"max-packets", 1, 0, 'n'}, {"cpu", 1, 0, 'c'},
	    {"sender-cpu", 1, 0, 'S'},	{0, 0, 0, 0}};
	char *save = NULL, sizes[256] = "64,512,1518";
	int c, bad = 0;

	*o = (struct opts){.ifname = "tap0",
			   .seconds = 2,
			   .max_packets = 1000000000ULL,
			   .cpu = 0,
			   .sender_cpu = 1};
	while ((c = getopt_long(argc, argv, "", lo, NULL)) != -1) {
		switch (c) {
		case 'T':
			o->ifname = optarg;
			break;
		case 'm':
			o->read_mode = !strcmp(optarg, "read");
			bad |= !o->read_mode && strcmp(optarg, "write");
			break;
		case 's':
			snprintf(sizes, sizeof(sizes), "%s", optarg);
			break;
		case 't':
			o->seconds = atof(optarg);
			break;
		case 'n':
			o->max_packets = strtoull(optarg, NULL, 0);
			break;
		case 'c':
			o->cpu = atoi(optarg);
			break;
		case 'S':
			o->sender_cpu = atoi(optarg);
			break;
		default:
			bad = 1;
		}
	}
	for (char *t = strtok_r(sizes, ",", &save); t && !bad;
	     t = strtok_r(NULL, ",", &save)) {
		unsigned v = (unsigned)atoi(t);
		bad |= o->nb_sizes == MAX_SIZES || v < 14 || v > MAX_FRAME;
		if (!bad)
			o->sizes[o->nb_sizes++] = v;
	}
	if (bad || optind != argc || o->seconds <= 0 || o->seconds > 600 ||
	    strlen(o->ifname) >= IFNAMSIZ) {
		fprintf(stderr,
			"usage: hvt-bench-taploop [--tap NAME] "
			"[--mode write|read] [--sizes 64,512,1518]\n"
			"  [--seconds 2] [--max-packets N] [--cpu 0] "
			"[--sender-cpu 1]\n"
			"sizes 14..%d bytes (the frame, no FCS); run inside "
			"a network namespace\n",
			MAX_FRAME);
		return -1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	struct opts o;
	int fd, ret = 0;

	if (parse_args(argc, argv, &o) < 0)
		return 2;
	setvbuf(stdout, NULL, _IOLBF, 0);
	unsigned max_size = 0;
	for (unsigned i = 0; i < o.nb_sizes; i++)
		max_size = o.sizes[i] > max_size ? o.sizes[i] : max_size;
	fd = tap_open(o.ifname, max_size - 14);
	if (fd < 0)
		return 1;
	/* Reads never block past the deadline: EAGAIN is counted. */
	if (o.read_mode && fcntl(fd, F_SETFL, O_NONBLOCK) < 0)
		perror("O_NONBLOCK");
	if (pin(o.cpu) != 0)
		fprintf(stderr, "warning: cannot pin to CPU %d\n", o.cpu);
	printf("PLACEMENT {\"thread\": \"syscall\", \"cpu\": %d}\n", o.cpu);
	if (o.read_mode)
		printf("PLACEMENT {\"thread\": \"sender\", \"cpu\": %d}\n",
		       o.sender_cpu);
	tsc_calibrate();
	printf("# TSC %.3f GHz\n", (double)tsc_hz / 1e9);
	for (unsigned i = 0; i < o.nb_sizes && ret == 0; i++)
		ret = run_size(&o, fd, o.sizes[i]);
	close(fd);
	return ret == 0 ? 0 : 1;
}
