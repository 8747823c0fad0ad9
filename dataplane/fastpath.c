/* SPDX-License-Identifier: ISC */
/*
 * The fast path's dataplane side (docs/fastpath.md): per NIC, staged RX
 * frames go into buffers the guest posted (one copy), and frames the guest
 * posted go to the port from the guest's own memory where the port is done
 * with them inside tx_burst (tap, vhost-user, net_null), else as a copy.
 * (nic->tx_done_in_burst, set in port.c.)
 * Completions go back in order through the queue's indices; the guest
 * polls them without exits. Poll thread only.
 */
#include <string.h>

#include <rte_mbuf.h>

#include "dp_priv.h"

#define FP_BUDGET 64 /* frames per direction per NIC per pass */

void dp_fastpath_init(struct dp *dp)
{
	uint8_t *region = (uint8_t *)dp->fp_hdr - HVTX_HEADER_OFFSET;

	hc_fastq_header_init(dp->fp_hdr, dp->cfg.fastpath_version);
	for (unsigned i = 0; i < dp->nb_nics; i++) {
		struct dp_nic *nic = &dp->nics[i];
		struct hvtx_queue *q =
		    (struct hvtx_queue *)(region + HVTX_QUEUE_OFFSET +
					  i * sizeof(struct hvtx_queue));

		hc_fastq_init(&nic->fq, q, &dp->gmem, nic->max_frame,
			      nic->cfg.handle);
		nic->has_fq = true;
		dp->fp_hdr->queue_of[nic->cfg.handle] = (uint8_t)i;
	}
}

void dp_fastpath_needs_kick(struct dp *dp, bool on)
{
	__atomic_store_n(&dp->fp_hdr->needs_kick, on ? 1u : 0u,
			 __ATOMIC_RELAXED);
	/* Full fence: needs_kick is visible before the caller re-checks
	 * the queues; pairs with the guest's publish, mfence, load. */
	if (on)
		__atomic_thread_fence(__ATOMIC_SEQ_CST);
}

/* Staged frames into posted buffers; returns frames moved, -1 on fault. */
static int fp_rx(struct dp *dp, struct dp_nic *nic)
{
	int n = 0, done = 0;

	while (n < FP_BUDGET && nic->rxq_head != nic->rxq_tail) {
		struct rte_mbuf *m = nic->rxq[nic->rxq_head % DP_RXQ_SIZE];
		uint32_t cap, len = m->pkt_len;
		void *buf;
		int rc = hc_fastq_rx_next(&nic->fq, &buf, &cap);

		if (rc < 0) {
			dp_set_fault(dp, "%s", nic->fq.fault_msg);
			return -1;
		}
		if (rc == 0)
			break; /* no buffer posted: the frame waits */
		nic->rxq_head++;
		atomic_fetch_sub_explicit(&nic->rx_avail, 1,
					  memory_order_relaxed);
		n++;
		if (len > cap) {
			/* The buffer stays posted for the next frame. */
			nic->stats.drop_rx_too_big++;
			rte_pktmbuf_free(m);
			continue;
		}
		/* The one copy of RX. */
		const void *data = rte_pktmbuf_read(m, 0, len, buf);
		if (data != buf)
			memcpy(buf, data, len);
		hc_fastq_rx_fill(&nic->fq, len);
		nic->stats.rx_packets++;
		nic->stats.rx_bytes += len;
		rte_pktmbuf_free(m);
		done++;
	}
	if (done > 0)
		hc_fastq_rx_publish(&nic->fq);
	return n;
}

/* A zero-copy frame's mbuf was freed: the port is done with the buffer. */
static void fp_tx_free(void *addr, void *opaque)
{
	struct dp_fq_token *t = opaque;

	(void)addr;
	hc_fastq_tx_complete(&t->nic->fq, t->token, HVTX_TX_SENT);
}

/* An mbuf for the guest frame: in place or copied; NULL if none free. */
static struct rte_mbuf *fp_tx_mbuf(struct dp *dp, struct dp_nic *nic,
				   void *frame, uint32_t len, uint32_t token)
{
	struct rte_mbuf_ext_shared_info *sh =
	    &nic->fq_shinfo[token & HVTX_QUEUE_MASK];
	struct dp_fq_token *t = &nic->fq_tokens[token & HVTX_QUEUE_MASK];
	struct rte_mbuf *m;

	/* Only a port that lets go inside tx_burst gets guest memory: one
	 * that frees lazily (virtio) could hold every posted buffer while
	 * nothing more is sent to make it free them. */
	if (!nic->tx_done_in_burst || !nic->tx_zero_copy) {
		m = dp_frame_copy(dp, frame, len);
		if (m != NULL)
			hc_fastq_tx_complete(&nic->fq, token, HVTX_TX_SENT);
		return m;
	}
	m = rte_pktmbuf_alloc(dp->hdr_pool);
	if (m == NULL)
		return NULL;
	*t = (struct dp_fq_token){.nic = nic, .token = token};
	sh->free_cb = fp_tx_free;
	sh->fcb_opaque = t;
	rte_mbuf_ext_refcnt_set(sh, 1);
	rte_pktmbuf_attach_extbuf(m, frame, RTE_BAD_IOVA, (uint16_t)len, sh);
	m->data_off = 0;
	m->data_len = (uint16_t)len;
	m->pkt_len = len;
	return m;
}

/* Posted frames to the port; returns frames taken, -1 on fault. */
static int fp_tx(struct dp *dp, struct dp_nic *nic)
{
	int n = 0;

	while (n < FP_BUDGET) {
		struct rte_mbuf *m;
		uint32_t len, token;
		void *frame;
		int rc;

		/* A port still refusing a full batch: leave the rest posted
		 * (backpressure on the guest, no drop). */
		if (nic->nb_txb == DP_BURST) {
			dp_nic_tx_flush(dp, nic);
			if (nic->nb_txb == DP_BURST)
				break;
		}
		rc = hc_fastq_tx_next(&nic->fq, &frame, &len, &token);
		if (rc < 0) {
			dp_set_fault(dp, "%s", nic->fq.fault_msg);
			return -1;
		}
		if (rc == 0)
			break;
		m = fp_tx_mbuf(dp, nic, frame, len, token);
		if (m == NULL) {
			/* No mbuf now: the frame stays posted. */
			hc_fastq_tx_unget(&nic->fq, token);
			break;
		}
		dp_nic_queue_tx(dp, nic, m);
		n++;
	}
	if (n > 0)
		dp_nic_tx_flush(dp, nic);
	return n;
}

int dp_fastpath_serve(struct dp *dp, struct dp_nic *nic)
{
	int rx = fp_rx(dp, nic), tx;

	if (rx < 0)
		return -1;
	tx = fp_tx(dp, nic);
	/* Descriptors dropped for a bad length are guest errors. */
	nic->stats.drop_guest_error +=
	    nic->fq.stats.tx_bad_len - nic->fq_bad_seen;
	nic->fq_bad_seen = nic->fq.stats.tx_bad_len;
	return tx < 0 ? -1 : rx + tx;
}
