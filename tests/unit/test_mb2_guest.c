/*
 * The guest's Multiboot2 boot information: built into a host buffer that
 * stands in for guest RAM, then read back two ways, by a strict walk here
 * and by skiff's own boot information parser, as a guest would.  The
 * memory map must be the firmware's with skiff's pages cut out and
 * reserved; placement must skip holes and respect its minimum; no space
 * too small or outside guest RAM is ever written.
 */
#include "support.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "boot/multiboot2.h"
#include "bootinfo.h"
#include "lib/errno.h"
#include "mm/layout.h"
#include "vm/mb2_guest.h"

#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))
#define KIB		(1ull << 10)
#define MIB		(1ull << 20)
#define GIB		(1ull << 30)
#define TOP		(~0ull)
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

/* ---- inputs ---- */

static struct mem_range map[160];
static struct phys_range kept[16];
static uint8_t rsdp[36];
static struct mb2_guest_input in;

static void map_add(uint64_t base, uint64_t length, uint32_t type)
{
	assert_true(in.mmap_count < ARRAY_SIZE(map));
	map[in.mmap_count++] = (struct mem_range){ base, length, type };
}

static void kept_add(uint64_t base, uint64_t end)
{
	assert_true(in.kept_count < ARRAY_SIZE(kept));
	kept[in.kept_count++] = R(base, end);
}

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

static void reset_inputs(void)
{
	gmem = (struct guest_mem){ guest_ranges, ARRAY_SIZE(guest_ranges), (uintptr_t)guest };
	for (size_t i = 0; i < sizeof(rsdp); i++)
		rsdp[i] = (uint8_t)(0x40 + i);
	in = (struct mb2_guest_input){
		.mem = &gmem, .mmap = map, .mmap_count = 0, .kept = kept, .kept_count = 0,
		.cmdline = "console=ttyS0 quiet", .loader_name = MB2_GUEST_LOADER_NAME,
		.rsdp = rsdp, .rsdp_len = sizeof(rsdp), .rsdp_revision = 0,
	};
	log_reset();
}

static int setup(void **state)
{
	(void)state;
	memset(guest, GUEST_FILL, GUEST_SPAN);
	reset_inputs();
	return 0;
}

static void assert_guest_untouched(void)
{
	for (size_t i = 0; i < GUEST_SPAN; i++)
		if (guest[i] != GUEST_FILL)
			fail_msg("guest memory changed at 0x%zx", i);
}

/* QEMU with SeaBIOS, 512 MiB; skiff's image at 16 MiB with its boot
 * information page right after it, its pool at the top of low RAM. */
static void qemu_machine(void)
{
	map_add(0x0, 0x9fc00, MEM_USABLE);
	map_add(0x9fc00, 0x400, MEM_RESERVED);
	map_add(0xf0000, 0x10000, MEM_RESERVED);
	map_add(0x100000, 0x1fee0000, MEM_USABLE);
	map_add(0x1ffe0000, 0x20000, MEM_RESERVED);
	map_add(0xfffc0000, 0x40000, MEM_RESERVED);
	kept_add(16 * MIB, 18 * MIB);
	kept_add(18 * MIB, 18 * MIB + 0x1000);
	kept_add(0x1ffe0000 - 16 * MIB, 0x1ffe0000);
}

/* ---- reading the structure back ---- */

struct mbi_view {
	const uint8_t *base;
	uint32_t total;
	size_t tags;
	uint32_t types[16];
	uint32_t offs[16];
};

/* A strict walk: fixed part, each tag 8-aligned and inside total_size,
 * zero padding, the end tag last and exactly at total_size. */
static void view(uint64_t gpa, struct mbi_view *v)
{
	const uint8_t *b = (const uint8_t *)(uintptr_t)(gpa + gmem.bias);
	uint32_t reserved, off = sizeof(struct mb2_info);

	memset(v, 0, sizeof(*v));
	v->base = b;
	memcpy(&v->total, b, 4);
	memcpy(&reserved, b + 4, 4);
	assert_int_equal(reserved, 0);
	assert_true(v->total >= 16 && v->total % 8 == 0);
	for (;;) {
		struct mb2_tag t;

		assert_true(off % 8 == 0 && off + sizeof(t) <= v->total);
		memcpy(&t, b + off, sizeof(t));
		assert_true(t.size >= sizeof(t) && off + t.size <= v->total);
		assert_true(v->tags < ARRAY_SIZE(v->types));
		v->types[v->tags] = t.type;
		v->offs[v->tags++] = off;
		if (t.type == MB2_TAG_END) {
			assert_int_equal(t.size, 8);
			assert_int_equal(off + 8, v->total);
			return;
		}
		for (uint32_t p = off + t.size; p % 8; p++)
			assert_int_equal(b[p], 0);
		off = (off + t.size + 7) & ~7u;
	}
}

/* The tag of type, or NULL; its size in *size. */
static const uint8_t *find(const struct mbi_view *v, uint32_t type, uint32_t *size)
{
	for (size_t i = 0; i < v->tags; i++) {
		if (v->types[i] != type)
			continue;
		memcpy(size, v->base + v->offs[i] + 4, 4);
		return v->base + v->offs[i];
	}
	return NULL;
}

static size_t map_entries(const struct mbi_view *v, struct mb2_mmap_entry *out, size_t cap)
{
	uint32_t size;
	struct mb2_tag_mmap m;
	const uint8_t *t = find(v, MB2_TAG_MMAP, &size);
	size_t n;

	assert_non_null(t);
	memcpy(&m, t, sizeof(m));
	assert_int_equal(m.entry_size, 24);
	assert_int_equal(m.entry_version, 0);
	assert_int_equal((size - sizeof(m)) % 24, 0);
	n = (size - sizeof(m)) / 24;
	assert_true(n <= cap);
	memcpy(out, t + sizeof(m), n * 24);
	for (size_t i = 0; i < n; i++)
		assert_int_equal(out[i].reserved, 0);
	return n;
}

#define E(b, e, t)	((struct mb2_mmap_entry){ (b), (e) - (b), (t), 0 })

#define assert_map(v, ...)							\
	do {									\
		const struct mb2_mmap_entry want_[] = { __VA_ARGS__ };	\
		struct mb2_mmap_entry got_[256];				\
		size_t n_ = map_entries((v), got_, ARRAY_SIZE(got_));		\
		check_map(got_, n_, want_, ARRAY_SIZE(want_));			\
	} while (0)

