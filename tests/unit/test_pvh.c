/*
 * The PVH boot ABI: synthetic ELF files (ELF64 as vmlinux is, and ELF32)
 * whose PT_NOTE segments hold notes laid out as the gABI says, with names
 * and descriptors of odd lengths, padding to 4 or 8, truncations and
 * notes that only look like Xen's; and hvm_start_info read back field by
 * field at the ABI's offsets.
 */
#include "support.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/errno.h"
#include "vm/pvh.h"

#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))

/* ---- a fake ELF file ---- */

#define FILE_MAX	8192
#define NOTES_AT	0x400

static uint8_t file[FILE_MAX];
static size_t file_size;

struct seg {
	uint32_t type;
	uint64_t offset, filesz, align;
};

static void put16(size_t off, uint16_t v) { memcpy(file + off, &v, 2); }
static void put32(size_t off, uint32_t v) { memcpy(file + off, &v, 4); }
static void put64(size_t off, uint64_t v) { memcpy(file + off, &v, 8); }

/* ELF header and program headers, as gABI chapter 4 and 5 lay them out. */
static void elf_header(int is64, const struct seg *segs, size_t nseg)
{
	size_t phoff = is64 ? 64 : 52, phentsize = is64 ? 56 : 32;

	memset(file, 0, NOTES_AT);	/* the notes are the caller's */
	memcpy(file, "\x7f" "ELF", 4);
	file[4] = is64 ? 2 : 1;
	file[5] = 1;
	file[6] = 1;
	put16(16, 2);				/* ET_EXEC */
	put16(18, is64 ? 62 : 3);		/* EM_X86_64, EM_386 */
	put32(20, 1);
	if (is64) {
		put64(24, 0x1000000);
		put64(32, phoff);
		put16(52, 64);
		put16(54, (uint16_t)phentsize);
		put16(56, (uint16_t)nseg);
	} else {
		put32(24, 0x1000000);
		put32(28, (uint32_t)phoff);
		put16(40, 52);
		put16(42, (uint16_t)phentsize);
		put16(44, (uint16_t)nseg);
	}
	for (size_t i = 0; i < nseg; i++) {
		size_t p = phoff + i * phentsize;

		put32(p, segs[i].type);
		if (is64) {
			put64(p + 8, segs[i].offset);
			put64(p + 32, segs[i].filesz);
			put64(p + 40, segs[i].filesz);
			put64(p + 48, segs[i].align);
		} else {
			put32(p + 4, (uint32_t)segs[i].offset);
			put32(p + 16, (uint32_t)segs[i].filesz);
			put32(p + 20, (uint32_t)segs[i].filesz);
			put32(p + 28, (uint32_t)segs[i].align);
		}
	}
}

static size_t up(size_t x, size_t align)
{
	return (x + align - 1) / align * align;
}

/* Appends one note at *at (align-aligned from NOTES_AT): the 12-byte
 * header, the name, the descriptor at the next align boundary, the next
 * note at the one after it; namesz counts the name's NUL if it has one. */
static void note(size_t *at, const char *name, uint32_t namesz, uint32_t type,
		 const void *desc, uint32_t descsz, size_t align)
{
	size_t desc_at = up(12 + namesz, align);

	put32(*at, namesz);
	put32(*at + 4, descsz);
	put32(*at + 8, type);
	memcpy(file + *at + 12, name, namesz);
	memcpy(file + *at + desc_at, desc, descsz);
	*at += up(desc_at + descsz, align);
}

static const uint8_t build_id[20] = { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16,
				      17, 18, 19, 20 };
static const uint8_t entry8[8] = { 0x40, 0x12, 0x00, 0x01, 0, 0, 0, 0 };	/* 0x1001240 */
static const uint8_t entry4[4] = { 0x80, 0x56, 0x34, 0x02 };		/* 0x2345680 */

/* A vmlinux as Linux 6.1 writes one: a PT_LOAD, then the notes (build id,
 * Xen's other notes, then PHYS32_ENTRY with a pointer-sized descriptor). */
static void vmlinux(int is64, size_t align)
{
	size_t at = NOTES_AT;
	struct seg segs[] = { { 1, 0x200, 0x100, 0x200000 }, { 4, NOTES_AT, 0, align } };
	static const char linux_name[] = "Linux";	/* 6 with the NUL: padded */

	memset(file, 0, FILE_MAX);
	note(&at, "GNU", 4, 3, build_id, sizeof(build_id), align);
	note(&at, linux_name, sizeof(linux_name), 0x100, "6.1", 4, align);
	note(&at, "Xen", 4, 6, "linux", 6, align);		/* GUEST_OS */
	note(&at, "Xen", 4, 1, entry4, 4, align);		/* ENTRY: not ours */
	note(&at, "Xen", 4, 18, is64 ? entry8 : entry4, is64 ? 8 : 4, align);
	segs[1].filesz = at - NOTES_AT;
	elf_header(is64, segs, 2);
	file_size = at + 0x40;
}

