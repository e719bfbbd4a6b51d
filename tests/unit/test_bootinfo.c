/*
 * The Multiboot2 boot information parser against a well-formed stream like
 * GRUB's and against the ways a loader (or memory corruption) can get the
 * structure wrong.  Each stream is parsed from a heap block of exactly
 * max_size bytes, so AddressSanitizer catches any read past what the
 * parser was allowed to see.
 */
#include "support.h"

#include <stdlib.h>
#include <string.h>

#include "boot/multiboot2.h"
#include "bootinfo.h"
#include "lib/errno.h"

/* ---- a builder for tag streams ---- */

#define MBI_CAPACITY 16384

struct mbi {
	_Alignas(8) uint8_t buf[MBI_CAPACITY];
	uint32_t len;
};

static struct mbi m;
static struct boot_info bi;

static void mbi_begin(void)
{
	memset(&m, 0, sizeof(m));
	m.len = sizeof(struct mb2_info);
}

static void put(const void *p, uint32_t n)
{
	assert_true(m.len + n <= MBI_CAPACITY);
	memcpy(m.buf + m.len, p, n);
	m.len += n;
}

static void put_u8(uint8_t v) { put(&v, sizeof(v)); }
static void put_u16(uint16_t v) { put(&v, sizeof(v)); }
static void put_u32(uint32_t v) { put(&v, sizeof(v)); }
static void put_u64(uint64_t v) { put(&v, sizeof(v)); }

static void put_zeros(uint32_t n)
{
	while (n--)
		put_u8(0);
}

static void set_u32(uint32_t off, uint32_t v)
{
	memcpy(m.buf + off, &v, sizeof(v));
}

/* Starts a tag; its size is filled in by tag_close(). */
static uint32_t tag_open(uint32_t type)
{
	uint32_t off = m.len;

	put_u32(type);
	put_u32(0);
	return off;
}

/* Sets the size to what was written and pads to 8 bytes (3.6.2). */
static void tag_close(uint32_t off)
{
	set_u32(off + 4, m.len - off);
	while (m.len % 8)
		put_u8(0);
}

/* Overrides a tag's size field, for streams that lie about it. */
static void tag_set_size(uint32_t off, uint32_t size)
{
	set_u32(off + 4, size);
}

static void set_total_size(uint32_t total)
{
	set_u32(0, total);
}

/* Appends the end tag and sets total_size to cover everything. */
static void mbi_finish(void)
{
	tag_close(tag_open(MB2_TAG_END));
	set_total_size(m.len);
}

static uint32_t add_string(uint32_t type, const char *s)
{
	uint32_t off = tag_open(type);

	put(s, (uint32_t)strlen(s) + 1);
	tag_close(off);
	return off;
}

static uint32_t add_module(uint32_t start, uint32_t end, const char *s)
{
	uint32_t off = tag_open(MB2_TAG_MODULE);

	put_u32(start);
	put_u32(end);
	put(s, (uint32_t)strlen(s) + 1);
	tag_close(off);
	return off;
}

/* n entries of entry_size bytes (>= 24), extra bytes of trailing junk. */
static uint32_t add_mmap_sized(uint32_t entry_size, const struct mem_range *r,
			       uint32_t n, uint32_t extra)
{
	uint32_t off = tag_open(MB2_TAG_MMAP), i;

	put_u32(entry_size);
	put_u32(0);
	for (i = 0; i < n; i++) {
		put_u64(r[i].base);
		put_u64(r[i].length);
		put_u32(r[i].type);
		put_u32(0);
		put_zeros(entry_size - 24);
	}
	put_zeros(extra);
	tag_close(off);
	return off;
}

static uint32_t add_mmap(const struct mem_range *r, uint32_t n)
{
	return add_mmap_sized(sizeof(struct mb2_mmap_entry), r, n, 0);
}

/* The common part of 3.6.12; the caller adds color_info and closes. */
static uint32_t fb_open(uint64_t addr, uint32_t pitch, uint32_t width,
			uint32_t height, uint8_t bpp, uint8_t type)
{
	uint32_t off = tag_open(MB2_TAG_FRAMEBUFFER);

	put_u64(addr);
	put_u32(pitch);
	put_u32(width);
	put_u32(height);
	put_u8(bpp);
	put_u8(type);
	put_u16(0);
	return off;
}

/* A 32-bpp x8r8g8b8 framebuffer as QEMU's std VGA gives it. */
static uint32_t add_fb_rgb(uint64_t addr, uint32_t pitch, uint32_t width,
			   uint32_t height)
{
	static const uint8_t xrgb[6] = { 16, 8, 8, 8, 0, 8 };
	uint32_t off = fb_open(addr, pitch, width, height, 32,
			       MB2_FRAMEBUFFER_TYPE_RGB);

	put(xrgb, sizeof(xrgb));
	tag_close(off);
	return off;
}

static uint32_t add_u64_tag(uint32_t type, uint64_t v)
{
	uint32_t off = tag_open(type);

	put_u64(v);
	tag_close(off);
	return off;
}

static uint32_t add_bytes_tag(uint32_t type, const void *p, uint32_t n)
{
	uint32_t off = tag_open(type);

	put(p, n);
	tag_close(off);
	return off;
}

/* An RSDP of the given length: signature, then a recognisable pattern. */
static void make_rsdp(uint8_t *rsdp, uint32_t len, uint8_t revision)
{
	uint32_t i;

	for (i = 0; i < len; i++)
		rsdp[i] = (uint8_t)(0xa0 + i);
	memcpy(rsdp, "RSD PTR ", 8);
	if (len > 15)
		rsdp[15] = revision;
}

