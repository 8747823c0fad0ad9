/* SPDX-License-Identifier: ISC */
/*
 * Unit tests for tender/elf_load.c's file, ELF header and PT_LOAD checks and
 * for loading segments into guest memory. Each case mutates one field of the
 * valid image from elf_image.h and checks the exact complaint.
 */
#define _GNU_SOURCE
#include "elf_image.h"

/* --- file and ELF header --- */
static void m_empty(struct timg *t)
{
	t->len = 0;
}
static void m_len10(struct timg *t)
{
	t->len = 10;
}
static void m_len63(struct timg *t)
{
	t->len = 63;
}
static void m_garbage(struct timg *t)
{
	memset(t->b, 'x', 100);
	t->len = 100;
}
static void m_class32(struct timg *t)
{
	eh(t)->e_ident[EI_CLASS] = ELFCLASS32;
}
static void m_bigendian(struct timg *t)
{
	eh(t)->e_ident[EI_DATA] = ELFDATA2MSB;
}
static void m_et_dyn(struct timg *t)
{
	eh(t)->e_type = ET_DYN;
}
static void m_machine(struct timg *t)
{
	eh(t)->e_machine = EM_AARCH64;
}
static void m_ehsize(struct timg *t)
{
	eh(t)->e_ehsize = 52;
}
static void m_phentsize55(struct timg *t)
{
	eh(t)->e_phentsize = 55;
}
static void m_phnum0(struct timg *t)
{
	eh(t)->e_phnum = 0;
}
static void m_phnum_absurd(struct timg *t)
{
	eh(t)->e_phnum = 300;
}
static void m_phdrs_cut(struct timg *t)
{
	t->len = PH_OFF + 2 * sizeof(Elf64_Phdr) + 10;
}
static void m_phoff_past(struct timg *t)
{
	eh(t)->e_phoff = IMG_LEN - 100;
}
static void m_phoff_wrap(struct timg *t)
{
	eh(t)->e_phoff = UINT64_MAX - 16;
}
static void m_entry_low(struct timg *t)
{
	eh(t)->e_entry = 0xfffff;
}
static void m_entry_at_mem(struct timg *t)
{
	eh(t)->e_entry = MEM_SIZE;
}
static void m_entry_past_mem(struct timg *t)
{
	eh(t)->e_entry = MEM_SIZE + 0x1000;
}

/* --- PT_LOAD --- */
static void m_overlap(struct timg *t)
{
	ph(t, 1)->p_paddr = ph(t, 1)->p_vaddr = TEXT_GPA + 0x800;
}
static void m_descending(struct timg *t)
{
	ph(t, 0)->p_paddr = ph(t, 0)->p_vaddr = 0x200000;
}
static void m_wx(struct timg *t)
{
	ph(t, 1)->p_flags = PF_R | PF_W | PF_X;
}
static void m_memsz_max(struct timg *t)
{
	ph(t, 1)->p_memsz = UINT64_MAX;
}
static void m_paddr_wrap(struct timg *t)
{
	ph(t, 1)->p_paddr = ph(t, 1)->p_vaddr = UINT64_MAX - 0xfff;
}
static void m_align_wrap(struct timg *t)
{
	/* p_paddr + p_memsz fits, rounding it up to the page does not. */
	ph(t, 1)->p_paddr = ph(t, 1)->p_vaddr = UINT64_MAX - 0x2fff;
	ph(t, 1)->p_memsz = 0x2001;
}
static void m_beyond_mem(struct timg *t)
{
	ph(t, 1)->p_memsz = MEM_SIZE;
}
static void m_filesz_past_file(struct timg *t)
{
	ph(t, 1)->p_filesz = DATA_FILESZ + 1;
}
static void m_offset_wrap(struct timg *t)
{
	ph(t, 1)->p_offset = UINT64_MAX - 0x10;
}
static void m_filesz_gt_memsz(struct timg *t)
{
	ph(t, 0)->p_memsz = TEXT_SIZE - 1;
}
static void m_below_base(struct timg *t)
{
	ph(t, 0)->p_paddr = ph(t, 0)->p_vaddr = 0xff000;
}
static void m_align_below_base(struct timg *t)
{
	ph(t, 0)->p_align = 0x200000;
}
static void m_align3(struct timg *t)
{
	ph(t, 1)->p_align = 3;
}
static void m_align0(struct timg *t)
{
	ph(t, 0)->p_align = 0;
}
static void m_vaddr_ne_paddr(struct timg *t)
{
	ph(t, 1)->p_vaddr += 0x1000;
}
static void m_no_load(struct timg *t)
{
	ph(t, 0)->p_type = PT_NULL;
	ph(t, 1)->p_type = PT_NULL;
	eh(t)->e_entry = TEXT_GPA;
}

