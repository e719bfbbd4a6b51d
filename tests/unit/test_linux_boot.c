/*
 * Booting a bzImage: synthetic images with the header the boot protocol
 * describes (Documentation/arch/x86/boot.rst), written here field by field
 * at the spec's offsets rather than through skiff's struct, for several
 * protocol versions and each way an image can be wrong; placement in a
 * guest RAM with holes; the zero page read back byte by byte; the e820
 * map from skiff's ranges.
 */
#include "support.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/errno.h"
#include "vm/linux_boot.h"

#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))
#define KIB		(1ull << 10)
#define MIB		(1ull << 20)
#define GIB		(1ull << 30)
#define R(b, e)		((struct phys_range){ (b), (e) })

/* ---- a fake bzImage ---- */

struct fake {
	uint16_t version;
	uint8_t setup_sects;
	uint32_t syssize;
	uint8_t loadflags;
	uint8_t relocatable;
	uint32_t kernel_alignment;
	uint64_t pref_address;
	uint32_t init_size;
	uint16_t xloadflags;
	uint32_t cmdline_size;
	uint32_t initrd_addr_max;
	uint32_t header_end;	/* 0x202 + the jump's offset */
};

#define IMAGE_MAX	(64 * KIB)
static uint8_t image[IMAGE_MAX];
static size_t image_size;
static struct linux_bzimage k;

/* A 64-bit kernel as Linux 6.1 builds one: protocol 2.15, three setup
 * sectors, linked at 16 MiB, 2 MiB aligned. */
static struct fake modern(void)
{
	return (struct fake){
		.version = 0x020f, .setup_sects = 3, .syssize = 0x200, .loadflags = 0x01,
		.relocatable = 1, .kernel_alignment = 2 * MIB, .pref_address = 16 * MIB,
		.init_size = 8 * MIB, .xloadflags = 0x0003, .cmdline_size = 2047,
		.initrd_addr_max = 0x7fffffff, .header_end = 0x26c,
	};
}

static void put8(size_t off, uint8_t v) { image[off] = v; }
static void put16(size_t off, uint16_t v) { memcpy(image + off, &v, 2); }
static void put32(size_t off, uint32_t v) { memcpy(image + off, &v, 4); }
static void put64(size_t off, uint64_t v) { memcpy(image + off, &v, 8); }

static uint32_t get32(const uint8_t *p, size_t off)
{
	uint32_t v;

	memcpy(&v, p + off, 4);
	return v;
}

/* Writes the image; returns its size, the real-mode part and the kernel. */
static size_t build(const struct fake *f)
{
	size_t sects = f->setup_sects ? f->setup_sects : 4;
	size_t size = (sects + 1) * 512 + (size_t)f->syssize * 16;

	assert_true(size <= IMAGE_MAX);
	for (size_t i = 0; i < size; i++)
		image[i] = (uint8_t)(i * 7 + 3);
	put8(0x1f1, f->setup_sects);
	put32(0x1f4, f->syssize);
	put16(0x1fe, 0xaa55);
	put8(0x200, 0xeb);
	put8(0x201, (uint8_t)(f->header_end - 0x202));
	put32(0x202, 0x53726448);
	put16(0x206, f->version);
	put8(0x210, 0);
	put8(0x211, f->loadflags);
	put32(0x214, 0x100000);
	put32(0x218, 0);
	put32(0x21c, 0);
	put32(0x228, 0);
	put32(0x22c, f->initrd_addr_max);
	put32(0x230, f->kernel_alignment);
	put8(0x234, f->relocatable);
	put8(0x235, 12);
	put16(0x236, f->xloadflags);
	put32(0x238, f->cmdline_size);
	put32(0x23c, 0);
	put64(0x240, 0);
	put64(0x250, 0);
	put64(0x258, f->pref_address);
	put32(0x260, f->init_size);
	image_size = size;
	return size;
}

static int check(const struct fake *f)
{
	build(f);
	log_reset();
	memset(&k, 0, sizeof(k));
	return linux_bzimage_check(image, image_size, &k);
}

