/* SPDX-License-Identifier: ISC */
/*
 * Per-NIC statistics: printed at exit, and readable while running through
 * the DPDK telemetry command /hvt_dpdk/stats (dpdk-telemetry.py -f PREFIX).
 * Counters are written by the poll thread only and read here with relaxed
 * loads (telemetry thread, main thread after the poll thread stopped).
 */
#include <pthread.h>
#include <stdio.h>

#include <rte_ethdev.h>
#include <rte_telemetry.h>

#include "dp_priv.h"

#define LOAD(x) __atomic_load_n(&(x), __ATOMIC_RELAXED)

struct stat_field {
	const char *name;
	size_t offset;
};

#define FIELD(f)                                                               \
	{                                                                      \
#f, offsetof(struct dp_nic_stats, f)                           \
	}
static const struct stat_field fields[] = {
    FIELD(rx_packets),	     FIELD(rx_bytes),	      FIELD(tx_packets),
    FIELD(tx_bytes),	     FIELD(drop_rx_too_big),  FIELD(drop_no_mbuf),
    FIELD(drop_tx_rejected), FIELD(drop_guest_error),
};

static uint64_t field_get(const struct dp_nic_stats *s, size_t i)
{
	const uint64_t *p =
	    (const uint64_t *)((const char *)s + fields[i].offset);

	return LOAD(*p);
}

/* One dataplane per process. The telemetry thread reads it under the lock,
 * so dp_telemetry_unregister() can make it go away safely. */
static pthread_mutex_t telemetry_lock = PTHREAD_MUTEX_INITIALIZER;
static struct dp *telemetry_dp;

void dp_stats_print(const struct dp *dp)
{
	for (unsigned i = 0; i < dp->nb_nics; i++) {
		const struct dp_nic *n = &dp->nics[i];
		const struct dp_nic_stats *s = &n->stats;
		dp_log(DP_ERR,
		       "net %s (%s %s, link %s): rx %llu pkts %llu bytes, tx "
		       "%llu pkts "
		       "%llu bytes, dropped: %llu too big for the guest, %llu "
		       "no mbuf, %llu tx rejected, %llu bad guest requests",
		       n->cfg.name, dp_port_kind_name(n->cfg.spec.kind),
		       n->devname,
		       !n->is_ethdev		  ? "n/a"
		       : atomic_load(&n->link_up) ? "up"
						  : "down",
		       (unsigned long long)LOAD(s->rx_packets),
		       (unsigned long long)LOAD(s->rx_bytes),
		       (unsigned long long)LOAD(s->tx_packets),
		       (unsigned long long)LOAD(s->tx_bytes),
		       (unsigned long long)LOAD(s->drop_rx_too_big),
		       (unsigned long long)LOAD(s->drop_no_mbuf),
		       (unsigned long long)LOAD(s->drop_tx_rejected),
		       (unsigned long long)LOAD(s->drop_guest_error));
	}
	for (unsigned i = 0; dp->fp_hdr != NULL && i < dp->nb_nics; i++) {
		const struct dp_nic *n = &dp->nics[i];

		/* Read after the poll thread stopped: its own fields. */
		dp_log(DP_ERR,
		       "net %s fast path: %llu frames taken, %llu buffers "
		       "filled, %llu bad lengths; at exit %u frames and %u "
		       "buffers (of %u) were the host's",
		       n->cfg.name,
		       (unsigned long long)LOAD(n->fq.stats.tx_frames),
		       (unsigned long long)LOAD(n->fq.stats.rx_frames),
		       (unsigned long long)LOAD(n->fq.stats.tx_bad_len),
		       n->fq.tx_next - n->fq.tx_done,
		       n->fq.rx_avail - n->fq.rx_done, HVTX_QUEUE_ENTRIES);
	}
	if (dp->has_ring)
		dp_log(DP_ERR,
		       "net ring: %llu writes, %llu reads (%llu found nothing)",
		       (unsigned long long)LOAD(dp->ring.stats.writes),
		       (unsigned long long)LOAD(dp->ring.stats.reads),
		       (unsigned long long)LOAD(dp->ring.stats.read_again));
}

/* /hvt_dpdk/stats[,NAME]: a dict per NIC, or the one named. */
static int telemetry_stats(const char *cmd, const char *params,
			   struct rte_tel_data *d)
{
	struct dp *dp;
	int ret = 0;

	(void)cmd;
	pthread_mutex_lock(&telemetry_lock);
	dp = telemetry_dp;
	if (dp == NULL) {
		pthread_mutex_unlock(&telemetry_lock);
		return -1;
	}
	rte_tel_data_start_dict(d);
	for (unsigned i = 0; i < dp->nb_nics; i++) {
		const struct dp_nic *n = &dp->nics[i];
		struct rte_tel_data *nd;

		if (params != NULL && *params != '\0' &&
		    strcmp(params, n->cfg.name) != 0)
			continue;
		nd = rte_tel_data_alloc();
		if (nd == NULL) {
			ret = -1;
			break;
		}
		rte_tel_data_start_dict(nd);
		for (size_t f = 0; f < sizeof(fields) / sizeof(fields[0]); f++)
			rte_tel_data_add_dict_u64(nd, fields[f].name,
						  field_get(&n->stats, f));
		rte_tel_data_add_dict_string(nd, "link",
					     !n->is_ethdev ? "n/a"
					     : atomic_load(&n->link_up)
						 ? "up"
						 : "down");
		rte_tel_data_add_dict_string(nd, "port", n->devname);
		rte_tel_data_add_dict_container(d, n->cfg.name, nd, 0);
	}
	pthread_mutex_unlock(&telemetry_lock);
	return ret;
}

void dp_telemetry_unregister(void)
{
	pthread_mutex_lock(&telemetry_lock);
	telemetry_dp = NULL;
	pthread_mutex_unlock(&telemetry_lock);
}

void dp_telemetry_register(struct dp *dp)
{
	pthread_mutex_lock(&telemetry_lock);
	telemetry_dp = dp;
	pthread_mutex_unlock(&telemetry_lock);
	/* Telemetry command names allow letters, digits, '_' and '/'. */
	if (rte_telemetry_register_cmd("/hvt_dpdk/stats", telemetry_stats,
				       "Per-NIC packet, byte and drop "
				       "counters. Parameters: NIC name "
				       "(optional)") != 0)
		dp_log(DP_WARN, "cannot register telemetry command "
				"/hvt_dpdk/stats");
}
