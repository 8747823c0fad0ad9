/* SPDX-License-Identifier: ISC */
/*
 * The dataplane's public interface: every guest NIC is a port (a DPDK
 * ethdev, or a tap file descriptor where DPDK cannot attach) served by a
 * dedicated poll thread. The tender uses only this header; it never sees a
 * DPDK type. Functions say which thread may call them.
 */
#ifndef DATAPLANE_H
#define DATAPLANE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "hypercall.h"
#include "ring.h"

/* Where vhostN names put their sockets. */
#define DP_VHOST_DEFAULT_DIR "/var/run/hvt-dpdk"
#define DP_PATH_MAX 108 /* sun_path */

enum dp_port_kind {
	DP_PORT_TAP, /* a kernel interface name: tap PMD or our tap fd */
	DP_PORT_TAP_FD, /* @FD: a tap fd opened by the caller */
	DP_PORT_VHOST, /* vhostN or vhost:PATH[,client] */
	DP_PORT_VIRTIO_USER, /* virtio-user:PATH[,server] */
	DP_PORT_DPDK, /* dpdk:DEVARGS: any vdev or PCI device */
};

struct dp_port_spec {
	enum dp_port_kind kind;
	char ifname[16]; /* DP_PORT_TAP */
	int fd; /* DP_PORT_TAP_FD */
	char path[DP_PATH_MAX]; /* vhost / virtio-user socket */
	bool client; /* vhost: we connect (default: we listen) */
	bool server; /* virtio-user: we listen (OVS dpdkvhostuserclient) */
	char devargs[256]; /* DP_PORT_DPDK */
};

/*
 * Parse the SPEC of --net:NAME=SPEC. Pure. Returns 0, or -1 with one line in
 * err naming the option (opt, e.g. "--net:service=vhost:/x"), the bad value
 * and what is accepted.
 */
int dp_port_spec_parse(const char *spec, const char *opt,
		       struct dp_port_spec *out, char *err, size_t err_len);

/* Short name of a port kind for messages: "tap", "vhost-user", ... */
const char *dp_port_kind_name(enum dp_port_kind kind);

enum dp_idle_policy {
	DP_IDLE_ADAPTIVE, /* poll while busy, sleep on events when idle */
	DP_IDLE_POLL, /* always poll (lowest latency, one CPU at 100%) */
};

struct dp_nic_config {
	uint32_t handle; /* manifest index */
	char name[HVT_MFT_NAME_SIZE];
	struct dp_port_spec spec;
	uint8_t mac[6];
	uint16_t mtu; /* 0: the port's default (1500) */
};

struct dp_config {
	struct dp_nic_config nics[HVT_MFT_MAX_ENTRIES - 1];
	unsigned nb_nics;
	const char *eal_args; /* extra EAL arguments, space separated */
	int poll_cpu; /* from dp_choose_cpus() */
	int vcpu_cpu;
	enum dp_idle_policy idle;
	uint64_t idle_ns; /* adaptive: sleep after this long idle */
	bool offer_ring; /* offer the Solo5 shared ring */
	/* The fast path (docs/fastpath.md): the header's host address in
	 * guest memory, or NULL when the guest did not negotiate it, and
	 * the version agreed on. */
	void *fastpath_hdr;
	uint32_t fastpath_version;
	int verbosity;
	bool no_huge; /* for tests: normal pages, no shared config files */
	/* Called from the poll thread after a fatal fault (see dp_fault()),
	 * to make the vCPU thread stop the VM. */
	void (*fault_notify)(void *opaque);
	void *fault_opaque;
};

struct dp;

/*
 * For guests with a virtio-user NIC: start DPDK now (synchronously) and
 * back [at, at + len) - the part of guest RAM above the kernel image,
 * 2 MiB aligned - with DPDK memory the port's peer can map. Call before
 * the guest's memory is used, then dp_start() as usual. Returns 0, or -1
 * with one line in err. Main thread.
 */
int dp_shared_mem_map(const struct dp_config *cfg, void *at, uint64_t len,
		      char *err, size_t err_len);

/* Whether any NIC in cfg needs dp_shared_mem_map(). */
bool dp_needs_shared_mem(const struct dp_config *cfg);

/*
 * CPUs for the poll thread and the vCPU thread: the wanted ones (>= 0), else
 * the last and the first CPU this process may use, so the two do not share
 * a CPU when there are two. Any thread.
 */
void dp_choose_cpus(int want_poll, int want_vcpu, int *poll_cpu, int *vcpu_cpu);

/*
 * Validate cfg and start bringing the dataplane up on a background thread
 * (EAL start-up costs ~140 ms here), so the guest boots meanwhile. Guest
 * memory [gmem->base, +size) is the packet memory; ring_hva (or NULL) is
 * the Solo5 shared ring inside it. kick_fd is an eventfd the guest's ring
 * kicks signal (registered as a KVM ioeventfd by the caller), or -1.
 * Returns NULL with one line in err on failure. Main thread.
 */
struct dp *dp_start(const struct dp_config *cfg, const struct hc_gmem *gmem,
		    const struct hc_dev *devs, void *ring_hva, int kick_fd,
		    char *err, size_t err_len);

/*
 * Wait until the dataplane is up. 0, or -1 if it failed (the reason was
 * logged). Any thread.
 */
int dp_wait_ready(struct dp *dp);

/* Hypercall services, for struct hc_host_ops. vCPU thread only. */
int dp_net_write(struct dp *dp, uint64_t handle, const void *buf, uint64_t len);
int dp_net_read(struct dp *dp, uint64_t handle, void *buf, uint64_t *len);

/*
 * Wait up to timeout_ns for RX on any NIC or until a stop signal (sigmask is
 * the mask to wait with). Returns the number of ready NICs, bit `handle` set
 * in *ready_set for each. vCPU thread only.
 */
int dp_poll(struct dp *dp, uint64_t timeout_ns, uint64_t *ready_set,
	    const void *sigmask);

/* A fatal dataplane fault (hostile ring): non-NULL message once set. */
const char *dp_fault(const struct dp *dp);

/*
 * Stop the poll thread, close every port, print per-NIC stats (when
 * print_stats), shut EAL down and remove its runtime files. Main thread,
 * after the vCPU has stopped. dp may be NULL.
 */
void dp_stop(struct dp *dp, bool print_stats);

#endif /* DATAPLANE_H */
