#include <stdint.h>

#include "config.h"
#include "cpu.h"
#include "lib/errno.h"
#include "lib/printf.h"
#include "lib/string.h"
#include "mm/mm.h"
#include "mm/mtrr.h"
#include "mm/paging.h"
#include "mm/pmm.h"
#include "panic.h"
#include "x86.h"

extern const char __image_start[], __text_end[], __rodata_end[], __image_end[];

#define MAX_STACK_GUARDS 8

static struct mm_layout layout;
static struct mtrr_state mtrrs;
static struct paging host_paging;

static uint64_t pool_page_alloc(void *ctx)
{
	(void)ctx;
	return mm_alloc_page();
}

/* Page tables are written through their physical address: skiff's own map
 * is the identity, and so was the boot map before it.  Every table page
 * comes from the pool, so an address outside it is no table: NULL, so that
 * a walk over a damaged entry (the integrity check's) does not read
 * wherever the entry points. */
static void *pool_page_virt(void *ctx, uint64_t pa)
{
	(void)ctx;
	if (pa < layout.pool.base || pa >= layout.pool.end)
		return NULL;
	return (void *)pa;
}

static void pool_page_free(void *ctx, uint64_t pa)
{
	(void)ctx;
	if (pmm_free_page(pmm_global(), pa) < 0)
		panic("mm: table page 0x%lx is not the pool's to take back", pa);
}

static const struct pt_pages pool_pages = {
	.alloc = pool_page_alloc, .to_virt = pool_page_virt, .free = pool_page_free,
};

/* skiff maps all of physical memory it may touch: RAM and ACPI tables,
 * the framebuffer, and the 4 GiB below which PCs put their MMIO.  Reserved
 * ranges above that are skipped: QEMU, for one, reserves a range just below
 * 1 TiB, and mapping up to it would cost a thousand table pages. */
static uint64_t host_phys_limit(const struct boot_info *bi)
{
	uint64_t limit = 4ull << 30;

	for (uint32_t i = 0; i < bi->mmap_count; i++) {
		uint64_t end = bi->mmap[i].base + bi->mmap[i].length;

		if (bi->mmap[i].type == MEM_RESERVED || bi->mmap[i].type == MEM_BAD)
			continue;
		if (end > limit && end > bi->mmap[i].base)
			limit = end;
	}
	if (bi->fb.kind != FB_NONE) {
		uint64_t fb_end = bi->fb.addr + (uint64_t)bi->fb.pitch * bi->fb.height;

		if (fb_end > limit)
			limit = fb_end;
	}
	return align_up(limit, SIZE_1G);
}

static int host_paging_init(const struct boot_info *bi)
{
	uint64_t guards[MAX_STACK_GUARDS];
	struct paging_caps caps = paging_caps_decode(cpuid(0x80000001, 0).edx);
	struct skiff_image img = {
		.text = { (uint64_t)__image_start, (uint64_t)__text_end },
		.rodata = { (uint64_t)__text_end, (uint64_t)__rodata_end },
		.data = { (uint64_t)__rodata_end, (uint64_t)__image_end },
		.guards = guards,
		.nguards = cpu_stack_guards(guards, MAX_STACK_GUARDS),
	};
	struct wx_report wx;
	int err, wx_rc;

	err = paging_init(&host_paging, &caps, &pool_pages);
	if (err == 0)
		err = paging_build_skiff(&host_paging, &img, host_phys_limit(bi));
	if (err < 0) {
		kprintf("skiff: paging: cannot build skiff's page tables (error %d)\n", err);
		return err;
	}
	paging_activate(&host_paging);
	wx_rc = paging_check_wx(&host_paging, &wx);
	paging_print(&host_paging, &wx, wx_rc);
	/* A W+X page with NX available would be skiff's own bug. */
	if (wx_rc == -EPERM)
		panic("paging: %zu writable and executable pages, first at 0x%lx",
		      wx.wx_leaves, wx.first_wx);
	return 0;
}

const struct mm_layout *mm_layout(void)
{
	return &layout;
}

const struct pt_pages *mm_pool_pages(void)
{
	return &pool_pages;
}

const struct paging *mm_host_paging(void)
{
	return &host_paging;
}

