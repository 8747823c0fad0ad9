/* SPDX-License-Identifier: ISC */
/*
 * Unit tests for tender/elf_load.c's note checks: the Solo5 ABI and manifest
 * notes and the hvt-dpdk fast path note. Each case mutates one note of the
 * valid image from elf_image.h and checks the exact complaint.
 */
#define _GNU_SOURCE
#include "elf_image.h"

/* The fast path cases add PT_NOTE phdrs 6 and 7 (ending at 0x200) over
 * notes written into the free bytes from 0x500 on. */
#define FP_PH 6
#define FP_OFF 0x500
#define FP_NOTE_SIZE (12 + 12 + 8) /* header, "hvt-dpdk\0" padded, desc */
#define SHARED_OFF 0x700
#define NOTE_ALIGN4(x) (((size_t)(x) + 3) & ~(size_t)3)

/* --- Solo5 ABI and manifest notes --- */
static void m_namesz5(struct timg *t)
{
	nh(t, NOTE_ABI_OFF)->n_namesz = 5;
}
static void m_namesz7(struct timg *t)
{
	nh(t, NOTE_ABI_OFF)->n_namesz = 7;
}
static void m_abi_descsz15(struct timg *t)
{
	nh(t, NOTE_ABI_OFF)->n_descsz = 15;
}
static void m_abi_descsz17_nofit(struct timg *t)
{
	nh(t, NOTE_ABI_OFF)->n_descsz = 17;
}
static void m_abi_descsz17(struct timg *t)
{
	nh(t, NOTE_ABI_OFF)->n_descsz = 17;
	ph(t, 3)->p_filesz = NOTE_ABI_SIZE + 4;
}
static void m_abi_descsz0(struct timg *t)
{
	nh(t, NOTE_ABI_OFF)->n_descsz = 0;
}
static void m_note_seg11(struct timg *t)
{
	ph(t, 3)->p_filesz = 11;
}
static void m_abi_seg_short1(struct timg *t)
{
	ph(t, 3)->p_filesz = NOTE_ABI_SIZE - 1;
}
static void m_mft_seg_short1(struct timg *t)
{
	ph(t, 4)->p_filesz = NOTE_MFT_SIZE - 1;
}
static void m_mft_descsz_plus1(struct timg *t)
{
	nh(t, NOTE_MFT_OFF)->n_descsz = MFT_DESCSZ + 1;
}
static void m_namesz_huge(struct timg *t)
{
	nh(t, NOTE_ABI_OFF)->n_namesz = UINT32_MAX;
}
static void m_note_seg_past_file(struct timg *t)
{
	ph(t, 3)->p_offset = IMG_LEN - 10;
}
static void m_no_abi(struct timg *t)
{
	ph(t, 3)->p_type = PT_NULL;
}
static void m_abi_other_type(struct timg *t)
{
	nh(t, NOTE_ABI_OFF)->n_type = 0x32494241; /* "ABI2": not ours */
}
static void m_no_mft(struct timg *t)
{
	ph(t, 4)->p_type = PT_NULL;
}
static void m_dup_abi(struct timg *t)
{
	*ph(t, 4) = *ph(t, 3);
}
static void m_target_spt(struct timg *t)
{
	abi_desc(t)[0] = 2;
}
static void m_target_unknown(struct timg *t)
{
	abi_desc(t)[0] = 99;
}
static void m_version1(struct timg *t)
{
	abi_desc(t)[1] = 1;
}
static void m_version3(struct timg *t)
{
	abi_desc(t)[1] = 3;
}
static void m_mft_version(struct timg *t)
{
	uint32_t v = 2;

	memcpy(t->b + NOTE_MFT_OFF + 24, &v, sizeof(v));
}
static void m_mft_dup_name(struct timg *t)
{
	memcpy(t->b + NOTE_MFT_OFF + 24 + 8 + 208, "disk", 5);
}
static void m_mft_too_big(struct timg *t)
{
	/* A note that fits its segment but is over the Solo5 limit. */
	size_t off = 0x2100, descsz = HVT_MFT_NOTE_MAX_DESCSZ + 4;

	put_note(t, off, "Solo5", 6, (uint32_t)descsz, HVT_NOTE_TYPE_MFT);
	ph(t, 4)->p_offset = off;
	ph(t, 4)->p_filesz = 20 + descsz;
	t->len = off + 20 + descsz;
}

