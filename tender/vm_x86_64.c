/* SPDX-License-Identifier: ISC */
/*
 * KVM VM and vCPU creation and the x86_64 boot state of the hvt ABI: page
 * tables, GDT, control registers, CPUID and TSC frequency. Runs on the main
 * thread before the guest starts; never touches guest memory afterwards.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/kvm.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "hypercall/abi/hvt_abi.h"
#include "log.h"
#include "vm.h"

#define PTE_P 0x1ULL
#define PTE_RW 0x2ULL
#define PTE_PS 0x80ULL

#define CR0_PE 0x1ULL
#define CR0_NE 0x20ULL
#define CR0_WP 0x10000ULL
#define CR0_PG 0x80000000ULL
#define CR4_PAE 0x20ULL
#define CR4_OSFXSR 0x200ULL
#define CR4_OSXMMEXCPT 0x400ULL
#define EFER_LME 0x100ULL
#define EFER_LMA 0x400ULL

#define GDT_CODE_DESC 0x00af99000000ffffULL /* 64-bit code, selector 0x08 */
#define GDT_DATA_DESC 0x00cf93000000ffffULL /* data, selector 0x10 */
#define SEL_CODE 0x08
#define SEL_DATA 0x10

bool tender_kvm_is_pvm(void)
{
	struct stat st;

	return stat("/sys/module/kvm_pvm", &st) == 0;
}

static int vm_create_vcpu(struct tender_vm *vm, char *err, size_t err_len)
{
	int mmap_size;

	vm->vcpu_fd = ioctl(vm->vm_fd, KVM_CREATE_VCPU, 0);
	if (vm->vcpu_fd < 0)
		return tender_errf(err, err_len, "KVM_CREATE_VCPU: %s",
				   strerror(errno));
	mmap_size = ioctl(vm->kvm_fd, KVM_GET_VCPU_MMAP_SIZE, 0);
	if (mmap_size < (int)sizeof(struct kvm_run))
		return tender_errf(err, err_len, "KVM_GET_VCPU_MMAP_SIZE: %s",
				   strerror(errno));
	vm->run = mmap(NULL, (size_t)mmap_size, PROT_READ | PROT_WRITE,
		       MAP_SHARED, vm->vcpu_fd, 0);
	if (vm->run == MAP_FAILED) {
		vm->run = NULL;
		return tender_errf(err, err_len, "mmap of kvm_run: %s",
				   strerror(errno));
	}
	vm->run_size = (size_t)mmap_size;
	return 0;
}

static int vm_read_tsc(struct tender_vm *vm, char *err, size_t err_len)
{
	int khz;

	if (ioctl(vm->kvm_fd, KVM_CHECK_EXTENSION, KVM_CAP_GET_TSC_KHZ) <= 0)
		return tender_errf(
		    err, err_len,
		    "KVM lacks KVM_CAP_GET_TSC_KHZ: the guest clock "
		    "needs the TSC frequency");
	khz = ioctl(vm->vcpu_fd, KVM_GET_TSC_KHZ, 0);
	if (khz < 0 && errno == EIO)
		return tender_errf(
		    err, err_len,
		    "KVM_GET_TSC_KHZ: the host TSC is unstable; the "
		    "guest clock cannot be trusted");
	if (khz <= 0)
		return tender_errf(err, err_len, "KVM_GET_TSC_KHZ: %s",
				   strerror(errno));
	vm->tsc_hz = (uint64_t)khz * 1000;
	return 0;
}