uint64_t mm_alloc_page(void)
{
	return pmm_alloc_page(pmm_global());
}

uint64_t mm_alloc_pages(size_t pages)
{
	return pmm_alloc_pages(pmm_global(), pages, PAGE_SIZE);
}

uint64_t mm_alloc_guarded_stack(size_t pages)
{
	uint64_t base = pmm_alloc_pages(pmm_global(), pages + 1, PAGE_SIZE);

	if (!base)
		return 0;
	if (paging_unmap(&host_paging, base, PAGE_SIZE) < 0)
		panic("mm: cannot unmap the guard page at 0x%lx", base);
	invlpg(base);
	return base + (pages + 1) * PAGE_SIZE;
}

int mm_set_page_rights(uint64_t pa, unsigned perms)
{
	int rc = paging_map(&host_paging, pa, PAGE_SIZE, perms);

	if (rc == 0)
		invlpg(pa);
	return rc;
}

/*
 * Copies each module the layout moves to its new place, through the boot
 * page tables' identity map of the first 4 GiB (the layout moves nothing
 * from or to above that), and points bi at the copy.  No new place
 * overlaps any old place, the image, the pool or another new place, so
 * no copy can spoil bytes another still has to read, in any order; that
 * is the layout's promise, checked here because a broken one would be
 * skiff's own bug.
 */
static void move_modules(struct boot_info *bi, const struct phys_range *image)
{
	if (!mm_layout_moves_disjoint(&layout, bi, image))
		panic("mm: the layout's new module places overlap what they are copied from");
	for (uint32_t i = 0; i < layout.module_count; i++) {
		const struct mm_module_place *p = &layout.modules[i];

		if (!p->moved)
			continue;
		memcpy((void *)p->to, (const void *)p->from, p->size);
		bi->modules[i].start = p->to;
		bi->modules[i].end = p->to + p->size;
	}
}

int mm_init(struct boot_info *bi, unsigned cpus, size_t extra_pages)
{
	struct phys_range image = {
		.base = (uint64_t)__image_start,
		.end = (uint64_t)__image_end,
	};
	int err;

	err = mm_layout_build(bi, &image, mm_pool_size(bi, cpus) + extra_pages * PAGE_SIZE,
			      &layout);
	if (err < 0) {
		kprintf("skiff: mm: cannot lay out memory (error %d)\n", err);
		return err;
	}
	move_modules(bi, &image);
	mm_layout_print(&layout);
	if (layout.guest_bytes < CONFIG_GUEST_MIN_MEMORY) {
		kprintf("skiff: mm: the guest would get %lu KiB, less than the %llu KiB configured minimum\n",
			layout.guest_bytes >> 10, CONFIG_GUEST_MIN_MEMORY >> 10);
		return -ENOMEM;
	}
	err = pmm_init(pmm_global(), layout.pool.base, layout.pool.end - layout.pool.base);
	if (err < 0) {
		kprintf("skiff: mm: cannot start the page pool (error %d)\n", err);
		return err;
	}
	mtrr_read(&mtrrs);
	mtrr_describe(&mtrrs);
	return host_paging_init(bi);
}

/* Guest-physical space covers every usable page and at least the 4 GiB
 * below which PCs put their MMIO. */
static uint64_t guest_phys_limit(void)
{
	uint64_t limit = 4ull << 30;

	if (layout.usable_count && layout.usable[layout.usable_count - 1].end > limit)
		limit = layout.usable[layout.usable_count - 1].end;
	return align_up(limit, SIZE_2M);
}

/* The guest-physical ranges whose writes skiff emulates (rights R+X,
 * mm_ept_write_protect()), and those the guest may not touch at all
 * (rights 0, mm_ept_hide()): applied after every fill. */
static struct ept_restriction {
	struct phys_range r;
	unsigned rights;
} ept_read_only[MM_EPT_READ_ONLY_MAX];
static size_t ept_read_only_count;

static int protect_tree(struct pt_tree *t, const struct ept_restriction *x)
{
	if (!x->rights)
		return pt_unmap(t, x->r.base, x->r.end - x->r.base);
	return pt_protect(t, x->r.base, x->r.end - x->r.base, x->rights);
}

static int protect(struct ept *e, const struct ept_restriction *x)
{
	return protect_tree(&e->pt, x);
}

