/*
 * The guest loader: ELF32 and ELF64 Multiboot2 kernels built here byte by
 * byte, loaded into a host buffer that stands in for guest RAM.  Good
 * images must land with their bytes and zeroed bss; every malformed one
 * must be refused with one "skiff: guest: " line naming the problem, and
 * leave guest memory exactly as it was.
 */
#include "support.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "boot/multiboot2.h"
#include "lib/errno.h"
#include "vm/elf_load.h"

#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))
#define KIB		(1ull << 10)
#define MIB		(1ull << 20)
#define GIB		(1ull << 30)
#define R(b, e)		((struct phys_range){ (b), (e) })

/* ---- guest RAM: 1..4 MiB and 5..8 MiB of a host buffer; skiff keeps
 * the hole at 4..5 MiB; nothing below 1 MiB.  A range above 4 GiB is guest
 * RAM too, but no image may load there (and the buffer does not reach it:
 * a wrong write would show as an AddressSanitizer error). ---- */

#define GUEST_SPAN	(8 * MIB)
#define GUEST_FILL	0xaa
#define HOLE_BASE	(4 * MIB)
#define HOLE_END	(5 * MIB)

static const struct phys_range guest_ranges[] = {
	R(1 * MIB, HOLE_BASE), R(HOLE_END, GUEST_SPAN), R(4 * GIB, 4 * GIB + 2 * MIB),
};
static uint8_t *guest;
static struct guest_mem gmem;
static struct guest_image gi;

/* What untouched guest memory looks like, compared a block at a time. */
static uint8_t fill_block[64 * KIB];

static int group_setup(void **state)
{
	(void)state;
	memset(fill_block, GUEST_FILL, sizeof(fill_block));
	guest = malloc(GUEST_SPAN);
	return guest ? 0 : -1;
}

static int group_teardown(void **state)
{
	(void)state;
	free(guest);
	return 0;
}

/* The first byte in [from, to) that differs from the fill, or GUEST_SPAN. */
static size_t first_touched(size_t from, size_t to)
{
	while (from < to) {
		size_t n = to - from < sizeof(fill_block) ? to - from : sizeof(fill_block);

		if (memcmp(guest + from, fill_block, n) != 0)
			for (size_t i = from; ; i++)
				if (guest[i] != GUEST_FILL)
					return i;
		from += n;
	}
	return GUEST_SPAN;
}

static void assert_guest_untouched(void)
{
	size_t at = first_touched(0, GUEST_SPAN);

	if (at != GUEST_SPAN)
		fail_msg("guest memory changed at 0x%zx", at);
}

/* ---- ELF images, built byte by byte ---- */

#define IMG_CAP		(96 * KIB)
#define TEXT_OFF	0x1000	/* file offset of the first segment */
#define MB2_OFF		0x1000	/* the Multiboot2 header opens .text */
#define MAX_SEGS	40

struct seg {
	uint32_t type;
	uint32_t flags;
	uint64_t offset, vaddr, paddr, filesz, memsz;
};

struct spec {
	uint8_t cls;
	uint16_t machine;
	uint16_t type;
	uint64_t entry;
	uint64_t phoff;
	uint16_t phentsize;	/* 0: the class's size */
	size_t nseg;
	struct seg seg[MAX_SEGS];
	size_t mb2_off;
	size_t mb2_len;
	uint8_t mb2[1024];
};

static uint8_t img[IMG_CAP];
static size_t img_size;
static struct spec sp;

static void put16(uint8_t *p, uint16_t v) { memcpy(p, &v, sizeof(v)); }
static void put32(uint8_t *p, uint32_t v) { memcpy(p, &v, sizeof(v)); }

/* ---- Multiboot2 header builder (3.1) ---- */

static void mb2_begin(void)
{
	memset(sp.mb2, 0, sizeof(sp.mb2));
	sp.mb2_len = sizeof(struct mb2_header);
}

static void mb2_tag(uint16_t type, uint16_t flags, const void *payload, size_t n)
{
	struct mb2_header_tag t = { type, flags, (uint32_t)(sizeof(t) + n) };

	assert_true(sp.mb2_len + sizeof(t) + n + 8 <= sizeof(sp.mb2));
	memcpy(sp.mb2 + sp.mb2_len, &t, sizeof(t));
	if (n)
		memcpy(sp.mb2 + sp.mb2_len + sizeof(t), payload, n);
	sp.mb2_len += (sizeof(t) + n + 7) & ~(size_t)7;
}

static void mb2_tag32(uint16_t type, uint16_t flags, uint32_t v)
{
	mb2_tag(type, flags, &v, sizeof(v));
}

/* Adds the end tag, then fills in the fixed part with a good checksum. */
static void mb2_end(void)
{
	struct mb2_header h = { MB2_HEADER_MAGIC, MB2_ARCH_I386, 0, 0 };

	mb2_tag(MB2_HEADER_TAG_END, 0, NULL, 0);
	h.header_length = (uint32_t)sp.mb2_len;
	h.checksum = -(h.magic + h.architecture + h.header_length);
	memcpy(sp.mb2, &h, sizeof(h));
}

/* ---- ELF builder ---- */

static void seg_add(uint64_t paddr, uint64_t offset, uint64_t filesz, uint64_t memsz,
		    uint32_t flags)
{
	assert_true(sp.nseg < MAX_SEGS);
	sp.seg[sp.nseg++] = (struct seg){ PT_LOAD, flags, offset, paddr, paddr, filesz, memsz };
}

/* A typical small kernel linked at 1 MiB: text (with the Multiboot2 header
 * at its start) and data followed by bss. */
