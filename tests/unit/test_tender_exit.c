/* SPDX-License-Identifier: ISC */
/*
 * Unit tests of KVM exit decoding (tender/vcpu_exit.c) over hand-filled
 * struct kvm_run buffers: hypercall ports, hostile port accesses and data
 * offsets, and the message of every fatal exit kind.
 */
#include <linux/kvm.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "vcpu_exit.h"

#define RUN_SIZE 4096

static union {
	struct kvm_run run;
	uint8_t bytes[RUN_SIZE];
} page;
static struct tender_exit ex;
static const struct tender_exit_env env = {
    .mem_size = 0x4000000, .rip = 0x100123, .is_pvm = true};

static void io_exit(uint16_t port, uint8_t dir, uint8_t size, uint32_t count,
		    uint64_t off, uint32_t value)
{
	memset(&page, 0, sizeof(page));
	page.run.exit_reason = KVM_EXIT_IO;
	page.run.io.port = port;
	page.run.io.direction = dir;
	page.run.io.size = size;
	page.run.io.count = count;
	page.run.io.data_offset = off;
	if (off <= RUN_SIZE - 4)
		memcpy(page.bytes + off, &value, 4);
}

static void expect_fault(const char *frag)
{
	assert_int_equal(ex.kind, TENDER_EXIT_FAULT);
	if (strstr(ex.msg, frag) == NULL)
		fail_msg("message '%s' lacks '%s'", ex.msg, frag);
}

static void test_hypercall(void **state)
{
	(void)state;
	for (uint32_t nr = 1; nr <= 8; nr++) {
		io_exit((uint16_t)(0x500 + nr), KVM_EXIT_IO_OUT, 4, 1, 1024,
			0xdeadbeef);
		tender_exit_decode(&page.run, RUN_SIZE, &env, &ex);
		assert_int_equal(ex.kind, TENDER_EXIT_HYPERCALL);
		assert_int_equal(ex.nr, nr);
		assert_int_equal(ex.arg_gpa, 0xdeadbeef);
	}
	/* Numbers outside the table still decode as hypercalls, so the
	 * dispatcher names the unknown number. */
	io_exit(0x500, KVM_EXIT_IO_OUT, 4, 1, 1024, 1);
	tender_exit_decode(&page.run, RUN_SIZE, &env, &ex);
	assert_int_equal(ex.kind, TENDER_EXIT_HYPERCALL);
	assert_int_equal(ex.nr, 0);
	io_exit(0x5ff, KVM_EXIT_IO_OUT, 4, 1, 1024, 1);
	tender_exit_decode(&page.run, RUN_SIZE, &env, &ex);
	assert_int_equal(ex.kind, TENDER_EXIT_HYPERCALL);
	assert_int_equal(ex.nr, 0xff);
}

static void test_kick(void **state)
{
	(void)state;
	io_exit(0x600, KVM_EXIT_IO_OUT, 4, 1, 1024, 0);
	tender_exit_decode(&page.run, RUN_SIZE, &env, &ex);
	assert_int_equal(ex.kind, TENDER_EXIT_KICK);
}

static void test_bad_port_accesses(void **state)
{
	(void)state;
	io_exit(0x3f8, KVM_EXIT_IO_OUT, 1, 1, 1024, 0);
	tender_exit_decode(&page.run, RUN_SIZE, &env, &ex);
	expect_fault("unknown I/O port 0x3f8 (out, 1 bytes) at RIP 0x100123");
	io_exit(0x4ff, KVM_EXIT_IO_OUT, 4, 1, 1024, 0);
	tender_exit_decode(&page.run, RUN_SIZE, &env, &ex);
	expect_fault("port 0x4ff");
	io_exit(0x601, KVM_EXIT_IO_OUT, 4, 1, 1024, 0);
	tender_exit_decode(&page.run, RUN_SIZE, &env, &ex);
	expect_fault("port 0x601");
	io_exit(0x502, KVM_EXIT_IO_IN, 4, 1, 1024, 0);
	tender_exit_decode(&page.run, RUN_SIZE, &env, &ex);
	expect_fault("(in, 4 bytes)");
	io_exit(0x502, KVM_EXIT_IO_OUT, 2, 1, 1024, 0);
	tender_exit_decode(&page.run, RUN_SIZE, &env, &ex);
	expect_fault("(out, 2 bytes)");
	io_exit(0x502, KVM_EXIT_IO_OUT, 4, 3, 1024, 0); /* rep outsl */
	tender_exit_decode(&page.run, RUN_SIZE, &env, &ex);
	expect_fault("port 0x502");
}

