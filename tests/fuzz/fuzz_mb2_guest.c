/*
 * The guest's Multiboot2 information, built from what the firmware and
 * skiff's layout say: the input is a memory map (overlapping, unsorted,
 * wrapping, with unknown types, as firmware maps can be), the ranges skiff
 * keeps, a command line, an RSDP revision and a lowest address.  The
 * structure is sized, placed and built into guest RAM, then read back by
 * skiff's own bootinfo_parse() and by a walk of the memory map here.
 *
 * Guest RAM, a host buffer with a hole; the hole and the margins are
 * poisoned, and everything is checked for the canary after each input:
 *
 *   0x00000 .. 0x01000   margin
 *   0x01000 .. 0x09000   RAM A
 *   0x09000 .. 0x0a000   hole
 *   0x0a000 .. 0x30000   RAM B
 *   0x30000 .. 0x31000   margin
 *   4 GiB   .. +1 MiB    RAM with no host memory: never a place (the
 *                        guest gets the address in 32-bit EBX)
 *
 * What mb2_guest.h promises, checked: placement at the lowest 4 KiB-aligned
 * fit at or above min; the structure exactly mb2_guest_size() bytes, all of
 * it where it was placed and nothing written elsewhere (nor anything at all
 * on a refusal); tags that skiff's parser takes without a warning; and a
 * memory map that is sorted, without overlaps or empty entries, with
 * adjacent runs of one type joined, no kept byte usable, and everywhere
 * the type that the most restrictive covering entry has (reserved where
 * skiff keeps the page, and where that type is available but the byte is
 * not guest RAM: the map's available bytes are exactly the guest RAM the
 * hypercalls check against).
 */
#include "fuzz_guest_window.h"
#include "fuzz_support.h"

#include <string.h>
#include <stdlib.h>

#include "boot/multiboot2.h"
#include "bootinfo.h"
#include "lib/errno.h"
#include "vm/mb2_guest.h"

#define MAX_MAP		64
#define MAX_KEPT	8
#define MAX_OUT		512
#define CMDLINE_MAX	300
#define TOP		(~0ull)


static void check_window_untouched(const char *when)
{
	size_t at;

	poison_not_ram(false);
	at = fuzz_all_bytes(win, WIN_SIZE, FILL) ? WIN_SIZE : fuzz_first_not(win, WIN_SIZE, FILL);
	fuzz_check(at == WIN_SIZE, "%s: guest memory changed at 0x%zx", when, at);
	poison_not_ram(true);
}

/* ---- the input ---- */

struct input {
	struct mem_range map[MAX_MAP];
	struct phys_range kept[MAX_KEPT];
	char cmdline[CMDLINE_MAX + 1];
	uint8_t rsdp[MB2_GUEST_RSDP_V2_SIZE];
	struct mb2_guest_input in;
	uint64_t min;
};

/* Addresses that are not raw cluster where the boundaries in real maps do. */
static uint64_t take_addr(struct fuzz_in *in)
{
	static const uint64_t edges[] = {
		0, 0x9fc00, 0x100000, RAM_A_END, RAM_B_BASE, 0xfffc0000, HIGH_BASE, TOP,
	};
	uint8_t how = fuzz_u8(in);

	if (how < 0x30)
		return fuzz_u64(in);
	if (how < 0x80)
		return (uint64_t)fuzz_u16(in) << 12;
	return edges[how % ARRAY_SIZE(edges)] + (uint64_t)(int64_t)(int16_t)fuzz_u16(in);
}

static uint64_t take_length(struct fuzz_in *in)
{
	uint8_t how = fuzz_u8(in);

	if (how < 0x30)
		return fuzz_u64(in);
	if (how < 0xc0)
		return (uint64_t)fuzz_u16(in) << 12;
	return fuzz_u16(in);
}

static uint32_t take_type(struct fuzz_in *in)
{
	uint8_t t = fuzz_u8(in);

	return t < 0xf0 ? 1 + t % 6 : fuzz_u32(in);	/* 1..5, 6: unknown */
}

