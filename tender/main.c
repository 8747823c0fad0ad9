/* SPDX-License-Identifier: ISC */
/*
 * hvt-dpdk: parse the command line, validate the unikernel and devices,
 * build the VM, run it and tear everything down. The process exit code is
 * the guest's exit status, or TENDER_EXIT_ERROR when the tender fails.
 */
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/mman.h>
#include <unistd.h>

#include "boot.h"
#include "cli.h"
#include "dataplane.h"
#include "devices.h"
#include "elf_load.h"
#include "guest_mem.h"
#include "host_ops.h"
#include "log.h"
#include "manifest.h"
#include "vcpu_run.h"
#include "vm.h"

#ifndef HVT_DPDK_VERSION
#define HVT_DPDK_VERSION "unknown"
#endif

_Static_assert(TENDER_ELF_MAX_SEGS <= HC_GMEM_MAX_RO,
	       "every read-only segment fits the hypercall view");

/* Everything main() builds, so teardown is one function. */
struct tender {
	struct tender_config cfg;
	struct tender_elf elf;
	bool elf_open;
	struct tender_guest_mem gmem;
	struct tender_vm vm;
	bool vm_created;
	struct hc_ctx hc;
	char cmdline[HVT_CMDLINE_MAX];
	bool is_pvm;
	/* Dataplane, when the guest has NICs. */
	struct dp_config dc;
	struct dp *dp;
	int kick_fd;
	uint64_t region_gpa; /* 0: no shared region (Solo5 ring, fast path) */
	uint64_t ring_gpa; /* 0: no shared ring */
	uint32_t fastpath_version; /* 0: fast path not offered */
	int poll_cpu, vcpu_cpu;
	pthread_t vcpu_thread;
};

static void print_line(const char *line)
{
	puts(line);
}

/* Parse and check everything the operator gave before any VM exists. */
static int configure(struct tender *t, int argc, char **argv)
{
	char err[512];

	if (tender_cli_parse(&t->cfg, argc, argv, err, sizeof(err)) < 0 ||
	    tender_config_validate(&t->cfg, err, sizeof(err)) < 0) {
		tlog_err("%s", err);
		return -1;
	}
	if (t->cfg.show_help) {
		tender_cli_usage(argv[0], print_line);
		return 1;
	}
	if (t->cfg.show_version) {
		printf("hvt-dpdk %s (Solo5 hvt ABI version %d)\n",
		       HVT_DPDK_VERSION, HVT_ABI_VERSION);
		return 1;
	}
	if (t->cfg.verbosity > 0)
		tender_log_set_level(t->cfg.verbosity > 1 ? TLOG_DEBUG
							  : TLOG_INFO);
	if (tender_cmdline_build(&t->cfg, t->cmdline, sizeof(t->cmdline)) < 0) {
		tlog_err("%s: the unikernel's command line is longer than %d "
			 "characters",
			 t->cfg.kernel_path, HVT_CMDLINE_MAX - 1);
		return -1;
	}
	if (tender_elf_open(&t->elf, t->cfg.kernel_path, t->cfg.mem_size, err,
			    sizeof(err)) < 0) {
		tlog_err("%s", err);
		return -1;
	}
	t->elf_open = true;
	if (tender_devices_attach(&t->cfg, t->elf.mft, t->cfg.kernel_path,
				  t->hc.devs, err, sizeof(err)) < 0) {
		tlog_err("%s", err);
		return -1;
	}
	return 0;
}

/* Host protection per segment: text and rodata read-only on the host too. */
static int protect_segments(struct tender *t)
{
	for (unsigned i = 0; i < t->elf.nb_segs; i++) {
		const struct tender_elf_seg *s = &t->elf.segs[i];
		int ret = tender_guest_mem_protect(&t->gmem, s->prot_start,
						   s->prot_end, s->prot);
		if (ret < 0) {
			tlog_err("%s: cannot protect segment %u: %s",
				 t->cfg.kernel_path, i, strerror(-ret));
			return -1;
		}
	}
	return 0;
}

/* From the poll thread: make the vCPU thread stop the VM. */
static void dataplane_fault(void *opaque)
{
	struct tender *t = opaque;

	pthread_kill(t->vcpu_thread, SIGUSR1);
}