static void test_data_offset_outside_run(void **state)
{
	(void)state;
	io_exit(0x502, KVM_EXIT_IO_OUT, 4, 1, RUN_SIZE - 3, 0);
	tender_exit_decode(&page.run, RUN_SIZE, &env, &ex);
	expect_fault("outside kvm_run");
	io_exit(0x502, KVM_EXIT_IO_OUT, 4, 1, UINT64_MAX - 1, 0);
	tender_exit_decode(&page.run, RUN_SIZE, &env, &ex);
	expect_fault("outside kvm_run");
	io_exit(0x502, KVM_EXIT_IO_OUT, 4, 1, RUN_SIZE - 4, 7);
	tender_exit_decode(&page.run, RUN_SIZE, &env, &ex);
	assert_int_equal(ex.kind, TENDER_EXIT_HYPERCALL);
	assert_int_equal(ex.arg_gpa, 7);
}

static void simple_exit(uint32_t reason)
{
	memset(&page, 0, sizeof(page));
	page.run.exit_reason = reason;
}

static void test_mmio(void **state)
{
	(void)state;
	simple_exit(KVM_EXIT_MMIO);
	page.run.mmio.phys_addr = 0x100040;
	page.run.mmio.is_write = 1;
	tender_exit_decode(&page.run, RUN_SIZE, &env, &ex);
	expect_fault("guest wrote to read-only memory at GPA 0x100040");
	page.run.mmio.phys_addr = 0x4000000;
	tender_exit_decode(&page.run, RUN_SIZE, &env, &ex);
	expect_fault("wrote to GPA 0x4000000 outside its memory");
	page.run.mmio.is_write = 0;
	page.run.mmio.phys_addr = 0xfee00000;
	tender_exit_decode(&page.run, RUN_SIZE, &env, &ex);
	expect_fault("read from GPA 0xfee00000 outside its memory");
}

static void test_fatal_exits(void **state)
{
	struct tender_exit_env hw = env;

	(void)state;
	simple_exit(KVM_EXIT_SHUTDOWN);
	tender_exit_decode(&page.run, RUN_SIZE, &env, &ex);
	expect_fault("triple fault");
	simple_exit(KVM_EXIT_HLT);
	tender_exit_decode(&page.run, RUN_SIZE, &env, &ex);
	expect_fault("hlt");
	simple_exit(KVM_EXIT_INTERNAL_ERROR);
	page.run.internal.suberror = 1;
	tender_exit_decode(&page.run, RUN_SIZE, &env, &ex);
	expect_fault("KVM internal error (suberror 1)");
	expect_fault("SSE/AVX");
	hw.is_pvm = false;
	tender_exit_decode(&page.run, RUN_SIZE, &hw, &ex);
	assert_null(strstr(ex.msg, "SSE"));
	simple_exit(KVM_EXIT_FAIL_ENTRY);
	page.run.fail_entry.hardware_entry_failure_reason = 0x21;
	tender_exit_decode(&page.run, RUN_SIZE, &env, &ex);
	expect_fault("entry failure: hardware reason 0x21");
	simple_exit(0x7777);
	tender_exit_decode(&page.run, RUN_SIZE, &env, &ex);
	expect_fault("unhandled KVM exit reason 30583");
}

static void test_efault_msg(void **state)
{
	char msg[256];

	(void)state;
	tender_exit_efault_msg(0x101000, &env, msg, sizeof(msg));
	assert_non_null(strstr(msg, "read-only memory at GPA 0x101000"));
	tender_exit_efault_msg(UINT64_MAX, &env, msg, sizeof(msg));
	assert_non_null(strstr(msg, "EFAULT"));
	assert_non_null(strstr(msg, "RIP 0x100123"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_hypercall),
	    cmocka_unit_test(test_kick),
	    cmocka_unit_test(test_bad_port_accesses),
	    cmocka_unit_test(test_data_offset_outside_run),
	    cmocka_unit_test(test_mmio),
	    cmocka_unit_test(test_fatal_exits),
	    cmocka_unit_test(test_efault_msg),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