static void spec_default(uint8_t cls)
{
	memset(&sp, 0, sizeof(sp));
	sp.cls = cls;
	sp.machine = cls == ELFCLASS32 ? EM_386 : EM_X86_64;
	sp.type = ET_EXEC;
	sp.entry = 0x100040;
	sp.phoff = cls == ELFCLASS32 ? sizeof(struct elf32_ehdr) : sizeof(struct elf64_ehdr);
	sp.mb2_off = MB2_OFF;
	seg_add(0x100000, TEXT_OFF, 0x1800, 0x1800, PF_R | PF_X);
	seg_add(0x102000, 0x3000, 0x400, 0x3000, PF_R | PF_W);
	mb2_begin();
	mb2_end();
}

static void write_ehdr(void)
{
	uint16_t phentsize = sp.phentsize ? sp.phentsize :
			     sp.cls == ELFCLASS32 ? sizeof(struct elf32_phdr) : sizeof(struct elf64_phdr);
	uint8_t ident[EI_NIDENT] = { ELFMAG0, ELFMAG1, ELFMAG2, ELFMAG3, sp.cls, ELFDATA2LSB,
				     EV_CURRENT };

	if (sp.cls == ELFCLASS64) {
		struct elf64_ehdr h = { .e_type = sp.type, .e_machine = sp.machine,
					.e_version = EV_CURRENT, .e_entry = sp.entry,
					.e_phoff = sp.phoff, .e_ehsize = sizeof(h),
					.e_phentsize = phentsize, .e_phnum = (uint16_t)sp.nseg };

		memcpy(h.e_ident, ident, sizeof(ident));
		memcpy(img, &h, sizeof(h));
	} else {
		struct elf32_ehdr h = { .e_type = sp.type, .e_machine = sp.machine,
					.e_version = EV_CURRENT, .e_entry = (uint32_t)sp.entry,
					.e_phoff = (uint32_t)sp.phoff, .e_ehsize = sizeof(h),
					.e_phentsize = phentsize, .e_phnum = (uint16_t)sp.nseg };

		memcpy(h.e_ident, ident, sizeof(ident));
		memcpy(img, &h, sizeof(h));
	}
}

static void write_phdrs(void)
{
	size_t ent = sp.cls == ELFCLASS32 ? sizeof(struct elf32_phdr) : sizeof(struct elf64_phdr);
	size_t stride = sp.phentsize ? sp.phentsize : ent;

	for (size_t i = 0; i < sp.nseg; i++) {
		const struct seg *s = &sp.seg[i];
		uint8_t *p = img + sp.phoff + i * stride;

		assert_true(sp.phoff + (i + 1) * stride <= IMG_CAP);
		if (sp.cls == ELFCLASS64) {
			struct elf64_phdr h = { s->type, s->flags, s->offset, s->vaddr, s->paddr,
						s->filesz, s->memsz, 0x1000 };

			memcpy(p, &h, sizeof(h));
		} else {
			struct elf32_phdr h = { s->type, (uint32_t)s->offset, (uint32_t)s->vaddr,
						(uint32_t)s->paddr, (uint32_t)s->filesz,
						(uint32_t)s->memsz, s->flags, 0x1000 };

			memcpy(p, &h, sizeof(h));
		}
	}
}

/* Lays the image out: every byte a pattern (so copied bytes are
 * recognisable), then the headers over it.  The image ends with the last
 * segment's file bytes or the Multiboot2 header, whichever is later. */
static void build(void)
{
	img_size = sp.mb2_off + sp.mb2_len;
	for (size_t i = 0; i < sp.nseg; i++)
		if (sp.seg[i].type == PT_LOAD && sp.seg[i].offset + sp.seg[i].filesz > img_size &&
		    sp.seg[i].offset + sp.seg[i].filesz <= IMG_CAP)
			img_size = sp.seg[i].offset + sp.seg[i].filesz;
	assert_true(img_size <= IMG_CAP);
	for (size_t i = 0; i < IMG_CAP; i++)
		img[i] = (uint8_t)(i * 7 + 3);
	write_ehdr();
	write_phdrs();
	memcpy(img + sp.mb2_off, sp.mb2, sp.mb2_len);
}

static int setup(void **state)
{
	(void)state;
	memset(guest, GUEST_FILL, GUEST_SPAN);
	gmem = (struct guest_mem){ guest_ranges, ARRAY_SIZE(guest_ranges), (uintptr_t)guest };
	memset(&gi, 0, sizeof(gi));
	log_reset();
	spec_default(ELFCLASS64);
	return 0;
}

static int load(void)
{
	return elf_load_guest(img, img_size, &gmem, &gi);
}

static void load_ok(void)
{
	int err = load();

	if (err)
		fail_msg("elf_load_guest: %d; log:\n%s", err, unit_log);
}

/* Segment i of the spec landed: file bytes, then zeros, and nothing
 * written just before or after it. */
static void assert_segment_loaded(size_t i)
{
	const struct seg *s = &sp.seg[i];
	const uint8_t *g = guest + s->paddr;

	assert_memory_equal(g, img + s->offset, s->filesz);
	for (uint64_t k = s->filesz; k < s->memsz; k++)
		if (g[k])
			fail_msg("segment %zu: bss byte at +0x%llx is 0x%x", i,
				 (unsigned long long)k, g[k]);
	if (s->paddr > 1 * MIB)
		assert_int_equal(guest[s->paddr - 1], GUEST_FILL);
	assert_int_equal(guest[s->paddr + s->memsz], GUEST_FILL);
}

/* Guest memory outside the spec's segments is as it was: each gap
 * between segments, from one segment's end (or 0) to the next start. */
