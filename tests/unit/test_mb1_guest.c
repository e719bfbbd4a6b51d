/*
 * Multiboot 1 guests (kernel/vm/mb1_load.c, mb1_guest.c) and the guest's
 * own modules (guest_modules.c): headers and images built here byte by
 * byte, loaded into a host buffer that stands in for guest RAM.  A sound
 * header is found where 0.6.96 3.1.1 puts it and nowhere else; a required
 * flag skiff lacks, a bad checksum, and a.out fields that contradict the
 * file or guest RAM are refused with one line and leave guest memory as it
 * was; the information reads back as the specification's 3.3 lays it out,
 * with the very memory map the Multiboot2 builder writes.
 */
#include "support.h"

#include <stdlib.h>
#include <string.h>

#include "boot/multiboot1.h"
#include "lib/errno.h"
#include "vm/elf_load.h"
#include "vm/guest_modules.h"
#include "vm/mb1_guest.h"
#include "vm/mb1_load.h"
#include "vm/mb2_guest.h"

#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))
#define MIB		(1ull << 20)
#define GIB		(1ull << 30)
#define R(b, e)		((struct phys_range){ (b), (e) })

/* ---- guest RAM: a host buffer for guest-physical 0..4 MiB, of which
 * 1 MiB..1.5 MiB, one page at 0x181000 and 2..4 MiB are the guest's ---- */

#define GUEST_SPAN	(4 * MIB)
#define GUEST_FILL	0xaa

static const struct phys_range guest_ranges[] = {
	R(1 * MIB, 0x180000), R(0x181000, 0x182000), R(2 * MIB, GUEST_SPAN),
};
static uint8_t *guest;
static struct guest_mem gmem;
static struct guest_image gi;

/* The image under test: a file of up to 64 KiB. */
#define IMAGE_MAX	(64 * 1024)
static uint8_t image[IMAGE_MAX];
static size_t image_size;

static int group_setup(void **state)
{
	(void)state;
	guest = malloc(GUEST_SPAN);
	return guest ? 0 : -1;
}

static int group_teardown(void **state)
{
	(void)state;
	free(guest);
	return 0;
}

static int setup(void **state)
{
	(void)state;
	memset(guest, GUEST_FILL, GUEST_SPAN);
	memset(image, 0, sizeof(image));
	image_size = 0;
	gmem = (struct guest_mem){ guest_ranges, ARRAY_SIZE(guest_ranges), (uintptr_t)guest };
	memset(&gi, 0, sizeof(gi));
	log_reset();
	return 0;
}

static void assert_guest_untouched(void)
{
	for (size_t i = 0; i < GUEST_SPAN; i++)
		if (guest[i] != GUEST_FILL)
			fail_msg("guest memory changed at 0x%zx", i);
}

static uint8_t *at(uint64_t gpa)
{
	return guest + gpa;
}

/* ---- building headers ---- */

static void put32(size_t off, uint32_t v)
{
	memcpy(image + off, &v, 4);
}

/* A header at off with flags and a checksum that holds (or is off by
 * skew); the a.out fields from a, when given. */
static void put_header(size_t off, uint32_t flags, uint32_t skew, const uint32_t *a)
{
	put32(off, MB1_HEADER_MAGIC);
	put32(off + 4, flags);
	put32(off + 8, -(MB1_HEADER_MAGIC + flags) + skew);
	for (int i = 0; a && i < 5; i++)
		put32(off + 12 + 4 * (size_t)i, a[i]);
}

/* ---- the header finder (3.1.1, 3.1.2) ---- */

static void test_header_at_the_start_is_found(void **state)
{
	struct mb1_found f;

	(void)state;
	image_size = 64;
	put_header(0, MB1_HEADER_PAGE_ALIGN | MB1_HEADER_MEMORY_INFO, 0, NULL);
	assert_true(mb1_header_present(image, image_size));
	assert_int_equal(mb1_find_header(image, image_size, &f), 0);
	assert_int_equal(f.offset, 0);
	assert_int_equal(f.h.flags, 3);
	assert_string_equal(unit_log, "");
}