static void check_map(const struct mb2_mmap_entry *got, size_t n,
		      const struct mb2_mmap_entry *want, size_t nwant)
{
	for (size_t i = 0; i < n || i < nwant; i++) {
		if (i < n && i < nwant && memcmp(&got[i], &want[i], sizeof(got[i])) == 0)
			continue;
		fail_msg("map entry %zu: got [0x%llx, 0x%llx) type %u, want [0x%llx, 0x%llx) type %u "
			 "(%zu entries, %zu wanted)", i,
			 i < n ? (unsigned long long)got[i].base_addr : 0ull,
			 i < n ? (unsigned long long)(got[i].base_addr + got[i].length) : 0ull,
			 i < n ? got[i].type : 0,
			 i < nwant ? (unsigned long long)want[i].base_addr : 0ull,
			 i < nwant ? (unsigned long long)(want[i].base_addr + want[i].length) : 0ull,
			 i < nwant ? want[i].type : 0, n, nwant);
	}
}

/*
 * The map calls available exactly the guest's RAM (in->mem).  For the
 * tests of how the firmware's map is tidied, guest RAM is what skiff's
 * layout would make of the same inputs, byte for byte: every byte the
 * map's entries call available (by the model below) that skiff does not
 * keep.  To that comes HOME, a range no test map names, where build_ok()
 * writes the structure: host buffer offset 1 MiB.
 */
#define HOME_GPA	0xc0000000ull
#define HOME_SIZE	0x80000ull

static int64_t model_type(uint64_t x);
static struct phys_range derived[2 * (ARRAY_SIZE(map) + ARRAY_SIZE(kept)) + 2];

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

static uint64_t entry_end_clipped(const struct mem_range *e)
{
	return e->length > TOP - e->base ? TOP : e->base + e->length;
}

static void derive_guest_ram(void)
{
	static uint64_t at[2 * (ARRAY_SIZE(map) + ARRAY_SIZE(kept))];
	size_t n = 0, count = 0;

	for (size_t i = 0; i < in.mmap_count; i++) {
		at[n++] = map[i].base;
		at[n++] = entry_end_clipped(&map[i]);
	}
	for (size_t i = 0; i < in.kept_count; i++) {
		at[n++] = kept[i].base;
		at[n++] = kept[i].end;
	}
	qsort(at, n, sizeof(at[0]), cmp_u64);
	for (size_t i = 0; i + 1 < n; i++) {
		if (at[i] == at[i + 1] || model_type(at[i]) != MEM_USABLE)
			continue;
		if (count && derived[count - 1].end == at[i])
			derived[count - 1].end = at[i + 1];
		else
			derived[count++] = R(at[i], at[i + 1]);
	}
	assert_true(count < ARRAY_SIZE(derived));
	for (size_t i = 0; i < count; i++)
		assert_true(derived[i].end <= HOME_GPA || derived[i].base >= HOME_GPA + HOME_SIZE);
	derived[count++] = R(HOME_GPA, HOME_GPA + HOME_SIZE);
	gmem = (struct guest_mem){ derived, count, (uintptr_t)guest + 1 * MIB - HOME_GPA };
}

/* Builds at HOME with room to spare and reads it back. */
static void build_ok(struct mbi_view *v)
{
	const uint8_t *home = guest + 1 * MIB;
	int n;

	derive_guest_ram();
	n = mb2_guest_build(&in, HOME_GPA, HOME_SIZE);
	if (n < 0)
		fail_msg("mb2_guest_build: %d; log:\n%s", n, unit_log);
	assert_int_equal((size_t)n, mb2_guest_size(&in));
	view(HOME_GPA, v);
	assert_int_equal(v->total, (uint32_t)n);
	/* Nothing past the structure was written. */
	for (size_t i = (size_t)n; i < 0x1000; i++)
		assert_int_equal(home[i], GUEST_FILL);
	assert_int_equal(home[-1], GUEST_FILL);
}

static void assert_meminfo(const struct mbi_view *v, uint32_t lower, uint32_t upper)
{
	struct mb2_tag_basic_meminfo m;
	uint32_t size;
	const uint8_t *t = find(v, MB2_TAG_BASIC_MEMINFO, &size);

	assert_non_null(t);
	assert_int_equal(size, 16);
	memcpy(&m, t, sizeof(m));
	assert_int_equal(m.mem_lower, lower);
	assert_int_equal(m.mem_upper, upper);
}

/* ---- the structure ---- */

static void test_tags_in_order_with_strings(void **state)
{
	struct mbi_view v;
	uint32_t size;
	const uint8_t *t;

	(void)state;
	qemu_machine();
	in.rsdp_revision = 2;
	build_ok(&v);
	assert_int_equal(v.tags, 6);
	assert_int_equal(v.types[0], MB2_TAG_CMDLINE);
	assert_int_equal(v.types[1], MB2_TAG_BOOT_LOADER_NAME);
	assert_int_equal(v.types[2], MB2_TAG_BASIC_MEMINFO);
	assert_int_equal(v.types[3], MB2_TAG_MMAP);
	assert_int_equal(v.types[4], MB2_TAG_ACPI_NEW);
	assert_int_equal(v.types[5], MB2_TAG_END);
	t = find(&v, MB2_TAG_CMDLINE, &size);
	assert_int_equal(size, 8 + sizeof("console=ttyS0 quiet"));
	assert_string_equal((const char *)t + 8, "console=ttyS0 quiet");
	t = find(&v, MB2_TAG_BOOT_LOADER_NAME, &size);
	assert_int_equal(size, 8 + sizeof("skiff 0.1"));
	assert_string_equal((const char *)t + 8, "skiff 0.1");
	assert_string_equal(unit_log, "");	/* the caller reports success */
}

static void test_size_is_what_the_tags_add_up_to(void **state)
{
	size_t cmd = (8 + sizeof("console=ttyS0 quiet") + 7) & ~7ul;
	size_t name = (8 + sizeof("skiff 0.1") + 7) & ~7ul;

	(void)state;
	qemu_machine();
	derive_guest_ram();
	/* 8 entries in the map (see test_qemu_map_with_skiffs_pages_reserved). */
	assert_int_equal(mb2_guest_size(&in), 8 + cmd + name + 16 + 16 + 8 * 24 + 8);
	in.rsdp_revision = 1;
	assert_int_equal(mb2_guest_size(&in), 8 + cmd + name + 16 + 16 + 8 * 24 + 32 + 8);
	in.rsdp_revision = 2;
	assert_int_equal(mb2_guest_size(&in), 8 + cmd + name + 16 + 16 + 8 * 24 + 48 + 8);
}

