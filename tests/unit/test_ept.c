/*
 * The EPT builder on the host: tables live in an arena of host pages that
 * pretends to sit at guest-physical 16 MiB, inside the range skiff keeps,
 * and a walker checks every table the way the CPU would read it.
 */
#include "support.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/errno.h"
#include "mm/ept.h"
#include "mm/mtrr.h"

#define MiB		(1ull << 20)
#define GiB		(1ull << 30)
#define WIDTH		39		/* MAXPHYADDR of the test machines */

/* IA32_VMX_EPT_VPID_CAP of Bochs' "skylake" CPU model. */
#define CAP_BOCHS_SKYLAKE	0x00000f0106334141ull
/* The same without 2 MiB and 1 GiB pages (bits 16 and 17). */
#define CAP_NO_LARGE_PAGES	0x00000f0106304141ull
/* The same without 1 GiB pages only. */
#define CAP_NO_1G		0x00000f0106314141ull

/* ---- page arena: the tables' "physical" home ---- */

#define ARENA_PA	(16 * MiB)
#define ARENA_PAGES	4096		/* 16 MiB: exactly the kept hole */

struct fixture {
	struct arena arena;
	struct pt_pages pages;
	struct ept ept;
};

/* Times the builder looked at a table page: a walk from the top for every
 * page would show up here as thousands. */
static size_t table_visits;

static void *counting_to_virt(void *ctx, uint64_t pa)
{
	table_visits++;
	return arena_to_virt(ctx, pa);
}

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));

	assert_non_null(f);
	arena_init(&f->arena, ARENA_PA, ARENA_PAGES);
	f->pages = (struct pt_pages){ .alloc = arena_alloc, .to_virt = counting_to_virt,
				      .ctx = &f->arena };
	table_visits = 0;
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

static struct ept *ept_new(void **state, uint64_t cap_msr, unsigned width)
{
	struct fixture *f = *state;
	struct ept_caps caps = ept_caps_decode(cap_msr);

	caps.phys_addr_width = width;
	assert_int_equal(ept_init(&f->ept, &caps, &f->pages), 0);
	return &f->ept;
}

/* ---- the machines ---- */

/* A 4 GiB PC: RAM below 640 KiB (the EBDA takes its last KiB), RAM from
 * 1 MiB to 3 GiB, devices above.  skiff keeps 16 MiB at 16 MiB. */
static const struct phys_range pc_ram[] = {
	{ 0, 0x9fc00 }, { MiB, 3 * GiB },
};
static const struct phys_range pc_keep[] = { { 16 * MiB, 32 * MiB } };

/* The same PC with 64 GiB: RAM resumes at 4 GiB; skiff also keeps its pool
 * in the highest 16 MiB of RAM below 4 GiB. */
static const struct phys_range big_ram[] = {
	{ 0, 0x9fc00 }, { MiB, 3 * GiB }, { 4 * GiB, 64 * GiB },
};
static const struct phys_range big_keep[] = {
	{ 16 * MiB, 32 * MiB }, { 3 * GiB - 16 * MiB, 3 * GiB },
};

#define N(a)	(sizeof(a) / sizeof((a)[0]))

static void add_var_range(struct mtrr_state *s, uint64_t base, uint64_t size, int type)
{
	uint64_t mask = (((1ull << WIDTH) - 1) & ~(size - 1)) | MTRR_PHYSMASK_VALID;

	assert_int_equal(mtrr_add_var(s, base | (uint64_t)type, mask), 0);
}

/* What firmware programs on such a PC: default WB, the legacy VGA window
 * UC, option ROMs WP, the PCI hole [3 GiB, 4 GiB) UC. */
static void pc_mtrrs(struct mtrr_state *s)
{
	unsigned i;

	mtrr_state_init(s, MTRRCAP_FIX | MTRRCAP_WC | 8,
			MTRR_DEF_TYPE_E | MTRR_DEF_TYPE_FE | MTRR_TYPE_WB, WIDTH);
	mtrr_set_fixed(s, 0, 0x0606060606060606ull);		/* 0-0x7FFFF WB */
	mtrr_set_fixed(s, 1, 0x0606060606060606ull);		/* 0x80000-0x9FFFF WB */
	mtrr_set_fixed(s, 2, 0);				/* 0xA0000-0xBFFFF UC */
	for (i = 3; i < MTRR_FIXED_MSRS; i++)			/* 0xC0000-0xCFFFF WP */
		mtrr_set_fixed(s, i, i < 5 ? 0x0505050505050505ull : 0x0606060606060606ull);
	add_var_range(s, 3 * GiB, GiB, MTRR_TYPE_UC);
}

/* ---- the walker ---- */

struct walk {
	const struct ept *e;
	const struct phys_range *keep;
	size_t nkeep;
	uint64_t limit;
	uint64_t mapped;		/* bytes all leaves map */
	size_t tables;
	size_t leaves[EPT_LEVELS + 1];
};

static uint64_t span_of(int level)
{
	return PAGE_SIZE << (9 * (level - 1));
}

/* Bits the CPU rejects in any present entry (SDM 29.3.3.1): 51:N. */
static void check_reserved(const struct walk *w, uint64_t entry)
{
	uint64_t addr_bits = 0x000FFFFFFFFFF000ull;

	if (entry & addr_bits & ~EPT_ADDR_MASK(w->e->caps.phys_addr_width))
		fail_msg("entry 0x%llx sets bits above MAXPHYADDR", (unsigned long long)entry);
	assert_int_equal(entry >> 52, 0);	/* skiff uses none of 63:52 */
}

static void check_leaf(struct walk *w, uint64_t entry, int level, uint64_t gpa)
{
	uint64_t span = span_of(level), addr = entry & w->e->pt.addr_mask;
	int type = (int)((entry & EPT_MEMTYPE_MASK) >> EPT_MEMTYPE_SHIFT);
	size_t i;

	assert_true(level == 1 || (level == 2 && w->e->caps.pages_2m) ||
		    (level == 3 && w->e->caps.pages_1g));
	if (addr != gpa)
		fail_msg("gpa 0x%llx maps to 0x%llx, not to itself",
			 (unsigned long long)gpa, (unsigned long long)addr);
	assert_true(is_aligned(addr, span));	/* bits 29:12 or 20:12 reserved */
	assert_int_equal((entry & EPT_LARGE_PAGE) != 0, level > 1);	/* ignored in a PTE */
	assert_true(mtrr_type_valid(type));
	assert_false((entry & EPT_WRITE) && !(entry & EPT_READ));
	assert_true(gpa + span <= w->limit);
	for (i = 0; i < w->nkeep; i++)
		if (gpa < w->keep[i].end && w->keep[i].base < gpa + span)
			fail_msg("kept [0x%llx, 0x%llx) reachable through the %llu-byte page at 0x%llx",
				 (unsigned long long)w->keep[i].base, (unsigned long long)w->keep[i].end,
				 (unsigned long long)span, (unsigned long long)gpa);
	w->mapped += span;
	w->leaves[level]++;
}

static void walk_table(struct walk *w, uint64_t pa, int level, uint64_t gpa_base)
{
	const uint64_t *t = arena_to_virt(w->e->pt.pages.ctx, pa);
	unsigned i;

	if (!t)
		fail_msg("table at 0x%llx is not an allocated page", (unsigned long long)pa);
	w->tables++;
	for (i = 0; i < EPT_ENTRIES; i++) {
		uint64_t entry = t[i], gpa = gpa_base + i * span_of(level);

		if (!(entry & EPT_RWX)) {
			assert_int_equal(entry, 0);	/* absent entries stay clean */
			continue;
		}
		check_reserved(w, entry);
		if (level == 1 || (entry & EPT_LARGE_PAGE)) {
			assert_true(level < EPT_LEVELS);	/* bit 7 reserved in a PML4E */
			check_leaf(w, entry, level, gpa);
		} else {
			assert_int_equal(entry & 0xFF8, 0);	/* 7:3 reserved, ignored 11:8 clear */
			assert_int_equal(entry & EPT_RWX, EPT_RWX);
			walk_table(w, entry & w->e->pt.addr_mask, level - 1, gpa);
		}
	}
}

