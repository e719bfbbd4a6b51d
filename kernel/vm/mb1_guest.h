/*
 * The guest's Multiboot 1 boot information (Multiboot Specification
 * 0.6.96, section 3.3): what skiff hands a Multiboot 1 kernel in EBX.  It
 * says what the Multiboot2 information says (vm/mb2_guest.h), from the
 * same input, in the older layout:
 *   flags      0 (mem_lower, mem_upper), 2 (cmdline), 3 (mods),
 *              6 (mmap), 9 (boot_loader_name)
 *   mem_lower  KiB of guest RAM from 0, up to 640 KiB
 *   mem_upper  KiB of guest RAM from 1 MiB up to the first hole
 *   cmdline    the guest's command line, empty when it has none
 *   mods       one entry per module (mod_start, mod_end one past the last
 *              byte, its command line), possibly none
 *   mmap       the very map the Multiboot2 tag lists: guest RAM type 1,
 *              skiff's pages and everything else the firmware's type
 *   boot_loader_name  "skiff <version>"
 * and nothing else (no boot device, symbols, drives, configuration table,
 * APM or VBE: their flags stay clear).  ACPI has no field in 0.6.96: a
 * Multiboot 1 guest finds the RSDP in the BIOS areas as on bare metal.
 *
 * The whole structure is one block: the 88-byte information, the module
 * entries, the map, then the strings it points to, all inside [gpa,
 * gpa + size), in guest RAM below 4 GiB (every pointer is 32 bits).
 *
 * Use, after the kernel and its modules are in guest RAM:
 *   mb1_guest_setup(&in, modules_end, &gpa)
 * then start the guest with EAX = MB1_BOOTLOADER_MAGIC, EBX = gpa.
 */
#ifndef SKIFF_VM_MB1_GUEST_H
#define SKIFF_VM_MB1_GUEST_H

#include <stddef.h>
#include <stdint.h>

#include "boot/multiboot1.h"
#include "vm/mb2_guest.h"

/* Bytes the structure for in needs. */
size_t mb1_guest_size(const struct mb2_guest_input *in);

/*
 * Writes the structure at gpa (4-aligned), in no more than the cap bytes
 * there, which must all be guest RAM below 4 GiB.  Checks everything
 * before writing: on failure guest memory is unchanged.  Returns the bytes
 * written, or -EINVAL, -ERANGE, -EFAULT or -ENOSPC, as mb2_guest_build().
 */
int mb1_guest_build(const struct mb2_guest_input *in, uint64_t gpa, size_t cap);

/* Sizes, places at or above min and builds the structure.  Returns 0 with
 * *gpa set, or the first step's negative errno (reported). */
int mb1_guest_setup(const struct mb2_guest_input *in, uint64_t min, uint64_t *gpa);

#endif