int tender_vm_create(struct tender_vm *vm, void *hva, uint64_t map_size,
		     char *err, size_t err_len)
{
	struct kvm_userspace_memory_region region = {
	    .slot = 0,
	    .guest_phys_addr = 0,
	    .memory_size = map_size,
	    .userspace_addr = (uint64_t)(uintptr_t)hva,
	};

	memset(vm, 0, sizeof(*vm));
	vm->vm_fd = vm->vcpu_fd = -1;
	vm->kvm_fd = open("/dev/kvm", O_RDWR | O_CLOEXEC);
	if (vm->kvm_fd < 0)
		return tender_errf(err, err_len, "cannot open /dev/kvm: %s",
				   strerror(errno));
	if (ioctl(vm->kvm_fd, KVM_GET_API_VERSION, 0) != KVM_API_VERSION)
		return tender_errf(err, err_len,
				   "/dev/kvm: unsupported KVM API version");
	vm->vm_fd = ioctl(vm->kvm_fd, KVM_CREATE_VM, 0);
	if (vm->vm_fd < 0)
		return tender_errf(err, err_len, "KVM_CREATE_VM: %s",
				   strerror(errno));
	if (ioctl(vm->vm_fd, KVM_SET_USER_MEMORY_REGION, &region) < 0)
		return tender_errf(err, err_len,
				   "KVM_SET_USER_MEMORY_REGION: %s",
				   strerror(errno));
	if (vm_create_vcpu(vm, err, err_len) < 0)
		return -1;
	return vm_read_tsc(vm, err, err_len);
}

/*
 * Identity page tables: GPAs below 0x10000 not present (page 0 faults),
 * 0x10000-0xfffff read-only (boot info, manifest, command line),
 * 0x100000-0x1fffff read-write with 4 KiB pages, then 2 MiB pages up to
 * map_size (which includes the shared-ring region above mem_size).
 */
static void write_page_tables(uint8_t *mem, uint64_t map_size)
{
	uint64_t *pml4 = (uint64_t *)(mem + HVT_PML4_GPA);
	uint64_t *pdpt = (uint64_t *)(mem + HVT_PDPT_GPA);
	uint64_t *pd = (uint64_t *)(mem + HVT_PD_GPA);
	uint64_t *pt = (uint64_t *)(mem + HVT_PT_GPA);

	memset(mem + HVT_PML4_GPA, 0,
	       HVT_PT_GPA + HVT_PAGE_SIZE - HVT_PML4_GPA);
	pml4[0] = HVT_PDPT_GPA | PTE_P | PTE_RW;
	for (uint64_t i = 0; i < 4; i++)
		pdpt[i] = (HVT_PD_GPA + i * HVT_PAGE_SIZE) | PTE_P | PTE_RW;
	pd[0] = HVT_PT_GPA | PTE_P | PTE_RW;
	for (uint64_t i = 0; i < 512; i++) {
		uint64_t gpa = i * HVT_PAGE_SIZE;
		if (gpa < HVT_BOOT_INFO_GPA)
			pt[i] = 0;
		else if (gpa < HVT_GUEST_MIN_BASE)
			pt[i] = gpa | PTE_P;
		else
			pt[i] = gpa | PTE_P | PTE_RW;
	}
	for (uint64_t i = 1; i * HVT_HUGE_PAGE_SIZE < map_size; i++)
		pd[i] = (i * HVT_HUGE_PAGE_SIZE) | PTE_P | PTE_RW | PTE_PS;
}

static void write_gdt(uint8_t *mem)
{
	uint64_t *gdt = (uint64_t *)(mem + HVT_GDT_GPA);

	memset(gdt, 0, HVT_PAGE_SIZE);
	gdt[SEL_CODE / 8] = GDT_CODE_DESC;
	gdt[SEL_DATA / 8] = GDT_DATA_DESC;
}

static void set_segments(struct kvm_sregs *sregs)
{
	struct kvm_segment code = {
	    .base = 0,
	    .limit = 0xffffffff,
	    .selector = SEL_CODE,
	    .type = 9,
	    .present = 1,
	    .dpl = 0,
	    .db = 0,
	    .s = 1,
	    .l = 1,
	    .g = 1,
	};
	struct kvm_segment data = {
	    .base = 0,
	    .limit = 0xffffffff,
	    .selector = SEL_DATA,
	    .type = 3,
	    .present = 1,
	    .dpl = 0,
	    .db = 1,
	    .s = 1,
	    .l = 0,
	    .g = 1,
	};

	sregs->cs = code;
	sregs->ds = sregs->es = sregs->fs = sregs->gs = sregs->ss = data;
	memset(&sregs->tr, 0, sizeof(sregs->tr));
	sregs->tr.type = 11;
	sregs->tr.present = 1;
	sregs->tr.limit = 0xffff;
	memset(&sregs->ldt, 0, sizeof(sregs->ldt));
	sregs->ldt.unusable = 1;
	sregs->gdt.base = HVT_GDT_GPA;
	sregs->gdt.limit = 3 * 8 - 1;
}

