/* SPDX-License-Identifier: ISC */
/*
 * test_tls: two TLS blocks from the heap, initialised by solo5_tls_init()
 * and switched with solo5_set_tls_base(). Checks initial .tdata/.tbss
 * values, that each block keeps its own values across switches, the %fs:0
 * self pointer, and EINVAL for a non-canonical base. SUCCESS, exit 0.
 */
#include <hvt_manifest.h>
#include <solo5.h>
#include <stdint.h>
#include <stdio.h>

HVT_MANIFEST(0);

static __thread volatile uint64_t tls_data = 0x1122334455667788ULL;
static __thread volatile uint32_t tls_bss;

static int failures;

static void expect(int ok, const char *what)
{
	if (!ok) {
		printf("test_tls: FAILURE: %s\n", what);
		failures++;
	}
}

static uintptr_t fs_self(void)
{
	uintptr_t v;

	__asm__ volatile("movq %%fs:0, %0" : "=r"(v));
	return v;
}

/* Switches to (tp) and checks this block holds (data, bss). */
static void check_block(uintptr_t tp, uint64_t data, uint32_t bss)
{
	expect(solo5_set_tls_base(tp) == SOLO5_R_OK, "set_tls_base failed");
	expect(fs_self() == tp, "%fs:0 is not the thread pointer");
	expect(tls_data == data, "wrong .tdata value");
	expect(tls_bss == bss, "wrong .tbss value");
}

int solo5_app_main(const struct solo5_start_info *si)
{
	size_t size = (solo5_tls_size() + 63) & ~(size_t)63;
	uintptr_t a = (si->heap_start + 63) & ~(uintptr_t)63, b = a + size;
	uintptr_t tp_a = solo5_tls_tp_offset(a), tp_b = solo5_tls_tp_offset(b);

	printf("test_tls: block size %lu, tp offset %lu\n",
	       (unsigned long)solo5_tls_size(), (unsigned long)(tp_a - a));
	expect(si->heap_size >= 2 * size + 64, "heap too small");
	expect(solo5_tls_init(a) == SOLO5_R_OK, "tls_init(a)");
	expect(solo5_tls_init(b) == SOLO5_R_OK, "tls_init(b)");
	expect(solo5_tls_init(0) == SOLO5_R_EINVAL, "tls_init(0) not EINVAL");

	check_block(tp_a, 0x1122334455667788ULL, 0);
	tls_data = 1;
	tls_bss = 10;
	check_block(tp_b, 0x1122334455667788ULL, 0);
	tls_data = 2;
	tls_bss = 20;
	check_block(tp_a, 1, 10);
	check_block(tp_b, 2, 20);

	expect(solo5_set_tls_base(0x8000000000000000ULL) == SOLO5_R_EINVAL,
	       "non-canonical base accepted");
	expect(fs_self() == tp_b, "failed set_tls_base changed the base");

	printf(failures ? "FAILURE\n" : "SUCCESS\n");
	return failures ? SOLO5_EXIT_FAILURE : SOLO5_EXIT_SUCCESS;
}
