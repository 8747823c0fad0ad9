/* SPDX-License-Identifier: ISC */
/*
 * Small helpers every C bench program uses: a bounded number option and
 * the test frame they send. Header-only; each program is one process.
 */
#ifndef BENCH_UTIL_H
#define BENCH_UTIL_H

#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* *out = the number s, of option opt, within [lo, hi]; 0, or -1 after a
 * one-line message naming the option, the value and what is accepted. */
static inline int bench_parse_num(const char *opt, const char *s, double lo,
				  double hi, double *out)
{
	char *end;

	errno = 0;
	*out = strtod(s, &end);
	if (errno != 0 || end == s || *end != '\0' || *out < lo || *out > hi) {
		fprintf(stderr, "%s=%s: expected a number in [%g, %g]\n", opt,
			s, lo, hi);
		return -1;
	}
	return 0;
}

/* A frame of len bytes between two locally administered MACs, with the
 * local experimental ethertype (as pktgen's) and a counting payload. */
static inline void bench_frame_fill(uint8_t *p, size_t len)
{
	for (size_t i = 0; i < len; i++)
		p[i] = (uint8_t)i;
	memcpy(p, "\x02\x00\x00\x00\x00\x02\x02\x00\x00\x00\x00\x01", 12);
	p[12] = 0x88;
	p[13] = 0xb5;
}

#endif /* BENCH_UTIL_H */
