/* SPDX-License-Identifier: ISC */
/*
 * vCPU loop and the host services hypercalls use (see vcpu_run.h). Stop
 * signals stay blocked except inside KVM_RUN (KVM_SET_SIGNAL_MASK) and the
 * POLL wait (ppoll's mask), so each either interrupts the guest or is seen
 * before the next entry: no check-then-block race.
 */
#include <errno.h>
#include <linux/kvm.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

#include "log.h"
#include "vcpu_exit.h"
#include "vcpu_run.h"

/* Newer kernels report the GPA of an EFAULT in kvm_run (exit reason 39). */
#ifndef KVM_EXIT_MEMORY_FAULT
#define KVM_EXIT_MEMORY_FAULT 39
#endif
struct memory_fault_info {
	uint64_t flags;
	uint64_t gpa;
	uint64_t size;
};

static volatile sig_atomic_t stop_signal;

static void on_stop_signal(int sig)
{
	stop_signal = sig;
}

int tender_stop_signal(void)
{
	return stop_signal;
}

void tender_signal_open_mask(sigset_t *set)
{
	pthread_sigmask(SIG_SETMASK, NULL, set);
	sigdelset(set, SIGINT);
	sigdelset(set, SIGTERM);
	sigdelset(set, SIGUSR1);
}

int tender_signals_init(void)
{
	struct sigaction sa;
	sigset_t block;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_stop_signal;
	sigemptyset(&sa.sa_mask);
	/* No SA_RESTART: KVM_RUN and ppoll must return EINTR. */
	if (sigaction(SIGINT, &sa, NULL) < 0 ||
	    sigaction(SIGTERM, &sa, NULL) < 0 ||
	    sigaction(SIGUSR1, &sa, NULL) < 0)
		return -errno;
	sigemptyset(&block);
	sigaddset(&block, SIGINT);
	sigaddset(&block, SIGTERM);
	sigaddset(&block, SIGUSR1);
	return -pthread_sigmask(SIG_BLOCK, &block, NULL);
}

/*
 * KVM_RUN returns EINTR for a stop signal it unblocked, but the signal is
 * still pending (blocked again) when the ioctl returns: take it here.
 */
static void take_pending_stop_signal(void)
{
	const struct timespec zero = {0, 0};
	sigset_t stop;
	int sig;

	sigemptyset(&stop);
	sigaddset(&stop, SIGINT);
	sigaddset(&stop, SIGTERM);
	sigaddset(&stop, SIGUSR1);
	sig = sigtimedwait(&stop, NULL, &zero);
	if (sig > 0)
		stop_signal = sig;
}

static int set_kvm_signal_mask(const struct tender_vm *vm)
{
	struct {
		struct kvm_signal_mask hdr;
		uint8_t bits[8];
	} m;
	sigset_t set;

	tender_signal_open_mask(&set);
	m.hdr.len = sizeof(m.bits);
	/* The kernel's sigset is the first 64 bits of glibc's. */
	memcpy(m.bits, &set, sizeof(m.bits));
	return ioctl(vm->vcpu_fd, KVM_SET_SIGNAL_MASK, &m);
}

static enum tender_run_result run_fault(const char *msg)
{
	tlog_err("%s", msg);
	return TENDER_RUN_FAULT;
}

static enum tender_run_result
handle_run_error(struct tender_vm *vm, const struct tender_exit_env *env)
{
	char msg[256];

	if (errno == EFAULT) {
		uint64_t gpa = UINT64_MAX;
		if (vm->run->exit_reason == KVM_EXIT_MEMORY_FAULT) {
			struct memory_fault_info mf;
			memcpy(&mf, &vm->run->io, sizeof(mf));
			gpa = mf.gpa;
		}
		tender_exit_efault_msg(gpa, env, msg, sizeof(msg));
		return run_fault(msg);
	}
	tlog_err("KVM_RUN: %s", strerror(errno));
	return TENDER_RUN_FAULT;
}

/*
 * Serve one exit. Returns true to re-enter the guest, false to stop with
 * *result.
 */
static bool handle_exit(struct tender_vm *vm, struct hc_ctx *hc,
			struct tender_exit_env *env,
			enum tender_run_result *result)
{
	struct tender_exit ex;

	/* RIP is only needed for messages: hypercalls do not read it. */
	env->rip =
	    vm->run->exit_reason == KVM_EXIT_IO ? 0 : tender_vcpu_rip(vm);
	tender_exit_decode(vm->run, vm->run_size, env, &ex);
	if (ex.kind == TENDER_EXIT_KICK)
		return true; /* the dataplane serves the ring */
	if (ex.kind == TENDER_EXIT_FAULT) {
		if (env->rip == 0) {
			/* An I/O fault: decode again with the RIP known. */
			env->rip = tender_vcpu_rip(vm);
			tender_exit_decode(vm->run, vm->run_size, env, &ex);
		}
		*result = run_fault(ex.msg);
		return false;
	}
	switch (hc_dispatch(hc, ex.nr, ex.arg_gpa)) {
	case HC_CONTINUE:
		return true;
	case HC_HALT:
		*result = TENDER_RUN_HALTED;
		return false;
	case HC_FAULT:
		break;
	}
	tlog_err("%s (RIP 0x%llx)", hc->fault_msg,
		 (unsigned long long)tender_vcpu_rip(vm));
	*result = TENDER_RUN_FAULT;
	return false;
}

enum tender_run_result tender_vcpu_run(struct tender_vm *vm, struct hc_ctx *hc,
				       bool is_pvm)
{
	struct tender_exit_env env = {
	    .mem_size = hc->gmem.size,
	    .is_pvm = is_pvm,
	};
	enum tender_run_result result = TENDER_RUN_FAULT;

	if (set_kvm_signal_mask(vm) < 0) {
		tlog_err("KVM_SET_SIGNAL_MASK: %s", strerror(errno));
		return TENDER_RUN_FAULT;
	}
	for (;;) {
		if (stop_signal != 0)
			return TENDER_RUN_SIGNAL;
		if (ioctl(vm->vcpu_fd, KVM_RUN, 0) < 0) {
			if (errno == EINTR) {
				take_pending_stop_signal();
				continue;
			}
			if (errno == EAGAIN)
				continue;
			env.rip = tender_vcpu_rip(vm);
			return handle_run_error(vm, &env);
		}
		if (!handle_exit(vm, hc, &env, &result))
			return result;
	}
}
