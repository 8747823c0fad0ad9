/* SPDX-License-Identifier: ISC */
/*
 * Internal state of the dataplane, shared by its files. The poll thread
 * owns every port queue, the RX staging queues and the ring consumer; the
 * vCPU thread talks to it only through the mailbox, the rx_avail counters
 * and two eventfds. Fields touched by both threads are C11 atomics.
 */
#ifndef DP_PRIV_H
#define DP_PRIV_H

#include <pthread.h>
#include <stdatomic.h>

#include <rte_mbuf.h>

#include "dataplane.h"
#include "hypercall/fastq.h"

#define DP_BURST 32
#define DP_RXQ_SIZE 512 /* frames staged per NIC for the guest */
#define DP_PORT_RING_SIZE 1024
#define DP_POOL_SIZE 8191
#define DP_HDR_POOL_SIZE 2047 /* header-only mbufs for zero-copy TX */
#define DP_TX_STALL_NS 100000000 /* 100 ms of a full TX queue: drop */
/* At exit, a port whose peer reads our TX queue on its own time (virtio-user,
 * most vdevs) stays open this long after its last frame: a peer polling on
 * a shared CPU gets the last frames before the queue goes away. No DPDK
 * 22.11 API tells when a virtio peer has used them. */
#define DP_TX_LINGER_NS 50000000

/* Counters written by the poll thread only; read by others (telemetry,
 * exit report) with relaxed loads. */
struct dp_nic_stats {
	uint64_t rx_packets; /* delivered to the guest */
	uint64_t rx_bytes;
	uint64_t tx_packets; /* taken by the port */
	uint64_t tx_bytes;
	uint64_t drop_rx_too_big; /* frame larger than the guest's buffer */
	uint64_t drop_no_mbuf; /* no mbuf for a guest frame */
	uint64_t drop_tx_rejected; /* the port refused the frame */
	uint64_t drop_guest_error; /* bad handle/length in a guest request */
} __attribute__((aligned(64)));

/* Our own endpoint for a tap DPDK's tap PMD cannot attach to. */
struct dp_tapfd {
	int fd;
	bool owned; /* we opened it (close at exit) */
	uint64_t tx_errors; /* frames write() refused */
};

struct dp_nic {
	struct dp_nic_config cfg;
	bool is_ethdev;
	bool needs_dpdk_mem; /* virtio-user: TX buffers must be DPDK memory */
	bool tx_zero_copy; /* the port reads frames by virtual address */
	bool tx_done_in_burst; /* and is done with them when tx_burst returns */
	uint16_t port_id;
	bool probed;
	char devname[64];
	struct dp_tapfd tap;
	int intr_fd; /* RX event fd to sleep on, or -1 */
	uint32_t max_frame;
	/* RX staging, poll thread only: a bounded FIFO of received frames. */
	struct rte_mbuf *rxq[DP_RXQ_SIZE];
	uint32_t rxq_head, rxq_tail;
	atomic_uint rx_avail; /* frames staged: the vCPU's POLL readiness */
	atomic_int link_up; /* last link state read (ethdev ports) */
	/* TX batch, poll thread only. */
	struct rte_mbuf *txb[DP_BURST];
	unsigned nb_txb;
	uint64_t tx_stall_since; /* TSC when the port last refused, or 0 */
	uint64_t last_tx_tsc; /* TSC of the last frame the port accepted */
	struct dp_nic_stats stats;
	/* Fast-path queues (poll thread), when the guest negotiated them. */
	bool has_fq;
	struct hc_fastq fq;
	uint64_t fq_bad_seen; /* fq.stats.tx_bad_len already in stats */
	struct rte_mbuf_ext_shared_info fq_shinfo[HVTX_QUEUE_ENTRIES];
	struct dp_fq_token {
		struct dp_nic *nic;
		uint32_t token;
	} fq_tokens[HVTX_QUEUE_ENTRIES];
};

enum dp_mbox_state { DP_MBOX_IDLE, DP_MBOX_POSTED, DP_MBOX_DONE };

/* One hypercall handed from the vCPU thread to the poll thread. The vCPU
 * blocks until it is done, so one slot is a full SPSC queue. */
struct dp_mailbox {
	atomic_uint state;
	uint32_t is_write;
	uint64_t handle;
	void *buf;
	uint64_t len;
	int ret;
	bool answered; /* poll thread: result set, buffer maybe still held */
};

enum dp_state { DP_STARTING, DP_READY, DP_FAILED };

struct dp_tx_token {
	struct dp *dp;
	uint32_t token;
};

struct dp {
	struct dp_config cfg;
	struct hc_gmem gmem;
	const struct hc_dev *devs;
	struct dp_nic nics[HVT_MFT_MAX_ENTRIES - 1];
	unsigned nb_nics;
	struct dp_nic *by_handle[HVT_MFT_MAX_ENTRIES];

	/* Solo5 shared ring (poll thread). */
	bool has_ring;
	struct hc_ring ring;
	struct rte_mbuf_ext_shared_info shinfo[HVT_RING_ENTRIES];
	struct dp_tx_token tokens[HVT_RING_ENTRIES];
	/* Fast path (see fastpath.c): the header in guest memory. */
	struct hvtx_header *fp_hdr;
	/* NET_WRITE sent in place (poll thread). */
	struct rte_mbuf_ext_shared_info hc_shinfo;
	bool hc_tx_busy;

	struct rte_mempool *pool; /* RX and copied TX frames */
	struct rte_mempool *hdr_pool; /* zero-copy TX headers */

	/* Wake-ups. */
	int kick_fd; /* guest ring kicks (KVM ioeventfd) -> poll thread */
	int wake_fd; /* vCPU mailbox -> sleeping poll thread */
	int rx_evt_fd; /* poll thread -> vCPU waiting in POLL */
	int epoll_fd;
	atomic_int poller_sleeping;
	unsigned nap_ms; /* poll thread: next nap for ports without wake-ups */
	atomic_int vcpu_waiting;
	struct dp_mailbox mbox;

	/* Lifecycle. */
	pthread_t init_thread;
	bool init_thread_started;
	atomic_int state;
	atomic_bool stop;
	atomic_bool faulted;
	char fault_msg[256];
	unsigned poll_lcore;
	bool poll_launched;
};

/* shared_mem.c: where the port can read [hva, hva + len) of guest RAM in
 * DPDK memory, or NULL if that range is not shared (copy it). */
const void *dp_shared_alias(const void *hva, uint64_t len);

/* eal.c: start EAL once per process (later calls return 0 at once), with
 * room for `shared` bytes of guest RAM; stop it and remove its files. */
int dp_eal_start(const struct dp_config *cfg, uint64_t shared);
void dp_eal_stop(void);
/* Only remove EAL's runtime files (when EAL cannot be stopped cleanly). */
void dp_eal_forget(void);

/* port.c: open, configure and start a NIC's port; close it. Init thread. */
int dp_nic_open(struct dp *dp, struct dp_nic *nic);
void dp_nic_close(struct dp *dp, struct dp_nic *nic);
/* Poll thread: receive into staging; send the TX batch. */
unsigned dp_nic_rx(struct dp *dp, struct dp_nic *nic);
void dp_nic_tx_flush(struct dp *dp, struct dp_nic *nic);
/* Frames the port refused and we retry (the poll thread stays awake). */
bool dp_nic_tx_pending(const struct dp_nic *nic);
/* Arm (true) or disarm RX event notification before/after sleeping. */
void dp_nic_rx_intr(struct dp_nic *nic, bool enable);

/* tapfd.c: our own tap endpoint (see struct dp_tapfd). */
/* Opens spec's tap (attaching, or creating it when it does not exist);
 * create_mtu != 0: the tap is being created here, set that MTU and bring
 * it up. Init thread. */
int dp_tapfd_open(struct dp_tapfd *t, const struct dp_port_spec *spec,
		  uint16_t create_mtu, char *err, size_t err_len);
void dp_tapfd_close(struct dp_tapfd *t);
uint16_t dp_tapfd_rx(struct dp_tapfd *t, struct rte_mempool *pool,
		     struct rte_mbuf **pkts, uint16_t n);
uint16_t dp_tapfd_tx(struct dp_tapfd *t, struct rte_mbuf **pkts, uint16_t n);

/* poller.c */
extern const struct hc_ring_ops dp_ring_ops;
int dp_poll_loop(void *arg);
void dp_set_fault(struct dp *dp, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* stats.c */
void dp_stats_print(const struct dp *dp);
void dp_telemetry_register(struct dp *dp);
/* After this, telemetry no longer reads dp (call before freeing it). */
void dp_telemetry_unregister(void);

/* Logging for the dataplane's control paths (not lcores). */
void dp_log(int level, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
#define DP_ERR 0
#define DP_WARN 1
#define DP_INFO 2

/* fastpath.c: the fast-path queues of every NIC (poll thread). */
void dp_fastpath_init(struct dp *dp);
/* Serve nic's queues: staged frames into posted buffers, posted frames to
 * the port. Returns work done, or -1 after dp_set_fault(). */
int dp_fastpath_serve(struct dp *dp, struct dp_nic *nic);
/* Idle protocol with the guest (see hc_ring_prepare_sleep()). */
void dp_fastpath_needs_kick(struct dp *dp, bool on);

/*
 * Whether the vCPU should see nic as ready in POLL. Any thread. Once a
 * fast-path guest has posted RX buffers, only frames delivered into them
 * count: frames the host holds while the guest holds every buffer cannot
 * reach it, and must not end its POLL at once, over and over.
 */
static inline bool dp_nic_rx_ready(const struct dp_nic *nic)
{
	if (nic->has_fq &&
	    __atomic_load_n(&nic->fq.shared->rx_post, __ATOMIC_RELAXED) != 0)
		return hc_fastq_rx_ready(nic->fq.shared);
	return atomic_load_explicit(&nic->rx_avail, memory_order_acquire) > 0;
}

/* poller.c helpers shared with fastpath.c. */
struct rte_mbuf *dp_frame_copy(struct dp *dp, const void *frame, uint32_t len);
void dp_nic_queue_tx(struct dp *dp, struct dp_nic *nic, struct rte_mbuf *m);

#endif /* DP_PRIV_H */