static int find(uint32_t *entry)
{
	log_reset();
	*entry = 0xdeadbeef;
	return pvh_find_entry(file, file_size, entry);
}

static int setup(void **state)
{
	(void)state;
	log_reset();
	return 0;
}

/* ---- the note ---- */

static void test_finds_the_entry_in_an_elf64_vmlinux(void **state)
{
	uint32_t entry;

	(void)state;
	vmlinux(1, 4);
	assert_int_equal(find(&entry), 0);
	assert_int_equal(entry, 0x1001240);
	assert_string_equal(unit_log, "");
}

static void test_finds_a_4_byte_entry_in_elf32(void **state)
{
	uint32_t entry;

	(void)state;
	vmlinux(0, 4);
	assert_int_equal(find(&entry), 0);
	assert_int_equal(entry, 0x2345680);
}

/* A segment aligned to 8 pads names and descriptors to 8: read with 4,
 * the same bytes would put the descriptors elsewhere. */
static void test_notes_padded_to_8(void **state)
{
	uint32_t entry;

	(void)state;
	vmlinux(1, 8);
	assert_int_equal(find(&entry), 0);
	assert_int_equal(entry, 0x1001240);
	put64(64 + 56 + 48, 4);		/* the same notes, declared 4-aligned */
	assert_int_not_equal(find(&entry), 0);
}

static void test_note_in_a_later_segment(void **state)
{
	struct seg segs[] = {
		{ 4, 0x300, 16, 4 }, { 1, 0x200, 0x100, 0x1000 }, { 4, NOTES_AT, 0, 4 },
	};
	size_t at = NOTES_AT, first = 0x300;
	uint32_t entry;

	(void)state;
	elf_header(1, segs, 3);
	note(&first, "ABC", 4, 18, "", 0, 4);		/* type 18, other owner */
	note(&at, "Xen", 4, 18, entry4, 4, 4);
	segs[2].filesz = at - NOTES_AT;
	put64(64 + 2 * 56 + 32, segs[2].filesz);
	file_size = 0x800;
	assert_int_equal(find(&entry), 0);
	assert_int_equal(entry, 0x2345680);
}

static void test_lookalike_notes_do_not_count(void **state)
{
	struct seg segs[] = { { 4, NOTES_AT, 0, 4 } };
	size_t at = NOTES_AT;
	uint32_t entry;

	(void)state;
	elf_header(1, segs, 1);
	note(&at, "Xen", 3, 18, entry4, 4, 4);		/* no NUL in namesz */
	note(&at, "Xen\0", 5, 18, entry4, 4, 4);	/* one too many */
	note(&at, "Xem", 4, 18, entry4, 4, 4);
	note(&at, "Xen", 4, 17, entry4, 4, 4);
	put64(64 + 32, at - NOTES_AT);
	file_size = at + 3;	/* with 3 stray bytes after the segment */
	assert_int_equal(find(&entry), -ENOENT);
	assert_int_equal(entry, 0xdeadbeef);
	assert_string_equal(unit_log, "");
}

static void test_trailing_padding_is_not_a_note(void **state)
{
	struct seg segs[] = { { 4, NOTES_AT, 0, 4 } };
	size_t at = NOTES_AT;
	uint32_t entry;

	(void)state;
	elf_header(1, segs, 1);
	note(&at, "GNU", 4, 3, build_id, 20, 4);
	put64(64 + 32, at - NOTES_AT + 11);	/* 11 bytes: less than a header */
	file_size = at + 64;
	assert_int_equal(find(&entry), -ENOENT);
	assert_string_equal(unit_log, "");
}

static void test_note_less_elf_is_silent(void **state)
{
	struct seg segs[] = { { 1, 0x200, 0x100, 0x1000 } };
	uint32_t entry;

	(void)state;
	elf_header(1, segs, 1);
	file_size = 0x300;
	assert_int_equal(find(&entry), -ENOENT);
	elf_header(1, segs, 0);		/* no program headers at all */
	assert_int_equal(find(&entry), -ENOENT);
	assert_string_equal(unit_log, "");
}

