/*
 * Where kernel/linker.ld links skiff's image (it asserts the same number).
 * The image runs wherever the loader put it (kernel/boot/entry.S); the
 * difference is what to add to a symbol's address from build/skiff.elf to
 * find it in the running image, which skiff's banner prints.
 */
#ifndef SKIFF_BOOT_LINK_H
#define SKIFF_BOOT_LINK_H

#define SKIFF_LINK_BASE	0x1000000

#endif
