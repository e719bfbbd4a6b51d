/*
 * skiff's host page tables, from the Intel SDM Vol. 3A chapter 4: 4.5 for
 * 4-level paging and the entry formats, 4.6 for access rights, 4.1.4 for
 * the CPUID bits.
 *
 * Levels run from PT_LEVEL_PML4 (4) down to PT_LEVEL_PT (1).  One recursive
 * routine maps and unmaps: where an entry is wholly covered and a page of
 * its size is allowed it writes a leaf; otherwise it descends, creating a
 * table, or splitting a larger page into 512 of the next size with the same
 * permissions.  Non-leaf entries allow writes and execution, so the leaves
 * alone decide (an access needs every level's permission, SDM 4.6.1).
 */
#include "mm/paging.h"

#include "lib/errno.h"
#include "lib/printf.h"
#include "lib/string.h"
#include "panic.h"

#define PT_INDEX_BITS	9

/* Table entries: present, writable, executable, supervisor-only. */
#define PT_TABLE_BITS	(PTE_PRESENT | PTE_WRITE)
/* What tells two leaves apart besides their address, and what a split
 * copies into the 512 parts (PWT, PCD, PAT and G are never set). */
#define PT_LEAF_ATTRS	(PTE_PRESENT | PTE_WRITE | PTE_XD)

typedef unsigned long long ull;	/* for %llx */

/* Bytes one entry at this level covers: 4 KiB, 2 MiB, 1 GiB, 512 GiB. */
static uint64_t level_span(int level)
{
	return 1ull << (PAGE_SHIFT + PT_INDEX_BITS * (level - 1));
}

/* SDM 4.5: linear-address bits 47:39 select the PML4E, 38:30 the PDPTE,
 * 29:21 the PDE and 20:12 the PTE. */
static unsigned level_index(uint64_t va, int level)
{
	return (unsigned)(va >> (PAGE_SHIFT + PT_INDEX_BITS * (level - 1))) & (PT_ENTRIES - 1);
}

/* PML4Es always reference a table; PDPTEs and PDEs unless PS is set; PTEs
 * never. */
static bool entry_is_table(uint64_t entry, int level)
{
	return (entry & PTE_PRESENT) && level > PT_LEVEL_PT && !(entry & PTE_PS);
}

/* 2 MiB pages always exist with 4-level paging; 1 GiB pages only with
 * CPUID.80000001H:EDX.Page1GB (SDM 4.1.4); a PML4E cannot map a page. */
static bool leaf_allowed(const struct paging *p, int level)
{
	return level == PT_LEVEL_PT || level == PT_LEVEL_PD ||
	       (level == PT_LEVEL_PDPT && p->pages_1g);
}

static uint64_t *pt_table(const struct paging *p, uint64_t pa)
{
	uint64_t *table = p->pages.to_virt(p->pages.ctx, pa);

	if (!table)
		panic("skiff: paging: table page 0x%llx has no virtual address", (ull)pa);
	return table;
}

/* A fresh, zeroed table page; 0 when memory has run out (reported). */
static uint64_t pt_alloc_table(struct paging *p)
{
	uint64_t pa = p->pages.alloc(p->pages.ctx);

	if (pa == 0) {
		kprintf("skiff: paging: out of memory for page tables (%zu pages in use)\n",
			p->table_pages);
		return 0;
	}
	if ((pa & ~PTE_ADDR_MASK) != 0)
		panic("skiff: paging: page allocator gave 0x%llx, not a page below 2^52",
		      (ull)pa);
	/* Zeroed by contract; cleared again because a stale entry would map
	 * something skiff never asked for. */
	memset(pt_table(p, pa), 0, PAGE_SIZE);
	p->table_pages++;
	return pa;
}

struct paging_caps paging_caps_decode(uint32_t cpuid_80000001_edx)
{
	return (struct paging_caps){
		.pages_1g = (cpuid_80000001_edx & CPUID_80000001_EDX_PAGE1GB) != 0,
		.nx = (cpuid_80000001_edx & CPUID_80000001_EDX_NX) != 0,
	};
}

int paging_init(struct paging *p, const struct paging_caps *caps, const struct pt_pages *pages)
{
	memset(p, 0, sizeof(*p));
	if (!pages || !pages->alloc || !pages->to_virt) {
		kprintf("skiff: paging: no page allocator given\n");
		return -EINVAL;
	}
	p->pages = *pages;
	p->pages_1g = caps->pages_1g;
	p->nx = caps->nx;
	p->pml4 = pt_alloc_table(p);
	return p->pml4 ? 0 : -ENOMEM;
}