static void test_not_an_elf_file_is_silent(void **state)
{
	uint32_t entry;

	(void)state;
	vmlinux(1, 4);
	file[0] = 0x7e;
	assert_int_equal(find(&entry), -ENOEXEC);
	vmlinux(1, 4);
	put16(18, 40);			/* EM_ARM */
	assert_int_equal(find(&entry), -ENOEXEC);
	vmlinux(1, 4);
	file_size = 63;			/* shorter than an ELF64 header */
	assert_int_equal(find(&entry), -ENOEXEC);
	assert_string_equal(unit_log, "");
}

static void test_truncated_notes_are_refused(void **state)
{
	struct seg segs[] = { { 4, NOTES_AT, 0, 4 } };
	size_t at = NOTES_AT;
	uint32_t entry;

	(void)state;
	elf_header(1, segs, 1);
	note(&at, "Xen", 4, 18, entry8, 8, 4);
	put64(64 + 32, at - NOTES_AT - 1);	/* the descriptor's last byte is out */
	file_size = 0x800;
	assert_int_equal(find(&entry), -EINVAL);
	assert_log_contains("skiff: pvh: truncated note at 0x400");
	/* A name size that would wrap a 32-bit sum. */
	put32(NOTES_AT, 0xfffffffe);
	put64(64 + 32, at - NOTES_AT);
	assert_int_equal(find(&entry), -EINVAL);
	assert_log_contains("name 4294967294");
	put32(NOTES_AT, 4);
	put32(NOTES_AT + 4, 0xffffffff);
	assert_int_equal(find(&entry), -EINVAL);
}

static void test_segments_past_the_file_are_refused(void **state)
{
	uint32_t entry;

	(void)state;
	vmlinux(1, 4);
	put64(64 + 56 + 8, file_size - 8);	/* PT_NOTE's offset */
	assert_int_equal(find(&entry), -EINVAL);
	assert_log_contains("PT_NOTE program header 1");
	vmlinux(1, 4);
	put64(64 + 56 + 8, ~0ull - 4);
	assert_int_equal(find(&entry), -EINVAL);
	vmlinux(1, 4);
	put64(32, file_size - 100);		/* e_phoff: the table runs out */
	assert_int_equal(find(&entry), -EINVAL);
	assert_log_contains("program header table");
	vmlinux(1, 4);
	put16(54, 40);				/* e_phentsize too small */
	assert_int_equal(find(&entry), -EINVAL);
}

static void test_bad_descriptors_are_refused(void **state)
{
	struct seg segs[] = { { 4, NOTES_AT, 0, 4 } };
	static const uint8_t high[8] = { 0, 0x10, 0, 0, 1, 0, 0, 0 };
	size_t at = NOTES_AT;
	uint32_t entry;

	(void)state;
	elf_header(1, segs, 1);
	note(&at, "Xen", 4, 18, high, 8, 4);
	put64(64 + 32, at - NOTES_AT);
	file_size = 0x800;
	assert_int_equal(find(&entry), -ERANGE);
	assert_log_contains("0x100001000 is above 4 GiB");
	assert_int_equal(entry, 0xdeadbeef);		/* set only on success */
	at = NOTES_AT;
	note(&at, "Xen", 4, 18, high, 6, 4);
	put64(64 + 32, at - NOTES_AT);
	assert_int_equal(find(&entry), -EINVAL);
	assert_log_contains("6-byte descriptor");
}

/* ---- the start info ---- */

#define BUF_PA		0x7000
#define BUF_MAX		1024
static uint8_t buf[BUF_MAX];

static const struct hvm_memmap_table_entry map[] = {
	{ 0x0, 0x9fc00, 1, 0x55 }, { 0x100000, 0xef00000, 1, 0 }, { 0xf000000, 0x200000, 2, 0 },
};
static const struct pvh_module mods[] = {
	{ 0x2000000, 0x123456, 0x8000 }, { 0x3000000, 0x10, 0 },
};

static uint64_t get64(size_t off)
{
	uint64_t v;

	memcpy(&v, buf + off, 8);
	return v;
}

static uint32_t get32(size_t off)
{
	uint32_t v;

	memcpy(&v, buf + off, 4);
	return v;
}

static void assert_buf_from(size_t from, uint8_t c)
{
	for (size_t i = from; i < BUF_MAX; i++)
		if (buf[i] != c)
			fail_msg("buffer byte %zu is 0x%02x, not 0x%02x", i, buf[i], c);
}

