/* Little-endian fields of firmware tables, read a byte at a time: the
 * tables' fields need not be aligned. */
#ifndef SKIFF_LIB_BYTES_H
#define SKIFF_LIB_BYTES_H

#include <stdint.h>

/* The bytes-wide (1 to 8) little-endian number at p. */
static inline uint64_t le_load(const uint8_t *p, unsigned bytes)
{
	uint64_t v = 0;

	for (unsigned i = 0; i < bytes; i++)
		v |= (uint64_t)p[i] << (8 * i);
	return v;
}

#endif
