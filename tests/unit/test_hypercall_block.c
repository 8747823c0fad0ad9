/* SPDX-License-Identifier: ISC */
/*
 * Unit tests for the BLOCK_WRITE and BLOCK_READ hypercalls through
 * hc_dispatch(), over the memfd-backed block devices of
 * guest_mem_fixture.h: valid I/O, bad handles and offsets, bad and
 * read-only buffers, host I/O errors, and the counters. Single-threaded;
 * needs no KVM.
 */
#define _GNU_SOURCE
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "guest_mem_fixture.h"
#include "hypercall/hypercall.h"

/* Only the required ops: block I/O needs no poll or net op, and calls
 * none of the host ops at all. */
static int block_setup(void **state)
{
	struct fixture *f;

	if (setup(state) != 0)
		return -1;
	f = *state;
	f->ops.poll = NULL;
	f->ops.net_write = NULL;
	f->ops.net_read = NULL;
	return 0;
}

/* Place a block_io struct (ret = -7) at arg_gpa, snapshot, dispatch. */
static enum hc_status block_call_at(struct fixture *f, uint32_t nr,
				    uint64_t arg_gpa, uint64_t handle,
				    uint64_t offset, uint64_t data_gpa,
				    uint64_t len)
{
	struct hvt_hc_block_io b = {handle, offset, data_gpa, len, -7};

	memcpy(f->mem + arg_gpa, &b, sizeof(b));
	snapshot(f);
	return hc_dispatch(&f->ctx, nr, arg_gpa);
}

static enum hc_status block_call(struct fixture *f, uint32_t nr,
				 uint64_t handle, uint64_t offset,
				 uint64_t data_gpa, uint64_t len)
{
	return block_call_at(f, nr, ARG_GPA, handle, offset, data_gpa, len);
}

static void fill(struct fixture *f, uint64_t gpa, size_t len, uint8_t seed)
{
	for (size_t i = 0; i < len; i++)
		f->mem[gpa + i] = (uint8_t)(seed + i * 7);
}

static void test_block_roundtrip(void **state)
{
	struct fixture *f = *state;
	uint8_t file[BLK_CAP];

	fill(f, DATA_GPA, BLK_SIZE, 3);
	assert_int_equal(block_call(f, HVT_HYPERCALL_BLOCK_WRITE, H_BLK,
				    3 * BLK_SIZE, DATA_GPA, BLK_SIZE),
			 HC_CONTINUE);
	expect_ret(f, 32, HVT_R_OK);
	assert_memory_equal(f->mem, f->snap, MEM_SIZE); /* only ret */
	assert_int_equal(pread(f->fd, file, BLK_CAP, 0), BLK_CAP);
	assert_memory_equal(file + 3 * BLK_SIZE, f->mem + DATA_GPA, BLK_SIZE);
	for (size_t i = 0; i < BLK_CAP; i++)
		if (i < 3 * BLK_SIZE || i >= 4 * BLK_SIZE)
			assert_int_equal(file[i], 0);

	/* Read it back elsewhere; len is written back (one block). */
	memset(f->mem + 0x6000, 0x55, BLK_SIZE);
	assert_int_equal(block_call(f, HVT_HYPERCALL_BLOCK_READ, H_BLK,
				    3 * BLK_SIZE, 0x6000, BLK_SIZE),
			 HC_CONTINUE);
	assert_memory_equal(f->mem + 0x6000, f->mem + DATA_GPA, BLK_SIZE);
	assert_int_equal(get_i32(f, ARG_GPA + 32), HVT_R_OK);
	assert_int_equal(get_u64(f, ARG_GPA + 24), BLK_SIZE);
	assert_int_equal(get_u64(f, ARG_GPA), H_BLK); /* inputs untouched */
	assert_int_equal(get_u64(f, ARG_GPA + 8), 3 * BLK_SIZE);
	assert_int_equal(get_u64(f, ARG_GPA + 16), 0x6000);
}

