/*
 * skiff's memory budget, computed from the firmware's memory map.  Firmware
 * maps are untidy (unsorted, overlapping, unaligned, zero-length, even
 * wrapping past 2^64), so every entry is clipped and rounded before it is
 * trusted, and wherever usable and reserved disagree, reserved wins: giving
 * the guest a page the firmware still uses is the worse mistake.
 */
#include "mm/layout.h"

#include "config.h"

#include "lib/errno.h"
#include "lib/printf.h"
#include "lib/string.h"

#define FIRST_MIB	(1ull << 20)
#define FOUR_GIB	(4ull << 30)

/* [base, base + length); one that would wrap past 2^64 ends at the top. */
static struct phys_range span(uint64_t base, uint64_t length)
{
	uint64_t end = length > ~0ull - base ? ~0ull : base + length;

	return (struct phys_range){ base, end };
}

static struct phys_range entry_range(const struct mem_range *e)
{
	return span(e->base, e->length);
}

/* Only whole pages can be handed out: usable RAM shrinks inward ... */
static struct phys_range pages_inside(struct phys_range r)
{
	return (struct phys_range){ align_up_sat(r.base, PAGE_SIZE), align_down(r.end, PAGE_SIZE) };
}

/* ... and what must not be handed out grows outward. */
static struct phys_range pages_around(struct phys_range r)
{
	if (range_is_empty(r))
		return r;
	return (struct phys_range){ align_down(r.base, PAGE_SIZE), align_up_sat(r.end, PAGE_SIZE) };
}

static int layout_overflow(const char *what)
{
	kprintf("skiff: mm: memory map too fragmented: %s needs more than %d ranges\n",
		what, MM_LAYOUT_MAX_RANGES);
	return -ENOSPC;
}

static uint32_t mmap_entries(const struct boot_info *bi)
{
	return bi->mmap_count < BOOTINFO_MAX_MMAP ? bi->mmap_count : BOOTINFO_MAX_MMAP;
}

#define GiB			(1ull << 30)
#define POOL_MIN_SPACE		(4 * GiB)

uint64_t mm_pool_size(const struct boot_info *bi, unsigned cpus)
{
	uint64_t top = POOL_MIN_SPACE, gibs;

	for (uint32_t i = 0; i < mmap_entries(bi); i++) {
		const struct mem_range *e = &bi->mmap[i];

		if (e->type == MEM_USABLE && e->base + e->length > top &&
		    e->base + e->length > e->base)
			top = e->base + e->length;
	}
	gibs = (top + GiB - 1) / GiB;
	return (CONFIG_POOL_BASE_PAGES + (uint64_t)cpus * CONFIG_POOL_CPU_PAGES +
		gibs * CONFIG_POOL_GIB_PAGES + CONFIG_POOL_RETYPE_PAGES) * PAGE_SIZE;
}

/* Type-1 entries merged first, so two adjacent half pages make a whole
 * page, then shrunk to whole pages; ram_bytes is taken before shrinking.
 * Appending cannot overflow: MM_LAYOUT_MAX_RANGES >= BOOTINFO_MAX_MMAP
 * (static assert in layout.h). */
static void layout_collect_usable(const struct boot_info *bi, struct mm_layout *l)
{
	size_t n = 0;

	for (uint32_t i = 0; i < mmap_entries(bi); i++) {
		if (bi->mmap[i].type == MEM_USABLE)
			(void)ranges_append(l->usable, &n, MM_LAYOUT_MAX_RANGES,
					    entry_range(&bi->mmap[i]));
	}
	n = ranges_normalize(l->usable, n);
	l->ram_bytes = ranges_total(l->usable, n);
	for (size_t i = 0; i < n; i++)
		l->usable[i] = pages_inside(l->usable[i]);
	l->usable_count = ranges_normalize(l->usable, n);
}

/* Reserved wins: every other type is cut out, widened to whole pages.
 * Each cut can split a range, which is where the arrays could overflow. */