static void test_last_aligned_place_in_8k_is_found(void **state)
{
	struct mb1_found f;

	(void)state;
	image_size = 16384;
	put_header(8192 - 12, 0, 0, NULL);
	assert_int_equal(mb1_find_header(image, image_size, &f), 0);
	assert_int_equal(f.offset, 8192 - 12);
}

static void test_header_past_8k_is_not_found(void **state)
{
	struct mb1_found f;

	(void)state;
	image_size = 16384;
	put_header(8192 - 8, 0, 0, NULL);	/* ends past 8192 */
	put_header(8192, 0, 0, NULL);
	assert_false(mb1_header_present(image, image_size));
	assert_int_equal(mb1_find_header(image, image_size, &f), -ENOEXEC);
	assert_log_contains("not a Multiboot 1 kernel: no header (magic 0x1badb002)");
}

static void test_misaligned_magic_is_not_a_header(void **state)
{
	struct mb1_found f;

	(void)state;
	image_size = 256;
	put_header(2, 0, 0, NULL);
	assert_false(mb1_header_present(image, image_size));
	assert_int_equal(mb1_find_header(image, image_size, &f), -ENOEXEC);
}

static void test_bad_checksum_is_refused(void **state)
{
	struct mb1_found f;

	(void)state;
	image_size = 256;
	put_header(16, 3, 1, NULL);
	assert_true(mb1_header_present(image, image_size));
	assert_int_equal(mb1_find_header(image, image_size, &f), -ENOEXEC);
	assert_log_contains("the header at offset 0x10 has a bad checksum "
			    "(magic + flags + checksum = 0x1, not 0)");
}

static void test_stray_magic_before_the_header_is_skipped(void **state)
{
	struct mb1_found f;

	(void)state;
	image_size = 256;
	put_header(8, 3, 7, NULL);
	put_header(64, 3, 0, NULL);
	assert_int_equal(mb1_find_header(image, image_size, &f), 0);
	assert_int_equal(f.offset, 64);
}

static void test_video_mode_requirement_is_refused(void **state)
{
	struct mb1_found f;

	(void)state;
	image_size = 256;
	put_header(0, MB1_HEADER_VIDEO_MODE | 3, 0, NULL);
	assert_int_equal(mb1_find_header(image, image_size, &f), -ENOTSUP);
	assert_log_contains("requires a video mode (flags bit 2)");
}

static void test_unknown_required_flag_is_refused(void **state)
{
	struct mb1_found f;

	(void)state;
	image_size = 256;
	put_header(0, (1u << 9) | 3, 0, NULL);
	assert_int_equal(mb1_find_header(image, image_size, &f), -ENOTSUP);
	assert_log_contains("requires flags 0x200, which skiff does not know");
}

static void test_unknown_optional_flag_is_ignored(void **state)
{
	struct mb1_found f;

	(void)state;
	image_size = 256;
	put_header(0, (1u << 20) | 3, 0, NULL);
	assert_int_equal(mb1_find_header(image, image_size, &f), 0);
}

static void test_aout_header_cut_by_the_file_end_is_refused(void **state)
{
	struct mb1_found f;

	(void)state;
	image_size = 24;
	put_header(0, MB1_HEADER_AOUT_KLUDGE, 0, NULL);
	assert_int_equal(mb1_find_header(image, image_size, &f), -EINVAL);
	assert_log_contains("is 32 bytes and ends past the end of the image");
}

/* ---- the a.out kludge (3.1.3) ---- */

#define LOAD	0x100000u
#define HDR_OFF	0x40u

/* A file of size bytes, byte i = i & 0xff past the header, whose header at
 * HDR_OFF says: load it all at LOAD, bss to LOAD + bss, entry LOAD + 0x80. */
static void aout_image(size_t size, uint32_t load_end, uint32_t bss_end)
{
	const uint32_t a[5] = { LOAD + HDR_OFF, LOAD, load_end, bss_end, LOAD + 0x80 };

	image_size = size;
	for (size_t i = 0; i < size; i++)
		image[i] = (uint8_t)i;
	put_header(HDR_OFF, 3 | MB1_HEADER_AOUT_KLUDGE, 0, a);
}

