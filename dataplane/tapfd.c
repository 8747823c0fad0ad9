/* SPDX-License-Identifier: ISC */
/*
 * Our own tap endpoint, for taps DPDK's tap PMD cannot attach to: one made
 * the tutorial's way (`ip tuntap add tap0 mode tap`, not multi-queue) or a
 * tap fd an orchestrator passes (--net:NAME=@FD). Opened by the init
 * thread; read and written only by the poll thread, non-blocking, a burst
 * of frames per call.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/if.h>
#include <linux/if_tun.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

#include "dp_priv.h"

static int set_nonblock(int fd)
{
	int flags = fcntl(fd, F_GETFL);

	if (flags < 0 || fcntl(fd, F_SETFL, flags | O_NONBLOCK) < 0)
		return -errno;
	return 0;
}

/* The fd must be a tap (not a tun) device without packet information. */
static int check_tap_fd(int fd, const char *what, char *err, size_t err_len)
{
	struct ifreq ifr;

	memset(&ifr, 0, sizeof(ifr));
	if (ioctl(fd, TUNGETIFF, &ifr) < 0) {
		snprintf(err, err_len, "%s: not a tap device: %s", what,
			 strerror(errno));
		return -1;
	}
	if ((ifr.ifr_flags & IFF_TAP) == 0 ||
	    (ifr.ifr_flags & IFF_NO_PI) == 0) {
		snprintf(err, err_len,
			 "%s: '%s' must be a tap (IFF_TAP) without packet "
			 "information (IFF_NO_PI)",
			 what, ifr.ifr_name);
		return -1;
	}
	return 0;
}

static int open_by_name(struct dp_tapfd *t, const char *ifname, char *err,
			size_t err_len)
{
	struct ifreq ifr;
	int fd = open("/dev/net/tun", O_RDWR | O_CLOEXEC);

	if (fd < 0) {
		snprintf(err, err_len, "tap %s: cannot open /dev/net/tun: %s",
			 ifname, strerror(errno));
		return -1;
	}
	memset(&ifr, 0, sizeof(ifr));
	ifr.ifr_flags = IFF_TAP | IFF_NO_PI;
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", ifname);
	if (ioctl(fd, TUNSETIFF, &ifr) < 0) {
		snprintf(err, err_len,
			 "tap %s: cannot attach: %s (is it a tap, not in use "
			 "by another process?)",
			 ifname, strerror(errno));
		close(fd);
		return -1;
	}
	t->fd = fd;
	t->owned = true;
	return 0;
}

/* A tap we created: give it the guest's MTU and bring it up, as DPDK's
 * tap PMD does for the taps it creates. */
static int configure_created(const char *ifname, uint16_t mtu, char *err,
			     size_t err_len)
{
	struct ifreq ifr;
	int s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	int ret = -1;

	if (s < 0)
		goto out;
	memset(&ifr, 0, sizeof(ifr));
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", ifname);
	ifr.ifr_mtu = mtu;
	if (ioctl(s, SIOCSIFMTU, &ifr) < 0 || ioctl(s, SIOCGIFFLAGS, &ifr) < 0)
		goto out;
	ifr.ifr_flags |= IFF_UP;
	if (ioctl(s, SIOCSIFFLAGS, &ifr) < 0)
		goto out;
	ret = 0;
out:
	if (ret < 0)
		snprintf(err, err_len,
			 "tap %s: cannot set MTU %u and bring it "
			 "up: %s",
			 ifname, mtu, strerror(errno));
	if (s >= 0)
		close(s);
	return ret;
}

int dp_tapfd_open(struct dp_tapfd *t, const struct dp_port_spec *spec,
		  uint16_t create_mtu, char *err, size_t err_len)
{
	char what[32];
	int ret;

	t->fd = -1;
	t->owned = false;
	if (spec->kind == DP_PORT_TAP_FD) {
		snprintf(what, sizeof(what), "@%d", spec->fd);
		if (check_tap_fd(spec->fd, what, err, err_len) < 0)
			return -1;
		t->fd = spec->fd;
	} else if (open_by_name(t, spec->ifname, err, err_len) < 0) {
		return -1;
	} else if (create_mtu != 0 &&
		   configure_created(spec->ifname, create_mtu, err, err_len) <
		       0) {
		dp_tapfd_close(t);
		return -1;
	}
	ret = set_nonblock(t->fd);
	if (ret < 0) {
		snprintf(err, err_len, "tap: cannot make it non-blocking: %s",
			 strerror(-ret));
		dp_tapfd_close(t);
		return -1;
	}
	return 0;
}

void dp_tapfd_close(struct dp_tapfd *t)
{
	if (t->owned && t->fd >= 0)
		close(t->fd);
	t->fd = -1;
}

uint16_t dp_tapfd_rx(struct dp_tapfd *t, struct rte_mempool *pool,
		     struct rte_mbuf **pkts, uint16_t n)
{
	uint16_t nb = 0;

	while (nb < n) {
		struct rte_mbuf *m = rte_pktmbuf_alloc(pool);
		ssize_t len;

		if (m == NULL)
			break;
		len = read(t->fd, rte_pktmbuf_mtod(m, void *),
			   rte_pktmbuf_tailroom(m));
		if (len <= 0) {
			/* EAGAIN: nothing more queued; errors: try later. */
			rte_pktmbuf_free(m);
			break;
		}
		m->data_len = (uint16_t)len;
		m->pkt_len = (uint32_t)len;
		pkts[nb++] = m;
	}
	return nb;
}

static ssize_t write_mbuf(int fd, struct rte_mbuf *m)
{
	struct iovec iov[16];
	int nb = 0;

	if (m->nb_segs == 1)
		return write(fd, rte_pktmbuf_mtod(m, void *), m->data_len);
	for (struct rte_mbuf *s = m; s != NULL && nb < 16; s = s->next) {
		iov[nb].iov_base = rte_pktmbuf_mtod(s, void *);
		iov[nb++].iov_len = s->data_len;
	}
	return writev(fd, iov, nb);
}

uint16_t dp_tapfd_tx(struct dp_tapfd *t, struct rte_mbuf **pkts, uint16_t n)
{
	uint16_t nb;

	for (nb = 0; nb < n; nb++) {
		ssize_t len = write_mbuf(t->fd, pkts[nb]);
		if (len < 0 && errno == EAGAIN)
			break; /* the caller keeps or drops the rest */
		/* Written, or refused for good (e.g. the link is down): the
		 * frame leaves us either way, as with a NIC. */
		if (len < 0)
			t->tx_errors++;
		rte_pktmbuf_free(pkts[nb]);
	}
	return nb;
}
