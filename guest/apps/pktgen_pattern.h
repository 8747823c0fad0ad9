/* SPDX-License-Identifier: ISC */
/*
 * The test frame pktgen sends and sink --verify checks: Ethernet header
 * (ethertype 0x88b5, IEEE local experimental), a 32-bit big-endian sequence
 * number, then payload byte j = (uint8_t)(seq + j). Header-only helpers.
 */
#ifndef PKTGEN_PATTERN_H
#define PKTGEN_PATTERN_H

#include <stddef.h>
#include <stdint.h>

#define PKTGEN_ETHERTYPE 0x88b5
#define PKTGEN_SEQ_OFF 14 /* right after the Ethernet header */
#define PKTGEN_DATA_OFF 18 /* first pattern byte */
#define PKTGEN_MIN_SIZE 60 /* Ethernet minimum without FCS */

static inline uint32_t pktgen_get_seq(const uint8_t *f)
{
	const uint8_t *p = f + PKTGEN_SEQ_OFF;

	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	       (uint32_t)p[2] << 8 | p[3];
}

/* One byte-swapped store (the sequence number is big-endian): this runs
 * once per frame in pktgen's hot loop, where guest instructions count. */
static inline void pktgen_put_seq(uint8_t *f, uint32_t seq)
{
	typedef uint32_t __attribute__((aligned(1), may_alias)) u32_unaligned;

	*(u32_unaligned *)(f + PKTGEN_SEQ_OFF) = __builtin_bswap32(seq);
}

/* 1 if the pattern after the sequence number matches (f, len). */
static inline int pktgen_check(const uint8_t *f, size_t len)
{
	uint8_t b = (uint8_t)pktgen_get_seq(f);

	for (size_t i = PKTGEN_DATA_OFF; i < len; i++, b++) {
		if (f[i] != b)
			return 0;
	}
	return 1;
}

#endif /* PKTGEN_PATTERN_H */
