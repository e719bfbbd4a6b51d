/*
 * The guest's Multiboot2 boot information; see mb2_guest.h.  Section
 * numbers are the Multiboot2 Specification 2.0's.
 *
 * One writer produces the structure both when sizing it (no buffer, only
 * a count) and when building it, so the size that was checked and placed
 * is by construction the size that is written; the writer still refuses
 * to pass its capacity.
 */
#include "vm/mb2_guest.h"

#include <stdbool.h>

#include "boot/multiboot2.h"
#include "lib/errno.h"
#include "lib/printf.h"
#include "lib/string.h"
#include "panic.h"

#define guest_msg(fmt, ...) \
	kprintf("skiff: guest: " fmt "\n", ##__VA_ARGS__)

/* Reports why the structure cannot be built; the expression's value is -err. */
#define refuse(err, fmt, ...) \
	(guest_msg(fmt, ##__VA_ARGS__), -(err))

/* The guest starts in 32-bit mode: EBX holds the structure's address. */
#define MBI_ADDR_LIMIT		(1ull << 32)
#define MBI_PLACE_ALIGN		PAGE_SIZE

/* 3.6.3: lower memory starts at 0 and ends by 640 KiB; upper memory starts
 * at 1 MiB and runs to the first hole. */
#define LOWER_MEM_MAX		(640ull << 10)
#define UPPER_MEM_BASE		(1ull << 20)

/* 3.6.8: the entry layout skiff writes. */
#define MMAP_ENTRY_VERSION	0

/* ---- the writer ---- */

struct mbi_writer {
	uint8_t *buf;		/* NULL: only count */
	size_t cap;
	size_t used;
	bool overflow;		/* a write was refused: the result is void */
};

static void put(struct mbi_writer *w, const void *src, size_t n)
{
	if (w->overflow || n > w->cap - w->used) {
		w->overflow = true;
		return;
	}
	if (w->buf)
		memcpy(w->buf + w->used, src, n);
	w->used += n;
}

/* Rewrites n bytes already written at off (a tag's size, say). */
static void patch(struct mbi_writer *w, size_t off, const void *src, size_t n)
{
	if (w->buf && !w->overflow && off <= w->used && n <= w->used - off)
		memcpy(w->buf + off, src, n);
}

/* 3.6.2: the next tag starts 8-aligned; the padding is zeroed. */
static void pad(struct mbi_writer *w)
{
	static const uint8_t zeros[MB2_TAG_ALIGN];

	put(w, zeros, align_up(w->used, MB2_TAG_ALIGN) - w->used);
}

/* Starts a tag whose size is filled in by tag_end(); returns its offset. */
static size_t tag_begin(struct mbi_writer *w, uint32_t type)
{
	struct mb2_tag t = { .type = type, .size = 0 };
	size_t off = w->used;

	put(w, &t, sizeof(t));
	return off;
}

/* 3.6.2: size counts the tag's header and contents but not its padding. */
static void tag_end(struct mbi_writer *w, size_t off)
{
	uint32_t size = (uint32_t)(w->used - off);

	patch(w, off + offsetof(struct mb2_tag, size), &size, sizeof(size));
	pad(w);
}

/* ---- the memory map (3.6.8) ---- */

static uint64_t entry_end(const struct mem_range *e)
{
	uint64_t end = e->base + e->length;

	return end < e->base ? ~0ull : end;	/* clip an entry that wraps */
}

/* Where entries overlap, the type that forbids more wins; unknown types
 * are reserved (3.6.8) and rank with type 2. */
static unsigned int type_rank(uint32_t type)
{
	switch (type) {
	case MB2_MEMORY_AVAILABLE:
		return 1;
	case MB2_MEMORY_ACPI_RECLAIMABLE:
		return 2;
	case MB2_MEMORY_NVS:
		return 3;
	case MB2_MEMORY_BADRAM:
		return 5;
	default:
		return 4;
	}
}

static bool kept_holds(const struct mb2_guest_input *in, uint64_t x)
{
	for (size_t i = 0; i < in->kept_count; i++)
		if (in->kept[i].base <= x && x < in->kept[i].end)
			return true;
	return false;
}

/* The type the guest sees at address x, or -1 where no entry covers it. */
static int64_t type_at(const struct mb2_guest_input *in, uint64_t x)
{
	int64_t best = -1;

	for (size_t i = 0; i < in->mmap_count; i++) {
		const struct mem_range *e = &in->mmap[i];

		if (e->length == 0 || x < e->base || x >= entry_end(e))
			continue;
		if (best < 0 || type_rank(e->type) > type_rank((uint32_t)best) ||
		    (type_rank(e->type) == type_rank((uint32_t)best) && e->type > best))
			best = e->type;
	}
	if (best >= 0 && kept_holds(in, x))
		return MB2_MEMORY_RESERVED;
	/* Available means guest RAM, the very ranges hypercalls and the ELF
	 * loader check against: RAM outside them (the first MiB, the part
	 * pages at a usable entry's edges) is the firmware's or skiff's. */
	if (best == MB2_MEMORY_AVAILABLE && !guest_mem_contains(in->mem, x, 1))
		return MB2_MEMORY_RESERVED;
	return best;
}

/* Keeps in *next the lowest boundary above x seen so far (x: none yet). */
static void consider(uint64_t v, uint64_t x, uint64_t *next)
{
	if (v > x && (*next == x || v < *next))
		*next = v;
}

/* The lowest address above x where some entry or kept range starts or
 * ends, or x itself when there is none. */
static uint64_t next_boundary(const struct mb2_guest_input *in, uint64_t x)
{
	uint64_t next = x;

	for (size_t i = 0; i < in->mmap_count; i++) {
		if (in->mmap[i].length == 0)
			continue;
		consider(in->mmap[i].base, x, &next);
		consider(entry_end(&in->mmap[i]), x, &next);
	}
	for (size_t i = 0; i < in->kept_count; i++) {
		consider(in->kept[i].base, x, &next);
		consider(in->kept[i].end, x, &next);
	}
	for (size_t i = 0; i < in->mem->count; i++) {
		consider(in->mem->ranges[i].base, x, &next);
		consider(in->mem->ranges[i].end, x, &next);
	}
	return next;
}

/* The lowest address any entry covers; false for an empty map. */
static bool map_start(const struct mb2_guest_input *in, uint64_t *x)
{
	bool found = false;

	for (size_t i = 0; i < in->mmap_count; i++) {
		if (in->mmap[i].length == 0 || (found && in->mmap[i].base >= *x))
			continue;
		*x = in->mmap[i].base;
		found = true;
	}
	return found;
}

/*
 * Calls sink once per entry of the guest's map, in address order.  The
 * walk steps from one boundary (an entry's or a kept range's start or end)
 * to the next and asks what type holds there; between two boundaries
 * nothing changes.  With at most a few hundred boundaries this quadratic
 * walk needs no sorting and no buffer.
 */
void mb2_guest_map_walk(const struct mb2_guest_input *in, mb2_guest_map_sink sink, void *ctx)
{
	struct mb2_mmap_entry run = { 0 };
	bool have_run = false;
	uint64_t x = 0, next;
	int64_t type;

	if (!map_start(in, &x))
		return;
	while ((next = next_boundary(in, x)) != x) {
		type = type_at(in, x);
		if (have_run && type == run.type && run.base_addr + run.length == x) {
			run.length += next - x;
		} else {
			if (have_run)
				sink(ctx, &run);
			have_run = type >= 0;
			run = (struct mb2_mmap_entry){ .base_addr = x, .length = next - x,
						       .type = (uint32_t)type };
		}
		x = next;
	}
	if (have_run)
		sink(ctx, &run);
}

/* ---- the tags ---- */

static void write_string(struct mbi_writer *w, uint32_t type, const char *s)
{
	size_t off = tag_begin(w, type);

	put(w, s, strlen(s) + 1);
	tag_end(w, off);
}

/* 3.6.3, from the guest's own map, so it never counts skiff's pages. */
static void meminfo_sink(void *ctx, const struct mb2_mmap_entry *e)
{
	struct mb2_tag_basic_meminfo *m = ctx;
	uint64_t end = e->base_addr + e->length;
	uint64_t kib;

	if (e->type != MB2_MEMORY_AVAILABLE)
		return;
	if (e->base_addr == 0)
		m->mem_lower = (uint32_t)((end < LOWER_MEM_MAX ? end : LOWER_MEM_MAX) >> 10);
	if (e->base_addr <= UPPER_MEM_BASE && end > UPPER_MEM_BASE) {
		kib = (end - UPPER_MEM_BASE) >> 10;
		m->mem_upper = kib > UINT32_MAX ? UINT32_MAX : (uint32_t)kib;
	}
}

void mb2_guest_meminfo(const struct mb2_guest_input *in, uint32_t *lower, uint32_t *upper)
{
	struct mb2_tag_basic_meminfo m = { 0 };

	mb2_guest_map_walk(in, meminfo_sink, &m);
	*lower = m.mem_lower;
	*upper = m.mem_upper;
}

static void write_meminfo(const struct mb2_guest_input *in, struct mbi_writer *w)
{
	struct mb2_tag_basic_meminfo m = { .type = MB2_TAG_BASIC_MEMINFO, .size = sizeof(m) };

	mb2_guest_meminfo(in, &m.mem_lower, &m.mem_upper);
	put(w, &m, sizeof(m));
	pad(w);
}

/* 3.6.6: one tag per module, its range and its command line.  Modules lie
 * below 4 GiB (guest_modules_place()), so the 32-bit fields hold them. */
static void write_modules(const struct mb2_guest_input *in, struct mbi_writer *w)
{
	for (size_t i = 0; i < in->module_count; i++) {
		const struct guest_module *m = &in->modules[i];
		const char *s = m->cmdline ? m->cmdline : "";
		size_t off = tag_begin(w, MB2_TAG_MODULE);
		const uint32_t range[2] = { (uint32_t)m->gpa, (uint32_t)(m->gpa + m->size) };

		put(w, range, sizeof(range));
		put(w, s, strlen(s) + 1);
		tag_end(w, off);
	}
}

static void mmap_sink(void *ctx, const struct mb2_mmap_entry *e)
{
	struct mbi_writer *w = ctx;

	put(w, e, sizeof(*e));
}

static void write_mmap(const struct mb2_guest_input *in, struct mbi_writer *w)
{
	size_t off = tag_begin(w, MB2_TAG_MMAP);
	const uint32_t head[2] = { sizeof(struct mb2_mmap_entry), MMAP_ENTRY_VERSION };

	_Static_assert(sizeof(head) + sizeof(struct mb2_tag) == sizeof(struct mb2_tag_mmap),
		       "entry_size and entry_version follow the tag header");
	put(w, head, sizeof(head));
	mb2_guest_map_walk(in, mmap_sink, w);
	tag_end(w, off);
}

static size_t rsdp_size(uint8_t revision)
{
	if (revision == 0)
		return 0;
	return revision == 1 ? MB2_GUEST_RSDP_V1_SIZE : MB2_GUEST_RSDP_V2_SIZE;
}

/* 3.6.16, 3.6.17: one copy, of the revision skiff has. */
static void write_acpi(const struct mb2_guest_input *in, struct mbi_writer *w)
{
	size_t off;

	if (in->rsdp_revision == 0)
		return;
	off = tag_begin(w, in->rsdp_revision == 1 ? MB2_TAG_ACPI_OLD : MB2_TAG_ACPI_NEW);
	put(w, in->rsdp, rsdp_size(in->rsdp_revision));
	tag_end(w, off);
}

static void write_mbi(const struct mb2_guest_input *in, struct mbi_writer *w)
{
	const struct mb2_info head = { .total_size = 0, .reserved = 0 };
	const struct mb2_tag end = { .type = MB2_TAG_END, .size = sizeof(end) };
	uint32_t total;

	put(w, &head, sizeof(head));
	write_string(w, MB2_TAG_CMDLINE, in->cmdline ? in->cmdline : "");
	write_string(w, MB2_TAG_BOOT_LOADER_NAME,
		     in->loader_name ? in->loader_name : MB2_GUEST_LOADER_NAME);
	write_modules(in, w);
	write_meminfo(in, w);
	write_mmap(in, w);
	write_acpi(in, w);
	put(w, &end, sizeof(end));
	total = (uint32_t)w->used;
	patch(w, offsetof(struct mb2_info, total_size), &total, sizeof(total));
}

/* ---- sizing, placing, building ---- */

size_t mb2_guest_size(const struct mb2_guest_input *in)
{
	struct mbi_writer w = { .buf = NULL, .cap = SIZE_MAX };

	write_mbi(in, &w);
	return w.used;
}

int mb2_guest_place(const struct guest_mem *mem, uint64_t min, size_t size, uint64_t *gpa)
{
	if (guest_mem_place(mem, min, size, MBI_PLACE_ALIGN, MBI_ADDR_LIMIT, gpa))
		return 0;
	return refuse(ENOMEM, "no room for the %zu bytes of boot information in guest RAM "
		      "from 0x%lx up to 4 GiB", size, min);
}

static int check_input(const struct mb2_guest_input *in, uint64_t gpa, size_t need, size_t cap)
{
	size_t rsdp = rsdp_size(in->rsdp_revision);

	if (rsdp && (!in->rsdp || in->rsdp_len < rsdp))
		return refuse(EINVAL, "the RSDP copy of revision %u is %zu bytes, not the %zu it needs",
			      in->rsdp_revision, in->rsdp ? in->rsdp_len : 0, rsdp);
	if (!is_aligned(gpa, MB2_INFO_ALIGN))
		return refuse(EINVAL, "boot information address 0x%lx is not 8-byte aligned", gpa);
	if (!guest_modules_fit_32(in->modules, in->module_count))
		return refuse(ERANGE, "a module reaches above 4 GiB; the module tag's addresses are "
			      "32-bit");
	if (need > cap)
		return refuse(ENOSPC, "the boot information needs %zu bytes; only %zu are set "
			      "aside at 0x%lx", need, cap, gpa);
	if (gpa >= MBI_ADDR_LIMIT || MBI_ADDR_LIMIT - gpa < need)
		return refuse(ERANGE, "boot information at 0x%lx, %zu bytes, reaches above 4 GiB; "
			      "the guest gets its address in 32-bit EBX", gpa, need);
	if (!guest_mem_contains(in->mem, gpa, cap))
		return refuse(EFAULT, "boot information space 0x%lx, %zu bytes, is not all guest RAM",
			      gpa, cap);
	return 0;
}

int mb2_guest_build(const struct mb2_guest_input *in, uint64_t gpa, size_t cap)
{
	size_t need = mb2_guest_size(in);
	struct mbi_writer w = { .cap = cap };
	int err = check_input(in, gpa, need, cap);

	if (err)
		return err;
	w.buf = guest_mem_ptr(in->mem, gpa, cap);
	write_mbi(in, &w);
	if (w.overflow || w.used != need)
		panic("mb2_guest: wrote %zu bytes where %zu were sized", w.used, need);
	return (int)need;
}

int mb2_guest_setup(const struct mb2_guest_input *in, uint64_t min, uint64_t *gpa)
{
	size_t size = mb2_guest_size(in);
	int err = mb2_guest_place(in->mem, min, size, gpa);

	if (err)
		return err;
	err = mb2_guest_build(in, *gpa, size);
	return err < 0 ? err : 0;
}