static void assert_nothing_else_written(void)
{
	size_t at = 0;

	while (at < GUEST_SPAN) {
		size_t next = GUEST_SPAN, touched;
		bool inside = false;

		for (size_t i = 0; i < sp.nseg; i++) {
			const struct seg *s = &sp.seg[i];

			if (s->type != PT_LOAD || s->memsz == 0)
				continue;
			if (at >= s->paddr && at < s->paddr + s->memsz) {
				at = s->paddr + s->memsz;
				inside = true;
			} else if (s->paddr > at && s->paddr < next) {
				next = s->paddr;
			}
		}
		if (inside)
			continue;
		touched = first_touched(at, next);
		if (touched != GUEST_SPAN)
			fail_msg("guest byte 0x%zx outside every segment was written", touched);
		at = next;
	}
}

/* The loader refused with err, said so in exactly one line that contains
 * msg, and wrote nothing. */
static void expect_refusal(int err, const char *msg)
{
	int got = load();
	size_t lines = 0;

	if (got != -err)
		fail_msg("elf_load_guest returned %d, expected %d; log:\n%s", got, -err, unit_log);
	assert_log_contains(msg);
	for (const char *p = unit_log; *p; p++)
		lines += *p == '\n';
	if (lines != 1 || strncmp(unit_log, "skiff: guest: ", 14) != 0)
		fail_msg("expected one \"skiff: guest: \" line, log was:\n%s", unit_log);
	assert_guest_untouched();
}

/* ---- images that load ---- */

static void test_elf64_loads_bytes_and_zeroes_bss(void **state)
{
	(void)state;
	build();
	load_ok();
	assert_segment_loaded(0);
	assert_segment_loaded(1);
	assert_nothing_else_written();
	assert_int_equal(gi.entry, 0x100040);
	assert_int_equal(gi.load_base, 0x100000);
	assert_int_equal(gi.load_end, 0x105000);
	assert_int_equal(gi.segment_count, 2);
	assert_int_equal(gi.elf_class, ELFCLASS64);
	assert_int_equal(gi.mb2_header_offset, MB2_OFF);
	assert_int_equal(gi.segments[1].file_end, 0x102400);
	assert_int_equal(gi.segments[1].flags, PF_R | PF_W);
	assert_string_equal(unit_log, "");	/* the caller reports success */
}

static void test_elf32_loads_bytes_and_zeroes_bss(void **state)
{
	(void)state;
	spec_default(ELFCLASS32);
	seg_add(0x500000, 0x4000, 0x10, 0x2000, PF_R | PF_W);	/* beyond the hole */
	build();
	load_ok();
	for (size_t i = 0; i < sp.nseg; i++)
		assert_segment_loaded(i);
	assert_nothing_else_written();
	assert_int_equal(gi.elf_class, ELFCLASS32);
	assert_int_equal(gi.load_end, 0x502000);
}

/* Whatever bss held before (a previous run's guest) is zeroed. */
static void test_bss_is_zeroed_over_old_contents(void **state)
{
	(void)state;
	memset(guest + 0x102000, 0x77, 0x3000);
	build();
	load_ok();
	assert_segment_loaded(1);
}

/* A higher-half kernel: linked at -2 GiB, loaded at 1 MiB.  e_entry is
 * virtual and moves with the segment that holds it. */
static void test_higher_half_entry_is_translated(void **state)
{
	(void)state;
	for (size_t i = 0; i < sp.nseg; i++)
		sp.seg[i].vaddr = 0xffffffff80000000ull + sp.seg[i].paddr;
	sp.entry = 0xffffffff80100123ull;
	build();
	load_ok();
	assert_int_equal(gi.entry, 0x100123);
	assert_segment_loaded(0);
}

/* Linux's vmlinux: virtual segment addresses, a physical e_entry that no
 * segment's virtual range holds.  elf_load_at() takes the PVH note's entry
 * instead, inside a segment's physical range; e_entry is not looked at. */
static void test_given_entry_is_used_and_e_entry_ignored(void **state)
{
	int err;

	(void)state;
	for (size_t i = 0; i < sp.nseg; i++)
		sp.seg[i].vaddr = 0xffffffff80000000ull + sp.seg[i].paddr;
	sp.entry = 0x100000;	/* physical, as vmlinux's is */
	build();
	err = elf_load_at(img, img_size, &gmem, 0x100480, "the PVH entry note", &gi);
	if (err)
		fail_msg("elf_load_at: %d; log:\n%s", err, unit_log);
	assert_int_equal(gi.entry, 0x100480);
	assert_segment_loaded(0);
	assert_segment_loaded(1);
	assert_string_equal(unit_log, "");
}

static void test_given_entry_outside_the_segments_is_refused(void **state)
{
	(void)state;
	build();
	assert_int_equal(elf_load_at(img, img_size, &gmem, 0x1800000, "the PVH entry note", &gi),
			 -EINVAL);
	assert_log_contains("entry address 0x1800000 (the PVH entry note) is not inside any "
			    "loaded segment");
	assert_guest_untouched();
}

static void test_entry_address_tag_overrides_e_entry(void **state)
{
	(void)state;
	sp.entry = 0xdead0000;	/* nowhere: only the tag counts */
	mb2_begin();
	mb2_tag32(MB2_HEADER_TAG_ENTRY_ADDRESS, 0, 0x102010);
	mb2_end();
	build();
	load_ok();
	assert_int_equal(gi.entry, 0x102010);
}

