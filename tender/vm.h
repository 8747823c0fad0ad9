/* SPDX-License-Identifier: ISC */
/*
 * The KVM virtual machine: one vCPU in 64-bit long mode over guest RAM at
 * GPA 0, set up exactly as Solo5's hvt tender does (see shared/ABI.md).
 * Created and destroyed on the main thread; the vCPU runs on the thread
 * that calls tender_vcpu_run().
 */
#ifndef TENDER_VM_H
#define TENDER_VM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct kvm_run;

struct tender_vm {
	int kvm_fd;
	int vm_fd;
	int vcpu_fd;
	struct kvm_run *run;
	size_t run_size;
	uint64_t tsc_hz;
};

/* True when /dev/kvm is kvm-pvm (guest code is emulated, ~1000x slower). */
bool tender_kvm_is_pvm(void);

/*
 * Open /dev/kvm, create the VM over [hva, hva + map_size) at GPA 0 and one
 * vCPU, and read the TSC frequency. Returns 0, or -1 with one line in err.
 */
int tender_vm_create(struct tender_vm *vm, void *hva, uint64_t map_size,
		     char *err, size_t err_len);

/*
 * Write page tables and GDT into guest memory (mem, map_size bytes mapped
 * at GPA 0) and set the vCPU's registers so it starts at entry with RDI =
 * boot_info_gpa and the stack at the top of usable memory (mem_size).
 * Returns 0, or -1 with one line in err.
 */
int tender_vm_setup_x86_64(struct tender_vm *vm, uint8_t *mem,
			   uint64_t mem_size, uint64_t map_size, uint64_t entry,
			   uint64_t boot_info_gpa, char *err, size_t err_len);

/*
 * Have guest writes to I/O port `port` signal eventfd fd in the kernel,
 * without a VM exit (the shared ring's kick). Returns 0, or -1 with err.
 */
int tender_vm_ioeventfd(struct tender_vm *vm, uint16_t port, int fd, char *err,
			size_t err_len);

/* Current guest RIP, or 0 if it cannot be read. */
uint64_t tender_vcpu_rip(const struct tender_vm *vm);

void tender_vm_destroy(struct tender_vm *vm);

#endif /* TENDER_VM_H */