static int setup(void **state)
{
	(void)state;
	log_reset();
	return 0;
}

/* ---- recognising and checking ---- */

static void test_check_reads_a_modern_kernel(void **state)
{
	struct fake f = modern();

	(void)state;
	assert_int_equal(check(&f), 0);
	assert_int_equal(k.version, 0x020f);
	assert_int_equal(k.setup_size, 4 * 512);
	assert_int_equal(k.kernel_offset, 4 * 512);
	assert_int_equal(k.kernel_size, 0x200 * 16);
	assert_int_equal(k.header_end, 0x26c);
	assert_int_equal(k.pref_address, 16 * MIB);
	assert_int_equal(k.kernel_alignment, 2 * MIB);
	assert_int_equal(k.min_alignment, 12);
	assert_true(k.relocatable);
	assert_int_equal(k.init_size, 8 * MIB);
	assert_int_equal(k.cmdline_size, 2047);
	assert_int_equal(k.initrd_addr_max, 0x7fffffff);
	assert_int_equal(k.xloadflags, LINUX_XLF_KERNEL_64 | LINUX_XLF_CAN_BE_LOADED_ABOVE_4G);
	assert_int_equal(k.loadflags, LINUX_LOADED_HIGH);
	assert_int_equal(k.code32_start, 0x100000);
	assert_string_equal(unit_log, "");
}

/* 2.10 is the oldest skiff takes; its header ends after init_size and has
 * no xloadflags, whatever the bytes at 0x236 hold. */
static void test_check_takes_protocol_2_10_without_xloadflags(void **state)
{
	struct fake f = modern();

	(void)state;
	f.version = 0x020a;
	f.header_end = 0x264;
	f.xloadflags = 0xbeef;
	assert_int_equal(check(&f), 0);
	assert_int_equal(k.version, 0x020a);
	assert_int_equal(k.xloadflags, 0);
	assert_int_equal(k.init_size, 8 * MIB);

	f.version = 0x020c;		/* 2.12: xloadflags counts */
	f.header_end = 0x268;
	assert_int_equal(check(&f), 0);
	assert_int_equal(k.xloadflags, 0xbeef);
}

static void test_check_refuses_protocols_before_2_10(void **state)
{
	static const uint16_t old[] = { 0x0200, 0x0204, 0x0206, 0x0209 };
	struct fake f = modern();

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(old); i++) {
		f.version = old[i];
		f.header_end = 0x260;
		assert_int_equal(check(&f), -ENOTSUP);
		assert_log_contains("skiff: linux: boot protocol 2.0");
		assert_log_contains("too old");
	}
}

static void test_not_a_bzimage_is_silent(void **state)
{
	struct fake f = modern();
	static const uint8_t elf[64] = { 0x7f, 'E', 'L', 'F', 2, 1, 1 };

	(void)state;
	build(&f);
	put16(0x1fe, 0x0000);
	log_reset();
	assert_int_equal(linux_bzimage_check(image, image_size, &k), -ENOEXEC);
	build(&f);
	put32(0x202, 0x53726449);
	assert_int_equal(linux_bzimage_check(image, image_size, &k), -ENOEXEC);
	build(&f);
	assert_int_equal(linux_bzimage_check(image, 0x205, &k), -ENOEXEC);
	assert_int_equal(linux_bzimage_check(image, 0, &k), -ENOEXEC);
	assert_int_equal(linux_bzimage_check(elf, sizeof(elf), &k), -ENOEXEC);
	assert_string_equal(unit_log, "");
}

static void test_zimage_is_refused(void **state)
{
	struct fake f = modern();

	(void)state;
	f.loadflags = 0;
	assert_int_equal(check(&f), -ENOEXEC);
	assert_log_contains("a zImage");
}

