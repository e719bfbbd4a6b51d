/*
 * The extended page tables (EPT) skiff gives its guest: an identity map
 * (guest-physical = host-physical) of the machine, from which every page
 * skiff keeps is absent.  Built with the largest pages the CPU allows.
 * Knows nothing of VMX instructions: the vmx layer reads the capability MSR,
 * loads ept_pointer() into the VMCS and runs INVEPT.
 *
 * SDM references are to the Intel SDM, Vol. 3C chapter 29 "VMX Support for
 * Address Translation" (chapter 28 in editions before 2022), 25.6.11 for
 * the EPTP, and Vol. 3D appendix A.10 for IA32_VMX_EPT_VPID_CAP.
 */
#ifndef SKIFF_MM_EPT_H
#define SKIFF_MM_EPT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "mm/mtrr.h"
#include "mm/pt.h"
#include "mm/range.h"
#include "mm/table_tree.h"

/* EPT paging-structure entries, SDM Vol. 3C 29.3.2 (Tables 29-1 to 29-6).
 * An entry whose bits 2:0 are all 0 is not present. */
#define EPT_READ		(1ull << 0)
#define EPT_WRITE		(1ull << 1)
#define EPT_EXECUTE		(1ull << 2)
#define EPT_RWX			(EPT_READ | EPT_WRITE | EPT_EXECUTE)
#define EPT_MEMTYPE_SHIFT	3	/* leaves only: bits 5:3, MTRR_TYPE_* */
#define EPT_MEMTYPE_MASK	(7ull << EPT_MEMTYPE_SHIFT)
#define EPT_IGNORE_PAT		(1ull << 6)	/* leaves only */
#define EPT_LARGE_PAGE		(1ull << 7)	/* PDPTE: 1 GiB page; PDE: 2 MiB */
#define EPT_ACCESSED		(1ull << 8)	/* when EPTP bit 6 is set */
#define EPT_DIRTY		(1ull << 9)	/* leaves, when EPTP bit 6 is set */
#define EPT_USER_EXECUTE	(1ull << 10)	/* mode-based execute control only */
/* Bits (N-1):12 hold the next table's or the page's address, N being the
 * physical-address width; bits 51:N are reserved (must be 0). */
#define EPT_ADDR_MASK(width)	(((1ull << (width)) - 1) & ~(PAGE_SIZE - 1))

/* Levels, numbered as a walk meets them bottom-up; an entry at each maps
 * (or controls) 4 KiB, 2 MiB, 1 GiB, 512 GiB. */
#define EPT_LEVEL_PT		1
#define EPT_LEVEL_PD		2
#define EPT_LEVEL_PDPT		3
#define EPT_LEVEL_PML4		4
#define EPT_LEVELS		EPT_LEVEL_PML4
#define EPT_ENTRIES		512
#define EPT_GPA_WIDTH		48	/* a 4-level walk translates 48 bits */

/* EPTP, SDM Vol. 3C 25.6.11 */
#define EPTP_MEMTYPE_MASK	0x7ull		/* bits 2:0: UC or WB */
#define EPTP_WALK_LENGTH_SHIFT	3		/* bits 5:3: levels - 1 */
#define EPTP_AD_ENABLE		(1ull << 6)

/* IA32_VMX_EPT_VPID_CAP (MSR 48CH), SDM Vol. 3D A.10 */
#define EPT_CAP_EXECUTE_ONLY	(1ull << 0)
#define EPT_CAP_WALK_LENGTH_4	(1ull << 6)
#define EPT_CAP_WALK_LENGTH_5	(1ull << 7)
#define EPT_CAP_MEMTYPE_UC	(1ull << 8)
#define EPT_CAP_MEMTYPE_WB	(1ull << 14)
#define EPT_CAP_PAGE_2M		(1ull << 16)
#define EPT_CAP_PAGE_1G		(1ull << 17)
#define EPT_CAP_INVEPT		(1ull << 20)
#define EPT_CAP_AD_FLAGS	(1ull << 21)
#define EPT_CAP_INVEPT_SINGLE	(1ull << 25)
#define EPT_CAP_INVEPT_ALL	(1ull << 26)

struct ept_caps {
	bool execute_only;	/* entries with bits 2:0 = 100b allowed */
	bool walk_length_4;
	bool walk_length_5;
	bool memtype_uc;	/* EPTP may say UC for the tables */
	bool memtype_wb;	/* EPTP may say WB for the tables */
	bool pages_2m;
	bool pages_1g;
	bool ad_flags;
	bool invept;
	bool invept_single;
	bool invept_all;
	/* Not in the MSR: MAXPHYADDR, CPUID.80000008H:EAX[7:0] (mtrr_read()
	 * records it too).  ept_caps_decode() leaves it 0; ept_init() needs it. */
	unsigned phys_addr_width;
};

/* Decodes IA32_VMX_EPT_VPID_CAP; pure, so host tests feed real values. */
struct ept_caps ept_caps_decode(uint64_t msr);
/* One line for the boot log: "skiff: ept: caps: ...". */
void ept_caps_describe(const struct ept_caps *caps);

