/*
 * Reading the Multiboot2 boot information the loader hands over (spec
 * 3.6), with the structures of kernel/boot/multiboot2.h.  Every function
 * accepts a NULL info (a guest entered by something that is not a
 * Multiboot2 loader) and then finds nothing.
 */
#ifndef GUEST_MB2_H
#define GUEST_MB2_H

#include <stdint.h>

#include "boot/multiboot2.h"

/* The first tag of type, or NULL. */
const struct mb2_tag *mb2_find_tag(const struct mb2_info *mbi, uint32_t type);

/* The next tag of type after prev (the first when prev is NULL), or NULL:
 * for the types that come once per item, such as modules. */
const struct mb2_tag *mb2_next_tag(const struct mb2_info *mbi, const struct mb2_tag *prev,
				   uint32_t type);

/* The command line and the loader's name, or NULL without the tag. */
const char *mb2_cmdline(const struct mb2_info *mbi);
const char *mb2_loader_name(const struct mb2_info *mbi);

/* Walks the memory map: the entry after prev (the first when prev is
 * NULL), or NULL at the end or without a map.
 *	for (e = mb2_mmap_next(mbi, NULL); e; e = mb2_mmap_next(mbi, e))
 */
const struct mb2_mmap_entry *mb2_mmap_next(const struct mb2_info *mbi,
					   const struct mb2_mmap_entry *prev);

#endif