static void test_qemu_map_with_skiffs_pages_reserved(void **state)
{
	struct mbi_view v;

	(void)state;
	qemu_machine();
	build_ok(&v);
	assert_map(&v,
		   E(0x0, 0x9fc00, 1),
		   E(0x9fc00, 0xa0000, 2),
		   E(0xf0000, 0x100000, 2),
		   E(0x100000, 16 * MIB, 1),
		   E(16 * MIB, 18 * MIB + 0x1000, 2),	/* image and boot info, joined */
		   E(18 * MIB + 0x1000, 0x1ffe0000 - 16 * MIB, 1),
		   E(0x1ffe0000 - 16 * MIB, 0x20000000, 2),	/* pool and firmware's, joined */
		   E(0xfffc0000, 0x100000000, 2));
	/* 639 KiB below the EBDA; 1 MiB up to skiff's image at 16 MiB. */
	assert_meminfo(&v, 639, 15 * 1024);
}

/* skiff's own parser reads it as any Multiboot2 kernel would. */
static void test_skiffs_parser_reads_it_back(void **state)
{
	static struct boot_info bi;
	struct mbi_view v;

	(void)state;
	qemu_machine();
	in.rsdp_revision = 2;
	build_ok(&v);
	memset(&bi, 0, sizeof(bi));
	assert_int_equal(bootinfo_parse(MULTIBOOT2_BOOTLOADER_MAGIC, v.base, v.total, &bi), 0);
	assert_int_equal(bi.warnings, 0);
	assert_int_equal(bi.mbi_size, v.total);
	assert_true(bi.has_cmdline);
	assert_string_equal(bi.cmdline, "console=ttyS0 quiet");
	assert_string_equal(bi.loader_name, "skiff 0.1");
	assert_int_equal(bi.mmap_count, 8);
	assert_int_equal(bi.mmap[4].base, 16 * MIB);
	assert_int_equal(bi.mmap[4].length, 2 * MIB + 0x1000);
	assert_int_equal(bi.mmap[4].type, MEM_RESERVED);
	assert_int_equal(bi.rsdp_revision, 2);
	assert_memory_equal(bi.rsdp, rsdp, 36);
	assert_int_equal(bi.module_count, 0);
	assert_int_equal(bootinfo_mem_total(&bi, MEM_USABLE),
			 0x9fc00 + (16 * MIB - 0x100000) + (0x1ffe0000 - 16 * MIB - 18 * MIB - 0x1000));
}

static void test_no_cmdline_gives_an_empty_string(void **state)
{
	struct mbi_view v;
	uint32_t size;
	const uint8_t *t;

	(void)state;
	in.cmdline = NULL;
	map_add(0x100000, 0x100000, MEM_USABLE);
	build_ok(&v);
	t = find(&v, MB2_TAG_CMDLINE, &size);
	assert_non_null(t);
	assert_int_equal(size, 9);
	assert_int_equal(t[8], 0);
}

static void test_acpi_1_rsdp_goes_in_tag_14(void **state)
{
	struct mbi_view v;
	uint32_t size;
	const uint8_t *t;

	(void)state;
	map_add(0x100000, 0x100000, MEM_USABLE);
	in.rsdp_revision = 1;
	build_ok(&v);
	assert_null(find(&v, MB2_TAG_ACPI_NEW, &size));
	t = find(&v, MB2_TAG_ACPI_OLD, &size);
	assert_non_null(t);
	assert_int_equal(size, 8 + 20);
	assert_memory_equal(t + 8, rsdp, 20);
}

static void test_acpi_2_rsdp_goes_in_tag_15(void **state)
{
	struct mbi_view v;
	uint32_t size;
	const uint8_t *t;

	(void)state;
	map_add(0x100000, 0x100000, MEM_USABLE);
	in.rsdp_revision = 2;
	build_ok(&v);
	assert_null(find(&v, MB2_TAG_ACPI_OLD, &size));
	t = find(&v, MB2_TAG_ACPI_NEW, &size);
	assert_non_null(t);
	assert_int_equal(size, 8 + 36);
	assert_memory_equal(t + 8, rsdp, 36);
}

static void test_no_rsdp_no_acpi_tag(void **state)
{
	struct mbi_view v;
	uint32_t size;

	(void)state;
	map_add(0x100000, 0x100000, MEM_USABLE);
	in.rsdp = NULL;
	build_ok(&v);
	assert_null(find(&v, MB2_TAG_ACPI_OLD, &size));
	assert_null(find(&v, MB2_TAG_ACPI_NEW, &size));
	assert_int_equal(v.tags, 5);
}

static void test_short_rsdp_copy_is_refused(void **state)
{
	(void)state;
	map_add(0x100000, 0x100000, MEM_USABLE);
	in.rsdp_revision = 2;
	in.rsdp_len = 20;
	assert_int_equal(mb2_guest_build(&in, 1 * MIB, 0x10000), -EINVAL);
	assert_log_contains("skiff: guest: the RSDP copy of revision 2 is 20 bytes, not the 36 "
			    "it needs\n");
	in.rsdp_revision = 1;
	in.rsdp = NULL;
	assert_int_equal(mb2_guest_build(&in, 1 * MIB, 0x10000), -EINVAL);
	assert_log_contains("the RSDP copy of revision 1 is 0 bytes, not the 20 it needs");
	assert_guest_untouched();
}

/* ---- the memory map: skiff's pages cut out of RAM ---- */

static void one_entry_with_kept(uint64_t base, uint64_t end)
{
	map_add(0x100000, 0x100000, MEM_USABLE);
	kept_add(base, end);
}

static void test_cut_at_the_start_of_an_entry(void **state)
{
	struct mbi_view v;

	(void)state;
	one_entry_with_kept(0x100000, 0x110000);
	build_ok(&v);
	assert_map(&v, E(0x100000, 0x110000, 2), E(0x110000, 0x200000, 1));
}

static void test_cut_in_the_middle_of_an_entry(void **state)
{
	struct mbi_view v;

	(void)state;
	one_entry_with_kept(0x150000, 0x150001);	/* even a single byte */
	build_ok(&v);
	assert_map(&v, E(0x100000, 0x150000, 1), E(0x150000, 0x150001, 2),
		   E(0x150001, 0x200000, 1));
}

