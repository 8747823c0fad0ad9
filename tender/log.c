/* SPDX-License-Identifier: ISC */
/*
 * Implementation of tender/log.h: one formatted line per call, written with
 * a single write(2) so lines from different threads do not interleave.
 */
#include <stdarg.h>
#include <stdio.h>
#include <unistd.h>

#include "log.h"

static enum tender_log_level max_level = TLOG_INFO;

void tender_log_set_level(enum tender_log_level level)
{
	max_level = level;
}

void tender_log(enum tender_log_level level, const char *fmt, ...)
{
	static const char *const tags[] = {
	    [TLOG_ERR] = "",
	    [TLOG_WARN] = "warning: ",
	    [TLOG_INFO] = "",
	    [TLOG_DEBUG] = "debug: ",
	};
	char line[1024];
	va_list ap;
	int n;

	if (level > max_level)
		return;
	n = snprintf(line, sizeof(line), "hvt-dpdk: %s", tags[level]);
	va_start(ap, fmt);
	n += vsnprintf(line + n, sizeof(line) - (size_t)n - 1, fmt, ap);
	va_end(ap);
	if (n > (int)sizeof(line) - 2)
		n = (int)sizeof(line) - 2;
	line[n++] = '\n';
	if (write(STDERR_FILENO, line, (size_t)n) < 0)
		return; /* nowhere left to report it */
}

int tender_errf(char *err, size_t err_len, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err, err_len, fmt, ap);
	va_end(ap);
	return -1;
}
