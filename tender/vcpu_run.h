/* SPDX-License-Identifier: ISC */
/*
 * The vCPU loop: runs the guest until it halts, faults or a stop signal
 * arrives, serving hypercalls through the hypercall module. Runs on the
 * thread that calls it; SIGINT and SIGTERM are delivered only while the
 * guest runs or waits in POLL, so a stop request is never lost.
 */
#ifndef TENDER_VCPU_RUN_H
#define TENDER_VCPU_RUN_H

#include <signal.h>
#include <stdbool.h>
#include <stdint.h>

#include "hypercall.h"
#include "vm.h"

enum tender_run_result {
	TENDER_RUN_HALTED, /* guest called HALT: see hc->exit_status */
	TENDER_RUN_FAULT, /* the VM was stopped; the reason was logged */
	TENDER_RUN_SIGNAL, /* SIGINT/SIGTERM: see tender_stop_signal() */
};

/*
 * Block SIGINT, SIGTERM and SIGUSR1 in the calling thread (and threads it creates
 * later) and install handlers that request a stop. Call before any other
 * thread exists. Returns 0 or -errno.
 */
int tender_signals_init(void);

/* The signal that requested a stop, or 0. SIGUSR1 means the dataplane
 * stopped the VM (see dp_fault()). */
int tender_stop_signal(void);

/* The calling thread's signal mask with the stop signals unblocked: what
 * blocking waits (KVM_RUN, POLL) run with. */
void tender_signal_open_mask(sigset_t *set);

/*
 * Run the vCPU until the guest halts or faults or a stop is requested.
 * hc must be set up (guest memory, devices, ops). Fault messages are logged
 * here. is_pvm selects kvm-pvm specific hints in messages.
 */
enum tender_run_result tender_vcpu_run(struct tender_vm *vm, struct hc_ctx *hc,
				       bool is_pvm);

#endif /* TENDER_VCPU_RUN_H */