static int layout_usable(const struct boot_info *bi, struct mm_layout *l)
{
	layout_collect_usable(bi, l);
	for (uint32_t i = 0; i < mmap_entries(bi); i++) {
		struct phys_range cut = pages_around(entry_range(&bi->mmap[i]));

		if (bi->mmap[i].type == MEM_USABLE)
			continue;
		if (ranges_remove(l->usable, &l->usable_count, MM_LAYOUT_MAX_RANGES, cut))
			return layout_overflow("usable RAM");
	}
	/* Real-mode IVT, BIOS data, EBDA, option ROMs: left to firmware and
	 * the guest's own boot path, never counted as RAM to share out.  A cut
	 * from address 0 never splits a range, so it cannot overflow. */
	(void)ranges_remove(l->usable, &l->usable_count, MM_LAYOUT_MAX_RANGES,
			    (struct phys_range){ 0, FIRST_MIB });
	return 0;
}

static void layout_own(struct mm_layout *l, enum mm_owner label, uint32_t module,
		       struct phys_range r)
{
	r = pages_around(r);
	if (range_is_empty(r) || l->skiff_count >= MM_OWNED_MAX)
		return;
	l->skiff[l->skiff_count++] = (struct mm_owned){ r, label, module };
}

/* The ranges no new place may overlap while the layout is planned. */
struct busy_set {
	struct phys_range r[MM_BUSY_MAX];
	size_t n;
};

static void busy_add(struct busy_set *b, struct phys_range r)
{
	(void)ranges_append(b->r, &b->n, MM_BUSY_MAX, pages_around(r));
}

static uint32_t module_entries(const struct boot_info *bi)
{
	return bi->module_count < BOOTINFO_MAX_MODULES ? bi->module_count : BOOTINFO_MAX_MODULES;
}

/* Everything the loader placed, where it placed it, and skiff's image:
 * at most 2 + BOOTINFO_MAX_MODULES of the MM_BUSY_MAX slots. */
static void busy_init(const struct boot_info *bi, const struct phys_range *image,
		      struct busy_set *b)
{
	b->n = 0;
	busy_add(b, *image);
	busy_add(b, span(bi->mbi_addr, bi->mbi_size));
	for (uint32_t i = 0; i < module_entries(bi); i++)
		busy_add(b, (struct phys_range){ bi->modules[i].start, bi->modules[i].end });
}

/* usable minus the busy ranges, into out (cap MM_LAYOUT_MAX_RANGES). */
static int layout_free(const struct mm_layout *l, const struct busy_set *b,
		       struct phys_range *out)
{
	struct phys_range busy[MM_BUSY_MAX];
	size_t n = b->n;

	memcpy(busy, b->r, n * sizeof(busy[0]));
	n = ranges_normalize(busy, n);
	return ranges_subtract(l->usable, l->usable_count, busy, n, out, MM_LAYOUT_MAX_RANGES);
}

/* Highest fit wholly below 4 GiB: the top of the highest range that has
 * room under the 4 GiB line. */
static bool fit_below_4g(const struct phys_range *free, size_t n, uint64_t size,
			 struct phys_range *fit)
{
	for (size_t i = n; i-- > 0;) {
		uint64_t top = free[i].end < FOUR_GIB ? free[i].end : FOUR_GIB;

		if (top > free[i].base && top - free[i].base >= size) {
			*fit = (struct phys_range){ top - size, top };
			return true;
		}
	}
	return false;
}

/* Lowest fit wholly above 4 GiB, else a run straddling the line (only
 * reached when neither side of it alone has room). */
static bool pool_above_4g(const struct phys_range *free, size_t n, uint64_t size,
			  struct phys_range *pool)
{
	for (size_t i = 0; i < n; i++) {
		uint64_t start = free[i].base > FOUR_GIB ? free[i].base : FOUR_GIB;

		if (free[i].end > start && free[i].end - start >= size) {
			*pool = (struct phys_range){ start, start + size };
			return true;
		}
	}
	for (size_t i = 0; i < n; i++) {
		if (range_size(free[i]) >= size) {
			*pool = (struct phys_range){ free[i].end - size, free[i].end };
			return true;
		}
	}
	return false;
}

