/*
 * The Xen PVH boot ABI's two pure parts; see pvh.h.  ELF structures are
 * elf_load.h's, from the System V gABI, chapters 4 and 5.
 *
 * Fields are read with memcpy at checked offsets, and every sum of
 * numbers taken from the file is formed in 64 bits from values below
 * 2^33, or checked, before it is compared with the file's size.
 */
#include "vm/pvh.h"

#include <stdbool.h>

#include "lib/bytes.h"
#include "lib/errno.h"
#include "lib/printf.h"
#include "lib/string.h"
#include "mm/range.h"
#include "vm/elf_load.h"

#define pvh_msg(fmt, ...) \
	kprintf("skiff: pvh: " fmt "\n", ##__VA_ARGS__)

/* Reports why the kernel is refused; the expression's value is -err. */
#define refuse(err, fmt, ...) \
	(pvh_msg(fmt, ##__VA_ARGS__), -(err))

/* gABI 5: each note, and its descriptor, starts on a 4-byte boundary
 * (the header is 12 bytes, so the name always does); in a segment aligned
 * to 8 (as GNU property notes in ELF64 files are) on an 8-byte one.  The
 * boundaries are counted from the segment's start. */
#define NOTE_ALIGN		4
#define NOTE_ALIGN_WIDE		8

#define XEN_OWNER_SIZE		sizeof(XEN_ELFNOTE_OWNER)	/* 4, with the NUL */

/* The kernel reads the start info with paging off; EBX is 32 bits. */
#define LIMIT_32		(1ull << 32)
#define START_INFO_ALIGN	8

/* The ELF file's header, widened to one shape. */
struct elf_view {
	const uint8_t *bytes;
	size_t size;
	uint8_t cls;
	uint64_t phoff;
	uint16_t phentsize;
	uint16_t phnum;
};

/* One PT_NOTE segment: where its notes lie in the file. */
struct note_seg {
	uint32_t index;
	uint64_t offset;
	uint64_t size;
	uint64_t align;		/* NOTE_ALIGN or NOTE_ALIGN_WIDE */
};


static uint32_t read32(const uint8_t *p)
{
	return (uint32_t)le_load(p, 4);
}

/* ---- the ELF header ---- */

/* Not an ELF file skiff could run: -ENOEXEC, silently (a probe). */
static int view_header(const uint8_t *b, size_t size, struct elf_view *f)
{
	static const uint8_t magic[] = { ELFMAG0, ELFMAG1, ELFMAG2, ELFMAG3 };
	uint16_t type, machine;

	if (size < EI_NIDENT || memcmp(b, magic, sizeof(magic)) != 0 ||
	    b[EI_DATA] != ELFDATA2LSB || b[EI_VERSION] != EV_CURRENT)
		return -ENOEXEC;
	f->bytes = b;
	f->size = size;
	f->cls = b[EI_CLASS];
	if (f->cls == ELFCLASS32 && size >= sizeof(struct elf32_ehdr)) {
		struct elf32_ehdr h;

		memcpy(&h, b, sizeof(h));
		type = h.e_type, machine = h.e_machine;
		f->phoff = h.e_phoff, f->phentsize = h.e_phentsize, f->phnum = h.e_phnum;
		return type == ET_EXEC && machine == EM_386 ? 0 : -ENOEXEC;
	}
	if (f->cls == ELFCLASS64 && size >= sizeof(struct elf64_ehdr)) {
		struct elf64_ehdr h;

		memcpy(&h, b, sizeof(h));
		type = h.e_type, machine = h.e_machine;
		f->phoff = h.e_phoff, f->phentsize = h.e_phentsize, f->phnum = h.e_phnum;
		return type == ET_EXEC && machine == EM_X86_64 ? 0 : -ENOEXEC;
	}
	return -ENOEXEC;
}

static int check_phdr_table(const struct elf_view *f)
{
	size_t need = f->cls == ELFCLASS32 ? sizeof(struct elf32_phdr) : sizeof(struct elf64_phdr);
	uint64_t table = (uint64_t)f->phnum * f->phentsize;	/* < 2^32 */

	if (f->phnum == PN_XNUM)
		return refuse(EINVAL, "e_phnum 0xffff: more program headers than skiff reads");
	if (f->phnum && f->phentsize < need)
		return refuse(EINVAL, "program header size %u is below the %zu bytes of one",
			      f->phentsize, need);
	if (!elf_in_file(f->size, f->phoff, table))
		return refuse(EINVAL, "program header table (%u entries of %u bytes at 0x%lx) runs "
			      "past the end of the %zu-byte file", f->phnum, f->phentsize,
			      f->phoff, f->size);
	return 0;
}

/* Program header i, if it is a PT_NOTE: its notes' place in the file. */
static bool read_note_seg(const struct elf_view *f, uint32_t i, struct note_seg *s)
{
	const uint8_t *p = f->bytes + f->phoff + (uint64_t)i * f->phentsize;
	uint64_t align;

	if (read32(p) != PT_NOTE)
		return false;
	if (f->cls == ELFCLASS32) {
		struct elf32_phdr h;

		memcpy(&h, p, sizeof(h));
		s->offset = h.p_offset, s->size = h.p_filesz, align = h.p_align;
	} else {
		struct elf64_phdr h;

		memcpy(&h, p, sizeof(h));
		s->offset = h.p_offset, s->size = h.p_filesz, align = h.p_align;
	}
	s->index = i;
	s->align = align == NOTE_ALIGN_WIDE ? NOTE_ALIGN_WIDE : NOTE_ALIGN;
	return true;
}

/* ---- the notes ---- */

/* The Xen note's descriptor: the entry in its low 32 bits. */
static int read_entry(const struct note_seg *s, const uint8_t *desc, uint32_t descsz,
		      uint32_t *entry)
{
	uint32_t low, high = 0;

	if (descsz != 4 && descsz != 8)
		return refuse(EINVAL, "the PHYS32_ENTRY note in program header %u has a %u-byte "
			      "descriptor, not 4 or 8", s->index, descsz);
	low = read32(desc);
	if (descsz == 8)
		high = read32(desc + 4);
	if (high)
		return refuse(ERANGE, "the PVH entry 0x%x%08x is above 4 GiB; it is entered in "
			      "32-bit mode", high, low);
	*entry = low;
	return 0;
}

/*
 * Walks one segment's notes: 0 with *entry at the Xen note, -ENOENT when
 * it has none, or a refusal.  Offsets are relative to the segment, at
 * most its size plus two 32-bit sizes and padding, so 64 bits cannot
 * wrap; bytes too few for a note header at the end are padding.
 */
static int scan_notes(const struct elf_view *f, const struct note_seg *s, uint32_t *entry)
{
	const uint8_t *seg = f->bytes + s->offset;
	uint64_t pos = 0, name, desc, next;
	struct elf_note n;

	while (s->size - pos >= sizeof(n)) {
		memcpy(&n, seg + pos, sizeof(n));
		name = pos + sizeof(n);
		desc = align_up(name + n.n_namesz, s->align);
		next = align_up(desc + n.n_descsz, s->align);
		if (desc > s->size || n.n_descsz > s->size - desc)
			return refuse(EINVAL, "truncated note at 0x%lx in program header %u: name %u "
				      "and descriptor %u bytes run past its 0x%lx bytes",
				      s->offset + pos, s->index, n.n_namesz, n.n_descsz, s->size);
		if (n.n_type == XEN_ELFNOTE_PHYS32_ENTRY && n.n_namesz == XEN_OWNER_SIZE &&
		    memcmp(seg + name, XEN_ELFNOTE_OWNER, XEN_OWNER_SIZE) == 0)
			return read_entry(s, seg + desc, n.n_descsz, entry);
		if (next >= s->size)
			break;
		pos = next;
	}
	return -ENOENT;
}

int pvh_find_entry(const void *elf, size_t size, uint32_t *entry)
{
	struct elf_view f;
	struct note_seg s;
	int err = view_header(elf, size, &f);

	if (err)
		return err;
	err = check_phdr_table(&f);
	if (err)
		return err;
	for (uint32_t i = 0; i < f.phnum; i++) {
		if (!read_note_seg(&f, i, &s))
			continue;
		if (!elf_in_file(size, s.offset, s.size))
			return refuse(EINVAL, "PT_NOTE program header %u (0x%lx bytes at 0x%lx) runs "
				      "past the end of the %zu-byte file", i, s.size, s.offset, size);
		err = scan_notes(&f, &s, entry);
		if (err != -ENOENT)
			return err;
	}
	return -ENOENT;
}

/* ---- the start info ---- */

/* The bytes the start info, module list and map take, or 0 when they
 * do not fit in cap. */
static size_t start_info_size(size_t nmods, size_t nmap, size_t cap)
{
	size_t need = sizeof(struct hvm_start_info);

	if (cap < need || nmods > (cap - need) / sizeof(struct hvm_modlist_entry))
		return 0;
	need += nmods * sizeof(struct hvm_modlist_entry);
	if (nmap > (cap - need) / sizeof(struct hvm_memmap_table_entry))
		return 0;
	return need + nmap * sizeof(struct hvm_memmap_table_entry);
}

static int check_start_info(size_t buf_size, uint64_t buf_pa, size_t nmap, size_t nmods,
			    size_t need)
{
	if (nmap == 0)
		return refuse(EINVAL, "no memory map: a PVH kernel without one asks Xen for it");
	if (!is_aligned(buf_pa, START_INFO_ALIGN))
		return refuse(EINVAL, "start info address 0x%lx is not 8-byte aligned", buf_pa);
	if (need == 0)
		return refuse(ENOSPC, "the start info with %zu modules and %zu map entries does not "
			      "fit in %zu bytes", nmods, nmap, buf_size);
	if (buf_pa >= LIMIT_32 || LIMIT_32 - buf_pa < need)
		return refuse(ERANGE, "the start info at 0x%lx, %zu bytes, reaches above 4 GiB; the "
			      "kernel reads it with paging off", buf_pa, need);
	return 0;
}

int pvh_start_info_build(void *buf, size_t buf_size, uint64_t buf_pa,
			 const struct hvm_memmap_table_entry *map, size_t nmap,
			 uint64_t cmdline_pa, const struct pvh_module *mods, size_t nmods,
			 uint64_t rsdp_pa, uint64_t *start_info_pa)
{
	size_t need = start_info_size(nmods, nmap, buf_size);
	size_t mod_off = sizeof(struct hvm_start_info);
	size_t map_off = mod_off + nmods * sizeof(struct hvm_modlist_entry);
	uint8_t *b = buf;
	struct hvm_start_info si = {
		.magic = HVM_START_MAGIC_VALUE, .version = HVM_START_INFO_VERSION,
		.flags = 0, .nr_modules = (uint32_t)nmods,
		.modlist_paddr = nmods ? buf_pa + mod_off : 0, .cmdline_paddr = cmdline_pa,
		.rsdp_paddr = rsdp_pa, .memmap_paddr = buf_pa + map_off,
		.memmap_entries = (uint32_t)nmap, .reserved = 0,
	};
	int err = check_start_info(buf_size, buf_pa, nmap, nmods, need);

	if (err)
		return err;
	memcpy(b, &si, sizeof(si));
	for (size_t i = 0; i < nmods; i++) {
		struct hvm_modlist_entry e = { mods[i].paddr, mods[i].size,
					       mods[i].cmdline_paddr, 0 };

		memcpy(b + mod_off + i * sizeof(e), &e, sizeof(e));
	}
	for (size_t i = 0; i < nmap; i++) {
		struct hvm_memmap_table_entry e = { map[i].addr, map[i].size, map[i].type, 0 };

		memcpy(b + map_off + i * sizeof(e), &e, sizeof(e));
	}
	*start_info_pa = buf_pa;
	return 0;
}