static void test_information_request_is_recorded(void **state)
{
	const uint32_t required[] = { MB2_TAG_MMAP, MB2_TAG_CMDLINE, MB2_TAG_ACPI_NEW };
	/* Framebuffer information is not provided, but this request is optional. */
	const uint32_t optional[] = { MB2_TAG_BASIC_MEMINFO, MB2_TAG_FRAMEBUFFER, 99 };

	(void)state;
	mb2_begin();
	mb2_tag(MB2_HEADER_TAG_INFORMATION_REQUEST, 0, required, sizeof(required));
	mb2_tag(MB2_HEADER_TAG_INFORMATION_REQUEST, MB2_HEADER_TAG_OPTIONAL,
		optional, sizeof(optional));
	mb2_end();
	build();
	load_ok();
	assert_int_equal(gi.info_required,
			 (1u << MB2_TAG_MMAP) | (1u << MB2_TAG_CMDLINE) | (1u << MB2_TAG_ACPI_NEW));
	assert_int_equal(gi.info_requested, gi.info_required | (1u << MB2_TAG_BASIC_MEMINFO));
}

static void test_tags_skiff_can_ignore_are_accepted(void **state)
{
	const uint32_t fb[3] = { 1024, 768, 32 };
	const uint32_t addr[4] = { 0x100000, 0x100000, 0x105000, 0x106000 };
	const uint32_t reloc[3] = { 0x100000, 0x1000000, 0x1000 };
	const uint32_t pref = MB2_LOAD_PREFERENCE_LOW;

	(void)state;
	mb2_begin();
	mb2_tag(MB2_HEADER_TAG_FRAMEBUFFER, MB2_HEADER_TAG_OPTIONAL, fb, sizeof(fb));
	mb2_tag(MB2_HEADER_TAG_ADDRESS, MB2_HEADER_TAG_OPTIONAL, addr, sizeof(addr));
	mb2_tag32(MB2_HEADER_TAG_CONSOLE_FLAGS, MB2_HEADER_TAG_OPTIONAL, MB2_CONSOLE_REQUIRED);
	mb2_tag32(MB2_HEADER_TAG_CONSOLE_FLAGS, 0, MB2_CONSOLE_EGA_TEXT_SUPPORTED);
	mb2_tag(MB2_HEADER_TAG_MODULE_ALIGN, 0, NULL, 0);
	mb2_tag(MB2_HEADER_TAG_EFI_BS, 0, NULL, 0);
	mb2_tag32(MB2_HEADER_TAG_ENTRY_ADDRESS_EFI64, 0, 0x100080);
	{
		uint32_t r[4] = { reloc[0], reloc[1], reloc[2], pref };

		mb2_tag(MB2_HEADER_TAG_RELOCATABLE, 0, r, sizeof(r));
	}
	mb2_tag32(42, MB2_HEADER_TAG_OPTIONAL, 0);	/* unknown, optional */
	mb2_end();
	build();
	load_ok();
	assert_int_equal(gi.entry, 0x100040);	/* the EFI entry is not used */
	assert_segment_loaded(0);
}

/* GRUB's search: a magic with a bad checksum is skipped, the next good
 * header used. */
static void test_first_good_header_wins(void **state)
{
	(void)state;
	sp.mb2_off = MB2_OFF + 0x40;
	build();
	put32(img + MB2_OFF, MB2_HEADER_MAGIC);
	put32(img + MB2_OFF + 12, 0x12345678);
	load_ok();
	assert_int_equal(gi.mb2_header_offset, MB2_OFF + 0x40);
}

static void test_header_at_the_end_of_the_first_32k_is_found(void **state)
{
	(void)state;
	sp.mb2_off = MB2_HEADER_SEARCH_LIMIT - 24;
	build();
	load_ok();
	assert_int_equal(gi.mb2_header_offset, MB2_HEADER_SEARCH_LIMIT - 24);
}

static void test_empty_and_non_load_segments_are_skipped(void **state)
{
	(void)state;
	seg_add(0x0, 0x0, 0, 0, PF_R);			/* empty: nowhere, but loads nothing */
	sp.seg[sp.nseg++] = (struct seg){ 4 /* PT_NOTE */, PF_R, 0x100, 0, 0xfffff000, 0x10, 0x10 };
	sp.seg[sp.nseg++] = (struct seg){ PT_NULL, 0, 0xffffff, 0, 0, 0xffffff, 0xffffff };
	build();
	load_ok();
	assert_int_equal(gi.segment_count, 2);
	assert_nothing_else_written();
}

static void test_larger_program_header_entries_are_read(void **state)
{
	(void)state;
	sp.phentsize = sizeof(struct elf64_phdr) + 8;
	build();
	load_ok();
	assert_segment_loaded(0);
	assert_segment_loaded(1);
}

/* The image may lie anywhere in memory: fields are read without
 * assuming alignment. */
static void test_unaligned_image_loads(void **state)
{
	uint8_t *copy;

	(void)state;
	build();
	copy = malloc(img_size + 1);
	assert_non_null(copy);
	memcpy(copy + 1, img, img_size);
	assert_int_equal(elf_load_guest(copy + 1, img_size, &gmem, &gi), 0);
	assert_segment_loaded(0);
	free(copy);
}

/* ---- the ELF header ---- */

static void test_not_an_elf_file(void **state)
{
	(void)state;
	build();
	img[1] = 'X';
	img_size = 100;
	expect_refusal(ENOEXEC, "skiff: guest: not an ELF file: no 7f 45 4c 46 at the start of "
			       "its 100 bytes\n");
}

static void test_empty_image(void **state)
{
	(void)state;
	assert_int_equal(elf_load_guest(NULL, 12345, &gmem, &gi), -ENOEXEC);
	assert_log_contains("not an ELF file: no 7f 45 4c 46 at the start of its 0 bytes");
	log_reset();
	img_size = 3;
	expect_refusal(ENOEXEC, "not an ELF file");
}

static void test_unknown_class(void **state)
{
	(void)state;
	build();
	img[EI_CLASS] = 3;
	expect_refusal(ENOEXEC, "ELF class 3 is neither 1 (32-bit) nor 2 (64-bit)");
}

