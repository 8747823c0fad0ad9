/* SPDX-License-Identifier: ISC */
/*
 * The poll loop: the only thread that touches port queues, RX staging and
 * the Solo5 ring. Serves, in bursts: port RX into staging, the guest's ring
 * entries, the vCPU's hypercall mailbox, then TX. When adaptive and idle it
 * sleeps on eventfds (ring kick, mailbox, RX interrupts). No malloc, no
 * locks, no printf here; errors become counters.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/epoll.h>
#include <unistd.h>

#include <rte_cycles.h>
#include <rte_ethdev.h>
#include <rte_mbuf.h>

#include "dp_priv.h"

#define RING_BUDGET 64
#define SLEEP_NO_INTR_MS 1 /* first nap when a port cannot wake us */
#define LINK_CHECKS_PER_SEC 10
#define DRAIN_PASSES 64 /* at stop: passes while there is work */

void dp_set_fault(struct dp *dp, const char *fmt, ...)
{
	va_list ap;

	if (atomic_load(&dp->faulted))
		return;
	va_start(ap, fmt);
	vsnprintf(dp->fault_msg, sizeof(dp->fault_msg), fmt, ap);
	va_end(ap);
	atomic_store(&dp->faulted, true);
	if (dp->cfg.fault_notify != NULL)
		dp->cfg.fault_notify(dp->cfg.fault_opaque);
}

static struct dp_nic *nic_get(struct dp *dp, uint64_t handle)
{
	return handle < HVT_MFT_MAX_ENTRIES ? dp->by_handle[handle] : NULL;
}

/* Deliver the oldest staged frame of nic into [buf, buf + cap). */
static int nic_read(struct dp_nic *nic, void *buf, uint64_t cap, uint64_t *len)
{
	struct rte_mbuf *m;
	uint32_t plen;

	if (nic->rxq_head == nic->rxq_tail)
		return HVT_R_AGAIN;
	m = nic->rxq[nic->rxq_head++ % DP_RXQ_SIZE];
	atomic_fetch_sub_explicit(&nic->rx_avail, 1, memory_order_relaxed);
	plen = m->pkt_len;
	if (plen > cap) {
		nic->stats.drop_rx_too_big++;
		rte_pktmbuf_free(m);
		return HVT_R_EINVAL;
	}
	/* The one copy of RX: mbuf (chain) into the guest's buffer.
	 * rte_pktmbuf_read copies a chain into buf itself, or points at
	 * contiguous data. */
	const void *data = rte_pktmbuf_read(m, 0, plen, buf);
	if (data != buf)
		memcpy(buf, data, plen);
	nic->stats.rx_packets++;
	nic->stats.rx_bytes += plen;
	rte_pktmbuf_free(m);
	*len = plen;
	return HVT_R_OK;
}

void dp_nic_queue_tx(struct dp *dp, struct dp_nic *nic, struct rte_mbuf *m)
{
	if (nic->nb_txb == DP_BURST)
		dp_nic_tx_flush(dp, nic);
	if (nic->nb_txb == DP_BURST) {
		/* Still a full batch waiting on the port: this one drops. */
		nic->stats.drop_tx_rejected++;
		rte_pktmbuf_free(m);
		return;
	}
	nic->txb[nic->nb_txb++] = m;
}

/* Copy a frame into a fresh mbuf chain (the hypercall path). */
struct rte_mbuf *dp_frame_copy(struct dp *dp, const void *frame, uint32_t len)
{
	struct rte_mbuf *head = rte_pktmbuf_alloc(dp->pool), *last = head;
	const uint8_t *src = frame;

	while (last != NULL && len > 0) {
		uint16_t room = rte_pktmbuf_tailroom(last);
		uint32_t n = len < room ? len : room;
		memcpy(rte_pktmbuf_mtod(last, uint8_t *), src, n);
		last->data_len = (uint16_t)n;
		head->pkt_len += n;
		src += n;
		len -= n;
		if (len > 0) {
			struct rte_mbuf *next = rte_pktmbuf_alloc(dp->pool);
			if (next == NULL ||
			    rte_pktmbuf_chain(head, next) != 0) {
				rte_pktmbuf_free(next);
				rte_pktmbuf_free(head);
				return NULL;
			}
			last = next;
		}
	}
	return head;
}