static int aout_load(void)
{
	struct mb1_found f;

	return mb1_load_guest(image, image_size, &gmem, &gi, &f);
}

static void test_aout_loads_bytes_and_zeroes_bss(void **state)
{
	(void)state;
	aout_image(0x1000, LOAD + 0x800, LOAD + 0x3000);
	assert_int_equal(aout_load(), 0);
	assert_string_equal(unit_log, "");
	assert_memory_equal(at(LOAD), image, 0x800);
	for (uint64_t a = LOAD + 0x800; a < LOAD + 0x3000; a++)
		assert_int_equal(*at(a), 0);
	assert_int_equal(*at(LOAD + 0x3000), GUEST_FILL);
	assert_int_equal(*at(LOAD - 1), GUEST_FILL);
	assert_int_equal(gi.entry, LOAD + 0x80);
	assert_int_equal(gi.load_base, LOAD);
	assert_int_equal(gi.load_end, LOAD + 0x3000);
	assert_int_equal(gi.elf_class, 0);
}

static void test_aout_load_end_0_means_the_whole_file(void **state)
{
	(void)state;
	aout_image(0x1234, 0, 0);
	assert_int_equal(aout_load(), 0);
	assert_memory_equal(at(LOAD), image, 0x1234);
	assert_int_equal(gi.load_end, LOAD + 0x1234);
	assert_int_equal(*at(LOAD + 0x1234), GUEST_FILL);
}

/* The text starts before the header in the file: the header is HDR_OFF
 * bytes in, so header_addr - load_addr may be at most HDR_OFF. */
static void test_aout_file_offset_follows_header_addr(void **state)
{
	const uint32_t a[5] = { LOAD + 0x10, LOAD, LOAD + 0x100, 0, LOAD };

	(void)state;
	aout_image(0x1000, 0, 0);
	put_header(HDR_OFF, 3 | MB1_HEADER_AOUT_KLUDGE, 0, a);
	assert_int_equal(aout_load(), 0);
	/* The file's byte HDR_OFF - 0x10 lands at LOAD. */
	assert_memory_equal(at(LOAD), image + HDR_OFF - 0x10, 0x100);
}

static void test_aout_text_before_the_file_is_refused(void **state)
{
	const uint32_t a[5] = { LOAD + HDR_OFF + 4, LOAD, 0, 0, LOAD };

	(void)state;
	aout_image(0x1000, 0, 0);
	put_header(HDR_OFF, 3 | MB1_HEADER_AOUT_KLUDGE, 0, a);
	assert_int_equal(aout_load(), -EINVAL);
	assert_log_contains("the text would start before the file");
	assert_guest_untouched();
}

static void test_aout_load_addr_above_header_addr_is_refused(void **state)
{
	const uint32_t a[5] = { LOAD, LOAD + 0x1000, 0, 0, LOAD + 0x1000 };

	(void)state;
	aout_image(0x1000, 0, 0);
	put_header(HDR_OFF, 3 | MB1_HEADER_AOUT_KLUDGE, 0, a);
	assert_int_equal(aout_load(), -EINVAL);
	assert_log_contains("load_addr 0x101000 lies above header_addr 0x100000");
	assert_guest_untouched();
}

static void test_aout_load_end_not_above_load_is_refused(void **state)
{
	(void)state;
	aout_image(0x1000, LOAD, 0);
	assert_int_equal(aout_load(), -EINVAL);
	assert_log_contains("load_end_addr 0x100000 is not above load_addr 0x100000");
	assert_guest_untouched();
}

static void test_aout_load_past_the_file_is_refused(void **state)
{
	(void)state;
	aout_image(0x1000, LOAD + 0x1001, 0);
	assert_int_equal(aout_load(), -EINVAL);
	assert_log_contains("needs 0x1001 bytes from file offset 0x0; the 4096-byte file has 0x1000");
	assert_guest_untouched();
}

static void test_aout_header_outside_the_loaded_bytes_is_refused(void **state)
{
	(void)state;
	aout_image(0x1000, LOAD + HDR_OFF + 16, 0);
	assert_int_equal(aout_load(), -EINVAL);
	assert_log_contains("is not within the loaded 0x100000..0x100050");
	assert_guest_untouched();
}