/* --- the hvt-dpdk fast path note --- */

/* An "hvt-dpdk" note at off whose descriptor is descsz bytes of
 * {min, max} (zero-padded past 8); returns the note's size. */
static size_t put_fp_note(struct timg *t, size_t off, uint32_t type,
			  uint32_t descsz, uint32_t min, uint32_t max)
{
	struct hvtx_note_desc d = {min, max};

	put_note(t, off, HVTX_NOTE_NAME, HVTX_NOTE_NAMESZ, descsz, type);
	memcpy(t->b + off + 24, &d, descsz < sizeof(d) ? descsz : sizeof(d));
	return 24 + NOTE_ALIGN4(descsz);
}

/* Program header i becomes a PT_NOTE of filesz bytes at off. */
static void put_note_seg(struct timg *t, unsigned i, size_t off, size_t filesz)
{
	put_phdr(t, i, PT_NOTE, PF_R, off, 0, filesz, filesz, 4);
	if (eh(t)->e_phnum < i + 1)
		eh(t)->e_phnum = (uint16_t)(i + 1);
}

/* One fast path note alone in its own segment FP_PH, as guests link it. */
static void add_fp_seg(struct timg *t, uint32_t descsz, uint32_t min,
		       uint32_t max)
{
	size_t len =
	    put_fp_note(t, FP_OFF, HVTX_NOTE_TYPE_FASTPATH, descsz, min, max);

	put_note_seg(t, FP_PH, FP_OFF, len);
}

static void m_fp_descsz0(struct timg *t)
{
	add_fp_seg(t, 0, 1, 1);
}
static void m_fp_descsz4(struct timg *t)
{
	add_fp_seg(t, 4, 1, 1);
}
static void m_fp_descsz12(struct timg *t)
{
	add_fp_seg(t, 12, 1, 1);
}
static void m_fp_min0(struct timg *t)
{
	add_fp_seg(t, 8, 0, 1);
}
static void m_fp_both0(struct timg *t)
{
	add_fp_seg(t, 8, 0, 0);
}
static void m_fp_min_gt_max(struct timg *t)
{
	add_fp_seg(t, 8, 2, 1);
}
static void m_fp_min_max_u32(struct timg *t)
{
	add_fp_seg(t, 8, UINT32_MAX, 1);
}
static void m_fp_dup_one_seg(struct timg *t)
{
	put_fp_note(t, FP_OFF, HVTX_NOTE_TYPE_FASTPATH, 8, 1, 1);
	put_fp_note(t, FP_OFF + FP_NOTE_SIZE, HVTX_NOTE_TYPE_FASTPATH, 8, 1, 2);
	put_note_seg(t, FP_PH, FP_OFF, 2 * FP_NOTE_SIZE);
}
static void m_fp_dup_two_segs(struct timg *t)
{
	add_fp_seg(t, 8, 1, 1);
	put_note_seg(t, FP_PH + 1, FP_OFF, FP_NOTE_SIZE);
}
static void m_fp_seg_short(struct timg *t)
{
	add_fp_seg(t, 8, 1, 1);
	ph(t, FP_PH)->p_filesz = FP_NOTE_SIZE - 4;
}
static void m_fp_no_abi(struct timg *t)
{
	add_fp_seg(t, 8, 1, 1);
	ph(t, 3)->p_type = PT_NULL;
}

/* --- valid images: note layouts --- */
/* The ABI and manifest notes may share one PT_NOTE. */
static void test_notes_in_one_segment(void **state)
{
	struct timg *t = malloc(sizeof(*t));
	struct tender_elf img;
	const size_t mft_at = NOTE_ABI_OFF + NOTE_ABI_SIZE;

	(void)state;
	assert_non_null(t);
	build(t);
	memmove(t->b + mft_at, t->b + NOTE_MFT_OFF, NOTE_MFT_SIZE);
	ph(t, 3)->p_filesz = NOTE_ABI_SIZE + NOTE_MFT_SIZE;
	ph(t, 4)->p_type = PT_NULL;
	open_ok(t, &img);
	assert_int_equal(img.mft->entries, MFT_ENTRIES);
	tender_elf_close(&img);
	free(t);
}