/* First and last block, a buffer ending at the end of memory, 4 KiB. */
static void test_block_edges(void **state)
{
	struct fixture *f = *state;
	uint8_t file[BLK_SIZE];

	fill(f, MEM_SIZE - BLK_SIZE, BLK_SIZE, 9);
	assert_int_equal(block_call(f, HVT_HYPERCALL_BLOCK_WRITE, H_BLK,
				    BLK_CAP - BLK_SIZE, MEM_SIZE - BLK_SIZE,
				    BLK_SIZE),
			 HC_CONTINUE);
	assert_int_equal(get_i32(f, ARG_GPA + 32), HVT_R_OK);
	assert_int_equal(pread(f->fd, file, BLK_SIZE, BLK_CAP - BLK_SIZE),
			 BLK_SIZE);
	assert_memory_equal(file, f->mem + MEM_SIZE - BLK_SIZE, BLK_SIZE);

	assert_int_equal(
	    block_call(f, HVT_HYPERCALL_BLOCK_READ, H_BLK, 0, 0, BLK_SIZE),
	    HC_CONTINUE);
	assert_int_equal(get_i32(f, ARG_GPA + 32), HVT_R_OK);

	assert_int_equal(
	    block_call(f, HVT_HYPERCALL_BLOCK_READ, H_BLK_4K, 0, 0x8000, 4096),
	    HC_CONTINUE);
	assert_int_equal(get_i32(f, ARG_GPA + 32), HVT_R_OK);
	assert_memory_equal(f->mem + 0x8000 + BLK_CAP - BLK_SIZE,
			    f->mem + MEM_SIZE - BLK_SIZE, BLK_SIZE);
}

static const uint64_t bad_block[][3] = {
    /* handle, offset, len */
    {0, 0, BLK_SIZE},
    {63, 0, BLK_SIZE},
    {64, 0, BLK_SIZE},
    {UINT64_MAX, 0, BLK_SIZE},
    {(1ULL << 32) | H_BLK, 0, BLK_SIZE}, /* no truncation to 32 bits */
    {H_NET, 0, BLK_SIZE},
    {H_BLK, 1, BLK_SIZE},
    {H_BLK, BLK_SIZE - 1, BLK_SIZE},
    {H_BLK, BLK_SIZE + 1, BLK_SIZE},
    {H_BLK, BLK_CAP, BLK_SIZE},
    {H_BLK, BLK_CAP + BLK_SIZE, BLK_SIZE},
    {H_BLK, UINT64_MAX - BLK_SIZE + 1, BLK_SIZE}, /* aligned, wraps to 0 */
    {H_BLK, 1ULL << 63, BLK_SIZE},
    {H_BLK, 0, 0},
    {H_BLK, 0, BLK_SIZE - 1},
    {H_BLK, 0, BLK_SIZE + 1},
    {H_BLK, 0, 2 * BLK_SIZE},
    {H_BLK, 0, UINT64_MAX},
    {H_BLK_4K, BLK_SIZE, 4096},
    {H_BLK_4K, 0, BLK_SIZE},
};

static void test_block_einval(void **state)
{
	static const uint32_t nrs[] = {HVT_HYPERCALL_BLOCK_WRITE,
				       HVT_HYPERCALL_BLOCK_READ};
	const size_t nb_bad = sizeof(bad_block) / sizeof(bad_block[0]);
	struct fixture *f = *state;

	poison_past_devs(f, HC_DEV_BLOCK);
	fill(f, DATA_GPA, 2 * BLK_SIZE, 1);
	for (size_t n = 0; n < 2; n++) {
		for (size_t i = 0; i < nb_bad; i++) {
			assert_int_equal(block_call(f, nrs[n], bad_block[i][0],
						    bad_block[i][1], DATA_GPA,
						    bad_block[i][2]),
					 HC_CONTINUE);
			/* Only ret changes: not len, not the buffer, not
			 * the file. */
			expect_ret(f, 32, HVT_R_EINVAL);
			assert_unchanged(f);
		}
	}
	assert_int_equal(f->ctx.stats.einval, 2 * nb_bad);
	assert_int_equal(f->ctx.stats.eunspec, 0);
	assert_int_equal(f->ctx.stats.calls[HVT_HYPERCALL_BLOCK_WRITE], nb_bad);
	assert_int_equal(f->ctx.stats.calls[HVT_HYPERCALL_BLOCK_READ], nb_bad);
}