/* The entry format for the engine (mm/pt.h). */
extern const struct pt_format ept_format;

struct ept {
	struct ept_caps caps;
	/* The tree: pt.root is the PML4's physical address, pt.addr_mask
	 * EPT_ADDR_MASK(phys_addr_width). */
	struct pt_tree pt;
	uint64_t reach;		/* one past the highest mappable address */
	uint64_t eptp_memtype;	/* WB when allowed, else UC */
	bool ad_enabled;
};

/* What ept_lookup() finds for one guest-physical address. */
struct ept_translation {
	bool present;
	uint64_t hpa;		/* host-physical address of the byte */
	uint64_t page_size;	/* PAGE_SIZE, SIZE_2M or SIZE_1G */
	int memtype;		/* MTRR_TYPE_* */
	unsigned perms;		/* EPT_READ | EPT_WRITE | EPT_EXECUTE */
	bool ignore_pat;
};

/*
 * Starts an empty EPT: allocates the PML4 table.  Needs a 4-level walk,
 * an EPTP memory type of WB or UC, and caps->phys_addr_width in [32, 52].
 * Returns 0, -ENOTSUP, -EINVAL or -ENOMEM (each reported).
 */
int ept_init(struct ept *e, const struct ept_caps *caps, const struct pt_pages *pages);

/* Sets the EPTP's A/D enable bit (SDM Vol. 3C 29.3, "Accessed and Dirty
 * Flags for EPT"); -ENOTSUP without IA32_VMX_EPT_VPID_CAP bit 21. */
int ept_enable_ad(struct ept *e);

/*
 * Identity-maps [base, base + size), both page-aligned, with memory type
 * memtype (MTRR_TYPE_*) and perms (EPT_READ/WRITE/EXECUTE, not 0, not
 * write without read, execute-only only if the CPU allows it).  Each step
 * uses the largest page that fits its alignment and the caps; a large page
 * that the range covers only in part is split first, so a later call can
 * change part of an earlier one.  Existing tables are reused, never merged
 * back into a large page.  The ignore-PAT bit stays clear: the guest's PAT
 * combines with memtype as it would with the MTRRs (SDM 29.3.7.2).
 * Returns 0, -EINVAL, -ERANGE (beyond the EPT's reach) or -ENOMEM (the
 * range may then be partly mapped; the tables stay well-formed).
 */
int ept_map(struct ept *e, uint64_t base, uint64_t size, int memtype, unsigned perms);

/* Makes [base, base + size) absent, splitting large pages that straddle
 * its edges.  Same alignment rules and returns as ept_map(). */
int ept_unmap(struct ept *e, uint64_t base, uint64_t size);

/* Walks the tables for gpa.  Returns 0 with out filled in (present or
 * not), or -ERANGE for an address beyond the EPT's reach. */
int ept_lookup(const struct ept *e, uint64_t gpa, struct ept_translation *out);

/* The EPTP for the VMCS: tables WB (UC if WB is not allowed), page-walk
 * length 4, A/D enable only after ept_enable_ad(). */
uint64_t ept_pointer(const struct ept *e);

/* Table pages allocated so far, PML4 included. */
size_t ept_table_pages(const struct ept *e);
/* Leaf entries mapping pages of page_size (PAGE_SIZE, SIZE_2M, SIZE_1G). */
size_t ept_leaf_count(const struct ept *e, uint64_t page_size);
/* One line for the boot log: table pages and leaves of each size. */
void ept_describe(const struct ept *e);

/* Hands every table page, the PML4 first, to visit as table_tree_walk()
 * does; with A/D enabled in the EPTP, bits 8 (accessed) and 9 (dirty, in
 * leaves) are cleared in what visit sees, the CPU's to set (SDM Vol. 3C
 * 29.3.4).  Returns the pages visited, or -E2BIG (more than were made). */
int ept_walk_tables(const struct ept *e, table_visit_fn visit, void *arg);

/*
 * The map skiff gives its guest: identity over [0, limit) except the keep
 * ranges (skiff's pages: absent, also if mapped before), permissions RWX.
 * Memory types: with MTRRs present, whatever they say for the address,
 * exactly as the guest would get on bare metal (so the legacy VGA hole
 * stays UC, and all of memory is UC if the firmware disabled the MTRRs);
 * without MTRRs (mtrr NULL or not present), WB for pages wholly inside a
 * ram range and UC for everything else.
 * Every page is the largest that is aligned, below limit, clear of (or
 * wholly inside) the keep ranges, and of one type.  Pages partly kept are
 * absent.  limit is rounded up to a page.  The work grows with the number
 * of places where the owner or the type changes, not with memory size.
 * Returns 0 or what ept_map() returns; -ERANGE when limit is beyond reach.
 */
int ept_map_identity(struct ept *e, const struct phys_range *ram, size_t nram,
		     const struct phys_range *keep, size_t nkeep, uint64_t limit,
		     const struct mtrr_state *mtrr);

#endif