/* An image without the note (any Solo5 guest) records no versions. */
static void test_fastpath_absent(void **state)
{
	struct timg *t = malloc(sizeof(*t));
	struct tender_elf img;

	(void)state;
	assert_non_null(t);
	build(t);
	open_ok(t, &img);
	assert_int_equal(img.fastpath_min, 0);
	assert_int_equal(img.fastpath_max, 0);
	tender_elf_close(&img);
	free(t);
}

/* The note in its own PT_NOTE, as the project's guests carry it. */
static void test_fastpath_own_segment(void **state)
{
	static const uint32_t v[][2] = {
	    {1, 1}, {1, 5}, {UINT32_MAX, UINT32_MAX}};
	struct timg *t = malloc(sizeof(*t));
	struct tender_elf img;

	(void)state;
	assert_non_null(t);
	for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		build(t);
		add_fp_seg(t, 8, v[i][0], v[i][1]);
		open_ok(t, &img);
		assert_int_equal(img.fastpath_min, v[i][0]);
		assert_int_equal(img.fastpath_max, v[i][1]);
		/* The Solo5 notes and segments are unaffected. */
		assert_int_equal(img.abi_version, HVT_ABI_VERSION);
		assert_int_equal(img.mft->entries, MFT_ENTRIES);
		assert_int_equal(img.nb_segs, 2);
		tender_elf_close(&img);
	}
	free(t);
}

/* ABI, fast path and manifest notes in one PT_NOTE: the walk goes on past
 * ours to the manifest. */
static void test_fastpath_shared_segment(void **state)
{
	struct timg *t = malloc(sizeof(*t));
	struct tender_elf img;
	size_t off = SHARED_OFF;

	(void)state;
	assert_non_null(t);
	build(t);
	memcpy(t->b + off, t->b + NOTE_ABI_OFF, NOTE_ABI_SIZE);
	off += NOTE_ABI_SIZE;
	off += put_fp_note(t, off, HVTX_NOTE_TYPE_FASTPATH, 8, 1, 5);
	memcpy(t->b + off, t->b + NOTE_MFT_OFF, NOTE_MFT_SIZE);
	off += NOTE_MFT_SIZE;
	put_note_seg(t, 3, SHARED_OFF, off - SHARED_OFF);
	ph(t, 4)->p_type = PT_NULL;
	open_ok(t, &img);
	assert_int_equal(img.fastpath_min, 1);
	assert_int_equal(img.fastpath_max, 5);
	assert_int_equal(img.abi_target, HVT_ABI_TARGET_HVT);
	assert_non_null(img.mft);
	assert_int_equal(img.mft->entries, MFT_ENTRIES);
	assert_string_equal(img.mft->e[2].name, "net0");
	tender_elf_close(&img);
	free(t);
}

/* "hvt-dpdk" notes of another type are left to later versions: neither
 * validated nor counted as a duplicate of the fast path note. */
