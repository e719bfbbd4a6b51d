/*
 * The guest's own modules: the GRUB modules listed after the one that is
 * the guest (docs/architecture.md "The guest contract").  skiff keeps
 * GRUB's copies in its own memory, out of the guest's reach (mm/layout.c
 * owns every module), and copies them into guest RAM at each start, so a
 * restarted guest gets them exactly as GRUB loaded them.  The boot
 * information then lists them: Multiboot2 module tags (vm/mb2_guest.h),
 * Multiboot 1 mods entries (vm/mb1_guest.h).
 */
#ifndef SKIFF_VM_GUEST_MODULES_H
#define SKIFF_VM_GUEST_MODULES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "bootinfo.h"
#include "vm/guest_mem.h"

/* At most every GRUB module skiff records, less the guest's own. */
#define GUEST_MODULES_MAX	BOOTINFO_MAX_MODULES

/* Both Multiboot versions give a module's start and its end (one past
 * its last byte) in 32 bits: the end too must be below 4 GiB. */
#define GUEST_MODULE_ADDR_LIMIT	((1ull << 32) - 1)

struct guest_module {
	const void *data;	/* skiff's pristine copy */
	size_t size;
	const char *cmdline;	/* GRUB's, as the boot information repeats it */
	uint64_t gpa;		/* where it lies in guest RAM, once placed */
};

/*
 * Gives each module a 4 KiB-aligned place in guest RAM that ends at or
 * below GUEST_MODULE_ADDR_LIMIT, the
 * first at or above min and each after the one before, so none overlaps
 * another or anything below min (the loaded kernel).  Returns 0 with *end
 * one past the last module (min when there are none), or -ENOMEM with the
 * module that does not fit named.  Copies nothing.
 */
int guest_modules_place(const struct guest_mem *mem, uint64_t min, struct guest_module *mods,
			size_t count, uint64_t *end);

/* True when every module ends at or below GUEST_MODULE_ADDR_LIMIT, where
 * the boot information's 32-bit fields can say where it is. */
bool guest_modules_fit_32(const struct guest_module *mods, size_t count);

/* Copies each placed module to its gpa.  Returns 0, or -EFAULT (reported)
 * for a module not wholly in guest RAM, before copying anything. */
int guest_modules_copy(const struct guest_mem *mem, const struct guest_module *mods,
		       size_t count);

#endif