/* Sizes in the unit a person would say: "4 KiB", "16 MiB", "1.5 GiB". */
static const char *size_str(char buf[24], uint64_t bytes)
{
	static const char *const units[] = { "KiB", "MiB", "GiB", "TiB" };
	unsigned u = 0;
	uint64_t scale = 1024;
	char digits[24];
	size_t d = 0, o = 0;
	uint64_t tenths;

	while (u + 1 < sizeof(units) / sizeof(units[0]) && bytes >= scale * 1024) {
		scale *= 1024;
		u++;
	}
	/* Tenths, rounded to nearest, in two parts so 2^64 bytes cannot wrap. */
	tenths = bytes / scale * 10 + (bytes % scale * 10 + scale / 2) / scale;

	do {
		digits[d++] = (char)('0' + tenths % 10);
		tenths /= 10;
	} while (tenths > 0 || d < 2);
	while (d > 1)
		buf[o++] = digits[--d];
	if (digits[0] != '0') {
		buf[o++] = '.';
		buf[o++] = digits[0];
	}
	buf[o++] = ' ';
	memcpy(&buf[o], units[u], 4);
	return buf;
}

/* The largest run, counting only its part below limit. */
static uint64_t largest_run(const struct phys_range *r, size_t n, uint64_t limit)
{
	uint64_t best = 0;

	for (size_t i = 0; i < n; i++) {
		struct phys_range below = { r[i].base, r[i].end < limit ? r[i].end : limit };

		best = range_size(below) > best ? range_size(below) : best;
	}
	return best;
}

/* Places the pool in usable RAM that nothing busy uses yet; the guest
 * array serves as scratch until the guest set is computed. */
static int layout_place_pool(struct mm_layout *l, struct busy_set *b, uint64_t pool_size)
{
	int n = layout_free(l, b, l->guest);
	uint64_t size = align_up_sat(pool_size, PAGE_SIZE);
	char need[24], have[24];

	if (n < 0)
		return layout_overflow("free RAM");
	if (fit_below_4g(l->guest, (size_t)n, size, &l->pool) ||
	    pool_above_4g(l->guest, (size_t)n, size, &l->pool)) {
		busy_add(b, l->pool);
		return 0;
	}
	kprintf("skiff: mm: no room for skiff's page pool: it needs %llu bytes (%s) "
		"of contiguous usable RAM outside skiff's image and the loader's boot "
		"information and modules; "
		"the largest such run is %s\n", (unsigned long long)size,
		size_str(need, size), size_str(have, largest_run(l->guest, (size_t)n, ~0ull)));
	return -ENOMEM;
}

/* Module i's new place: the highest free fit below 4 GiB.  One that lies
 * (partly) above 4 GiB stays: the boot map cannot reach it to copy, and a
 * Multiboot2 loader cannot put it there. */
static int layout_place_module(struct mm_layout *l, struct busy_set *b, uint32_t i,
			       const struct boot_module *m)
{
	struct mm_module_place *p = &l->modules[i];
	uint64_t size = m->end > m->start ? m->end - m->start : 0;
	struct phys_range to;
	char need[24], have[24];
	int n;

	*p = (struct mm_module_place){ .from = m->start, .to = m->start, .size = size };
	if (size == 0 || m->end > FOUR_GIB)
		return 0;
	n = layout_free(l, b, l->guest);
	if (n < 0)
		return layout_overflow("free RAM");
	if (!fit_below_4g(l->guest, (size_t)n, align_up(size, PAGE_SIZE), &to)) {
		kprintf("skiff: mm: no room to move GRUB module %u (%llu bytes, %s) out of the "
			"guest's low memory: it needs that much contiguous usable RAM below 4 GiB "
			"outside skiff's image, pool and what the loader placed; the largest such "
			"run is %s\n", i, (unsigned long long)size, size_str(need, size),
			size_str(have, largest_run(l->guest, (size_t)n, FOUR_GIB)));
		return -ENOMEM;
	}
	busy_add(b, to);
	p->to = to.base;
	p->moved = true;
	l->moved_count++;
	l->moved_bytes += size;
	return 0;
}