static void test_truncated_images_are_refused(void **state)
{
	struct fake f = modern();
	size_t full = build(&f);
	static const size_t cuts[] = { 1, 16, 0x200 * 16 - 1, 0x200 * 16 + 1 };

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(cuts); i++) {
		log_reset();
		assert_int_equal(linux_bzimage_check(image, full - cuts[i], &k), -EINVAL);
		assert_log_contains("truncated");
	}
	/* Only the header: it ends inside, the setup does not. */
	log_reset();
	assert_int_equal(linux_bzimage_check(image, 0x270, &k), -EINVAL);
	assert_log_contains("truncated: setup_sects 3");
	log_reset();
	assert_int_equal(linux_bzimage_check(image, 0x260, &k), -EINVAL);
	assert_log_contains("truncated: the header ends at 0x26c");
	/* syssize that runs far past the file, near its 32-bit limit. */
	f.syssize = 0x200;
	build(&f);
	put32(0x1f4, 0xffffffff);
	log_reset();
	assert_int_equal(linux_bzimage_check(image, image_size, &k), -EINVAL);
	assert_log_contains("syssize 4294967295");
}

static void test_bad_jumps_are_refused(void **state)
{
	struct fake f = modern();

	(void)state;
	build(&f);
	put8(0x200, 0xe9);
	log_reset();
	assert_int_equal(linux_bzimage_check(image, image_size, &k), -EINVAL);
	assert_log_contains("not a short jump");
	build(&f);
	put8(0x201, 0xf0);		/* backwards: ends at 0x1f2 */
	log_reset();
	assert_int_equal(linux_bzimage_check(image, image_size, &k), -EINVAL);
	assert_log_contains("before its version field");
	/* A 2.15 header that claims to end before init_size. */
	f.header_end = 0x250;
	assert_int_equal(check(&f), -EINVAL);
	assert_log_contains("before init_size");
}

static void test_setup_sects_zero_means_four(void **state)
{
	struct fake f = modern();

	(void)state;
	f.setup_sects = 0;
	assert_int_equal(check(&f), 0);
	assert_int_equal(k.setup_size, 5 * 512);
	assert_int_equal(k.kernel_offset, 5 * 512);
}

static void test_empty_kernel_and_init_size_are_refused(void **state)
{
	struct fake f = modern();

	(void)state;
	f.syssize = 0;
	assert_int_equal(check(&f), -EINVAL);
	assert_log_contains("syssize 0");
	f = modern();
	f.init_size = 0;
	assert_int_equal(check(&f), -EINVAL);
	assert_log_contains("init_size 0");
}

static void test_relocatable_needs_a_power_of_two_alignment(void **state)
{
	struct fake f = modern();

	(void)state;
	f.kernel_alignment = 3 * MIB;
	assert_int_equal(check(&f), -EINVAL);
	assert_log_contains("kernel_alignment 0x300000");
	f.kernel_alignment = 0;
	assert_int_equal(check(&f), -EINVAL);
	f.relocatable = 0;	/* not used when the kernel cannot move */
	assert_int_equal(check(&f), 0);
	assert_false(k.relocatable);
}

static void test_wrapping_pref_address_is_refused(void **state)
{
	struct fake f = modern();

	(void)state;
	f.pref_address = ~0ull - 4 * MIB;
	assert_int_equal(check(&f), -EOVERFLOW);
	assert_log_contains("wraps");
}

/* ---- placement ---- */

/* Guest RAM with skiff's 2 MiB at 15..17 MiB, and RAM above 4 GiB. */
static const struct phys_range ram[] = {
	R(1 * MIB, 15 * MIB), R(17 * MIB, 512 * MIB), R(4 * GIB, 5 * GIB),
};
static const struct guest_mem mem = { ram, ARRAY_SIZE(ram), 0 };

static int place(const struct fake *f, const struct phys_range *avoid, size_t n, uint64_t *at)
{
	assert_int_equal(check(f), 0);
	*at = 0xdead;
	return linux_bzimage_place(&k, &mem, avoid, n, at);
}

static void test_place_at_pref_address(void **state)
{
	struct fake f = modern();
	uint64_t at;

	(void)state;
	f.pref_address = 32 * MIB;
	assert_int_equal(place(&f, NULL, 0, &at), 0);
	assert_int_equal(at, 32 * MIB);
	assert_string_equal(unit_log, "");
}

