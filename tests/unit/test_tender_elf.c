/* SPDX-License-Identifier: ISC */
/*
 * Unit tests for tender/elf_load.c: a valid Solo5 hvt image is built in
 * memory, then each case mutates one field and checks the exact complaint.
 * Images reach the loader through a memfd opened by its /proc path.
 */
#define _GNU_SOURCE
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <elf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "elf_load.h"

#define MEM_SIZE 0x1000000ULL /* 16 MiB of guest memory */
#define IMG_MAX 0x4000
#define PH_OFF 0x40
#define NB_PH 6
#define NOTE_BSD_OFF 0x200
#define NOTE_ABI_OFF 0x240
#define NOTE_ABI_SIZE 36
#define NOTE_MFT_OFF 0x280
#define MFT_ENTRIES 3
#define MFT_DESCSZ (4 + 8 + 104 * MFT_ENTRIES)
#define NOTE_MFT_SIZE (20 + MFT_DESCSZ)
#define TEXT_OFF 0x1000
#define TEXT_GPA 0x100000
#define TEXT_SIZE 0x100
#define DATA_OFF 0x2000
#define DATA_GPA 0x101000
#define DATA_FILESZ 0x80
#define DATA_MEMSZ 0x2000
#define IMG_LEN (DATA_OFF + DATA_FILESZ)
#define NOTE_ALIGN4(x) (((size_t)(x) + 3) & ~(size_t)3)
/* The fast path cases add PT_NOTE phdrs 6 and 7 (ending at 0x200) over
 * notes written into the free bytes from 0x500 on. */
#define FP_PH 6
#define FP_OFF 0x500
#define FP_NOTE_SIZE (12 + 12 + 8) /* header, "hvt-dpdk\0" padded, desc */
#define SHARED_OFF 0x700

/* A whole image file; phdr and note accessors point into it. */
struct timg {
	_Alignas(8) uint8_t b[IMG_MAX];
	size_t len;
};

struct ecase {
	void (*mutate)(struct timg *t);
	const char *want;
};

static Elf64_Ehdr *eh(struct timg *t)
{
	return (Elf64_Ehdr *)t->b;
}

static Elf64_Phdr *ph(struct timg *t, unsigned i)
{
	return (Elf64_Phdr *)(t->b + PH_OFF + i * sizeof(Elf64_Phdr));
}

static Elf64_Nhdr *nh(struct timg *t, size_t off)
{
	return (Elf64_Nhdr *)(t->b + off);
}

/* The ABI descriptor sits after the 12-byte header and the 8-byte name. */
static uint32_t *abi_desc(struct timg *t)
{
	return (uint32_t *)(t->b + NOTE_ABI_OFF + 20);
}

static void put_phdr(struct timg *t, unsigned i, uint32_t type, uint32_t flags,
		     uint64_t off, uint64_t gpa, uint64_t filesz,
		     uint64_t memsz, uint64_t align)
{
	Elf64_Phdr p = {.p_type = type,
			.p_flags = flags,
			.p_offset = off,
			.p_vaddr = gpa,
			.p_paddr = gpa,
			.p_filesz = filesz,
			.p_memsz = memsz,
			.p_align = align};

	*ph(t, i) = p;
}

static void put_note(struct timg *t, size_t off, const char *name,
		     uint32_t namesz, uint32_t descsz, uint32_t type)
{
	Elf64_Nhdr *n = nh(t, off);

	n->n_namesz = namesz;
	n->n_descsz = descsz;
	n->n_type = type;
	memcpy(t->b + off + sizeof(*n), name, strlen(name));
}

static void put_mft_entry(uint8_t *e, const char *name, uint32_t type)
{
	memcpy(e, name, strlen(name));
	memcpy(e + 68, &type, sizeof(type));
}

static void build_notes(struct timg *t)
{
	uint32_t bsd_ver = 0, mft_hdr[2] = {1, MFT_ENTRIES};
	uint32_t abi[4] = {HVT_ABI_TARGET_HVT, HVT_ABI_VERSION, 0, 0};
	uint8_t *mft = t->b + NOTE_MFT_OFF + 24;

	put_note(t, NOTE_BSD_OFF, "OpenBSD", 8, 4, 1);
	memcpy(t->b + NOTE_BSD_OFF + 20, &bsd_ver, 4);
	put_note(t, NOTE_ABI_OFF, "Solo5", 6, 16, HVT_NOTE_TYPE_ABI);
	memcpy(abi_desc(t), abi, sizeof(abi));
	put_note(t, NOTE_MFT_OFF, "Solo5", 6, MFT_DESCSZ, HVT_NOTE_TYPE_MFT);
	memcpy(mft, mft_hdr, sizeof(mft_hdr));
	put_mft_entry(mft + 8, "", HVT_MFT_RESERVED_FIRST);
	put_mft_entry(mft + 8 + 104, "disk", HVT_MFT_DEV_BLOCK_BASIC);
	put_mft_entry(mft + 8 + 208, "net0", HVT_MFT_DEV_NET_BASIC);
}