static int setup_sregs(struct tender_vm *vm, char *err, size_t err_len)
{
	struct kvm_sregs sregs;

	if (ioctl(vm->vcpu_fd, KVM_GET_SREGS, &sregs) < 0)
		return tender_errf(err, err_len, "KVM_GET_SREGS: %s",
				   strerror(errno));
	set_segments(&sregs);
	sregs.cr0 = CR0_PE | CR0_NE | CR0_WP | CR0_PG;
	sregs.cr3 = HVT_PML4_GPA;
	sregs.cr4 = CR4_PAE | CR4_OSFXSR | CR4_OSXMMEXCPT;
	sregs.efer = EFER_LME | EFER_LMA;
	if (ioctl(vm->vcpu_fd, KVM_SET_SREGS, &sregs) < 0)
		return tender_errf(err, err_len, "KVM_SET_SREGS: %s",
				   strerror(errno));
	return 0;
}

/* The guest sees the CPUID leaves KVM supports, unfiltered, as in Solo5. */
static int setup_cpuid(struct tender_vm *vm, char *err, size_t err_len)
{
	const unsigned max_entries = 256;
	struct kvm_cpuid2 *cpuid;
	int ret = 0;

	cpuid = calloc(1, sizeof(*cpuid) +
			      max_entries * sizeof(struct kvm_cpuid_entry2));
	if (cpuid == NULL)
		return tender_errf(err, err_len, "out of memory for CPUID");
	cpuid->nent = max_entries;
	if (ioctl(vm->kvm_fd, KVM_GET_SUPPORTED_CPUID, cpuid) < 0)
		ret = tender_errf(err, err_len, "KVM_GET_SUPPORTED_CPUID: %s",
				  strerror(errno));
	else if (ioctl(vm->vcpu_fd, KVM_SET_CPUID2, cpuid) < 0)
		ret = tender_errf(err, err_len, "KVM_SET_CPUID2: %s",
				  strerror(errno));
	free(cpuid);
	return ret;
}

int tender_vm_setup_x86_64(struct tender_vm *vm, uint8_t *mem,
			   uint64_t mem_size, uint64_t map_size, uint64_t entry,
			   uint64_t boot_info_gpa, char *err, size_t err_len)
{
	struct kvm_regs regs = {
	    .rip = entry,
	    .rflags = 0x2,
	    .rsp = mem_size - 8,
	    .rdi = boot_info_gpa,
	};

	write_page_tables(mem, map_size);
	write_gdt(mem);
	if (setup_sregs(vm, err, err_len) < 0 ||
	    setup_cpuid(vm, err, err_len) < 0)
		return -1;
	if (ioctl(vm->vcpu_fd, KVM_SET_REGS, &regs) < 0)
		return tender_errf(err, err_len, "KVM_SET_REGS: %s",
				   strerror(errno));
	return 0;
}

int tender_vm_ioeventfd(struct tender_vm *vm, uint16_t port, int fd, char *err,
			size_t err_len)
{
	struct kvm_ioeventfd io = {
	    .addr = port,
	    .len = 4,
	    .fd = fd,
	    .flags = KVM_IOEVENTFD_FLAG_PIO,
	};

	if (ioctl(vm->vm_fd, KVM_IOEVENTFD, &io) < 0)
		return tender_errf(err, err_len,
				   "KVM_IOEVENTFD for port 0x%x: %s", port,
				   strerror(errno));
	return 0;
}

uint64_t tender_vcpu_rip(const struct tender_vm *vm)
{
	struct kvm_regs regs;

	if (ioctl(vm->vcpu_fd, KVM_GET_REGS, &regs) < 0)
		return 0;
	return regs.rip;
}

void tender_vm_destroy(struct tender_vm *vm)
{
	if (vm->run != NULL)
		munmap(vm->run, vm->run_size);
	if (vm->vcpu_fd >= 0)
		close(vm->vcpu_fd);
	if (vm->vm_fd >= 0)
		close(vm->vm_fd);
	if (vm->kvm_fd >= 0)
		close(vm->kvm_fd);
	memset(vm, 0, sizeof(*vm));
	vm->kvm_fd = vm->vm_fd = vm->vcpu_fd = -1;
}
