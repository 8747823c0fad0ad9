/* SPDX-License-Identifier: ISC */
/*
 * hvt-bench-synth: a native-speed synthetic guest for the real dataplane,
 * with no KVM. The main thread plays the vCPU: it drives the Solo5 shared
 * ring (ABI.md, "Shared-ring I/O") in a calloc'd guest memory exactly as
 * guest/runtime/net_ring.c does, hvt-dpdk's fast-path queues
 * (hvt_fastpath.h) as the burst API of guest/runtime/net_fast.c does, or
 * the NET_WRITE / NET_READ hypercall services (dp_net_write/dp_net_read),
 * through the dataplane's poll thread to one port given as a --net SPEC.
 * It separates what the tender's dataplane costs from the emulated guest's
 * speed. One (port, mode, io) per process (EAL starts once); frame sizes
 * loop inside. Every wait is bounded.
 */
#include <dirent.h>
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <time.h>
#include <unistd.h>

#include <rte_cycles.h>
#include <rte_ethdev.h>

#include "bench_util.h"
#include "dataplane.h"
#include "hypercall/abi/hvt_fastpath.h"
#include "synth.h"

enum mode { MODE_TX, MODE_RX, MODE_REFLECT };
enum io { IO_RING, IO_HYPERCALL, IO_FASTPATH };

struct opts {
	const char *port;
	enum mode mode;
	enum io io;
	unsigned sizes[MAX_SIZES];
	unsigned nb_sizes;
	double seconds, warmup, link_timeout;
	uint64_t max_packets;
	int poll_cpu, guest_cpu;
	bool no_huge, idle_poll, spin_on_again, stats, no_copy;
	unsigned rx_depth, prime, mtu;
	const char *eal_args;
};

uint8_t *mem;
static struct hvt_ring *ring;
static struct hc_gmem gm;
static struct hc_dev devs[HVT_MFT_MAX_ENTRIES];
struct dp *dp;
int kick_fd = -1;
static uint32_t g_tail, g_com_head, g_id; /* the guest's own indices */
uint64_t g_kicks;
static uint64_t tsc_hz;
static bool tx_no_copy; /* slots pre-filled: no per-frame memcpy */

static const char *const mode_names[] = {"tx", "rx", "reflect"};
static const char *const io_names[] = {"ring", "hypercall", "fastpath"};

uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * BENCH_NS_PER_S + (uint64_t)ts.tv_nsec;
}

static uint64_t thread_cpu_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return (uint64_t)ts.tv_sec * BENCH_NS_PER_S + (uint64_t)ts.tv_nsec;
}

/* --- The poll thread, seen from outside: its tid and CPU time --- */

static int poll_tid = -1;
static char poll_comm[32];

/* EAL names its worker lcores "lcore-worker-N" (22.11); lcore 1 polls. */
static void poll_thread_find(void)
{
	DIR *d = opendir("/proc/self/task");
	struct dirent *de;

	while (d != NULL && (de = readdir(d)) != NULL) {
		char path[300], comm[32] = "";
		FILE *f;

		snprintf(path, sizeof(path), "/proc/self/task/%s/comm",
			 de->d_name);
		if ((f = fopen(path, "r")) == NULL)
			continue;
		if (fgets(comm, sizeof(comm), f) != NULL &&
		    strstr(comm, "worker") != NULL) {
			comm[strcspn(comm, "\n")] = '\0';
			poll_tid = atoi(de->d_name);
			snprintf(poll_comm, sizeof(poll_comm), "%s", comm);
		}
		fclose(f);
	}
	if (d != NULL)
		closedir(d);
}

/* Time thread tid spent on a CPU (schedstat field 1, returned) and
 * waiting for one (field 2, *wait_ns: preempted by another task), in ns. */
static uint64_t task_schedstat(int tid, uint64_t *wait_ns)
{
	char path[64];
	unsigned long long run = 0, wait = 0;
	FILE *f;

	*wait_ns = 0;
	if (tid < 0)
		return 0;
	snprintf(path, sizeof(path), "/proc/self/task/%d/schedstat", tid);
	if ((f = fopen(path, "r")) == NULL)
		return 0;
	if (fscanf(f, "%llu %llu", &run, &wait) != 2)
		run = wait = 0;
	fclose(f);
	*wait_ns = wait;
	return run;
}

static uint64_t poll_wait_ns;

static uint64_t poll_cpu_ns(void)
{
	return task_schedstat(poll_tid, &poll_wait_ns);
}