/* A valid image as a Solo5 linker lays it out (text, data+bss, notes). */
static void build(struct timg *t)
{
	Elf64_Ehdr *e = eh(t);

	memset(t, 0, sizeof(*t));
	memcpy(e->e_ident, ELFMAG, SELFMAG);
	e->e_ident[EI_CLASS] = ELFCLASS64;
	e->e_ident[EI_DATA] = ELFDATA2LSB;
	e->e_ident[EI_VERSION] = EV_CURRENT;
	e->e_type = ET_EXEC;
	e->e_machine = EM_X86_64;
	e->e_version = EV_CURRENT;
	e->e_entry = TEXT_GPA + 0x10;
	e->e_phoff = PH_OFF;
	e->e_ehsize = sizeof(Elf64_Ehdr);
	e->e_phentsize = sizeof(Elf64_Phdr);
	e->e_phnum = NB_PH;
	put_phdr(t, 0, PT_LOAD, PF_R | PF_X, TEXT_OFF, TEXT_GPA, TEXT_SIZE,
		 TEXT_SIZE, 0x1000);
	put_phdr(t, 1, PT_LOAD, PF_R | PF_W, DATA_OFF, DATA_GPA, DATA_FILESZ,
		 DATA_MEMSZ, 0x1000);
	put_phdr(t, 2, PT_NOTE, PF_R, NOTE_BSD_OFF, 0, 24, 24, 4);
	put_phdr(t, 3, PT_NOTE, PF_R, NOTE_ABI_OFF, 0, NOTE_ABI_SIZE,
		 NOTE_ABI_SIZE, 4);
	put_phdr(t, 4, PT_NOTE, PF_R, NOTE_MFT_OFF, 0, NOTE_MFT_SIZE,
		 NOTE_MFT_SIZE, 8);
	put_phdr(t, 5, PT_INTERP, PF_R, 0x400, 0, 20, 20, 1);
	memcpy(t->b + 0x400, "/nonexistent/solo5/", 20);
	build_notes(t);
	for (unsigned i = 0; i < TEXT_SIZE; i++)
		t->b[TEXT_OFF + i] = (uint8_t)(i * 7 + 1);
	for (unsigned i = 0; i < DATA_FILESZ; i++)
		t->b[DATA_OFF + i] = (uint8_t)(0x5a ^ i);
	t->len = IMG_LEN;
}

/* Write t to a fresh memfd and open it by path; returns the memfd. */
static int write_img(const struct timg *t, char *path, size_t path_len)
{
	int fd = memfd_create("hvt-elf-test", MFD_CLOEXEC);

	assert_true(fd >= 0);
	assert_int_equal(write(fd, t->b, t->len), (ssize_t)t->len);
	snprintf(path, path_len, "/proc/self/fd/%d", fd);
	return fd;
}

static int try_open(const struct timg *t, struct tender_elf *img, char *err,
		    size_t err_len)
{
	char path[64];
	int fd = write_img(t, path, sizeof(path));
	int rc = tender_elf_open(img, path, MEM_SIZE, err, err_len);

	close(fd);
	return rc;
}

static void expect_fail(struct timg *t, const char *want)
{
	struct tender_elf img;
	char err[512] = "";

	assert_int_equal(try_open(t, &img, err, sizeof(err)), -1);
	if (strstr(err, want) == NULL ||
	    strncmp(err, "/proc/self/fd/", 14) != 0)
		fail_msg("want \"%s\", got \"%s\"", want, err);
	assert_null(img.elf);
	assert_int_equal(img.fd, -1);
	tender_elf_close(&img); /* harmless after a failed open */
}

static void run_case(void **state)
{
	const struct ecase *c = *state;
	struct timg *t = malloc(sizeof(*t));

	assert_non_null(t);
	build(t);
	c->mutate(t);
	expect_fail(t, c->want);
	free(t);
}

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

/* --- notes --- */
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

/* --- valid images --- */
static void open_ok(struct timg *t, struct tender_elf *img)
{
	char err[512] = "";

	if (try_open(t, img, err, sizeof(err)) != 0)
		fail_msg("unexpected failure: %s", err);
}

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

#define ECASE(m, w)                                                            \
	{                                                                      \
		.name = #m, .test_func = run_case,                             \
		.initial_state = &(struct ecase){m, w},                        \
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
	    cmocka_unit_test(test_notes_in_one_segment),
	    cmocka_unit_test(test_open_missing_file),
	    cmocka_unit_test(test_fastpath_absent),
	    cmocka_unit_test(test_fastpath_own_segment),
	    cmocka_unit_test(test_fastpath_shared_segment),
	    cmocka_unit_test(test_fastpath_other_type_ignored),
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
