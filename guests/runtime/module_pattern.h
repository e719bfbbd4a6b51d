/*
 * A module whose every byte says what it must be, so that a guest can tell
 * that a module arrived whole: the boot cases hand one to the guests
 * ($(BUILD)/guests/pattern.bin, written by guests/tools/mkpattern.c) after
 * skiff has moved GRUB's modules out of the low memory (kernel/mm/layout.h)
 * and copied them into guest RAM.
 *
 * The file: the 8 bytes "skiffpat", its own size as 4 bytes little-endian,
 * then modpat_byte(i) at every offset i from 12 to the end.  The bytes are a
 * multiplicative hash of the offset, so no page repeats another: a page
 * copied to the wrong place, a lost tail or a stale byte all show.
 * Header-only, for the guests (i386, freestanding) and the host tool alike.
 */
#ifndef GUEST_MODULE_PATTERN_H
#define GUEST_MODULE_PATTERN_H

#include <stdbool.h>
#include <stdint.h>

#define MODPAT_MAGIC		"skiffpat"
#define MODPAT_MAGIC_LEN	8
#define MODPAT_HEADER		12	/* magic, then the size */
#define MODPAT_HASH		2654435761u	/* 2^32 / golden ratio, odd */

static inline uint8_t modpat_byte(uint32_t offset)
{
	return (uint8_t)((offset * MODPAT_HASH) >> 24);
}

/* True when [p, p + size) is the pattern: the magic, a size field equal to
 * size, and each byte after them.  Else false, with *bad the offset of the
 * first byte that is wrong (size, for a module too short for the header). */
static inline bool modpat_check(const uint8_t *p, uint32_t size, uint32_t *bad)
{
	uint32_t recorded = 0;

	*bad = size;
	if (size < MODPAT_HEADER)
		return false;
	for (uint32_t i = 0; i < MODPAT_MAGIC_LEN; i++)
		if (p[i] != (uint8_t)MODPAT_MAGIC[i]) {
			*bad = i;
			return false;
		}
	for (uint32_t i = 0; i < 4; i++)
		recorded |= (uint32_t)p[MODPAT_MAGIC_LEN + i] << (8 * i);
	if (recorded != size) {
		*bad = MODPAT_MAGIC_LEN;
		return false;
	}
	for (uint32_t i = MODPAT_HEADER; i < size; i++)
		if (p[i] != modpat_byte(i)) {
			*bad = i;
			return false;
		}
	return true;
}

#endif
