/* SPDX-License-Identifier: ISC */
/*
 * The host services hypercall handlers call (struct hc_host_ops): console,
 * wall clock, POLL and net I/O. Two tables: without NICs POLL just sleeps;
 * with NICs (opaque is the struct dp *) POLL and net I/O go to the
 * dataplane. Called on the vCPU thread.
 */
#ifndef TENDER_HOST_OPS_H
#define TENDER_HOST_OPS_H

#include "hypercall.h"

extern const struct hc_host_ops tender_host_ops; /* no NICs */
extern const struct hc_host_ops tender_net_host_ops; /* opaque: struct dp */

#endif /* TENDER_HOST_OPS_H */