static void take_input(struct fuzz_in *in, struct input *x)
{
	uint8_t flags = fuzz_u8(in);
	size_t nmap = fuzz_u8(in) % (MAX_MAP + 1), nkept = fuzz_u8(in) % (MAX_KEPT + 1);
	size_t len = fuzz_u16(in) % (CMDLINE_MAX + 1);

	for (size_t i = 0; i < nmap; i++) {
		x->map[i].base = take_addr(in);
		x->map[i].length = take_length(in);
		x->map[i].type = take_type(in);
	}
	for (size_t i = 0; i < nkept; i++) {
		x->kept[i].base = take_addr(in);
		x->kept[i].end = x->kept[i].base + take_length(in);	/* may wrap: empty */
	}
	len = fuzz_bytes(in, x->cmdline, len);
	x->cmdline[len] = '\0';
	for (size_t i = 0; i < sizeof(x->rsdp); i++)
		x->rsdp[i] = (uint8_t)(0x80 + i);
	x->min = take_addr(in);
	x->in = (struct mb2_guest_input){
		.mem = &mem, .mmap = x->map, .mmap_count = nmap, .kept = x->kept,
		.kept_count = nkept, .cmdline = flags & 4 ? NULL : x->cmdline,
		.loader_name = flags & 8 ? NULL : "skiff fuzz", .rsdp = x->rsdp,
		.rsdp_len = sizeof(x->rsdp), .rsdp_revision = flags % 3,
	};
}

/* ---- the model of the map ---- */

static uint64_t clip_end(const struct mem_range *e)
{
	return e->base + e->length < e->base ? TOP : e->base + e->length;
}

/* mb2_guest.h: bad > reserved or unknown > ACPI NVS > ACPI reclaimable >
 * available. */
static int rank(uint32_t type)
{
	switch (type) {
	case MEM_USABLE: return 1;
	case MEM_ACPI_RECLAIMABLE: return 2;
	case MEM_ACPI_NVS: return 3;
	case MEM_BAD: return 5;
	default: return 4;
	}
}

static bool kept_at(const struct input *x, uint64_t a)
{
	for (size_t i = 0; i < x->in.kept_count; i++)
		if (x->kept[i].base <= a && a < x->kept[i].end)
			return true;
	return false;
}

/* Whether some entry covers a, and the highest rank among those that do. */
static int model_rank_at(const struct input *x, uint64_t a)
{
	int best = 0;

	for (size_t i = 0; i < x->in.mmap_count; i++) {
		const struct mem_range *e = &x->map[i];

		if (e->length && e->base <= a && a < clip_end(e) && rank(e->type) > best)
			best = rank(e->type);
	}
	return best;
}

static bool model_has_type_at(const struct input *x, uint64_t a, uint32_t type)
{
	for (size_t i = 0; i < x->in.mmap_count; i++) {
		const struct mem_range *e = &x->map[i];

		if (e->length && e->base <= a && a < clip_end(e) && e->type == type)
			return true;
	}
	return false;
}

/* ---- reading the structure back ---- */

struct out_map {
	struct mb2_mmap_entry e[MAX_OUT];
	size_t n;
	struct mb2_tag_basic_meminfo meminfo;
	bool have_meminfo;
};

/* The tags' types and sizes as 3.6.2 lays them out; keeps the memory map
 * and the basic memory information. */
static void walk(const uint8_t *b, uint32_t total, struct out_map *o)
{
	uint32_t off = sizeof(struct mb2_info);

	for (;;) {
		struct mb2_tag t;

		fuzz_check(off + sizeof(t) <= total, "tags run past total_size");
		memcpy(&t, b + off, sizeof(t));
		fuzz_check(t.size >= sizeof(t) && t.size <= total - off, "tag size %u", t.size);
		if (t.type == MB2_TAG_END) {
			fuzz_check(t.size == 8 && off + 8 == total, "the end tag is not last");
			return;
		}
		if (t.type == MB2_TAG_BASIC_MEMINFO) {
			fuzz_check(t.size == sizeof(o->meminfo), "meminfo size %u", t.size);
			memcpy(&o->meminfo, b + off, sizeof(o->meminfo));
			o->have_meminfo = true;
		}
		if (t.type == MB2_TAG_MMAP) {
			struct mb2_tag_mmap m;

			memcpy(&m, b + off, sizeof(m));
			fuzz_check(m.entry_size == sizeof(struct mb2_mmap_entry) &&
				   m.entry_version == 0 && (t.size - sizeof(m)) % m.entry_size == 0,
				   "memory map header");
			o->n = (t.size - sizeof(m)) / m.entry_size;
			fuzz_check(o->n <= MAX_OUT, "%zu map entries", o->n);
			memcpy(o->e, b + off + sizeof(m), o->n * sizeof(o->e[0]));
		}
		off += (t.size + 7) & ~7u;
	}
}

static bool out_at(const struct out_map *o, uint64_t a, uint32_t *type)
{
	for (size_t i = 0; i < o->n; i++) {
		if (o->e[i].base_addr <= a && a - o->e[i].base_addr < o->e[i].length) {
			*type = o->e[i].type;
			return true;
		}
	}
	return false;
}

static bool in_guest_ram(uint64_t a)
{
	for (size_t i = 0; i < ARRAY_SIZE(ram); i++)
		if (ram[i].base <= a && a < ram[i].end)
			return true;
	return false;
}