static void test_cut_at_the_end_of_an_entry(void **state)
{
	struct mbi_view v;

	(void)state;
	one_entry_with_kept(0x1ff000, 0x200000);
	build_ok(&v);
	assert_map(&v, E(0x100000, 0x1ff000, 1), E(0x1ff000, 0x200000, 2));
}

static void test_whole_entry_kept(void **state)
{
	struct mbi_view v;

	(void)state;
	one_entry_with_kept(0x100000, 0x200000);
	build_ok(&v);
	assert_map(&v, E(0x100000, 0x200000, 2));
	assert_meminfo(&v, 0, 0);
}

/* What skiff keeps outside every entry is no RAM to the guest either:
 * holes stay holes. */
static void test_kept_range_beyond_an_entry_adds_nothing(void **state)
{
	struct mbi_view v;

	(void)state;
	map_add(0x100000, 0x100000, MEM_USABLE);
	map_add(0x300000, 0x100000, MEM_USABLE);
	kept_add(0x80000, 0x101000);		/* from below into the first */
	kept_add(0x1ff000, 0x301000);		/* across the hole */
	kept_add(0x500000, 0x600000);		/* in no entry at all */
	build_ok(&v);
	assert_map(&v, E(0x100000, 0x101000, 2), E(0x101000, 0x1ff000, 1),
		   E(0x1ff000, 0x200000, 2), E(0x300000, 0x301000, 2), E(0x301000, 0x400000, 1));
}

static void test_several_cuts_in_any_order(void **state)
{
	struct mbi_view v;

	(void)state;
	map_add(0x100000, 0x100000, MEM_USABLE);
	kept_add(0x180000, 0x190000);
	kept_add(0x120000, 0x130000);
	kept_add(0x125000, 0x135000);	/* overlaps the previous one */
	kept_add(0x190000, 0x1a0000);	/* touches the first */
	build_ok(&v);
	assert_map(&v, E(0x100000, 0x120000, 1), E(0x120000, 0x135000, 2),
		   E(0x135000, 0x180000, 1), E(0x180000, 0x1a0000, 2), E(0x1a0000, 0x200000, 1));
}

/* The guest cannot reach skiff's pages at all, so even firmware types
 * that invite reading (ACPI tables) become reserved there. */
static void test_kept_pages_in_non_ram_entries_are_reserved(void **state)
{
	struct mbi_view v;

	(void)state;
	map_add(0x100000, 0x100000, MEM_USABLE);
	map_add(0x200000, 0x10000, MEM_ACPI_RECLAIMABLE);
	kept_add(0x1ff000, 0x201000);
	build_ok(&v);
	assert_map(&v, E(0x100000, 0x1ff000, 1), E(0x1ff000, 0x201000, 2),
		   E(0x201000, 0x210000, 3));
}

/* ---- the memory map: untidy firmware maps made tidy ---- */

static void test_unsorted_overlapping_map_comes_out_sorted(void **state)
{
	struct mbi_view v;

	(void)state;
	map_add(0x300000, 0x200000, MEM_ACPI_RECLAIMABLE);	/* over the usable end */
	map_add(0x200000, 0x1000, MEM_RESERVED);		/* inside usable */
	map_add(0x100000, 0x300000, MEM_USABLE);
	map_add(0x180000, 0x10000, MEM_USABLE);			/* a duplicate */
	map_add(0x600000, 0x1000, MEM_ACPI_NVS);
	map_add(0x600800, 0x1000, 20);				/* unknown beats NVS */
	map_add(0x700000, 0x1000, MEM_RESERVED);
	map_add(0x700000, 0x2000, MEM_BAD);			/* bad beats all */
	build_ok(&v);
	assert_map(&v, E(0x100000, 0x200000, 1), E(0x200000, 0x201000, 2),
		   E(0x201000, 0x300000, 1), E(0x300000, 0x500000, 3),
		   E(0x600000, 0x600800, 4), E(0x600800, 0x601800, 20),
		   E(0x700000, 0x702000, 5));
}

static void test_adjacent_entries_of_one_type_are_joined(void **state)
{
	struct mbi_view v;

	(void)state;
	map_add(0x100000, 0x100000, MEM_USABLE);
	map_add(0x200000, 0x100000, MEM_USABLE);
	map_add(0x300000, 0x1000, MEM_RESERVED);
	map_add(0x301000, 0x1000, MEM_RESERVED);
	map_add(0x302000, 0x1000, MEM_ACPI_NVS);
	build_ok(&v);
	assert_map(&v, E(0x100000, 0x300000, 1), E(0x300000, 0x302000, 2),
		   E(0x302000, 0x303000, 4));
}

static void test_empty_and_wrapping_entries(void **state)
{
	struct mbi_view v;

	(void)state;
	map_add(0x100000, 0, MEM_RESERVED);
	map_add(0x100000, 0x100000, MEM_USABLE);
	map_add(0x150000, 0, MEM_BAD);
	map_add(0xffffffff00000000ull, 0x200000000ull, MEM_USABLE);	/* wraps: clipped */
	build_ok(&v);
	assert_map(&v, E(0x100000, 0x200000, 1), E(0xffffffff00000000ull, TOP, 1));
}

static void test_empty_map(void **state)
{
	struct mbi_view v;

	(void)state;
	kept_add(0x100000, 0x200000);
	build_ok(&v);
	assert_map(&v);
	assert_meminfo(&v, 0, 0);
}

/* ---- basic memory information (3.6.3) ---- */

static void test_meminfo_caps_lower_memory_at_640k(void **state)
{
	struct mbi_view v;

	(void)state;
	map_add(0x0, 32 * MIB, MEM_USABLE);	/* one entry from 0, as some firmware says */
	build_ok(&v);
	assert_meminfo(&v, 640, 31 * 1024);
}

static void test_meminfo_upper_stops_at_the_first_hole(void **state)
{
	struct mbi_view v;

	(void)state;
	map_add(0x0, 0x9f000, MEM_USABLE);
	map_add(0x100000, 0x100000, MEM_USABLE);
	map_add(0x200000, 0x300000, MEM_USABLE);	/* joined with the previous */
	map_add(0x600000, 0x100000, MEM_USABLE);	/* after a hole: not counted */
	build_ok(&v);
	assert_meminfo(&v, 0x9f000 >> 10, 4 * 1024);
}

