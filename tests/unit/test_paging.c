/*
 * skiff's host page tables on the host: tables live in an arena of host
 * pages that pretends to sit at physical 64 MiB, and every check reads them
 * back through paging_lookup() or the W^X walk, the way the CPU would.
 */
#include "support.h"

#include <stdlib.h>
#include <string.h>

#include "lib/errno.h"
#include "mm/paging.h"

#define KiB		(1ull << 10)
#define MiB		(1ull << 20)
#define GiB		(1ull << 30)

/* ---- page arena: the tables' "physical" home ---- */

#define ARENA_PA	(64 * MiB)
#define ARENA_PAGES	256

struct fixture {
	struct arena arena;
	struct pt_pages pages;
	struct paging pt;
};

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));

	assert_non_null(f);
	arena_init(&f->arena, ARENA_PA, ARENA_PAGES);
	f->pages = (struct pt_pages){ .alloc = arena_alloc, .to_virt = arena_to_virt, .ctx = &f->arena };
	log_reset();
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	arena_release(&f->arena);
	free(f);
	return 0;
}

static const struct paging_caps caps_full = { .pages_1g = true, .nx = true };
static const struct paging_caps caps_no_1g = { .pages_1g = false, .nx = true };
static const struct paging_caps caps_no_nx = { .pages_1g = true, .nx = false };

static struct paging *start(struct fixture *f, const struct paging_caps *caps)
{
	assert_int_equal(paging_init(&f->pt, caps, &f->pages), 0);
	return &f->pt;
}

/* Asserts what one address translates to. */
static void expect_page(const struct paging *p, uint64_t va, uint64_t size, bool w, bool x)
{
	struct pt_translation t;

	assert_int_equal(paging_lookup(p, va, &t), 0);
	if (!t.present)
		fail_msg("0x%llx not mapped", (unsigned long long)va);
	assert_int_equal(t.pa, va);
	assert_int_equal(t.page_size, size);
	assert_int_equal(t.writable, w);
	assert_int_equal(t.executable, x);
}

static void expect_absent(const struct paging *p, uint64_t va)
{
	struct pt_translation t;

	assert_int_equal(paging_lookup(p, va, &t), 0);
	if (t.present)
		fail_msg("0x%llx mapped, should not be", (unsigned long long)va);
}

static void expect_leaves(const struct paging *p, size_t n1g, size_t n2m, size_t n4k)
{
	struct wx_report r;

	paging_check_wx(p, &r);
	assert_int_equal(r.leaves_1g, n1g);
	assert_int_equal(r.leaves_2m, n2m);
	assert_int_equal(r.leaves_4k, n4k);
}

/* Every entry of every table page: supervisor-only, never global, and no
 * XD bit when the CPU has no NX (it would be a reserved bit). */
static void expect_sane_entries(const struct fixture *f)
{
	const uint64_t *e = (const uint64_t *)f->arena.mem;
	size_t i;

	for (i = 0; i < f->arena.used * PT_ENTRIES; i++) {
		if (!(e[i] & PTE_PRESENT))
			continue;
		assert_false(e[i] & (PTE_USER | PTE_GLOBAL | PTE_PWT | PTE_PCD));
		if (!f->pt.nx)
			assert_false(e[i] & PTE_XD);
	}
}

/* The boot log line, after the W^X check it reports on. */
static void print_line(const struct paging *p)
{
	struct wx_report r;

	paging_print(p, &r, paging_check_wx(p, &r));
}

/* ---- skiff's image as kernel/linker.ld lays it out, at 16 MiB ---- */

static const uint64_t guards[] = {
	16 * MiB - 4 * KiB,		/* below the image */
	17 * MiB + 512 * KiB,		/* stack guards in bss */
	18 * MiB,
	18 * MiB + 256 * KiB,
};

static const struct skiff_image image = {
	.text = { 16 * MiB, 16 * MiB + 768 * KiB },
	.rodata = { 16 * MiB + 768 * KiB, 17 * MiB },
	.data = { 17 * MiB, 18 * MiB + 512 * KiB },
	.guards = guards,
	.nguards = 4,
};

/* ---- tests ---- */