/* Walks from the EPTP like the CPU and checks each entry; then that the
 * counters agree with what is really there. */
static void walk_all(struct walk *w)
{
	uint64_t eptp = ept_pointer(w->e);
	int level;

	assert_true((eptp & EPTP_MEMTYPE_MASK) == MTRR_TYPE_WB ||
		    (eptp & EPTP_MEMTYPE_MASK) == MTRR_TYPE_UC);
	assert_int_equal((eptp >> EPTP_WALK_LENGTH_SHIFT) & 7, 3);
	assert_int_equal(eptp & 0xF80, 0);			/* 11:7 reserved */
	walk_table(w, eptp & w->e->pt.addr_mask, EPT_LEVELS, 0);
	assert_int_equal(w->tables, ept_table_pages(w->e));
	for (level = 1; level < EPT_LEVELS; level++)
		assert_int_equal(w->leaves[level], ept_leaf_count(w->e, span_of(level)));
}

static void expect_page(const struct ept *e, uint64_t gpa, uint64_t size, int type)
{
	struct ept_translation t;

	assert_int_equal(ept_lookup(e, gpa, &t), 0);
	if (!t.present || t.hpa != gpa || t.page_size != size || t.memtype != type ||
	    t.perms != EPT_RWX || t.ignore_pat)
		fail_msg("0x%llx: %s, hpa 0x%llx, page 0x%llx %s perms %u; want page 0x%llx %s RWX",
			 (unsigned long long)gpa, t.present ? "present" : "absent",
			 (unsigned long long)t.hpa, (unsigned long long)t.page_size,
			 mtrr_type_name(t.memtype), t.perms, (unsigned long long)size,
			 mtrr_type_name(type));
}

static void expect_absent(const struct ept *e, uint64_t gpa)
{
	struct ept_translation t;

	assert_int_equal(ept_lookup(e, gpa, &t), 0);
	if (t.present)
		fail_msg("0x%llx: present, want absent", (unsigned long long)gpa);
}

static const struct phys_range *kept_at(const struct phys_range *keep, size_t nkeep, uint64_t pa)
{
	size_t i;

	for (i = 0; i < nkeep; i++)
		if (pa >= keep[i].base && pa < keep[i].end)
			return &keep[i];
	return NULL;
}

/*
 * The identity-map contract: the walk finds only identity leaves below
 * limit that miss every kept page, and exactly limit minus the kept bytes
 * of them, so every other page is mapped.  Then each RAM page is looked up
 * (one lookup per page found) to see it map to itself.
 */
static void check_identity(const struct ept *e, const struct phys_range *ram, size_t nram,
			   const struct phys_range *keep, size_t nkeep, uint64_t limit)
{
	struct walk w = { .e = e, .keep = keep, .nkeep = nkeep, .limit = limit };
	uint64_t kept = 0, pa;
	size_t i;

	walk_all(&w);
	for (i = 0; i < nkeep; i++)		/* test keep ranges are disjoint */
		kept += (keep[i].end < limit ? keep[i].end : limit) - keep[i].base;
	assert_int_equal(w.mapped, limit - kept);
	for (i = 0; i < nram; i++) {
		for (pa = align_down(ram[i].base, PAGE_SIZE); pa < ram[i].end;) {
			const struct phys_range *k = kept_at(keep, nkeep, pa);
			struct ept_translation t;

			assert_int_equal(ept_lookup(e, pa, &t), 0);
			assert_int_equal(t.present, k == NULL);
			if (k) {
				pa = k->end;
				continue;
			}
			assert_int_equal(t.hpa, pa);
			assert_int_equal(t.perms, EPT_RWX);
			pa = align_down(pa, t.page_size) + t.page_size;
		}
	}
}

static void print_figures(const char *what, const struct ept *e)
{
	print_message("  %s: %zu table pages; %zu x 1G, %zu x 2M, %zu x 4K\n", what,
		      ept_table_pages(e), ept_leaf_count(e, SIZE_1G), ept_leaf_count(e, SIZE_2M),
		      ept_leaf_count(e, PAGE_SIZE));
}

/* The leaf entry for gpa as the CPU reads it, or 0. */
static uint64_t raw_leaf(const struct ept *e, uint64_t gpa)
{
	const uint64_t *t = arena_to_virt(e->pt.pages.ctx, e->pt.root);
	int level;

	for (level = EPT_LEVELS; level >= 1; level--) {
		uint64_t entry = t[(gpa >> (12 + 9 * (level - 1))) & 511];

		if (!(entry & EPT_RWX))
			return 0;
		if (level == 1 || (entry & EPT_LARGE_PAGE))
			return entry;
		t = arena_to_virt(e->pt.pages.ctx, entry & e->pt.addr_mask);
	}
	return 0;
}

/* ---- capabilities and the EPTP ---- */

static void test_caps_decode_bochs_skylake(void **state)
{
	struct ept_caps c = ept_caps_decode(CAP_BOCHS_SKYLAKE);

	(void)state;
	assert_true(c.execute_only);
	assert_true(c.walk_length_4);
	assert_false(c.walk_length_5);
	assert_true(c.memtype_uc);
	assert_true(c.memtype_wb);
	assert_true(c.pages_2m);
	assert_true(c.pages_1g);
	assert_true(c.ad_flags);
	assert_true(c.invept);
	assert_true(c.invept_single);
	assert_true(c.invept_all);
	assert_int_equal(c.phys_addr_width, 0);		/* not in the MSR */
}

static void test_caps_decode_without_large_pages(void **state)
{
	struct ept_caps c = ept_caps_decode(CAP_NO_LARGE_PAGES);

	(void)state;
	assert_true(c.walk_length_4);
	assert_true(c.memtype_wb);
	assert_false(c.pages_2m);
	assert_false(c.pages_1g);
	assert_true(c.ad_flags);
	c = ept_caps_decode(0);
	assert_false(c.walk_length_4 || c.memtype_uc || c.memtype_wb || c.pages_2m ||
		     c.pages_1g || c.ad_flags || c.invept || c.execute_only);
}

static void test_caps_describe(void **state)
{
	struct ept_caps c = ept_caps_decode(CAP_BOCHS_SKYLAKE);

	(void)state;
	ept_caps_describe(&c);
	assert_log_contains("skiff: ept: caps: 4-level walk yes, EPTP memory types UC WB, "
			    "pages 4K 2M 1G, A/D flags yes, INVEPT yes single-context all-context, "
			    "execute-only yes\n");
	log_reset();
	c = ept_caps_decode(CAP_NO_LARGE_PAGES & ~EPT_CAP_AD_FLAGS);
	ept_caps_describe(&c);
	assert_log_contains("pages 4K, A/D flags no,");
}

static void test_init_refuses_what_it_cannot_use(void **state)
{
	struct fixture *f = *state;
	struct ept_caps c;

	c = ept_caps_decode(CAP_BOCHS_SKYLAKE & ~EPT_CAP_WALK_LENGTH_4);
	c.phys_addr_width = WIDTH;
	assert_int_equal(ept_init(&f->ept, &c, &f->pages), -ENOTSUP);
	assert_log_contains("skiff: ept: the CPU cannot walk 4-level EPT tables");

	c = ept_caps_decode(CAP_BOCHS_SKYLAKE & ~(EPT_CAP_MEMTYPE_WB | EPT_CAP_MEMTYPE_UC));
	c.phys_addr_width = WIDTH;
	assert_int_equal(ept_init(&f->ept, &c, &f->pages), -ENOTSUP);
	assert_log_contains("skiff: ept: the CPU allows neither WB nor UC");

	c = ept_caps_decode(CAP_BOCHS_SKYLAKE);		/* width left 0 */
	assert_int_equal(ept_init(&f->ept, &c, &f->pages), -EINVAL);
	assert_log_contains("skiff: ept: physical-address width 0 not in [32, 52]");
	assert_int_equal(f->arena.used, 0);
}