/* pref_address in skiff's hole: the next aligned address above it, never
 * the free RAM below it (the decompressor would go to 16 MiB anyway). */
static void test_place_moves_up_from_pref_address(void **state)
{
	struct fake f = modern();
	uint64_t at;

	(void)state;
	assert_int_equal(place(&f, NULL, 0, &at), 0);
	assert_int_equal(at, 18 * MIB);
	f.pref_address = 16 * MIB + 4 * KIB;	/* unaligned: rounded up */
	assert_int_equal(place(&f, NULL, 0, &at), 0);
	assert_int_equal(at, 18 * MIB);
	f.pref_address = 0;			/* no preference: lowest aligned */
	assert_int_equal(place(&f, NULL, 0, &at), 0);
	assert_int_equal(at, 2 * MIB);
}

static void test_place_avoids_the_boot_data(void **state)
{
	struct fake f = modern();
	const struct phys_range avoid[] = {
		R(40 * MIB, 40 * MIB + 4 * KIB),	/* the zero page */
		R(32 * MIB, 33 * MIB),			/* the initrd */
		R(50 * MIB, 50 * MIB),			/* empty: nothing */
		R(18 * MIB, 18 * MIB + 1),		/* the command line */
	};
	uint64_t at;

	(void)state;
	f.pref_address = 20 * MIB;
	f.init_size = 13 * MIB;
	/* 20 MiB would reach the initrd, 34 MiB the zero page: 42 MiB. */
	assert_int_equal(place(&f, avoid, ARRAY_SIZE(avoid), &at), 0);
	assert_int_equal(at, 42 * MIB);
	f.init_size = 4 * MIB;
	assert_int_equal(place(&f, avoid, ARRAY_SIZE(avoid), &at), 0);
	assert_int_equal(at, 20 * MIB);
}

static void test_place_uses_the_larger_of_init_size_and_kernel(void **state)
{
	struct fake f = modern();
	uint64_t at;

	(void)state;
	f.pref_address = 510 * MIB;
	f.init_size = 1 * MIB;		/* fits before 512 MiB... */
	assert_int_equal(place(&f, NULL, 0, &at), 0);
	assert_int_equal(at, 510 * MIB);
	f.init_size = 2 * MIB + 1;	/* ...this does not, nor anything above */
	assert_int_equal(place(&f, NULL, 0, &at), -ENOMEM);
	assert_log_contains("no room for the kernel's 0x200001 bytes");
	f.init_size = 16;		/* smaller than the kernel itself */
	f.syssize = 0x800;		/* 32 KiB */
	f.pref_address = 15 * MIB - 16 * KIB;
	f.relocatable = 0;
	assert_int_equal(place(&f, NULL, 0, &at), -EFAULT);
}

static void test_place_fixed_kernel_at_pref_address_or_nowhere(void **state)
{
	struct fake f = modern();
	const struct phys_range avoid[] = { R(33 * MIB, 34 * MIB) };
	uint64_t at;

	(void)state;
	f.relocatable = 0;
	f.pref_address = 32 * MIB;
	assert_int_equal(place(&f, NULL, 0, &at), 0);
	assert_int_equal(at, 32 * MIB);
	log_reset();
	assert_int_equal(linux_bzimage_place(&k, &mem, avoid, 1, &at), -EFAULT);
	assert_log_contains("overlaps [0x2100000, 0x2200000)");
	f.pref_address = 16 * MIB;	/* in skiff's hole */
	assert_int_equal(place(&f, NULL, 0, &at), -EFAULT);
	assert_log_contains("not relocatable");
	f.pref_address = 0;		/* no preference: code32_start, 1 MiB */
	assert_int_equal(place(&f, NULL, 0, &at), 0);
	assert_int_equal(at, 1 * MIB);
	f.pref_address = 4 * GIB;	/* RAM, but above 4 GiB */
	assert_int_equal(place(&f, NULL, 0, &at), -EFAULT);
}

