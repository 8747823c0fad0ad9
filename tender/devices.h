/* SPDX-License-Identifier: ISC */
/*
 * Attaching the command line's devices to the unikernel's manifest: every
 * manifest device must be given on the command line and vice versa. Block
 * images are opened and checked here; net devices get their MAC and MTU.
 * Runs on the main thread before the VM exists.
 */
#ifndef TENDER_DEVICES_H
#define TENDER_DEVICES_H

#include <stddef.h>
#include <stdint.h>

#include "cli.h"
#include "hypercall.h"

#define TENDER_DEFAULT_MTU 1500

/*
 * Check cfg against mft (validated, from the ELF), open block images, fill
 * in each manifest entry (capacity, block_size, mac, mtu, attached) and
 * devs[] (indexed by handle). kernel names the unikernel in messages.
 * Returns 0, or -1 with one line in err; on failure any fd opened is
 * closed again.
 */
int tender_devices_attach(const struct tender_config *cfg, struct hvt_mft *mft,
			  const char *kernel,
			  struct hc_dev devs[HVT_MFT_MAX_ENTRIES], char *err,
			  size_t err_len);

/* Close what tender_devices_attach opened. */
void tender_devices_close(struct hc_dev devs[HVT_MFT_MAX_ENTRIES]);

/*
 * Open a block image read-write and check its size: a non-zero multiple of
 * sector_size. Returns 0 with dev filled, or -1 with one line in err
 * naming the option and the file.
 */
int tender_block_open(const struct tender_block_opt *opt,
		      struct hc_block_dev *dev, char *err, size_t err_len);

#endif /* TENDER_DEVICES_H */