static void test_big_endian(void **state)
{
	(void)state;
	build();
	img[EI_DATA] = 2;
	expect_refusal(ENOEXEC, "ELF data encoding 2 is not 1 (little-endian)");
}

static void test_truncated_header(void **state)
{
	(void)state;
	build();
	img_size = 40;
	expect_refusal(EINVAL, "truncated ELF64 header: the image is 40 bytes, the header needs 64");
	spec_default(ELFCLASS32);
	build();
	img_size = 51;
	log_reset();
	expect_refusal(EINVAL, "truncated ELF32 header: the image is 51 bytes, the header needs 52");
}

static void test_wrong_machine(void **state)
{
	(void)state;
	sp.machine = 183;	/* AArch64 */
	build();
	expect_refusal(ENOEXEC, "ELF64 machine 183 is not 62 (x86-64)");
	/* x32: a 32-bit ELF for x86-64 is not an i386 kernel. */
	spec_default(ELFCLASS32);
	sp.machine = EM_X86_64;
	build();
	log_reset();
	expect_refusal(ENOEXEC, "ELF32 machine 62 is not 3 (i386)");
}

static void test_not_an_executable(void **state)
{
	(void)state;
	sp.type = 3;	/* ET_DYN */
	build();
	expect_refusal(ENOEXEC, "ELF type 3 is not 2 (ET_EXEC, an executable)");
}

/* ---- the Multiboot2 header ---- */

static void test_missing_multiboot2_header(void **state)
{
	(void)state;
	build();
	memset(img + MB2_OFF, 0, sp.mb2_len);
	expect_refusal(ENOEXEC, "not a Multiboot2 kernel: no header (magic 0xe85250d6) in the "
				"first 32768 bytes");
}

static void test_bad_checksum(void **state)
{
	(void)state;
	build();
	put32(img + MB2_OFF + 12, 0);
	/* magic + 0 + 24 + 0 */
	expect_refusal(ENOEXEC, "not a Multiboot2 kernel: the header at offset 0x1000 has a bad "
				"checksum (magic + architecture + header_length + checksum = "
				"0xe85250ee, not 0)");
}

static void test_header_beyond_32k(void **state)
{
	(void)state;
	sp.mb2_off = MB2_HEADER_SEARCH_LIMIT;
	build();
	expect_refusal(ENOEXEC, "not a Multiboot2 kernel: its header at offset 0x8000 does not "
				"lie within the first 32768 bytes");
}

static void test_header_straddling_32k(void **state)
{
	(void)state;
	sp.mb2_off = MB2_HEADER_SEARCH_LIMIT - 16;	/* 24 bytes long */
	build();
	expect_refusal(ENOEXEC, "not a Multiboot2 kernel: the header at offset 0x7ff0 with "
				"header_length 24 ends past the first 32768 bytes");
}

static void test_misaligned_header(void **state)
{
	(void)state;
	sp.mb2_off = MB2_OFF + 4;
	build();
	expect_refusal(ENOEXEC, "not a Multiboot2 kernel: its header magic at offset 0x1004 is "
				"not 8-byte aligned");
}

static void test_header_past_the_end_of_a_small_image(void **state)
{
	(void)state;
	build();
	img_size = MB2_OFF + 20;	/* the header says 24 */
	expect_refusal(ENOEXEC, "the header at offset 0x1000 with header_length 24 ends past "
				"the end of the image");
}

static void test_header_for_another_architecture(void **state)
{
	(void)state;
	build();
	put32(img + MB2_OFF + 4, MB2_ARCH_MIPS32);
	put32(img + MB2_OFF + 12, -(MB2_HEADER_MAGIC + MB2_ARCH_MIPS32 + 24));
	expect_refusal(ENOEXEC, "the header at offset 0x1000 is for architecture 4, not 0 (i386)");
}

static void test_header_length_too_short(void **state)
{
	(void)state;
	build();
	put32(img + MB2_OFF + 8, 16);
	put32(img + MB2_OFF + 12, -(MB2_HEADER_MAGIC + 16));
	expect_refusal(ENOEXEC, "the header at offset 0x1000 has header_length 16, below the 24 "
				"bytes of its fixed part and end tag");
}

static void test_tags_without_end_tag(void **state)
{
	(void)state;
	mb2_begin();
	mb2_tag(MB2_HEADER_TAG_MODULE_ALIGN, 0, NULL, 0);
	mb2_tag(MB2_HEADER_TAG_MODULE_ALIGN, 0, NULL, 0);
	mb2_end();
	/* Shorten the header so its end tag falls outside it. */
	put32(sp.mb2 + 8, 32);
	put32(sp.mb2 + 12, -(MB2_HEADER_MAGIC + 32));
	build();
	expect_refusal(EINVAL, "Multiboot2 header tags run past header_length 32 without an end tag");
}

static void test_tag_larger_than_the_header(void **state)
{
	(void)state;
	mb2_begin();
	mb2_tag32(MB2_HEADER_TAG_ENTRY_ADDRESS, 0, 0x100040);
	mb2_end();
	put32(sp.mb2 + 16 + 4, 0x1000);	/* the entry tag's size */
	build();
	expect_refusal(EINVAL, "Multiboot2 header tag type 3 at offset 0x1010 has size 4096, "
			       "but the header leaves room for 8 to 24 bytes");
}

static void test_tag_smaller_than_its_header(void **state)
{
	(void)state;
	mb2_begin();
	mb2_tag(MB2_HEADER_TAG_MODULE_ALIGN, 0, NULL, 0);
	mb2_end();
	put32(sp.mb2 + 16 + 4, 4);
	build();
	expect_refusal(EINVAL, "tag type 6 at offset 0x1010 has size 4, but the header leaves "
			       "room for 8 to 16 bytes");
}