/* The leaf bits for perms; XD only when the CPU lets skiff use it. */
static uint64_t leaf_attrs(const struct paging *p, unsigned perms)
{
	return PTE_PRESENT | ((perms & PT_WRITE) ? PTE_WRITE : 0) |
	       (p->nx && !(perms & PT_EXEC) ? PTE_XD : 0);
}

/* A leaf mapping addr with attrs at this level, or not present (0). */
static uint64_t make_leaf(uint64_t addr, uint64_t attrs, int level)
{
	if (!attrs)
		return 0;
	return addr | attrs | (level > PT_LEVEL_PT ? PTE_PS : 0);
}

/* Replaces the large page in *entry by a table of 512 pages one level down
 * that map the same memory with the same permissions.  The table is filled
 * before the entry points at it, so no walk ever sees it half-built. */
static int pt_split(struct paging *p, uint64_t *entry, int level)
{
	uint64_t pa = pt_alloc_table(p), *child, span = level_span(level - 1);
	uint64_t base = *entry & PTE_ADDR_MASK & ~(level_span(level) - 1);
	uint64_t leaf = make_leaf(base, *entry & PT_LEAF_ATTRS, level - 1);
	unsigned i;

	if (!pa)
		return -ENOMEM;
	child = pt_table(p, pa);
	/* The 512 leaves differ only in their address: one add each. */
	for (i = 0; i < PT_ENTRIES; i++, leaf += span)
		child[i] = leaf;
	*entry = pa | PT_TABLE_BITS;
	return 0;
}

/* The table *entry references, made first if it is absent or a page. */
static int pt_child(struct paging *p, uint64_t *entry, int level, uint64_t **child)
{
	if (!entry_is_table(*entry, level)) {
		if (*entry & PTE_PRESENT) {
			int rc = pt_split(p, entry, level);

			if (rc)
				return rc;
		} else {
			uint64_t pa = pt_alloc_table(p);

			if (!pa)
				return -ENOMEM;
			*entry = pa | PT_TABLE_BITS;
		}
	}
	*child = pt_table(p, *entry & PTE_ADDR_MASK);
	return 0;
}

/* Makes [base, end), inside what table (at level) covers, leaves with
 * attrs, or not present when attrs is 0. */
static int pt_set_range(struct paging *p, uint64_t *table, int level, uint64_t base,
			uint64_t end, uint64_t attrs)
{
	uint64_t span = level_span(level), addr, next, *child;
	int rc;

	for (addr = base; addr < end; addr = next) {
		uint64_t *entry = &table[level_index(addr, level)];

		next = align_down(addr, span) + span;
		if (next > end)
			next = end;
		/* A page (or nothing) that already is what was asked for:
		 * every leaf here maps its own address, so it stays whole. */
		if (!entry_is_table(*entry, level) && (*entry & PT_LEAF_ATTRS) == attrs)
			continue;
		if (next - addr == span && leaf_allowed(p, level) &&
		    !entry_is_table(*entry, level)) {
			*entry = make_leaf(addr, attrs, level);
			continue;
		}
		rc = pt_child(p, entry, level, &child);
		if (rc == 0)
			rc = pt_set_range(p, child, level - 1, addr, next, attrs);
		if (rc)
			return rc;
	}
	return 0;
}

static int pt_check_range(uint64_t base, uint64_t size, const char *op)
{
	if (size == 0 || !is_aligned(base, PAGE_SIZE) || !is_aligned(size, PAGE_SIZE)) {
		kprintf("skiff: paging: %s of 0x%llx bytes at 0x%llx: empty or not page-aligned\n",
			op, (ull)size, (ull)base);
		return -EINVAL;
	}
	if (base >= PAGING_REACH || size > PAGING_REACH - base) {
		kprintf("skiff: paging: %s of 0x%llx bytes at 0x%llx: beyond the 4-level "
			"identity map's reach (2^47)\n", op, (ull)size, (ull)base);
		return -ERANGE;
	}
	return 0;
}

int paging_map(struct paging *p, uint64_t base, uint64_t size, unsigned perms)
{
	int rc = pt_check_range(base, size, "map");

	if (rc)
		return rc;
	if (!(perms & PT_READ) || (perms & ~PT_RWX)) {
		kprintf("skiff: paging: permissions 0x%x are not PT_READ with PT_WRITE or "
			"PT_EXEC (paging_unmap gives no access)\n", perms);
		return -EINVAL;
	}
	return pt_set_range(p, pt_table(p, p->pml4), PT_LEVEL_PML4, base, base + size,
			    leaf_attrs(p, perms));
}

int paging_unmap(struct paging *p, uint64_t base, uint64_t size)
{
	int rc = pt_check_range(base, size, "unmap");

	if (rc)
		return rc;
	return pt_set_range(p, pt_table(p, p->pml4), PT_LEVEL_PML4, base, base + size, 0);
}

