/* SPDX-License-Identifier: ISC */
/*
 * Unit tests for tender/manifest.c: MFT1 note descriptors given as literal
 * byte arrays (or built entry by entry), one rule broken per case; each
 * failure checks -1, the reason's wording and that *out is untouched.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "manifest.h"

#define PAD HVT_MFT_NOTE_PAD
#define ENT(i) (PAD + 8 + 104 * (i)) /* offset of entry i in desc */
#define DESC_LEN(n) ENT(n)

/* Version 1, one entry: the reserved entry 0 (type 1 << 30, no name). */
static const uint8_t one_entry[DESC_LEN(1)] = {
    [PAD + 0] = 1,
    [PAD + 4] = 1,
    [ENT(0) + 68 + 3] = 0x40,
};

struct mbuf {
	_Alignas(8) uint8_t b[HVT_MFT_NOTE_MAX_DESCSZ + 16];
	size_t len;
};

static void put_u32(struct mbuf *m, size_t off, uint32_t v)
{
	memcpy(m->b + off, &v, sizeof(v));
}

/* entries 1..n-1 are "dev1".."devN" alternating block and net. */
static void build(struct mbuf *m, uint32_t n)
{
	memset(m, 0, sizeof(*m));
	put_u32(m, PAD, HVT_MFT_VERSION);
	put_u32(m, PAD + 4, n);
	put_u32(m, ENT(0) + 68, HVT_MFT_RESERVED_FIRST);
	for (uint32_t i = 1; i < n; i++) {
		char name[16];

		snprintf(name, sizeof(name), "dev%u", i);
		memcpy(m->b + ENT(i), name, strlen(name));
		put_u32(m, ENT(i) + 68,
			i % 2 ? HVT_MFT_DEV_BLOCK_BASIC
			      : HVT_MFT_DEV_NET_BASIC);
	}
	m->len = DESC_LEN(n);
}

static void set_name(struct mbuf *m, unsigned i, const char *name, size_t len)
{
	memset(m->b + ENT(i), 0, HVT_MFT_NAME_SIZE);
	memcpy(m->b + ENT(i), name, len);
}

static void expect_fail(const void *desc, size_t len, const char *want)
{
	struct hvt_mft *sentinel = (struct hvt_mft *)&sentinel, *out = sentinel;
	size_t out_size = 12345;
	char err[256] = "";

	assert_int_equal(
	    tender_mft_parse(desc, len, &out, &out_size, err, sizeof(err)), -1);
	if (strstr(err, want) == NULL)
		fail_msg("want \"%s\", got \"%s\"", want, err);
	assert_ptr_equal(out, sentinel);
	assert_int_equal(out_size, 12345);
}

static void expect_ok(const void *desc, size_t len, struct hvt_mft **out)
{
	size_t size = 0;
	char err[256] = "";

	if (tender_mft_parse(desc, len, out, &size, err, sizeof(err)) != 0)
		fail_msg("unexpected failure: %s", err);
	assert_int_equal(size, len - PAD);
}

static void test_literal_one_entry(void **state)
{
	struct hvt_mft *mft;

	(void)state;
	expect_ok(one_entry, sizeof(one_entry), &mft);
	assert_int_equal(mft->version, 1);
	assert_int_equal(mft->entries, 1);
	assert_int_equal(mft->e[0].type, HVT_MFT_RESERVED_FIRST);
	assert_int_equal(tender_mft_find(mft, "", 0), -1);
	free(mft);
}

static void test_find_and_types(void **state)
{
	struct mbuf m;
	struct hvt_mft *mft;

	(void)state;
	build(&m, 3);
	expect_ok(m.b, m.len, &mft);
	assert_int_equal(tender_mft_find(mft, "dev1", 0), 1);
	assert_int_equal(tender_mft_find(mft, "dev1", HVT_MFT_DEV_BLOCK_BASIC),
			 1);
	assert_int_equal(tender_mft_find(mft, "dev1", HVT_MFT_DEV_NET_BASIC),
			 -1);
	assert_int_equal(tender_mft_find(mft, "dev2", HVT_MFT_DEV_NET_BASIC),
			 2);
	assert_int_equal(tender_mft_find(mft, "dev", 0), -1);
	assert_int_equal(tender_mft_find(mft, "dev10", 0), -1);
	assert_int_equal(tender_mft_find(mft, "", 0), -1);
	assert_int_equal(tender_mft_find(NULL, "dev1", 0), -1);
	assert_string_equal(tender_mft_type_name(HVT_MFT_DEV_BLOCK_BASIC),
			    "BLOCK_BASIC");
	assert_string_equal(tender_mft_type_name(HVT_MFT_DEV_NET_BASIC),
			    "NET_BASIC");
	assert_string_equal(tender_mft_type_name(HVT_MFT_RESERVED_FIRST),
			    "RESERVED_FIRST");
	assert_string_equal(tender_mft_type_name(3), "?");
	free(mft);
}

static void test_max_entries_and_long_name(void **state)
{
	struct mbuf m;
	struct hvt_mft *mft;
	char name[HVT_MFT_NAME_SIZE];

	(void)state;
	build(&m, HVT_MFT_MAX_ENTRIES);
	assert_int_equal(m.len, HVT_MFT_NOTE_MAX_DESCSZ);
	memset(name, 'a', sizeof(name) - 1);
	set_name(&m, 63, name, sizeof(name) - 1); /* 67 chars + NUL */
	expect_ok(m.b, m.len, &mft);
	assert_int_equal(mft->entries, 64);
	assert_int_equal(tender_mft_find(mft, "dev62", 0), 62);
	free(mft);
}