/* Ring write: attach the guest's slot buffer to a header mbuf (no copy in
 * the tender); its free callback retires the ring entry. */
static void ring_tx_free(void *addr, void *opaque)
{
	struct dp_tx_token *t = opaque;

	(void)addr;
	hc_ring_write_done(&t->dp->ring, t->token);
}

/* Copy a ring frame into an mbuf: its slot is free again at once. */
static int ring_write_copy(struct dp *dp, struct dp_nic *nic, const void *frame,
			   uint32_t len, uint32_t token)
{
	struct rte_mbuf *m = dp_frame_copy(dp, frame, len);

	if (m == NULL) {
		nic->stats.drop_no_mbuf++;
		return HVT_R_EUNSPEC;
	}
	dp_nic_queue_tx(dp, nic, m);
	hc_ring_write_done(&dp->ring, token);
	return HVT_R_OK;
}

static int ring_write(void *opaque, uint64_t handle, const void *frame,
		      uint32_t len, uint32_t token)
{
	const void *frame_hva = frame;
	struct dp *dp = opaque;
	struct dp_nic *nic = nic_get(dp, handle);
	uint32_t slot = token & HVT_RING_MASK;
	struct rte_mbuf_ext_shared_info *sh = &dp->shinfo[slot];
	struct rte_mbuf *m;

	if (nic == NULL)
		return HVT_R_EINVAL;
	if (len > nic->max_frame) {
		nic->stats.drop_guest_error++;
		return HVT_R_EINVAL;
	}
	if (!nic->tx_zero_copy)
		return ring_write_copy(dp, nic, frame, len, token);
	if (nic->needs_dpdk_mem) {
		/* The peer reads DPDK memory only: use the frame's alias
		 * there, or copy a frame outside it (kernel image). */
		frame = dp_shared_alias(frame, len);
		if (frame == NULL)
			return ring_write_copy(dp, nic, frame_hva, len, token);
	}
	m = rte_pktmbuf_alloc(dp->hdr_pool);
	if (m == NULL) {
		nic->stats.drop_no_mbuf++;
		return HVT_R_EUNSPEC;
	}
	dp->tokens[slot] = (struct dp_tx_token){.dp = dp, .token = token};
	sh->free_cb = ring_tx_free;
	sh->fcb_opaque = &dp->tokens[slot];
	rte_mbuf_ext_refcnt_set(sh, 1);
	rte_pktmbuf_attach_extbuf(m, (void *)(uintptr_t)frame, RTE_BAD_IOVA,
				  (uint16_t)len, sh);
	m->data_off = 0;
	m->data_len = (uint16_t)len;
	m->pkt_len = len;
	dp_nic_queue_tx(dp, nic, m);
	return HVT_R_OK;
}

static int ring_read(void *opaque, uint64_t handle, void *buf, uint32_t cap,
		     uint32_t *len)
{
	struct dp *dp = opaque;
	struct dp_nic *nic = nic_get(dp, handle);
	uint64_t n = 0;
	int ret;

	if (nic == NULL)
		return HVT_R_EINVAL;
	ret = nic_read(nic, buf, cap, &n);
	*len = (uint32_t)n;
	return ret;
}

const struct hc_ring_ops dp_ring_ops = {
    .write = ring_write,
    .read = ring_read,
};

/* A hypercall frame sent in place: the guest's buffer is free again when
 * the port frees the mbuf. */
static void hc_tx_free(void *addr, void *opaque)
{
	struct dp *dp = opaque;

	(void)addr;
	dp->hc_tx_busy = false;
}

/*
 * NET_WRITE. Ports that are done with a frame when tx_burst returns (tap,
 * vhost-user) send it from the guest's buffer; the others (virtio-user,
 * other DPDK devices may hold it for long) get a copy, since the guest
 * reuses its buffer as soon as the hypercall returns.
 */