static void test_aout_bss_end_below_load_end_is_refused(void **state)
{
	(void)state;
	aout_image(0x1000, LOAD + 0x800, LOAD + 0x7ff);
	assert_int_equal(aout_load(), -EINVAL);
	assert_log_contains("bss_end_addr 0x1007ff lies below the end of the loaded bytes 0x100800");
	assert_guest_untouched();
}

static void test_aout_bss_into_skiffs_memory_is_refused(void **state)
{
	(void)state;
	/* 0x180000..0x181000 is not guest RAM. */
	aout_image(0x1000, 0, 0x180001);
	assert_int_equal(aout_load(), -EFAULT);
	assert_log_contains("0x100000..0x180001 is not all guest RAM");
	assert_guest_untouched();
}

static void test_aout_entry_outside_the_loaded_bytes_is_refused(void **state)
{
	const uint32_t a[5] = { LOAD + HDR_OFF, LOAD, LOAD + 0x800, LOAD + 0x1000, LOAD + 0x800 };

	(void)state;
	aout_image(0x1000, 0, 0);
	put_header(HDR_OFF, 3 | MB1_HEADER_AOUT_KLUDGE, 0, a);
	assert_int_equal(aout_load(), -EINVAL);
	assert_log_contains("entry_addr 0x100800 is not within the loaded 0x100000..0x100800");
	assert_guest_untouched();
}

static void test_aout_reaching_past_4g_is_refused(void **state)
{
	const uint32_t a[5] = { 0xfffff000u + HDR_OFF, 0xfffff000u, 0, 0, 0xfffff000u };

	(void)state;
	aout_image(0x2000, 0, 0);
	put_header(HDR_OFF, 3 | MB1_HEADER_AOUT_KLUDGE, 0, a);
	assert_int_equal(aout_load(), -ERANGE);
	assert_log_contains("reaches above 4 GiB");
	assert_guest_untouched();
}

/* ---- an ELF with a Multiboot 1 header and no Multiboot2 one ---- */

static void elf_image(uint32_t mb1_flags)
{
	struct elf32_ehdr eh = {
		.e_ident = { ELFMAG0, ELFMAG1, ELFMAG2, ELFMAG3, ELFCLASS32, ELFDATA2LSB, EV_CURRENT },
		.e_type = ET_EXEC, .e_machine = EM_386, .e_version = EV_CURRENT,
		.e_entry = LOAD + 0x10, .e_phoff = sizeof(eh), .e_ehsize = sizeof(eh),
		.e_phentsize = sizeof(struct elf32_phdr), .e_phnum = 1,
	};
	struct elf32_phdr ph = {
		.p_type = PT_LOAD, .p_offset = 0x1000, .p_vaddr = LOAD, .p_paddr = LOAD,
		.p_filesz = 0x100, .p_memsz = 0x2000, .p_flags = PF_R | PF_X,
	};

	image_size = 0x1100;
	memcpy(image, &eh, sizeof(eh));
	memcpy(image + sizeof(eh), &ph, sizeof(ph));
	for (size_t i = 0x1000; i < image_size; i++)
		image[i] = (uint8_t)(i * 7);
	put_header(0x1000, mb1_flags, 0, NULL);
}

static void test_elf_without_aout_flag_loads_as_elf(void **state)
{
	struct mb1_found f;

	(void)state;
	elf_image(3);
	assert_int_equal(mb1_load_guest(image, image_size, &gmem, &gi, &f), 0);
	assert_int_equal(f.offset, 0x1000);
	assert_int_equal(gi.elf_class, ELFCLASS32);
	assert_int_equal(gi.entry, LOAD + 0x10);
	assert_memory_equal(at(LOAD), image + 0x1000, 0x100);
	assert_int_equal(*at(LOAD + 0x100), 0);
	assert_int_equal(*at(LOAD + 0x1fff), 0);
	assert_int_equal(*at(LOAD + 0x2000), GUEST_FILL);
}