/* The guest thread's wait for its CPU: other work on the machine shows
 * up here (and as a poll thread idling for want of guest work). */
static uint64_t guest_wait_ns(void)
{
	uint64_t wait;

	task_schedstat((int)gettid(), &wait);
	return wait;
}

static void print_placement(const char *thread, int cpu, int tid)
{
	printf("PLACEMENT {\"thread\": \"%s\", \"cpu\": %d, \"tid\": %d}\n",
	       thread, cpu, tid);
}

/* The poll thread must be alone on its CPU: say so if it is not. */
static void check_poll_affinity(int want)
{
	cpu_set_t set;

	CPU_ZERO(&set);
	if (poll_tid < 0 || sched_getaffinity(poll_tid, sizeof(set), &set)) {
		fprintf(stderr, "warning: poll thread not found\n");
		return;
	}
	if (CPU_COUNT(&set) != 1 || !CPU_ISSET(want, &set))
		fprintf(stderr,
			"warning: poll thread %s is not pinned to "
			"CPU %d alone\n",
			poll_comm, want);
}

/* --- The guest side of the ring, as guest/runtime/net_ring.c --- */

uint8_t frame_tpl[HVT_RING_SLOT_SIZE];

static bool entry_wait(uint64_t deadline_tsc)
{
	while (g_tail - __atomic_load_n(&ring->ent_head, __ATOMIC_ACQUIRE) >=
	       HVT_RING_ENTRIES - 1) {
		if (rte_rdtsc() > deadline_tsc || dp_fault(dp) != NULL)
			return false;
		__builtin_ia32_pause();
	}
	return true;
}

static void entry_publish(uint32_t op, uint64_t gpa, uint32_t len)
{
	struct hvt_ring_entry *e = &ring->entries[g_tail & HVT_RING_MASK];
	uint64_t one = 1;

	e->op = op;
	e->handle = H_NET;
	e->data_gpa = gpa;
	e->len = len;
	e->id = g_id++;
	/* Release: the entry's fields are visible before the new tail. */
	__atomic_store_n(&ring->ent_tail, ++g_tail, __ATOMIC_RELEASE);
	/* Full fence: the tail store before the needs_kick load (as the
	 * guest's mfence), so a host going to sleep cannot miss us. */
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	if (__atomic_load_n(&ring->needs_kick, __ATOMIC_RELAXED)) {
		if (write(kick_fd, &one, sizeof(one)) == sizeof(one))
			g_kicks++;
	}
}

/* solo5_net_write on the ring: copy into the entry's slot, publish. */
static bool ring_write(const void *frame, uint32_t len, uint64_t deadline_tsc)
{
	uint64_t gpa;

	if (!entry_wait(deadline_tsc))
		return false;
	gpa = TX_GPA + (uint64_t)(g_tail & HVT_RING_MASK) * HVT_RING_SLOT_SIZE;
	if (!tx_no_copy || frame != frame_tpl)
		memcpy(mem + gpa, frame, len);
	entry_publish(HVT_RING_OP_WRITE, gpa, len);
	return true;
}

/* Wait until the host retired every entry and committed every read. */
static bool ring_idle(uint32_t reads_posted, uint32_t *reads_done,
		      uint64_t timeout_ns)
{
	uint64_t deadline = now_ns() + timeout_ns;

	while (__atomic_load_n(&ring->ent_head, __ATOMIC_ACQUIRE) != g_tail ||
	       *reads_done != reads_posted) {
		while (__atomic_load_n(&ring->com_tail, __ATOMIC_ACQUIRE) !=
		       g_com_head) {
			g_com_head++;
			(*reads_done)++;
			__atomic_store_n(&ring->com_head, g_com_head,
					 __ATOMIC_RELEASE);
		}
		if (now_ns() > deadline || dp_fault(dp) != NULL)
			return false;
		__builtin_ia32_pause();
	}
	return true;
}

/* --- Workloads: each runs until deadline_tsc or max packets --- */

static void ring_tx(uint32_t size, uint64_t deadline_tsc, uint64_t max,
		    struct counts *c)
{
	uint32_t head0 = __atomic_load_n(&ring->ent_head, __ATOMIC_ACQUIRE);

	for (uint64_t i = 0; i < max; i++) {
		if ((i & 31) == 0 && rte_rdtsc() > deadline_tsc)
			break;
		if (!ring_write(frame_tpl, size, deadline_tsc))
			break;
	}
	/* Completed = retired by the host (ent_head advancing). */
	c->pkts = __atomic_load_n(&ring->ent_head, __ATOMIC_ACQUIRE) - head0;
	c->bytes = c->pkts * size;
}