/* Parses a copy in a heap block of exactly max_size bytes. */
static int parse_limited(const void *at, uint64_t max_size, uint32_t magic)
{
	uint8_t *copy = malloc(max_size ? max_size : 1);
	int rc;

	assert_non_null(copy);
	memcpy(copy, at, max_size < m.len ? max_size : m.len);
	log_reset();
	rc = bootinfo_parse(magic, copy, max_size, &bi);
	free(copy);
	return rc;
}

static int parse(void)
{
	return parse_limited(m.buf, m.len, MULTIBOOT2_BOOTLOADER_MAGIC);
}

static void assert_log_empty(void)
{
	if (unit_log[0])
		fail_msg("expected no messages; log was:\n%s", unit_log);
}

/* ---- a well-formed stream ---- */

static const struct mem_range grub_map[] = {
	{ 0x0, 0x9fc00, MEM_USABLE },
	{ 0x9fc00, 0x400, MEM_RESERVED },
	{ 0xf0000, 0x10000, MEM_RESERVED },
	{ 0x100000, 0x7ee0000, MEM_USABLE },
	{ 0x7fe0000, 0x20000, MEM_RESERVED },
	{ 0xfffc0000, 0x40000, MEM_RESERVED },
};
#define GRUB_MAP_COUNT (sizeof(grub_map) / sizeof(grub_map[0]))

/* What GRUB 2 hands a Multiboot2 kernel on a UEFI QEMU machine. */
static void build_grub_like(void)
{
	uint8_t rsdp_v1[20], rsdp_v2[36];
	uint32_t off;

	make_rsdp(rsdp_v1, sizeof(rsdp_v1), 0);
	make_rsdp(rsdp_v2, sizeof(rsdp_v2), 2);
	mbi_begin();
	add_string(MB2_TAG_CMDLINE, "console=com1 guest=linux");
	add_string(MB2_TAG_BOOT_LOADER_NAME, "GRUB 2.06");
	add_module(0x200000, 0x3a4000, "/boot/guest.bin root=/dev/vda");
	off = tag_open(MB2_TAG_BASIC_MEMINFO);
	put_u32(639);
	put_u32(130048);
	tag_close(off);
	add_mmap(grub_map, GRUB_MAP_COUNT);
	add_fb_rgb(0x80000000, 4096, 1024, 768);
	add_u64_tag(MB2_TAG_EFI64, 0x7f9ee018);
	add_bytes_tag(MB2_TAG_ACPI_OLD, rsdp_v1, sizeof(rsdp_v1));
	add_bytes_tag(MB2_TAG_ACPI_NEW, rsdp_v2, sizeof(rsdp_v2));
	off = tag_open(MB2_TAG_EFI_MMAP);
	put_u32(48);
	put_u32(1);
	put_zeros(48 * 3);
	tag_close(off);
	off = tag_open(MB2_TAG_LOAD_BASE_ADDR);
	put_u32(0x100000);
	tag_close(off);
	mbi_finish();
}

static void test_grub_like_stream_parses_fully(void **state)
{
	uint8_t rsdp_v2[36];
	uint32_t i;

	(void)state;
	build_grub_like();
	assert_int_equal(parse(), 0);
	assert_log_empty();
	assert_int_equal(bi.warnings, 0);
	assert_int_equal(bi.mbi_size, m.len);
	assert_true(bi.has_cmdline);
	assert_string_equal(bi.cmdline, "console=com1 guest=linux");
	assert_string_equal(bi.loader_name, "GRUB 2.06");

	assert_int_equal(bi.module_count, 1);
	assert_int_equal(bi.modules[0].start, 0x200000);
	assert_int_equal(bi.modules[0].end, 0x3a4000);
	assert_string_equal(bi.modules[0].cmdline, "/boot/guest.bin root=/dev/vda");

	assert_int_equal(bi.mmap_count, GRUB_MAP_COUNT);
	assert_false(bi.mmap_truncated);
	for (i = 0; i < GRUB_MAP_COUNT; i++) {
		assert_int_equal(bi.mmap[i].base, grub_map[i].base);
		assert_int_equal(bi.mmap[i].length, grub_map[i].length);
		assert_int_equal(bi.mmap[i].type, grub_map[i].type);
	}

	assert_int_equal(bi.fb.kind, FB_RGB);
	assert_int_equal(bi.fb.addr, 0x80000000);
	assert_int_equal(bi.fb.pitch, 4096);
	assert_int_equal(bi.fb.width, 1024);
	assert_int_equal(bi.fb.height, 768);
	assert_int_equal(bi.fb.bpp, 32);
	assert_int_equal(bi.fb.red_pos, 16);
	assert_int_equal(bi.fb.red_size, 8);
	assert_int_equal(bi.fb.green_pos, 8);
	assert_int_equal(bi.fb.green_size, 8);
	assert_int_equal(bi.fb.blue_pos, 0);
	assert_int_equal(bi.fb.blue_size, 8);

	make_rsdp(rsdp_v2, sizeof(rsdp_v2), 2);
	assert_int_equal(bi.rsdp_revision, 2);
	assert_memory_equal(bi.rsdp, rsdp_v2, sizeof(rsdp_v2));
	assert_int_equal(bi.efi_system_table, 0x7f9ee018);
	assert_true(bi.has_efi_mmap);
}