static void test_bad_elf_under_a_sound_header_is_refused(void **state)
{
	struct mb1_found f;

	(void)state;
	elf_image(3);
	image[EI_CLASS] = 9;
	assert_int_equal(mb1_load_guest(image, image_size, &gmem, &gi, &f), -ENOEXEC);
	assert_log_contains("ELF class 9");
	assert_guest_untouched();
}

/* ---- the guest's modules ---- */

static void test_modules_go_page_aligned_after_min_skipping_holes(void **state)
{
	static const uint8_t a[0x3000] = { 1, 2, 3 }, b[10] = { 9, 8, 7 };
	struct guest_module m[] = {
		{ .data = a, .size = sizeof(a), .cmdline = "a" },
		{ .data = b, .size = sizeof(b), .cmdline = "b" },
		{ .data = b, .size = 0, .cmdline = "empty" },
	};
	uint64_t end = 0;

	(void)state;
	/* a fills 0x17d000..0x180000, b the page at 0x181000; the empty
	 * one needs a byte of guest RAM to point at, the next range. */
	assert_int_equal(guest_modules_place(&gmem, 0x17c001, m, ARRAY_SIZE(m), &end), 0);
	assert_int_equal(m[0].gpa, 0x17d000);
	assert_int_equal(m[1].gpa, 0x181000);
	assert_int_equal(m[2].gpa, 2 * MIB);	/* 0x182000 is not guest RAM */
	assert_int_equal(end, 2 * MIB);
	assert_int_equal(guest_modules_copy(&gmem, m, ARRAY_SIZE(m)), 0);
	assert_memory_equal(at(0x17d000), a, sizeof(a));
	assert_memory_equal(at(0x181000), b, sizeof(b));
	assert_int_equal(*at(0x181000 + sizeof(b)), GUEST_FILL);
	assert_string_equal(unit_log, "");
}

static void test_module_too_big_for_guest_ram_is_refused(void **state)
{
	static const uint8_t a[16];
	struct guest_module m[] = {
		{ .data = a, .size = 3 * MIB, .cmdline = "huge" },
	};
	uint64_t end = 0;

	(void)state;
	assert_int_equal(guest_modules_place(&gmem, 0, m, 1, &end), -ENOMEM);
	assert_log_contains("no room for module 0 (\"huge\", 3145728 bytes)");
}

static void test_module_copy_checks_all_before_copying(void **state)
{
	static const uint8_t a[16] = { 1 };
	struct guest_module m[] = {
		{ .data = a, .size = sizeof(a), .cmdline = "ok", .gpa = 2 * MIB },
		{ .data = a, .size = sizeof(a), .cmdline = "bad", .gpa = 0x180ff8 },
	};

	(void)state;
	assert_int_equal(guest_modules_copy(&gmem, m, 2), -EFAULT);
	assert_log_contains("module 1 at 0x180ff8, 16 bytes, is not all guest RAM");
	assert_guest_untouched();
}

/* ---- the information (3.3) ---- */

static struct mem_range map[8];
static struct phys_range kept[4];
static struct mb2_guest_input in;
static const struct guest_module info_mods[] = {
	{ .size = 0x2345, .cmdline = "initrd", .gpa = 0x200000 },
	{ .size = 7, .cmdline = NULL, .gpa = 0x203000 },
};

static void info_input(void)
{
	map[0] = (struct mem_range){ 0, 0x9fc00, MEM_USABLE };
	map[1] = (struct mem_range){ 0xf0000, 0x10000, MEM_RESERVED };
	map[2] = (struct mem_range){ 0x100000, 0x300000, MEM_USABLE };
	map[3] = (struct mem_range){ 0xfec00000, 0x1000, MEM_ACPI_NVS };
	kept[0] = R(0x180000, 0x181000);
	kept[1] = R(0x182000, 0x200000);
	in = (struct mb2_guest_input){
		.mem = &gmem, .mmap = map, .mmap_count = 4, .kept = kept, .kept_count = 2,
		.cmdline = "mb1 quiet", .loader_name = MB2_GUEST_LOADER_NAME,
		.modules = info_mods, .module_count = ARRAY_SIZE(info_mods),
	};
}

static uint32_t rd32(uint64_t gpa)
{
	uint32_t v;

	memcpy(&v, at(gpa), 4);
	return v;
}