/* Reads (and, reflecting, writes back) with up to depth reads posted. */
static void ring_rx(bool reflect, unsigned depth, bool spin,
		    uint64_t deadline_tsc, uint64_t max, struct counts *c,
		    uint32_t *posted, uint32_t *done)
{
	uint64_t ready;

	while (c->pkts < max && rte_rdtsc() < deadline_tsc) {
		bool again = false;

		while (*posted - *done < depth) {
			uint64_t gpa =
			    RX_GPA + (uint64_t)(*posted % depth) * RX_BUF_LEN;
			if (!entry_wait(deadline_tsc))
				return;
			entry_publish(HVT_RING_OP_READ, gpa, RX_BUF_LEN);
			(*posted)++;
		}
		/* Acquire: the commit and the frame after com_tail moved. */
		while (__atomic_load_n(&ring->com_tail, __ATOMIC_ACQUIRE) ==
		       g_com_head) {
			if (rte_rdtsc() > deadline_tsc || dp_fault(dp))
				return;
			__builtin_ia32_pause();
		}
		do {
			struct hvt_ring_commit *cm =
			    &ring->commits[g_com_head & HVT_RING_MASK];
			uint64_t gpa =
			    RX_GPA + (uint64_t)(*done % depth) * RX_BUF_LEN;
			int32_t ret = cm->ret;
			uint32_t len = cm->len;

			__atomic_store_n(&ring->com_head, ++g_com_head,
					 __ATOMIC_RELEASE);
			(*done)++;
			if (ret == HVT_R_OK) {
				c->pkts++;
				c->bytes += len;
				if (reflect &&
				    !ring_write(mem + gpa, len, deadline_tsc))
					return;
			} else if (ret == HVT_R_AGAIN) {
				c->again++;
				again = true;
			} else {
				c->errors++;
			}
		} while (__atomic_load_n(&ring->com_tail, __ATOMIC_ACQUIRE) !=
			 g_com_head);
		/* Nothing received: a Solo5 guest yields (POLL). */
		if (again && !spin)
			dp_poll(dp, BENCH_NS_PER_S / 1000, &ready, NULL);
	}
}

static void hc_tx(uint32_t size, uint64_t deadline_tsc, uint64_t max,
		  struct counts *c)
{
	memcpy(mem + HC_GPA, frame_tpl, size);
	for (uint64_t i = 0; i < max && rte_rdtsc() < deadline_tsc; i++) {
		int ret = dp_net_write(dp, H_NET, mem + HC_GPA, size);
		if (ret == HVT_R_OK) {
			c->pkts++;
			c->bytes += size;
		} else if (ret == HVT_R_AGAIN) {
			c->again++;
		} else {
			c->errors++;
			if (dp_fault(dp) != NULL)
				break;
		}
	}
}

static void hc_rx(bool reflect, bool spin, uint64_t deadline_tsc, uint64_t max,
		  struct counts *c)
{
	uint64_t ready;

	while (c->pkts < max && rte_rdtsc() < deadline_tsc) {
		uint64_t len = RX_BUF_LEN;
		int ret = dp_net_read(dp, H_NET, mem + RX_GPA, &len);

		if (ret == HVT_R_OK) {
			c->pkts++;
			c->bytes += len;
			if (reflect && dp_net_write(dp, H_NET, mem + RX_GPA,
						    len) != HVT_R_OK)
				c->errors++;
		} else if (ret == HVT_R_AGAIN) {
			c->again++;
			if (!spin)
				dp_poll(dp, BENCH_NS_PER_S / 1000, &ready,
					NULL);
		} else {
			c->errors++;
			if (dp_fault(dp) != NULL)
				break;
		}
	}
}

/* One workload window of the chosen mode and I/O path. */
static uint32_t reads_posted, reads_done;

static void workload(const struct opts *o, uint32_t size, double seconds,
		     struct counts *c)
{
	uint64_t deadline = rte_rdtsc() + (uint64_t)(seconds * (double)tsc_hz);
	bool reflect = o->mode == MODE_REFLECT;