/* --- valid images --- */
static void test_valid_fields(void **state)
{
	struct timg *t = malloc(sizeof(*t));
	struct tender_elf img;

	(void)state;
	assert_non_null(t);
	build(t);
	open_ok(t, &img);
	assert_int_equal(img.entry, TEXT_GPA + 0x10);
	assert_int_equal(img.nb_segs, 2);
	assert_int_equal(img.segs[0].gpa, TEXT_GPA);
	assert_int_equal(img.segs[0].prot, PROT_READ); /* X is R on host */
	assert_int_equal(img.segs[0].prot_start, TEXT_GPA);
	assert_int_equal(img.segs[0].prot_end, TEXT_GPA + 0x1000);
	assert_int_equal(img.segs[1].prot, PROT_READ | PROT_WRITE);
	assert_int_equal(img.segs[1].prot_start, DATA_GPA);
	assert_int_equal(img.segs[1].prot_end, DATA_GPA + DATA_MEMSZ);
	assert_int_equal(img.kernel_end, DATA_GPA + DATA_MEMSZ);
	assert_int_equal(img.abi_target, HVT_ABI_TARGET_HVT);
	assert_int_equal(img.abi_version, HVT_ABI_VERSION);
	assert_non_null(img.mft);
	assert_int_equal(img.mft->entries, MFT_ENTRIES);
	assert_int_equal(img.mft_size, 8 + 104 * MFT_ENTRIES);
	assert_string_equal(img.mft->e[2].name, "net0");
	tender_elf_close(&img);
	tender_elf_close(&img); /* idempotent */
	free(t);
}

static void test_valid_load(void **state)
{
	struct timg *t = malloc(sizeof(*t));
	uint8_t *mem = malloc(MEM_SIZE);
	struct tender_elf img;
	char err[256];

	(void)state;
	assert_non_null(t);
	assert_non_null(mem);
	build(t);
	open_ok(t, &img);
	/* Poison so the bss zeroing is visible. */
	memset(mem, 0xaa, MEM_SIZE);
	assert_int_equal(tender_elf_load(&img, mem, MEM_SIZE, err, sizeof(err)),
			 0);
	assert_memory_equal(mem + TEXT_GPA, t->b + TEXT_OFF, TEXT_SIZE);
	assert_memory_equal(mem + DATA_GPA, t->b + DATA_OFF, DATA_FILESZ);
	for (uint64_t a = DATA_GPA + DATA_FILESZ; a < DATA_GPA + DATA_MEMSZ;
	     a++)
		assert_int_equal(mem[a], 0);
	/* Nothing outside the segments is written. */
	assert_int_equal(mem[TEXT_GPA - 1], 0xaa);
	assert_int_equal(mem[TEXT_GPA + TEXT_SIZE], 0xaa);
	assert_int_equal(mem[DATA_GPA + DATA_MEMSZ], 0xaa);
	tender_elf_close(&img);
	free(mem);
	free(t);
}

static void test_load_mem_too_small(void **state)
{
	struct timg *t = malloc(sizeof(*t));
	uint8_t *mem = calloc(1, DATA_GPA + 0x1000);
	struct tender_elf img;
	char err[256] = "";

	(void)state;
	assert_non_null(t);
	assert_non_null(mem);
	build(t);
	open_ok(t, &img);
	assert_int_equal(
	    tender_elf_load(&img, mem, DATA_GPA + 0x1000, err, sizeof(err)),
	    -1);
	assert_non_null(strstr(err, "segment 1 needs"));
	tender_elf_close(&img);
	free(mem);
	free(t);
}

static void test_load_file_shrank(void **state)
{
	struct timg *t = malloc(sizeof(*t));
	uint8_t *mem = calloc(1, MEM_SIZE);
	struct tender_elf img;
	char path[64], err[256] = "";
	int fd;

	(void)state;
	assert_non_null(t);
	assert_non_null(mem);
	build(t);
	fd = write_img(t, path, sizeof(path));
	assert_int_equal(
	    tender_elf_open(&img, path, MEM_SIZE, err, sizeof(err)), 0);
	assert_int_equal(ftruncate(fd, DATA_OFF + 1), 0);
	assert_int_equal(tender_elf_load(&img, mem, MEM_SIZE, err, sizeof(err)),
			 -1);
	assert_non_null(strstr(err, "file shrank"));
	tender_elf_close(&img);
	close(fd);
	free(mem);
	free(t);
}

