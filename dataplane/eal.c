/* SPDX-License-Identifier: ISC */
/*
 * DPDK EAL start-up with per-VM defaults that need no flags: a unique file
 * prefix, no PCI scan, in-memory (hugepages if any are free, else normal
 * pages), IOVA as VA, the poll lcore on its own CPU. Runs on the dataplane's
 * init thread; cleanup removes the runtime directory EAL leaves behind.
 */
#include <errno.h>
#include <ftw.h>
#include <sched.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <rte_eal.h>
#include <rte_errno.h>
#include <rte_lcore.h>

#include "dp_priv.h"

#define EAL_MAX_ARGS 64
#define EAL_MEM_MB_MIN 64

static unsigned free_hugepages_2m(void)
{
	FILE *f = fopen("/sys/kernel/mm/hugepages/hugepages-2048kB/"
			"free_hugepages",
			"r");
	unsigned n = 0;

	if (f == NULL)
		return 0;
	if (fscanf(f, "%u", &n) != 1)
		n = 0;
	fclose(f);
	return n;
}

/* EAL is per process: its state lives here, not in struct dp. */
static bool eal_up;
static char file_prefix[64];

/* Memory EAL needs for its pools (frames of the largest MTU, generously)
 * and for guest RAM it must share (virtio-user). */
static unsigned eal_mem_mb(const struct dp_config *cfg, uint64_t shared)
{
	unsigned max_frame = 2048;

	for (unsigned i = 0; i < cfg->nb_nics; i++)
		if (cfg->nics[i].mtu + 14u > max_frame)
			max_frame = cfg->nics[i].mtu + 14u;
	return EAL_MEM_MB_MIN + (DP_POOL_SIZE * (max_frame + 512)) / (1 << 20) +
	       (unsigned)(shared >> 20);
}

static int add_arg(char **argv, int *argc, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int add_arg(char **argv, int *argc, const char *fmt, ...)
{
	char buf[512];
	va_list ap;

	if (*argc >= EAL_MAX_ARGS - 1)
		return -1;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	argv[(*argc)++] = strdup(buf);
	return argv[*argc - 1] != NULL ? 0 : -1;
}

/* Split the operator's extra arguments on white space. */
static int add_extra_args(char **argv, int *argc, const char *extra)
{
	char *copy, *save = NULL;
	int ret = 0;

	if (extra == NULL)
		return 0;
	copy = strdup(extra);
	if (copy == NULL)
		return -1;
	for (char *t = strtok_r(copy, " \t", &save); t != NULL && ret == 0;
	     t = strtok_r(NULL, " \t", &save))
		ret = add_arg(argv, argc, "%s", t);
	free(copy);
	return ret;
}

static int build_args(const struct dp_config *cfg, uint64_t shared, char **argv,
		      int *argc)
{
	int poll_cpu = cfg->poll_cpu, vcpu_cpu = cfg->vcpu_cpu, ok = 0;
	char buf[128];
	unsigned mem_mb = eal_mem_mb(cfg, shared);
	bool huge = !cfg->no_huge && free_hugepages_2m() * 2 >= mem_mb;

	ok |= add_arg(argv, argc, "%s", "hvt-dpdk");
	snprintf(file_prefix, sizeof(file_prefix), "hvt-dpdk-%d",
		 (int)getpid());
	ok |= add_arg(argv, argc, "--file-prefix=%s", file_prefix);
	/* lcore 0 (control) may run anywhere; lcore 1 polls on its CPU. */
	snprintf(buf, sizeof(buf), "0@(%d,%d),1@%d", vcpu_cpu, poll_cpu,
		 poll_cpu);
	ok |= add_arg(argv, argc, "--lcores=%s", buf);
	ok |= add_arg(argv, argc, "%s", "--no-pci");
	ok |= add_arg(argv, argc, "%s", "--iova-mode=va");
	ok |= add_arg(argv, argc, "-m%u", mem_mb);
	if (huge) {
		ok |= add_arg(argv, argc, "%s", "--in-memory");
		ok |= add_arg(argv, argc, "%s", "--single-file-segments");
	} else {
		if (!cfg->no_huge)
			dp_log(DP_WARN,
			       "fewer than %u MiB of free 2 MiB hugepages: "
			       "DPDK uses normal pages (slower)",
			       mem_mb);
		ok |= add_arg(argv, argc, "%s", "--no-huge");
		ok |= add_arg(argv, argc, "%s", "--no-shconf");
	}
	ok |= add_arg(argv, argc, "--log-level=%s",
		      cfg->verbosity > 1 ? "*:info" : "*:error");
	ok |= add_extra_args(argv, argc, cfg->eal_args);
	argv[*argc] = NULL;
	return ok == 0 ? 0 : -1;
}

int dp_eal_start(const struct dp_config *cfg, uint64_t shared)
{
	char *argv[EAL_MAX_ARGS] = {0};
	int argc = 0, ret = -1;

	if (eal_up)
		return 0;
	if (build_args(cfg, shared, argv, &argc) < 0) {
		dp_log(DP_ERR, "too many EAL arguments (at most %d)",
		       EAL_MAX_ARGS - 16);
		goto out;
	}
	if (cfg->verbosity > 0) {
		char line[1024] = "";
		for (int i = 1; i < argc; i++) {
			strncat(line, " ", sizeof(line) - strlen(line) - 1);
			strncat(line, argv[i], sizeof(line) - strlen(line) - 1);
		}
		dp_log(DP_INFO, "EAL arguments:%s", line);
	}
	/* rte_eal_init may permute argv: hand it a copy of the pointers. */
	char *eal_argv[EAL_MAX_ARGS];
	memcpy(eal_argv, argv, sizeof(argv));
	if (rte_eal_init(argc, eal_argv) < 0) {
		dp_log(DP_ERR,
		       "DPDK EAL start-up failed: %s (check --eal-args and "
		       "hugepages)",
		       rte_strerror(rte_errno));
		goto out;
	}
	eal_up = true;
	ret = 0;
out:
	for (int i = 0; i < argc; i++)
		free(argv[i]);
	return ret;
}

static int remove_entry(const char *path, const struct stat *st, int flag,
			struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	remove(path);
	return 0;
}

void dp_eal_stop(void)
{
	char dir[128];

	if (eal_up)
		rte_eal_cleanup();
	eal_up = false;
	if (file_prefix[0] == '\0')
		return;
	/* EAL leaves /var/run/dpdk/<prefix>/ (telemetry socket, config). */
	snprintf(dir, sizeof(dir), "/var/run/dpdk/%s", file_prefix);
	nftw(dir, remove_entry, 8, FTW_DEPTH | FTW_PHYS);
	file_prefix[0] = '\0';
}

void dp_eal_forget(void)
{
	char dir[128];

	if (file_prefix[0] == '\0')
		return;
	snprintf(dir, sizeof(dir), "/var/run/dpdk/%s", file_prefix);
	nftw(dir, remove_entry, 8, FTW_DEPTH | FTW_PHYS);
}