static void test_caps_decode(void **state)
{
	struct paging_caps c = paging_caps_decode(CPUID_80000001_EDX_NX | CPUID_80000001_EDX_PAGE1GB);

	(void)state;
	assert_true(c.nx && c.pages_1g);
	c = paging_caps_decode(1u << 20);
	assert_true(c.nx && !c.pages_1g);
	c = paging_caps_decode(1u << 26);
	assert_true(!c.nx && c.pages_1g);
}

static void test_init_errors(void **state)
{
	struct fixture *f = *state;
	struct pt_pages none = { 0 };

	assert_int_equal(paging_init(&f->pt, &caps_full, &none), -EINVAL);
	assert_log_contains("no page allocator");
	f->arena.cap = 0;
	assert_int_equal(paging_init(&f->pt, &caps_full, &f->pages), -ENOMEM);
	assert_log_contains("skiff: paging: out of memory for page tables (0 pages in use)");
}

/* 4 GiB in 1 GiB pages: a PML4 and one PDPT; without 1 GiB pages, four
 * page directories more and 2048 pages of 2 MiB. */
static void test_largest_page(void **state)
{
	struct fixture *f = *state;
	struct paging *p = start(f, &caps_full);

	assert_int_equal(paging_map(p, 0, 4 * GiB, PT_RW), 0);
	assert_int_equal(p->pt.table_pages, 2);
	expect_leaves(p, 4, 0, 0);
	expect_page(p, 3 * GiB + 5, GiB, true, false);
	expect_absent(p, 4 * GiB);
	expect_sane_entries(f);
}

static void test_no_1g_pages(void **state)
{
	struct fixture *f = *state;
	struct paging *p = start(f, &caps_no_1g);

	assert_int_equal(paging_map(p, 0, 4 * GiB, PT_RW), 0);
	assert_int_equal(p->pt.table_pages, 6);
	expect_leaves(p, 0, 2048, 0);
	expect_page(p, 3 * GiB + 2 * MiB + 7, SIZE_2M, true, false);
}

/* [1 GiB - 2 MiB - 4 KiB, 2 GiB + 2 MiB + 4 KiB): each end gets a 4 KiB and
 * a 2 MiB page, the middle a 1 GiB page.  Tables: PML4, PDPT, a page
 * directory and a page table at each end. */
static void test_alignment_edges(void **state)
{
	struct fixture *f = *state;
	struct paging *p = start(f, &caps_full);
	uint64_t base = GiB - 2 * MiB - 4 * KiB, end = 2 * GiB + 2 * MiB + 4 * KiB;

	assert_int_equal(paging_map(p, base, end - base, PT_RX), 0);
	expect_leaves(p, 1, 2, 2);
	assert_int_equal(p->pt.table_pages, 6);
	expect_absent(p, base - 4 * KiB);
	expect_page(p, base, PAGE_SIZE, false, true);
	expect_page(p, GiB - 2 * MiB, SIZE_2M, false, true);
	expect_page(p, GiB, GiB, false, true);
	expect_page(p, 2 * GiB + 2 * MiB - 1, SIZE_2M, false, true);
	expect_page(p, end - 1, PAGE_SIZE, false, true);
	expect_absent(p, end);
}

static void test_bad_arguments(void **state)
{
	struct fixture *f = *state;
	struct paging *p = start(f, &caps_full);
	struct pt_translation t;

	assert_int_equal(paging_map(p, 4 * KiB + 1, 4 * KiB, PT_RW), -EINVAL);
	assert_log_contains("not page-aligned");
	assert_int_equal(paging_map(p, 0, 4 * KiB + 1, PT_RW), -EINVAL);
	assert_int_equal(paging_map(p, 0, 0, PT_RW), -EINVAL);
	assert_int_equal(paging_unmap(p, 12, 4 * KiB), -EINVAL);
	assert_int_equal(paging_map(p, PAGING_REACH, 4 * KiB, PT_RW), -ERANGE);
	assert_log_contains("beyond the 4-level identity map's reach");
	assert_int_equal(paging_map(p, PAGING_REACH - 4 * KiB, PAGE_ADDR_MAX, PT_RW), -ERANGE);
	assert_int_equal(paging_map(p, 0, 4 * KiB, PT_WRITE), -EINVAL);
	assert_log_contains("permissions 0x2");
	assert_int_equal(paging_map(p, 0, 4 * KiB, PT_RWX | 8), -EINVAL);
	assert_int_equal(paging_lookup(p, PAGING_REACH, &t), -ERANGE);
	/* Nothing was mapped on the way. */
	assert_int_equal(p->pt.table_pages, 1);
	expect_leaves(p, 0, 0, 0);
}