/* A bss-only PT_LOAD counts for kernel_end and protection. */
static void test_bss_only_segment(void **state)
{
	struct timg *t = malloc(sizeof(*t));
	struct tender_elf img;

	(void)state;
	assert_non_null(t);
	build(t);
	put_phdr(t, 5, PT_LOAD, PF_R | PF_W, 0, 0x200000, 0, 0x1800, 0x1000);
	open_ok(t, &img);
	assert_int_equal(img.nb_segs, 3);
	assert_int_equal(img.segs[2].filesz, 0);
	assert_int_equal(img.kernel_end, 0x202000);
	tender_elf_close(&img);
	free(t);
}

/* p_align below the page size still yields page-granular protection. */
static void test_small_align_rounds_to_page(void **state)
{
	struct timg *t = malloc(sizeof(*t));
	struct tender_elf img;

	(void)state;
	assert_non_null(t);
	build(t);
	ph(t, 0)->p_align = 16;
	ph(t, 1)->p_align = 1;
	ph(t, 1)->p_memsz = 0x1234;
	open_ok(t, &img);
	assert_int_equal(img.segs[0].prot_end, TEXT_GPA + 0x1000);
	assert_int_equal(img.segs[1].prot_end, DATA_GPA + 0x2000);
	assert_int_equal(img.kernel_end, DATA_GPA + 0x2000);
	tender_elf_close(&img);
	free(t);
}

static void test_open_missing_file(void **state)
{
	struct tender_elf img;
	char err[256] = "";

	(void)state;
	assert_int_equal(tender_elf_open(&img, "/nonexistent/x.hvt", MEM_SIZE,
					 err, sizeof(err)),
			 -1);
	assert_non_null(strstr(err, "/nonexistent/x.hvt: cannot open"));
	tender_elf_close(&img);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_valid_fields),
	    cmocka_unit_test(test_valid_load),
	    cmocka_unit_test(test_load_mem_too_small),
	    cmocka_unit_test(test_load_file_shrank),
	    cmocka_unit_test(test_bss_only_segment),
	    cmocka_unit_test(test_small_align_rounds_to_page),
	    cmocka_unit_test(test_open_missing_file),
	    ECASE(m_empty, "not an ELF file"),
	    ECASE(m_len10, "truncated ELF file (10 bytes"),
	    ECASE(m_len63, "truncated ELF file (63 bytes"),
	    ECASE(m_garbage, "not an ELF file"),
	    ECASE(m_class32, "not ELF64"),
	    ECASE(m_bigendian, "not little-endian"),
	    ECASE(m_et_dyn, "is not ET_EXEC"),
	    ECASE(m_machine, "is not EM_X86_64"),
	    ECASE(m_ehsize, "e_ehsize 52"),
	    ECASE(m_phentsize55, "e_phentsize 55, expected 56"),
	    ECASE(m_phnum0, "no program headers"),
	    ECASE(m_phnum_absurd, "300 program headers"),
	    ECASE(m_phdrs_cut, "program headers (offset 0x40, 6 entries)"),
	    ECASE(m_phoff_past, "extend outside the"),
	    ECASE(m_phoff_wrap, "extend outside the"),
	    ECASE(m_entry_low, "entry point 0xfffff outside"),
	    ECASE(m_entry_at_mem, "entry point 0x1000000 outside"),
	    ECASE(m_entry_past_mem, "entry point 0x1001000 outside"),
	    ECASE(m_overlap, "overlaps segment 0"),
	    ECASE(m_descending, "not in ascending order"),
	    ECASE(m_wx, "segment 1 is both writable and executable"),
	    ECASE(m_memsz_max, "segment 1: p_paddr 0x101000 + p_memsz"),
	    ECASE(m_paddr_wrap, "overflows"),
	    ECASE(m_align_wrap, "overflows"),
	    ECASE(m_beyond_mem, "segment 1 needs 17829888 bytes of guest "
				"memory (up to GPA 0x1101000) and --mem "
				"gives 16777216"),
	    ECASE(m_filesz_past_file, "lie outside the 8320-byte file"),
	    ECASE(m_offset_wrap, "p_offset 0xffffffffffffffef + p_filesz"),
	    ECASE(m_filesz_gt_memsz, "larger than p_memsz"),
	    ECASE(m_below_base, "starts at 0xff000"),
	    ECASE(m_align_below_base, "(0x0 after p_align rounding)"),
	    ECASE(m_align3, "p_align 0x3 is not a power of two"),
	    ECASE(m_align0, "p_align 0x0 is not a power of two"),
	    ECASE(m_vaddr_ne_paddr, "identity-mapped"),
	    ECASE(m_no_load, "no loadable segments"),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