static void test_eptp_format(void **state)
{
	struct fixture *f = *state;
	struct ept *e = ept_new(state, CAP_BOCHS_SKYLAKE, WIDTH);
	struct ept_caps c;

	/* PML4 at 16 MiB; bits 2:0 WB (6); 5:3 walk length 4 - 1; 6 A/D off. */
	assert_int_equal(e->pt.root, ARENA_PA);
	assert_int_equal(ept_pointer(e), 0x100001eull);
	assert_int_equal(ept_enable_ad(e), 0);
	assert_int_equal(ept_pointer(e), 0x100005eull);
	assert_int_equal(ept_table_pages(e), 1);

	/* UC tables where WB is not allowed; no A/D without bit 21. */
	c = ept_caps_decode(CAP_BOCHS_SKYLAKE & ~(EPT_CAP_MEMTYPE_WB | EPT_CAP_AD_FLAGS));
	c.phys_addr_width = WIDTH;
	assert_int_equal(ept_init(&f->ept, &c, &f->pages), 0);
	assert_int_equal(ept_pointer(&f->ept), (ARENA_PA + PAGE_SIZE) | 0x18);
	assert_int_equal(ept_enable_ad(&f->ept), -ENOTSUP);
	assert_log_contains("skiff: ept: the CPU has no EPT accessed/dirty flags");
	assert_int_equal(ept_pointer(&f->ept) & EPTP_AD_ENABLE, 0);
}

/* ---- ept_map, ept_unmap, ept_lookup ---- */

static void test_permission_bits(void **state)
{
	struct ept *e = ept_new(state, CAP_BOCHS_SKYLAKE, WIDTH);
	struct ept_translation t;

	assert_int_equal(ept_map(e, 0x0000, 0x1000, MTRR_TYPE_WB, EPT_READ), 0);
	assert_int_equal(ept_map(e, 0x1000, 0x1000, MTRR_TYPE_WB, EPT_READ | EPT_EXECUTE), 0);
	assert_int_equal(ept_map(e, 0x2000, 0x1000, MTRR_TYPE_UC, EPT_READ | EPT_WRITE), 0);
	assert_int_equal(ept_map(e, 0x3000, 0x1000, MTRR_TYPE_WT, EPT_RWX), 0);
	/* Bochs allows execute-only (bit 0 of the MSR). */
	assert_int_equal(ept_map(e, 0x4000, 0x1000, MTRR_TYPE_WB, EPT_EXECUTE), 0);

	assert_int_equal(ept_lookup(e, 0x0abc, &t), 0);
	assert_true(t.present);
	assert_int_equal(t.perms, EPT_READ);
	assert_int_equal(t.hpa, 0x0abc);
	assert_int_equal(ept_lookup(e, 0x1000, &t), 0);
	assert_int_equal(t.perms, EPT_READ | EPT_EXECUTE);
	assert_int_equal(ept_lookup(e, 0x2000, &t), 0);
	assert_int_equal(t.perms, EPT_READ | EPT_WRITE);
	assert_int_equal(t.memtype, MTRR_TYPE_UC);
	assert_int_equal(ept_lookup(e, 0x4000, &t), 0);
	assert_int_equal(t.perms, EPT_EXECUTE);

	/* The raw PTEs, bit for bit (SDM Table 29-6): R=bit 0, W=1, X=2,
	 * type 5:3, ignore-PAT 6 clear, address from bit 12. */
	assert_int_equal(raw_leaf(e, 0x0000), 0x0000 | 0x1 | (6 << 3));
	assert_int_equal(raw_leaf(e, 0x1000), 0x1000 | 0x5 | (6 << 3));
	assert_int_equal(raw_leaf(e, 0x2000), 0x2000 | 0x3 | (0 << 3));
	assert_int_equal(raw_leaf(e, 0x3000), 0x3000 | 0x7 | (4 << 3));
	assert_int_equal(raw_leaf(e, 0x4000), 0x4000 | 0x4 | (6 << 3));
	expect_absent(e, 0x5000);
}

static void test_permissions_that_misconfigure_are_refused(void **state)
{
	struct fixture *f = *state;
	struct ept *e = ept_new(state, CAP_BOCHS_SKYLAKE, WIDTH);
	struct ept_caps c;

	/* SDM 29.3.3.1: write without read is a misconfiguration. */
	assert_int_equal(ept_map(e, 0, 0x1000, MTRR_TYPE_WB, EPT_WRITE), -EINVAL);
	assert_int_equal(ept_map(e, 0, 0x1000, MTRR_TYPE_WB, EPT_WRITE | EPT_EXECUTE), -EINVAL);
	assert_log_contains("skiff: ept: write without read is an EPT misconfiguration");
	assert_int_equal(ept_map(e, 0, 0x1000, MTRR_TYPE_WB, 0), -EINVAL);
	assert_int_equal(ept_map(e, 0, 0x1000, MTRR_TYPE_WB, EPT_RWX | 0x8), -EINVAL);
	assert_int_equal(ept_table_pages(e), 1);

	/* Execute-only needs bit 0 of IA32_VMX_EPT_VPID_CAP. */
	c = ept_caps_decode(CAP_BOCHS_SKYLAKE & ~EPT_CAP_EXECUTE_ONLY);
	c.phys_addr_width = WIDTH;
	assert_int_equal(ept_init(&f->ept, &c, &f->pages), 0);
	assert_int_equal(ept_map(&f->ept, 0, 0x1000, MTRR_TYPE_WB, EPT_EXECUTE), -ENOTSUP);
	assert_log_contains("skiff: ept: the CPU has no execute-only pages");
}

static void test_4k_pages_when_no_large_pages(void **state)
{
	struct ept *e = ept_new(state, CAP_NO_LARGE_PAGES, WIDTH);
	struct ept_translation t;

	assert_int_equal(ept_map(e, 0x1000, 0x2000, MTRR_TYPE_WB, EPT_RWX), 0);
	expect_absent(e, 0x0fff);
	expect_page(e, 0x1000, PAGE_SIZE, MTRR_TYPE_WB);
	assert_int_equal(ept_lookup(e, 0x2fff, &t), 0);
	assert_true(t.present);
	assert_int_equal(t.hpa, 0x2fff);
	expect_absent(e, 0x3000);
	assert_int_equal(ept_leaf_count(e, PAGE_SIZE), 2);
	assert_int_equal(ept_table_pages(e), 4);	/* PML4, PDPT, PD, PT */

	/* A 2 MiB-aligned range still takes 4 KiB pages. */
	assert_int_equal(ept_map(e, 4 * MiB, 2 * MiB, MTRR_TYPE_WB, EPT_RWX), 0);
	expect_page(e, 5 * MiB, PAGE_SIZE, MTRR_TYPE_WB);
	assert_int_equal(ept_leaf_count(e, PAGE_SIZE), 2 + 512);
	assert_int_equal(ept_leaf_count(e, SIZE_2M), 0);
}