/* What skiff keeps once the modules are in their places: image, modules,
 * pool. */
static void layout_own_final(const struct phys_range *image, struct mm_layout *l)
{
	l->skiff_count = 0;
	layout_own(l, MM_OWNER_IMAGE, 0, *image);
	for (uint32_t i = 0; i < l->module_count; i++)
		layout_own(l, MM_OWNER_MODULE, i, span(l->modules[i].to, l->modules[i].size));
	layout_own(l, MM_OWNER_POOL, 0, l->pool);
}

/* usable minus everything skiff keeps, into the guest set. */
static int layout_guest(struct mm_layout *l)
{
	struct phys_range owned[MM_OWNED_MAX];
	size_t n = 0;
	int g;

	for (size_t i = 0; i < l->skiff_count; i++)
		owned[n++] = l->skiff[i].range;
	n = ranges_normalize(owned, n);
	g = ranges_subtract(l->usable, l->usable_count, owned, n, l->guest, MM_LAYOUT_MAX_RANGES);
	if (g < 0)
		return layout_overflow("guest RAM");
	l->guest_count = (size_t)g;
	return 0;
}

int mm_layout_build(const struct boot_info *bi, const struct phys_range *image,
		    uint64_t pool_size, struct mm_layout *out)
{
	struct busy_set busy;
	int err;

	memset(out, 0, sizeof(*out));
	if (pool_size == 0) {
		kprintf("skiff: mm: the page pool size is 0; skiff needs a pool\n");
		return -EINVAL;
	}
	err = layout_usable(bi, out);
	if (err)
		return err;
	busy_init(bi, image, &busy);
	err = layout_place_pool(out, &busy, pool_size);
	out->module_count = module_entries(bi);
	for (uint32_t i = 0; err == 0 && i < out->module_count; i++)
		err = layout_place_module(out, &busy, i, &bi->modules[i]);
	if (err)
		return err;
	layout_own_final(image, out);
	err = layout_guest(out);
	if (err)
		return err;
	out->usable_bytes = ranges_total(out->usable, out->usable_count);
	out->guest_bytes = ranges_total(out->guest, out->guest_count);
	out->skiff_bytes = out->usable_bytes - out->guest_bytes;
	return 0;
}

bool mm_layout_moves_disjoint(const struct mm_layout *l, const struct boot_info *bi,
			      const struct phys_range *image)
{
	struct busy_set b;

	busy_init(bi, image, &b);
	busy_add(&b, l->pool);
	for (uint32_t i = 0; i < l->module_count; i++) {
		const struct mm_module_place *p = &l->modules[i];
		struct phys_range to = pages_around(span(p->to, p->size));

		if (!p->moved)
			continue;
		if (p->to >= FOUR_GIB || to.end > FOUR_GIB || !is_aligned(p->to, PAGE_SIZE))
			return false;
		for (size_t k = 0; k < b.n; k++)
			if (range_overlaps(to, b.r[k]))
				return false;
		for (uint32_t k = 0; k < l->module_count; k++)
			if (k != i && l->modules[k].moved &&
			    range_overlaps(to, pages_around(span(l->modules[k].to,
								 l->modules[k].size))))
				return false;
	}
	return true;
}

enum mm_owner mm_layout_owner(const struct mm_layout *l, uint64_t pa)
{
	if (!ranges_contain_page(l->usable, l->usable_count, pa))
		return MM_OWNER_NONE;
	for (size_t i = 0; i < l->skiff_count; i++) {
		if (ranges_contain_page(&l->skiff[i].range, 1, pa))
			return l->skiff[i].label;
	}
	return MM_OWNER_GUEST;
}