static int hc_write(struct dp *dp, struct dp_nic *nic, void *buf, uint32_t len)
{
	struct rte_mbuf *m;

	/* The port has refused a full batch already: push back on the guest
	 * (SOLO5_R_AGAIN, which Solo5 guests retry) instead of dropping. */
	if (nic->nb_txb == DP_BURST) {
		dp_nic_tx_flush(dp, nic);
		if (nic->nb_txb == DP_BURST)
			return HVT_R_AGAIN;
	}
	if (!nic->tx_done_in_burst) {
		m = dp_frame_copy(dp, buf, len);
	} else if ((m = rte_pktmbuf_alloc(dp->hdr_pool)) != NULL) {
		dp->hc_shinfo.free_cb = hc_tx_free;
		dp->hc_shinfo.fcb_opaque = dp;
		rte_mbuf_ext_refcnt_set(&dp->hc_shinfo, 1);
		rte_pktmbuf_attach_extbuf(m, buf, RTE_BAD_IOVA, (uint16_t)len,
					  &dp->hc_shinfo);
		m->data_off = 0;
		m->data_len = (uint16_t)len;
		m->pkt_len = len;
		dp->hc_tx_busy = true;
	}
	if (m == NULL) {
		nic->stats.drop_no_mbuf++;
		return HVT_R_AGAIN;
	}
	dp_nic_queue_tx(dp, nic, m);
	dp_nic_tx_flush(dp, nic);
	return HVT_R_OK;
}

/* The vCPU's NET_READ / NET_WRITE hypercall, if one is posted. */
static unsigned mailbox_serve(struct dp *dp)
{
	struct dp_mailbox *mb = &dp->mbox;
	struct dp_nic *nic;

	if (atomic_load_explicit(&mb->state, memory_order_acquire) !=
	    DP_MBOX_POSTED)
		return 0;
	/* A port still holding the last frame sent in place: not yet. */
	if (dp->hc_tx_busy)
		return 1;
	if (mb->answered)
		goto done;
	nic = nic_get(dp, mb->handle);
	if (nic == NULL) {
		mb->ret = HVT_R_EINVAL;
	} else if (!mb->is_write) {
		mb->ret = nic_read(nic, mb->buf, mb->len, &mb->len);
	} else if (mb->len == 0 || mb->len > nic->max_frame) {
		nic->stats.drop_guest_error++;
		mb->ret = HVT_R_EINVAL;
	} else {
		mb->ret = hc_write(dp, nic, mb->buf, (uint32_t)mb->len);
	}
	mb->answered = true;
	if (dp->hc_tx_busy)
		return 1; /* answer once the port let go of the buffer */
done:
	mb->answered = false;
	/* Release: the results above are visible before DONE. */
	atomic_store_explicit(&mb->state, DP_MBOX_DONE, memory_order_release);
	return 1;
}

/* Wake a vCPU waiting in POLL once frames are staged. */
static void notify_vcpu(struct dp *dp)
{
	uint64_t one = 1;

	for (unsigned i = 0; i < dp->nb_nics; i++) {
		if (!dp_nic_rx_ready(&dp->nics[i]))
			continue;
		if (atomic_exchange(&dp->vcpu_waiting, 0) &&
		    write(dp->rx_evt_fd, &one, sizeof(one)) < 0)
			atomic_store(&dp->vcpu_waiting,
				     1); /* retry next time */
		return;
	}
}

static void drain_eventfd(int fd)
{
	uint64_t v;

	if (fd >= 0 && read(fd, &v, sizeof(v)) < 0)
		return; /* EAGAIN: nothing to drain */
}

/* One pass over everything; returns the amount of work done. */
static unsigned poll_once(struct dp *dp)
{
	unsigned work = 0;

	for (unsigned i = 0; i < dp->nb_nics; i++)
		work += dp_nic_rx(dp, &dp->nics[i]);
	if (dp->has_ring) {
		int n = hc_ring_poll(&dp->ring, RING_BUDGET);
		if (n < 0) {
			dp_set_fault(dp, "%s", dp->ring.fault_msg);
			return 0;
		}
		work += (unsigned)n;
	}
	for (unsigned i = 0; dp->fp_hdr != NULL && i < dp->nb_nics; i++) {
		int n = dp_fastpath_serve(dp, &dp->nics[i]);
		if (n < 0)
			return 0;
		work += (unsigned)n;
	}
	work += mailbox_serve(dp);
	for (unsigned i = 0; i < dp->nb_nics; i++) {
		dp_nic_tx_flush(dp, &dp->nics[i]);
		/* Retrying refused frames is work: do not sleep on them. */
		work += dp_nic_tx_pending(&dp->nics[i]);
	}
	notify_vcpu(dp);
	return work;
}