/* A read-only 1 GiB page, then one writable 4 KiB page inside it: the 1 GiB
 * page becomes 512 x 2 MiB, one of which becomes 512 x 4 KiB, and every
 * other part stays read-only and not executable. */
static void test_split_keeps_permissions(void **state)
{
	struct fixture *f = *state;
	struct paging *p = start(f, &caps_full);

	assert_int_equal(paging_map(p, 0, GiB, PT_READ), 0);
	expect_leaves(p, 1, 0, 0);
	assert_int_equal(paging_map(p, 2 * MiB + 4 * KiB, 4 * KiB, PT_RW), 0);
	expect_leaves(p, 0, 511, 512);
	assert_int_equal(p->pt.table_pages, 4);	/* PML4, PDPT, PD, PT */
	expect_page(p, 0, SIZE_2M, false, false);
	expect_page(p, 2 * MiB, PAGE_SIZE, false, false);
	expect_page(p, 2 * MiB + 4 * KiB, PAGE_SIZE, true, false);
	expect_page(p, 2 * MiB + 8 * KiB, PAGE_SIZE, false, false);
	expect_page(p, 4 * MiB - 4 * KiB, PAGE_SIZE, false, false);
	expect_page(p, 4 * MiB, SIZE_2M, false, false);
	expect_page(p, GiB - 1, SIZE_2M, false, false);
	/* And back: the page table stays (tables are never freed). */
	assert_int_equal(paging_map(p, 2 * MiB, 2 * MiB, PT_READ), 0);
	expect_page(p, 2 * MiB + 4 * KiB, PAGE_SIZE, false, false);
	assert_int_equal(p->pt.table_pages, 4);
}

/* Mapping part of a page with the permissions it already has splits nothing. */
static void test_same_permissions_no_split(void **state)
{
	struct fixture *f = *state;
	struct paging *p = start(f, &caps_full);

	assert_int_equal(paging_map(p, 0, GiB, PT_RW), 0);
	assert_int_equal(paging_map(p, 4 * KiB, 4 * KiB, PT_RW), 0);
	assert_int_equal(p->pt.table_pages, 2);
	expect_leaves(p, 1, 0, 0);
}

static void test_unmap_guard_in_2m_page(void **state)
{
	struct fixture *f = *state;
	struct paging *p = start(f, &caps_full);

	assert_int_equal(paging_map(p, 0, 4 * MiB, PT_RW), 0);
	expect_leaves(p, 0, 2, 0);
	assert_int_equal(paging_unmap(p, 2 * MiB + 8 * KiB, 4 * KiB), 0);
	expect_absent(p, 2 * MiB + 8 * KiB);
	expect_absent(p, 2 * MiB + 12 * KiB - 1);
	expect_page(p, 2 * MiB + 4 * KiB, PAGE_SIZE, true, false);
	expect_page(p, 2 * MiB + 12 * KiB, PAGE_SIZE, true, false);
	expect_page(p, 0, SIZE_2M, true, false);
	expect_leaves(p, 0, 1, 511);
	assert_int_equal(p->pt.table_pages, 4);
}

static void test_unmap_guard_in_1g_page(void **state)
{
	struct fixture *f = *state;
	struct paging *p = start(f, &caps_full);

	assert_int_equal(paging_map(p, 0, 2 * GiB, PT_RW), 0);
	assert_int_equal(paging_unmap(p, GiB + 512 * MiB, 4 * KiB), 0);
	expect_absent(p, GiB + 512 * MiB);
	expect_page(p, GiB + 512 * MiB - 1, SIZE_2M, true, false);
	expect_page(p, GiB + 512 * MiB + 4 * KiB, PAGE_SIZE, true, false);
	expect_page(p, 0, GiB, true, false);
	expect_leaves(p, 1, 511, 511);
	/* Unmapping what is absent allocates nothing. */
	assert_int_equal(paging_unmap(p, 4 * GiB, 8 * GiB), 0);
	assert_int_equal(p->pt.table_pages, 4);
}