/* The descriptor need not be aligned: note data is not. */
static void test_unaligned_desc(void **state)
{
	struct mbuf m;
	uint8_t *shifted = malloc(DESC_LEN(3) + 1);
	struct hvt_mft *mft;

	(void)state;
	assert_non_null(shifted);
	build(&m, 3);
	memcpy(shifted + 1, m.b, m.len);
	expect_ok(shifted + 1, m.len, &mft);
	assert_int_equal(tender_mft_find(mft, "dev2", 0), 2);
	free(mft);
	free(shifted);
}

static void test_bad_sizes(void **state)
{
	struct mbuf m;

	(void)state;
	expect_fail(one_entry, 11,
		    "manifest note descsz 11 outside [12, 6668]");
	expect_fail(one_entry, 0, "descsz 0 outside");
	build(&m, 64);
	expect_fail(m.b, HVT_MFT_NOTE_MAX_DESCSZ + 1, "descsz 6669 outside");
	build(&m, 1);
	expect_fail(m.b, DESC_LEN(1) + 1, "descsz 117, but 1 entries need 116");
	expect_fail(one_entry, DESC_LEN(1) - 1,
		    "descsz 115, but 1 entries need 116");
	build(&m, 3);
	expect_fail(m.b, DESC_LEN(2), "descsz 220, but 3 entries need 324");
	expect_fail(NULL, 16, "invalid arguments");
}

static void test_bad_header(void **state)
{
	struct mbuf m;

	(void)state;
	build(&m, 2);
	put_u32(&m, PAD, 0);
	expect_fail(m.b, m.len,
		    "manifest version 0 not supported (expected 1)");
	put_u32(&m, PAD, 2);
	expect_fail(m.b, m.len, "manifest version 2 not supported");
	build(&m, 2);
	put_u32(&m, PAD + 4, 0);
	expect_fail(m.b, m.len, "manifest has 0 entries, expected 1 to 64");
	put_u32(&m, PAD + 4, 65);
	expect_fail(m.b, m.len, "manifest has 65 entries");
	put_u32(&m, PAD + 4, UINT32_MAX);
	expect_fail(m.b, m.len, "manifest has 4294967295 entries");
}

static void test_bad_entry0(void **state)
{
	struct mbuf m;

	(void)state;
	build(&m, 2);
	put_u32(&m, ENT(0) + 68, HVT_MFT_DEV_BLOCK_BASIC);
	expect_fail(m.b, m.len,
		    "manifest entry 0: type 0x1, expected RESERVED_FIRST");
	build(&m, 2);
	set_name(&m, 0, "x", 1);
	expect_fail(m.b, m.len,
		    "entry 0 (\"x\"): the reserved entry must have "
		    "an empty name");
	build(&m, 2);
	m.b[ENT(0) + 96] = 1;
	expect_fail(m.b, m.len, "manifest entry 0 (\"\"): marked attached");
}

static void test_bad_names(void **state)
{
	struct mbuf m;
	char name[HVT_MFT_NAME_SIZE];

	(void)state;
	build(&m, 3);
	memset(name, 'a', sizeof(name));
	set_name(&m, 2, name, sizeof(name));
	expect_fail(m.b, m.len,
		    "manifest entry 2: name is not NUL-terminated within 68");
	build(&m, 3);
	set_name(&m, 1, "", 0);
	expect_fail(m.b, m.len, "manifest entry 1: empty device name");
	set_name(&m, 1, "net-0", 5);
	expect_fail(m.b, m.len,
		    "entry 1 (\"net-0\"): invalid character 0x2d in name");
	set_name(&m, 1, "a b", 3);
	expect_fail(m.b, m.len, "invalid character 0x20");
	set_name(&m, 1, "a\x80", 2);
	expect_fail(m.b, m.len, "invalid character 0x80");
	set_name(&m, 1, "a_b", 3);
	expect_fail(m.b, m.len, "invalid character 0x5f");
	set_name(&m, 1, "dev2", 4);
	expect_fail(
	    m.b, m.len,
	    "manifest entry 2 (\"dev2\"): duplicate name (also entry 1)");
}

static void test_bad_types_and_attached(void **state)
{
	struct mbuf m;

	(void)state;
	build(&m, 3);
	put_u32(&m, ENT(2) + 68, 3);
	expect_fail(m.b, m.len,
		    "manifest entry 2 (\"dev2\"): unknown device type 0x3");
	put_u32(&m, ENT(2) + 68, 0);
	expect_fail(m.b, m.len, "unknown device type 0x0");
	put_u32(&m, ENT(2) + 68, HVT_MFT_RESERVED_FIRST);
	expect_fail(m.b, m.len, "unknown device type 0x40000000");
	build(&m, 3);
	m.b[ENT(1) + 96] = 1;
	expect_fail(m.b, m.len,
		    "manifest entry 1 (\"dev1\"): marked attached in the file");
}

/* A NULL or empty err buffer must not be written through. */
static void test_null_err(void **state)
{
	struct hvt_mft *mft = NULL;
	size_t size = 0;
	char err[1] = {'z'};

	(void)state;
	assert_int_equal(tender_mft_parse(one_entry, 3, &mft, &size, NULL, 0),
			 -1);
	assert_int_equal(tender_mft_parse(one_entry, 3, &mft, &size, err, 0),
			 -1);
	assert_int_equal(err[0], 'z');
	assert_null(mft);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_literal_one_entry),
	    cmocka_unit_test(test_find_and_types),
	    cmocka_unit_test(test_max_entries_and_long_name),
	    cmocka_unit_test(test_unaligned_desc),
	    cmocka_unit_test(test_bad_sizes),
	    cmocka_unit_test(test_bad_header),
	    cmocka_unit_test(test_bad_entry0),
	    cmocka_unit_test(test_bad_names),
	    cmocka_unit_test(test_bad_types_and_attached),
	    cmocka_unit_test(test_null_err),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