const char *mm_owner_name(enum mm_owner label)
{
	static const char *const names[] = {
		[MM_OWNER_NONE] = "none",
		[MM_OWNER_GUEST] = "guest",
		[MM_OWNER_IMAGE] = "image",
		[MM_OWNER_MODULE] = "module",
		[MM_OWNER_POOL] = "pool",
	};

	if ((unsigned)label >= sizeof(names) / sizeof(names[0]))
		return "unknown";
	return names[label];
}

/* Usable bytes skiff keeps under one label. */
static uint64_t layout_kept(const struct mm_layout *l, enum mm_owner label)
{
	uint64_t sum = 0;

	for (size_t i = 0; i < l->skiff_count; i++) {
		if (l->skiff[i].label == label)
			sum += ranges_overlap_bytes(l->usable, l->usable_count, l->skiff[i].range);
	}
	return sum;
}

static void layout_print_owned(const struct mm_layout *l, const struct mm_owned *o)
{
	uint64_t kept = ranges_overlap_bytes(l->usable, l->usable_count, o->range);
	char size[24], outside[24];

	kprintf("skiff: mm:   0x%016llx-0x%016llx %10s  %s",
		(unsigned long long)o->range.base, (unsigned long long)o->range.end - 1,
		size_str(size, range_size(o->range)), mm_owner_name(o->label));
	if (o->label == MM_OWNER_MODULE)
		kprintf(" %u", o->module);
	if (kept < range_size(o->range))
		kprintf(" (%s outside usable RAM)", size_str(outside, range_size(o->range) - kept));
	kprintf("\n");
}

/* The span of the moved modules' old (from) or new places, inclusive. */
static void moved_span(const struct mm_layout *l, bool to, uint64_t *lo, uint64_t *hi)
{
	*lo = ~0ull;
	*hi = 0;
	for (uint32_t i = 0; i < l->module_count; i++) {
		const struct mm_module_place *p = &l->modules[i];
		uint64_t at = to ? p->to : p->from;

		if (!p->moved)
			continue;
		*lo = at < *lo ? at : *lo;
		*hi = at + p->size - 1 > *hi ? at + p->size - 1 : *hi;
	}
}

static void layout_print_moves(const struct mm_layout *l)
{
	uint64_t from_lo, from_hi, to_lo, to_hi;
	char size[24];

	if (l->moved_count == 0)
		return;
	moved_span(l, false, &from_lo, &from_hi);
	moved_span(l, true, &to_lo, &to_hi);
	kprintf("skiff: mm: %u module%s moved out of the guest's way, %llu bytes (%s): "
		"from 0x%llx-0x%llx to 0x%llx-0x%llx\n", l->moved_count,
		l->moved_count == 1 ? "" : "s", (unsigned long long)l->moved_bytes,
		size_str(size, l->moved_bytes), (unsigned long long)from_lo,
		(unsigned long long)from_hi, (unsigned long long)to_lo, (unsigned long long)to_hi);
}

void mm_layout_print(const struct mm_layout *l)
{
	char s[7][24];

	kprintf("skiff: mm: RAM %s total, %s usable; skiff keeps %s "
		"(image %s, pool %s, modules %s); guest gets %s in %zu range%s\n",
		size_str(s[0], l->ram_bytes), size_str(s[1], l->usable_bytes),
		size_str(s[2], l->skiff_bytes), size_str(s[3], layout_kept(l, MM_OWNER_IMAGE)),
		size_str(s[4], layout_kept(l, MM_OWNER_POOL)),
		size_str(s[5], layout_kept(l, MM_OWNER_MODULE)),
		size_str(s[6], l->guest_bytes), l->guest_count, l->guest_count == 1 ? "" : "s");
	for (size_t i = 0; i < l->skiff_count; i++)
		layout_print_owned(l, &l->skiff[i]);
	layout_print_moves(l);
}