static void test_lookup(void **state)
{
	struct fixture *f = *state;
	struct paging *p = start(f, &caps_no_1g);
	struct pt_translation t;

	expect_absent(p, 0);
	assert_int_equal(paging_map(p, 6 * MiB, 2 * MiB, PT_RX), 0);
	assert_int_equal(paging_lookup(p, 7 * MiB + 123, &t), 0);
	assert_true(t.present);
	assert_int_equal(t.pa, 7 * MiB + 123);
	assert_int_equal(t.page_size, SIZE_2M);
	assert_false(t.writable);
	assert_true(t.executable);
	expect_absent(p, 8 * MiB);
	expect_absent(p, 6 * MiB - 1);
}

/* Something mapped RWX is found, at its address. */
static void test_wx_detects_rwx(void **state)
{
	struct fixture *f = *state;
	struct paging *p = start(f, &caps_full);
	struct wx_report r;

	assert_int_equal(paging_build_skiff(p, &image, 4 * GiB), 0);
	assert_int_equal(paging_map(p, 100 * MiB, 8 * KiB, PT_RWX), 0);
	assert_int_equal(paging_check_wx(p, &r), -EPERM);
	assert_int_equal(r.wx_leaves, 2);
	assert_int_equal(r.first_wx, 100 * MiB);
	assert_true(r.nx_enforced);
	log_reset();
	print_line(p);
	assert_log_contains("W^X violated: 2 pages writable and executable, the first at 0x6400000");
}

/* SDM 4.6.1: a page is writable only if R/W is set at every level and
 * executable only if XD is clear at every level.  The builder never clears
 * R/W or sets XD above a leaf, so the test does, in the tables themselves. */
static void test_wx_combines_levels(void **state)
{
	struct fixture *f = *state;
	struct paging *p = start(f, &caps_no_1g);
	uint64_t *pml4 = (uint64_t *)f->arena.mem, *pdpt;
	struct wx_report r;

	assert_int_equal(paging_map(p, 0, 2 * MiB, PT_RWX), 0);
	assert_int_equal(paging_check_wx(p, &r), -EPERM);
	pdpt = arena_to_virt(&f->arena, pml4[0] & PTE_ADDR_MASK);
	assert_non_null(pdpt);

	pdpt[0] &= ~PTE_WRITE;			/* read-only above the leaf */
	assert_int_equal(paging_check_wx(p, &r), 0);
	expect_page(p, 0, SIZE_2M, false, true);
	pdpt[0] |= PTE_WRITE;

	pml4[0] |= PTE_XD;			/* execute-disable above the leaf */
	assert_int_equal(paging_check_wx(p, &r), 0);
	expect_page(p, 0, SIZE_2M, true, false);
	pml4[0] &= ~PTE_XD;
	assert_int_equal(paging_check_wx(p, &r), -EPERM);
}

/*
 * The typical layout, 4 GiB with 1 GiB pages.  GiB 0 is split into 2 MiB
 * pages; four of those into 4 KiB pages: [0, 2M) for page 0, [14M, 16M) for
 * the guard below the image, [16M, 18M) for the image and the guard at
 * 17.5M, [18M, 20M) for the two guards there (the data there is RW NX like
 * everything else, so mapping it split nothing).  So:
 *   tables: PML4 + PDPT + 1 PD + 4 PTs = 7
 *   1 GiB: 3; 2 MiB: 512 - 4 = 508;
 *   4 KiB: 511 + 511 + 511 + 510 = 2043.
 */