static uint64_t rd64(uint64_t gpa)
{
	uint64_t v;

	memcpy(&v, at(gpa), 8);
	return v;
}

static const char *rdstr(uint32_t gpa)
{
	return (const char *)at(gpa);
}

struct collected {
	struct mb2_mmap_entry e[16];
	size_t n;
};

static void collect(void *ctx, const struct mb2_mmap_entry *e)
{
	struct collected *c = ctx;

	assert_true(c->n < ARRAY_SIZE(c->e));
	c->e[c->n++] = *e;
}

static void test_info_reads_back_as_3_3_lays_it_out(void **state)
{
	const uint64_t gpa = 0x300000;
	struct mb1_info info;
	struct collected want = { .n = 0 };
	int n;

	(void)state;
	info_input();
	n = mb1_guest_build(&in, gpa, 0x1000);
	assert_int_equal(n, (int)mb1_guest_size(&in));
	assert_string_equal(unit_log, "");
	memcpy(&info, at(gpa), sizeof(info));
	assert_int_equal(info.flags, MB1_INFO_MEMORY | MB1_INFO_CMDLINE | MB1_INFO_MODS |
			 MB1_INFO_MEM_MAP | MB1_INFO_BOOT_LOADER_NAME);
	/* Below 1 MiB nothing is guest RAM; from 1 MiB to skiff's page. */
	assert_int_equal(info.mem_lower, 0);
	assert_int_equal(info.mem_upper, 512);
	assert_string_equal(rdstr(info.cmdline), "mb1 quiet");
	assert_string_equal(rdstr(info.boot_loader_name), MB2_GUEST_LOADER_NAME);
	assert_int_equal(info.boot_device, 0);
	assert_int_equal(info.syms[0] | info.drives_addr | info.config_table | info.apm_table, 0);
	/* Modules: start, one past the end, the string, 0. */
	assert_int_equal(info.mods_count, 2);
	assert_int_equal(rd32(info.mods_addr), 0x200000);
	assert_int_equal(rd32(info.mods_addr + 4), 0x202345);
	assert_string_equal(rdstr(rd32(info.mods_addr + 8)), "initrd");
	assert_int_equal(rd32(info.mods_addr + 12), 0);
	assert_int_equal(rd32(info.mods_addr + 16), 0x203000);
	assert_int_equal(rd32(info.mods_addr + 20), 0x203007);
	assert_string_equal(rdstr(rd32(info.mods_addr + 24)), "");
	/* The map: size 20 then base, length, type; the Multiboot2 map's entries. */
	mb2_guest_map_walk(&in, collect, &want);
	/* 0..0x9fc00 and 0xf0000..1 MiB reserved (not guest RAM), then RAM,
	 * skiff's page, RAM, skiff's range, RAM, the NVS page: 8. */
	assert_int_equal(want.n, 8);
	assert_int_equal(info.mmap_length, want.n * 24);
	for (size_t i = 0; i < want.n; i++) {
		uint64_t e = info.mmap_addr + i * 24;

		assert_int_equal(rd32(e), 20);
		assert_int_equal(rd64(e + 4), want.e[i].base_addr);
		assert_int_equal(rd64(e + 12), want.e[i].length);
		assert_int_equal(rd32(e + 20), want.e[i].type);
	}
	assert_int_equal(rd64(info.mmap_addr + 4 + 24 * 2), 0x100000);
	assert_int_equal(rd32(info.mmap_addr + 20 + 24 * 2), MB1_MEMORY_AVAILABLE);
	assert_int_equal(rd32(info.mmap_addr + 20 + 24 * 3), MB1_MEMORY_RESERVED);
	/* Everything inside [gpa, gpa + n), nothing after. */
	assert_true(info.mmap_addr + info.mmap_length <= gpa + (uint64_t)n);
	assert_int_equal(*at(gpa + (uint64_t)n), GUEST_FILL);
	assert_int_equal(*at(gpa - 1), GUEST_FILL);
}

static void test_info_too_small_space_is_refused(void **state)
{
	(void)state;
	info_input();
	assert_int_equal(mb1_guest_build(&in, 0x300000, mb1_guest_size(&in) - 1), -ENOSPC);
	assert_log_contains("the Multiboot 1 information needs");
	assert_guest_untouched();
}