/* The type the map gives at a is the one the model gives. */
static void check_point(const struct input *x, const struct out_map *o, uint64_t a)
{
	int want = model_rank_at(x, a);
	uint32_t got;
	bool covered = out_at(o, a, &got);

	fuzz_check(covered == (want > 0), "0x%llx: %s in the guest's map, %s in the firmware's",
		   (unsigned long long)a, covered ? "present" : "absent",
		   want ? "present" : "absent");
	if (!covered)
		return;
	if (kept_at(x, a)) {
		fuzz_check(got == MEM_RESERVED, "0x%llx: skiff keeps it, the guest's map says type %u",
			   (unsigned long long)a, got);
		return;
	}
	if (want == rank(MEM_USABLE) && !in_guest_ram(a)) {
		fuzz_check(got == MEM_RESERVED, "0x%llx: available, not guest RAM, the guest's map "
			   "says type %u", (unsigned long long)a, got);
		return;
	}
	fuzz_check(rank(got) == want && model_has_type_at(x, a, got),
		   "0x%llx: type %u, where the most restrictive entry has rank %d",
		   (unsigned long long)a, got, want);
}

static void check_point_and_before(const struct input *x, const struct out_map *o, uint64_t a)
{
	check_point(x, o, a);
	if (a)
		check_point(x, o, a - 1);
}

/* Between two neighbouring boundaries of the input and the output nothing
 * changes on either side, so checking at every boundary checks it all. */
static void check_map(const struct input *x, const struct out_map *o)
{
	for (size_t i = 0; i < o->n; i++) {
		const struct mb2_mmap_entry *e = &o->e[i];

		fuzz_check(e->length > 0 && e->base_addr + e->length > e->base_addr &&
			   e->reserved == 0, "entry %zu: empty, wrapping or with reserved bits", i);
		if (i > 0) {
			const struct mb2_mmap_entry *p = &o->e[i - 1];

			fuzz_check(p->base_addr + p->length <= e->base_addr,
				   "entries %zu and %zu overlap or are out of order", i - 1, i);
			fuzz_check(p->base_addr + p->length < e->base_addr || p->type != e->type,
				   "entries %zu and %zu touch with type %u: not joined", i - 1, i,
				   e->type);
		}
		for (size_t k = 0; k < x->in.kept_count && e->type == MEM_USABLE; k++)
			fuzz_check(!range_overlaps(x->kept[k], (struct phys_range){
				e->base_addr, e->base_addr + e->length }),
				"entry %zu gives skiff's range 0x%llx..0x%llx as usable", i,
				(unsigned long long)x->kept[k].base, (unsigned long long)x->kept[k].end);
		check_point_and_before(x, o, e->base_addr);
		check_point_and_before(x, o, e->base_addr + e->length);
	}
	for (size_t i = 0; i < x->in.mmap_count; i++) {
		check_point_and_before(x, o, x->map[i].base);
		check_point_and_before(x, o, clip_end(&x->map[i]));
	}
	for (size_t i = 0; i < x->in.kept_count; i++) {
		check_point_and_before(x, o, x->kept[i].base);
		check_point_and_before(x, o, x->kept[i].end);
	}
	for (size_t i = 0; i < ARRAY_SIZE(ram); i++) {
		check_point_and_before(x, o, ram[i].base);
		check_point_and_before(x, o, ram[i].end);
	}
	check_point(x, o, 0);
}

/* 3.6.3 from the guest's own map. */
static void check_meminfo(const struct out_map *o)
{
	uint32_t lower = 0, upper = 0;

	fuzz_check(o->have_meminfo, "no basic memory information");
	for (size_t i = 0; i < o->n; i++) {
		uint64_t b = o->e[i].base_addr, end = b + o->e[i].length;

		if (o->e[i].type != MEM_USABLE)
			continue;
		if (b == 0)
			lower = (uint32_t)((end < (640u << 10) ? end : 640u << 10) >> 10);
		if (b <= (1u << 20) && end > (1u << 20))
			upper = (end - (1u << 20)) >> 10 > UINT32_MAX ? UINT32_MAX :
				(uint32_t)((end - (1u << 20)) >> 10);
	}
	fuzz_check(o->meminfo.mem_lower == lower && o->meminfo.mem_upper == upper,
		   "meminfo %u/%u KiB, the map says %u/%u", o->meminfo.mem_lower,
		   o->meminfo.mem_upper, lower, upper);
}