static void test_place_stays_below_4g(void **state)
{
	struct fake f = modern();
	uint64_t at;

	(void)state;
	f.pref_address = 600 * MIB;	/* only RAM at 4 GiB is above it */
	assert_int_equal(place(&f, NULL, 0, &at), -ENOMEM);
	assert_int_equal(at, 0xdead);
}

/* ---- the e820 map ---- */

static struct linux_e820 e820[160];

static void assert_entry(size_t i, uint64_t addr, uint64_t end, uint32_t type)
{
	if (e820[i].addr != addr || e820[i].addr + e820[i].size != end || e820[i].type != type)
		fail_msg("entry %zu is [0x%llx, 0x%llx) type %u, not [0x%llx, 0x%llx) type %u", i,
			 (unsigned long long)e820[i].addr,
			 (unsigned long long)(e820[i].addr + e820[i].size), e820[i].type,
			 (unsigned long long)addr, (unsigned long long)end, type);
}

static void test_e820_ram_around_skiffs_memory(void **state)
{
	const struct phys_range guest[] = { R(1 * MIB, 15 * MIB), R(17 * MIB, 512 * MIB) };
	const struct phys_range res[] = { R(0xfffc0000, 4 * GIB), R(15 * MIB, 17 * MIB) };

	(void)state;
	assert_int_equal(linux_e820_from_ranges(e820, ARRAY_SIZE(e820), guest, 2, res, 2), 4);
	assert_entry(0, 1 * MIB, 15 * MIB, LINUX_E820_RAM);
	assert_entry(1, 15 * MIB, 17 * MIB, LINUX_E820_RESERVED);
	assert_entry(2, 17 * MIB, 512 * MIB, LINUX_E820_RAM);
	assert_entry(3, 0xfffc0000, 4 * GIB, LINUX_E820_RESERVED);
}

/* Reserved wins where it overlaps RAM, in any order; runs of one type
 * join; empty ranges count for nothing. */
static void test_e820_reserved_cuts_ram_and_runs_join(void **state)
{
	const struct phys_range guest[] = {
		R(8 * MIB, 16 * MIB), R(1 * MIB, 4 * MIB), R(4 * MIB, 8 * MIB), R(3 * MIB, 5 * MIB),
		R(100 * MIB, 90 * MIB),
	};
	const struct phys_range res[] = {
		R(6 * MIB, 7 * MIB), R(15 * MIB, 20 * MIB), R(7 * MIB, 7 * MIB + 4096), R(2 * MIB, 2 * MIB),
	};

	(void)state;
	assert_int_equal(linux_e820_from_ranges(e820, ARRAY_SIZE(e820), guest, 5, res, 4), 4);
	assert_entry(0, 1 * MIB, 6 * MIB, LINUX_E820_RAM);
	assert_entry(1, 6 * MIB, 7 * MIB + 4096, LINUX_E820_RESERVED);
	assert_entry(2, 7 * MIB + 4096, 15 * MIB, LINUX_E820_RAM);
	assert_entry(3, 15 * MIB, 20 * MIB, LINUX_E820_RESERVED);
}

static void test_e820_counts_what_does_not_fit(void **state)
{
	struct phys_range guest[10];

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(guest); i++)
		guest[i] = R(i * 2 * MIB, i * 2 * MIB + MIB);
	memset(e820, 0xee, sizeof(e820));
	assert_int_equal(linux_e820_from_ranges(e820, 3, guest, 10, NULL, 0), 10);
	assert_entry(2, 4 * MIB, 5 * MIB, LINUX_E820_RAM);
	assert_int_equal(e820[3].type, 0xeeeeeeee);
	assert_int_equal(linux_e820_from_ranges(e820, 0, NULL, 0, NULL, 0), 0);
}

/* ---- the zero page ---- */

static uint8_t page[LINUX_BOOT_PARAMS_SIZE];

#define LOAD	(18 * MIB)	/* where a placement put the kernel */

static void fill_page(void)
{
	memset(page, 0x5c, sizeof(page));
}

static void assert_page_untouched(void)
{
	for (size_t i = 0; i < sizeof(page); i++)
		if (page[i] != 0x5c)
			fail_msg("the zero page changed at 0x%zx on a refusal", i);
}

