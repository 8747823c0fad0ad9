/* SPDX-License-Identifier: ISC */
/*
 * The guest's own GDT, TSS and IDT. The tender's GDT lives in a page the
 * guest page tables do not map, and `ltr` must write the busy bit, so the
 * runtime installs tables in its own writable memory before anything can
 * trap. All 32 exception vectors run on IST1 so even a stack overflow is
 * reported. No interrupts are ever enabled.
 */
#include <string.h>

#include "runtime_priv.h"

void rt_kick(void)
{
	__asm__ volatile("outl %0, %1"
			 :
			 : "a"(0U), "Nd"((uint16_t)HVT_RING_KICK_PIO)
			 : "memory");
}

#define SEL_CODE 0x08
#define SEL_DATA 0x10
#define SEL_TSS 0x18
#define MSR_FS_BASE 0xc0000100U
#define NB_EXCEPTIONS 32

struct tss {
	uint32_t reserved0;
	uint64_t rsp[3];
	uint64_t reserved1;
	uint64_t ist[7];
	uint64_t reserved2;
	uint16_t reserved3;
	uint16_t iomap_base;
} __attribute__((packed));
_Static_assert(sizeof(struct tss) == 104, "64-bit TSS size");

struct idt_gate {
	uint16_t offset_lo;
	uint16_t selector;
	uint8_t ist;
	uint8_t type_attr;
	uint16_t offset_mid;
	uint32_t offset_hi;
	uint32_t reserved;
};
_Static_assert(sizeof(struct idt_gate) == 16, "IDT gate size");

struct table_ptr {
	uint16_t limit;
	uint64_t base;
} __attribute__((packed));

/* Entry stubs, one per vector, from trap_entry_x86_64.S. */
extern const uint64_t rt_trap_stubs[NB_EXCEPTIONS];

/* null, code64, data, TSS (a 16-byte descriptor in two slots). */
static uint64_t gdt[5] __attribute__((aligned(16))) = {
    0, 0x00af9b000000ffffULL, /* present, DPL 0, code, long mode */
    0x00cf93000000ffffULL, /* present, DPL 0, data, writable */
};
static struct tss tss __attribute__((aligned(16)));
static struct idt_gate idt[NB_EXCEPTIONS] __attribute__((aligned(16)));
static uint8_t trap_stack[RT_TRAP_STACK_SIZE] __attribute__((aligned(16)));

static void tss_descriptor(uint64_t base, uint32_t limit)
{
	gdt[3] = (limit & 0xffffULL) | ((base & 0xffffffULL) << 16) |
		 (0x89ULL << 40) | /* present, 64-bit TSS available */
		 ((uint64_t)(limit >> 16) & 0xfULL) << 48 |
		 ((base >> 24) & 0xffULL) << 56;
	gdt[4] = base >> 32;
}

static void load_gdt_tss(void)
{
	struct table_ptr p = {sizeof(gdt) - 1, (uintptr_t)gdt};

	/* The far return reloads CS from the new table; the data segment
	 * registers are reloaded explicitly. */
	__asm__ volatile("lgdt %0\n\t"
			 "pushq %1\n\t"
			 "leaq 1f(%%rip), %%rax\n\t"
			 "pushq %%rax\n\t"
			 "lretq\n"
			 "1:\n\t"
			 "movl %2, %%eax\n\t"
			 "movl %%eax, %%ds\n\t"
			 "movl %%eax, %%es\n\t"
			 "movl %%eax, %%ss\n\t"
			 "movl %%eax, %%fs\n\t"
			 "movl %%eax, %%gs\n\t"
			 "ltr %w3"
			 :
			 : "m"(p), "i"(SEL_CODE), "i"(SEL_DATA), "r"(SEL_TSS)
			 : "rax", "memory");
}

static void load_idt(void)
{
	struct table_ptr p = {sizeof(idt) - 1, (uintptr_t)idt};

	for (int v = 0; v < NB_EXCEPTIONS; v++) {
		uint64_t fn = rt_trap_stubs[v];

		idt[v] = (struct idt_gate){
		    .offset_lo = fn & 0xffff,
		    .selector = SEL_CODE,
		    .ist = 1,
		    .type_attr = 0x8e, /* present, DPL 0, interrupt gate */
		    .offset_mid = (fn >> 16) & 0xffff,
		    .offset_hi = (uint32_t)(fn >> 32),
		};
	}
	__asm__ volatile("lidt %0" : : "m"(p) : "memory");
}

void rt_cpu_init(void)
{
	memset(&tss, 0, sizeof(tss));
	tss.ist[0] = (uintptr_t)(trap_stack + sizeof(trap_stack));
	tss.iomap_base = sizeof(tss); /* no I/O bitmap */
	tss_descriptor((uintptr_t)&tss, sizeof(tss) - 1);
	load_gdt_tss();
	load_idt();
}

void rt_cpu_set_fs_base(uint64_t base)
{
	__asm__ volatile("wrmsr"
			 :
			 : "c"(MSR_FS_BASE), "a"((uint32_t)base),
			   "d"((uint32_t)(base >> 32))
			 : "memory");
}