static void check_parsed(const struct input *x, const uint8_t *b, int n)
{
	static struct boot_info bi;
	static struct out_map o;
	const char *cmd = x->in.cmdline ? x->in.cmdline : "";
	const char *name = x->in.loader_name ? x->in.loader_name : MB2_GUEST_LOADER_NAME;
	size_t rsdp = x->in.rsdp_revision == 0 ? 0 : x->in.rsdp_revision == 1 ? 20 : 36;
	uint32_t warnings = 0;
	int rc = bootinfo_parse(MULTIBOOT2_BOOTLOADER_MAGIC, b, (uint64_t)n, &bi);

	memset(&o, 0, sizeof(o));
	walk(b, (uint32_t)n, &o);
	warnings += strlen(cmd) >= sizeof(bi.cmdline);		/* clipped by the parser */
	warnings += o.n > BOOTINFO_MAX_MMAP;			/* likewise */
	warnings += o.n == 0;					/* an empty map is refused */
	fuzz_check(rc == 0 && bi.warnings == warnings,
		   "skiff's own parser: result %d, %u warnings, %u expected", rc, bi.warnings,
		   warnings);
	fuzz_check(bi.mbi_size == (uint32_t)n, "total_size %u of %d bytes", bi.mbi_size, n);
	fuzz_check(bi.has_cmdline && strncmp(bi.cmdline, cmd, sizeof(bi.cmdline) - 1) == 0,
		   "command line \"%s\", not \"%s\"", bi.cmdline, cmd);
	fuzz_check(strcmp(bi.loader_name, name) == 0, "loader name \"%s\"", bi.loader_name);
	fuzz_check(bi.rsdp_revision == x->in.rsdp_revision &&
		   memcmp(bi.rsdp, x->rsdp, rsdp) == 0, "RSDP revision %u, not %u",
		   bi.rsdp_revision, x->in.rsdp_revision);
	fuzz_check(bi.module_count == 0 && bi.fb.kind == FB_NONE, "tags skiff does not give");
	check_map(x, &o);
	check_meminfo(&o);
}

/* ---- placement ---- */

/* mb2_guest.h's rule for mb2_guest_place(), written out again. */
static bool model_place(uint64_t min, size_t size, uint64_t *gpa)
{
	bool found = false;

	for (size_t i = 0; i < ARRAY_SIZE(ram); i++) {
		uint64_t at = ram[i].base > min ? ram[i].base : min;

		if (at > TOP - 0xfff)
			continue;
		at = (at + 0xfff) & ~0xfffull;
		if (at >= ram[i].end || ram[i].end - at < size || at >= HIGH_BASE ||
		    HIGH_BASE - at < size)
			continue;
		if (!found || at < *gpa)
			*gpa = at;
		found = true;
	}
	return found;
}

/* mb2_guest_setup(), as vm_load.c calls it, against the model's place. */
static void run_setup(struct input *x)
{
	size_t size = mb2_guest_size(&x->in);
	uint64_t gpa = 0, want = 0;
	bool fits = model_place(x->min, size, &want);
	int rc = mb2_guest_setup(&x->in, x->min, &gpa);

	fuzz_check(size >= 8 + 16 && size % 8 == 0, "size %zu", size);
	fuzz_check(fits ? rc == 0 && gpa == want : rc == -ENOMEM,
		   "placing %zu bytes from 0x%llx: result %d at 0x%llx, the lowest fit is %s0x%llx",
		   size, (unsigned long long)x->min, rc, (unsigned long long)gpa,
		   fits ? "" : "none, not even ", (unsigned long long)want);
	if (rc)
		return;
	check_parsed(x, win + gpa, (int)size);
	memset(win + gpa, FILL, size);
}

/* A build at an address and capacity of the input's choosing: refused with
 * nothing written, or exactly the structure written at gpa. */
static void run_build_at(struct input *x, uint64_t gpa, size_t cap)
{
	size_t size = mb2_guest_size(&x->in);
	int n = mb2_guest_build(&x->in, gpa, cap);

	if (n < 0) {
		fuzz_check(n == -EINVAL || n == -EFAULT || n == -ENOSPC || n == -ERANGE,
			   "undocumented result %d", n);
		return;
	}
	fuzz_check((size_t)n == size && size <= cap && gpa % 8 == 0 &&
		   gpa >= RAM_A_BASE && gpa + cap <= WIN_SIZE,
		   "built %d bytes at 0x%llx in %zu", n, (unsigned long long)gpa, cap);
	check_parsed(x, win + gpa, n);
	memset(win + gpa, FILL, size);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_in in = { data, size };
	static struct input x;
	uint8_t mode = fuzz_u8(&in);

	setup_once();
	fuzz_log_reset();
	memset(&x, 0, sizeof(x));
	if (mode & 1) {
		uint64_t gpa = take_addr(&in);
		size_t cap = fuzz_u32(&in) % (WIN_SIZE + 1);

		take_input(&in, &x);
		run_build_at(&x, gpa, cap);
	} else {
		take_input(&in, &x);
		run_setup(&x);
	}
	check_window_untouched("after the build");
	return 0;
}