static void test_start_info_layout(void **state)
{
	uint64_t pa = 0;

	(void)state;
	memset(buf, 0xcc, sizeof(buf));
	assert_int_equal(pvh_start_info_build(buf, BUF_MAX, BUF_PA, map, 3, 0x9000, mods, 2,
					      0xf5a40, &pa), 0);
	assert_int_equal(pa, BUF_PA);
	assert_int_equal(get32(0), 0x336ec578);
	assert_int_equal(get32(4), 1);
	assert_int_equal(get32(8), 0);
	assert_int_equal(get32(12), 2);
	assert_int_equal(get64(16), BUF_PA + 56);		/* modlist_paddr */
	assert_int_equal(get64(24), 0x9000);			/* cmdline_paddr */
	assert_int_equal(get64(32), 0xf5a40);			/* rsdp_paddr */
	assert_int_equal(get64(40), BUF_PA + 56 + 64);		/* memmap_paddr */
	assert_int_equal(get32(48), 3);
	assert_int_equal(get32(52), 0);
	assert_int_equal(get64(56), 0x2000000);
	assert_int_equal(get64(64), 0x123456);
	assert_int_equal(get64(72), 0x8000);
	assert_int_equal(get64(80), 0);
	assert_int_equal(get64(88), 0x3000000);
	assert_int_equal(get64(120 + 24), 0x100000);
	assert_int_equal(get64(120 + 32), 0xef00000);
	assert_int_equal(get32(120 + 40), 1);
	assert_int_equal(get32(120 + 20), 0);			/* reserved, cleared */
	assert_int_equal(get32(120 + 2 * 24 + 16), 2);
	assert_buf_from(120 + 3 * 24, 0xcc);
	assert_string_equal(unit_log, "");
}

static void test_start_info_without_modules(void **state)
{
	uint64_t pa = 0;

	(void)state;
	memset(buf, 0xcc, sizeof(buf));
	assert_int_equal(pvh_start_info_build(buf, 56 + 24, BUF_PA, map, 1, 0, NULL, 0, 0, &pa), 0);
	assert_int_equal(get32(12), 0);
	assert_int_equal(get64(16), 0);
	assert_int_equal(get64(40), BUF_PA + 56);
	assert_buf_from(56 + 24, 0xcc);
}

static void test_start_info_refusals_write_nothing(void **state)
{
	uint64_t pa = 0x1234;

	(void)state;
	memset(buf, 0xcc, sizeof(buf));
	assert_int_equal(pvh_start_info_build(buf, 56 + 64 + 72 - 1, BUF_PA, map, 3, 0, mods, 2,
					      0, &pa), -ENOSPC);
	assert_log_contains("skiff: pvh: the start info with 2 modules and 3 map entries");
	assert_int_equal(pvh_start_info_build(buf, BUF_MAX, BUF_PA + 4, map, 3, 0, mods, 2, 0, &pa),
			 -EINVAL);
	assert_int_equal(pvh_start_info_build(buf, BUF_MAX, BUF_PA, map, 0, 0, mods, 2, 0, &pa),
			 -EINVAL);
	assert_log_contains("no memory map");
	assert_int_equal(pvh_start_info_build(buf, BUF_MAX, 0x100000000ull - 64, map, 3, 0, mods, 2,
					      0, &pa), -ERANGE);
	assert_int_equal(pvh_start_info_build(buf, BUF_MAX, 0x100000000ull, map, 3, 0, mods, 2,
					      0, &pa), -ERANGE);
	assert_int_equal(pvh_start_info_build(buf, BUF_MAX, BUF_PA, map, 3, 0, mods,
					      SIZE_MAX / 16, 0, &pa), -ENOSPC);
	assert_int_equal(pvh_start_info_build(buf, BUF_MAX, BUF_PA, map, SIZE_MAX / 8, 0, mods, 2,
					      0, &pa), -ENOSPC);
	assert_int_equal(pa, 0x1234);
	assert_buf_from(0, 0xcc);
	/* Exactly enough, ending at 4 GiB. */
	assert_int_equal(pvh_start_info_build(buf, 56 + 64 + 72, 0x100000000ull - (56 + 64 + 72),
					      map, 3, 0, mods, 2, 0, &pa), 0);
	assert_int_equal(pa, 0x100000000ull - (56 + 64 + 72));
}

#define T(t) cmocka_unit_test_setup(t, setup)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_finds_the_entry_in_an_elf64_vmlinux),
		T(test_finds_a_4_byte_entry_in_elf32),
		T(test_notes_padded_to_8),
		T(test_note_in_a_later_segment),
		T(test_lookalike_notes_do_not_count),
		T(test_trailing_padding_is_not_a_note),
		T(test_note_less_elf_is_silent),
		T(test_not_an_elf_file_is_silent),
		T(test_truncated_notes_are_refused),
		T(test_segments_past_the_file_are_refused),
		T(test_bad_descriptors_are_refused),
		T(test_start_info_layout),
		T(test_start_info_without_modules),
		T(test_start_info_refusals_write_nothing),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