static void test_largest_page_at_each_step(void **state)
{
	struct ept *e = ept_new(state, CAP_BOCHS_SKYLAKE, WIDTH);
	struct walk w = { .e = e, .limit = 4 * GiB };

	/* [0x1FF000, 0x401000): 4 KiB, then 2 MiB, then 4 KiB. */
	assert_int_equal(ept_map(e, 0x1FF000, 0x202000, MTRR_TYPE_WB, EPT_RWX), 0);
	expect_absent(e, 0x1FE000);
	expect_page(e, 0x1FF000, PAGE_SIZE, MTRR_TYPE_WB);
	expect_page(e, 0x200000, SIZE_2M, MTRR_TYPE_WB);
	expect_page(e, 0x3FFFFF, SIZE_2M, MTRR_TYPE_WB);
	expect_page(e, 0x400000, PAGE_SIZE, MTRR_TYPE_WB);
	expect_absent(e, 0x401000);
	assert_int_equal(ept_leaf_count(e, PAGE_SIZE), 2);
	assert_int_equal(ept_leaf_count(e, SIZE_2M), 1);
	assert_int_equal(ept_table_pages(e), 5);	/* PML4, PDPT, PD, 2 PTs */
	walk_all(&w);
	assert_int_equal(w.mapped, 0x202000);
}

static void test_map_splits_a_large_page(void **state)
{
	struct ept *e = ept_new(state, CAP_BOCHS_SKYLAKE, WIDTH);
	struct walk w = { .e = e, .limit = 4 * GiB };

	assert_int_equal(ept_map(e, 0, GiB, MTRR_TYPE_WB, EPT_RWX), 0);
	assert_int_equal(ept_leaf_count(e, SIZE_1G), 1);
	assert_int_equal(ept_table_pages(e), 2);
	/* Retype the VGA window: the 1 GiB page becomes 2 MiB pages, the
	 * first of those 4 KiB pages; the rest keeps its type. */
	assert_int_equal(ept_map(e, 0xA0000, 0x20000, MTRR_TYPE_UC, EPT_RWX), 0);
	expect_page(e, 0x9F000, PAGE_SIZE, MTRR_TYPE_WB);
	expect_page(e, 0xA0000, PAGE_SIZE, MTRR_TYPE_UC);
	expect_page(e, 0xBF000, PAGE_SIZE, MTRR_TYPE_UC);
	expect_page(e, 0xC0000, PAGE_SIZE, MTRR_TYPE_WB);
	expect_page(e, 0x200000, SIZE_2M, MTRR_TYPE_WB);
	expect_page(e, GiB - 1, SIZE_2M, MTRR_TYPE_WB);
	assert_int_equal(ept_leaf_count(e, SIZE_1G), 0);
	assert_int_equal(ept_leaf_count(e, SIZE_2M), 511);
	assert_int_equal(ept_leaf_count(e, PAGE_SIZE), 512);
	assert_int_equal(ept_table_pages(e), 4);
	walk_all(&w);
	assert_int_equal(w.mapped, GiB);
	/* Mapping the whole GiB again reuses the tables, never merges. */
	assert_int_equal(ept_map(e, 0, GiB, MTRR_TYPE_WB, EPT_RWX), 0);
	expect_page(e, 0xA0000, PAGE_SIZE, MTRR_TYPE_WB);
	assert_int_equal(ept_table_pages(e), 4);
}

static void test_unmap_splits_a_1g_page(void **state)
{
	static const struct phys_range hole[] = { { GiB + 0x1000, GiB + 0x2000 } };
	struct ept *e = ept_new(state, CAP_BOCHS_SKYLAKE, WIDTH);
	struct walk w = { .e = e, .keep = hole, .nkeep = 1, .limit = 4 * GiB };

	assert_int_equal(ept_map(e, 0, 4 * GiB, MTRR_TYPE_WB, EPT_RWX), 0);
	assert_int_equal(ept_leaf_count(e, SIZE_1G), 4);
	assert_int_equal(ept_table_pages(e), 2);

	assert_int_equal(ept_unmap(e, GiB + 0x1000, 0x1000), 0);
	expect_page(e, GiB, PAGE_SIZE, MTRR_TYPE_WB);
	expect_absent(e, GiB + 0x1000);
	expect_absent(e, GiB + 0x1fff);
	expect_page(e, GiB + 0x2000, PAGE_SIZE, MTRR_TYPE_WB);
	expect_page(e, GiB + SIZE_2M, SIZE_2M, MTRR_TYPE_WB);
	expect_page(e, 2 * GiB - 1, SIZE_2M, MTRR_TYPE_WB);
	expect_page(e, 0, SIZE_1G, MTRR_TYPE_WB);
	expect_page(e, 2 * GiB, SIZE_1G, MTRR_TYPE_WB);
	assert_int_equal(ept_leaf_count(e, SIZE_1G), 3);
	assert_int_equal(ept_leaf_count(e, SIZE_2M), 511);
	assert_int_equal(ept_leaf_count(e, PAGE_SIZE), 511);
	assert_int_equal(ept_table_pages(e), 4);
	walk_all(&w);
	assert_int_equal(w.mapped, 4 * GiB - PAGE_SIZE);

	/* Unmapping what is absent changes nothing; a whole GiB goes too. */
	assert_int_equal(ept_unmap(e, 8 * GiB, GiB), 0);
	assert_int_equal(ept_unmap(e, 3 * GiB, GiB), 0);
	expect_absent(e, 3 * GiB);
	assert_int_equal(ept_leaf_count(e, SIZE_1G), 2);
	assert_int_equal(ept_table_pages(e), 4);
}

static void test_bad_requests_are_reported(void **state)
{
	struct ept *e = ept_new(state, CAP_BOCHS_SKYLAKE, WIDTH);
	struct ept_translation t;
	uint64_t reach = 1ull << WIDTH;

	assert_int_equal(ept_map(e, 0x800, 0x1000, MTRR_TYPE_WB, EPT_RWX), -EINVAL);
	assert_log_contains("skiff: ept: map of 0x1000 bytes at 0x800: empty or not page-aligned");
	assert_int_equal(ept_map(e, 0x1000, 0x800, MTRR_TYPE_WB, EPT_RWX), -EINVAL);
	assert_int_equal(ept_map(e, 0x1000, 0, MTRR_TYPE_WB, EPT_RWX), -EINVAL);
	assert_int_equal(ept_unmap(e, 0x1800, 0x1000), -EINVAL);
	assert_int_equal(ept_map(e, reach, 0x1000, MTRR_TYPE_WB, EPT_RWX), -ERANGE);
	assert_log_contains("beyond the EPT's reach (0x8000000000)");
	assert_int_equal(ept_map(e, reach - 0x1000, 0x2000, MTRR_TYPE_WB, EPT_RWX), -ERANGE);
	assert_int_equal(ept_map(e, 0x1000, ~0ull & ~0xfffull, MTRR_TYPE_WB, EPT_RWX), -ERANGE);
	assert_int_equal(ept_map(e, reach - 0x1000, 0x1000, MTRR_TYPE_WB, EPT_RWX), 0);
	/* Reserved memory types: SDM 29.3.3.1. */
	assert_int_equal(ept_map(e, 0, 0x1000, 2, EPT_RWX), -EINVAL);
	assert_log_contains("skiff: ept: memory type 2 is reserved");
	assert_int_equal(ept_map(e, 0, 0x1000, 3, EPT_RWX), -EINVAL);
	assert_int_equal(ept_map(e, 0, 0x1000, 7, EPT_RWX), -EINVAL);
	assert_int_equal(ept_map(e, 0, 0x1000, -1, EPT_RWX), -EINVAL);
	assert_int_equal(ept_lookup(e, reach, &t), -ERANGE);
	assert_false(t.present);
	assert_int_equal(ept_map_identity(e, NULL, 0, NULL, 0, 0, NULL), -EINVAL);
	assert_int_equal(ept_map_identity(e, NULL, 0, NULL, 0, reach + 0x1000, NULL), -ERANGE);
}