	memset(c, 0, sizeof(*c));
	if (o->io == IO_FASTPATH && o->mode == MODE_TX)
		fp_tx(size, deadline, o->max_packets, c);
	else if (o->io == IO_FASTPATH)
		fp_rx(reflect, o->spin_on_again, deadline, o->max_packets, c);
	else if (o->io == IO_RING && o->mode == MODE_TX)
		ring_tx(size, deadline, o->max_packets, c);
	else if (o->io == IO_RING)
		ring_rx(reflect, o->rx_depth, o->spin_on_again, deadline,
			o->max_packets, c, &reads_posted, &reads_done);
	else if (o->mode == MODE_TX)
		hc_tx(size, deadline, o->max_packets, c);
	else
		hc_rx(reflect, o->spin_on_again, deadline, o->max_packets, c);
}

/* Wait (bounded) until the host is done with everything the guest
 * posted on the ring or the fast path; false if it is not within 1 s. */
static bool io_settle(const struct opts *o)
{
	if (o->io == IO_FASTPATH)
		return fp_settle(BENCH_NS_PER_S);
	return ring_idle(reads_posted, &reads_done, BENCH_NS_PER_S);
}

/* Read until the port has nothing left (a loop port still holding the
 * previous size's frames), within a bound. */
static void drain(const struct opts *o)
{
	uint64_t deadline = now_ns() + BENCH_NS_PER_S / 2;
	unsigned idle = 0;

	/* Reflected frames in flight hold RX buffers: back first. */
	if (o->io == IO_FASTPATH)
		fp_settle(BENCH_NS_PER_S);
	while (idle < 20 && now_ns() < deadline) {
		struct opts one = *o;
		struct counts c;

		one.mode = MODE_RX;
		one.rx_depth = 1;
		one.spin_on_again = false;
		one.max_packets = 64;
		workload(&one, 0, 0.002, &c);
		idle = c.pkts == 0 ? idle + 1 : 0;
	}
	io_settle(o);
}

/* Seed a loop (net_ring, a reflecting peer) with n frames. */
static void prime(const struct opts *o, uint32_t size, unsigned n)
{
	uint64_t deadline = rte_rdtsc() + tsc_hz;

	if (o->io == IO_FASTPATH) {
		fp_prime(size, n);
		return;
	}
	for (unsigned i = 0; i < n; i++) {
		if (o->io == IO_RING)
			ring_write(frame_tpl, size, deadline);
		else
			dp_net_write(dp, H_NET, frame_tpl, size);
	}
}

/* --- The port's own counters (a cross-check of what we count) --- */

static int port_id = -1;

static void port_find(const struct dp_port_spec *spec)
{
	char name[64];
	uint16_t id;

	if (spec->kind == DP_PORT_DPDK)
		snprintf(name, sizeof(name), "%.*s",
			 (int)strcspn(spec->devargs, ","), spec->devargs);
	else if (spec->kind == DP_PORT_VHOST)
		snprintf(name, sizeof(name), "net_vhost%u", H_NET);
	else
		snprintf(name, sizeof(name), "net_tap%u", H_NET);
	if (rte_eth_dev_get_port_by_name(name, &id) == 0)
		port_id = id;
}

static void port_stats(struct rte_eth_stats *st)
{
	memset(st, 0, sizeof(*st));
	if (port_id >= 0)
		rte_eth_stats_get((uint16_t)port_id, st);
}

/* vhost and other peers: wait (bounded) for the link before counting. */
static int port_wait_link(double timeout_s)
{
	uint64_t deadline = now_ns() + (uint64_t)(timeout_s * 1e9);
	struct rte_eth_link link;

	if (port_id < 0)
		return 0;
	for (;;) {
		memset(&link, 0, sizeof(link));
		rte_eth_link_get_nowait((uint16_t)port_id, &link);
		if (link.link_status)
			return 0;
		if (now_ns() > deadline)
			return -1;
		usleep(10000);
	}
}

/* --- Reporting --- */

static char variant[160];

static void result(const char *metric, unsigned frame_size, double value,
		   const char *unit, const struct counts *c, double secs)
{
	printf("RESULT {\"name\": \"synth.%s\", \"variant\": \"%s\", "
	       "\"frame_size\": %u, \"value\": %.4f, \"unit\": \"%s\", "
	       "\"packets\": %" PRIu64 ", \"seconds\": %.3f}\n",
	       metric, variant, frame_size, value, unit, c->pkts, secs);
}