static void test_skiff_layout(void **state)
{
	struct fixture *f = *state;
	struct paging *p = start(f, &caps_full);
	struct wx_report r;
	size_t i;

	assert_int_equal(paging_build_skiff(p, &image, 4 * GiB), 0);
	assert_int_equal(paging_check_wx(p, &r), 0);
	assert_int_equal(p->pt.table_pages, 7);
	assert_int_equal(r.leaves_1g, 3);
	assert_int_equal(r.leaves_2m, 508);
	assert_int_equal(r.leaves_4k, 2043);
	assert_int_equal(r.mapped_bytes, 4 * GiB - 5 * PAGE_SIZE);
	assert_int_equal(r.top, 4 * GiB);
	assert_int_equal(r.wx_leaves, 0);

	expect_absent(p, 0);
	expect_absent(p, 0xfff);
	expect_page(p, 4 * KiB, PAGE_SIZE, true, false);
	for (i = 0; i < 4; i++)
		expect_absent(p, guards[i]);
	expect_page(p, image.text.base, PAGE_SIZE, false, true);
	expect_page(p, image.text.end - 1, PAGE_SIZE, false, true);
	expect_page(p, image.rodata.base, PAGE_SIZE, false, false);
	expect_page(p, image.data.base, PAGE_SIZE, true, false);
	expect_page(p, image.data.end - 1, PAGE_SIZE, true, false);
	expect_page(p, 20 * MiB, SIZE_2M, true, false);
	expect_page(p, 3 * GiB, GiB, true, false);
	expect_page(p, ARENA_PA, SIZE_2M, true, false);	/* the tables themselves */
	expect_sane_entries(f);

	log_reset();
	print_line(p);
	assert_log_contains("skiff: paging: identity map of 4 GiB: 3 x 1 GiB, 508 x 2 MiB, "
			    "2043 x 4 KiB pages in 7 table pages; text RX, rodata R, data RW; "
			    "4 guard pages; W^X holds\n");
}

/* The same without 1 GiB pages: PML4 + PDPT + 4 PDs + the same 4 PTs = 10;
 * 2048 - 4 pages of 2 MiB. */
static void test_skiff_layout_no_1g(void **state)
{
	struct fixture *f = *state;
	struct paging *p = start(f, &caps_no_1g);

	assert_int_equal(paging_build_skiff(p, &image, 4 * GiB), 0);
	assert_int_equal(p->pt.table_pages, 10);
	expect_leaves(p, 0, 2044, 2043);
}

/* Without NX: nothing sets the (then reserved) XD bit, mapping works, every
 * page is executable, and the check says W^X cannot be enforced. */
static void test_no_nx(void **state)
{
	struct fixture *f = *state;
	struct paging *p = start(f, &caps_no_nx);
	struct wx_report r;

	assert_int_equal(paging_build_skiff(p, &image, 4 * GiB), 0);
	expect_sane_entries(f);
	expect_page(p, image.data.base, PAGE_SIZE, true, true);
	expect_page(p, image.rodata.base, PAGE_SIZE, false, true);
	expect_page(p, image.text.base, PAGE_SIZE, false, true);
	assert_int_equal(paging_check_wx(p, &r), -ENOTSUP);
	assert_false(r.nx_enforced);
	/* Every leaf but the 192 text and 64 rodata pages is writable. */
	assert_int_equal(r.wx_leaves, 3 + 508 + 2043 - 192 - 64);
	assert_int_equal(r.first_wx, 4 * KiB);
	log_reset();
	print_line(p);
	assert_log_contains("text RX, rodata RX, data RWX; 4 guard pages; "
			    "W^X cannot be enforced: no NX, every page is executable\n");
}

/* 64 GiB: GiB 0 as in the 4 GiB layout, 63 pages of 1 GiB; 1 TiB needs a
 * second PDPT (each covers 512 GiB). */
static void test_above_4g(void **state)
{
	struct fixture *f = *state;
	struct paging *p = start(f, &caps_full);

	assert_int_equal(paging_build_skiff(p, &image, 64 * GiB), 0);
	assert_int_equal(p->pt.table_pages, 7);
	expect_leaves(p, 63, 508, 2043);
	expect_page(p, 64 * GiB - 1, GiB, true, false);
	expect_absent(p, 64 * GiB);
	log_reset();
	print_line(p);
	assert_log_contains("identity map of 64 GiB: 63 x 1 GiB");

	assert_int_equal(paging_map(p, 0, 1024 * GiB, PT_RW), 0);
	assert_int_equal(p->pt.table_pages, 8);
	expect_page(p, 1000 * GiB, GiB, true, false);
}

/* Without 1 GiB pages, 64 GiB takes 64 page directories:
 * PML4 + PDPT + 64 PDs + 4 PTs = 70. */
static void test_above_4g_no_1g(void **state)
{
	struct fixture *f = *state;
	struct paging *p = start(f, &caps_no_1g);

	assert_int_equal(paging_build_skiff(p, &image, 64 * GiB), 0);
	assert_int_equal(p->pt.table_pages, 70);
	expect_leaves(p, 0, 64 * 512 - 4, 2043);
}

