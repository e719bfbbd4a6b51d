/*
 * The guest loader; see elf_load.h.
 *
 * Three passes over the image, and only the last one writes:
 *   1. the ELF header (gABI 4) and the Multiboot2 header (Multiboot2
 *      Specification 2.0, section 3.1; section numbers below are its own);
 *   2. every program header: file range, physical range, guest RAM,
 *      overlaps; then the entry point;
 *   3. the copy.
 * Fields are read with memcpy at checked offsets, so nothing depends on the
 * image's alignment in memory, and every sum of two values taken from the
 * image is checked for overflow before it is trusted.
 */
#include "vm/elf_load.h"

#include <stdbool.h>

#include "boot/multiboot2.h"
#include "lib/errno.h"
#include "lib/printf.h"
#include "lib/string.h"
#include "panic.h"

#define guest_msg(fmt, ...) \
	kprintf("skiff: guest: " fmt "\n", ##__VA_ARGS__)

/* Reports why the image is refused; the expression's value is -err. */
#define refuse(err, fmt, ...) \
	(guest_msg(fmt, ##__VA_ARGS__), -(err))

#define NOT_MB2		"not a Multiboot2 kernel: "

/* Information tags (3.6) skiff writes for its guest; see mb2_guest.h.
 * Modules (3) count as provided: skiff gives the guest none, which is a
 * valid answer to the request. */
#define SKIFF_INFO_PROVIDED	((1u << MB2_TAG_CMDLINE) | (1u << MB2_TAG_BOOT_LOADER_NAME) | \
				 (1u << MB2_TAG_MODULE) | (1u << MB2_TAG_BASIC_MEMINFO) | \
				 (1u << MB2_TAG_MMAP) | (1u << MB2_TAG_ACPI_OLD) | \
				 (1u << MB2_TAG_ACPI_NEW))

/* 3.1.2: magic, architecture, header_length, checksum, then at least the
 * 8-byte end tag. */
#define MB2_HEADER_MIN_LENGTH	(sizeof(struct mb2_header) + sizeof(struct mb2_header_tag))

/* 3.1.6: the entry address tag's one field follows the tag header. */
#define MB2_ENTRY_TAG_SIZE	12
/* 3.1.9: the console flags tag's one field follows the tag header. */
#define MB2_CONSOLE_TAG_SIZE	12

/* The image and what its ELF header says, widened to one shape. */
struct elf_file {
	const uint8_t *bytes;
	size_t size;
	uint8_t cls;		/* ELFCLASS32 or ELFCLASS64 */
	uint64_t entry;		/* e_entry, a virtual address */
	uint64_t phoff;
	uint16_t phentsize;
	uint16_t phnum;
};

/* One program header, widened to 64 bits whatever the class. */
struct elf_phdr {
	uint32_t type;
	uint32_t flags;
	uint64_t offset;
	uint64_t vaddr;
	uint64_t paddr;
	uint64_t filesz;
	uint64_t memsz;
};

/* What the Multiboot2 header asks of its loader. */
struct mb2_request {
	uint32_t offset;	/* of the header in the image */
	uint32_t length;	/* header_length */
	uint32_t info_requested;
	uint32_t info_required;
	bool has_entry;
	uint32_t entry;		/* 3.1.6 entry_addr, physical */
	const char *entry_from;	/* what gave it, for a refusal */
};

static unsigned int class_bits(uint8_t cls)
{
	return cls == ELFCLASS32 ? 32 : 64;
}


static uint32_t read32(const uint8_t *p)
{
	uint32_t v;

	memcpy(&v, p, sizeof(v));
	return v;
}

/* ---- pass 1: the ELF header ---- */

static int elf_check_ident(const uint8_t *b, size_t size)
{
	static const uint8_t magic[] = { ELFMAG0, ELFMAG1, ELFMAG2, ELFMAG3 };

	if (size < EI_NIDENT || memcmp(b, magic, sizeof(magic)) != 0)
		return refuse(ENOEXEC, "not an ELF file: no 7f 45 4c 46 at the start of its %zu bytes",
			      size);
	if (b[EI_CLASS] != ELFCLASS32 && b[EI_CLASS] != ELFCLASS64)
		return refuse(ENOEXEC, "ELF class %u is neither 1 (32-bit) nor 2 (64-bit)",
			      b[EI_CLASS]);
	if (b[EI_DATA] != ELFDATA2LSB)
		return refuse(ENOEXEC, "ELF data encoding %u is not 1 (little-endian)", b[EI_DATA]);
	if (b[EI_VERSION] != EV_CURRENT)
		return refuse(ENOEXEC, "ELF version %u is not 1", b[EI_VERSION]);
	return 0;
}

/* Reads the class's header into f, widened; the size was checked. */
static void elf_read_header(struct elf_file *f, uint16_t *type, uint16_t *machine)
{
	if (f->cls == ELFCLASS32) {
		struct elf32_ehdr h;

		memcpy(&h, f->bytes, sizeof(h));
		*type = h.e_type;
		*machine = h.e_machine;
		f->entry = h.e_entry;
		f->phoff = h.e_phoff;
		f->phentsize = h.e_phentsize;
		f->phnum = h.e_phnum;
	} else {
		struct elf64_ehdr h;

		memcpy(&h, f->bytes, sizeof(h));
		*type = h.e_type;
		*machine = h.e_machine;
		f->entry = h.e_entry;
		f->phoff = h.e_phoff;
		f->phentsize = h.e_phentsize;
		f->phnum = h.e_phnum;
	}
}

static int elf_check_header(struct elf_file *f)
{
	size_t need;
	uint16_t type, machine, want;
	int err = elf_check_ident(f->bytes, f->size);

	if (err)
		return err;
	f->cls = f->bytes[EI_CLASS];
	need = f->cls == ELFCLASS32 ? sizeof(struct elf32_ehdr) : sizeof(struct elf64_ehdr);
	if (f->size < need)
		return refuse(EINVAL, "truncated ELF%u header: the image is %zu bytes, the header needs %zu",
			      class_bits(f->cls), f->size, need);
	elf_read_header(f, &type, &machine);
	want = f->cls == ELFCLASS32 ? EM_386 : EM_X86_64;
	if (machine != want)
		return refuse(ENOEXEC, "ELF%u machine %u is not %u (%s)", class_bits(f->cls),
			      machine, want, want == EM_386 ? "i386" : "x86-64");
	if (type != ET_EXEC)
		return refuse(ENOEXEC, "ELF type %u is not 2 (ET_EXEC, an executable)", type);
	return 0;
}

/* The program header table must lie in the file and hold whole entries. */
static int elf_check_phdr_table(const struct elf_file *f)
{
	size_t need = f->cls == ELFCLASS32 ? sizeof(struct elf32_phdr) : sizeof(struct elf64_phdr);
	uint64_t table = (uint64_t)f->phnum * f->phentsize;	/* < 2^32: no overflow */

	if (f->phnum == 0)
		return refuse(EINVAL, "no program headers (e_phnum 0): nothing to load");
	if (f->phnum == PN_XNUM)
		return refuse(E2BIG, "e_phnum 0xffff: more program headers than skiff reads");
	if (f->phentsize < need)
		return refuse(EINVAL, "program header size %u is below the %zu bytes of an ELF%u "
			      "program header", f->phentsize, need, class_bits(f->cls));
	if (!elf_in_file(f->size, f->phoff, table))
		return refuse(EINVAL, "program header table (%u entries of %u bytes at offset 0x%lx) "
			      "runs past the end of the %zu-byte image",
			      f->phnum, f->phentsize, f->phoff, f->size);
	return 0;
}

/* Program header i, widened; the table was checked to lie in the file. */
static void elf_read_phdr(const struct elf_file *f, uint32_t i, struct elf_phdr *ph)
{
	const uint8_t *p = f->bytes + f->phoff + (uint64_t)i * f->phentsize;

	if (f->cls == ELFCLASS32) {
		struct elf32_phdr h;

		memcpy(&h, p, sizeof(h));
		*ph = (struct elf_phdr){ h.p_type, h.p_flags, h.p_offset, h.p_vaddr,
					 h.p_paddr, h.p_filesz, h.p_memsz };
	} else {
		struct elf64_phdr h;

		memcpy(&h, p, sizeof(h));
		*ph = (struct elf_phdr){ h.p_type, h.p_flags, h.p_offset, h.p_vaddr,
					 h.p_paddr, h.p_filesz, h.p_memsz };
	}
}

/* ---- pass 1: the Multiboot2 header (3.1) ---- */

/* What can be wrong with a header whose magic was found. */
enum mb2_flaw {
	MB2_SOUND,
	MB2_BAD_CHECKSUM,	/* 3.1.2: the four fields must sum to 0 */
	MB2_BAD_ARCH,		/* 3.1.2: 0 is i386 protected mode */
	MB2_TOO_SHORT,		/* no room for the end tag */
	MB2_OUTSIDE,		/* 3.1.1: wholly within the first 32 KiB */
};

/* The image's first bytes that 3.1.1 lets the header occupy. */
static size_t mb2_limit(const struct elf_file *f)
{
	return f->size < MB2_HEADER_SEARCH_LIMIT ? f->size : MB2_HEADER_SEARCH_LIMIT;
}

static enum mb2_flaw mb2_flaw_of(const struct elf_file *f, uint32_t off, const struct mb2_header *h)
{
	if (h->magic + h->architecture + h->header_length + h->checksum != 0)
		return MB2_BAD_CHECKSUM;
	if (h->architecture != MB2_ARCH_I386)
		return MB2_BAD_ARCH;
	if (h->header_length < MB2_HEADER_MIN_LENGTH)
		return MB2_TOO_SHORT;
	if (!elf_in_file(mb2_limit(f), off, h->header_length))
		return MB2_OUTSIDE;
	return MB2_SOUND;
}

static int mb2_report_flaw(const struct elf_file *f, uint32_t off, const struct mb2_header *h)
{
	switch (mb2_flaw_of(f, off, h)) {
	case MB2_BAD_CHECKSUM:
		return refuse(ENOEXEC, NOT_MB2 "the header at offset 0x%x has a bad checksum "
			      "(magic + architecture + header_length + checksum = 0x%x, not 0)",
			      off, h->magic + h->architecture + h->header_length + h->checksum);
	case MB2_BAD_ARCH:
		return refuse(ENOEXEC, NOT_MB2 "the header at offset 0x%x is for architecture %u, "
			      "not 0 (i386)", off, h->architecture);
	case MB2_TOO_SHORT:
		return refuse(ENOEXEC, NOT_MB2 "the header at offset 0x%x has header_length %u, "
			      "below the %zu bytes of its fixed part and end tag",
			      off, h->header_length, MB2_HEADER_MIN_LENGTH);
	case MB2_OUTSIDE:
		return refuse(ENOEXEC, NOT_MB2 "the header at offset 0x%x with header_length %u "
			      "ends past %s", off, h->header_length,
			      mb2_limit(f) == f->size ? "the end of the image" : "the first 32768 bytes");
	case MB2_SOUND:
		break;
	}
	return 0;
}

/* The first sound 8-aligned header in the first 32 KiB, as GRUB searches:
 * a magic value that merely happens to be there is skipped.  Returns its
 * offset, or -1 with *first at the first magic seen (or -1). */
static int64_t mb2_search(const struct elf_file *f, int64_t *first)
{
	size_t limit = mb2_limit(f);
	struct mb2_header h;

	*first = -1;
	for (uint32_t off = 0; limit >= sizeof(h) && off <= limit - sizeof(h);
	     off += MB2_HEADER_ALIGN) {
		memcpy(&h, f->bytes + off, sizeof(h));
		if (h.magic != MB2_HEADER_MAGIC)
			continue;
		if (*first < 0)
			*first = off;
		if (mb2_flaw_of(f, off, &h) == MB2_SOUND)
			return off;
	}
	return -1;
}

/* No header where 3.1 puts it: say whether the magic appears anywhere else
 * (misaligned, or past 32 KiB), the usual linker-script mistakes. */
static int mb2_report_missing(const struct elf_file *f)
{
	for (uint64_t off = 0; f->size >= 4 && off <= f->size - 4; off += 4) {
		if (read32(f->bytes + off) != MB2_HEADER_MAGIC)
			continue;
		if (off < MB2_HEADER_SEARCH_LIMIT && !is_aligned(off, MB2_HEADER_ALIGN))
			return refuse(ENOEXEC, NOT_MB2 "its header magic at offset 0x%lx is not "
				      "8-byte aligned", off);
		return refuse(ENOEXEC, NOT_MB2 "its header at offset 0x%lx does not lie within "
			      "the first 32768 bytes", off);
	}
	return refuse(ENOEXEC, NOT_MB2 "no header (magic 0x%x) in the first 32768 bytes",
		      MB2_HEADER_MAGIC);
}

static int mb2_find_header(const struct elf_file *f, struct mb2_request *req)
{
	int64_t first;
	int64_t off = mb2_search(f, &first);
	struct mb2_header h;

	if (off < 0 && first < 0)
		return mb2_report_missing(f);
	if (off < 0) {
		memcpy(&h, f->bytes + first, sizeof(h));
		return mb2_report_flaw(f, (uint32_t)first, &h);
	}
	memcpy(&h, f->bytes + off, sizeof(h));
	req->offset = (uint32_t)off;
	req->length = h.header_length;
	return 0;
}

/* ---- header tags (3.1.3 .. 3.1.13) ---- */

static const char *const info_tag_names[MB2_TAG_TYPE_COUNT] = {
	[MB2_TAG_END] = "end",
	[MB2_TAG_CMDLINE] = "command line",
	[MB2_TAG_BOOT_LOADER_NAME] = "boot loader name",
	[MB2_TAG_MODULE] = "modules",
	[MB2_TAG_BASIC_MEMINFO] = "basic memory information",
	[MB2_TAG_BOOTDEV] = "BIOS boot device",
	[MB2_TAG_MMAP] = "memory map",
	[MB2_TAG_VBE] = "VBE information",
	[MB2_TAG_FRAMEBUFFER] = "framebuffer information",
	[MB2_TAG_ELF_SECTIONS] = "ELF sections",
	[MB2_TAG_APM] = "APM table",
	[MB2_TAG_EFI32] = "EFI 32-bit system table",
	[MB2_TAG_EFI64] = "EFI 64-bit system table",
	[MB2_TAG_SMBIOS] = "SMBIOS tables",
	[MB2_TAG_ACPI_OLD] = "ACPI 1.0 RSDP",
	[MB2_TAG_ACPI_NEW] = "ACPI 2.0 RSDP",
	[MB2_TAG_NETWORK] = "network information",
	[MB2_TAG_EFI_MMAP] = "EFI memory map",
	[MB2_TAG_EFI_BS] = "EFI boot services not terminated",
	[MB2_TAG_EFI32_IH] = "EFI 32-bit image handle",
	[MB2_TAG_EFI64_IH] = "EFI 64-bit image handle",
	[MB2_TAG_LOAD_BASE_ADDR] = "load base address",
};

static const char *info_tag_name(uint32_t type)
{
	return type < MB2_TAG_TYPE_COUNT ? info_tag_names[type] : "unknown";
}

/* One header tag as found: its file offset and its header. */
struct hdr_tag {
	uint32_t off;
	struct mb2_header_tag t;
};

static bool tag_optional(const struct hdr_tag *tag)
{
	return tag->t.flags & MB2_HEADER_TAG_OPTIONAL;
}

/* 3.1.4: a list of u32 information tag types the kernel wants. */
static int parse_info_request(const struct elf_file *f, const struct hdr_tag *tag,
			      struct mb2_request *req)
{
	uint32_t count = (tag->t.size - sizeof(tag->t)) / sizeof(uint32_t);

	if ((tag->t.size - sizeof(tag->t)) % sizeof(uint32_t))
		return refuse(EINVAL, "Multiboot2 information request tag at offset 0x%x has size %u, "
			      "not 8 plus a multiple of 4", tag->off, tag->t.size);
	for (uint32_t i = 0; i < count; i++) {
		uint32_t type = read32(f->bytes + tag->off + sizeof(tag->t) + i * sizeof(uint32_t));
		bool provided = type < 32 && (SKIFF_INFO_PROVIDED & (1u << type));

		if (!provided && !tag_optional(tag))
			return refuse(ENOTSUP, "the Multiboot2 header requires information tag type %u "
				      "(%s), which skiff does not provide", type, info_tag_name(type));
		if (!provided)
			continue;
		req->info_requested |= 1u << type;
		if (!tag_optional(tag))
			req->info_required |= 1u << type;
	}
	return 0;
}

/* 3.1.6: where to start, overriding e_entry. */
static int parse_entry_address(const struct elf_file *f, const struct hdr_tag *tag,
			       struct mb2_request *req)
{
	if (tag->t.size < MB2_ENTRY_TAG_SIZE)
		return refuse(EINVAL, "Multiboot2 entry address tag at offset 0x%x has size %u, not %u",
			      tag->off, tag->t.size, MB2_ENTRY_TAG_SIZE);
	req->has_entry = true;
	req->entry = read32(f->bytes + tag->off + sizeof(tag->t));
	req->entry_from = "Multiboot2 entry address tag";
	return 0;
}

/* 3.1.9: a required console must be described in the boot information,
 * and skiff describes none (the guest owns the screen as it finds it). */
static int parse_console_flags(const struct elf_file *f, const struct hdr_tag *tag,
			       struct mb2_request *req)
{
	(void)req;
	if (tag->t.size < MB2_CONSOLE_TAG_SIZE)
		return refuse(EINVAL, "Multiboot2 console flags tag at offset 0x%x has size %u, not %u",
			      tag->off, tag->t.size, MB2_CONSOLE_TAG_SIZE);
	if (!tag_optional(tag) && (read32(f->bytes + tag->off + sizeof(tag->t)) & MB2_CONSOLE_REQUIRED))
		return refuse(ENOTSUP, "the Multiboot2 header requires a console described in the "
			      "boot information (console flags tag, type 4), which skiff does not provide");
	return 0;
}

/* A tag whose request skiff meets by doing nothing: module alignment (no
 * modules), relocatable (loading at the linked address is allowed), the
 * EFI tags (skiff never leaves boot services running for its guest). */
static int accept_tag(const struct elf_file *f, const struct hdr_tag *tag, struct mb2_request *req)
{
	(void)f;
	(void)tag;
	(void)req;
	return 0;
}

typedef int (*hdr_tag_fn)(const struct elf_file *f, const struct hdr_tag *tag,
			  struct mb2_request *req);

/* What skiff does with each header tag type.  A NULL parse means skiff
 * cannot honour the tag: fine when it is optional, a refusal when not. */
static const struct hdr_tag_kind {
	const char *what;
	hdr_tag_fn parse;
} hdr_tag_kinds[] = {
	[MB2_HEADER_TAG_INFORMATION_REQUEST] = { "an information request", parse_info_request },
	[MB2_HEADER_TAG_ADDRESS] = { "loading by address (a.out kludge)", NULL },
	[MB2_HEADER_TAG_ENTRY_ADDRESS] = { "an entry address", parse_entry_address },
	[MB2_HEADER_TAG_CONSOLE_FLAGS] = { "console flags", parse_console_flags },
	[MB2_HEADER_TAG_FRAMEBUFFER] = { "a framebuffer", NULL },
	[MB2_HEADER_TAG_MODULE_ALIGN] = { "module alignment", accept_tag },
	[MB2_HEADER_TAG_EFI_BS] = { "EFI boot services", accept_tag },
	[MB2_HEADER_TAG_ENTRY_ADDRESS_EFI32] = { "an EFI i386 entry address", accept_tag },
	[MB2_HEADER_TAG_ENTRY_ADDRESS_EFI64] = { "an EFI amd64 entry address", accept_tag },
	[MB2_HEADER_TAG_RELOCATABLE] = { "relocation", accept_tag },
};

static int mb2_handle_tag(const struct elf_file *f, const struct hdr_tag *tag,
			  struct mb2_request *req)
{
	const struct hdr_tag_kind *kind = NULL;

	if (tag->t.type < sizeof(hdr_tag_kinds) / sizeof(hdr_tag_kinds[0]))
		kind = &hdr_tag_kinds[tag->t.type];
	if (kind && kind->parse)
		return kind->parse(f, tag, req);
	if (tag_optional(tag))
		return 0;	/* 3.1.3: an optional tag may be ignored */
	return refuse(ENOTSUP, "the Multiboot2 header requires %s: tag type %u at offset 0x%x "
		      "is not marked optional, and skiff does not support it",
		      kind && kind->what ? kind->what : "an unknown feature", tag->t.type, tag->off);
}

/* 3.1.3: tags follow the fixed part, each 8-aligned, up to an end tag. */
static int mb2_parse_tags(const struct elf_file *f, struct mb2_request *req)
{
	uint32_t off = sizeof(struct mb2_header);
	struct hdr_tag tag;
	int err;

	for (;;) {
		if (off > req->length || req->length - off < sizeof(tag.t))
			return refuse(EINVAL, "Multiboot2 header tags run past header_length %u "
				      "without an end tag", req->length);
		tag.off = req->offset + off;
		memcpy(&tag.t, f->bytes + tag.off, sizeof(tag.t));
		if (tag.t.size < sizeof(tag.t) || tag.t.size > req->length - off)
			return refuse(EINVAL, "Multiboot2 header tag type %u at offset 0x%x has size %u, "
				      "but the header leaves room for 8 to %u bytes", tag.t.type,
				      tag.off, tag.t.size, req->length - off);
		if (tag.t.type == MB2_HEADER_TAG_END)
			return 0;
		err = mb2_handle_tag(f, &tag, req);
		if (err)
			return err;
		/* size <= header_length <= 32 KiB, so this cannot wrap. */
		off += (uint32_t)align_up(tag.t.size, MB2_HEADER_ALIGN);
	}
}

/* ---- pass 2: segments and entry ---- */

/* The first stretch of [base, end) that is not guest RAM; ranges are
 * normalised (sorted), so one walk finds it. */
static struct phys_range first_gap(const struct guest_mem *m, uint64_t base, uint64_t end)
{
	uint64_t at = base;

	for (size_t i = 0; i < m->count && at < end; i++) {
		const struct phys_range *r = &m->ranges[i];

		if (r->end <= at)
			continue;
		if (r->base > at)
			return (struct phys_range){ at, r->base < end ? r->base : end };
		at = r->end;
	}
	return (struct phys_range){ at, end };
}

/* The file bytes and the physical range of one PT_LOAD segment. */
static int check_segment_ranges(const struct elf_file *f, uint32_t i, const struct elf_phdr *ph)
{
	if (ph->filesz > ph->memsz)
		return refuse(EINVAL, "segment %u: file size 0x%lx exceeds memory size 0x%lx",
			      i, ph->filesz, ph->memsz);
	if (!elf_in_file(f->size, ph->offset, ph->filesz))
		return refuse(EINVAL, "segment %u: file bytes 0x%lx + 0x%lx run past the end of "
			      "the %zu-byte image", i, ph->offset, ph->filesz, f->size);
	if (ph->paddr + ph->memsz < ph->paddr)
		return refuse(ERANGE, "segment %u at 0x%lx, 0x%lx bytes long, wraps the address space",
			      i, ph->paddr, ph->memsz);
	if (ph->paddr + ph->memsz > GUEST_ADDR_LIMIT)
		return refuse(ERANGE, "segment %u at 0x%lx..0x%lx reaches above 4 GiB; the guest "
			      "starts in 32-bit mode", i, ph->paddr, ph->paddr + ph->memsz);
	return 0;
}

/* Where the segment goes: guest RAM, clear of the others and of the image. */
static int check_segment_place(const struct elf_file *f, const struct guest_mem *mem,
			       const struct guest_image *g, const struct guest_segment *s)
{
	uintptr_t host;

	if (!guest_mem_contains(mem, s->base, s->end - s->base)) {
		struct phys_range gap = first_gap(mem, s->base, s->end);

		return refuse(EFAULT, "segment %u at 0x%lx..0x%lx is not all guest RAM: skiff keeps "
			      "0x%lx..0x%lx or there is no RAM there",
			      s->index, s->base, s->end, gap.base, gap.end);
	}
	for (size_t k = 0; k < g->segment_count; k++) {
		const struct guest_segment *o = &g->segments[k];

		if (s->base < o->end && o->base < s->end)
			return refuse(EINVAL, "segments %u and %u overlap at 0x%lx..0x%lx",
				      o->index, s->index, s->base > o->base ? s->base : o->base,
				      s->end < o->end ? s->end : o->end);
	}
	/* Copying over the image would corrupt the segments still to copy. */
	host = (uintptr_t)guest_mem_ptr(mem, s->base, s->end - s->base);
	if (host < (uintptr_t)f->bytes + f->size && (uintptr_t)f->bytes < host + (s->end - s->base))
		return refuse(EINVAL, "segment %u at 0x%lx..0x%lx would overwrite the image "
			      "being loaded", s->index, s->base, s->end);
	return 0;
}

static int add_segment(const struct elf_file *f, const struct guest_mem *mem, uint32_t i,
		       const struct elf_phdr *ph, struct guest_image *g)
{
	struct guest_segment s = {
		.index = i, .flags = ph->flags, .base = ph->paddr,
		.file_end = ph->paddr + ph->filesz, .end = ph->paddr + ph->memsz,
		.vaddr = ph->vaddr, .offset = ph->offset,
	};
	int err = check_segment_ranges(f, i, ph);

	if (err)
		return err;
	if (ph->memsz == 0)
		return 0;	/* nothing to load, as GRUB skips it */
	err = check_segment_place(f, mem, g, &s);
	if (err)
		return err;
	if (g->segment_count == GUEST_IMAGE_MAX_SEGMENTS)
		return refuse(E2BIG, "more than %d loadable segments", GUEST_IMAGE_MAX_SEGMENTS);
	g->segments[g->segment_count++] = s;
	if (s.base < g->load_base)
		g->load_base = s.base;
	if (s.end > g->load_end)
		g->load_end = s.end;
	return 0;
}

static int check_segments(const struct elf_file *f, const struct guest_mem *mem,
			  struct guest_image *g)
{
	struct elf_phdr ph;
	int err;

	g->segment_count = 0;
	g->load_base = GUEST_ADDR_LIMIT;
	g->load_end = 0;
	for (uint32_t i = 0; i < f->phnum; i++) {
		elf_read_phdr(f, i, &ph);
		if (ph.type != PT_LOAD)
			continue;
		err = add_segment(f, mem, i, &ph, g);
		if (err)
			return err;
	}
	if (g->segment_count == 0)
		return refuse(EINVAL, "no loadable segment (PT_LOAD with a memory size) among "
			      "%u program headers", f->phnum);
	return 0;
}

/*
 * The entry point is a physical address inside a loaded segment.  From the
 * entry address tag it is physical already; e_entry is virtual and is
 * moved by the difference between p_vaddr and p_paddr of the segment that
 * holds it.  Segments lie below 4 GiB, so the result fits 32 bits.
 */
static int find_entry(const struct elf_file *f, const struct mb2_request *req,
		      struct guest_image *g)
{
	for (size_t k = 0; k < g->segment_count; k++) {
		const struct guest_segment *s = &g->segments[k];
		uint64_t size = s->end - s->base;

		if (req->has_entry && req->entry >= s->base && req->entry < s->end) {
			g->entry = req->entry;
			return 0;
		}
		if (!req->has_entry && f->entry >= s->vaddr && f->entry - s->vaddr < size) {
			g->entry = (uint32_t)(s->base + (f->entry - s->vaddr));
			return 0;
		}
	}
	if (req->has_entry)
		return refuse(EINVAL, "entry address 0x%x (%s) is not inside any loaded segment",
			      req->entry, req->entry_from);
	return refuse(EINVAL, "entry point 0x%lx (e_entry) is not inside any loaded segment",
		      f->entry);
}

/* ---- pass 3: the copy ---- */

static void copy_segments(const struct elf_file *f, const struct guest_mem *mem,
			  const struct guest_image *g)
{
	for (size_t k = 0; k < g->segment_count; k++) {
		const struct guest_segment *s = &g->segments[k];
		uint8_t *dst = guest_mem_ptr(mem, s->base, s->end - s->base);

		if (!dst)
			panic("elf_load: segment %u at 0x%lx was checked but is not guest RAM",
			      s->index, s->base);
		memcpy(dst, f->bytes + s->offset, s->file_end - s->base);
		memset(dst + (s->file_end - s->base), 0, s->end - s->file_end);
	}
}

/* The whole load; with_mb2, the image's Multiboot2 header is found and
 * obeyed, else the caller has checked whatever header the image has; req
 * holds the entry the caller found, if any. */
static int elf_load(const void *image, size_t size, const struct guest_mem *mem,
		    struct guest_image *out, bool with_mb2, struct mb2_request req)
{
	struct elf_file f = { .bytes = image, .size = size };
	int err;

	if (!image)
		f.size = 0;
	err = elf_check_header(&f);
	if (!err && with_mb2)
		err = mb2_find_header(&f, &req);
	if (!err && with_mb2)
		err = mb2_parse_tags(&f, &req);
	if (!err)
		err = elf_check_phdr_table(&f);
	if (!err)
		err = check_segments(&f, mem, out);
	if (!err)
		err = find_entry(&f, &req, out);
	if (err)
		return err;
	out->info_requested = req.info_requested;
	out->info_required = req.info_required;
	out->elf_class = f.cls;
	out->mb2_header_offset = req.offset;
	copy_segments(&f, mem, out);
	return 0;
}

int elf_load_guest(const void *image, size_t size, const struct guest_mem *mem,
		   struct guest_image *out)
{
	return elf_load(image, size, mem, out, true, (struct mb2_request){ 0 });
}

int elf_load_plain(const void *image, size_t size, const struct guest_mem *mem,
		   struct guest_image *out)
{
	return elf_load(image, size, mem, out, false, (struct mb2_request){ 0 });
}

int elf_load_at(const void *image, size_t size, const struct guest_mem *mem, uint32_t entry,
		const char *entry_from, struct guest_image *out)
{
	return elf_load(image, size, mem, out, false, (struct mb2_request){
		.has_entry = true, .entry = entry, .entry_from = entry_from });
}