static void report(uint32_t size, const struct counts *c, uint64_t wall_ns,
		   uint64_t poll_ns, uint64_t guest_ns)
{
	double secs = (double)wall_ns / 1e9;
	double pps = (double)c->pkts / secs;
	/* The frame as the guest hands it to solo5_net_write (no FCS); rx
	 * reports what arrived, on average. */
	unsigned fsize =
	    c->pkts ? (unsigned)((c->bytes + c->pkts / 2) / c->pkts) : size;
	double per_pkt = c->pkts ? (double)tsc_hz / 1e9 / (double)c->pkts : 0;

	result("rate", fsize, pps / 1e6, "Mpps", c, secs);
	result("gbps_l2", fsize, (double)c->bytes * 8 / secs / 1e9,
	       "Gbit/s (L2 frames, no FCS)", c, secs);
	result("gbps_wire", fsize,
	       (double)(c->bytes + c->pkts * WIRE_OVERHEAD) * 8 / secs / 1e9,
	       "Gbit/s (wire: +24 B/frame FCS+preamble+IFG)", c, secs);
	if (poll_tid >= 0)
		result("poll_cycles_per_pkt", fsize, (double)poll_ns * per_pkt,
		       "cycles/pkt (poll thread CPU time x TSC Hz)", c, secs);
	result("guest_cycles_per_pkt", fsize, (double)guest_ns * per_pkt,
	       "cycles/pkt (guest thread CPU time x TSC Hz)", c, secs);
	if (poll_tid >= 0)
		result("poll_cpu", fsize,
		       100.0 * (double)poll_ns / (double)wall_ns,
		       "% of one CPU (poll thread)", c, secs);
	printf("# %s size %u: %.3f Mpps, %" PRIu64 " pkts, %" PRIu64
	       " AGAIN, %" PRIu64 " errors, %" PRIu64 " kicks, poll thread "
	       "%.0f%% busy\n",
	       variant, fsize, pps / 1e6, c->pkts, c->again, c->errors,
	       c->kicks, 100.0 * (double)poll_ns / (double)wall_ns);
}

static int run_size(const struct opts *o, uint32_t size)
{
	struct rte_eth_stats st0, st1;
	struct counts c;
	uint64_t t0, p0, g0, k0, w0, gw;

	bench_frame_fill(frame_tpl, size);
	if (o->io == IO_FASTPATH && o->mode == MODE_TX)
		fp_tx_fill(size);
	tx_no_copy = o->no_copy;
	for (unsigned i = 0; o->no_copy && i < HVT_RING_ENTRIES; i++)
		memcpy(mem + TX_GPA + (uint64_t)i * HVT_RING_SLOT_SIZE,
		       frame_tpl, size);
	if (o->prime > 0) {
		drain(o);
		prime(o, size, o->prime);
	}
	workload(o, size, o->warmup, &c);
	port_stats(&st0);
	k0 = g_kicks;
	t0 = now_ns();
	p0 = poll_cpu_ns();
	w0 = poll_wait_ns;
	gw = guest_wait_ns();
	g0 = thread_cpu_ns();
	workload(o, size, o->seconds, &c);
	g0 = thread_cpu_ns() - g0;
	gw = guest_wait_ns() - gw;
	p0 = poll_cpu_ns() - p0;
	w0 = poll_wait_ns - w0;
	t0 = now_ns() - t0;
	c.kicks = g_kicks - k0;
	port_stats(&st1);
	/* A loop port holds zero-copy slots until their frames are read
	 * back: drain it, then the ring settles. */
	if (o->prime > 0)
		drain(o);
	else if (o->io != IO_HYPERCALL && !io_settle(o))
		fprintf(stderr, "warning: the %s did not settle in 1 s\n",
			o->io == IO_RING ? "ring" : "fast path");
	/* TX: the ring retires dropped frames too (a peer that stopped
	 * reading); count what the port took where it counts. */
	if (o->mode == MODE_TX && port_id >= 0) {
		uint64_t sent = st1.opackets - st0.opackets;
		if (sent + sent / 100 < c.pkts)
			printf("# WARNING: the port took %" PRIu64
			       " of %" PRIu64
			       " retired frames: the rest were dropped "
			       "(counting the port's)\n",
			       sent, c.pkts);
		if (sent < c.pkts) {
			c.pkts = sent;
			c.bytes = sent * size;
		}
	}
	report(size, &c, t0, p0, g0);
	if (poll_tid >= 0)
		result("poll_preempted", size, 100.0 * (double)w0 / (double)t0,
		       "% of the window the poll thread waited for its CPU", &c,
		       (double)t0 / 1e9);
	result("guest_preempted", size, 100.0 * (double)gw / (double)t0,
	       "% of the window the guest thread waited for its CPU", &c,
	       (double)t0 / 1e9);
	if (port_id >= 0)
		printf("# port: rx %" PRIu64 " tx %" PRIu64 " missed %" PRIu64
		       " rx_nombuf %" PRIu64 " tx_errors %" PRIu64 "\n",
		       st1.ipackets - st0.ipackets, st1.opackets - st0.opackets,
		       st1.imissed - st0.imissed, st1.rx_nombuf - st0.rx_nombuf,
		       st1.oerrors - st0.oerrors);
	fflush(stdout);
	if (dp_fault(dp) != NULL) {
		fprintf(stderr, "dataplane fault: %s\n", dp_fault(dp));
		return -1;
	}
	return c.pkts > 0 ? 0 : -1;
}