static void test_out_of_table_pages(void **state)
{
	struct fixture *f = *state;
	struct ept *e;
	struct walk w = { .limit = 4 * GiB };

	f->arena.cap = 3;			/* PML4 and two more */
	e = ept_new(state, CAP_BOCHS_SKYLAKE, WIDTH);
	assert_int_equal(ept_map(e, 0x1000, 0x1000, MTRR_TYPE_WB, EPT_RWX), -ENOMEM);
	assert_log_contains("skiff: ept: out of memory for page tables (3 pages in use)");
	expect_absent(e, 0x1000);
	w.e = e;
	walk_all(&w);				/* still well-formed */
	assert_int_equal(w.mapped, 0);
	/* A 1 GiB page needs no more tables. */
	assert_int_equal(ept_map(e, GiB, GiB, MTRR_TYPE_WB, EPT_RWX), 0);
}

/* ---- the identity map ---- */

static void test_identity_4g_with_1g_pages(void **state)
{
	struct ept *e = ept_new(state, CAP_BOCHS_SKYLAKE, WIDTH);

	assert_int_equal(ept_map_identity(e, pc_ram, N(pc_ram), pc_keep, N(pc_keep), 4 * GiB, NULL), 0);
	print_figures("4 GiB, 1G pages", e);
	assert_true(ept_table_pages(e) <= 12);
	/* PML4, PDPT, the PD of the first GiB (it holds the hole), the PT of
	 * the first 2 MiB (RAM ends at 0x9fc00, not on a 2 MiB boundary). */
	assert_int_equal(ept_table_pages(e), 4);
	assert_int_equal(ept_leaf_count(e, SIZE_1G), 3);
	assert_int_equal(ept_leaf_count(e, SIZE_2M), 512 - 1 - 8);
	assert_int_equal(ept_leaf_count(e, PAGE_SIZE), 512);

	expect_page(e, 0, PAGE_SIZE, MTRR_TYPE_WB);
	expect_page(e, 0x9e000, PAGE_SIZE, MTRR_TYPE_WB);
	expect_page(e, 0x9fbff, PAGE_SIZE, MTRR_TYPE_UC);	/* partly RAM */
	expect_page(e, 0xA0000, PAGE_SIZE, MTRR_TYPE_UC);	/* VGA window */
	expect_page(e, 0xFF000, PAGE_SIZE, MTRR_TYPE_UC);	/* BIOS ROM */
	expect_page(e, MiB, PAGE_SIZE, MTRR_TYPE_WB);
	expect_page(e, 2 * MiB, SIZE_2M, MTRR_TYPE_WB);
	expect_page(e, 16 * MiB - 1, SIZE_2M, MTRR_TYPE_WB);	/* hole edges */
	expect_absent(e, 16 * MiB);
	expect_absent(e, 32 * MiB - 1);
	expect_page(e, 32 * MiB, SIZE_2M, MTRR_TYPE_WB);
	expect_page(e, GiB, SIZE_1G, MTRR_TYPE_WB);
	expect_page(e, 3 * GiB - 1, SIZE_1G, MTRR_TYPE_WB);	/* RAM edge */
	expect_page(e, 3 * GiB, SIZE_1G, MTRR_TYPE_UC);	/* MMIO */
	expect_page(e, 0xFEE00000, SIZE_1G, MTRR_TYPE_UC);	/* local APIC */
	expect_absent(e, 4 * GiB);
	check_identity(e, pc_ram, N(pc_ram), pc_keep, N(pc_keep), 4 * GiB);
}

static void test_identity_4g_with_2m_pages(void **state)
{
	struct ept *e = ept_new(state, CAP_NO_1G, WIDTH);

	assert_int_equal(ept_map_identity(e, pc_ram, N(pc_ram), pc_keep, N(pc_keep), 4 * GiB, NULL), 0);
	print_figures("4 GiB, 2M pages", e);
	/* PML4, PDPT, 4 PDs, the PT of the first 2 MiB. */
	assert_int_equal(ept_table_pages(e), 7);
	assert_int_equal(ept_leaf_count(e, SIZE_1G), 0);
	assert_int_equal(ept_leaf_count(e, SIZE_2M), 4 * 512 - 1 - 8);
	assert_int_equal(ept_leaf_count(e, PAGE_SIZE), 512);
	expect_page(e, GiB, SIZE_2M, MTRR_TYPE_WB);
	expect_page(e, 3 * GiB, SIZE_2M, MTRR_TYPE_UC);
	expect_absent(e, 20 * MiB);
	check_identity(e, pc_ram, N(pc_ram), pc_keep, N(pc_keep), 4 * GiB);
}

static void test_identity_4g_with_4k_pages(void **state)
{
	struct ept *e = ept_new(state, CAP_NO_LARGE_PAGES, WIDTH);

	assert_int_equal(ept_map_identity(e, pc_ram, N(pc_ram), pc_keep, N(pc_keep), 4 * GiB, NULL), 0);
	print_figures("4 GiB, 4K pages", e);
	/* PML4, PDPT, 4 PDs, a PT per 2 MiB but the 8 of the hole. */
	assert_int_equal(ept_table_pages(e), 2 + 4 + 2048 - 8);
	assert_int_equal(ept_leaf_count(e, PAGE_SIZE), (4 * GiB - 16 * MiB) / PAGE_SIZE);
	expect_page(e, GiB, PAGE_SIZE, MTRR_TYPE_WB);
	expect_page(e, 0x9f000, PAGE_SIZE, MTRR_TYPE_UC);
	expect_absent(e, 16 * MiB);
	check_identity(e, pc_ram, N(pc_ram), pc_keep, N(pc_keep), 4 * GiB);
}

static void test_identity_64g(void **state)
{
	struct ept *e = ept_new(state, CAP_BOCHS_SKYLAKE, WIDTH);

	assert_int_equal(ept_map_identity(e, big_ram, N(big_ram), big_keep, N(big_keep), 64 * GiB, NULL), 0);
	print_figures("64 GiB, 1G pages", e);
	/* PML4, PDPT, PD + PT of GiB 0, PD of GiB 2 (the pool below 3 GiB). */
	assert_int_equal(ept_table_pages(e), 5);
	assert_int_equal(ept_leaf_count(e, SIZE_1G), 64 - 2);
	assert_int_equal(ept_leaf_count(e, SIZE_2M), (512 - 1 - 8) + (512 - 8));
	expect_absent(e, 3 * GiB - 16 * MiB);
	expect_page(e, 3 * GiB - 16 * MiB - 1, SIZE_2M, MTRR_TYPE_WB);
	expect_page(e, 3 * GiB, SIZE_1G, MTRR_TYPE_UC);
	expect_page(e, 4 * GiB, SIZE_1G, MTRR_TYPE_WB);
	expect_page(e, 64 * GiB - 1, SIZE_1G, MTRR_TYPE_WB);
	expect_absent(e, 64 * GiB);
	check_identity(e, big_ram, N(big_ram), big_keep, N(big_keep), 64 * GiB);
}

/* The machine make bench boots: Bochs with 512 MiB, where skiff keeps its
 * boot information and GRUB module in the first 2 MiB, its image at 16 MiB
 * and a pool that starts and ends off 2 MiB boundaries, listed in the
 * order mm gives them (not sorted). */
static const struct phys_range bochs_ram[] = {
	{ 0, 0x9fc00 }, { MiB, 0x1fff0000 },
};
static const struct phys_range bochs_keep[] = {
	{ 16 * MiB, 16 * MiB + 380 * 1024 },	/* image */
	{ 0x1a2000, 0x1a3000 },			/* boot information */
	{ 0x1a3000, 0x1b5000 },			/* module */
	{ 0x1eff0000, 0x1fff0000 },		/* pool */
};