static void test_meminfo_counts_none_of_skiffs_pages(void **state)
{
	struct mbi_view v;

	(void)state;
	map_add(0x0, 0xa0000, MEM_USABLE);
	map_add(0x100000, 0x1000000, MEM_USABLE);
	kept_add(0x0, 0x1000);			/* the real-mode IVT, say */
	kept_add(0x100000, 0x101000);		/* skiff right at 1 MiB */
	build_ok(&v);
	assert_meminfo(&v, 0, 0);
}

/* ---- placement ---- */

static void test_place_at_the_minimum_rounded_up(void **state)
{
	uint64_t gpa = 0;

	(void)state;
	assert_int_equal(mb2_guest_place(&gmem, 0x100000, 0x1000, &gpa), 0);
	assert_int_equal(gpa, 0x100000);
	assert_int_equal(mb2_guest_place(&gmem, 0x100001, 0x1000, &gpa), 0);
	assert_int_equal(gpa, 0x101000);
	assert_int_equal(mb2_guest_place(&gmem, 0x0, 0x1000, &gpa), 0);
	assert_int_equal(gpa, 0x100000);	/* nothing below 1 MiB is guest RAM */
	assert_int_equal(mb2_guest_place(&gmem, 0x250123, 0x800, &gpa), 0);
	assert_int_equal(gpa, 0x251000);
}

static void test_place_skips_holes_and_small_ranges(void **state)
{
	uint64_t gpa = 0;

	(void)state;
	/* Ends exactly at the end of the first range. */
	assert_int_equal(mb2_guest_place(&gmem, 0x17f000, 0x1000, &gpa), 0);
	assert_int_equal(gpa, 0x17f000);
	/* A minimum one byte later: past the hole, the page at 0x181000,
	 * which it fills exactly. */
	assert_int_equal(mb2_guest_place(&gmem, 0x17f001, 0x1000, &gpa), 0);
	assert_int_equal(gpa, 0x181000);
	assert_int_equal(mb2_guest_place(&gmem, 0x180000, 0x10, &gpa), 0);
	assert_int_equal(gpa, 0x181000);
	/* One byte more than a page fits in neither: 2 MiB. */
	assert_int_equal(mb2_guest_place(&gmem, 0x17f000, 0x1001, &gpa), 0);
	assert_int_equal(gpa, 2 * MIB);
}

static void test_place_reports_when_nothing_fits(void **state)
{
	uint64_t gpa = 0x1234;

	(void)state;
	assert_int_equal(mb2_guest_place(&gmem, 0x3ff000, 0x1001, &gpa), -ENOMEM);
	assert_log_contains("skiff: guest: no room for the 4097 bytes of boot information in "
			    "guest RAM from 0x3ff000 up to 4 GiB\n");
	assert_int_equal(gpa, 0x1234);
	assert_int_equal(mb2_guest_place(&gmem, TOP - 10, 8, &gpa), -ENOMEM);
	assert_int_equal(mb2_guest_place(&gmem, 0, 3 * MIB, &gpa), -ENOMEM);
}

static void test_place_stays_below_4g(void **state)
{
	static const struct phys_range high[] = {
		R(0x100000, 0x101000), R(0xfff00000, 0x100100000ull), R(0x100200000ull, 8 * GIB),
	};
	const struct guest_mem m = { high, ARRAY_SIZE(high), 0 };
	uint64_t gpa = 0;

	(void)state;
	assert_int_equal(mb2_guest_place(&m, 0x100000, 0x2000, &gpa), 0);
	assert_int_equal(gpa, 0xfff00000);
	assert_int_equal(mb2_guest_place(&m, 0xfffff000, 0x1000, &gpa), 0);
	assert_int_equal(gpa, 0xfffff000);	/* ends exactly at 4 GiB */
	/* Room in the straddling range and above 4 GiB, but not below it. */
	assert_int_equal(mb2_guest_place(&m, 0xfffff000, 0x1001, &gpa), -ENOMEM);
	assert_int_equal(mb2_guest_place(&m, 4 * GIB, 0x10, &gpa), -ENOMEM);
}

/* ---- building: every refusal leaves guest memory alone ---- */

static void test_too_small_space_is_refused(void **state)
{
	size_t need;

	(void)state;
	qemu_machine();
	need = mb2_guest_size(&in);
	assert_int_equal(mb2_guest_build(&in, 1 * MIB, need - 1), -ENOSPC);
	assert_log_contains("skiff: guest: the boot information needs ");
	assert_log_contains(" bytes; only ");
	assert_guest_untouched();
	assert_int_equal(mb2_guest_build(&in, 1 * MIB, need), (int)need);
}

static void test_exactly_enough_space_ending_a_range(void **state)
{
	size_t need;
	uint64_t at;

	(void)state;
	qemu_machine();
	need = mb2_guest_size(&in);
	at = 0x180000 - need;	/* 8-aligned: every tag is */
	assert_int_equal(mb2_guest_build(&in, at, need), (int)need);
	assert_int_equal(guest[at - 1], GUEST_FILL);
	for (size_t i = 0x180000; i < 0x182000; i++)
		assert_int_equal(guest[i], GUEST_FILL);
}

static void test_space_outside_guest_ram_is_refused(void **state)
{
	(void)state;
	qemu_machine();
	assert_int_equal(mb2_guest_build(&in, 0x17f000, 0x2000), -EFAULT);
	assert_log_contains("skiff: guest: boot information space 0x17f000, 8192 bytes, is not all "
			    "guest RAM\n");
	assert_int_equal(mb2_guest_build(&in, 0x80000, 0x1000), -EFAULT);
	assert_guest_untouched();
}

static void test_misaligned_address_is_refused(void **state)
{
	(void)state;
	qemu_machine();
	assert_int_equal(mb2_guest_build(&in, 0x100004, 0x1000), -EINVAL);
	assert_log_contains("boot information address 0x100004 is not 8-byte aligned");
	assert_guest_untouched();
}

static void test_address_above_4g_is_refused(void **state)
{
	static const struct phys_range high[] = { R(4 * GIB, 5 * GIB) };
	const struct guest_mem m = { high, 1, (uintptr_t)guest };

	(void)state;
	qemu_machine();
	in.mem = &m;
	assert_int_equal(mb2_guest_build(&in, 4 * GIB, 0x1000), -ERANGE);
	assert_log_contains("boot information at 0x100000000, ");
	assert_log_contains("reaches above 4 GiB");
	assert_guest_untouched();
}