/* Every type 2.0 defines, at its minimum size, is accepted in silence. */
static void test_every_defined_type_is_known(void **state)
{
	static const uint32_t min_size[MB2_TAG_TYPE_COUNT] = {
		[MB2_TAG_CMDLINE] = 9, [MB2_TAG_BOOT_LOADER_NAME] = 9,
		[MB2_TAG_MODULE] = 17, [MB2_TAG_BASIC_MEMINFO] = 16,
		[MB2_TAG_BOOTDEV] = 20, [MB2_TAG_VBE] = 784,
		[MB2_TAG_ELF_SECTIONS] = 16, [MB2_TAG_APM] = 28,
		[MB2_TAG_EFI32] = 12, [MB2_TAG_EFI64] = 16,
		[MB2_TAG_SMBIOS] = 16, [MB2_TAG_ACPI_OLD] = 28,
		[MB2_TAG_ACPI_NEW] = 44, [MB2_TAG_NETWORK] = 8,
		[MB2_TAG_EFI_MMAP] = 16, [MB2_TAG_EFI_BS] = 8,
		[MB2_TAG_EFI32_IH] = 12, [MB2_TAG_EFI64_IH] = 16,
		[MB2_TAG_LOAD_BASE_ADDR] = 12,
	};
	uint32_t type, off;

	(void)state;
	mbi_begin();
	for (type = 1; type < MB2_TAG_TYPE_COUNT; type++) {
		if (type == MB2_TAG_MMAP || type == MB2_TAG_FRAMEBUFFER)
			continue;	/* need valid contents, covered above */
		off = tag_open(type);
		put_zeros(min_size[type] - 8);
		tag_close(off);
	}
	mbi_finish();
	assert_int_equal(parse(), 0);
	assert_log_empty();
	assert_int_equal(bi.warnings, 0);
	assert_int_equal(bi.module_count, 1);
	assert_int_equal(bi.rsdp_revision, 2);
	assert_true(bi.has_efi_mmap);
}

/* ---- the fixed part ---- */

static void test_bad_magic(void **state)
{
	(void)state;
	build_grub_like();
	/* The Multiboot1 magic: the wrong kind of loader. */
	assert_int_equal(parse_limited(m.buf, m.len, 0x2badb002), -EINVAL);
	assert_log_contains("skiff: boot: bad multiboot2 magic 0x2badb002 (expected 0x36d76289): not booted by a Multiboot2 loader");
	assert_false(bi.has_cmdline);
	assert_int_equal(bi.mmap_count, 0);
}

static void test_misaligned_mbi(void **state)
{
	_Alignas(8) uint8_t shifted[64 + 4];

	(void)state;
	mbi_begin();
	mbi_finish();
	memcpy(shifted + 4, m.buf, m.len);
	log_reset();
	assert_int_equal(bootinfo_parse(MULTIBOOT2_BOOTLOADER_MAGIC, shifted + 4,
					m.len, &bi), -EINVAL);
	assert_log_contains("is not 8-byte aligned (3.6.2)");
}

static void test_null_mbi(void **state)
{
	(void)state;
	log_reset();
	assert_int_equal(bootinfo_parse(MULTIBOOT2_BOOTLOADER_MAGIC, NULL, 4096,
					&bi), -EINVAL);
	assert_log_contains("skiff: boot: boot information pointer is NULL");
}

static void test_max_size_below_fixed_part(void **state)
{
	(void)state;
	mbi_begin();
	mbi_finish();
	assert_int_equal(parse_limited(m.buf, 4, MULTIBOOT2_BOOTLOADER_MAGIC),
			 -EINVAL);
	assert_log_contains("only 4 bytes readable");
}

static void test_total_size_too_small(void **state)
{
	(void)state;
	mbi_begin();
	mbi_finish();
	set_total_size(8);	/* room for the fixed part, none for an end tag */
	assert_int_equal(parse(), -EBADMSG);
	assert_log_contains("skiff: boot: total_size 8 is less than the 16 bytes of fixed part and end tag");
}

static void test_total_size_exceeds_max_size(void **state)
{
	(void)state;
	build_grub_like();
	/* The caller can see 64 bytes fewer than total_size claims. */
	assert_int_equal(parse_limited(m.buf, m.len - 64,
				       MULTIBOOT2_BOOTLOADER_MAGIC), -EOVERFLOW);
	assert_log_contains("exceeds the");
	assert_int_equal(bi.mmap_count, 0);
}

/* ---- the tag walk ---- */

static void test_tag_size_below_header(void **state)
{
	uint32_t off;

	(void)state;
	mbi_begin();
	add_string(MB2_TAG_BOOT_LOADER_NAME, "GRUB");
	off = add_string(MB2_TAG_CMDLINE, "quiet");
	tag_set_size(off, 4);
	mbi_finish();
	assert_int_equal(parse(), -EBADMSG);
	assert_log_contains("skiff: boot: tag type 1 (command line) at offset 0x18: size 4 is smaller than the 8-byte tag header, stopping");
	/* What came before the broken tag is kept. */
	assert_string_equal(bi.loader_name, "GRUB");
	assert_false(bi.has_cmdline);
}

static void test_tag_runs_past_end(void **state)
{
	uint32_t off;

	(void)state;
	mbi_begin();
	off = add_string(MB2_TAG_CMDLINE, "quiet");
	tag_set_size(off, 0x1000);
	mbi_finish();
	assert_int_equal(parse(), -EBADMSG);
	assert_log_contains("skiff: boot: tag type 1 (command line) at offset 0x8: size 4096 runs past the end of the 32-byte structure, stopping");
	assert_false(bi.has_cmdline);
}