static void test_info_outside_guest_ram_is_refused(void **state)
{
	(void)state;
	info_input();
	assert_int_equal(mb1_guest_build(&in, 0x181000, 0x1001), -EFAULT);
	assert_log_contains("is not all guest RAM");
	assert_int_equal(mb1_guest_build(&in, 0x300002, 0x1000), -EINVAL);
	assert_log_contains("is not 4-byte aligned");
	assert_guest_untouched();
}

static void test_info_module_above_4g_is_refused(void **state)
{
	const struct guest_module high = { .size = 2, .gpa = 4 * GIB - 1 };

	(void)state;
	info_input();
	in.modules = &high;
	in.module_count = 1;
	assert_int_equal(mb1_guest_build(&in, 0x300000, 0x1000), -ERANGE);
	assert_guest_untouched();
}

/* mod_end is one past the last byte: a module ending at 4 GiB would have
 * an end of 0 in the 32-bit field (a fuzz finding). */
static void test_info_module_ending_at_4g_is_refused(void **state)
{
	const struct guest_module top = { .size = 0x1000, .gpa = 4 * GIB - 0x1000 };

	(void)state;
	info_input();
	in.modules = &top;
	in.module_count = 1;
	assert_int_equal(mb1_guest_build(&in, 0x300000, 0x1000), -ERANGE);
	assert_guest_untouched();
}

static void test_info_setup_places_a_page_above_min(void **state)
{
	uint64_t gpa = 0;

	(void)state;
	info_input();
	assert_int_equal(mb1_guest_setup(&in, 0x17f001, &gpa), 0);
	/* 0x180000 leaves no room; the page at 0x181000 has it. */
	assert_int_equal(gpa, 0x181000);
	assert_int_equal(rd32(gpa) & MB1_INFO_MODS, MB1_INFO_MODS);
	assert_int_equal(mb1_guest_setup(&in, GUEST_SPAN, &gpa), -ENOMEM);
	assert_log_contains("no room for the ");
}

#define T(f)	cmocka_unit_test_setup(f, setup)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_header_at_the_start_is_found),
		T(test_last_aligned_place_in_8k_is_found),
		T(test_header_past_8k_is_not_found),
		T(test_misaligned_magic_is_not_a_header),
		T(test_bad_checksum_is_refused),
		T(test_stray_magic_before_the_header_is_skipped),
		T(test_video_mode_requirement_is_refused),
		T(test_unknown_required_flag_is_refused),
		T(test_unknown_optional_flag_is_ignored),
		T(test_aout_header_cut_by_the_file_end_is_refused),
		T(test_aout_loads_bytes_and_zeroes_bss),
		T(test_aout_load_end_0_means_the_whole_file),
		T(test_aout_file_offset_follows_header_addr),
		T(test_aout_text_before_the_file_is_refused),
		T(test_aout_load_addr_above_header_addr_is_refused),
		T(test_aout_load_end_not_above_load_is_refused),
		T(test_aout_load_past_the_file_is_refused),
		T(test_aout_header_outside_the_loaded_bytes_is_refused),
		T(test_aout_bss_end_below_load_end_is_refused),
		T(test_aout_bss_into_skiffs_memory_is_refused),
		T(test_aout_entry_outside_the_loaded_bytes_is_refused),
		T(test_aout_reaching_past_4g_is_refused),
		T(test_elf_without_aout_flag_loads_as_elf),
		T(test_bad_elf_under_a_sound_header_is_refused),
		T(test_modules_go_page_aligned_after_min_skipping_holes),
		T(test_module_too_big_for_guest_ram_is_refused),
		T(test_module_copy_checks_all_before_copying),
		T(test_info_reads_back_as_3_3_lays_it_out),
		T(test_info_too_small_space_is_refused),
		T(test_info_outside_guest_ram_is_refused),
		T(test_info_module_above_4g_is_refused),
		T(test_info_module_ending_at_4g_is_refused),
		T(test_info_setup_places_a_page_above_min),
	};

	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