/* The guest's identity map, skiff's ranges absent, typed by mtrr, the
 * write-protected ranges read-only. */
static int fill_ept(struct ept *e, const struct mtrr_state *mtrr)
{
	struct phys_range keep[MM_OWNED_MAX];
	int err;

	for (size_t i = 0; i < layout.skiff_count; i++)
		keep[i] = layout.skiff[i].range;
	err = ept_map_identity(e, layout.usable, layout.usable_count, keep,
			       layout.skiff_count, guest_phys_limit(), mtrr);
	for (size_t i = 0; err == 0 && i < ept_read_only_count; i++)
		err = protect(e, &ept_read_only[i]);
	return err;
}

/* Records a restriction of [base, base + size) and applies it to e when
 * e is built already (NULL: mm_build_ept() will). */
static int restrict_range(struct ept *e, uint64_t base, uint64_t size, unsigned rights)
{
	struct ept_restriction x = {
		.r = { .base = align_down(base, PAGE_SIZE), .end = align_up(base + size, PAGE_SIZE) },
		.rights = rights,
	};

	if (ept_read_only_count == MM_EPT_READ_ONLY_MAX || x.r.end <= x.r.base) {
		kprintf("skiff: ept: cannot keep 0x%lx-0x%lx from the guest (%zu ranges kept "
			"already)\n", base, base + size - 1, ept_read_only_count);
		return -ENOSPC;
	}
	if (x.r.end > guest_phys_limit())
		x.r.end = guest_phys_limit();	/* beyond it the guest has nothing */
	if (x.r.end <= x.r.base)
		return 0;
	ept_read_only[ept_read_only_count++] = x;
	return e ? protect(e, &x) : 0;
}

int mm_ept_write_protect(struct ept *e, uint64_t base, uint64_t size)
{
	return restrict_range(e, base, size, PT_READ | PT_EXEC);
}

int mm_ept_hide(uint64_t base, uint64_t size)
{
	return restrict_range(NULL, base, size, 0);
}

int mm_build_ept(const struct ept_caps *caps, struct ept *out)
{
	struct ept_caps c = *caps;
	int err;

	c.phys_addr_width = mtrrs.phys_addr_width;
	err = ept_init(out, &c, &pool_pages);
	if (err < 0)
		return err;
	if (mtrrs.present && !mtrrs.enabled)
		kprintf("skiff: ept: the firmware left the MTRRs disabled: all guest memory is UC, "
			"as it would be on bare metal (SDM Vol. 3A 12.11.2.1)\n");
	err = fill_ept(out, &mtrrs);
	if (err < 0)
		return err;
	kprintf("skiff: ept: guest-physical 0-%lu MiB identity-mapped, without skiff's %zu ranges\n",
		guest_phys_limit() >> 20, layout.skiff_count);
	ept_describe(out);
	return 0;
}

int mm_build_npt(struct npt *out)
{
	struct phys_range keep[MM_OWNED_MAX];
	bool pages_1g = paging_caps_decode(cpuid(0x80000001, 0).edx).pages_1g;
	int err;

	for (size_t i = 0; i < layout.skiff_count; i++)
		keep[i] = layout.skiff[i].range;
	err = npt_init(out, mtrrs.phys_addr_width, pages_1g, &pool_pages);
	if (err == 0)
		err = npt_map_identity(out, keep, layout.skiff_count, guest_phys_limit());
	for (size_t i = 0; err == 0 && i < ept_read_only_count; i++)
		err = protect_tree(&out->pt, &ept_read_only[i]);
	if (err < 0) {
		kprintf("skiff: npt: cannot build the guest's nested page tables (error %d)\n", err);
		return err;
	}
	kprintf("skiff: npt: guest-physical 0-%lu MiB identity-mapped, without skiff's %zu ranges\n",
		guest_phys_limit() >> 20, layout.skiff_count);
	npt_describe(out);
	return 0;
}

int mm_ept_retype(struct ept *e, const struct mtrr_regs *view, bool rebuild)
{
	struct mtrr_state s;

	mtrr_state_from_regs(&s, view);
	if (rebuild)
		pt_clear(&e->pt);
	return fill_ept(e, &s);
}
