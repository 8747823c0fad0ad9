/* SPDX-License-Identifier: ISC */
/*
 * Pure decoding of KVM exits (see vcpu_exit.h). Every guest-controlled
 * field of kvm_run is read once and range-checked before use.
 */
#include <linux/kvm.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "hypercall/abi/hvt_abi.h"
#include "vcpu_exit.h"

static void set_fault(struct tender_exit *out, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void set_fault(struct tender_exit *out, const char *fmt, ...)
{
	va_list ap;

	out->kind = TENDER_EXIT_FAULT;
	va_start(ap, fmt);
	vsnprintf(out->msg, sizeof(out->msg), fmt, ap);
	va_end(ap);
}

static void decode_io(const struct kvm_run *run, size_t run_size,
		      const struct tender_exit_env *env,
		      struct tender_exit *out)
{
	const uint16_t port = run->io.port;
	const uint8_t size = run->io.size;
	const uint8_t dir = run->io.direction;
	const uint32_t count = run->io.count;
	const uint64_t off = run->io.data_offset;
	uint32_t value;

	if (port == HVT_RING_KICK_PIO) {
		out->kind = TENDER_EXIT_KICK;
		return;
	}
	/* Every port of the hypercall block is a hypercall, known or not, so
	 * an unknown number gets the dispatcher's precise message. */
	if (port < HVT_HYPERCALL_PIO_BASE || port >= HVT_RING_KICK_PIO ||
	    dir != KVM_EXIT_IO_OUT || size != 4 || count != 1) {
		set_fault(out,
			  "guest accessed unknown I/O port 0x%x (%s, %u bytes) "
			  "at RIP 0x%llx",
			  port, dir == KVM_EXIT_IO_OUT ? "out" : "in", size,
			  (unsigned long long)env->rip);
		return;
	}
	/* untrusted: data_offset is written by KVM, but check it anyway. */
	if (off > run_size || run_size - off < sizeof(value)) {
		set_fault(out, "KVM reported I/O data outside kvm_run");
		return;
	}
	memcpy(&value, (const uint8_t *)run + off, sizeof(value));
	out->kind = TENDER_EXIT_HYPERCALL;
	out->nr = port - HVT_HYPERCALL_PIO_BASE;
	out->arg_gpa = value;
}

static void decode_mmio(const struct kvm_run *run,
			const struct tender_exit_env *env,
			struct tender_exit *out)
{
	const uint64_t gpa = run->mmio.phys_addr;

	/* kvm-pvm reports a write to read-only guest RAM as an MMIO exit. */
	if (run->mmio.is_write && gpa < env->mem_size)
		set_fault(out,
			  "guest wrote to read-only memory at GPA 0x%llx "
			  "(RIP 0x%llx)",
			  (unsigned long long)gpa,
			  (unsigned long long)env->rip);
	else
		set_fault(out,
			  "guest %s GPA 0x%llx outside its memory (0x%llx "
			  "bytes) at RIP 0x%llx",
			  run->mmio.is_write ? "wrote to" : "read from",
			  (unsigned long long)gpa,
			  (unsigned long long)env->mem_size,
			  (unsigned long long)env->rip);
}

static void decode_internal_error(const struct kvm_run *run,
				  const struct tender_exit_env *env,
				  struct tender_exit *out)
{
	set_fault(out, "KVM internal error (suberror %u) at RIP 0x%llx%s",
		  run->internal.suberror, (unsigned long long)env->rip,
		  env->is_pvm ? ": on kvm-pvm this is what SSE/AVX "
				"instructions in the guest cause (build guests "
				"with -mgeneral-regs-only), and how a guest "
				"triple fault shows"
			      : "");
}

void tender_exit_decode(const struct kvm_run *run, size_t run_size,
			const struct tender_exit_env *env,
			struct tender_exit *out)
{
	const uint32_t reason = run->exit_reason;

	memset(out, 0, sizeof(*out));
	switch (reason) {
	case KVM_EXIT_IO:
		decode_io(run, run_size, env, out);
		break;
	case KVM_EXIT_MMIO:
		decode_mmio(run, env, out);
		break;
	case KVM_EXIT_SHUTDOWN:
		set_fault(out,
			  "guest triple fault (KVM shutdown) at RIP 0x%llx",
			  (unsigned long long)env->rip);
		break;
	case KVM_EXIT_HLT:
		set_fault(
		    out,
		    "guest executed hlt at RIP 0x%llx: it must leave with "
		    "the HALT hypercall",
		    (unsigned long long)env->rip);
		break;
	case KVM_EXIT_INTERNAL_ERROR:
		decode_internal_error(run, env, out);
		break;
	case KVM_EXIT_FAIL_ENTRY:
		set_fault(out, "KVM entry failure: hardware reason 0x%llx",
			  (unsigned long long)
			      run->fail_entry.hardware_entry_failure_reason);
		break;
	default:
		set_fault(out, "unhandled KVM exit reason %u at RIP 0x%llx",
			  reason, (unsigned long long)env->rip);
		break;
	}
}

void tender_exit_efault_msg(uint64_t gpa, const struct tender_exit_env *env,
			    char *msg, size_t msg_len)
{
	if (gpa == UINT64_MAX)
		snprintf(msg, msg_len,
			 "guest wrote to read-only memory (KVM_RUN: EFAULT) "
			 "at RIP 0x%llx",
			 (unsigned long long)env->rip);
	else
		snprintf(msg, msg_len,
			 "guest wrote to read-only memory at GPA 0x%llx (RIP "
			 "0x%llx)",
			 (unsigned long long)gpa, (unsigned long long)env->rip);
}