/* Three pages: the PML4, the PDPT for [0, 4 GiB), the page directory that
 * splitting GiB 0 for the text needs; the page table for [16M, 18M) fails.
 * What was built stays a valid set of tables. */
static void test_out_of_pages(void **state)
{
	struct fixture *f = *state;
	struct paging *p;
	struct wx_report r;

	f->arena.cap = 3;
	p = start(f, &caps_full);
	assert_int_equal(paging_build_skiff(p, &image, 4 * GiB), -ENOMEM);
	assert_log_contains("skiff: paging: out of memory for page tables (3 pages in use)");
	assert_false(p->has_image);
	assert_int_equal(p->pt.table_pages, 3);
	expect_page(p, image.text.base, SIZE_2M, true, false);
	expect_page(p, 3 * GiB, GiB, true, false);
	assert_int_equal(paging_check_wx(p, &r), 0);
	expect_leaves(p, 3, 512, 0);
	assert_int_equal(paging_unmap(p, 4 * KiB, 4 * KiB), -ENOMEM);
}

static void test_bad_image(void **state)
{
	struct fixture *f = *state;
	struct paging *p = start(f, &caps_full);
	struct skiff_image img = image;

	img.rodata.base -= 4 * KiB;
	assert_int_equal(paging_build_skiff(p, &img, 4 * GiB), -EINVAL);
	assert_log_contains("image sections overlap");
	img = image;
	img.data.end += 1;
	assert_int_equal(paging_build_skiff(p, &img, 4 * GiB), -EINVAL);
	assert_log_contains("image data [0x1100000, 0x1280001) is not a page-aligned range");
	img = image;
	img.text.end = img.text.base;
	assert_int_equal(paging_build_skiff(p, &img, 4 * GiB), -EINVAL);
	assert_log_contains("image has no text");
	assert_int_equal(paging_build_skiff(p, &image, 0), -EINVAL);
	assert_int_equal(paging_build_skiff(p, &image, PAGING_REACH + 4 * KiB), -ERANGE);
	assert_log_contains("physical limit 0x800000001000");
	assert_int_equal(p->pt.table_pages, 1);
}

/* A limit inside a page maps that whole page; empty rodata maps nothing. */
static void test_limit_rounded_up(void **state)
{
	struct fixture *f = *state;
	struct paging *p = start(f, &caps_full);
	struct skiff_image img = image;

	img.rodata.end = img.rodata.base;
	assert_int_equal(paging_build_skiff(p, &img, 4 * GiB - 100), 0);
	expect_page(p, 4 * GiB - 1, GiB, true, false);
	expect_page(p, img.rodata.base, PAGE_SIZE, true, false);	/* stays RW NX */
	log_reset();
	print_line(p);
	assert_log_contains("rodata empty");
}

static void test_print_without_image(void **state)
{
	struct fixture *f = *state;
	struct paging *p = start(f, &caps_full);

	assert_int_equal(paging_map(p, 0, 4 * GiB, PT_RW), 0);
	log_reset();
	print_line(p);
	assert_log_contains("skiff: paging: identity map of 4 GiB: 4 x 1 GiB, 0 x 2 MiB, "
			    "0 x 4 KiB pages in 2 table pages; W^X holds\n");
	assert_int_equal(paging_unmap(p, 4 * GiB - 2 * MiB, 2 * MiB), 0);
	log_reset();
	print_line(p);
	assert_log_contains("identity map of 4094 MiB:");
}

/* ---- the whole-tree walk the integrity check uses ---- */

/* Marks the tables as the CPU would after touching every page: A in every
 * present entry, D in those that map a page (SDM Vol. 3A 4.8). */
static void mark_used(struct fixture *f, uint64_t pa, int level)
{
	uint64_t *t = arena_to_virt(&f->arena, pa);

	for (unsigned i = 0; i < PT_ENTRIES; i++) {
		if (!(t[i] & PTE_PRESENT))
			continue;
		t[i] |= PTE_ACCESSED;
		if (level == PT_LEVEL_PT || (t[i] & PTE_PS))
			t[i] |= PTE_DIRTY;
		else
			mark_used(f, t[i] & PTE_ADDR_MASK, level - 1);
	}
}