static void test_identity_bochs_512m(void **state)
{
	struct ept *e = ept_new(state, CAP_BOCHS_SKYLAKE, WIDTH);
	struct mtrr_state m;

	pc_mtrrs(&m);
	assert_int_equal(ept_map_identity(e, bochs_ram, N(bochs_ram), bochs_keep, N(bochs_keep),
					  4 * GiB, &m), 0);
	print_figures("Bochs, 512 MiB", e);
	/* 4 KiB pages only in the four 2 MiB blocks that skiff's ranges cut:
	 * 512 - 19 around the boot information and module, 512 - 95 around
	 * the image, 496 before and 16 after the pool. */
	assert_int_equal(ept_leaf_count(e, PAGE_SIZE), 493 + 417 + 496 + 16);
	assert_int_equal(ept_leaf_count(e, SIZE_2M), 512 - 4 - 7);	/* 7 wholly pool */
	assert_int_equal(ept_leaf_count(e, SIZE_1G), 3);
	assert_int_equal(ept_table_pages(e), 2 + 1 + 4);
	expect_page(e, 0x1a1000, PAGE_SIZE, MTRR_TYPE_WB);
	expect_absent(e, 0x1b4000);
	expect_page(e, 0x1b5000, PAGE_SIZE, MTRR_TYPE_WB);
	expect_page(e, 0x1eff0000 - PAGE_SIZE, PAGE_SIZE, MTRR_TYPE_WB);
	expect_absent(e, 0x1f000000);
	expect_page(e, 0x1fff0000, PAGE_SIZE, MTRR_TYPE_WB);
	expect_page(e, 0x20000000, SIZE_2M, MTRR_TYPE_WB);
	expect_page(e, 3 * GiB, SIZE_1G, MTRR_TYPE_UC);
	check_identity(e, bochs_ram, N(bochs_ram), bochs_keep, N(bochs_keep), 4 * GiB);
}

/* The types and owners are asked of blocks around the places where they
 * change, and each table is entered a few times, never once per page: the
 * map above writes 1422 small pages. */
static void test_identity_work_grows_with_changes_not_pages(void **state)
{
	struct ept *e = ept_new(state, CAP_BOCHS_SKYLAKE, WIDTH);
	struct mtrr_state m;

	pc_mtrrs(&m);
	table_visits = 0;
	assert_int_equal(ept_map_identity(e, bochs_ram, N(bochs_ram), bochs_keep, N(bochs_keep),
					  4 * GiB, &m), 0);
	print_message("  %zu table visits\n", table_visits);
	assert_true(table_visits < 64);
}

static void test_identity_limit_beyond_reach(void **state)
{
	struct ept *e = ept_new(state, CAP_BOCHS_SKYLAKE, 36);	/* reach 64 GiB */

	assert_int_equal(ept_map_identity(e, big_ram, N(big_ram), big_keep, N(big_keep),
					  64 * GiB + PAGE_SIZE, NULL), -ERANGE);
	assert_log_contains("skiff: ept: identity map up to 0x1000001000: not in (0, 0x1000000000]");
	assert_int_equal(ept_table_pages(e), 1);
	/* An unaligned limit is rounded up to the page. */
	assert_int_equal(ept_map_identity(e, big_ram, N(big_ram), big_keep, N(big_keep),
					  64 * GiB - 1, NULL), 0);
	expect_page(e, 64 * GiB - 1, SIZE_1G, MTRR_TYPE_WB);
}

static void test_identity_honours_mtrr_vga_hole(void **state)
{
	struct ept *e = ept_new(state, CAP_BOCHS_SKYLAKE, WIDTH);
	struct mtrr_state m;

	pc_mtrrs(&m);
	assert_int_equal(ept_map_identity(e, pc_ram, N(pc_ram), pc_keep, N(pc_keep), 4 * GiB, &m), 0);
	print_figures("4 GiB, PC MTRRs", e);
	expect_page(e, 0x9F000, PAGE_SIZE, MTRR_TYPE_WB);	/* the MTRRs say WB */
	expect_page(e, 0xA0000, PAGE_SIZE, MTRR_TYPE_UC);
	expect_page(e, 0xB8000, PAGE_SIZE, MTRR_TYPE_UC);	/* text mode buffer */
	expect_page(e, 0xBF000, PAGE_SIZE, MTRR_TYPE_UC);
	expect_page(e, 0xC0000, PAGE_SIZE, MTRR_TYPE_WP);	/* option ROM */
	expect_page(e, 0xD0000, PAGE_SIZE, MTRR_TYPE_WB);
	expect_page(e, MiB, PAGE_SIZE, MTRR_TYPE_WB);
	expect_page(e, 2 * MiB, SIZE_2M, MTRR_TYPE_WB);
	expect_absent(e, 16 * MiB);
	expect_page(e, GiB, SIZE_1G, MTRR_TYPE_WB);
	expect_page(e, 3 * GiB, SIZE_1G, MTRR_TYPE_UC);
	assert_int_equal(ept_table_pages(e), 4);
	assert_int_equal(ept_leaf_count(e, PAGE_SIZE), 512);
	check_identity(e, pc_ram, N(pc_ram), pc_keep, N(pc_keep), 4 * GiB);
}

static void test_identity_splits_where_the_mtrr_type_changes(void **state)
{
	struct ept *e = ept_new(state, CAP_BOCHS_SKYLAKE, WIDTH);
	struct mtrr_state m;

	mtrr_state_init(&m, MTRRCAP_FIX | 8, MTRR_DEF_TYPE_E | MTRR_TYPE_WB, WIDTH);
	add_var_range(&m, 0xE0000000, 512 * MiB, MTRR_TYPE_UC);	/* half a GiB */
	add_var_range(&m, 0x7FFFF000, PAGE_SIZE, MTRR_TYPE_UC);	/* one page */
	assert_int_equal(ept_map_identity(e, pc_ram, N(pc_ram), pc_keep, N(pc_keep), 4 * GiB, &m), 0);
	print_figures("4 GiB, split by MTRRs", e);
	/* With the MTRRs deciding, RAM edges do not split: [0, 2 MiB) is one
	 * WB page (fixed ranges off).  GiB 1 and 3 are not of one type. */
	expect_page(e, 0, SIZE_2M, MTRR_TYPE_WB);
	expect_page(e, 0x7FC00000, SIZE_2M, MTRR_TYPE_WB);
	expect_page(e, 0x7FFFE000, PAGE_SIZE, MTRR_TYPE_WB);
	expect_page(e, 0x7FFFF000, PAGE_SIZE, MTRR_TYPE_UC);
	expect_page(e, 0x80000000, SIZE_1G, MTRR_TYPE_WB);
	expect_page(e, 0xDFE00000, SIZE_2M, MTRR_TYPE_WB);
	expect_page(e, 0xE0000000, SIZE_2M, MTRR_TYPE_UC);
	expect_page(e, 0xFFE00000, SIZE_2M, MTRR_TYPE_UC);
	/* PML4, PDPT, PDs of GiB 0, 1, 3, PT of [0x7FE00000, 0x80000000). */
	assert_int_equal(ept_table_pages(e), 6);
	assert_int_equal(ept_leaf_count(e, SIZE_1G), 1);
	assert_int_equal(ept_leaf_count(e, SIZE_2M), (512 - 8) + 511 + 512);
	assert_int_equal(ept_leaf_count(e, PAGE_SIZE), 512);
	check_identity(e, pc_ram, N(pc_ram), pc_keep, N(pc_keep), 4 * GiB);
}

