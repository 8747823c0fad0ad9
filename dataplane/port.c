/* SPDX-License-Identifier: ISC */
/*
 * A NIC's port: a DPDK ethdev (tap PMD, vhost-user, any vdev or PCI device)
 * or our own tap endpoint. Opened and closed by the init and main threads;
 * dp_nic_rx / dp_nic_tx_flush / dp_nic_rx_intr run on the poll thread only
 * and never block.
 */
#include <errno.h>
#include <net/if.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <rte_bus_vdev.h>
#include <rte_cycles.h>
#include <rte_dev.h>
#include <rte_errno.h>
#include <rte_ethdev.h>

#include "dp_priv.h"

#define TAP_PMD_MAX_MTU 1500 /* 22.11's tap PMD: 1522-byte frames */

/* Make the vhost socket's directory and remove a stale socket there. */
static int prepare_vhost_path(const struct dp_port_spec *spec)
{
	struct stat st;

	if (strncmp(spec->path, DP_VHOST_DEFAULT_DIR "/",
		    strlen(DP_VHOST_DEFAULT_DIR) + 1) == 0 &&
	    mkdir(DP_VHOST_DEFAULT_DIR, 0755) < 0 && errno != EEXIST) {
		dp_log(DP_ERR, "cannot create %s: %s", DP_VHOST_DEFAULT_DIR,
		       strerror(errno));
		return -1;
	}
	if (spec->client || lstat(spec->path, &st) < 0)
		return 0;
	if (!S_ISSOCK(st.st_mode)) {
		dp_log(DP_ERR,
		       "vhost-user socket path %s exists and is not a "
		       "socket",
		       spec->path);
		return -1;
	}
	return unlink(spec->path) < 0 ? -1 : 0;
}

/* The devargs that make DPDK create this NIC's ethdev. */
static int nic_devargs(struct dp_nic *nic, char *buf, size_t len)
{
	const struct dp_port_spec *s = &nic->cfg.spec;
	unsigned h = nic->cfg.handle;

	switch (s->kind) {
	case DP_PORT_TAP:
		snprintf(nic->devname, sizeof(nic->devname), "net_tap%u", h);
		snprintf(buf, len, "%s,iface=%s", nic->devname, s->ifname);
		return 0;
	case DP_PORT_VHOST:
		if (prepare_vhost_path(s) < 0)
			return -1;
		snprintf(nic->devname, sizeof(nic->devname), "net_vhost%u", h);
		snprintf(buf, len, "%s,iface=%s,queues=1,client=%d",
			 nic->devname, s->path, s->client ? 1 : 0);
		return 0;
	case DP_PORT_DPDK:
		snprintf(buf, len, "%s", s->devargs);
		snprintf(nic->devname, sizeof(nic->devname), "%.*s",
			 (int)strcspn(s->devargs, ","), s->devargs);
		return 0;
	case DP_PORT_VIRTIO_USER:
		/* Probed after guest RAM became DPDK memory, so the memory
		 * table the peer gets now covers it. */
		nic->needs_dpdk_mem = true;
		snprintf(nic->devname, sizeof(nic->devname),
			 "net_virtio_user%u", h);
		snprintf(buf, len,
			 "%s,path=%s,queues=1,queue_size=1024,server=%d",
			 nic->devname, s->path, s->server ? 1 : 0);
		return 0;
	case DP_PORT_TAP_FD:
		break;
	}
	return -1;
}

static int configure_port(struct dp *dp, struct dp_nic *nic)
{
	struct rte_eth_conf conf;
	struct rte_eth_dev_info info;
	uint16_t port = nic->port_id;
	int ret;

	if (rte_eth_dev_info_get(port, &info) != 0)
		return -1;
	if (nic->cfg.mtu > info.max_mtu) {
		dp_log(DP_ERR,
		       "--net-mtu:%s=%u: the %s port accepts at most %u",
		       nic->cfg.name, nic->cfg.mtu, nic->devname, info.max_mtu);
		return -1;
	}
	memset(&conf, 0, sizeof(conf));
	conf.rxmode.mtu = nic->cfg.mtu;
	/* RX interrupts let the poll thread sleep when idle. DPDK has no
	 * capability flag for them: ask the PMDs known to have them, and
	 * fall back (sleeping in short naps) for the rest. */
	conf.intr_conf.rxq = nic->cfg.spec.kind == DP_PORT_TAP ||
			     nic->cfg.spec.kind == DP_PORT_VHOST;
	if (rte_eth_dev_configure(port, 1, 1, &conf) != 0) {
		conf.intr_conf.rxq = 0;
		if ((ret = rte_eth_dev_configure(port, 1, 1, &conf)) != 0) {
			dp_log(DP_ERR, "%s: configure: %s", nic->devname,
			       rte_strerror(-ret));
			return -1;
		}
	}
	/* Zero-copy TX holds the guest's ring slot until the PMD frees the
	 * mbuf. virtio frees sent mbufs only when short of descriptors (and
	 * has no tx_done_cleanup): make it clean up on every burst, or the
	 * guest's ring fills with retired-but-held slots. */
	struct rte_eth_txconf txconf = info.default_txconf;
	if (nic->cfg.spec.kind == DP_PORT_VIRTIO_USER)
		txconf.tx_free_thresh = DP_PORT_RING_SIZE - 8;
	if (rte_eth_rx_queue_setup(port, 0, DP_PORT_RING_SIZE,
				   (unsigned)rte_eth_dev_socket_id(port), NULL,
				   dp->pool) != 0 ||
	    rte_eth_tx_queue_setup(port, 0, DP_PORT_RING_SIZE,
				   (unsigned)rte_eth_dev_socket_id(port),
				   &txconf) != 0) {
		dp_log(DP_ERR, "%s: queue set-up failed", nic->devname);
		return -1;
	}
	if ((ret = rte_eth_dev_start(port)) != 0) {
		dp_log(DP_ERR, "%s: start: %s", nic->devname,
		       rte_strerror(-ret));
		return -1;
	}
	rte_eth_promiscuous_enable(port); /* the guest's MAC is not ours */
	nic->intr_fd =
	    conf.intr_conf.rxq ? rte_eth_dev_rx_intr_ctl_q_get_fd(port, 0) : -1;
	return 0;
}

