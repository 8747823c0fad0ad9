/* SPDX-License-Identifier: ISC */
/*
 * test_mft_maxdevices: a manifest with the maximum 63 devices, block
 * devices storage0 .. storage62 (names of [A-Za-z0-9] only). Acquires them
 * all, checks handles are 1..63 in order, prints SUCCESS and exits 0. The
 * tender needs --block:storageN=<file> for every N.
 */
#include <hvt_manifest.h>
#include <solo5.h>
#include <stdio.h>

#define B(n) HVT_MFT_BLOCK("storage" #n)
#define B10(d)                                                                 \
	B(d##0), B(d##1), B(d##2), B(d##3), B(d##4), B(d##5), B(d##6),         \
	    B(d##7), B(d##8), B(d##9)

HVT_MANIFEST(63, B(0), B(1), B(2), B(3), B(4), B(5), B(6), B(7), B(8), B(9),
	     B10(1), B10(2), B10(3), B10(4), B10(5), B(60), B(61), B(62));

int solo5_app_main(const struct solo5_start_info *si)
{
	struct solo5_block_info bi;
	solo5_handle_t h;
	char name[16];

	(void)si;
	for (int i = 0; i < 63; i++) {
		snprintf(name, sizeof(name), "storage%d", i);
		if (solo5_block_acquire(name, &h, &bi) != SOLO5_R_OK ||
		    h != (solo5_handle_t)i + 1) {
			printf("test_mft_maxdevices: FAILURE: %s\n", name);
			return SOLO5_EXIT_FAILURE;
		}
	}
	printf("test_mft_maxdevices: acquired 63 block devices\n");
	printf("SUCCESS\n");
	return SOLO5_EXIT_SUCCESS;
}
