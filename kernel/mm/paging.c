/*
 * skiff's host page tables, from the Intel SDM Vol. 3A chapter 4: 4.5 for
 * 4-level paging and the entry formats, 4.6 for access rights, 4.9.2 for
 * the memory-type bits, 4.1.4 for the CPUID bits.
 *
 * The tree itself is the page-table engine's (pt.c); this file says what
 * an x86 entry is, and skiff's policy: which ranges get which rights.
 */
#include "mm/paging.h"

#include "lib/errno.h"
#include "lib/printf.h"
#include "lib/string.h"

typedef unsigned long long ull;	/* for %llx */

/*
 * A present entry is readable, writable with R/W, executable unless XD
 * (SDM 4.6).  Entries that reference a table set P and R/W and clear XD,
 * so the leaves alone decide (4.6.1: an access needs every level's
 * permission); they are supervisor-only.  A leaf's PAT index is PAT * 4 +
 * PCD * 2 + PWT (Vol. 3A 12.12.3), PAT being bit 7 of a PTE but bit 12 of
 * a larger leaf, whose bit 7 is PS (4.5, the PDE and PDPTE formats).  A
 * split keeps U/S and G as well though skiff sets neither.
 */
const struct pt_format paging_format = {
	.name = "paging",
	.present = PTE_PRESENT,
	.read = PTE_PRESENT,
	.write = PTE_WRITE,
	.no_exec = PTE_XD,
	.table = PTE_PRESENT | PTE_WRITE,
	.large_page = PTE_PS,
	/* A PML4E cannot map a page. */
	.leaf_levels = PT_LEVEL_BIT(PT_LEVEL_PT) | PT_LEVEL_BIT(PT_LEVEL_PD) |
		       PT_LEVEL_BIT(PT_LEVEL_PDPT),
	.memtype_bit = { { 3, 4, 7 }, { 3, 4, 12 } },
	.split_copies = PTE_PRESENT | PTE_WRITE | PTE_USER | PTE_GLOBAL | PTE_XD,
	.addr_mask = PTE_ADDR_MASK,
};

_Static_assert(PTE_PWT == 1ull << 3 && PTE_PCD == 1ull << 4 && PTE_PAT == 1ull << 7 &&
	       PTE_PAT_LARGE == 1ull << 12, "paging_format.memtype_bit says where PAT index bits go");
_Static_assert(PTE_PS == TABLE_TREE_LARGE_PAGE, "skiff's page tables are a table_tree");

struct paging_caps paging_caps_decode(uint32_t cpuid_80000001_edx)
{
	return (struct paging_caps){
		.pages_1g = (cpuid_80000001_edx & CPUID_80000001_EDX_PAGE1GB) != 0,
		.nx = (cpuid_80000001_edx & CPUID_80000001_EDX_NX) != 0,
	};
}

int paging_init(struct paging *p, const struct paging_caps *caps, const struct pt_pages *pages)
{
	/* 2 MiB pages always exist with 4-level paging; 1 GiB pages only
	 * with CPUID.80000001H:EDX.Page1GB (SDM 4.1.4). */
	unsigned levels = PT_LEVEL_BIT(PT_LEVEL_PT) | PT_LEVEL_BIT(PT_LEVEL_PD) |
			  (caps->pages_1g ? PT_LEVEL_BIT(PT_LEVEL_PDPT) : 0);

	memset(p, 0, sizeof(*p));
	p->nx = caps->nx;
	return pt_init(&p->pt, &paging_format, pages, levels, 0);
}

static int check_range(const struct paging *p, uint64_t base, uint64_t size, const char *op)
{
	int rc = pt_check_range(&p->pt, base, size, op);

	if (rc == 0 && (base >= PAGING_REACH || size > PAGING_REACH - base)) {
		kprintf("skiff: paging: %s of 0x%llx bytes at 0x%llx: beyond the 4-level "
			"identity map's reach (2^47)\n", op, (ull)size, (ull)base);
		rc = -ERANGE;
	}
	return rc;
}