/* --- Command line, set-up, main --- */

static void usage(FILE *f)
{
	fprintf(f,
		"usage: hvt-bench-synth --port SPEC [--mode tx|rx|reflect] "
		"[--io ring|hypercall|fastpath]\n"
		"  [--sizes 64,512,1518] [--seconds 2] [--warmup 0.3] "
		"[--max-packets N]\n"
		"  [--poll-cpu N] [--guest-cpu N] [--no-huge] "
		"[--idle adaptive|poll]\n"
		"  [--rx-depth N] [--prime N] [--again poll|spin] [--mtu N]\n"
		"  [--link-timeout S] [--eal-args ARGS] [--stats] [--no-copy]\n"
		"SPEC as in --net:NAME=SPEC: dpdk:net_null0, dpdk:net_ring0, "
		"tap0, vhost:PATH, ...\n");
}

static int parse_sizes(const char *s, struct opts *o)
{
	char copy[256], *save = NULL;
	double v;

	snprintf(copy, sizeof(copy), "%s", s);
	o->nb_sizes = 0;
	for (char *t = strtok_r(copy, ",", &save); t != NULL;
	     t = strtok_r(NULL, ",", &save)) {
		if (o->nb_sizes == MAX_SIZES ||
		    bench_parse_num("--sizes", t, 14, HVT_RING_SLOT_SIZE, &v) <
			0)
			return -1;
		o->sizes[o->nb_sizes++] = (unsigned)v;
	}
	return o->nb_sizes > 0 ? 0 : -1;
}