static struct paging *skiff_tables(struct fixture *f)
{
	struct paging *p = start(f, &caps_full);

	assert_int_equal(paging_build_skiff(p, &image, 4 * GiB), 0);
	return p;
}

static void test_walk_tables_shows_each_page_as_skiff_wrote_it(void **state)
{
	struct fixture *f = *state;
	struct paging *p = skiff_tables(f);
	struct walk_check w;

	walk_check_start(&w, &f->arena, p->pt.root);
	mark_used(f, p->pt.root, PT_LEVEL_PML4);
	assert_int_equal(paging_walk_tables(p, walk_check_visit, &w), (int)p->pt.table_pages);
	walk_check_end(&w);
}

/* Keeps what the walk showed of the PML4. */
static void copy_root(void *arg, const uint64_t *entries, int level)
{
	if (level == PT_LEVEL_PML4)
		memcpy(arg, entries, PT_ENTRIES * sizeof(uint64_t));
}

/* Bit 6 of an entry that references a table is ignored, not a dirty flag
 * (SDM Vol. 3A 4.5, the PML4E, PDPTE and PDE formats): the CPU never sets
 * it there, so the walk shows it, and it shows bit 5 of an entry that is
 * not present, which no walk of the CPU's uses. */
static void test_walk_tables_hides_only_what_the_cpu_sets(void **state)
{
	struct fixture *f = *state;
	struct paging *p = skiff_tables(f);
	uint64_t *pml4 = arena_to_virt(&f->arena, p->pt.root), root[PT_ENTRIES];

	pml4[0] |= PTE_ACCESSED | PTE_DIRTY;
	pml4[1] = PTE_ACCESSED;
	assert_int_equal(paging_walk_tables(p, copy_root, root), (int)p->pt.table_pages);
	assert_int_equal(root[0], pml4[0] & ~PTE_ACCESSED);
	assert_int_equal(root[1], PTE_ACCESSED);
}

/* An entry that references no page the supply gave (to_virt() says NULL)
 * is shown but not followed: in skiff, an address outside the pool. */
static void test_walk_tables_follows_only_table_pages(void **state)
{
	struct fixture *f = *state;
	struct paging *p = skiff_tables(f);
	uint64_t *pml4 = arena_to_virt(&f->arena, p->pt.root), root[PT_ENTRIES];

	pml4[1] = (ARENA_PA + ARENA_PAGES * 4 * KiB) | PTE_PRESENT | PTE_WRITE;
	assert_int_equal(paging_walk_tables(p, copy_root, root), (int)p->pt.table_pages);
	assert_int_equal(root[1], pml4[1]);
}

/* A table that references a table above it makes the walk go round: it
 * ends once it has seen more pages than skiff made. */
static void test_walk_tables_ends_in_a_loop(void **state)
{
	struct fixture *f = *state;
	struct paging *p = skiff_tables(f);
	uint64_t *pml4 = arena_to_virt(&f->arena, p->pt.root), root[PT_ENTRIES];

	pml4[1] = p->pt.root | PTE_PRESENT | PTE_WRITE;
	assert_int_equal(paging_walk_tables(p, copy_root, root), -E2BIG);
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_caps_decode),
		T(test_init_errors),
		T(test_largest_page),
		T(test_no_1g_pages),
		T(test_alignment_edges),
		T(test_bad_arguments),
		T(test_split_keeps_permissions),
		T(test_same_permissions_no_split),
		T(test_unmap_guard_in_2m_page),
		T(test_unmap_guard_in_1g_page),
		T(test_lookup),
		T(test_wx_detects_rwx),
		T(test_wx_combines_levels),
		T(test_skiff_layout),
		T(test_skiff_layout_no_1g),
		T(test_no_nx),
		T(test_above_4g),
		T(test_above_4g_no_1g),
		T(test_out_of_pages),
		T(test_bad_image),
		T(test_limit_rounded_up),
		T(test_print_without_image),
		T(test_walk_tables_shows_each_page_as_skiff_wrote_it),
		T(test_walk_tables_hides_only_what_the_cpu_sets),
		T(test_walk_tables_follows_only_table_pages),
		T(test_walk_tables_ends_in_a_loop),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