int paging_map(struct paging *p, uint64_t base, uint64_t size, unsigned perms)
{
	/* PAT entry 0: WB, which the MTRRs of MMIO ranges make UC. */
	struct pt_attrs a = { .rights = perms, .memtype = 0 };
	int rc = check_range(p, base, size, "map");

	if (rc)
		return rc;
	if (!(perms & PT_READ) || (perms & ~PT_RWX)) {
		kprintf("skiff: paging: permissions 0x%x are not PT_READ with PT_WRITE or "
			"PT_EXEC (paging_unmap gives no access)\n", perms);
		return -EINVAL;
	}
	/* Without NX the XD bit is reserved: every page is executable. */
	if (!p->nx)
		a.rights |= PT_EXEC;
	return pt_map(&p->pt, base, size, &a);
}

int paging_unmap(struct paging *p, uint64_t base, uint64_t size)
{
	int rc = check_range(p, base, size, "unmap");

	return rc ? rc : pt_unmap(&p->pt, base, size);
}

int paging_lookup(const struct paging *p, uint64_t va, struct pt_translation *out)
{
	struct pt_leaf leaf;

	memset(out, 0, sizeof(*out));
	if (va >= PAGING_REACH) {
		kprintf("skiff: paging: lookup of 0x%llx: beyond the identity map's reach (2^47)\n",
			(ull)va);
		return -ERANGE;
	}
	pt_lookup(&p->pt, va, &leaf);
	out->present = leaf.present;
	if (leaf.present) {
		out->pa = leaf.pa;
		out->page_size = leaf.page_size;
		out->writable = (leaf.rights & PT_WRITE) != 0;
		out->executable = !p->nx || (leaf.rights & PT_EXEC);
	}
	return 0;
}

/* ---- the W^X walk ---- */

struct wx_walk {
	struct wx_report *r;
	bool nx;
};

/* A run of count present leaves from addr, with the rights every level on
 * their way grants (SDM 4.6.1: R/W must be set, XD clear, at every level). */
static void wx_leaves(void *arg, uint64_t addr, int level, size_t count, unsigned rights)
{
	struct wx_walk *w = arg;
	struct wx_report *r = w->r;
	uint64_t bytes = count * pt_span(level);

	if (level == PT_LEVEL_PT)
		r->leaves_4k += count;
	else if (level == PT_LEVEL_PD)
		r->leaves_2m += count;
	else
		r->leaves_1g += count;
	r->mapped_bytes += bytes;
	r->top = addr + bytes;		/* the walk goes up in address */
	if ((rights & PT_WRITE) && (!w->nx || (rights & PT_EXEC))) {
		if (r->wx_leaves == 0)
			r->first_wx = addr;
		r->wx_leaves += count;
	}
}

int paging_check_wx(const struct paging *p, struct wx_report *r)
{
	struct wx_walk w = { .r = r, .nx = p->nx };

	memset(r, 0, sizeof(*r));
	r->nx_enforced = p->nx;
	pt_for_each_leaf(&p->pt, wx_leaves, &w);
	if (!p->nx)
		return -ENOTSUP;
	return r->wx_leaves ? -EPERM : 0;
}

/* ---- the whole tree, for the integrity check ---- */

int paging_walk_tables(const struct paging *p, table_visit_fn visit, void *arg)
{
	/* Bit 6 of an entry that references a table is ignored, not a dirty
	 * flag: the CPU leaves it alone, so it counts. */
	return pt_walk_tables(&p->pt, PTE_ACCESSED, PTE_ACCESSED | PTE_DIRTY, visit, arg);
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
		r->leaves_1g, r->leaves_2m, r->leaves_4k, p->pt.table_pages);
	if (p->has_image)
		kprintf("text %s, rodata %s, data %s; %zu guard pages; ",
			section_perms(p, p->text), section_perms(p, p->rodata),
			section_perms(p, p->data), p->guard_pages);
	print_wx(r, wx);
}