static int parse_args(int argc, char **argv, struct opts *o)
{
	static const struct option lo[] = {{"port", 1, 0, 'p'},
					   {"mode", 1, 0, 'm'},
					   {"io", 1, 0, 'i'},
					   {"sizes", 1, 0, 's'},
					   {"seconds", 1, 0, 't'},
					   {"warmup", 1, 0, 'w'},
					   {"max-packets", 1, 0, 'n'},
					   {"poll-cpu", 1, 0, 'P'},
					   {"guest-cpu", 1, 0, 'G'},
					   {"no-huge", 0, 0, 'H'},
					   {"idle", 1, 0, 'I'},
					   {"rx-depth", 1, 0, 'd'},
					   {"prime", 1, 0, 'r'},
					   {"again", 1, 0, 'a'},
					   {"mtu", 1, 0, 'M'},
					   {"link-timeout", 1, 0, 'L'},
					   {"eal-args", 1, 0, 'E'},
					   {"stats", 0, 0, 'S'},
					   {"no-copy", 0, 0, 'C'},
					   {"help", 0, 0, 'h'},
					   {0, 0, 0, 0}};
	int c, bad = 0, prime_set = 0;
	double v = 0;

	*o = (struct opts){.mode = MODE_TX,
			   .io = IO_RING,
			   .seconds = 2,
			   .warmup = 0.3,
			   .link_timeout = 10,
			   .max_packets = 1000000000ULL,
			   .poll_cpu = -1,
			   .guest_cpu = -1,
			   .rx_depth = 1};
	parse_sizes("64,512,1518", o);
	while ((c = getopt_long(argc, argv, "", lo, NULL)) != -1) {
		const char *a = optarg;
		switch (c) {
		case 'p':
			o->port = a;
			break;
		case 'm':
			o->mode = !strcmp(a, "tx")	  ? MODE_TX
				  : !strcmp(a, "rx")	  ? MODE_RX
				  : !strcmp(a, "reflect") ? MODE_REFLECT
							  : (bad = 1, MODE_TX);
			break;
		case 'i':
			o->io = !strcmp(a, "ring")	  ? IO_RING
				: !strcmp(a, "hypercall") ? IO_HYPERCALL
				: !strcmp(a, "fastpath")  ? IO_FASTPATH
							  : (bad = 1, IO_RING);
			break;
		case 's':
			bad |= parse_sizes(a, o) < 0;
			break;
		case 't':
			bad |= bench_parse_num("--seconds", a, 0.01, 600,
					       &o->seconds);
			break;
		case 'w':
			bad |=
			    bench_parse_num("--warmup", a, 0, 60, &o->warmup);
			break;
		case 'n':
			bad |= bench_parse_num("--max-packets", a, 1, 1e12, &v);
			o->max_packets = (uint64_t)v;
			break;
		case 'P':
			bad |= bench_parse_num("--poll-cpu", a, 0, 1023, &v);
			o->poll_cpu = (int)v;
			break;
		case 'G':
			bad |= bench_parse_num("--guest-cpu", a, 0, 1023, &v);
			o->guest_cpu = (int)v;
			break;
		case 'H':
			o->no_huge = true;
			break;
		case 'I':
			o->idle_poll = !strcmp(a, "poll");
			bad |= !o->idle_poll && strcmp(a, "adaptive");
			break;
		case 'd':
			bad |= bench_parse_num("--rx-depth", a, 1, 512, &v);
			o->rx_depth = (unsigned)v;
			break;
		case 'r':
			bad |= bench_parse_num("--prime", a, 0, 1000, &v);
			o->prime = (unsigned)v;
			prime_set = 1;
			break;
		case 'a':
			o->spin_on_again = !strcmp(a, "spin");
			bad |= !o->spin_on_again && strcmp(a, "poll");
			break;
		case 'M':
			bad |= bench_parse_num("--mtu", a, 68, 9000, &v);
			o->mtu = (unsigned)v;
			break;
		case 'L':
			bad |= bench_parse_num("--link-timeout", a, 0, 120,
					       &o->link_timeout);
			break;
		case 'E':
			o->eal_args = a;
			break;
		case 'S':
			o->stats = true;
			break;
		case 'C':
			o->no_copy = true;
			break;
		case 'h':
			usage(stdout);
			exit(0);
		default:
			bad = 1;
		}
	}
	if (bad || optind != argc || o->port == NULL) {
		usage(stderr);
		return -1;
	}
	/* A loop port gives nothing back unless seeded. */
	if (!prime_set && o->mode == MODE_REFLECT && o->port != NULL &&
	    strstr(o->port, "net_ring") != NULL)
		o->prime = 128;
	return 0;
}

static int pin_self(int cpu)
{
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	return pthread_setaffinity_np(pthread_self(), sizeof(set), &set);
}

static void make_variant(const struct opts *o, const struct dp_port_spec *s)
{
	char port[64];

	if (s->kind == DP_PORT_DPDK)
		snprintf(port, sizeof(port), "%.*s",
			 (int)strcspn(s->devargs, ","), s->devargs);
	else
		snprintf(port, sizeof(port), "%s", dp_port_kind_name(s->kind));
	snprintf(variant, sizeof(variant), "%s/%s/%s%s", port,
		 mode_names[o->mode], io_names[o->io],
		 o->idle_poll ? "/poll" : "");
	if (o->no_copy && o->mode == MODE_TX && o->io == IO_RING)
		strncat(variant, "/nocopy",
			sizeof(variant) - strlen(variant) - 1);
	if (o->io == IO_RING && o->mode != MODE_TX && o->rx_depth > 1)
		snprintf(variant + strlen(variant),
			 sizeof(variant) - strlen(variant), "/depth%u",
			 o->rx_depth);
}

