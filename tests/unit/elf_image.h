/* SPDX-License-Identifier: ISC */
/*
 * Shared by the tender/elf_load.c unit tests: builds a valid Solo5 hvt image
 * in memory, hands it to the loader through a memfd opened by its /proc path,
 * and runs table-driven cases that mutate one field and expect one complaint.
 * Static inline so each test binary takes only what it uses. Include it
 * first, after defining _GNU_SOURCE (memfd_create).
 */
#ifndef TESTS_UNIT_ELF_IMAGE_H
#define TESTS_UNIT_ELF_IMAGE_H

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

/* A whole image file; phdr and note accessors point into it. */
struct timg {
	_Alignas(8) uint8_t b[IMG_MAX];
	size_t len;
};

struct ecase {
	void (*mutate)(struct timg *t);
	const char *want;
};

static inline Elf64_Ehdr *eh(struct timg *t)
{
	return (Elf64_Ehdr *)t->b;
}

static inline Elf64_Phdr *ph(struct timg *t, unsigned i)
{
	return (Elf64_Phdr *)(t->b + PH_OFF + i * sizeof(Elf64_Phdr));
}

static inline Elf64_Nhdr *nh(struct timg *t, size_t off)
{
	return (Elf64_Nhdr *)(t->b + off);
}

/* The ABI descriptor sits after the 12-byte header and the 8-byte name. */
static inline uint32_t *abi_desc(struct timg *t)
{
	return (uint32_t *)(t->b + NOTE_ABI_OFF + 20);
}

static inline void put_phdr(struct timg *t, unsigned i, uint32_t type,
			    uint32_t flags, uint64_t off, uint64_t gpa,
			    uint64_t filesz, uint64_t memsz, uint64_t align)
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

static inline void put_note(struct timg *t, size_t off, const char *name,
			    uint32_t namesz, uint32_t descsz, uint32_t type)
{
	Elf64_Nhdr *n = nh(t, off);

	n->n_namesz = namesz;
	n->n_descsz = descsz;
	n->n_type = type;
	memcpy(t->b + off + sizeof(*n), name, strlen(name));
}

static inline void put_mft_entry(uint8_t *e, const char *name, uint32_t type)
{
	memcpy(e, name, strlen(name));
	memcpy(e + 68, &type, sizeof(type));
}

static inline void build_notes(struct timg *t)
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
static inline void build(struct timg *t)
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
static inline int write_img(const struct timg *t, char *path, size_t path_len)
{
	int fd = memfd_create("hvt-elf-test", MFD_CLOEXEC);

	assert_true(fd >= 0);
	assert_int_equal(write(fd, t->b, t->len), (ssize_t)t->len);
	snprintf(path, path_len, "/proc/self/fd/%d", fd);
	return fd;
}

static inline int try_open(const struct timg *t, struct tender_elf *img,
			   char *err, size_t err_len)
{
	char path[64];
	int fd = write_img(t, path, sizeof(path));
	int rc = tender_elf_open(img, path, MEM_SIZE, err, err_len);

	close(fd);
	return rc;
}

static inline void expect_fail(struct timg *t, const char *want)
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

static inline void run_case(void **state)
{
	const struct ecase *c = *state;
	struct timg *t = malloc(sizeof(*t));

	assert_non_null(t);
	build(t);
	c->mutate(t);
	expect_fail(t, c->want);
	free(t);
}

static inline void open_ok(struct timg *t, struct tender_elf *img)
{
	char err[512] = "";

	if (try_open(t, img, err, sizeof(err)) != 0)
		fail_msg("unexpected failure: %s", err);
}

#define ECASE(m, w)                                                            \
	{                                                                      \
		.name = #m, .test_func = run_case,                             \
		.initial_state = &(struct ecase){m, w},                        \
	}

#endif /* TESTS_UNIT_ELF_IMAGE_H */