static void test_identity_with_mtrrs_disabled(void **state)
{
	struct ept *e = ept_new(state, CAP_BOCHS_SKYLAKE, WIDTH);
	struct mtrr_state m;

	mtrr_state_init(&m, MTRRCAP_FIX | 8, MTRR_DEF_TYPE_FE | MTRR_TYPE_WB, WIDTH);
	assert_int_equal(ept_map_identity(e, pc_ram, N(pc_ram), pc_keep, N(pc_keep), 4 * GiB, &m), 0);
	expect_page(e, 0, SIZE_2M, MTRR_TYPE_UC);
	expect_page(e, GiB, SIZE_1G, MTRR_TYPE_UC);
	assert_int_equal(ept_table_pages(e), 3);
	check_identity(e, pc_ram, N(pc_ram), pc_keep, N(pc_keep), 4 * GiB);

	/* Filled again over itself (a guest turning its MTRRs on: vm/mtrr_view.h),
	 * the map takes the new types, keeps skiff's pages absent, and reuses
	 * its tables. */
	mtrr_state_init(&m, MTRRCAP_FIX | 8, MTRR_DEF_TYPE_E | MTRR_TYPE_WB, WIDTH);
	assert_int_equal(ept_map_identity(e, pc_ram, N(pc_ram), pc_keep, N(pc_keep), 4 * GiB, &m), 0);
	expect_page(e, GiB, SIZE_1G, MTRR_TYPE_WB);
	assert_int_equal(ept_table_pages(e), 3);
	check_identity(e, pc_ram, N(pc_ram), pc_keep, N(pc_keep), 4 * GiB);
}

static void test_identity_without_mtrrs(void **state)
{
	struct ept *e = ept_new(state, CAP_BOCHS_SKYLAKE, WIDTH);
	struct mtrr_state m;

	memset(&m, 0, sizeof(m));		/* as mtrr_read() leaves it */
	assert_int_equal(ept_map_identity(e, pc_ram, N(pc_ram), pc_keep, N(pc_keep), 4 * GiB, &m), 0);
	expect_page(e, 0, PAGE_SIZE, MTRR_TYPE_WB);
	expect_page(e, 0x9f000, PAGE_SIZE, MTRR_TYPE_UC);
	expect_page(e, 3 * GiB, SIZE_1G, MTRR_TYPE_UC);
	assert_int_equal(ept_table_pages(e), 4);
}

static void test_identity_unmaps_kept_pages_mapped_before(void **state)
{
	struct ept *e = ept_new(state, CAP_BOCHS_SKYLAKE, WIDTH);

	assert_int_equal(ept_map(e, 0, 4 * GiB, MTRR_TYPE_WB, EPT_RWX), 0);
	expect_page(e, 16 * MiB, SIZE_1G, MTRR_TYPE_WB);
	assert_int_equal(ept_map_identity(e, pc_ram, N(pc_ram), pc_keep, N(pc_keep), 4 * GiB, NULL), 0);
	expect_absent(e, 16 * MiB);
	expect_page(e, 3 * GiB, SIZE_1G, MTRR_TYPE_UC);
	assert_int_equal(ept_table_pages(e), 4);
	check_identity(e, pc_ram, N(pc_ram), pc_keep, N(pc_keep), 4 * GiB);
}

static void test_identity_partly_kept_pages_are_absent(void **state)
{
	static const struct phys_range keep[] = { { 40 * MiB + 0x800, 40 * MiB + 0x1800 } };
	struct ept *e = ept_new(state, CAP_BOCHS_SKYLAKE, WIDTH);

	assert_int_equal(ept_map_identity(e, pc_ram, N(pc_ram), keep, N(keep), 4 * GiB, NULL), 0);
	expect_page(e, 40 * MiB - 1, SIZE_2M, MTRR_TYPE_WB);
	expect_absent(e, 40 * MiB);
	expect_absent(e, 40 * MiB + 0x1000);
	expect_page(e, 40 * MiB + 0x2000, PAGE_SIZE, MTRR_TYPE_WB);
	expect_page(e, 42 * MiB, SIZE_2M, MTRR_TYPE_WB);
	assert_int_equal(ept_leaf_count(e, PAGE_SIZE), 512 + 510);
}

/* ---- the identity map against its definition, on random machines ---- */

static uint64_t rng_next(uint64_t *x)
{
	*x ^= *x << 13;
	*x ^= *x >> 7;
	*x ^= *x << 17;
	return *x;
}

static bool touches_keep(const struct phys_range *keep, size_t nkeep, uint64_t base, uint64_t end)
{
	for (size_t i = 0; i < nkeep; i++)
		if (keep[i].base < end && base < keep[i].end)
			return true;
	return false;
}

/* The page the identity map must use for pa (not kept): the largest that
 * the CPU allows, aligned, below limit, clear of every kept range, and of
 * one memory type. */
static uint64_t expected_page(const struct ept *e, const struct mtrr_state *m,
			      const struct phys_range *keep, size_t nkeep, uint64_t limit,
			      uint64_t pa)
{
	static const uint64_t sizes[] = { SIZE_1G, SIZE_2M };

	for (size_t i = 0; i < 2; i++) {
		uint64_t block = align_down(pa, sizes[i]);

		if ((sizes[i] == SIZE_1G && !e->caps.pages_1g) ||
		    (sizes[i] == SIZE_2M && !e->caps.pages_2m))
			continue;
		if (block + sizes[i] <= limit && !touches_keep(keep, nkeep, block, block + sizes[i]) &&
		    mtrr_type_of_range(m, block, sizes[i]) != MTRR_MIXED)
			return sizes[i];
	}
	return PAGE_SIZE;
}

static void expect_identity_page(const struct ept *e, const struct mtrr_state *m,
				 const struct phys_range *keep, size_t nkeep, uint64_t limit,
				 uint64_t pa)
{
	struct ept_translation t;
	uint64_t want;

	pa = align_down(pa, PAGE_SIZE);
	if (pa >= limit)
		return;
	assert_int_equal(ept_lookup(e, pa, &t), 0);
	if (touches_keep(keep, nkeep, pa, pa + PAGE_SIZE)) {
		if (t.present)
			fail_msg("page 0x%llx holds kept bytes but is mapped", (unsigned long long)pa);
		return;
	}
	want = expected_page(e, m, keep, nkeep, limit, pa);
	if (!t.present || t.hpa != pa || t.perms != EPT_RWX || t.page_size != want ||
	    t.memtype != mtrr_type_of_range(m, pa, PAGE_SIZE))
		fail_msg("page 0x%llx: %s, page 0x%llx, %s; want page 0x%llx, %s",
			 (unsigned long long)pa, t.present ? "present" : "absent",
			 (unsigned long long)t.page_size, mtrr_type_name(t.memtype),
			 (unsigned long long)want, mtrr_type_name(mtrr_type_of_range(m, pa, PAGE_SIZE)));
}

/* Random variable MTRRs over the PC's fixed ones, random kept ranges (page
 * aligned or not, overlapping or not) and random limits: every page near
 * a place where something changes, and random others, is what the
 * definition says, and the tables stay well-formed. */