/* A size near 2^32 must not wrap the offset arithmetic either. */
static void test_tag_size_near_4g(void **state)
{
	uint32_t off;

	(void)state;
	mbi_begin();
	off = add_string(MB2_TAG_CMDLINE, "quiet");
	tag_set_size(off, 0xfffffffc);
	mbi_finish();
	assert_int_equal(parse(), -EBADMSG);
	assert_log_contains("size 4294967292 runs past the end");
}

static void test_missing_end_tag(void **state)
{
	(void)state;
	mbi_begin();
	add_string(MB2_TAG_CMDLINE, "quiet");
	set_total_size(m.len);
	assert_int_equal(parse(), -EBADMSG);
	assert_log_contains("skiff: boot: no end tag (type 0) within total_size 24");
	/* Every tag that was there was still parsed. */
	assert_string_equal(bi.cmdline, "quiet");
}

static void test_end_tag_with_wrong_size(void **state)
{
	uint32_t off;

	(void)state;
	mbi_begin();
	add_string(MB2_TAG_CMDLINE, "quiet");
	off = tag_open(MB2_TAG_END);
	put_u64(0);
	tag_close(off);
	set_total_size(m.len);
	assert_int_equal(parse(), 0);
	assert_log_contains("tag type 0 (end) at offset 0x18: end tag has size 16, expected 8");
	assert_int_equal(bi.warnings, 1);
}

static void test_unknown_tag_skipped(void **state)
{
	static const struct mem_range map[] = { { 0x100000, 0x1000000, MEM_USABLE } };
	uint32_t off;

	(void)state;
	mbi_begin();
	off = tag_open(0x4242);
	put_u32(0xdeadbeef);
	put_u16(7);		/* size 14: the next tag needs padding to find */
	tag_close(off);
	add_string(MB2_TAG_CMDLINE, "after the unknown tag");
	add_mmap(map, 1);
	mbi_finish();
	assert_int_equal(parse(), 0);
	assert_log_contains("skiff: boot: tag type 16962 (unknown) at offset 0x8: type not defined by Multiboot2 2.0, skipped");
	assert_int_equal(bi.warnings, 1);
	assert_string_equal(bi.cmdline, "after the unknown tag");
	assert_int_equal(bi.mmap_count, 1);
}

static void test_tag_too_small_for_type_skipped(void **state)
{
	uint32_t off;

	(void)state;
	mbi_begin();
	off = tag_open(MB2_TAG_EFI64);
	put_u32(0x7f9ee018);	/* a 32-bit pointer where 3.6.14 has 64 */
	tag_close(off);
	add_string(MB2_TAG_CMDLINE, "still parsed");
	mbi_finish();
	assert_int_equal(parse(), 0);
	assert_log_contains("skiff: boot: tag type 12 (EFI64 system table) at offset 0x8: size 12 is too small for this type (at least 16), skipped");
	assert_int_equal(bi.efi_system_table, 0);
	assert_string_equal(bi.cmdline, "still parsed");
	assert_int_equal(bi.warnings, 1);
}

/* ---- memory map ---- */

static void test_mmap_entry_size_too_small(void **state)
{
	(void)state;
	mbi_begin();
	add_mmap_sized(24, grub_map, 2, 0);
	set_u32(8 + 8, 16);	/* entry_size */
	mbi_finish();
	assert_int_equal(parse(), 0);
	assert_log_contains("skiff: boot: tag type 6 (memory map) at offset 0x8: entry_size 16 is invalid (3.6.8: a multiple of 8, at least 24), map rejected");
	assert_int_equal(bi.mmap_count, 0);
	assert_int_equal(bi.warnings, 1);
}

static void test_mmap_entry_size_not_multiple_of_8(void **state)
{
	(void)state;
	mbi_begin();
	add_mmap_sized(28, grub_map, 2, 0);
	mbi_finish();
	assert_int_equal(parse(), 0);
	assert_log_contains("entry_size 28 is invalid (3.6.8: a multiple of 8, at least 24), map rejected");
	assert_int_equal(bi.mmap_count, 0);
}

static void test_mmap_partial_entry(void **state)
{
	(void)state;
	mbi_begin();
	add_mmap_sized(24, grub_map, 2, 12);
	mbi_finish();
	assert_int_equal(parse(), 0);
	assert_log_contains("tag type 6 (memory map) at offset 0x8: 60 bytes of entries are not a whole number of 24-byte entries, map rejected");
	assert_int_equal(bi.mmap_count, 0);
}

static void test_mmap_without_entries(void **state)
{
	(void)state;
	mbi_begin();
	add_mmap(grub_map, 0);
	mbi_finish();
	assert_int_equal(parse(), 0);
	assert_log_contains("memory map has no entries, map rejected");
	assert_int_equal(bi.mmap_count, 0);
}

static void test_mmap_too_many_entries(void **state)
{
	struct mem_range many[BOOTINFO_MAX_MMAP + 2];
	uint32_t i;

	(void)state;
	for (i = 0; i < BOOTINFO_MAX_MMAP + 2; i++)
		many[i] = (struct mem_range){ (uint64_t)i << 20, 1 << 20, MEM_USABLE };
	mbi_begin();
	add_mmap(many, BOOTINFO_MAX_MMAP + 2);
	mbi_finish();
	assert_int_equal(parse(), 0);
	assert_log_contains("tag type 6 (memory map) at offset 0x8: 130 memory map entries, only the first 128 kept");
	assert_true(bi.mmap_truncated);
	assert_int_equal(bi.mmap_count, BOOTINFO_MAX_MMAP);
	assert_int_equal(bi.mmap[BOOTINFO_MAX_MMAP - 1].base,
			 (uint64_t)(BOOTINFO_MAX_MMAP - 1) << 20);
	assert_int_equal(bi.warnings, 1);
}