static int open_ethdev(struct dp *dp, struct dp_nic *nic)
{
	char devargs[512];
	int ret;

	if (nic_devargs(nic, devargs, sizeof(devargs)) < 0)
		return -1;
	ret = rte_dev_probe(devargs);
	if (ret != 0) {
		dp_log(DP_ERR, "--net:%s: cannot create DPDK port '%s': %s",
		       nic->cfg.name, devargs, rte_strerror(-ret));
		return -1;
	}
	nic->probed = true;
	if (rte_eth_dev_get_port_by_name(nic->devname, &nic->port_id) != 0) {
		dp_log(DP_ERR, "--net:%s: '%s' is not a network device",
		       nic->cfg.name, nic->devname);
		return -1;
	}
	nic->is_ethdev = true;
	if (configure_port(dp, nic) < 0)
		return -1;
	if (nic->cfg.spec.kind == DP_PORT_VHOST)
		dp_log(DP_INFO, "--net:%s: vhost-user socket %s (%s)",
		       nic->cfg.name, nic->cfg.spec.path,
		       nic->cfg.spec.client ? "client" : "server");
	if (nic->cfg.spec.kind == DP_PORT_VIRTIO_USER)
		dp_log(DP_INFO, "--net:%s: virtio-user on %s (%s)",
		       nic->cfg.name, nic->cfg.spec.path,
		       nic->cfg.spec.server ? "server" : "client");
	return 0;
}

static int open_tapfd(struct dp_nic *nic, uint16_t create_mtu)
{
	char err[256];

	if (dp_tapfd_open(&nic->tap, &nic->cfg.spec, create_mtu, err,
			  sizeof(err)) < 0) {
		dp_log(DP_ERR, "--net:%s: %s", nic->cfg.name, err);
		return -1;
	}
	nic->intr_fd = nic->tap.fd;
	snprintf(nic->devname, sizeof(nic->devname), "tapfd%d", nic->tap.fd);
	return 0;
}

int dp_nic_open(struct dp *dp, struct dp_nic *nic)
{
	const struct dp_port_spec *s = &nic->cfg.spec;

	/* Guest frames go to the port by virtual address (RTE_BAD_IOVA):
	 * right for virtual devices, which copy or share by VA; a physical
	 * NIC would DMA from an IOVA we do not have, so it gets copies. */
	nic->tx_zero_copy =
	    s->kind != DP_PORT_DPDK || strncmp(s->devargs, "net_", 4) == 0;
	/* Tap (PMD or ours) and vhost-user copy the frame out inside
	 * tx_burst and free it there. */
	nic->tx_done_in_burst = s->kind == DP_PORT_TAP ||
				s->kind == DP_PORT_TAP_FD ||
				s->kind == DP_PORT_VHOST ||
				(s->kind == DP_PORT_DPDK &&
				 strncmp(s->devargs, "net_null", 8) == 0);

	nic->intr_fd = -1;
	nic->tap.fd = -1;
	/* DPDK's tap PMD creates the tap but cannot attach to one made the
	 * tutorial's way (not multi-queue), nor carry frames over 1522 bytes
	 * in DPDK 22.11: serve those taps ourselves. */
	if (s->kind == DP_PORT_TAP_FD ||
	    (s->kind == DP_PORT_TAP && if_nametoindex(s->ifname) != 0))
		return open_tapfd(nic, 0);
	if (s->kind == DP_PORT_TAP && nic->cfg.mtu > TAP_PMD_MAX_MTU)
		return open_tapfd(nic, nic->cfg.mtu);
	return open_ethdev(dp, nic);
}