/* ---- module tags (3.6.6) ---- */

static const struct guest_module two_modules[] = {
	{ .data = NULL, .size = 0x2345, .cmdline = "initrd.img", .gpa = 0x200000 },
	{ .data = NULL, .size = 0, .cmdline = "", .gpa = 0x203000 },
};

static void test_modules_become_tags_in_order(void **state)
{
	static struct boot_info bi;
	struct mbi_view v;
	struct mb2_tag_module m;
	uint32_t size;
	const uint8_t *t;

	(void)state;
	qemu_machine();
	in.modules = two_modules;
	in.module_count = ARRAY_SIZE(two_modules);
	build_ok(&v);
	assert_int_equal(v.types[0], MB2_TAG_CMDLINE);
	assert_int_equal(v.types[1], MB2_TAG_BOOT_LOADER_NAME);
	assert_int_equal(v.types[2], MB2_TAG_MODULE);
	assert_int_equal(v.types[3], MB2_TAG_MODULE);
	t = find(&v, MB2_TAG_MODULE, &size);
	assert_int_equal(size, sizeof(m) + sizeof("initrd.img"));
	memcpy(&m, t, sizeof(m));
	assert_int_equal(m.mod_start, 0x200000);
	assert_int_equal(m.mod_end, 0x202345);
	assert_string_equal((const char *)t + sizeof(m), "initrd.img");
	/* skiff's own parser, as a guest would read it. */
	memset(&bi, 0, sizeof(bi));
	assert_int_equal(bootinfo_parse(MULTIBOOT2_BOOTLOADER_MAGIC, v.base, v.total, &bi), 0);
	assert_int_equal(bi.warnings, 0);
	assert_int_equal(bi.module_count, 2);
	assert_int_equal(bi.modules[0].start, 0x200000);
	assert_int_equal(bi.modules[0].end, 0x202345);
	assert_string_equal(bi.modules[0].cmdline, "initrd.img");
	assert_int_equal(bi.modules[1].start, 0x203000);
	assert_int_equal(bi.modules[1].end, 0x203000);
	assert_string_equal(bi.modules[1].cmdline, "");
}

static void test_module_with_no_cmdline_gets_an_empty_string(void **state)
{
	const struct guest_module mod = { .size = 1, .cmdline = NULL, .gpa = 0x200000 };
	struct mbi_view v;
	uint32_t size;
	const uint8_t *t;

	(void)state;
	qemu_machine();
	in.modules = &mod;
	in.module_count = 1;
	build_ok(&v);
	t = find(&v, MB2_TAG_MODULE, &size);
	assert_int_equal(size, sizeof(struct mb2_tag_module) + 1);
	assert_int_equal(t[sizeof(struct mb2_tag_module)], 0);
}

static void test_module_above_4g_is_refused(void **state)
{
	const struct guest_module mod = { .size = 0x2000, .cmdline = "x", .gpa = 0xfffff000 };

	(void)state;
	qemu_machine();
	in.modules = &mod;
	in.module_count = 1;
	assert_int_equal(mb2_guest_build(&in, 2 * MIB, 0x1000), -ERANGE);
	assert_log_contains("a module reaches above 4 GiB");
	assert_guest_untouched();
}

static void test_setup_places_and_builds(void **state)
{
	uint64_t gpa = 0;
	struct mbi_view v;

	(void)state;
	qemu_machine();
	in.rsdp_revision = 1;
	assert_int_equal(mb2_guest_setup(&in, 0x17fe01, &gpa), 0);
	/* Rounded up to a page, the minimum is the end of the first range. */
	assert_int_equal(gpa, 0x181000);
	view(gpa, &v);
	assert_int_equal(v.total, mb2_guest_size(&in));
	assert_int_equal(v.tags, 6);
	assert_string_equal(unit_log, "");
}

static void test_setup_reports_no_room(void **state)
{
	uint64_t gpa = 0;

	(void)state;
	qemu_machine();
	assert_int_equal(mb2_guest_setup(&in, GUEST_SPAN, &gpa), -ENOMEM);
	assert_log_contains("no room for the ");
	assert_guest_untouched();
}

/* ---- property: any map, any kept ranges ---- */

static uint64_t rng = 0x9e3779b97f4a7c15ull;