static void dataplane_config(struct tender *t, struct dp_config *dc)
{
	memset(dc, 0, sizeof(*dc));
	for (unsigned i = 0; i < t->cfg.nb_nets; i++) {
		const struct tender_net_opt *n = &t->cfg.nets[i];
		int h =
		    tender_mft_find(t->elf.mft, n->name, HVT_MFT_DEV_NET_BASIC);
		struct dp_nic_config *nc = &dc->nics[dc->nb_nics++];

		/* Attached devices are in the manifest (checked earlier). */
		nc->handle = (uint32_t)h;
		memcpy(nc->name, n->name, sizeof(nc->name));
		nc->spec = n->port;
		memcpy(nc->mac, t->elf.mft->e[h].u.net_basic.mac, 6);
		nc->mtu = t->elf.mft->e[h].u.net_basic.mtu;
	}
	dc->eal_args = t->cfg.eal_args;
	dc->poll_cpu = t->poll_cpu;
	dc->vcpu_cpu = t->vcpu_cpu;
	dc->idle = t->cfg.poll_always ? DP_IDLE_POLL : DP_IDLE_ADAPTIVE;
	dc->idle_ns = 200 * 1000;
	dc->offer_ring = t->ring_gpa != 0;
	dc->verbosity = t->cfg.verbosity;
	dc->fault_notify = dataplane_fault;
	dc->fault_opaque = t;
}

/*
 * The view of guest memory the hypercall handlers and the dataplane check
 * guest addresses against, with the ranges the host maps read-only: no
 * guest request may make the tender write there (it would SIGSEGV).
 */
static void init_hc_gmem(struct tender *t)
{
	struct hc_gmem *gm = &t->hc.gmem;

	*gm = (struct hc_gmem){.base = t->gmem.hva, .size = t->gmem.size};
	for (unsigned i = 0; i < t->elf.nb_segs; i++) {
		const struct tender_elf_seg *s = &t->elf.segs[i];
		if (s->prot & PROT_WRITE)
			continue;
		/* TENDER_ELF_MAX_SEGS <= HC_GMEM_MAX_RO */
		gm->ro[gm->nb_ro++] =
		    (struct hc_gpa_range){s->prot_start, s->prot_end};
	}
}

/*
 * Start the dataplane; EAL comes up on its own thread while the guest
 * boots. Guest ring kicks go to an eventfd in the kernel (no VM exit).
 */
static int start_dataplane(struct tender *t)
{
	char err[512];

	t->kick_fd = -1;
	if (t->region_gpa != 0) {
		t->kick_fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
		if (t->kick_fd < 0 ||
		    tender_vm_ioeventfd(&t->vm, HVT_RING_KICK_PIO, t->kick_fd,
					err, sizeof(err)) < 0) {
			tlog_err("shared ring kick: %s",
				 t->kick_fd < 0 ? strerror(errno) : err);
			return -1;
		}
	}
	/* The dataplane copies it: read-only ranges included. */
	init_hc_gmem(t);
	if (t->fastpath_version != 0) {
		t->dc.fastpath_hdr =
		    t->gmem.hva + t->region_gpa + HVTX_HEADER_OFFSET;
		t->dc.fastpath_version = t->fastpath_version;
	}
	t->dp = dp_start(&t->dc, &t->hc.gmem, t->hc.devs,
			 t->ring_gpa ? t->gmem.hva + t->ring_gpa : NULL,
			 t->kick_fd, err, sizeof(err));
	if (t->dp == NULL) {
		tlog_err("%s", err);
		return -1;
	}
	return 0;
}

/*
 * The fast path version to offer: the newest both sides speak, or 0 when
 * the operator turned it off, the guest did not ask (every unmodified Solo5
 * guest) or no version is common.
 */
static uint32_t fastpath_version(const struct tender *t)
{
	uint32_t v = t->elf.fastpath_max < HVTX_VERSION ? t->elf.fastpath_max
							: HVTX_VERSION;

	if (!t->cfg.net_fastpath || t->elf.fastpath_min == 0)
		return 0;
	if (v < t->elf.fastpath_min) {
		tlog_warn("%s: speaks fast path versions %u to %u, hvt-dpdk %d:"
			  " using the Solo5 interfaces",
			  t->cfg.kernel_path, t->elf.fastpath_min,
			  t->elf.fastpath_max, HVTX_VERSION);
		return 0;
	}
	return v;
}

/*
 * Guest RAM. With NICs, the part above the kernel image is packet memory:
 * hugepages, or DPDK memory when a virtio-user peer must map it (EAL then
 * starts here, before the guest boots); the shared ring sits above it.
 */
static int map_guest_ram(struct tender *t)
{
	uint64_t extra = 0, huge_from = UINT64_MAX;
	bool shared = false;
	char err[512];
	int ret;

	if (t->cfg.nb_nets > 0) {
		huge_from = (t->elf.kernel_end + HVT_HUGE_PAGE_SIZE - 1) &
			    ~(HVT_HUGE_PAGE_SIZE - 1);
		t->fastpath_version = fastpath_version(t);
		if (t->cfg.net_ring || t->fastpath_version != 0) {
			extra = HVT_RING_REGION_SIZE;
			t->region_gpa = t->cfg.mem_size;
		}
		if (t->cfg.net_ring)
			t->ring_gpa = t->region_gpa;
		dataplane_config(t, &t->dc);
		shared = dp_needs_shared_mem(&t->dc);
	}
	ret = tender_guest_mem_map(&t->gmem, t->cfg.mem_size, extra,
				   shared ? UINT64_MAX : huge_from);
	if (ret < 0) {
		tlog_err("--mem: cannot map %llu MiB of guest memory: %s",
			 (unsigned long long)(t->cfg.mem_size >> 20),
			 strerror(-ret));
		return -1;
	}
	if (shared && huge_from < t->gmem.map_size &&
	    dp_shared_mem_map(&t->dc, t->gmem.hva + huge_from,
			      t->gmem.map_size - huge_from, err,
			      sizeof(err)) < 0) {
		tlog_err("%s", err);
		return -1;
	}
	return 0;
}

