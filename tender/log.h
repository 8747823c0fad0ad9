/* SPDX-License-Identifier: ISC */
/*
 * The tender's one logging API: "hvt-dpdk: " prefixed lines on stderr.
 * Guest console output never goes through here (it goes to stdout as is).
 * Safe from any thread; not for lcore hot paths.
 */
#ifndef TENDER_LOG_H
#define TENDER_LOG_H

#include <stdbool.h>
#include <stddef.h>

enum tender_log_level {
	TLOG_ERR,
	TLOG_WARN,
	TLOG_INFO,
	TLOG_DEBUG,
};

/* Messages above this level are dropped; --verbose raises it. */
void tender_log_set_level(enum tender_log_level level);

void tender_log(enum tender_log_level level, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/*
 * Format a one-line error into err (err_len bytes) and return -1, for
 * functions that report failures to their caller as text.
 */
int tender_errf(char *err, size_t err_len, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

#define tlog_err(...) tender_log(TLOG_ERR, __VA_ARGS__)
#define tlog_warn(...) tender_log(TLOG_WARN, __VA_ARGS__)
#define tlog_info(...) tender_log(TLOG_INFO, __VA_ARGS__)
#define tlog_debug(...) tender_log(TLOG_DEBUG, __VA_ARGS__)

#endif /* TENDER_LOG_H */