static uint64_t rnd(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

static unsigned int model_rank(uint32_t t)
{
	static const unsigned int rank[] = { [1] = 1, [2] = 4, [3] = 2, [4] = 3, [5] = 5 };

	return t >= 1 && t <= 5 ? rank[t] : 4;
}

/* The type the guest should see at x, straight from the definition. */
static int64_t model_type(uint64_t x)
{
	int64_t best = -1;
	bool is_kept = false;

	for (size_t i = 0; i < in.mmap_count; i++) {
		const struct mem_range *e = &map[i];

		if (x < e->base || x - e->base >= e->length)
			continue;
		if (best < 0 || model_rank(e->type) > model_rank((uint32_t)best) ||
		    (model_rank(e->type) == model_rank((uint32_t)best) && e->type > best))
			best = e->type;
	}
	for (size_t i = 0; i < in.kept_count; i++)
		is_kept |= x >= kept[i].base && x < kept[i].end;
	return best >= 0 && is_kept ? 2 : best;
}

static int64_t output_type(const struct mb2_mmap_entry *e, size_t n, uint64_t x)
{
	for (size_t i = 0; i < n; i++)
		if (x >= e[i].base_addr && x - e[i].base_addr < e[i].length)
			return e[i].type;
	return -1;
}

static void check_point(const struct mb2_mmap_entry *e, size_t n, uint64_t x, uint64_t seed)
{
	if (x >= 16 * MIB)
		return;
	if (output_type(e, n, x) != model_type(x))
		fail_msg("seed %llu: at 0x%llx the map says %lld, the model %lld",
			 (unsigned long long)seed, (unsigned long long)x,
			 (long long)output_type(e, n, x), (long long)model_type(x));
}

static uint64_t random_addr(void)
{
	/* Mostly page-aligned, sometimes not: both occur in real maps. */
	uint64_t a = rnd() % (16 * MIB);

	return rnd() % 4 ? a & ~0xfffull : a;
}

static void property_one(uint64_t seed)
{
	static const uint32_t types[] = { 1, 1, 1, 2, 3, 4, 5, 0, 20 };
	static struct mb2_mmap_entry out[512];
	struct mbi_view v;
	size_t n;

	reset_inputs();
	memset(guest + 1 * MIB, GUEST_FILL, 0x1000);
	for (size_t i = 0, count = rnd() % 40; i < count; i++) {
		uint64_t base = random_addr();

		map_add(base, rnd() % 8 ? random_addr() % (4 * MIB) : 0, types[rnd() % ARRAY_SIZE(types)]);
	}
	for (size_t i = 0, count = rnd() % 12; i < count; i++) {
		uint64_t base = random_addr();

		kept_add(base, base + random_addr() % (2 * MIB));
	}
	build_ok(&v);
	n = map_entries(&v, out, ARRAY_SIZE(out));
	for (size_t i = 0; i < n; i++) {
		assert_true(out[i].length > 0);
		if (i == 0)
			continue;
		/* Sorted, apart, and never two touching runs of one type. */
		assert_true(out[i - 1].base_addr + out[i - 1].length <= out[i].base_addr);
		assert_false(out[i - 1].base_addr + out[i - 1].length == out[i].base_addr &&
			     out[i - 1].type == out[i].type);
	}
	for (size_t i = 0; i < in.mmap_count; i++) {
		check_point(out, n, map[i].base, seed);
		check_point(out, n, map[i].base - 1, seed);
		check_point(out, n, map[i].base + map[i].length, seed);
		check_point(out, n, map[i].base + map[i].length - 1, seed);
	}
	for (size_t i = 0; i < in.kept_count; i++) {
		check_point(out, n, kept[i].base, seed);
		check_point(out, n, kept[i].base - 1, seed);
		check_point(out, n, kept[i].end, seed);
		check_point(out, n, kept[i].end - 1, seed);
	}
	for (int i = 0; i < 200; i++)
		check_point(out, n, random_addr(), seed);
}

static void test_property_map_matches_the_definition(void **state)
{
	(void)state;
	for (uint64_t seed = 1; seed <= 1000; seed++)
		property_one(seed);
}

/* The largest map boot_info holds, cut by the most ranges skiff keeps. */
static void test_largest_map_fits_and_reads_back(void **state)
{
	static struct boot_info bi;
	struct mbi_view v;

	(void)state;
	for (uint64_t i = 0; i < BOOTINFO_MAX_MMAP; i++)
		map_add(i * 0x10000, 0x8000 + (i % 2) * 0x8000, i % 3 ? MEM_USABLE : MEM_RESERVED);
	for (uint64_t i = 0; i < 11; i++)
		kept_add(0x4000 + i * 0x70000, 0x5000 + i * 0x70000);
	build_ok(&v);
	memset(&bi, 0, sizeof(bi));
	assert_int_equal(bootinfo_parse(MULTIBOOT2_BOOTLOADER_MAGIC, v.base, v.total, &bi), 0);
	assert_int_equal(bi.warnings, 0);
	assert_true(bi.mmap_count > BOOTINFO_MAX_MMAP / 2);
}

/* ---- one source of truth: the map's RAM is the hypercalls' RAM ---- */

/* Builds at HOME with guest RAM exactly ranges (HOME added). */
static void build_with_guest_ram(const struct phys_range *ranges, size_t count,
				 struct mbi_view *v)
{
	int n;

	assert_true(count < ARRAY_SIZE(derived));
	memcpy(derived, ranges, count * sizeof(ranges[0]));
	derived[count] = R(HOME_GPA, HOME_GPA + HOME_SIZE);
	gmem = (struct guest_mem){ derived, count + 1, (uintptr_t)guest + 1 * MIB - HOME_GPA };
	n = mb2_guest_build(&in, HOME_GPA, HOME_SIZE);
	if (n < 0)
		fail_msg("mb2_guest_build: %d; log:\n%s", n, unit_log);
	view(HOME_GPA, v);
}

/* RAM the firmware calls available but that is not the guest's (skiff's
 * layout keeps the first MiB out of guest RAM, and only whole pages go to
 * the guest) is reserved in the guest's map: the guest must not be told
 * it may use a buffer a hypercall would refuse. */
static void test_ram_outside_guest_ram_is_reserved(void **state)
{
	static const struct phys_range ram[] = {
		R(1 * MIB, 16 * MIB), R(18 * MIB + 0x1000, 0x1ffe0000 - 16 * MIB),
	};
	struct mbi_view v;

	(void)state;
	qemu_machine();
	build_with_guest_ram(ram, ARRAY_SIZE(ram), &v);
	assert_map(&v,
		   E(0x0, 0xa0000, 2),	/* the first MiB's RAM and the EBDA, joined */
		   E(0xf0000, 0x100000, 2),
		   E(0x100000, 16 * MIB, 1),
		   E(16 * MIB, 18 * MIB + 0x1000, 2),
		   E(18 * MIB + 0x1000, 0x1ffe0000 - 16 * MIB, 1),
		   E(0x1ffe0000 - 16 * MIB, 0x20000000, 2),
		   E(0xfffc0000, 0x100000000, 2));
	/* No available RAM at 0 any more: no lower memory. */
	assert_meminfo(&v, 0, 15 * 1024);
}

/* Part pages at an entry's edges: only the whole pages inside are RAM. */
static void test_part_pages_are_reserved(void **state)
{
	static const struct phys_range ram[] = { R(0x101000, 0x1ff000) };
	struct mbi_view v;

	(void)state;
	map_add(0x100800, 0xff000, MEM_USABLE);	/* 0x100800 .. 0x1ff800 */
	build_with_guest_ram(ram, ARRAY_SIZE(ram), &v);
	assert_map(&v, E(0x100800, 0x101000, 2), E(0x101000, 0x1ff000, 1),
		   E(0x1ff000, 0x1ff800, 2));
}

static struct boot_info layout_bi;

static void layout_map_add(uint64_t base, uint64_t length, uint32_t type)
{
	assert_true(layout_bi.mmap_count < BOOTINFO_MAX_MMAP);
	layout_bi.mmap[layout_bi.mmap_count++] = (struct mem_range){ base, length, type };
}

/* Available in the map the guest got, by its entries. */
static bool map_says_available(const struct mb2_mmap_entry *e, size_t n, uint64_t x)
{
	for (size_t i = 0; i < n; i++)
		if (x >= e[i].base_addr && x - e[i].base_addr < e[i].length)
			return e[i].type == MB2_MEMORY_AVAILABLE;
	return false;
}

static void check_agreement(const struct mb2_mmap_entry *e, size_t n, uint64_t x,
			    const struct guest_mem *ram)
{
	if (map_says_available(e, n, x) != guest_mem_contains(ram, x, 1))
		fail_msg("at 0x%llx the map says %savailable, the hypercall check %s it",
			 (unsigned long long)x, map_says_available(e, n, x) ? "" : "not ",
			 guest_mem_contains(ram, x, 1) ? "takes" : "refuses");
}

/*
 * The guest's map from skiff's real layout of an untidy machine: every
 * byte the map calls available is accepted by the hypercalls' check
 * (guest_mem_contains(), over the same layout's guest ranges) and every
 * other byte refused.  Both change only at an entry's or a range's edge,
 * so each edge and the bytes either side of it settle every byte.
 */
static void test_map_and_hypercall_check_agree(void **state)
{
	static struct mm_layout l;
	static struct mb2_mmap_entry out[256];
	const struct phys_range image = { 16 * MIB, 16 * MIB + 0x2345 };
	struct guest_mem ram;
	struct mbi_view v;
	size_t n;

	(void)state;
	memset(&layout_bi, 0, sizeof(layout_bi));
	layout_map_add(0x0, 0x9fc00, MEM_USABLE);
	layout_map_add(0x9fc00, 0x400, MEM_RESERVED);
	layout_map_add(0xf0000, 0x10000, MEM_RESERVED);
	layout_map_add(0x100000, 0x1fee0000, MEM_USABLE);
	layout_map_add(0x3000800, 0x100, MEM_ACPI_RECLAIMABLE);	/* inside RAM, unaligned */
	layout_map_add(0x5000000, 0x1801, MEM_USABLE);	/* overlaps RAM, odd end */
	layout_map_add(0x7fff000, 0x2000, MEM_ACPI_NVS);
	layout_map_add(0x1ffe0000, 0x20000, MEM_RESERVED);
	layout_map_add(0x20000000, 0x800, MEM_USABLE);	/* less than a page */
	layout_map_add(0xfffc0000, 0x40000, MEM_RESERVED);
	layout_bi.mbi_addr = 18 * MIB + 0x100;
	layout_bi.mbi_size = 0x900;
	layout_bi.modules[0] = (struct boot_module){ .start = 20 * MIB + 0x10, .end = 21 * MIB };
	layout_bi.module_count = 1;
	assert_int_equal(mm_layout_build(&layout_bi, &image, 16 * MIB, &l), 0);

	in.mmap = layout_bi.mmap;
	in.mmap_count = layout_bi.mmap_count;
	in.kept_count = 0;
	for (size_t i = 0; i < l.skiff_count; i++)
		kept_add(l.skiff[i].range.base, l.skiff[i].range.end);
	build_with_guest_ram(l.guest, l.guest_count, &v);
	ram = (struct guest_mem){ l.guest, l.guest_count, 0 };
	n = map_entries(&v, out, ARRAY_SIZE(out));
	assert_true(n > 0);

	for (size_t i = 0; i < n; i++) {
		uint64_t edges[] = { out[i].base_addr, out[i].base_addr + out[i].length };

		for (size_t k = 0; k < 2; k++) {
			check_agreement(out, n, edges[k] - 1, &ram);
			check_agreement(out, n, edges[k], &ram);
			check_agreement(out, n, edges[k] + 1, &ram);
		}
		if (out[i].type == MB2_MEMORY_AVAILABLE)	/* one whole buffer */
			assert_true(guest_mem_contains(&ram, out[i].base_addr, out[i].length));
	}
	for (size_t i = 0; i < l.guest_count; i++) {
		check_agreement(out, n, l.guest[i].base - 1, &ram);
		check_agreement(out, n, l.guest[i].base, &ram);
		check_agreement(out, n, l.guest[i].end - 1, &ram);
		check_agreement(out, n, l.guest[i].end, &ram);
	}
	/* The cases that disagreed before: the first MiB, and part pages. */
	check_agreement(out, n, 0x0, &ram);
	check_agreement(out, n, 0x9f000, &ram);
	check_agreement(out, n, 0x3000000, &ram);
	check_agreement(out, n, 0x20000000, &ram);
	assert_false(map_says_available(out, n, 0x1000));
}

#define T(name)	cmocka_unit_test_setup(name, setup)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_tags_in_order_with_strings),
		T(test_size_is_what_the_tags_add_up_to),
		T(test_qemu_map_with_skiffs_pages_reserved),
		T(test_skiffs_parser_reads_it_back),
		T(test_no_cmdline_gives_an_empty_string),
		T(test_acpi_1_rsdp_goes_in_tag_14),
		T(test_acpi_2_rsdp_goes_in_tag_15),
		T(test_no_rsdp_no_acpi_tag),
		T(test_short_rsdp_copy_is_refused),
		T(test_cut_at_the_start_of_an_entry),
		T(test_cut_in_the_middle_of_an_entry),
		T(test_cut_at_the_end_of_an_entry),
		T(test_whole_entry_kept),
		T(test_kept_range_beyond_an_entry_adds_nothing),
		T(test_several_cuts_in_any_order),
		T(test_kept_pages_in_non_ram_entries_are_reserved),
		T(test_unsorted_overlapping_map_comes_out_sorted),
		T(test_adjacent_entries_of_one_type_are_joined),
		T(test_empty_and_wrapping_entries),
		T(test_empty_map),
		T(test_meminfo_caps_lower_memory_at_640k),
		T(test_meminfo_upper_stops_at_the_first_hole),
		T(test_meminfo_counts_none_of_skiffs_pages),
		T(test_place_at_the_minimum_rounded_up),
		T(test_place_skips_holes_and_small_ranges),
		T(test_place_reports_when_nothing_fits),
		T(test_place_stays_below_4g),
		T(test_too_small_space_is_refused),
		T(test_exactly_enough_space_ending_a_range),
		T(test_space_outside_guest_ram_is_refused),
		T(test_misaligned_address_is_refused),
		T(test_address_above_4g_is_refused),
		T(test_modules_become_tags_in_order),
		T(test_module_with_no_cmdline_gets_an_empty_string),
		T(test_module_above_4g_is_refused),
		T(test_setup_places_and_builds),
		T(test_setup_reports_no_room),
		T(test_largest_map_fits_and_reads_back),
		T(test_property_map_matches_the_definition),
		T(test_ram_outside_guest_ram_is_reserved),
		T(test_part_pages_are_reserved),
		T(test_map_and_hypercall_check_agree),
	};

	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