static int setup(const struct opts *o)
{
	struct dp_config cfg;
	char err[256];
	unsigned max_size = 0;

	mem = aligned_alloc(2 * MIB, MEM_SIZE + RING_REGION);
	kick_fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	if (mem == NULL || kick_fd < 0) {
		perror("set-up");
		return -1;
	}
	memset(mem, 0, MEM_SIZE + RING_REGION);
	gm = (struct hc_gmem){.base = mem, .size = MEM_SIZE};
	ring = (struct hvt_ring *)(mem + MEM_SIZE);
	devs[H_NET].type = HC_DEV_NET;

	memset(&cfg, 0, sizeof(cfg));
	cfg.nb_nics = 1;
	cfg.nics[0].handle = H_NET;
	snprintf(cfg.nics[0].name, sizeof(cfg.nics[0].name), "bench");
	if (dp_port_spec_parse(o->port, "--port", &cfg.nics[0].spec, err,
			       sizeof(err)) < 0) {
		fprintf(stderr, "%s\n", err);
		return -2;
	}
	make_variant(o, &cfg.nics[0].spec);
	memcpy(cfg.nics[0].mac, "\x02\x00\x00\x00\x00\x01", 6);
	for (unsigned i = 0; i < o->nb_sizes; i++)
		max_size = o->sizes[i] > max_size ? o->sizes[i] : max_size;
	/* Frames of up to max_size bytes (no FCS) must pass the MTU. */
	cfg.nics[0].mtu = (uint16_t)(o->mtu	       ? o->mtu
				     : max_size > 1514 ? max_size - 14
						       : 0);
	dp_choose_cpus(o->poll_cpu, o->guest_cpu, &cfg.poll_cpu, &cfg.vcpu_cpu);
	if (cfg.poll_cpu == cfg.vcpu_cpu)
		fprintf(stderr,
			"warning: poll thread and guest share CPU "
			"%d: expect collapsed numbers\n",
			cfg.poll_cpu);
	cfg.idle = o->idle_poll ? DP_IDLE_POLL : DP_IDLE_ADAPTIVE;
	cfg.idle_ns = 200 * 1000; /* the tender's default */
	cfg.offer_ring = true;
	/* The fast path as the tender sets it up for a guest that asked for
	 * it: header in the ring region, the Solo5 ring still offered. */
	if (o->io == IO_FASTPATH) {
		cfg.fastpath_hdr = mem + MEM_SIZE + HVTX_HEADER_OFFSET;
		cfg.fastpath_version = HVTX_VERSION;
	}
	cfg.no_huge = o->no_huge;
	cfg.eal_args = o->eal_args;

	if (pin_self(cfg.vcpu_cpu) != 0)
		fprintf(stderr, "warning: cannot pin the guest to CPU %d\n",
			cfg.vcpu_cpu);
	dp = dp_start(&cfg, &gm, devs, ring, kick_fd, err, sizeof(err));
	if (dp == NULL) {
		fprintf(stderr, "dp_start: %s\n", err);
		return -1;
	}
	if (o->io == IO_FASTPATH && fp_attach() < 0)
		return -1;
	/* The sink's and the reflector's start-up: every buffer posted. */
	if (o->io == IO_FASTPATH && o->mode != MODE_TX)
		fp_rx_post_all();
	if (dp_wait_ready(dp) < 0) {
		fprintf(stderr, "the dataplane did not start (see above)\n");
		return -1;
	}
	/* The init thread ran EAL: re-pin ourselves in case it moved us. */
	pin_self(cfg.vcpu_cpu);
	tsc_hz = rte_get_tsc_hz();
	poll_thread_find();
	check_poll_affinity(cfg.poll_cpu);
	print_placement("guest", cfg.vcpu_cpu, (int)gettid());
	print_placement("poll", cfg.poll_cpu, poll_tid);
	printf("# port %s, %s, TSC %.3f GHz, idle %s, poll thread '%s'\n",
	       o->port, o->no_huge ? "--no-huge" : "hugepages if free",
	       (double)tsc_hz / 1e9, o->idle_poll ? "poll" : "adaptive",
	       poll_comm);
	port_find(&cfg.nics[0].spec);
	if (port_wait_link(o->link_timeout) < 0) {
		fprintf(stderr,
			"the port's link did not come up within "
			"%.0f s (is the peer running?)\n",
			o->link_timeout);
		return -1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	struct opts o;
	int ret = 0;

	if (parse_args(argc, argv, &o) < 0)
		return 2;
	setvbuf(stdout, NULL, _IOLBF, 0);
	ret = setup(&o);
	if (ret == 0) {
		/* rx and an unseeded reflect see the port's frame sizes. */
		unsigned nb = o.mode == MODE_TX || o.prime > 0 ? o.nb_sizes : 1;
		for (unsigned i = 0; i < nb && ret == 0; i++)
			ret = run_size(&o, o.sizes[i]);
		if (ret != 0)
			fprintf(stderr, "no packets, or a fault: stopping\n");
	}
	dp_stop(dp, o.stats);
	if (kick_fd >= 0)
		close(kick_fd);
	free(mem);
	return ret == 0 ? 0 : ret == -2 ? 2 : 1;
}