int paging_lookup(const struct paging *p, uint64_t va, struct pt_translation *out)
{
	const uint64_t *table = pt_table(p, p->pml4);
	bool writable = true, xd = false;
	int level;

	memset(out, 0, sizeof(*out));
	if (va >= PAGING_REACH) {
		kprintf("skiff: paging: lookup of 0x%llx: beyond the identity map's reach (2^47)\n",
			(ull)va);
		return -ERANGE;
	}
	for (level = PT_LEVEL_PML4; level >= PT_LEVEL_PT; level--) {
		uint64_t entry = table[level_index(va, level)], span = level_span(level);

		if (!(entry & PTE_PRESENT))
			return 0;
		writable = writable && (entry & PTE_WRITE);
		xd = xd || (entry & PTE_XD);
		if (!entry_is_table(entry, level)) {
			out->present = true;
			out->pa = (entry & PTE_ADDR_MASK & ~(span - 1)) | (va & (span - 1));
			out->page_size = span;
			out->writable = writable;
			out->executable = !p->nx || !xd;
			return 0;
		}
		table = pt_table(p, entry & PTE_ADDR_MASK);
	}
	return 0;	/* not reached: a PTE is always a leaf */
}

/* ---- the W^X walk ---- */

/* Adds the leaves one table holds at this level to the report's counts. */
static void wx_count_leaves(struct wx_report *r, int level, size_t leaves)
{
	if (level == PT_LEVEL_PT)
		r->leaves_4k += leaves;
	else if (level == PT_LEVEL_PD)
		r->leaves_2m += leaves;
	else
		r->leaves_1g += leaves;
	r->mapped_bytes += leaves * level_span(level);
}

/* Visits every present entry of one table; writable and xd are what the
 * levels above say (SDM 4.6.1: R/W must be set, XD clear, at every level).
 * A table holds up to 512 leaves, so each costs only a few instructions:
 * counts are kept here and added once. */
static void wx_walk(const struct paging *p, uint64_t table_pa, int level, uint64_t va,
		    bool writable, bool xd, struct wx_report *r)
{
	const uint64_t *table = pt_table(p, table_pa);
	uint64_t span = level_span(level);
	size_t leaves = 0;
	unsigned i;

	for (i = 0; i < PT_ENTRIES; i++) {
		uint64_t entry = table[i], at = va + i * span;
		bool w, x_off;

		if (!(entry & PTE_PRESENT))
			continue;
		w = writable && (entry & PTE_WRITE);
		x_off = xd || (entry & PTE_XD);
		if (entry_is_table(entry, level)) {
			wx_walk(p, entry & PTE_ADDR_MASK, level - 1, at, w, x_off, r);
			continue;
		}
		leaves++;
		r->top = at + span;		/* the walk goes up in address */
		if (w && (!p->nx || !x_off) && r->wx_leaves++ == 0)
			r->first_wx = at;
	}
	wx_count_leaves(r, level, leaves);
}

int paging_check_wx(const struct paging *p, struct wx_report *r)
{
	memset(r, 0, sizeof(*r));
	r->nx_enforced = p->nx;
	wx_walk(p, p->pml4, PT_LEVEL_PML4, 0, true, false, r);
	if (!p->nx)
		return -ENOTSUP;
	return r->wx_leaves ? -EPERM : 0;
}

/* ---- the whole tree, for the integrity check ---- */

_Static_assert(PT_LEVELS == TABLE_TREE_LEVELS && PT_ENTRIES == TABLE_TREE_ENTRIES &&
	       PTE_PS == TABLE_TREE_LARGE_PAGE, "skiff's page tables are a table_tree");

int paging_walk_tables(const struct paging *p, table_visit_fn visit, void *arg)
{
	/* Bit 6 of an entry that references a table is ignored, not a dirty
	 * flag: the CPU leaves it alone, so it counts. */
	struct table_tree t = {
		.root = p->pml4,
		.present = PTE_PRESENT,
		.addr_mask = PTE_ADDR_MASK,
		.cpu_table_bits = PTE_ACCESSED,
		.cpu_leaf_bits = PTE_ACCESSED | PTE_DIRTY,
		.max_pages = p->table_pages,
		.to_virt = p->pages.to_virt,
		.ctx = p->pages.ctx,
	};

	return table_tree_walk(&t, visit, arg);
}

/* ---- skiff's own layout ---- */

static int check_section(const char *name, struct phys_range r)
{
	if (r.end < r.base || !is_aligned(r.base, PAGE_SIZE) || !is_aligned(r.end, PAGE_SIZE)) {
		kprintf("skiff: paging: image %s [0x%llx, 0x%llx) is not a page-aligned range\n",
			name, (ull)r.base, (ull)r.end);
		return -EINVAL;
	}
	return 0;
}

