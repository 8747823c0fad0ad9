/* SPDX-License-Identifier: ISC */
/*
 * Solo5 hvt unikernel loader on top of libelf. The file is untrusted
 * operator input: every header, segment and note is checked before use and
 * each failure becomes one "file: problem" line. Main thread, before the
 * VM runs; never exits, aborts or touches guest memory until the load.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "elf_load.h"
#include "manifest.h"

/* Solo5 notes are "Solo5" + NUL, padded to 4 like every ELF note name. */
#define NOTE_ALIGN4(x) (((uint64_t)(x) + 3) & ~(uint64_t)3)

/* Which notes the walk has seen so far. */
struct note_state {
	bool has_abi;
	bool has_mft;
	bool has_fastpath;
};

static void __attribute__((format(printf, 4, 5)))
set_err(char *err, size_t err_len, const char *path, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (err == NULL || err_len == 0)
		return;
	n = snprintf(err, err_len, "%s: ", path);
	if (n < 0 || (size_t)n >= err_len)
		return;
	va_start(ap, fmt);
	vsnprintf(err + n, err_len - (size_t)n, fmt, ap);
	va_end(ap);
}

static const char *target_name(uint32_t target)
{
	static const char *const names[] = {
	    [1] = "hvt",  [2] = "spt",	  [3] = "virtio",
	    [4] = "muen", [5] = "genode", [6] = "xen",
	};

	if (target < sizeof(names) / sizeof(names[0]) && names[target])
		return names[target];
	return NULL;
}

/* align must be a power of two; false if rounding up overflows. */
static bool align_up(uint64_t x, uint64_t align, uint64_t *out)
{
	uint64_t sum;

	if (__builtin_add_overflow(x, align - 1, &sum))
		return false;
	*out = sum & ~(align - 1);
	return true;
}

static ssize_t pread_full(int fd, void *buf, size_t len, off_t off)
{
	uint8_t *p = buf;
	size_t done = 0;

	while (done < len) {
		ssize_t n = pread(fd, p + done, len - done, off + (off_t)done);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -1;
		if (n == 0)
			break;
		done += (size_t)n;
	}
	return (ssize_t)done;
}

/* Distinguish a cut-short ELF file from something else entirely. */
static int reject_tiny(struct tender_elf *img, char *err, size_t err_len)
{
	uint8_t magic[SELFMAG];
	ssize_t n = pread_full(img->fd, magic, sizeof(magic), 0);

	if (n == (ssize_t)sizeof(magic) && memcmp(magic, ELFMAG, SELFMAG) == 0)
		set_err(err, err_len, img->path,
			"truncated ELF file (%" PRIu64 " bytes, the ELF64 "
			"header alone needs %zu)",
			img->file_size, sizeof(Elf64_Ehdr));
	else
		set_err(err, err_len, img->path, "not an ELF file");
	return -1;
}