/* 3.6.8: a later entry version may have longer entries; the first 24
 * bytes of each keep their meaning. */
static void test_mmap_longer_entries_accepted(void **state)
{
	(void)state;
	mbi_begin();
	add_mmap_sized(32, grub_map, GRUB_MAP_COUNT, 0);
	mbi_finish();
	assert_int_equal(parse(), 0);
	assert_log_empty();
	assert_int_equal(bi.mmap_count, GRUB_MAP_COUNT);
	assert_int_equal(bi.mmap[3].base, 0x100000);
	assert_int_equal(bi.mmap[3].length, 0x7ee0000);
	assert_int_equal(bi.mmap[5].type, MEM_RESERVED);
}

static void test_mmap_duplicate_keeps_first(void **state)
{
	static const struct mem_range other[] = { { 0, 0x1000, MEM_BAD } };

	(void)state;
	mbi_begin();
	add_mmap(grub_map, GRUB_MAP_COUNT);
	add_mmap(other, 1);
	mbi_finish();
	assert_int_equal(parse(), 0);
	assert_log_contains("tag type 6 (memory map) at offset 0xa8: duplicate of an earlier tag of this type, skipped (the first is kept)");
	assert_int_equal(bi.mmap_count, GRUB_MAP_COUNT);
}

/* ---- strings ---- */

static void test_cmdline_unterminated(void **state)
{
	uint32_t off;

	(void)state;
	mbi_begin();
	off = tag_open(MB2_TAG_CMDLINE);
	put("no-nul!!", 8);	/* fills the tag up to its 8-byte boundary */
	tag_close(off);
	mbi_finish();
	assert_int_equal(parse(), 0);
	assert_log_contains("skiff: boot: tag type 1 (command line) at offset 0x8: command line is not NUL-terminated within the tag's 16 bytes, skipped");
	assert_false(bi.has_cmdline);
	assert_string_equal(bi.cmdline, "");
	assert_int_equal(bi.warnings, 1);
}

static void test_cmdline_oversized(void **state)
{
	char longline[300];

	(void)state;
	memset(longline, 'x', sizeof(longline) - 1);
	longline[sizeof(longline) - 1] = '\0';
	mbi_begin();
	add_string(MB2_TAG_CMDLINE, longline);
	mbi_finish();
	assert_int_equal(parse(), 0);
	assert_log_contains("tag type 1 (command line) at offset 0x8: command line is 299 bytes long, truncated to 255");
	assert_true(bi.has_cmdline);
	assert_int_equal(strlen(bi.cmdline), BOOTINFO_CMDLINE_MAX - 1);
	assert_int_equal(bi.warnings, 1);
}

static void test_cmdline_duplicate(void **state)
{
	(void)state;
	mbi_begin();
	add_string(MB2_TAG_CMDLINE, "first");
	add_string(MB2_TAG_CMDLINE, "second");
	mbi_finish();
	assert_int_equal(parse(), 0);
	assert_log_contains("skiff: boot: tag type 1 (command line) at offset 0x18: duplicate of an earlier tag of this type, skipped (the first is kept)");
	assert_string_equal(bi.cmdline, "first");
	assert_int_equal(bi.warnings, 1);
}

static void test_loader_name_oversized(void **state)
{
	char name[100];

	(void)state;
	memset(name, 'g', sizeof(name) - 1);
	name[sizeof(name) - 1] = '\0';
	mbi_begin();
	add_string(MB2_TAG_BOOT_LOADER_NAME, name);
	mbi_finish();
	assert_int_equal(parse(), 0);
	assert_log_contains("boot loader name is 99 bytes long, truncated to 63");
	assert_int_equal(strlen(bi.loader_name), BOOTINFO_STRING_MAX - 1);
}

/* ---- modules ---- */

static void test_module_string_unterminated(void **state)
{
	uint32_t off;

	(void)state;
	mbi_begin();
	off = tag_open(MB2_TAG_MODULE);
	put_u32(0x200000);
	put_u32(0x300000);
	put("initrd!!", 8);
	tag_close(off);
	add_module(0x400000, 0x500000, "guest");
	mbi_finish();
	assert_int_equal(parse(), 0);
	assert_log_contains("tag type 3 (module) at offset 0x8: module string is not NUL-terminated within the tag's 24 bytes, skipped");
	assert_int_equal(bi.module_count, 1);
	assert_int_equal(bi.modules[0].start, 0x400000);
	assert_string_equal(bi.modules[0].cmdline, "guest");
}

static void test_module_ends_before_start(void **state)
{
	(void)state;
	mbi_begin();
	add_module(0x300000, 0x200000, "backwards");
	mbi_finish();
	assert_int_equal(parse(), 0);
	assert_log_contains("module ends (0x200000) before it starts (0x300000), skipped");
	assert_int_equal(bi.module_count, 0);
}

/* A guest's module string is its kernel's command line: a Linux one of
 * 100 bytes arrives whole, with no warning. */