static void test_required_information_skiff_lacks(void **state)
{
	const uint32_t req[] = { MB2_TAG_MMAP, MB2_TAG_FRAMEBUFFER };

	(void)state;
	mb2_begin();
	mb2_tag(MB2_HEADER_TAG_INFORMATION_REQUEST, 0, req, sizeof(req));
	mb2_end();
	build();
	expect_refusal(ENOTSUP, "skiff: guest: the Multiboot2 header requires information tag "
				"type 8 (framebuffer information), which skiff does not provide\n");
}

static void test_required_unknown_information(void **state)
{
	(void)state;
	mb2_begin();
	mb2_tag32(MB2_HEADER_TAG_INFORMATION_REQUEST, 0, 77);
	mb2_end();
	build();
	expect_refusal(ENOTSUP, "requires information tag type 77 (unknown), which skiff does "
				"not provide");
}

static void test_information_request_of_odd_size(void **state)
{
	const uint8_t req[6] = { MB2_TAG_MMAP };

	(void)state;
	mb2_begin();
	mb2_tag(MB2_HEADER_TAG_INFORMATION_REQUEST, 0, req, sizeof(req));
	mb2_end();
	build();
	expect_refusal(EINVAL, "Multiboot2 information request tag at offset 0x1010 has size 14, "
			       "not 8 plus a multiple of 4");
}

static void test_address_tag_is_not_supported(void **state)
{
	const uint32_t addr[4] = { 0x100000, 0x100000, 0x105000, 0x106000 };

	(void)state;
	mb2_begin();
	mb2_tag(MB2_HEADER_TAG_ADDRESS, 0, addr, sizeof(addr));
	mb2_end();
	build();
	expect_refusal(ENOTSUP, "skiff: guest: the Multiboot2 header requires loading by address "
				"(a.out kludge): tag type 2 at offset 0x1010 is not marked optional, "
				"and skiff does not support it\n");
}

static void test_required_framebuffer_and_unknown_tags(void **state)
{
	const uint32_t fb[3] = { 1024, 768, 32 };

	(void)state;
	mb2_begin();
	mb2_tag(MB2_HEADER_TAG_FRAMEBUFFER, 0, fb, sizeof(fb));
	mb2_end();
	build();
	expect_refusal(ENOTSUP, "requires a framebuffer: tag type 5 at offset 0x1010 is not "
				"marked optional");
	mb2_begin();
	mb2_tag(MB2_HEADER_TAG_MODULE_ALIGN, 0, NULL, 0);
	mb2_tag32(42, 0, 0);
	mb2_end();
	build();
	log_reset();
	expect_refusal(ENOTSUP, "requires an unknown feature: tag type 42 at offset 0x1018 is "
				"not marked optional");
}

static void test_required_console(void **state)
{
	(void)state;
	mb2_begin();
	mb2_tag32(MB2_HEADER_TAG_CONSOLE_FLAGS, 0,
		  MB2_CONSOLE_REQUIRED | MB2_CONSOLE_EGA_TEXT_SUPPORTED);
	mb2_end();
	build();
	expect_refusal(ENOTSUP, "requires a console described in the boot information "
				"(console flags tag, type 4), which skiff does not provide");
}

static void test_entry_tag_too_short(void **state)
{
	(void)state;
	mb2_begin();
	mb2_tag(MB2_HEADER_TAG_ENTRY_ADDRESS, 0, NULL, 0);
	mb2_end();
	build();
	expect_refusal(EINVAL, "Multiboot2 entry address tag at offset 0x1010 has size 8, not 12");
}

/* ---- program headers and segments ---- */

static void test_program_header_table_outside_the_file(void **state)
{
	(void)state;
	sp.phoff = 0x10000;
	build();
	expect_refusal(EINVAL, "program header table (2 entries of 56 bytes at offset 0x10000) "
			       "runs past the end of the 13312-byte image");
}

static void test_program_header_table_offset_that_wraps(void **state)
{
	(void)state;
	build();
	sp.phoff = ~0ull - 8;
	write_ehdr();
	expect_refusal(EINVAL, "program header table (2 entries of 56 bytes at offset "
			       "0xfffffffffffffff7) runs past the end");
}

static void test_no_program_headers(void **state)
{
	(void)state;
	sp.nseg = 0;
	build();
	expect_refusal(EINVAL, "no program headers (e_phnum 0): nothing to load");
}

static void test_program_header_entries_too_small(void **state)
{
	(void)state;
	sp.phentsize = sizeof(struct elf32_phdr);	/* in an ELF64 */
	build();
	expect_refusal(EINVAL, "program header size 32 is below the 56 bytes of an ELF64 "
			       "program header");
}

static void test_extended_program_header_count(void **state)
{
	(void)state;
	build();
	put16(img + offsetof(struct elf64_ehdr, e_phnum), PN_XNUM);
	expect_refusal(E2BIG, "e_phnum 0xffff: more program headers than skiff reads");
}

static void test_no_loadable_segment(void **state)
{
	(void)state;
	sp.seg[0].type = PT_NULL;
	sp.seg[1].memsz = sp.seg[1].filesz = 0;
	build();
	expect_refusal(EINVAL, "no loadable segment (PT_LOAD with a memory size) among 2 program "
			       "headers");
}

static void test_segment_file_bytes_past_the_end(void **state)
{
	(void)state;
	build();
	img_size -= 1;	/* the data segment's last byte */
	expect_refusal(EINVAL, "segment 1: file bytes 0x3000 + 0x400 run past the end of the "
			       "13311-byte image");
}

static void test_segment_file_offset_that_wraps(void **state)
{
	(void)state;
	sp.seg[1].offset = ~0ull - 0xff;
	build();
	expect_refusal(EINVAL, "segment 1: file bytes 0xffffffffffffff00 + 0x400 run past the end");
}

