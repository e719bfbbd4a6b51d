/*
 * The Multiboot 1 guest loader: skiff as the boot loader of a kernel that
 * carries a Multiboot 1 header (Multiboot Specification 0.6.96; section
 * numbers below are its own) instead of a Multiboot2 one.
 *
 * The header lies 4-byte aligned in the image's first 8192 bytes and its
 * magic, flags and checksum sum to 0 (3.1.1).  Its flags bits 0-15 are
 * requirements (3.1.2): skiff meets bit 0 (modules page-aligned, which
 * they always are) and bit 1 (memory information, which it always gives),
 * and refuses any other, bit 2 (a video mode) included: it describes no
 * video mode.  Bits 16-31 are optional; bit 16 is the a.out kludge:
 *   - with it, the header's address fields say what to load (3.1.3): the
 *     file from offset (header offset - (header_addr - load_addr)), for
 *     load_end_addr - load_addr bytes (0: to the end of the file), to
 *     load_addr; then zeroes to bss_end_addr; entry at entry_addr;
 *   - without it, the image is an ELF, loaded by vm/elf_load.c from its
 *     program headers, entered at e_entry.
 * Refusals are reported like the ELF loader's (one "skiff: guest: " line,
 * a negative errno; nothing is copied until everything is checked):
 *   -ENOEXEC   no header, or a bad checksum
 *   -ENOTSUP   a required flag skiff does not meet
 *   -EINVAL    address fields that contradict each other or the file
 *   -ERANGE    an end above 4 GiB
 *   -EFAULT    a range that is not guest RAM
 */
#ifndef SKIFF_VM_MB1_LOAD_H
#define SKIFF_VM_MB1_LOAD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "boot/multiboot1.h"
#include "vm/elf_load.h"
#include "vm/guest_mem.h"

/* The flags bits 0-15 skiff meets. */
#define MB1_FLAGS_PROVIDED	(MB1_HEADER_PAGE_ALIGN | MB1_HEADER_MEMORY_INFO)

/* A header found and checked: where it lies and what it holds (the fields
 * its flags do not make valid are 0). */
struct mb1_found {
	uint32_t offset;
	struct mb1_header h;
};

/* Whether the magic lies 4-byte aligned in the first 8192 bytes, sound or
 * not: the image means to be a Multiboot 1 kernel.  Prints nothing. */
bool mb1_header_present(const void *image, size_t size);

/*
 * The first header in the first 8192 bytes whose checksum holds (a magic
 * value that merely happens to be there is skipped), checked: the part its
 * flags make valid lies in those bytes and in the file, and no required
 * flag is one skiff lacks.  Returns 0 with *out, or -ENOEXEC / -ENOTSUP /
 * -EINVAL, reported.
 */
int mb1_find_header(const void *image, size_t size, struct mb1_found *out);

/*
 * Checks the a.out kludge's address fields of hdr (found at hdr->offset in
 * the image) against the file and the guest RAM mem describes, and fills
 * *out with one segment: base load_addr, file_end the end of the loaded
 * bytes, end the end of bss, and the entry.  Copies nothing.  Returns 0,
 * or -EINVAL / -ERANGE / -EFAULT, reported.
 */
int mb1_aout_check(const void *image, size_t size, const struct mb1_found *hdr,
		   const struct guest_mem *mem, struct guest_image *out);

/*
 * Finds the header and loads the image into guest RAM by the a.out kludge
 * or as an ELF.  Returns 0 with *out (elf_class 0 for the a.out kludge)
 * and *hdr, printing nothing, or a negative errno with the reason printed
 * and guest memory untouched.
 */
int mb1_load_guest(const void *image, size_t size, const struct guest_mem *mem,
		   struct guest_image *out, struct mb1_found *hdr);

#endif