/* The offsets skiff writes in the header, the spec's. */
static bool written_by_loader(size_t off)
{
	return off == 0x210 || off == 0x211 || (off >= 0x214 && off < 0x218) || (off >= 0x218 && off < 0x220) ||
	       (off >= 0x224 && off < 0x22c) || (off >= 0x23c && off < 0x248) ||
	       (off >= 0x250 && off < 0x258);
}

static void test_zero_page_holds_header_and_boot_data(void **state)
{
	struct fake f = modern();
	struct linux_e820 map[3] = {
		{ 0x100000, 14 * MIB, 1 }, { 15 * MIB, 2 * MIB, 2 }, { 17 * MIB, 495 * MIB, 1 },
	};

	(void)state;
	assert_int_equal(check(&f), 0);
	put8(0x211, 0x01 | 0x20 | 0x40 | 0x80);	/* quiet, keep segments, heap */
	put64(0x250, 0x12345678);		/* a setup_data pointer */
	put32(0x23c, 2);			/* hardware_subarch Xen */
	fill_page();
	assert_int_equal(linux_boot_params_build(page, &k, image, LOAD, map, 3, 0x20000, 100,
						 0x3f000000, 0x123456), 0);
	for (size_t i = 0; i < sizeof(page); i++) {
		if (i >= 0x1f1 && i < 0x26c && !written_by_loader(i) && page[i] != image[i])
			fail_msg("header byte 0x%zx is 0x%02x, the image's 0x%02x", i, page[i], image[i]);
		if ((i < 0x1e8 || (i >= 0x1e9 && i < 0x1f1) || (i >= 0x26c && i < 0x2d0) ||
		     i >= 0x2d0 + 3 * 20) && page[i] != 0)
			fail_msg("byte 0x%zx is 0x%02x, not 0", i, page[i]);
	}
	assert_int_equal(page[0x210], 0xff);
	assert_int_equal(page[0x211], LINUX_LOADED_HIGH);
	assert_int_equal(get32(page, 0x214), LOAD);		/* code32_start */
	assert_int_equal(get32(page, 0x228), 0x20000);
	assert_int_equal(get32(page, 0x218), 0x3f000000);
	assert_int_equal(get32(page, 0x21c), 0x123456);
	assert_int_equal(get32(page, 0x250) | get32(page, 0x254), 0);
	assert_int_equal(get32(page, 0x23c), 0);
	assert_int_equal(page[0x1e8], 3);
	assert_memory_equal(page + 0x2d0, map, sizeof(map));
	assert_int_equal(get32(page, 0x2d0 + 20), 15 * MIB);
	assert_int_equal(get32(page, 0x2d0 + 2 * 20 + 16), 1);
	assert_string_equal(unit_log, "");
}

static void test_zero_page_high_addresses_use_the_ext_fields(void **state)
{
	struct fake f = modern();
	struct linux_e820 one = { 0, 4096, 1 };

	(void)state;
	assert_int_equal(check(&f), 0);
	fill_page();
	assert_int_equal(linux_boot_params_build(page, &k, image, LOAD, &one, 1, 0x500001000ull, 10,
						 0x600002000ull, 0x100000003ull), 0);
	assert_int_equal(get32(page, 0x228), 0x00001000);
	assert_int_equal(get32(page, 0xc8), 0x5);
	assert_int_equal(get32(page, 0x218), 0x00002000);
	assert_int_equal(get32(page, 0xc0), 0x6);
	assert_int_equal(get32(page, 0x21c), 0x3);
	assert_int_equal(get32(page, 0xc4), 0x1);

	/* Without XLF_CAN_BE_LOADED_ABOVE_4G, neither may lie there. */
	f.xloadflags = LINUX_XLF_KERNEL_64;
	assert_int_equal(check(&f), 0);
	fill_page();
	assert_int_equal(linux_boot_params_build(page, &k, image, LOAD, &one, 1, 0xfffffff0, 16,
						 0, 0), -ERANGE);
	assert_log_contains("command line at 0xfffffff0 ends above 4 GiB");
	assert_page_untouched();
	assert_int_equal(linux_boot_params_build(page, &k, image, LOAD, &one, 1, 0xfffffff0, 15,
						 0, 0), 0);
}

