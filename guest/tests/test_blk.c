/* SPDX-License-Identifier: ISC */
/*
 * test_blk: acquires block device "storage", writes distinct patterns to
 * up to 8 blocks (first, middle, last included), reads them back and
 * compares, then checks the tender answers EINVAL for a misaligned offset,
 * an offset at capacity, and sizes other than one block. SUCCESS, exit 0.
 * Needs a device of at least 2 blocks: --block:storage=<file>.
 */
#include <hvt_manifest.h>
#include <solo5.h>
#include <stdio.h>
#include <string.h>

HVT_MANIFEST(1, HVT_MFT_BLOCK("storage"));

#define NB_TEST_BLOCKS 8

static int failures;

static void expect(int ok, const char *what, unsigned long arg)
{
	if (!ok) {
		printf("test_blk: FAILURE: %s (%lu)\n", what, arg);
		failures++;
	}
}

static void fill(uint8_t *buf, size_t len, uint64_t block)
{
	for (size_t i = 0; i < len; i++)
		buf[i] = (uint8_t)((block * 131 + i * 7) ^ 0x5a);
}

static void round_trip(solo5_handle_t h, const struct solo5_block_info *bi,
		       uint8_t *wbuf, uint8_t *rbuf)
{
	uint64_t nb = bi->capacity / bi->block_size;

	for (uint64_t k = 0; k < NB_TEST_BLOCKS && k < nb; k++) {
		/* Blocks 0..6 and the last one. */
		uint64_t blk = k == NB_TEST_BLOCKS - 1 ? nb - 1 : k;
		solo5_off_t off = blk * bi->block_size;

		fill(wbuf, bi->block_size, blk);
		memset(rbuf, 0, bi->block_size);
		expect(solo5_block_write(h, off, wbuf, bi->block_size) ==
			   SOLO5_R_OK,
		       "write failed at block", blk);
		expect(solo5_block_read(h, off, rbuf, bi->block_size) ==
			   SOLO5_R_OK,
		       "read failed at block", blk);
		expect(!memcmp(wbuf, rbuf, bi->block_size),
		       "data mismatch at block", blk);
	}
}

static void bad_io(solo5_handle_t h, const struct solo5_block_info *bi,
		   uint8_t *buf)
{
	size_t bs = bi->block_size;

	expect(solo5_block_read(h, 1, buf, bs) == SOLO5_R_EINVAL,
	       "misaligned read not EINVAL", 1);
	expect(solo5_block_write(h, bs / 2, buf, bs) == SOLO5_R_EINVAL,
	       "misaligned write not EINVAL", bs / 2);
	expect(solo5_block_read(h, bi->capacity, buf, bs) == SOLO5_R_EINVAL,
	       "read at capacity not EINVAL", bi->capacity);
	expect(solo5_block_write(h, bi->capacity, buf, bs) == SOLO5_R_EINVAL,
	       "write at capacity not EINVAL", bi->capacity);
	expect(solo5_block_read(h, 0, buf, bs - 1) == SOLO5_R_EINVAL,
	       "short read not EINVAL", bs - 1);
	expect(solo5_block_write(h, 0, buf, 2 * bs) == SOLO5_R_EINVAL,
	       "two-block write not EINVAL", 2 * bs);
	expect(solo5_block_read(h, 0, buf, 0) == SOLO5_R_EINVAL,
	       "zero-length read not EINVAL", 0);
}

int solo5_app_main(const struct solo5_start_info *si)
{
	struct solo5_block_info bi;
	solo5_handle_t h;
	uint8_t *wbuf = (uint8_t *)si->heap_start, *rbuf;

	if (solo5_block_acquire("storage", &h, &bi) != SOLO5_R_OK) {
		printf("test_blk: FAILURE: cannot acquire \"storage\"\n");
		return SOLO5_EXIT_FAILURE;
	}
	printf("test_blk: handle %lu capacity %lu block size %lu\n",
	       (unsigned long)h, (unsigned long)bi.capacity,
	       (unsigned long)bi.block_size);
	if (bi.block_size == 0 || bi.capacity < 2 * bi.block_size ||
	    si->heap_size < 4 * bi.block_size) {
		printf("test_blk: FAILURE: device or heap too small\n");
		return SOLO5_EXIT_FAILURE;
	}
	/* 2 * block_size into the heap leaves room for the two-block write. */
	rbuf = wbuf + 2 * bi.block_size;
	expect(solo5_block_acquire("storage", &h, &bi) == SOLO5_R_EINVAL,
	       "second acquire not EINVAL", 0);
	round_trip(h, &bi, wbuf, rbuf);
	bad_io(h, &bi, wbuf);

	printf(failures ? "FAILURE\n" : "SUCCESS\n");
	return failures ? SOLO5_EXIT_FAILURE : SOLO5_EXIT_SUCCESS;
}