static void test_module_string_long(void **state)
{
	const char *line = "guest linux console=ttyS0,115200 panic=-1 nokaslr "
			   "skiff_test=bench root=/dev/ram0 rdinit=/init quiet";

	(void)state;
	mbi_begin();
	add_module(0x400000, 0x500000, line);
	mbi_finish();
	assert_int_equal(parse(), 0);
	assert_int_equal(bi.warnings, 0);
	assert_int_equal(bi.module_count, 1);
	assert_string_equal(bi.modules[0].cmdline, line);
}

static void test_too_many_modules(void **state)
{
	uint32_t i;

	(void)state;
	mbi_begin();
	for (i = 0; i < BOOTINFO_MAX_MODULES + 1; i++)
		add_module(i << 20, (i << 20) + 0x1000, "m");
	mbi_finish();
	assert_int_equal(parse(), 0);
	assert_log_contains("more than 8 modules, this one skipped");
	assert_int_equal(bi.module_count, BOOTINFO_MAX_MODULES);
	assert_int_equal(bi.warnings, 1);
}

/* ---- framebuffer ---- */

static void test_framebuffer_truncated_rgb(void **state)
{
	uint32_t off;

	(void)state;
	mbi_begin();
	off = fb_open(0x80000000, 4096, 1024, 768, 32, MB2_FRAMEBUFFER_TYPE_RGB);
	put_u8(16);
	put_u8(8);		/* red only: 34 bytes where RGB needs 38 */
	tag_close(off);
	mbi_finish();
	assert_int_equal(parse(), 0);
	assert_log_contains("skiff: boot: tag type 8 (framebuffer) at offset 0x8: size 34 is too small for RGB colour info (at least 38), ignored");
	assert_int_equal(bi.fb.kind, FB_NONE);
	assert_int_equal(bi.fb.addr, 0);
}

static void test_framebuffer_shorter_than_common_part(void **state)
{
	uint32_t off;

	(void)state;
	mbi_begin();
	off = tag_open(MB2_TAG_FRAMEBUFFER);
	put_u64(0x80000000);
	put_u32(4096);
	put_u32(1024);		/* height and the rest are missing */
	tag_close(off);
	mbi_finish();
	assert_int_equal(parse(), 0);
	assert_log_contains("tag type 8 (framebuffer) at offset 0x8: size 24 is too small for this type (at least 32), skipped");
	assert_int_equal(bi.fb.kind, FB_NONE);
}

static void test_framebuffer_pitch_too_small(void **state)
{
	(void)state;
	mbi_begin();
	add_fb_rgb(0x80000000, 1024, 1024, 768);	/* 4 bytes per pixel */
	mbi_finish();
	assert_int_equal(parse(), 0);
	assert_log_contains("tag type 8 (framebuffer) at offset 0x8: framebuffer pitch 1024 is less than width 1024 * 32 bpp / 8, ignored");
	assert_int_equal(bi.fb.kind, FB_NONE);
	assert_int_equal(bi.warnings, 1);
}

static void test_framebuffer_zero_dimension(void **state)
{
	(void)state;
	mbi_begin();
	add_fb_rgb(0x80000000, 4096, 1024, 0);
	mbi_finish();
	assert_int_equal(parse(), 0);
	assert_log_contains("framebuffer 1024x0 at 32 bpp has a zero dimension, ignored");
	assert_int_equal(bi.fb.kind, FB_NONE);
}

static void test_framebuffer_wraps_address_space(void **state)
{
	(void)state;
	mbi_begin();
	add_fb_rgb(0xffffffffffff0000ull, 4096, 1024, 768);
	mbi_finish();
	assert_int_equal(parse(), 0);
	assert_log_contains("framebuffer at 0xffffffffffff0000 of 3145728 bytes wraps the address space, ignored");
	assert_int_equal(bi.fb.kind, FB_NONE);
}

static void test_framebuffer_colour_field_outside_pixel(void **state)
{
	static const uint8_t bad[6] = { 16, 8, 8, 8, 0, 8 };
	uint32_t off;

	(void)state;
	mbi_begin();
	/* 16 bpp cannot hold a red field at bits 16..23. */
	off = fb_open(0x80000000, 2048, 1024, 768, 16, MB2_FRAMEBUFFER_TYPE_RGB);
	put(bad, sizeof(bad));
	tag_close(off);
	mbi_finish();
	assert_int_equal(parse(), 0);
	assert_log_contains("RGB fields (red 16:8, green 8:8, blue 0:8) do not fit in 16 bpp, ignored");
	assert_int_equal(bi.fb.kind, FB_NONE);
}

static void test_framebuffer_indexed_not_supported(void **state)
{
	uint32_t off;

	(void)state;
	mbi_begin();
	off = fb_open(0xa0000, 320, 320, 200, 8, MB2_FRAMEBUFFER_TYPE_INDEXED);
	put_u32(0);		/* no palette colours */
	tag_close(off);
	mbi_finish();
	assert_int_equal(parse(), 0);
	assert_log_contains("tag type 8 (framebuffer) at offset 0x8: indexed-colour framebuffer (palette) is not supported, not used");
	assert_int_equal(bi.fb.kind, FB_NONE);
	assert_int_equal(bi.fb.width, 320);	/* recorded all the same */
	assert_int_equal(bi.warnings, 0);
}

static void test_framebuffer_ega_text(void **state)
{
	uint32_t off;

	(void)state;
	mbi_begin();
	off = fb_open(0xb8000, 160, 80, 25, 16, MB2_FRAMEBUFFER_TYPE_EGA_TEXT);
	tag_close(off);
	mbi_finish();
	assert_int_equal(parse(), 0);
	assert_log_empty();
	assert_int_equal(bi.fb.kind, FB_EGA_TEXT);
	assert_int_equal(bi.fb.addr, 0xb8000);
	assert_int_equal(bi.fb.width, 80);
	assert_int_equal(bi.fb.height, 25);
	assert_int_equal(bi.fb.pitch, 160);
}