static int build_vm(struct tender *t)
{
	struct tender_boot_params bp;
	char err[512];

	if (map_guest_ram(t) < 0)
		return -1;
	if (tender_elf_load(&t->elf, t->gmem.hva, t->gmem.size, err,
			    sizeof(err)) < 0) {
		tlog_err("%s", err);
		return -1;
	}
	if (tender_vm_create(&t->vm, t->gmem.hva, t->gmem.map_size, err,
			     sizeof(err)) < 0) {
		t->vm_created = true;
		tlog_err("%s", err);
		return -1;
	}
	t->vm_created = true;
	bp = (struct tender_boot_params){
	    .mem_size = t->gmem.size,
	    .kernel_end = t->elf.kernel_end,
	    .tsc_hz = t->vm.tsc_hz,
	    .mft = t->elf.mft,
	    .mft_size = t->elf.mft_size,
	    .cmdline = t->cmdline,
	    .host_features = (t->ring_gpa ? HVT_FEATURE_RING_IO : 0) |
			     (t->fastpath_version ? HVTX_FEATURE_FASTPATH : 0),
	    .net_ring_gpa = t->ring_gpa,
	};
	tender_boot_info_write(t->gmem.hva, &bp);
	if (tender_vm_setup_x86_64(&t->vm, t->gmem.hva, t->gmem.size,
				   t->gmem.map_size, t->elf.entry,
				   HVT_BOOT_INFO_GPA, err, sizeof(err)) < 0) {
		tlog_err("%s", err);
		return -1;
	}
	if (protect_segments(t) < 0)
		return -1;
	return t->cfg.nb_nets > 0 ? start_dataplane(t) : 0;
}

/* The vCPU thread runs on its own CPU, away from the poll thread. */
static void pin_vcpu(struct tender *t)
{
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET(t->vcpu_cpu, &set);
	if (pthread_setaffinity_np(pthread_self(), sizeof(set), &set) != 0)
		tlog_warn("cannot pin the vCPU thread to CPU %d", t->vcpu_cpu);
}

static int run(struct tender *t)
{
	init_hc_gmem(t);
	t->hc.ops = &tender_host_ops;
	if (t->dp != NULL) {
		t->hc.ops = &tender_net_host_ops;
		t->hc.opaque = t->dp;
		pin_vcpu(t);
	}
	switch (tender_vcpu_run(&t->vm, &t->hc, t->is_pvm)) {
	case TENDER_RUN_HALTED:
		/* The process exit code is the low 8 bits, as in Solo5. */
		return t->hc.exit_status & 0xff;
	case TENDER_RUN_SIGNAL:
		if (dp_fault(t->dp) != NULL)
			tlog_err("%s", dp_fault(t->dp));
		else
			tlog_err("stopping the unikernel on signal %d (%s)",
				 tender_stop_signal(),
				 strsignal(tender_stop_signal()));
		return TENDER_EXIT_ERROR;
	case TENDER_RUN_FAULT:
		break;
	}
	return TENDER_EXIT_ERROR;
}

static void teardown(struct tender *t)
{
	dp_stop(t->dp, true);
	t->dp = NULL;
	if (t->kick_fd > 0)
		close(t->kick_fd);
	if (t->vm_created)
		tender_vm_destroy(&t->vm);
	tender_guest_mem_unmap(&t->gmem);
	tender_devices_close(t->hc.devs);
	if (t->elf_open)
		tender_elf_close(&t->elf);
}

int main(int argc, char **argv)
{
	static struct tender t;
	int status = TENDER_EXIT_ERROR;
	int ret;

	ret = configure(&t, argc, argv);
	if (ret != 0) {
		teardown(&t);
		return ret > 0 ? 0 : TENDER_EXIT_ERROR;
	}
	if (tender_signals_init() < 0) {
		tlog_err("cannot install signal handlers");
		goto out;
	}
	t.is_pvm = tender_kvm_is_pvm();
	t.vcpu_thread = pthread_self();
	dp_choose_cpus(t.cfg.poll_cpu, t.cfg.vcpu_cpu, &t.poll_cpu,
		       &t.vcpu_cpu);
	if (t.is_pvm)
		tlog_info("notice: /dev/kvm is kvm-pvm: guest code is emulated "
			  "here and runs far slower than on hardware KVM");
	if (build_vm(&t) == 0)
		status = run(&t);
out:
	teardown(&t);
	return status;
}