static int check_image(const struct skiff_image *img)
{
	int rc = check_section("text", img->text);

	if (rc == 0)
		rc = check_section("rodata", img->rodata);
	if (rc == 0)
		rc = check_section("data", img->data);
	if (rc)
		return rc;
	if (range_is_empty(img->text)) {
		kprintf("skiff: paging: image has no text\n");
		return -EINVAL;
	}
	if (range_overlaps(img->text, img->rodata) || range_overlaps(img->text, img->data) ||
	    range_overlaps(img->rodata, img->data)) {
		kprintf("skiff: paging: image sections overlap: text [0x%llx, 0x%llx), "
			"rodata [0x%llx, 0x%llx), data [0x%llx, 0x%llx)\n",
			(ull)img->text.base, (ull)img->text.end, (ull)img->rodata.base,
			(ull)img->rodata.end, (ull)img->data.base, (ull)img->data.end);
		return -EINVAL;
	}
	return 0;
}

/* An empty section (no rodata, say) maps nothing. */
static int map_section(struct paging *p, struct phys_range r, unsigned perms)
{
	return range_is_empty(r) ? 0 : paging_map(p, r.base, range_size(r), perms);
}

static int unmap_guards(struct paging *p, const struct skiff_image *img)
{
	size_t i;
	int rc;

	for (i = 0; i < img->nguards; i++) {
		rc = paging_unmap(p, img->guards[i], PAGE_SIZE);
		if (rc)
			return rc;
	}
	return paging_unmap(p, 0, PAGE_SIZE);	/* NULL dereferences fault */
}

int paging_build_skiff(struct paging *p, const struct skiff_image *img, uint64_t phys_limit)
{
	uint64_t limit = align_up_sat(phys_limit, PAGE_SIZE);
	int rc = check_image(img);

	if (rc)
		return rc;
	if (limit == 0 || limit > PAGING_REACH) {
		kprintf("skiff: paging: physical limit 0x%llx is empty or beyond the 4-level "
			"identity map's reach (2^47)\n", (ull)phys_limit);
		return limit ? -ERANGE : -EINVAL;
	}
	rc = paging_map(p, 0, limit, PT_RW);
	if (rc == 0)
		rc = map_section(p, img->text, PT_RX);
	if (rc == 0)
		rc = map_section(p, img->rodata, PT_READ);
	if (rc == 0)
		rc = map_section(p, img->data, PT_RW);
	if (rc == 0)
		rc = unmap_guards(p, img);
	if (rc)
		return rc;
	p->has_image = true;
	p->text = img->text;
	p->rodata = img->rodata;
	p->data = img->data;
	p->guard_pages = img->nguards;
	return 0;
}

/* ---- the boot log line ---- */

/* bytes in the largest unit that divides it: "4 GiB", "640 KiB". */
static void print_size(uint64_t bytes)
{
	if (bytes && is_aligned(bytes, SIZE_1G))
		kprintf("%llu GiB", (ull)(bytes / SIZE_1G));
	else if (bytes && is_aligned(bytes, 1ull << 20))
		kprintf("%llu MiB", (ull)(bytes >> 20));
	else
		kprintf("%llu KiB", (ull)(bytes >> 10));
}

/* The effective permissions of a section's first page, from the tables. */
static const char *section_perms(const struct paging *p, struct phys_range r)
{
	static const char *const names[] = { "R", "RW", "RX", "RWX" };
	struct pt_translation t;

	if (range_is_empty(r))
		return "empty";
	if (paging_lookup(p, r.base, &t) || !t.present)
		return "unmapped";
	return names[(t.writable ? 1 : 0) + (t.executable ? 2 : 0)];
}

static void print_wx(const struct wx_report *r, int rc)
{
	if (rc == -ENOTSUP)
		kprintf("W^X cannot be enforced: no NX, every page is executable\n");
	else if (rc)
		kprintf("W^X violated: %zu pages writable and executable, the first at 0x%llx\n",
			r->wx_leaves, (ull)r->first_wx);
	else
		kprintf("W^X holds\n");
}

void paging_print(const struct paging *p, const struct wx_report *r, int wx)
{
	kprintf("skiff: paging: identity map of ");
	print_size(r->top);
	kprintf(": %zu x 1 GiB, %zu x 2 MiB, %zu x 4 KiB pages in %zu table pages; ",
		r->leaves_1g, r->leaves_2m, r->leaves_4k, p->table_pages);
	if (p->has_image)
		kprintf("text %s, rodata %s, data %s; %zu guard pages; ",
			section_perms(p, p->text), section_perms(p, p->rodata),
			section_perms(p, p->data), p->guard_pages);
	print_wx(r, wx);
}