void dp_nic_close(struct dp *dp, struct dp_nic *nic)
{
	(void)dp;
	/* DPDK 22.11's virtio-user in server mode can PANIC in its interrupt
	 * thread when stopped after a peer reconnected (a stale fd): leave
	 * it to process exit. */
	if (nic->is_ethdev && !nic->needs_dpdk_mem) {
		rte_eth_dev_stop(nic->port_id);
		rte_eth_dev_close(nic->port_id);
		nic->is_ethdev = false;
	}
	if (nic->probed) {
		/* Closing the ethdev already released a vdev's device. */
		nic->probed = false;
	}
	dp_tapfd_close(&nic->tap);
	while (nic->rxq_head != nic->rxq_tail)
		rte_pktmbuf_free(nic->rxq[nic->rxq_head++ % DP_RXQ_SIZE]);
	rte_pktmbuf_free_bulk(nic->txb, nic->nb_txb);
	nic->nb_txb = 0;
}

unsigned dp_nic_rx(struct dp *dp, struct dp_nic *nic)
{
	struct rte_mbuf *pkts[DP_BURST];
	uint32_t space = DP_RXQ_SIZE - (nic->rxq_tail - nic->rxq_head);
	uint16_t want = space < DP_BURST ? (uint16_t)space : DP_BURST;
	uint16_t nb;

	/* A full staging queue leaves frames in the port: backpressure. */
	if (want == 0)
		return 0;
	if (nic->is_ethdev)
		nb = rte_eth_rx_burst(nic->port_id, 0, pkts, want);
	else if (nic->tap.fd >= 0)
		nb = dp_tapfd_rx(&nic->tap, dp->pool, pkts, want);
	else
		return 0;
	for (uint16_t i = 0; i < nb; i++)
		nic->rxq[nic->rxq_tail++ % DP_RXQ_SIZE] = pkts[i];
	if (nb > 0)
		atomic_fetch_add_explicit(&nic->rx_avail, nb,
					  memory_order_release);
	return nb;
}

/* Drop what the port has refused for DP_TX_STALL_NS: a peer that stopped
 * reading must not hold guest buffers forever. */
static void tx_drop(struct dp_nic *nic)
{
	nic->stats.drop_tx_rejected += nic->nb_txb;
	/* Freeing a zero-copy frame returns its buffer to the guest. */
	rte_pktmbuf_free_bulk(nic->txb, nic->nb_txb);
	nic->nb_txb = 0;
	nic->tx_stall_since = 0;
}

void dp_nic_tx_flush(struct dp *dp, struct dp_nic *nic)
{
	uint32_t lens[DP_BURST];
	uint64_t errors_before = nic->tap.tx_errors, errors;
	uint16_t nb = (uint16_t)nic->nb_txb, sent;

	(void)dp;
	if (nb == 0)
		return;
	/* The port may free mbufs inside tx_burst: note lengths first. */
	for (uint16_t i = 0; i < nb; i++)
		lens[i] = nic->txb[i]->pkt_len;
	if (nic->is_ethdev)
		sent = rte_eth_tx_burst(nic->port_id, 0, nic->txb, nb);
	else
		sent = dp_tapfd_tx(&nic->tap, nic->txb, nb);
	errors = nic->tap.tx_errors - errors_before;
	for (uint16_t i = 0; i < sent; i++)
		nic->stats.tx_bytes += lens[i];
	nic->stats.tx_packets += sent - errors;
	nic->stats.drop_tx_rejected += errors;
	if (sent > 0)
		nic->last_tx_tsc = rte_get_tsc_cycles();
	nic->nb_txb = nb - sent;
	if (nic->nb_txb == 0) {
		nic->tx_stall_since = 0;
		return;
	}
	/* A full queue (a peer slow to read): keep the rest, in order, and
	 * retry on the next passes, within a bound. */
	memmove(nic->txb, nic->txb + sent, nic->nb_txb * sizeof(nic->txb[0]));
	if (sent > 0 || nic->tx_stall_since == 0)
		nic->tx_stall_since = rte_get_tsc_cycles();
	else if (rte_get_tsc_cycles() - nic->tx_stall_since >
		 rte_get_tsc_hz() / (1000000000 / DP_TX_STALL_NS))
		tx_drop(nic);
}

bool dp_nic_tx_pending(const struct dp_nic *nic)
{
	return nic->nb_txb > 0;
}

void dp_nic_rx_intr(struct dp_nic *nic, bool enable)
{
	if (!nic->is_ethdev || nic->intr_fd < 0)
		return;
	if (enable)
		rte_eth_dev_rx_intr_enable(nic->port_id, 0);
	else
		rte_eth_dev_rx_intr_disable(nic->port_id, 0);
}