static void test_framebuffer_reserved_type(void **state)
{
	uint32_t off;

	(void)state;
	mbi_begin();
	off = fb_open(0x80000000, 4096, 1024, 768, 32, 3);
	tag_close(off);
	mbi_finish();
	assert_int_equal(parse(), 0);
	assert_log_contains("framebuffer_type 3 is reserved (3.6.12), ignored");
	assert_int_equal(bi.fb.kind, FB_NONE);
}

/* ---- ACPI and EFI ---- */

static void test_rsdp_old_too_small(void **state)
{
	uint8_t rsdp[16];

	(void)state;
	make_rsdp(rsdp, sizeof(rsdp), 0);
	mbi_begin();
	add_bytes_tag(MB2_TAG_ACPI_OLD, rsdp, sizeof(rsdp));
	mbi_finish();
	assert_int_equal(parse(), 0);
	assert_log_contains("skiff: boot: tag type 14 (ACPI old RSDP) at offset 0x8: size 24 is too small for this type (at least 28), skipped");
	assert_int_equal(bi.rsdp_revision, 0);
}

static void test_rsdp_new_too_small(void **state)
{
	uint8_t rsdp[20];

	(void)state;
	make_rsdp(rsdp, sizeof(rsdp), 2);
	mbi_begin();
	add_bytes_tag(MB2_TAG_ACPI_NEW, rsdp, sizeof(rsdp));
	mbi_finish();
	assert_int_equal(parse(), 0);
	assert_log_contains("tag type 15 (ACPI new RSDP) at offset 0x8: size 28 is too small for this type (at least 44), skipped");
	assert_int_equal(bi.rsdp_revision, 0);
}

/* GRUB gives both on ACPI 2.0 machines: the 2.0 copy wins in either order. */
static void test_rsdp_new_preferred_over_old(void **state)
{
	uint8_t v1[20], v2[36];

	(void)state;
	make_rsdp(v1, sizeof(v1), 0);
	v1[8] = 0x11;
	make_rsdp(v2, sizeof(v2), 2);
	mbi_begin();
	add_bytes_tag(MB2_TAG_ACPI_NEW, v2, sizeof(v2));
	add_bytes_tag(MB2_TAG_ACPI_OLD, v1, sizeof(v1));
	mbi_finish();
	assert_int_equal(parse(), 0);
	assert_int_equal(bi.rsdp_revision, 2);
	assert_memory_equal(bi.rsdp, v2, sizeof(v2));

	mbi_begin();
	add_bytes_tag(MB2_TAG_ACPI_OLD, v1, sizeof(v1));
	add_bytes_tag(MB2_TAG_ACPI_NEW, v2, sizeof(v2));
	mbi_finish();
	assert_int_equal(parse(), 0);
	assert_int_equal(bi.rsdp_revision, 2);
	assert_memory_equal(bi.rsdp, v2, sizeof(v2));
	assert_log_empty();
}

static void test_rsdp_old_alone(void **state)
{
	uint8_t v1[20], none[16] = { 0 };

	(void)state;
	make_rsdp(v1, sizeof(v1), 0);
	mbi_begin();
	add_bytes_tag(MB2_TAG_ACPI_OLD, v1, sizeof(v1));
	mbi_finish();
	assert_int_equal(parse(), 0);
	assert_log_empty();
	assert_int_equal(bi.rsdp_revision, 1);
	assert_memory_equal(bi.rsdp, v1, sizeof(v1));
	assert_memory_equal(bi.rsdp + sizeof(v1), none, sizeof(none));
}

/* ---- bootinfo_mem_total ---- */

static void set_map(const struct mem_range *r, uint32_t n)
{
	memset(&bi, 0, sizeof(bi));
	memcpy(bi.mmap, r, n * sizeof(*r));
	bi.mmap_count = n;
}

static void test_mem_total_unsorted_overlapping(void **state)
{
	static const struct mem_range map[] = {
		{ 0x100000, 0x100000, MEM_USABLE },	/* 1M..2M */
		{ 0x0, 0x80000, MEM_USABLE },		/* 0..512K */
		{ 0x180000, 0x100000, MEM_USABLE },	/* 1.5M..2.5M: overlaps */
		{ 0x500000, 0, MEM_USABLE },		/* zero length */
		{ 0x40000, 0x10000, MEM_USABLE },	/* inside 0..512K */
		{ 0x80000, 0x20000, MEM_RESERVED },	/* other type */
		{ 0x100000, 0x100000, MEM_USABLE },	/* exact duplicate */
	};

	(void)state;
	set_map(map, sizeof(map) / sizeof(map[0]));
	assert_int_equal(bootinfo_mem_total(&bi, MEM_USABLE),
			 0x80000 + 0x180000);
	assert_int_equal(bootinfo_mem_total(&bi, MEM_RESERVED), 0x20000);
	assert_int_equal(bootinfo_mem_total(&bi, MEM_BAD), 0);
}