static void test_block_bad_data(void **state)
{
	static const uint64_t bad[] = {
	    MEM_SIZE - BLK_SIZE + 1,
	    MEM_SIZE,
	    0xffffffffULL,
	    0x100000000ULL,
	    UINT64_MAX - BLK_SIZE + 1,
	    UINT64_MAX,
	};
	struct fixture *f = *state;

	for (uint32_t nr = HVT_HYPERCALL_BLOCK_WRITE;
	     nr <= HVT_HYPERCALL_BLOCK_READ; nr++)
		for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
			assert_range_fault(
			    f, block_call(f, nr, H_BLK, 0, bad[i], BLK_SIZE),
			    hc_name(nr), "data", bad[i], BLK_SIZE);
}

static void test_block_io_error(void **state)
{
	struct fixture *f = *state;

	/* A failing fd answers EUNSPEC; len is not reported. */
	for (uint32_t nr = HVT_HYPERCALL_BLOCK_WRITE;
	     nr <= HVT_HYPERCALL_BLOCK_READ; nr++) {
		assert_int_equal(
		    block_call(f, nr, H_BLK_BADFD, 0, DATA_GPA, BLK_SIZE),
		    HC_CONTINUE);
		expect_ret(f, 32, HVT_R_EUNSPEC);
		assert_unchanged(f);
	}
	/* A read past the end of a file shorter than its capacity. */
	assert_int_equal(block_call(f, HVT_HYPERCALL_BLOCK_READ, H_BLK_SHORT,
				    BLK_CAP, DATA_GPA, BLK_SIZE),
			 HC_CONTINUE);
	expect_ret(f, 32, HVT_R_EUNSPEC);
	assert_unchanged(f);
	assert_int_equal(f->ctx.stats.eunspec, 3);
	assert_int_equal(f->ctx.stats.einval, 0);
}

/* ---- read-only guest memory ---- */

/* The argument struct (ret and len are outputs) in or across a read-only
 * range faults before any I/O, valid request or not. */
static void test_block_ro_arg(void **state)
{
	const uint64_t sz = sizeof(struct hvt_hc_block_io);
	const uint64_t bad[] = {
	    RO_START, RO_START + 8, RO_END - sz, RO_END - 1, RO_START - sz + 1,
	};
	const uint64_t handles[] = {H_BLK, 0};
	struct fixture *f = *state;
	uint64_t nb_calls = 0;

	set_ro(f);
	fill(f, DATA_GPA, BLK_SIZE, 5);
	for (uint32_t nr = HVT_HYPERCALL_BLOCK_WRITE;
	     nr <= HVT_HYPERCALL_BLOCK_READ; nr++) {
		for (size_t h = 0; h < 2; h++) {
			for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]);
			     i++) {
				assert_ro_fault(
				    f,
				    block_call_at(f, nr, bad[i], handles[h], 0,
						  DATA_GPA, BLK_SIZE),
				    hc_name(nr), "argument", bad[i], sz);
				nb_calls++;
			}
		}
		assert_int_equal(f->ctx.stats.calls[nr], nb_calls);
		nb_calls = 0;
	}
	/* Just outside the range on either side is fine. */
	assert_int_equal(block_call_at(f, HVT_HYPERCALL_BLOCK_READ,
				       RO_START - sz, H_BLK, 0, DATA_GPA,
				       BLK_SIZE),
			 HC_CONTINUE);
	assert_int_equal(get_i32(f, RO_START - 8), HVT_R_OK);
	assert_int_equal(block_call_at(f, HVT_HYPERCALL_BLOCK_READ, RO_END,
				       H_BLK, 0, DATA_GPA, BLK_SIZE),
			 HC_CONTINUE);
	assert_int_equal(get_i32(f, RO_END + 32), HVT_R_OK);
	assert_int_equal(f->ctx.stats.einval + f->ctx.stats.eunspec, 0);
}

