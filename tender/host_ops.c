/* SPDX-License-Identifier: ISC */
/*
 * Host services for hypercalls (see host_ops.h). Waits run with the stop
 * signals unblocked (tender_signal_open_mask), so SIGINT/SIGTERM interrupt
 * a guest blocked in POLL at once.
 */
#include <errno.h>
#include <poll.h>
#include <time.h>
#include <unistd.h>

#include "dataplane.h"
#include "host_ops.h"
#include "vcpu_run.h"

static uint64_t host_walltime_ns(void *opaque)
{
	struct timespec ts;

	(void)opaque;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

static void host_console_write(void *opaque, const void *buf, size_t len)
{
	const uint8_t *p = buf;

	(void)opaque;
	while (len > 0) {
		ssize_t n = write(STDOUT_FILENO, p, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return; /* stdout is gone: drop guest output */
		p += n;
		len -= (size_t)n;
	}
}

/* No NICs: POLL waits out its timeout unless a stop signal comes. */
static int host_poll(void *opaque, uint64_t timeout_ns, uint64_t *ready_set)
{
	struct timespec ts = {
	    .tv_sec = (time_t)(timeout_ns / 1000000000ULL),
	    .tv_nsec = (long)(timeout_ns % 1000000000ULL),
	};
	sigset_t mask;

	(void)opaque;
	*ready_set = 0;
	if (tender_stop_signal() != 0)
		return 0;
	tender_signal_open_mask(&mask);
	ppoll(NULL, 0, &ts, &mask);
	return 0;
}

const struct hc_host_ops tender_host_ops = {
    .walltime_ns = host_walltime_ns,
    .console_write = host_console_write,
    .poll = host_poll,
};

static int net_poll(void *opaque, uint64_t timeout_ns, uint64_t *ready_set)
{
	sigset_t mask;

	*ready_set = 0;
	if (tender_stop_signal() != 0)
		return 0;
	tender_signal_open_mask(&mask);
	return dp_poll(opaque, timeout_ns, ready_set, &mask);
}

static int net_write(void *opaque, uint64_t handle, const void *buf,
		     uint64_t len)
{
	return dp_net_write(opaque, handle, buf, len);
}

static int net_read(void *opaque, uint64_t handle, void *buf, uint64_t *len)
{
	return dp_net_read(opaque, handle, buf, len);
}

const struct hc_host_ops tender_net_host_ops = {
    .walltime_ns = host_walltime_ns,
    .console_write = host_console_write,
    .poll = net_poll,
    .net_write = net_write,
    .net_read = net_read,
};