static void test_mem_total_adjacent_and_nested(void **state)
{
	static const struct mem_range map[] = {
		{ 0x3000, 0x1000, MEM_USABLE },
		{ 0x1000, 0x1000, MEM_USABLE },
		{ 0x2000, 0x1000, MEM_USABLE },		/* touches both */
		{ 0x0, 0x10000, MEM_ACPI_NVS },
		{ 0x8000, 0x100, MEM_ACPI_NVS },	/* nested */
		{ 0xfff0, 0x20, MEM_ACPI_NVS },		/* straddles the end */
	};

	(void)state;
	set_map(map, sizeof(map) / sizeof(map[0]));
	assert_int_equal(bootinfo_mem_total(&bi, MEM_USABLE), 0x3000);
	assert_int_equal(bootinfo_mem_total(&bi, MEM_ACPI_NVS), 0x10010);
}

/* 3.6.8: types other than 1, 3, 4, 5 are reserved memory. */
static void test_mem_total_unknown_types_are_reserved(void **state)
{
	static const struct mem_range map[] = {
		{ 0x1000, 0x1000, MEM_RESERVED },
		{ 0x1800, 0x1000, 12 },		/* overlaps the reserved one */
		{ 0x9000, 0x1000, 0 },
	};

	(void)state;
	set_map(map, sizeof(map) / sizeof(map[0]));
	assert_int_equal(bootinfo_mem_total(&bi, MEM_RESERVED), 0x1800 + 0x1000);
	assert_int_equal(bootinfo_mem_total(&bi, MEM_USABLE), 0);
}

static void test_mem_total_extremes(void **state)
{
	static const struct mem_range map[] = {
		{ 0xfffffffffffff000ull, 0x2000, MEM_USABLE },	/* would wrap */
		{ 0x0, UINT64_MAX, MEM_BAD },
		{ 0xffffffffffffff00ull, 0x100, MEM_BAD },	/* with it: 2^64 */
	};

	(void)state;
	set_map(map, sizeof(map) / sizeof(map[0]));
	assert_int_equal(bootinfo_mem_total(&bi, MEM_USABLE), 0x1000);
	assert_true(bootinfo_mem_total(&bi, MEM_BAD) == UINT64_MAX);
	set_map(map, 0);
	assert_int_equal(bootinfo_mem_total(&bi, MEM_USABLE), 0);
}

/* The parsed GRUB-like map, end to end. */
static void test_mem_total_of_parsed_map(void **state)
{
	(void)state;
	build_grub_like();
	assert_int_equal(parse(), 0);
	assert_int_equal(bootinfo_mem_total(&bi, MEM_USABLE), 0x9fc00 + 0x7ee0000);
	assert_int_equal(bootinfo_mem_total(&bi, MEM_RESERVED),
			 0x400 + 0x10000 + 0x20000 + 0x40000);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_grub_like_stream_parses_fully),
		cmocka_unit_test(test_every_defined_type_is_known),
		cmocka_unit_test(test_bad_magic),
		cmocka_unit_test(test_misaligned_mbi),
		cmocka_unit_test(test_null_mbi),
		cmocka_unit_test(test_max_size_below_fixed_part),
		cmocka_unit_test(test_total_size_too_small),
		cmocka_unit_test(test_total_size_exceeds_max_size),
		cmocka_unit_test(test_tag_size_below_header),
		cmocka_unit_test(test_tag_runs_past_end),
		cmocka_unit_test(test_tag_size_near_4g),
		cmocka_unit_test(test_missing_end_tag),
		cmocka_unit_test(test_end_tag_with_wrong_size),
		cmocka_unit_test(test_unknown_tag_skipped),
		cmocka_unit_test(test_tag_too_small_for_type_skipped),
		cmocka_unit_test(test_mmap_entry_size_too_small),
		cmocka_unit_test(test_mmap_entry_size_not_multiple_of_8),
		cmocka_unit_test(test_mmap_partial_entry),
		cmocka_unit_test(test_mmap_without_entries),
		cmocka_unit_test(test_mmap_too_many_entries),
		cmocka_unit_test(test_mmap_longer_entries_accepted),
		cmocka_unit_test(test_mmap_duplicate_keeps_first),
		cmocka_unit_test(test_cmdline_unterminated),
		cmocka_unit_test(test_cmdline_oversized),
		cmocka_unit_test(test_cmdline_duplicate),
		cmocka_unit_test(test_loader_name_oversized),
		cmocka_unit_test(test_module_string_unterminated),
		cmocka_unit_test(test_module_ends_before_start),
		cmocka_unit_test(test_module_string_long),
		cmocka_unit_test(test_too_many_modules),
		cmocka_unit_test(test_framebuffer_truncated_rgb),
		cmocka_unit_test(test_framebuffer_shorter_than_common_part),
		cmocka_unit_test(test_framebuffer_pitch_too_small),
		cmocka_unit_test(test_framebuffer_zero_dimension),
		cmocka_unit_test(test_framebuffer_wraps_address_space),
		cmocka_unit_test(test_framebuffer_colour_field_outside_pixel),
		cmocka_unit_test(test_framebuffer_indexed_not_supported),
		cmocka_unit_test(test_framebuffer_ega_text),
		cmocka_unit_test(test_framebuffer_reserved_type),
		cmocka_unit_test(test_rsdp_old_too_small),
		cmocka_unit_test(test_rsdp_new_too_small),
		cmocka_unit_test(test_rsdp_new_preferred_over_old),
		cmocka_unit_test(test_rsdp_old_alone),
		cmocka_unit_test(test_mem_total_unsorted_overlapping),
		cmocka_unit_test(test_mem_total_adjacent_and_nested),
		cmocka_unit_test(test_mem_total_unknown_types_are_reserved),
		cmocka_unit_test(test_mem_total_extremes),
		cmocka_unit_test(test_mem_total_of_parsed_map),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