/* Data buffers that BLOCK_READ would write into read-only memory. */
static const uint64_t ro_data[] = {
    RO_START,
    RO_START + BLK_SIZE,
    RO_END - BLK_SIZE,
    RO_END - 1, /* straddles the end */
    RO_START - BLK_SIZE + 1, /* straddles the start */
    RO_START - 1,
};

static void test_block_read_ro_data(void **state)
{
	struct fixture *f = *state;
	uint8_t pattern[BLK_SIZE];

	/* A block unlike guest memory, so a read that got through shows. */
	memset(pattern, 0xa5, sizeof(pattern));
	assert_int_equal(pwrite(f->fd, pattern, BLK_SIZE, BLK_SIZE), BLK_SIZE);
	set_ro(f);
	for (size_t i = 0; i < sizeof(ro_data) / sizeof(ro_data[0]); i++)
		assert_ro_fault(f,
				block_call(f, HVT_HYPERCALL_BLOCK_READ, H_BLK,
					   BLK_SIZE, ro_data[i], BLK_SIZE),
				"BLOCK_READ", "data", ro_data[i], BLK_SIZE);
	assert_int_equal(f->ctx.stats.calls[HVT_HYPERCALL_BLOCK_READ],
			 sizeof(ro_data) / sizeof(ro_data[0]));
	assert_int_equal(f->ctx.stats.einval + f->ctx.stats.eunspec, 0);

	/* Adjacent to the range on either side: read. */
	assert_int_equal(block_call(f, HVT_HYPERCALL_BLOCK_READ, H_BLK,
				    BLK_SIZE, RO_START - BLK_SIZE, BLK_SIZE),
			 HC_CONTINUE);
	assert_memory_equal(f->mem + RO_START - BLK_SIZE, pattern, BLK_SIZE);
	assert_int_equal(block_call(f, HVT_HYPERCALL_BLOCK_READ, H_BLK,
				    BLK_SIZE, RO_END, BLK_SIZE),
			 HC_CONTINUE);
	assert_memory_equal(f->mem + RO_END, pattern, BLK_SIZE);
}

/* BLOCK_WRITE only reads its buffer: read-only memory is a valid source. */
static void test_block_write_ro_data(void **state)
{
	struct fixture *f = *state;
	uint8_t file[BLK_SIZE];

	set_ro(f);
	fill(f, RO_START - BLK_SIZE, 2 * BLK_SIZE + RO_END - RO_START, 11);
	for (size_t i = 0; i < sizeof(ro_data) / sizeof(ro_data[0]); i++) {
		assert_int_equal(block_call(f, HVT_HYPERCALL_BLOCK_WRITE, H_BLK,
					    2 * BLK_SIZE, ro_data[i], BLK_SIZE),
				 HC_CONTINUE);
		assert_int_equal(get_i32(f, ARG_GPA + 32), HVT_R_OK);
		assert_int_equal(pread(f->fd, file, BLK_SIZE, 2 * BLK_SIZE),
				 BLK_SIZE);
		assert_memory_equal(file, f->mem + ro_data[i], BLK_SIZE);
	}
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, block_setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
	    T(test_block_roundtrip),	T(test_block_edges),
	    T(test_block_einval),	T(test_block_bad_data),
	    T(test_block_io_error),	T(test_block_ro_arg),
	    T(test_block_read_ro_data), T(test_block_write_ro_data),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
