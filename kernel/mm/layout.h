/*
 * skiff's memory budget: which pages of RAM skiff keeps (its image, GRUB's
 * modules and one contiguous pool for the page allocator) and which it
 * gives the guest (all the rest of usable RAM).  Built once from the boot
 * information, before anything allocates.
 *
 * GRUB puts the modules (and the boot information) low, where guest
 * kernels load; the layout moves every module up next to the pool, so
 * that what GRUB used low becomes the guest's.  The boot information is
 * not kept at all: bootinfo_parse() copied everything skiff uses out of it.
 */
#ifndef SKIFF_MM_LAYOUT_H
#define SKIFF_MM_LAYOUT_H

#include <stddef.h>
#include <stdint.h>

#include "bootinfo.h"
#include "mm/range.h"

/* Who a page of RAM belongs to.  The skiff labels say why skiff keeps it. */
enum mm_owner {
	MM_OWNER_NONE = 0,	/* not usable RAM: firmware, devices, holes */
	MM_OWNER_GUEST,
	MM_OWNER_IMAGE,		/* skiff's own code and data */
	MM_OWNER_MODULE,	/* a GRUB module, e.g. the guest's kernel */
	MM_OWNER_POOL,		/* the page allocator's pool */
};

/* Image, every module, pool. */
#define MM_OWNED_MAX		(2 + BOOTINFO_MAX_MODULES)

/* What no new place may overlap while the layout is planned: the image,
 * the boot information and every module where the loader put them, the
 * pool, and every module's new place. */
#define MM_BUSY_MAX		(3 + 2 * BOOTINFO_MAX_MODULES)

/* Each non-usable entry of the map cuts at most one more hole into usable
 * RAM and each busy range one more, so this cannot overflow with a map of
 * BOOTINFO_MAX_MMAP entries; overflow is still checked and reported. */
#define MM_LAYOUT_MAX_RANGES	160
_Static_assert(MM_LAYOUT_MAX_RANGES >= BOOTINFO_MAX_MMAP + MM_BUSY_MAX + 1,
	       "layout arrays too small for the largest memory map");

struct mm_owned {
	struct phys_range range;	/* rounded outward to whole pages */
	enum mm_owner label;
	uint32_t module;		/* index in boot_info.modules, for modules */
};

/* Where one GRUB module was and where skiff keeps it.  A module is moved
 * when it has bytes and lies wholly below 4 GiB (the boot page tables map
 * no more; Multiboot2's 32-bit module fields allow no more): to a
 * page-aligned place in usable RAM below 4 GiB that overlaps none of the
 * busy ranges (MM_BUSY_MAX), so the copies can go in any order.  An empty
 * module is neither moved nor kept. */
struct mm_module_place {
	uint64_t from;		/* its first byte where the loader put it */
	uint64_t to;		/* its first byte where skiff keeps it */
	uint64_t size;		/* bytes */
	bool moved;		/* to is a new place, to be copied to */
};

struct mm_layout {
	/* Usable RAM: type-1 entries, whole pages, minus every other type
	 * and the first MiB.  Normalised (see range.h). */
	struct phys_range usable[MM_LAYOUT_MAX_RANGES];
	size_t usable_count;

	/* What skiff keeps, in the order image, modules (at their new
	 * places), pool.  An owned range may reach outside usable RAM (a
	 * module left above 4 GiB in a reserved range, say); only its usable
	 * part counts in the totals. */
	struct mm_owned skiff[MM_OWNED_MAX];
	size_t skiff_count;
	struct phys_range pool;

	/* One per module of the boot information, in its order. */
	struct mm_module_place modules[BOOTINFO_MAX_MODULES];
	uint32_t module_count;
	uint32_t moved_count;
	uint64_t moved_bytes;

	/* usable minus everything skiff keeps; normalised. */
	struct phys_range guest[MM_LAYOUT_MAX_RANGES];
	size_t guest_count;

	uint64_t ram_bytes;	/* all type-1 bytes of the map, merged */
	uint64_t usable_bytes;
	uint64_t skiff_bytes;	/* usable bytes skiff keeps */
	uint64_t guest_bytes;	/* usable_bytes - skiff_bytes */
};

/* The page pool skiff needs on this machine, in bytes: for cpus CPUs and
 * the physical address space its usable RAM spans (at least 4 GiB), by
 * the numbers of config.h (CONFIG_POOL_*). */
uint64_t mm_pool_size(const struct boot_info *bi, unsigned cpus);

/*
 * Computes the layout from the memory map, skiff's image [image->base,
 * image->end), the boot information and modules in bi, and a pool of
 * pool_size bytes (rounded up to whole pages).  The pool goes in the
 * highest run of free usable RAM below 4 GiB that fits, so that low memory
 * stays in one piece for the guest and the pool is reachable with 32-bit
 * addresses; failing that, the lowest run wholly above 4 GiB; failing that,
 * a run straddling 4 GiB.  Then each module, in order, gets the highest
 * free place below 4 GiB that fits it (struct mm_module_place): the
 * layout's module ranges are those new places, and the old ones are the
 * guest's.  Copying the bytes there is the caller's (mm_init()).
 * Returns 0; -ENOMEM (reported, with the size needed) when the pool or a
 * module fits nowhere; -ENOSPC when the map is too fragmented for the
 * arrays; -EINVAL for a pool size of 0.
 */
int mm_layout_build(const struct boot_info *bi, const struct phys_range *image,
		    uint64_t pool_size, struct mm_layout *out);

/* Who owns the page holding pa: MM_OWNER_NONE outside usable RAM, else the
 * label of the skiff range holding it, else MM_OWNER_GUEST. */
enum mm_owner mm_layout_owner(const struct mm_layout *l, uint64_t pa);

/* True when no moved module's new place overlaps a busy range other than
 * itself (MM_BUSY_MAX: what the loader placed, the image, the pool, the
 * other new places): the condition for copying in any order.  bi and
 * image as given to mm_layout_build(). */
bool mm_layout_moves_disjoint(const struct mm_layout *l, const struct boot_info *bi,
			      const struct phys_range *image);

/* "guest", "image", "module", "pool", "none". */
const char *mm_owner_name(enum mm_owner label);

/* The summary line, one line per range skiff keeps, and one line for the
 * modules moved (from where to where, how many bytes), through kprintf(). */
void mm_layout_print(const struct mm_layout *l);

#endif