static bool all_ports_wake_us(const struct dp *dp)
{
	for (unsigned i = 0; i < dp->nb_nics; i++)
		if (dp->nics[i].intr_fd < 0)
			return false;
	return true;
}

static void poller_sleep(struct dp *dp)
{
	struct epoll_event ev[8];
	/* Wake at least for the periodic link check. */
	int timeout = all_ports_wake_us(dp) ? 1000 / LINK_CHECKS_PER_SEC
					    : (int)dp->nap_ms;

	/* Announce sleep, then re-check everything a waker could have
	 * missed (seq_cst orders the flag before the checks). */
	atomic_store(&dp->poller_sleeping, 1);
	if (dp->has_ring && !hc_ring_prepare_sleep(&dp->ring))
		goto wake;
	/* The fast path's queues are re-checked by poll_once() below. */
	if (dp->fp_hdr != NULL)
		dp_fastpath_needs_kick(dp, true);
	for (unsigned i = 0; i < dp->nb_nics; i++)
		dp_nic_rx_intr(&dp->nics[i], true);
	/* Frames that arrived before the interrupt was armed. */
	if (atomic_load(&dp->mbox.state) == DP_MBOX_POSTED ||
	    poll_once(dp) > 0 || atomic_load(&dp->stop))
		goto disarm;
	/* A port that cannot wake us is re-checked after a nap that doubles
	 * while nothing happens (1 ms up to the link-check period). */
	if (epoll_wait(dp->epoll_fd, ev, 8, timeout) == 0 &&
	    dp->nap_ms < 1000 / LINK_CHECKS_PER_SEC)
		dp->nap_ms *= 2;
	drain_eventfd(dp->kick_fd);
	drain_eventfd(dp->wake_fd);
disarm:
	for (unsigned i = 0; i < dp->nb_nics; i++)
		dp_nic_rx_intr(&dp->nics[i], false);
wake:
	atomic_store(&dp->poller_sleeping, 0);
	if (dp->has_ring)
		hc_ring_wake(&dp->ring);
	if (dp->fp_hdr != NULL)
		dp_fastpath_needs_kick(dp, false);
}

/*
 * Link state of every ethdev port, for stats. Reading it is also what
 * lets a virtio-user server port accept its peer again after the peer
 * went away (DPDK reconnects in link_update), so it runs here, on the
 * thread that owns the port's queues.
 */
static void check_links(struct dp *dp)
{
	for (unsigned i = 0; i < dp->nb_nics; i++) {
		struct dp_nic *nic = &dp->nics[i];
		struct rte_eth_link link;

		if (!nic->is_ethdev)
			continue;
		if (rte_eth_link_get_nowait(nic->port_id, &link) == 0)
			atomic_store_explicit(&nic->link_up, link.link_status,
					      memory_order_relaxed);
	}
}

int dp_poll_loop(void *arg)
{
	struct dp *dp = arg;
	uint64_t hz = rte_get_tsc_hz();
	uint64_t idle_cycles = dp->cfg.idle_ns * hz / 1000000000;
	uint64_t last_work = rte_get_tsc_cycles(), last_link = 0;

	while (!atomic_load_explicit(&dp->stop, memory_order_relaxed) &&
	       !atomic_load_explicit(&dp->faulted, memory_order_relaxed)) {
		uint64_t now = rte_get_tsc_cycles();

		if (now - last_link > hz / LINK_CHECKS_PER_SEC) {
			check_links(dp);
			last_link = now;
		}
		if (poll_once(dp) > 0) {
			last_work = rte_get_tsc_cycles();
			dp->nap_ms = SLEEP_NO_INTR_MS;
			continue;
		}
		now = rte_get_tsc_cycles();
		if (dp->cfg.idle == DP_IDLE_ADAPTIVE &&
		    now - last_work > idle_cycles) {
			/* last_work stays old: if the wake-up brings no work
			 * (a nap's timeout), sleep again at once instead of
			 * spinning through another idle period. */
			poller_sleep(dp);
		} else {
			rte_pause();
		}
	}
	/* The guest may have posted frames just before it exited (ring and
	 * fast path writes do not wait): send them. Bounded passes. */
	for (int i = 0; i < DRAIN_PASSES && !atomic_load(&dp->faulted); i++)
		if (poll_once(dp) == 0)
			break;
	return 0;
}