static void test_identity_matches_its_definition_on_random_machines(void **state)
{
	static const int types[] = { MTRR_TYPE_UC, MTRR_TYPE_WC, MTRR_TYPE_WT, MTRR_TYPE_WP,
				     MTRR_TYPE_WB };
	struct fixture *f = *state;
	uint64_t x = 0x9e3779b97f4a7c15ull;

	for (int round = 0; round < 24; round++) {
		struct phys_range keep[4];
		struct mtrr_state m;
		size_t nkeep = 1 + rng_next(&x) % 4, nvar = rng_next(&x) % 4;
		uint64_t limit = 4 * GiB;
		struct ept *e;

		arena_release(&f->arena);
		arena_init(&f->arena, ARENA_PA, ARENA_PAGES);
		e = ept_new(state, round % 3 == 2 ? CAP_NO_1G : CAP_BOCHS_SKYLAKE, WIDTH);
		pc_mtrrs(&m);
		for (size_t i = 0; i < nvar; i++) {
			uint64_t size = 1ull << (12 + rng_next(&x) % 20);

			add_var_range(&m, align_down(rng_next(&x) % (4 * GiB), size), size,
				      types[rng_next(&x) % 5]);
		}
		for (size_t i = 0; i < nkeep; i++) {
			uint64_t base = rng_next(&x) % (4 * GiB);

			if (rng_next(&x) % 2)
				base = align_down(base, PAGE_SIZE);
			keep[i] = (struct phys_range){ base, base + 1 + rng_next(&x) % (40 * MiB) };
		}
		if (round % 4 == 1)
			limit += align_down(rng_next(&x) % (4 * GiB), PAGE_SIZE);
		assert_int_equal(ept_map_identity(e, pc_ram, N(pc_ram), keep, nkeep, limit, &m), 0);
		{
			struct walk w = { .e = e, .keep = keep, .nkeep = nkeep, .limit = limit };

			walk_all(&w);
		}
		for (size_t i = 0; i < nkeep; i++)
			for (int d = -1; d <= 1; d++) {
				expect_identity_page(e, &m, keep, nkeep, limit, keep[i].base + d * PAGE_SIZE);
				expect_identity_page(e, &m, keep, nkeep, limit, keep[i].end + d * PAGE_SIZE);
			}
		for (size_t i = 0; i < m.var_count; i++) {
			uint64_t size = (~m.var[i].mask + 1) & ((1ull << WIDTH) - 1);

			expect_identity_page(e, &m, keep, nkeep, limit, m.var[i].base - PAGE_SIZE);
			expect_identity_page(e, &m, keep, nkeep, limit, m.var[i].base);
			expect_identity_page(e, &m, keep, nkeep, limit, m.var[i].base + size - PAGE_SIZE);
			expect_identity_page(e, &m, keep, nkeep, limit, m.var[i].base + size);
		}
		expect_identity_page(e, &m, keep, nkeep, limit, limit - PAGE_SIZE);
		for (int i = 0; i < 300; i++)
			expect_identity_page(e, &m, keep, nkeep, limit, rng_next(&x) % limit);
	}
}

static void test_describe(void **state)
{
	struct ept *e = ept_new(state, CAP_BOCHS_SKYLAKE, WIDTH);

	assert_int_equal(ept_map_identity(e, pc_ram, N(pc_ram), pc_keep, N(pc_keep), 4 * GiB, NULL), 0);
	ept_describe(e);
	assert_log_contains("skiff: ept: 4 table pages (16 KiB); pages mapped: "
			    "3 x 1G, 503 x 2M, 512 x 4K\n");
}

/* ---- the whole-tree walk the integrity check uses ---- */

/* Marks the tables as a CPU with A/D flags in use would after touching
 * every page: bit 8 in every present entry, bit 9 in those that map a page
 * (SDM 29.3.4). */
static void mark_used(const struct ept *e, uint64_t pa, int level)
{
	uint64_t *t = arena_to_virt(e->pt.pages.ctx, pa);

	for (unsigned i = 0; i < EPT_ENTRIES; i++) {
		if (!(t[i] & EPT_RWX))
			continue;
		t[i] |= EPT_ACCESSED;
		if (level == 1 || (t[i] & EPT_LARGE_PAGE))
			t[i] |= EPT_DIRTY;
		else
			mark_used(e, t[i] & e->pt.addr_mask, level - 1);
	}
}

/* A PC whose firmware set the MTRRs: the VGA hole and the option ROMs
 * give page tables, skiff's 16 MiB a page directory. */
static struct ept *pc_with_tables(void **state)
{
	struct ept *e = ept_new(state, CAP_BOCHS_SKYLAKE, WIDTH);
	struct mtrr_state m;

	pc_mtrrs(&m);
	assert_int_equal(ept_map_identity(e, pc_ram, N(pc_ram), pc_keep, N(pc_keep), 4 * GiB, &m), 0);
	assert_true(ept_table_pages(e) >= 4);
	return e;
}

static void test_walk_tables_shows_each_page_as_skiff_wrote_it(void **state)
{
	struct fixture *f = *state;
	struct ept *e = pc_with_tables(state);
	struct walk_check w;

	assert_int_equal(ept_enable_ad(e), 0);
	walk_check_start(&w, &f->arena, e->pt.root);
	mark_used(e, e->pt.root, EPT_LEVELS);
	assert_int_equal(ept_walk_tables(e, walk_check_visit, &w), (int)ept_table_pages(e));
	walk_check_end(&w);
}

struct bit_count {
	uint64_t bits;
	size_t entries;		/* entries that have any of them */
};

static void count_bits(void *arg, const uint64_t *entries, int level)
{
	struct bit_count *c = arg;

	(void)level;
	for (unsigned i = 0; i < EPT_ENTRIES; i++)
		c->entries += (entries[i] & c->bits) != 0;
}

/* Without A/D enabled in the EPTP the CPU ignores bits 8 and 9: set, they
 * were written by someone else, and the walk shows them. */
static void test_walk_tables_shows_bits_8_and_9_without_ad(void **state)
{
	struct ept *e = pc_with_tables(state);
	struct bit_count accessed = { .bits = EPT_ACCESSED }, dirty = { .bits = EPT_DIRTY };

	mark_used(e, e->pt.root, EPT_LEVELS);
	assert_int_equal(ept_walk_tables(e, count_bits, &accessed), (int)ept_table_pages(e));
	assert_int_equal(ept_walk_tables(e, count_bits, &dirty), (int)ept_table_pages(e));
	assert_int_equal(accessed.entries, ept_leaf_count(e, SIZE_1G) + ept_leaf_count(e, SIZE_2M) +
			 ept_leaf_count(e, PAGE_SIZE) + ept_table_pages(e) - 1);
	assert_int_equal(dirty.entries, ept_leaf_count(e, SIZE_1G) + ept_leaf_count(e, SIZE_2M) +
			 ept_leaf_count(e, PAGE_SIZE));
}

/* A table that references a table above it makes the walk go round: it
 * ends once it has seen more pages than the EPT ever made. */
static void test_walk_tables_ends_in_a_loop(void **state)
{
	struct fixture *f = *state;
	struct ept *e = pc_with_tables(state);
	uint64_t *pml4 = arena_to_virt(&f->arena, e->pt.root);
	uint64_t *pdpt = arena_to_virt(&f->arena, pml4[0] & e->pt.addr_mask);
	struct bit_count none = { 0 };

	pdpt[511] = e->pt.root | EPT_RWX;
	assert_int_equal(ept_walk_tables(e, count_bits, &none), -E2BIG);
}

#define T(name)	cmocka_unit_test_setup_teardown(name, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_caps_decode_bochs_skylake),
		T(test_caps_decode_without_large_pages),
		T(test_caps_describe),
		T(test_init_refuses_what_it_cannot_use),
		T(test_eptp_format),
		T(test_permission_bits),
		T(test_permissions_that_misconfigure_are_refused),
		T(test_4k_pages_when_no_large_pages),
		T(test_largest_page_at_each_step),
		T(test_map_splits_a_large_page),
		T(test_unmap_splits_a_1g_page),
		T(test_bad_requests_are_reported),
		T(test_out_of_table_pages),
		T(test_identity_4g_with_1g_pages),
		T(test_identity_4g_with_2m_pages),
		T(test_identity_4g_with_4k_pages),
		T(test_identity_64g),
		T(test_identity_bochs_512m),
		T(test_identity_work_grows_with_changes_not_pages),
		T(test_identity_limit_beyond_reach),
		T(test_identity_honours_mtrr_vga_hole),
		T(test_identity_splits_where_the_mtrr_type_changes),
		T(test_identity_with_mtrrs_disabled),
		T(test_identity_without_mtrrs),
		T(test_identity_unmaps_kept_pages_mapped_before),
		T(test_identity_partly_kept_pages_are_absent),
		T(test_identity_matches_its_definition_on_random_machines),
		T(test_describe),
		T(test_walk_tables_shows_each_page_as_skiff_wrote_it),
		T(test_walk_tables_shows_bits_8_and_9_without_ad),
		T(test_walk_tables_ends_in_a_loop),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
