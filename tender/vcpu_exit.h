/* SPDX-License-Identifier: ISC */
/*
 * Decoding of a KVM exit into what the tender must do next. Pure: it reads
 * only the kvm_run the caller passes (unit tests fill one by hand) and
 * writes a verdict with a one-line message for the fatal cases.
 */
#ifndef TENDER_VCPU_EXIT_H
#define TENDER_VCPU_EXIT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct kvm_run;

enum tender_exit_kind {
	TENDER_EXIT_HYPERCALL, /* run hypercall nr with arg_gpa */
	TENDER_EXIT_KICK, /* shared-ring doorbell (port 0x600) */
	TENDER_EXIT_FAULT, /* stop the VM; msg says why */
};

struct tender_exit {
	enum tender_exit_kind kind;
	uint32_t nr;
	uint64_t arg_gpa;
	char msg[256];
};

/* Facts about the VM the decoder needs for its messages. */
struct tender_exit_env {
	uint64_t mem_size; /* bytes of guest RAM */
	uint64_t rip; /* guest RIP at the exit, 0 if unknown */
	bool is_pvm; /* /dev/kvm is kvm-pvm */
};

/*
 * Decode the exit in run (run_size bytes mapped).
 * untrusted: the port, size, data and addresses are guest-controlled.
 */
void tender_exit_decode(const struct kvm_run *run, size_t run_size,
			const struct tender_exit_env *env,
			struct tender_exit *out);

/*
 * Message for KVM_RUN failing with EFAULT (a guest access the host mapping
 * does not allow, e.g. a write to the guest's read-only text). gpa is
 * UINT64_MAX when KVM did not report it.
 */
void tender_exit_efault_msg(uint64_t gpa, const struct tender_exit_env *env,
			    char *msg, size_t msg_len);

#endif /* TENDER_VCPU_EXIT_H */
