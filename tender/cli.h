/* SPDX-License-Identifier: ISC */
/*
 * Command line -> struct tender_config, a plain data struct with no side
 * effects (nothing is opened here). Options match solo5-hvt's. Parsing and
 * validation are pure so unit tests drive them with literal argv arrays.
 */
#ifndef TENDER_CLI_H
#define TENDER_CLI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "dataplane.h"
#include "hypercall/abi/hvt_abi.h"

#define TENDER_MAX_DEVS (HVT_MFT_MAX_ENTRIES - 1) /* entry 0 is reserved */
#define TENDER_EXIT_ERROR 1 /* any tender-side failure, as solo5-hvt */

struct tender_block_opt {
	char name[HVT_MFT_NAME_SIZE];
	const char *path;
	uint32_t sector_size; /* 0: not given, use HVT default 512 */
};

struct tender_net_opt {
	char name[HVT_MFT_NAME_SIZE];
	const char *spec; /* as given; NULL until --net:NAME= */
	struct dp_port_spec port; /* spec, parsed */
	bool has_mac;
	uint8_t mac[6];
	uint16_t mtu; /* 0: not given (1500) */
};

struct tender_config {
	uint64_t mem_size; /* bytes, a multiple of 2 MiB */
	struct tender_block_opt blocks[TENDER_MAX_DEVS];
	unsigned nb_blocks;
	struct tender_net_opt nets[TENDER_MAX_DEVS];
	unsigned nb_nets;
	const char *kernel_path;
	int guest_argc; /* arguments after the kernel */
	char *const *guest_argv; /* points into the caller's argv */
	/* Dataplane. */
	const char *eal_args;
	int poll_cpu; /* -1: automatic */
	int vcpu_cpu; /* -1: automatic */
	bool poll_always;
	bool net_ring; /* offer the Solo5 shared ring (default on) */
	bool net_fastpath; /* offer the fast path to guests asking for it */
	bool show_help;
	bool show_version;
	int verbosity; /* number of -v / --verbose */
};

/*
 * Fill cfg from argv (argv[0] is the program name). Returns 0, or -1 with
 * one line in err naming the option, the bad value and what is accepted.
 * Options given by name only (--block-sector-size:, --net-mac:) may come
 * before the device they name; tender_config_validate checks they match.
 */
int tender_cli_parse(struct tender_config *cfg, int argc, char *const *argv,
		     char *err, size_t err_len);

/* Cross-option rules. Returns 0, or -1 with one line in err. */
int tender_config_validate(const struct tender_config *cfg, char *err,
			   size_t err_len);

/*
 * The guest command line: the arguments after the kernel joined by single
 * spaces into buf (NUL-terminated). Returns 0, or -1 if it would exceed
 * HVT_CMDLINE_MAX - 1 characters (or buf_len).
 */
int tender_cmdline_build(const struct tender_config *cfg, char *buf,
			 size_t buf_len);

/* Text for --help. */
void tender_cli_usage(const char *prog, void (*out)(const char *line));

/*
 * One integer parser for every option: decimal or 0x hex, no sign, no
 * trailing junk, range [min, max]. Returns 0 or -1.
 */
int tender_parse_u64(const char *s, uint64_t min, uint64_t max, uint64_t *out);

#endif /* TENDER_CLI_H */
