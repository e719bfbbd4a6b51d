/*
 * The built-in guest's ELF file, embedded in skiff's read-only data.  The
 * build passes its path as BUILTIN_GUEST_ELF (guests/guests.mk) and builds
 * it before this file.  Kept 16-byte aligned so the ELF header inside can
 * be read in place.
 */
#include "vm/builtin_guest.h"

#ifndef BUILTIN_GUEST_ELF
#error "BUILTIN_GUEST_ELF (the path of the guest's ELF file) must be defined"
#endif

	.section .rodata.builtin_guest, "a"
	.balign 16
	.globl builtin_guest_start
builtin_guest_start:
	.incbin BUILTIN_GUEST_ELF
	.globl builtin_guest_end
builtin_guest_end:
