/* SPDX-License-Identifier: ISC */
/*
 * Dataplane lifecycle and the vCPU thread's side. dp_start() validates and
 * hands EAL start-up, pools and ports to an init thread, so the guest boots
 * while DPDK comes up; the init thread then launches the poll lcore. The
 * vCPU reaches the poll thread only through the mailbox and eventfds.
 */
#include <errno.h>
#include <linux/futex.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include <rte_eal.h>
#include <rte_errno.h>
#include <rte_launch.h>
#include <rte_lcore.h>
#include <rte_mbuf.h>

#include "dp_priv.h"

static int log_verbosity;

void dp_log(int level, const char *fmt, ...)
{
	char line[512];
	va_list ap;
	int n;

	n = snprintf(line, sizeof(line), "hvt-dpdk: %s",
		     level == DP_WARN ? "warning: " : "");
	va_start(ap, fmt);
	n += vsnprintf(line + n, sizeof(line) - (size_t)n - 1, fmt, ap);
	va_end(ap);
	if (n > (int)sizeof(line) - 2)
		n = (int)sizeof(line) - 2;
	line[n++] = '\n';
	if (write(STDERR_FILENO, line, (size_t)n) < 0)
		return;
}

void dp_choose_cpus(int want_poll, int want_vcpu, int *poll_cpu, int *vcpu_cpu)
{
	cpu_set_t set;
	int first = -1, last = -1;

	CPU_ZERO(&set);
	if (sched_getaffinity(0, sizeof(set), &set) == 0) {
		for (int c = 0; c < CPU_SETSIZE; c++) {
			if (!CPU_ISSET(c, &set))
				continue;
			if (first < 0)
				first = c;
			last = c;
		}
	}
	if (first < 0)
		first = last = 0;
	*poll_cpu = want_poll >= 0 ? want_poll : last;
	*vcpu_cpu = want_vcpu >= 0 ? want_vcpu : first;
}

static int create_pools(struct dp *dp)
{
	uint32_t max_frame = 2048;

	for (unsigned i = 0; i < dp->nb_nics; i++)
		if (dp->nics[i].max_frame > max_frame)
			max_frame = dp->nics[i].max_frame;
	dp->pool = rte_pktmbuf_pool_create(
	    "hvt_frames", DP_POOL_SIZE, 256, 0,
	    (uint16_t)(RTE_PKTMBUF_HEADROOM + max_frame), SOCKET_ID_ANY);
	/* Zero-copy TX: headers only, data stays in guest memory. */
	dp->hdr_pool = rte_pktmbuf_pool_create(
	    "hvt_hdrs",
	    DP_HDR_POOL_SIZE +
		(dp->fp_hdr != NULL ? dp->nb_nics * HVTX_QUEUE_ENTRIES : 0),
	    64, 0, 0, SOCKET_ID_ANY);
	if (dp->pool == NULL || dp->hdr_pool == NULL) {
		dp_log(DP_ERR, "cannot create mbuf pools: %s",
		       rte_strerror(rte_errno));
		return -1;
	}
	return 0;
}

static int epoll_add(int epfd, int fd, uint32_t events)
{
	struct epoll_event ev = {.events = events, .data.fd = fd};

	return fd < 0 ? 0 : epoll_ctl(epfd, EPOLL_CTL_ADD, fd, &ev);
}

/* Everything the poll thread sleeps on: edge-triggered so a port's fd
 * (a tap queue, a vring kick eventfd) need not be drained by us. */
static int setup_epoll(struct dp *dp)
{
	dp->epoll_fd = epoll_create1(EPOLL_CLOEXEC);
	if (dp->epoll_fd < 0 || epoll_add(dp->epoll_fd, dp->kick_fd, EPOLLIN) ||
	    epoll_add(dp->epoll_fd, dp->wake_fd, EPOLLIN))
		return -1;
	for (unsigned i = 0; i < dp->nb_nics; i++)
		if (epoll_add(dp->epoll_fd, dp->nics[i].intr_fd,
			      EPOLLIN | EPOLLET) < 0)
			return -1;
	return 0;
}

static void *init_thread(void *arg)
{
	struct dp *dp = arg;
	int ret;

	if (dp_eal_start(&dp->cfg, 0) < 0 || create_pools(dp) < 0)
		goto fail;
	for (unsigned i = 0; i < dp->nb_nics; i++)
		if (dp_nic_open(dp, &dp->nics[i]) < 0)
			goto fail;
	if (setup_epoll(dp) < 0) {
		dp_log(DP_ERR, "epoll set-up: %s", strerror(errno));
		goto fail;
	}
	dp_telemetry_register(dp);
	ret = rte_eal_remote_launch(dp_poll_loop, dp, dp->poll_lcore);
	if (ret != 0) {
		dp_log(DP_ERR, "cannot launch the poll lcore: %s",
		       rte_strerror(-ret));
		goto fail;
	}
	dp->poll_launched = true;
	atomic_store(&dp->state, DP_READY);
	return NULL;
fail:
	atomic_store(&dp->state, DP_FAILED);
	dp_set_fault(dp, "the dataplane failed to start");
	return NULL;
}

static int make_eventfds(struct dp *dp)
{
	dp->wake_fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	dp->rx_evt_fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	return dp->wake_fd < 0 || dp->rx_evt_fd < 0 ? -1 : 0;
}

struct dp *dp_start(const struct dp_config *cfg, const struct hc_gmem *gmem,
		    const struct hc_dev *devs, void *ring_hva, int kick_fd,
		    char *err, size_t err_len)
{
	struct dp *dp = calloc(1, sizeof(*dp));

	if (dp == NULL) {
		snprintf(err, err_len, "dataplane: out of memory");
		return NULL;
	}
	if (cfg->nb_nics > HVT_MFT_MAX_ENTRIES - 1) {
		snprintf(err, err_len, "dataplane: %u NICs: at most %d",
			 cfg->nb_nics, HVT_MFT_MAX_ENTRIES - 1);
		free(dp);
		return NULL;
	}
	for (unsigned i = 0; i < cfg->nb_nics; i++) {
		uint32_t h = cfg->nics[i].handle;
		if (h == 0 || h >= HVT_MFT_MAX_ENTRIES || dp->by_handle[h]) {
			snprintf(err, err_len,
				 "dataplane: NIC '%s' has bad or duplicate "
				 "handle %u",
				 cfg->nics[i].name, h);
			free(dp);
			return NULL;
		}
		dp->by_handle[h] = &dp->nics[i];
	}
	dp->cfg = *cfg;
	log_verbosity = cfg->verbosity;
	dp->gmem = *gmem;
	dp->devs = devs;
	dp->kick_fd = kick_fd;
	dp->poll_lcore = 1; /* see the --lcores EAL argument */
	dp->nap_ms = 1;
	dp->epoll_fd = dp->wake_fd = dp->rx_evt_fd = -1;
	dp->nb_nics = cfg->nb_nics;
	for (unsigned i = 0; i < cfg->nb_nics; i++) {
		struct dp_nic *nic = &dp->nics[i];
		nic->cfg = cfg->nics[i];
		if (nic->cfg.mtu == 0)
			nic->cfg.mtu = 1500;
		nic->max_frame = nic->cfg.mtu + 14u;
		nic->intr_fd = nic->tap.fd = -1;
	}
	if (ring_hva != NULL) {
		dp->has_ring = true;
		/* The poll thread starts later; the guest may publish before:
		 * the first poll picks that up. */
		hc_ring_init(&dp->ring, ring_hva, &dp->gmem, devs, &dp_ring_ops,
			     dp);
	}
	if (cfg->fastpath_hdr != NULL) {
		dp->fp_hdr = cfg->fastpath_hdr;
		dp_fastpath_init(dp);
	}
	if (make_eventfds(dp) < 0 ||
	    pthread_create(&dp->init_thread, NULL, init_thread, dp) != 0) {
		snprintf(err, err_len, "dataplane: cannot start: %s",
			 strerror(errno));
		dp_stop(dp, false);
		return NULL;
	}
	dp->init_thread_started = true;
	return dp;
}

int dp_wait_ready(struct dp *dp)
{
	if (dp->init_thread_started) {
		pthread_join(dp->init_thread, NULL);
		dp->init_thread_started = false;
	}
	return atomic_load(&dp->state) == DP_READY ? 0 : -1;
}

/* Like dp_wait_ready(), but give up after timeout_s: a port's probe can
 * block for good (a virtio-user server waits for its first peer). */
static bool init_finished_within(struct dp *dp, time_t timeout_s)
{
	struct timespec until;

	if (!dp->init_thread_started)
		return true;
	clock_gettime(CLOCK_REALTIME, &until);
	until.tv_sec += timeout_s;
	if (pthread_timedjoin_np(dp->init_thread, NULL, &until) != 0)
		return false;
	dp->init_thread_started = false;
	return true;
}

const char *dp_fault(const struct dp *dp)
{
	return dp != NULL && atomic_load(&dp->faulted) ? dp->fault_msg : NULL;
}

static void kick_poller(struct dp *dp)
{
	uint64_t one = 1;

	if (atomic_load(&dp->poller_sleeping) &&
	    write(dp->wake_fd, &one, sizeof(one)) < 0)
		return; /* the counter is saturated: it is awake anyway */
}

/* Post one hypercall to the poll thread and wait for its answer. */
static int mailbox_call(struct dp *dp, bool is_write, uint64_t handle,
			void *buf, uint64_t *len)
{
	struct dp_mailbox *mb = &dp->mbox;

	if (atomic_load(&dp->state) != DP_READY && dp_wait_ready(dp) < 0)
		return HVT_R_EUNSPEC;
	mb->is_write = is_write;
	mb->handle = handle;
	mb->buf = buf;
	mb->len = *len;
	/* seq_cst: POSTED is visible before we read poller_sleeping. */
	atomic_store(&mb->state, DP_MBOX_POSTED);
	kick_poller(dp);
	/* The poll thread answers within a pass; a sleeping one re-checks the
	 * mailbox after announcing its sleep, so one kick is enough. */
	while (atomic_load_explicit(&mb->state, memory_order_acquire) !=
	       DP_MBOX_DONE) {
		if (atomic_load(&dp->faulted) || atomic_load(&dp->stop))
			return HVT_R_EUNSPEC;
		__builtin_ia32_pause();
	}
	*len = mb->len;
	atomic_store_explicit(&mb->state, DP_MBOX_IDLE, memory_order_relaxed);
	return mb->ret;
}

int dp_net_write(struct dp *dp, uint64_t handle, const void *buf, uint64_t len)
{
	return mailbox_call(dp, true, handle, (void *)(uintptr_t)buf, &len);
}

int dp_net_read(struct dp *dp, uint64_t handle, void *buf, uint64_t *len)
{
	return mailbox_call(dp, false, handle, buf, len);
}

static int collect_ready(struct dp *dp, uint64_t *ready_set)
{
	int n = 0;

	*ready_set = 0;
	for (unsigned i = 0; i < dp->nb_nics; i++) {
		if (dp_nic_rx_ready(&dp->nics[i])) {
			*ready_set |= 1ULL << dp->nics[i].cfg.handle;
			n++;
		}
	}
	return n;
}

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

int dp_poll(struct dp *dp, uint64_t timeout_ns, uint64_t *ready_set,
	    const void *sigmask)
{
	struct pollfd pfd = {.fd = dp->rx_evt_fd, .events = POLLIN};
	uint64_t deadline, v;
	int n = collect_ready(dp, ready_set);

	if (n > 0 || timeout_ns == 0)
		return n;
	deadline = now_ns() + timeout_ns;
	if (deadline < timeout_ns)
		deadline = UINT64_MAX;
	for (;;) {
		uint64_t now = now_ns();
		struct timespec ts;
		int ret;

		if (now >= deadline)
			return 0;
		ts.tv_sec = (time_t)((deadline - now) / 1000000000ULL);
		ts.tv_nsec = (long)((deadline - now) % 1000000000ULL);
		/* seq_cst: the flag is visible before the re-check, so the
		 * poll thread either sees us waiting or we see its frames. */
		atomic_store(&dp->vcpu_waiting, 1);
		n = collect_ready(dp, ready_set);
		if (n > 0) {
			atomic_store(&dp->vcpu_waiting, 0);
			return n;
		}
		ret = ppoll(&pfd, 1, &ts, sigmask);
		atomic_store(&dp->vcpu_waiting, 0);
		if (ret > 0 && read(dp->rx_evt_fd, &v, sizeof(v)) < 0)
			v = 0; /* drained by an earlier read */
		n = collect_ready(dp, ready_set);
		/* Frames, or a signal (the caller checks for a stop); a stale
		 * wake-up from an earlier wait just waits on. */
		if (n > 0 || (ret < 0 && errno == EINTR) ||
		    atomic_load(&dp->faulted))
			return n;
	}
}

static void close_fd(int *fd)
{
	if (*fd >= 0)
		close(*fd);
	*fd = -1;
}

/* See DP_TX_LINGER_NS. */
static void linger_for_tx_peers(const struct dp *dp)
{
	uint64_t hz = rte_get_tsc_hz(), now = rte_get_tsc_cycles();
	uint64_t linger = hz / (1000000000 / DP_TX_LINGER_NS), wait = 0;

	for (unsigned i = 0; i < dp->nb_nics; i++) {
		const struct dp_nic *nic = &dp->nics[i];
		uint64_t since = now - nic->last_tx_tsc;

		if (nic->is_ethdev && !nic->tx_done_in_burst &&
		    nic->last_tx_tsc != 0 && since < linger &&
		    linger - since > wait)
			wait = linger - since;
	}
	if (wait > 0) {
		struct timespec ts = {0, (long)(wait * 1000000000 / hz)};
		while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
			;
	}
}

void dp_stop(struct dp *dp, bool print_stats)
{
	if (dp == NULL)
		return;
	if (!init_finished_within(dp, 2)) {
		/* Leave DPDK as it is: the process is about to exit. */
		dp_log(DP_WARN,
		       "a port is still starting (a virtio-user "
		       "server waiting for its peer?): exiting without "
		       "closing the dataplane");
		dp_eal_forget();
		return;
	}
	atomic_store(&dp->stop, true);
	if (dp->poll_launched) {
		uint64_t one = 1;
		if (write(dp->wake_fd, &one, sizeof(one)) < 0)
			dp_log(DP_WARN, "cannot wake the poll thread");
		rte_eal_wait_lcore(dp->poll_lcore);
	}
	linger_for_tx_peers(dp);
	dp_telemetry_unregister();
	if (print_stats)
		dp_stats_print(dp);
	for (unsigned i = 0; i < dp->nb_nics; i++)
		dp_nic_close(dp, &dp->nics[i]);
	if (dp_needs_shared_mem(&dp->cfg)) {
		/* virtio-user ports stay open (see dp_nic_close): so do their
		 * pools and EAL, until the process exits. */
		dp_eal_forget();
	} else {
		rte_mempool_free(dp->pool);
		rte_mempool_free(dp->hdr_pool);
		dp_eal_stop();
	}
	close_fd(&dp->epoll_fd);
	close_fd(&dp->wake_fd);
	close_fd(&dp->rx_evt_fd);
	free(dp);
}
