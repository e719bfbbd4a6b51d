/*
 * The guest linked into skiff's image: the ELF file of guests/hello,
 * byte for byte, between builtin_guest_start and builtin_guest_end
 * (builtin_guest.S).  skiff runs it when GRUB hands over no guest module.
 * guests/guests.mk reads BUILTIN_GUEST_NAME from this file to know which
 * guest to build and embed, so changing it here is all it takes.
 */
#ifndef SKIFF_VM_BUILTIN_GUEST_H
#define SKIFF_VM_BUILTIN_GUEST_H

#define BUILTIN_GUEST_NAME "hello"

#ifndef __ASSEMBLY__

#include <stdint.h>

extern const uint8_t builtin_guest_start[];
extern const uint8_t builtin_guest_end[];

#endif

#endif