static void test_fastpath_other_type_ignored(void **state)
{
	struct timg *t = malloc(sizeof(*t));
	struct tender_elf img;
	size_t off = FP_OFF;

	(void)state;
	assert_non_null(t);
	build(t);
	/* Alone, with a descriptor the fast path note would reject. */
	add_fp_seg(t, 8, 0, 0);
	nh(t, FP_OFF)->n_type = HVTX_NOTE_TYPE_FASTPATH + 1;
	open_ok(t, &img);
	assert_int_equal(img.fastpath_min, 0);
	assert_int_equal(img.fastpath_max, 0);
	tender_elf_close(&img);

	/* Around a valid fast path note in the same segment. */
	build(t);
	off += put_fp_note(t, off, 1, 4, 7, 0);
	off += put_fp_note(t, off, HVTX_NOTE_TYPE_FASTPATH, 8, 1, 5);
	off +=
	    put_fp_note(t, off, HVTX_NOTE_TYPE_FASTPATH ^ 0xff000000U, 8, 0, 0);
	put_note_seg(t, FP_PH, FP_OFF, off - FP_OFF);
	open_ok(t, &img);
	assert_int_equal(img.fastpath_min, 1);
	assert_int_equal(img.fastpath_max, 5);
	tender_elf_close(&img);
	free(t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_notes_in_one_segment),
	    cmocka_unit_test(test_fastpath_absent),
	    cmocka_unit_test(test_fastpath_own_segment),
	    cmocka_unit_test(test_fastpath_shared_segment),
	    cmocka_unit_test(test_fastpath_other_type_ignored),
	    ECASE(m_namesz5, "Solo5 note with namesz 5"),
	    ECASE(m_namesz7, "Solo5 note with namesz 7"),
	    ECASE(m_abi_descsz15, "ABI note descsz 15, expected 16"),
	    ECASE(m_abi_descsz17_nofit, "segment 3: note at offset 0 does "
					"not fit"),
	    ECASE(m_abi_descsz17, "ABI note descsz 17, expected 16"),
	    ECASE(m_abi_descsz0, "has descsz 0"),
	    ECASE(m_note_seg11, "note segment of 11 bytes"),
	    ECASE(m_abi_seg_short1, "need 36 bytes, 35 remain"),
	    ECASE(m_mft_seg_short1, "need 344 bytes, 343 remain"),
	    ECASE(m_mft_descsz_plus1, "does not fit"),
	    ECASE(m_namesz_huge, "does not fit"),
	    ECASE(m_note_seg_past_file, "segment 3: file bytes"),
	    ECASE(m_no_abi, "no Solo5 ABI note: not a Solo5 unikernel?"),
	    ECASE(m_abi_other_type, "no Solo5 ABI note"),
	    ECASE(m_no_mft, "no Solo5 manifest note"),
	    ECASE(m_dup_abi, "segment 4: duplicate Solo5 ABI note"),
	    ECASE(m_target_spt, "built for the spt target, not hvt"),
	    ECASE(m_target_unknown, "built for unknown target 99"),
	    ECASE(m_version1, "ABI version 1 not supported (hvt-dpdk "
			      "supports 2)"),
	    ECASE(m_version3, "ABI version 3 not supported"),
	    ECASE(m_mft_version, ": manifest version 2 not supported"),
	    ECASE(m_mft_dup_name,
		  "manifest entry 2 (\"disk\"): duplicate name"),
	    ECASE(m_mft_too_big, "descsz 6672 exceeds 6668"),
	    ECASE(m_fp_descsz0, "segment 6: hvt-dpdk fast path note descsz 0, "
				"expected 8"),
	    ECASE(m_fp_descsz4, "segment 6: hvt-dpdk fast path note descsz 4, "
				"expected 8"),
	    ECASE(m_fp_descsz12, "segment 6: hvt-dpdk fast path note descsz "
				 "12, expected 8"),
	    ECASE(m_fp_min0, "segment 6: hvt-dpdk fast path note versions "
			     "0..1: expected 1 <= min <= max"),
	    ECASE(m_fp_both0, "segment 6: hvt-dpdk fast path note versions "
			      "0..0: expected 1 <= min <= max"),
	    ECASE(m_fp_min_gt_max, "segment 6: hvt-dpdk fast path note "
				   "versions 2..1: expected 1 <= min <= max"),
	    ECASE(m_fp_min_max_u32, "segment 6: hvt-dpdk fast path note "
				    "versions 4294967295..1: expected 1 <= "
				    "min <= max"),
	    ECASE(m_fp_dup_one_seg,
		  "segment 6: duplicate hvt-dpdk fast path note"),
	    ECASE(m_fp_dup_two_segs,
		  "segment 7: duplicate hvt-dpdk fast path note"),
	    ECASE(m_fp_seg_short, "segment 6: note at offset 0 does not fit: "
				  "namesz 9, descsz 8 need 32 bytes, 28 "
				  "remain"),
	    ECASE(m_fp_no_abi, "no Solo5 ABI note: not a Solo5 unikernel?"),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