static int open_file(struct tender_elf *img, char *err, size_t err_len)
{
	struct stat st;

	img->fd = open(img->path, O_RDONLY | O_CLOEXEC);
	if (img->fd < 0) {
		set_err(err, err_len, img->path, "cannot open: %s",
			strerror(errno));
		return -1;
	}
	if (fstat(img->fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		set_err(err, err_len, img->path, "not a regular file");
		return -1;
	}
	img->file_size = (uint64_t)st.st_size;
	if (img->file_size < sizeof(Elf64_Ehdr))
		return reject_tiny(img, err, err_len);
	img->elf = elf_begin(img->fd, ELF_C_READ_MMAP, NULL);
	if (img->elf == NULL) {
		set_err(err, err_len, img->path, "libelf: %s", elf_errmsg(-1));
		return -1;
	}
	return 0;
}

/* untrusted: e_ident comes from the file. */
static int check_ident(struct tender_elf *img, char *err, size_t err_len)
{
	const char *id;

	if (elf_kind(img->elf) != ELF_K_ELF) {
		set_err(err, err_len, img->path, "not an ELF file");
		return -1;
	}
	id = elf_getident(img->elf, NULL);
	if (id == NULL) {
		set_err(err, err_len, img->path, "libelf: %s", elf_errmsg(-1));
		return -1;
	}
	if (id[EI_CLASS] != ELFCLASS64) {
		set_err(err, err_len, img->path,
			"not ELF64 (EI_CLASS %d%s), hvt needs ELFCLASS64",
			id[EI_CLASS],
			id[EI_CLASS] == ELFCLASS32 ? ", ELFCLASS32" : "");
		return -1;
	}
	if (id[EI_DATA] != ELFDATA2LSB) {
		set_err(err, err_len, img->path,
			"not little-endian (EI_DATA %d), hvt needs ELFDATA2LSB",
			id[EI_DATA]);
		return -1;
	}
	return 0;
}

/* untrusted: every ELF header field comes from the file. */
static int check_ehdr(struct tender_elf *img, const GElf_Ehdr *eh,
		      uint64_t mem_size, char *err, size_t err_len)
{
	if (eh->e_type != ET_EXEC) {
		set_err(err, err_len, img->path,
			"e_type %u is not ET_EXEC (a static executable)%s",
			eh->e_type, eh->e_type == ET_DYN ? ": PIE/ET_DYN" : "");
		return -1;
	}
	if (eh->e_machine != EM_X86_64) {
		set_err(err, err_len, img->path,
			"e_machine %u is not EM_X86_64 (%d)", eh->e_machine,
			EM_X86_64);
		return -1;
	}
	if (eh->e_ehsize != sizeof(Elf64_Ehdr)) {
		set_err(err, err_len, img->path, "e_ehsize %u, expected %zu",
			eh->e_ehsize, sizeof(Elf64_Ehdr));
		return -1;
	}
	if (eh->e_phentsize != sizeof(Elf64_Phdr)) {
		set_err(err, err_len, img->path, "e_phentsize %u, expected %zu",
			eh->e_phentsize, sizeof(Elf64_Phdr));
		return -1;
	}
	if (eh->e_entry < HVT_GUEST_MIN_BASE || eh->e_entry >= mem_size) {
		set_err(err, err_len, img->path,
			"entry point 0x%" PRIx64 " outside guest memory "
			"[0x%llx, 0x%" PRIx64 ")",
			(uint64_t)eh->e_entry, HVT_GUEST_MIN_BASE, mem_size);
		return -1;
	}
	img->entry = eh->e_entry;
	return 0;
}

/* untrusted: e_phoff and the program header count come from the file. */
static int check_phdr_table(struct tender_elf *img, const GElf_Ehdr *eh,
			    size_t *phnum, char *err, size_t err_len)
{
	uint64_t end;

	if (eh->e_phnum == 0) {
		set_err(err, err_len, img->path, "no program headers");
		return -1;
	}
	/* PN_XNUM would move the count into section 0: never for Solo5. */
	if (eh->e_phnum > TENDER_ELF_MAX_PHDRS) {
		set_err(err, err_len, img->path,
			"%u program headers, at most %d supported", eh->e_phnum,
			TENDER_ELF_MAX_PHDRS);
		return -1;
	}
	if (__builtin_add_overflow(eh->e_phoff,
				   (uint64_t)eh->e_phnum * sizeof(Elf64_Phdr),
				   &end) ||
	    end > img->file_size) {
		set_err(err, err_len, img->path,
			"program headers (offset 0x%" PRIx64 ", %u entries) "
			"extend outside the %" PRIu64 "-byte file",
			(uint64_t)eh->e_phoff, eh->e_phnum, img->file_size);
		return -1;
	}
	if (elf_getphdrnum(img->elf, phnum) < 0 || *phnum != eh->e_phnum) {
		set_err(err, err_len, img->path, "program headers: libelf: %s",
			elf_errmsg(-1));
		return -1;
	}
	return 0;
}

/* untrusted: the file range of a segment. */
static int check_file_range(struct tender_elf *img, unsigned idx,
			    const GElf_Phdr *ph, char *err, size_t err_len)
{
	uint64_t end;

	if (__builtin_add_overflow(ph->p_offset, ph->p_filesz, &end)) {
		set_err(err, err_len, img->path,
			"segment %u: p_offset 0x%" PRIx64
			" + p_filesz 0x%" PRIx64 " overflows",
			idx, (uint64_t)ph->p_offset, (uint64_t)ph->p_filesz);
		return -1;
	}
	if (end > img->file_size) {
		set_err(err, err_len, img->path,
			"segment %u: file bytes [0x%" PRIx64 ", 0x%" PRIx64
			") lie outside the %" PRIu64 "-byte file",
			idx, (uint64_t)ph->p_offset, end, img->file_size);
		return -1;
	}
	return 0;
}

/*
 * untrusted: the guest range of a segment. Fills the GPA fields of seg;
 * the rounding unit is max(p_align, page) so protections stay page-sized.
 */
static int check_mem_range(struct tender_elf *img, unsigned idx,
			   const GElf_Phdr *ph, uint64_t mem_size,
			   struct tender_elf_seg *seg, char *err,
			   size_t err_len)
{
	uint64_t align = ph->p_align, end;

	if (align == 0 || (align & (align - 1)) != 0) {
		set_err(err, err_len, img->path,
			"segment %u: p_align 0x%" PRIx64
			" is not a power of two",
			idx, align);
		return -1;
	}
	if (align < HVT_PAGE_SIZE)
		align = HVT_PAGE_SIZE;
	if (ph->p_filesz > ph->p_memsz) {
		set_err(err, err_len, img->path,
			"segment %u: p_filesz 0x%" PRIx64
			" larger than p_memsz 0x%" PRIx64,
			idx, (uint64_t)ph->p_filesz, (uint64_t)ph->p_memsz);
		return -1;
	}
	if (ph->p_vaddr != ph->p_paddr) {
		set_err(err, err_len, img->path,
			"segment %u: p_vaddr 0x%" PRIx64
			" != p_paddr 0x%" PRIx64
			" (hvt guests run identity-mapped)",
			idx, (uint64_t)ph->p_vaddr, (uint64_t)ph->p_paddr);
		return -1;
	}
	seg->prot_start = ph->p_paddr & ~(align - 1);
	if (ph->p_paddr < HVT_GUEST_MIN_BASE ||
	    seg->prot_start < HVT_GUEST_MIN_BASE) {
		set_err(err, err_len, img->path,
			"segment %u: starts at 0x%" PRIx64 " (0x%" PRIx64
			" after p_align rounding), below 0x%llx",
			idx, (uint64_t)ph->p_paddr, seg->prot_start,
			HVT_GUEST_MIN_BASE);
		return -1;
	}
	if (__builtin_add_overflow(ph->p_paddr, ph->p_memsz, &end) ||
	    !align_up(end, align, &seg->prot_end)) {
		set_err(err, err_len, img->path,
			"segment %u: p_paddr 0x%" PRIx64 " + p_memsz 0x%" PRIx64
			" overflows",
			idx, (uint64_t)ph->p_paddr, (uint64_t)ph->p_memsz);
		return -1;
	}
	if (seg->prot_end > mem_size) {
		set_err(err, err_len, img->path,
			"segment %u needs %" PRIu64 " bytes of guest memory "
			"(up to GPA 0x%" PRIx64 ") and --mem gives %" PRIu64,
			idx, seg->prot_end, seg->prot_end, mem_size);
		return -1;
	}
	seg->gpa = ph->p_paddr;
	seg->memsz = ph->p_memsz;
	return 0;
}

/* untrusted: order and flags of a segment against those before it. */
static int check_layout(struct tender_elf *img, unsigned idx,
			const GElf_Phdr *ph, const struct tender_elf_seg *seg,
			char *err, size_t err_len)
{
	const struct tender_elf_seg *prev;

	if ((ph->p_flags & PF_W) && (ph->p_flags & PF_X)) {
		set_err(err, err_len, img->path,
			"segment %u is both writable and executable", idx);
		return -1;
	}
	if (img->nb_segs == 0)
		return 0;
	prev = &img->segs[img->nb_segs - 1];
	if (seg->gpa < prev->gpa) {
		set_err(err, err_len, img->path,
			"segment %u at 0x%" PRIx64 " is not in ascending order "
			"(segment %u is at 0x%" PRIx64 ")",
			idx, seg->gpa, prev->phdr_idx, prev->gpa);
		return -1;
	}
	if (seg->prot_start < prev->prot_end) {
		set_err(err, err_len, img->path,
			"segment %u [0x%" PRIx64 ", 0x%" PRIx64
			") overlaps segment %u [0x%" PRIx64 ", 0x%" PRIx64
			") after page rounding",
			idx, seg->prot_start, seg->prot_end, prev->phdr_idx,
			prev->prot_start, prev->prot_end);
		return -1;
	}
	return 0;
}

static int add_load_seg(struct tender_elf *img, unsigned idx,
			const GElf_Phdr *ph, uint64_t mem_size, char *err,
			size_t err_len)
{
	struct tender_elf_seg seg = {.phdr_idx = idx, .p_flags = ph->p_flags};

	/* Loads nothing and protects nothing; Solo5 skips it too. */
	if (ph->p_memsz == 0 && ph->p_filesz == 0)
		return 0;
	if (check_file_range(img, idx, ph, err, err_len) < 0 ||
	    check_mem_range(img, idx, ph, mem_size, &seg, err, err_len) < 0 ||
	    check_layout(img, idx, ph, &seg, err, err_len) < 0)
		return -1;
	if (img->nb_segs == TENDER_ELF_MAX_SEGS) {
		set_err(err, err_len, img->path,
			"segment %u: more than %d PT_LOAD segments", idx,
			TENDER_ELF_MAX_SEGS);
		return -1;
	}
	seg.file_off = ph->p_offset;
	seg.filesz = ph->p_filesz;
	seg.prot = PROT_READ | ((ph->p_flags & PF_W) ? PROT_WRITE : 0);
	img->segs[img->nb_segs++] = seg;
	if (seg.prot_end > img->kernel_end)
		img->kernel_end = seg.prot_end;
	return 0;
}

/* untrusted: the ABI1 descriptor. */
static int use_abi_note(struct tender_elf *img, const uint8_t *desc,
			uint32_t descsz, char *err, size_t err_len)
{
	struct hvt_abi_note_desc abi;
	const char *name;

	if (descsz != sizeof(abi)) {
		set_err(err, err_len, img->path,
			"Solo5 ABI note descsz %u, expected %zu", descsz,
			sizeof(abi));
		return -1;
	}
	memcpy(&abi, desc, sizeof(abi));
	if (abi.abi_target != HVT_ABI_TARGET_HVT) {
		name = target_name(abi.abi_target);
		if (name != NULL)
			set_err(err, err_len, img->path,
				"built for the %s target, not hvt", name);
		else
			set_err(err, err_len, img->path,
				"built for unknown target %u, not hvt",
				abi.abi_target);
		return -1;
	}
	if (abi.abi_version != HVT_ABI_VERSION) {
		set_err(err, err_len, img->path,
			"ABI version %u not supported (hvt-dpdk supports %d)",
			abi.abi_version, HVT_ABI_VERSION);
		return -1;
	}
	img->abi_target = abi.abi_target;
	img->abi_version = abi.abi_version;
	return 0;
}

/* untrusted: the MFT1 descriptor. */
static int use_mft_note(struct tender_elf *img, const uint8_t *desc,
			uint32_t descsz, char *err, size_t err_len)
{
	char why[192];

	if (descsz > HVT_MFT_NOTE_MAX_DESCSZ) {
		set_err(err, err_len, img->path,
			"Solo5 manifest note descsz %u exceeds %d", descsz,
			HVT_MFT_NOTE_MAX_DESCSZ);
		return -1;
	}
	if (tender_mft_parse(desc, descsz, &img->mft, &img->mft_size, why,
			     sizeof(why)) < 0) {
		set_err(err, err_len, img->path, "%s", why);
		return -1;
	}
	return 0;
}

/* untrusted: our own fast-path note (hvt_fastpath.h). */
static int use_fastpath_note(struct tender_elf *img, unsigned idx,
			     const GElf_Nhdr *nh, const uint8_t *desc,
			     struct note_state *st, char *err, size_t err_len)
{
	struct hvtx_note_desc d;

	if (nh->n_type != HVTX_NOTE_TYPE_FASTPATH)
		return 0; /* a later extension: not ours to judge */
	if (st->has_fastpath) {
		set_err(err, err_len, img->path,
			"segment %u: duplicate hvt-dpdk fast path note", idx);
		return -1;
	}
	if (nh->n_descsz != sizeof(d)) {
		set_err(err, err_len, img->path,
			"segment %u: hvt-dpdk fast path note descsz %u, "
			"expected %zu",
			idx, nh->n_descsz, sizeof(d));
		return -1;
	}
	memcpy(&d, desc, sizeof(d));
	if (d.version_min == 0 || d.version_min > d.version_max) {
		set_err(err, err_len, img->path,
			"segment %u: hvt-dpdk fast path note versions %u..%u: "
			"expected 1 <= min <= max",
			idx, d.version_min, d.version_max);
		return -1;
	}
	st->has_fastpath = true;
	img->fastpath_min = d.version_min;
	img->fastpath_max = d.version_max;
	return 0;
}

/* untrusted: one note header and its name. */
static int use_note(struct tender_elf *img, unsigned idx, const GElf_Nhdr *nh,
		    const uint8_t *name, const uint8_t *desc,
		    struct note_state *st, char *err, size_t err_len)
{
	bool is_solo5 = nh->n_namesz == HVT_NOTE_NAMESZ &&
			memcmp(name, HVT_NOTE_NAME, HVT_NOTE_NAMESZ) == 0;
	bool *seen;

	if (nh->n_namesz == HVTX_NOTE_NAMESZ &&
	    memcmp(name, HVTX_NOTE_NAME, HVTX_NOTE_NAMESZ) == 0)
		return use_fastpath_note(img, idx, nh, desc, st, err, err_len);
	/* A near miss on the name would otherwise read as "no ABI note". */
	if (!is_solo5 && nh->n_namesz >= 5 && nh->n_namesz <= 8 &&
	    memcmp(name, HVT_NOTE_NAME, 5) == 0) {
		set_err(err, err_len, img->path,
			"segment %u: Solo5 note with namesz %u, expected %d",
			idx, nh->n_namesz, HVT_NOTE_NAMESZ);
		return -1;
	}
	if (!is_solo5 || (nh->n_type != HVT_NOTE_TYPE_ABI &&
			  nh->n_type != HVT_NOTE_TYPE_MFT))
		return 0;
	if (nh->n_descsz == 0) {
		set_err(err, err_len, img->path,
			"segment %u: Solo5 note type 0x%x has descsz 0", idx,
			nh->n_type);
		return -1;
	}
	seen = nh->n_type == HVT_NOTE_TYPE_ABI ? &st->has_abi : &st->has_mft;
	if (*seen) {
		set_err(err, err_len, img->path,
			"segment %u: duplicate %s note", idx,
			nh->n_type == HVT_NOTE_TYPE_ABI ? "Solo5 ABI"
							: "Solo5 manifest");
		return -1;
	}
	*seen = true;
	if (nh->n_type == HVT_NOTE_TYPE_ABI)
		return use_abi_note(img, desc, nh->n_descsz, err, err_len);
	return use_mft_note(img, desc, nh->n_descsz, err, err_len);
}

/* untrusted: note sizes; checked here so errors are precise. */
static int check_note_fits(struct tender_elf *img, unsigned idx,
			   const Elf_Data *d, size_t pos, char *err,
			   size_t err_len)
{
	size_t left = d->d_size - pos;
	Elf64_Nhdr nh;
	uint64_t need;

	if (left < sizeof(nh)) {
		set_err(err, err_len, img->path,
			"segment %u: note at offset %zu has %zu bytes, shorter "
			"than the 12-byte note header",
			idx, pos, left);
		return -1;
	}
	memcpy(&nh, (const uint8_t *)d->d_buf + pos, sizeof(nh));
	need = sizeof(nh) + NOTE_ALIGN4(nh.n_namesz) + NOTE_ALIGN4(nh.n_descsz);
	if (need > left) {
		set_err(err, err_len, img->path,
			"segment %u: note at offset %zu does not fit: namesz "
			"%u, descsz %u need %" PRIu64 " bytes, %zu remain",
			idx, pos, nh.n_namesz, nh.n_descsz, need, left);
		return -1;
	}
	return 0;
}

static int walk_note_seg(struct tender_elf *img, unsigned idx,
			 const GElf_Phdr *ph, struct note_state *st, char *err,
			 size_t err_len)
{
	Elf_Data *d;
	size_t pos = 0;

	if (check_file_range(img, idx, ph, err, err_len) < 0)
		return -1;
	/* An empty one holds no note: what objcopy leaves after
	 * --remove-section of the only note in it. */
	if (ph->p_filesz == 0)
		return 0;
	if (ph->p_filesz < sizeof(Elf64_Nhdr)) {
		set_err(err, err_len, img->path,
			"segment %u: note segment of %" PRIu64
			" bytes is shorter than 12",
			idx, (uint64_t)ph->p_filesz);
		return -1;
	}
	/* ELF_T_NHDR, not NHDR8: Solo5 pads names to 4 even in the
	 * 8-aligned manifest note (its descriptor carries the padding). */
	d = elf_getdata_rawchunk(img->elf, (int64_t)ph->p_offset, ph->p_filesz,
				 ELF_T_NHDR);
	if (d == NULL) {
		set_err(err, err_len, img->path, "segment %u: libelf: %s", idx,
			elf_errmsg(-1));
		return -1;
	}
	while (pos < d->d_size) {
		GElf_Nhdr nh;
		size_t name_off, desc_off, next;

		if (check_note_fits(img, idx, d, pos, err, err_len) < 0)
			return -1;
		next = gelf_getnote(d, pos, &nh, &name_off, &desc_off);
		if (next == 0) {
			set_err(err, err_len, img->path,
				"segment %u: malformed note at offset %zu", idx,
				pos);
			return -1;
		}
		if (use_note(img, idx, &nh,
			     (const uint8_t *)d->d_buf + name_off,
			     (const uint8_t *)d->d_buf + desc_off, st, err,
			     err_len) < 0)
			return -1;
		pos = next;
	}
	return 0;
}

static int walk_phdrs(struct tender_elf *img, size_t phnum, uint64_t mem_size,
		      char *err, size_t err_len)
{
	struct note_state st = {false, false, false};

	for (size_t i = 0; i < phnum; i++) {
		GElf_Phdr ph;
		int rc = 0;

		if (gelf_getphdr(img->elf, (int)i, &ph) == NULL) {
			set_err(err, err_len, img->path,
				"segment %zu: libelf: %s", i, elf_errmsg(-1));
			return -1;
		}
		if (ph.p_type == PT_LOAD)
			rc = add_load_seg(img, (unsigned)i, &ph, mem_size, err,
					  err_len);
		else if (ph.p_type == PT_NOTE)
			rc = walk_note_seg(img, (unsigned)i, &ph, &st, err,
					   err_len);
		if (rc < 0)
			return -1;
	}
	if (!st.has_abi) {
		set_err(err, err_len, img->path,
			"no Solo5 ABI note: not a Solo5 unikernel?");
		return -1;
	}
	if (!st.has_mft) {
		set_err(err, err_len, img->path, "no Solo5 manifest note");
		return -1;
	}
	if (img->nb_segs == 0) {
		set_err(err, err_len, img->path, "no loadable segments");
		return -1;
	}
	return 0;
}

int tender_elf_open(struct tender_elf *img, const char *path, uint64_t mem_size,
		    char *err, size_t err_len)
{
	GElf_Ehdr eh;
	size_t phnum;

	memset(img, 0, sizeof(*img));
	img->fd = -1;
	if (elf_version(EV_CURRENT) == EV_NONE) {
		set_err(err, err_len, path, "libelf: %s", elf_errmsg(-1));
		return -1;
	}
	img->path = strdup(path);
	if (img->path == NULL) {
		set_err(err, err_len, path, "out of memory");
		return -1;
	}
	if (open_file(img, err, err_len) < 0 ||
	    check_ident(img, err, err_len) < 0)
		goto err_close;
	if (gelf_getehdr(img->elf, &eh) == NULL) {
		set_err(err, err_len, img->path, "ELF header: libelf: %s",
			elf_errmsg(-1));
		goto err_close;
	}
	if (check_ehdr(img, &eh, mem_size, err, err_len) < 0 ||
	    check_phdr_table(img, &eh, &phnum, err, err_len) < 0 ||
	    walk_phdrs(img, phnum, mem_size, err, err_len) < 0)
		goto err_close;
	return 0;

err_close:
	tender_elf_close(img);
	return -1;
}

int tender_elf_load(const struct tender_elf *img, uint8_t *mem,
		    uint64_t mem_size, char *err, size_t err_len)
{
	for (unsigned i = 0; i < img->nb_segs; i++) {
		const struct tender_elf_seg *s = &img->segs[i];
		ssize_t n;

		/* mem_size may differ from the one given to open. */
		if (s->prot_end > mem_size) {
			set_err(err, err_len, img->path,
				"segment %u needs %" PRIu64 " bytes of guest "
				"memory and --mem gives %" PRIu64,
				s->phdr_idx, s->prot_end, mem_size);
			return -1;
		}
		/* pread, not the mmap: a file cut short since open gives an
		 * error here instead of SIGBUS. */
		n = pread_full(img->fd, mem + s->gpa, s->filesz,
			       (off_t)s->file_off);
		if (n < 0 || (uint64_t)n != s->filesz) {
			set_err(err, err_len, img->path,
				"segment %u: read %zd of %" PRIu64 " bytes: %s",
				s->phdr_idx, n, s->filesz,
				n < 0 ? strerror(errno) : "file shrank");
			return -1;
		}
		memset(mem + s->gpa + s->filesz, 0, s->memsz - s->filesz);
	}
	return 0;
}

void tender_elf_close(struct tender_elf *img)
{
	if (img->elf != NULL)
		elf_end(img->elf);
	if (img->fd >= 0)
		close(img->fd);
	free(img->mft);
	free(img->path);
	img->elf = NULL;
	img->fd = -1;
	img->mft = NULL;
	img->path = NULL;
	img->nb_segs = 0;
}