static void test_zero_page_initrd_below_initrd_addr_max(void **state)
{
	struct fake f = modern();
	struct linux_e820 one = { 0, 4096, 1 };

	(void)state;
	f.xloadflags = 0;
	assert_int_equal(check(&f), 0);
	fill_page();
	assert_int_equal(linux_boot_params_build(page, &k, image, LOAD, &one, 1, 0, 0,
						 0x7ff00000, 0x100001), -ERANGE);
	assert_log_contains("initrd_addr_max 0x7fffffff");
	assert_page_untouched();
	assert_int_equal(linux_boot_params_build(page, &k, image, LOAD, &one, 1, 0, 0,
						 0x7ff00000, 0x100000), 0);
	assert_int_equal(get32(page, 0x228), 0);
	/* Size 0: no initrd, wherever the address points. */
	assert_int_equal(linux_boot_params_build(page, &k, image, LOAD, &one, 1, 0, 0,
						 0xfffffffffull, 0), 0);
	assert_int_equal(get32(page, 0x218), 0);
	assert_int_equal(get32(page, 0xc0), 0);
}

static void test_zero_page_refuses_long_maps_and_command_lines(void **state)
{
	struct fake f = modern();

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(e820); i++)
		e820[i] = (struct linux_e820){ i * 2 * MIB, MIB, 1 };
	assert_int_equal(check(&f), 0);
	fill_page();
	assert_int_equal(linux_boot_params_build(page, &k, image, LOAD, e820, 129, 0, 0, 0, 0), -E2BIG);
	assert_log_contains("129 e820 entries");
	assert_page_untouched();
	assert_int_equal(linux_boot_params_build(page, &k, image, LOAD, e820, 1, 0x1000, 2048, 0, 0),
			 -E2BIG);
	assert_log_contains("the kernel takes 2047");
	assert_page_untouched();
	assert_int_equal(linux_boot_params_build(page, &k, image, 1ull << 32, e820, 1, 0, 0, 0, 0),
			 -ERANGE);
	assert_log_contains("load address 0x100000000 is above 4 GiB");
	assert_page_untouched();
	assert_int_equal(linux_boot_params_build(page, &k, image, LOAD, e820, 128, 0x1000, 2047, 0, 0), 0);
	assert_int_equal(page[0x1e8], 128);
	assert_memory_equal(page + 0x2d0, e820, 128 * 20);
	assert_int_equal(page[0xd00], 0);
}

#define T(t) cmocka_unit_test_setup(t, setup)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_check_reads_a_modern_kernel),
		T(test_check_takes_protocol_2_10_without_xloadflags),
		T(test_check_refuses_protocols_before_2_10),
		T(test_not_a_bzimage_is_silent),
		T(test_zimage_is_refused),
		T(test_truncated_images_are_refused),
		T(test_bad_jumps_are_refused),
		T(test_setup_sects_zero_means_four),
		T(test_empty_kernel_and_init_size_are_refused),
		T(test_relocatable_needs_a_power_of_two_alignment),
		T(test_wrapping_pref_address_is_refused),
		T(test_place_at_pref_address),
		T(test_place_moves_up_from_pref_address),
		T(test_place_avoids_the_boot_data),
		T(test_place_uses_the_larger_of_init_size_and_kernel),
		T(test_place_fixed_kernel_at_pref_address_or_nowhere),
		T(test_place_stays_below_4g),
		T(test_e820_ram_around_skiffs_memory),
		T(test_e820_reserved_cuts_ram_and_runs_join),
		T(test_e820_counts_what_does_not_fit),
		T(test_zero_page_holds_header_and_boot_data),
		T(test_zero_page_high_addresses_use_the_ext_fields),
		T(test_zero_page_initrd_below_initrd_addr_max),
		T(test_zero_page_refuses_long_maps_and_command_lines),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
