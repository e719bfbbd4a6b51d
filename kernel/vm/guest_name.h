/*
 * What skiff calls its guest in its messages ("the guest (selftest)
 * exited").  GRUB hands skiff a module's command line but not its file
 * name, so the name comes from the command line, the way a program's
 * comes from argv[0]: in
 *     module2 /boot/guests/selftest.elf guest selftest crash=ept
 * the word after "guest" is the name when it is one, that is, letters,
 * digits, '.', '_' and '-' only (no '=': "crash=ept" is a setting, not a
 * name).  A module whose first word is not a name is called by its place
 * among GRUB's modules, "module 0".  The built-in guest is "hello".
 */
#ifndef SKIFF_VM_GUEST_NAME_H
#define SKIFF_VM_GUEST_NAME_H

#include <stddef.h>
#include <stdint.h>

/* Longest name kept, with its NUL; a longer first word is no name. */
#define GUEST_NAME_MAX	32

/* The name of the guest in GRUB module number index whose command line,
 * after the word "guest", is args; into buf (size > 0 bytes). */
void guest_name_of_module(const char *args, uint32_t index, char *buf, size_t size);

#endif