static void test_filesz_larger_than_memsz(void **state)
{
	(void)state;
	sp.seg[1].memsz = 0x3ff;
	build();
	expect_refusal(EINVAL, "segment 1: file size 0x400 exceeds memory size 0x3ff");
}

static void test_segment_in_skiffs_pages(void **state)
{
	(void)state;
	seg_add(HOLE_BASE + 0x1000, 0x4000, 0x100, 0x1000, PF_R);
	build();
	expect_refusal(EFAULT, "skiff: guest: segment 2 at 0x401000..0x402000 is not all guest RAM: "
			       "skiff keeps 0x401000..0x402000 or there is no RAM there\n");
}

static void test_segment_across_a_hole(void **state)
{
	(void)state;
	seg_add(HOLE_BASE - 0x1000, 0x4000, 0x100, 0x102000, PF_R);
	build();
	expect_refusal(EFAULT, "segment 2 at 0x3ff000..0x501000 is not all guest RAM: skiff keeps "
			       "0x400000..0x500000 or there is no RAM there");
}

static void test_segment_below_guest_ram(void **state)
{
	(void)state;
	sp.seg[0].paddr = sp.seg[0].vaddr = 0xff000;
	sp.entry = 0x100000;
	build();
	expect_refusal(EFAULT, "segment 0 at 0xff000..0x100800 is not all guest RAM: skiff keeps "
			       "0xff000..0x100000 or there is no RAM there");
}

static void test_segment_past_the_end_of_guest_ram(void **state)
{
	(void)state;
	seg_add(GUEST_SPAN - 0x1000, 0x4000, 0x100, 0x2000, PF_R);
	build();
	expect_refusal(EFAULT, "segment 2 at 0x7ff000..0x801000 is not all guest RAM: skiff keeps "
			       "0x800000..0x801000 or there is no RAM there");
}

static void test_segment_above_4g(void **state)
{
	(void)state;
	seg_add(4 * GIB, 0x4000, 0x100, 0x1000, PF_R);	/* guest RAM, but not 32-bit */
	build();
	expect_refusal(ERANGE, "segment 2 at 0x100000000..0x100001000 reaches above 4 GiB; the "
			       "guest starts in 32-bit mode");
}

static void test_segment_straddling_4g(void **state)
{
	(void)state;
	spec_default(ELFCLASS32);
	seg_add(0xfffff000, 0x4000, 0x100, 0x2000, PF_R);
	build();
	expect_refusal(ERANGE, "segment 2 at 0xfffff000..0x100001000 reaches above 4 GiB");
}

static void test_segment_that_wraps(void **state)
{
	(void)state;
	seg_add(~0ull - 0xfff, 0x4000, 0x100, 0x2000, PF_R);
	build();
	expect_refusal(ERANGE, "segment 2 at 0xfffffffffffff000, 0x2000 bytes long, wraps the "
			       "address space");
}

static void test_overlapping_segments(void **state)
{
	(void)state;
	seg_add(0x101400, 0x4000, 0x100, 0x1000, PF_R);
	build();
	expect_refusal(EINVAL, "skiff: guest: segments 0 and 2 overlap at 0x101400..0x101800\n");
}

static void test_segment_inside_another(void **state)
{
	(void)state;
	seg_add(0x102100, 0x4000, 0x10, 0x10, PF_R);
	build();
	expect_refusal(EINVAL, "segments 1 and 2 overlap at 0x102100..0x102110");
}

static void test_entry_outside_every_segment(void **state)
{
	(void)state;
	sp.entry = 0x101800;	/* the gap between text and data */
	build();
	expect_refusal(EINVAL, "skiff: guest: entry point 0x101800 (e_entry) is not inside any "
			       "loaded segment\n");
}

static void test_entry_tag_outside_every_segment(void **state)
{
	(void)state;
	mb2_begin();
	mb2_tag32(MB2_HEADER_TAG_ENTRY_ADDRESS, 0, 0x105000);	/* one past the bss */
	mb2_end();
	build();
	expect_refusal(EINVAL, "entry address 0x105000 (Multiboot2 entry address tag) is not "
			       "inside any loaded segment");
}

static void test_too_many_segments(void **state)
{
	(void)state;
	sp.nseg = 0;
	for (uint64_t i = 0; i <= GUEST_IMAGE_MAX_SEGMENTS; i++)
		seg_add(0x100000 + i * 0x1000, TEXT_OFF, 0x10, 0x10, PF_R | PF_X);
	build();
	expect_refusal(E2BIG, "more than 32 loadable segments");
}

/* A loader that copied segment by segment over its own source would load
 * garbage: an image lying where it is to be loaded is refused. */
static void test_image_overlapping_its_destination(void **state)
{
	(void)state;
	sp.seg[1].paddr = sp.seg[1].vaddr = 0x300000;
	build();
	memcpy(guest + 0x300800, img, img_size);
	assert_int_equal(elf_load_guest(guest + 0x300800, img_size, &gmem, &gi), -EINVAL);
	assert_log_contains("segment 1 at 0x300000..0x303000 would overwrite the image being loaded");
	assert_int_equal(first_touched(0, 0x300800), GUEST_SPAN);
	assert_memory_equal(guest + 0x300800, img, img_size);
}

/* ---- any input: never a crash, every refusal reported, nothing written ---- */

static uint64_t rng = 0x2545f4914f6cdd1dull;

static uint64_t rnd(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

/* Each field that matters, and bytes at random, set to values near the
 * edges; every image either loads or is refused with a line. */
static void test_mutated_images_never_crash(void **state)
{
	static const size_t hot[] = { 4, 5, 6, 16, 18, 24, 32, 54, 56, 58,
				      64, 68, 72, 80, 88, 96, 104,	/* phdr 0 */
				      120, 128, 144, 152, 160,		/* phdr 1 */
				      MB2_OFF, MB2_OFF + 4, MB2_OFF + 8, MB2_OFF + 12,
				      MB2_OFF + 16, MB2_OFF + 20, MB2_OFF + 24, MB2_OFF + 28 };
	static const uint64_t vals[] = { 0, 1, 7, 8, 0xff, 0xffff, 0x7fffffff, 0xffffffff,
					 0x100000, 0x8000, ~0ull, ~0ull - 7 };
	unsigned int loaded = 0, refused = 0;
	const uint32_t req[] = { MB2_TAG_MMAP };

	(void)state;
	mb2_begin();
	mb2_tag(MB2_HEADER_TAG_INFORMATION_REQUEST, 0, req, sizeof(req));
	mb2_tag32(MB2_HEADER_TAG_ENTRY_ADDRESS, MB2_HEADER_TAG_OPTIONAL, 0x100040);
	mb2_end();
	for (int round = 0; round < 2000; round++) {
		spec_default(round % 2 ? ELFCLASS32 : ELFCLASS64);
		build();
		for (int k = 0; k < 1 + (int)(rnd() % 3); k++) {
			size_t at = rnd() % 2 ? hot[rnd() % ARRAY_SIZE(hot)] : rnd() % img_size;
			uint64_t v = vals[rnd() % ARRAY_SIZE(vals)];
			size_t width = (size_t)1 << (rnd() % 4);

			if (at + width <= img_size)
				memcpy(img + at, &v, width);
		}
		if (rnd() % 4 == 0)
			img_size = rnd() % (img_size + 1);
		log_reset();
		if (load() == 0) {
			/* Only a load writes: refill for the next round. */
			memset(guest, GUEST_FILL, GUEST_SPAN);
			loaded++;
			assert_true(gi.load_end <= GUEST_SPAN && gi.load_base >= 1 * MIB);
			assert_true(gi.entry >= gi.load_base && gi.entry < gi.load_end);
		} else {
			refused++;
			assert_int_equal(strncmp(unit_log, "skiff: guest: ", 14), 0);
			assert_guest_untouched();
		}
	}
	print_message("mutations: %u loaded, %u refused\n", loaded, refused);
	assert_true(loaded > 100 && refused > 100);
}

/* Every length of a good image but the full one is refused. */
static void test_every_truncation_is_refused(void **state)
{
	size_t full;

	(void)state;
	spec_default(ELFCLASS32);
	build();
	full = img_size;
	for (size_t n = 0; n < full; n++) {
		log_reset();
		img_size = n;
		assert_true(load() < 0);
		assert_int_equal(strncmp(unit_log, "skiff: guest: ", 14), 0);
	}
	assert_guest_untouched();
	img_size = full;
	load_ok();
}

#define T(name)	cmocka_unit_test_setup(name, setup)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_elf64_loads_bytes_and_zeroes_bss),
		T(test_elf32_loads_bytes_and_zeroes_bss),
		T(test_bss_is_zeroed_over_old_contents),
		T(test_higher_half_entry_is_translated),
		T(test_entry_address_tag_overrides_e_entry),
		T(test_given_entry_is_used_and_e_entry_ignored),
		T(test_given_entry_outside_the_segments_is_refused),
		T(test_information_request_is_recorded),
		T(test_tags_skiff_can_ignore_are_accepted),
		T(test_first_good_header_wins),
		T(test_header_at_the_end_of_the_first_32k_is_found),
		T(test_empty_and_non_load_segments_are_skipped),
		T(test_larger_program_header_entries_are_read),
		T(test_unaligned_image_loads),
		T(test_not_an_elf_file),
		T(test_empty_image),
		T(test_unknown_class),
		T(test_big_endian),
		T(test_truncated_header),
		T(test_wrong_machine),
		T(test_not_an_executable),
		T(test_missing_multiboot2_header),
		T(test_bad_checksum),
		T(test_header_beyond_32k),
		T(test_header_straddling_32k),
		T(test_misaligned_header),
		T(test_header_past_the_end_of_a_small_image),
		T(test_header_for_another_architecture),
		T(test_header_length_too_short),
		T(test_tags_without_end_tag),
		T(test_tag_larger_than_the_header),
		T(test_tag_smaller_than_its_header),
		T(test_required_information_skiff_lacks),
		T(test_required_unknown_information),
		T(test_information_request_of_odd_size),
		T(test_address_tag_is_not_supported),
		T(test_required_framebuffer_and_unknown_tags),
		T(test_required_console),
		T(test_entry_tag_too_short),
		T(test_program_header_table_outside_the_file),
		T(test_program_header_table_offset_that_wraps),
		T(test_no_program_headers),
		T(test_program_header_entries_too_small),
		T(test_extended_program_header_count),
		T(test_no_loadable_segment),
		T(test_segment_file_bytes_past_the_end),
		T(test_segment_file_offset_that_wraps),
		T(test_filesz_larger_than_memsz),
		T(test_segment_in_skiffs_pages),
		T(test_segment_across_a_hole),
		T(test_segment_below_guest_ram),
		T(test_segment_past_the_end_of_guest_ram),
		T(test_segment_above_4g),
		T(test_segment_straddling_4g),
		T(test_segment_that_wraps),
		T(test_overlapping_segments),
		T(test_segment_inside_another),
		T(test_entry_outside_every_segment),
		T(test_entry_tag_outside_every_segment),
		T(test_too_many_segments),
		T(test_image_overlapping_its_destination),
		T(test_mutated_images_never_crash),
		T(test_every_truncation_is_refused),
	};

	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
