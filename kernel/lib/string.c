#include "lib/string.h"

#include <stdint.h>

/*
 * memcpy, memmove and memset move 8 bytes a step with the string
 * instructions (SDM Vol. 2B: MOVS, STOS and the REP prefix): skiff clears
 * page tables and VMCS pages and copies the guest's image at boot, and a
 * byte loop spends four instructions on every byte of them.  REP MOVSQ and
 * REP STOSQ take one iteration per 8 bytes (one instruction each to Bochs)
 * and run as fast strings on hardware (SDM Vol. 1 7.3.9.3).  The ABI has
 * the direction flag clear at every call, so they go up in address.
 */
typedef uint64_t unaligned_u64 __attribute__((may_alias, aligned(1)));

static void copy_up(void *dst, const void *src, size_t n)
{
	size_t words = n / 8, bytes = n % 8;

	__asm__ volatile("rep movsq" : "+D"(dst), "+S"(src), "+c"(words) : : "memory");
	__asm__ volatile("rep movsb" : "+D"(dst), "+S"(src), "+c"(bytes) : : "memory");
}

void *memcpy(void *dst, const void *src, size_t n)
{
	copy_up(dst, src, n);
	return dst;
}

/* Going up is safe when dst lies below src: each step reads its bytes
 * before it writes, and writes only below what is still to be read. */
void *memmove(void *dst, const void *src, size_t n)
{
	unsigned char *d = dst;
	const unsigned char *s = src;

	if (d == s || n == 0)
		return dst;
	if ((uintptr_t)d < (uintptr_t)s) {
		copy_up(d, s, n);
		return dst;
	}
	/* dst above src: down from the end, 8 bytes at a time (skiff's only
	 * moves this way are small: slots opened in range arrays). */
	for (; n >= 8; n -= 8)
		*(unaligned_u64 *)(d + n - 8) = *(const unaligned_u64 *)(s + n - 8);
	while (n--)
		d[n] = s[n];
	return dst;
}

void *memset(void *dst, int c, size_t n)
{
	uint64_t pattern = 0x0101010101010101ull * (unsigned char)c;
	size_t words = n / 8, bytes = n % 8;
	void *d = dst;

	__asm__ volatile("rep stosq" : "+D"(d), "+c"(words) : "a"(pattern) : "memory");
	__asm__ volatile("rep stosb" : "+D"(d), "+c"(bytes) : "a"(pattern) : "memory");
	return dst;
}

int memcmp(const void *a, const void *b, size_t n)
{
	const unsigned char *x = a, *y = b;

	for (; n; n--, x++, y++)
		if (*x != *y)
			return *x - *y;
	return 0;
}

size_t strlen(const char *s)
{
	size_t n = 0;

	while (s[n])
		n++;
	return n;
}

size_t strnlen(const char *s, size_t max)
{
	size_t n = 0;

	while (n < max && s[n])
		n++;
	return n;
}

int strcmp(const char *a, const char *b)
{
	while (*a && *a == *b)
		a++, b++;
	return (unsigned char)*a - (unsigned char)*b;
}

int strncmp(const char *a, const char *b, size_t n)
{
	for (; n; n--, a++, b++) {
		if (*a != *b)
			return (unsigned char)*a - (unsigned char)*b;
		if (!*a)
			return 0;
	}
	return 0;
}

char *strchr(const char *s, int c)
{
	for (;; s++) {
		if (*s == (char)c)
			return (char *)s;
		if (!*s)
			return NULL;
	}
}

size_t strlcpy(char *dst, const char *src, size_t size)
{
	size_t len = strlen(src);

	if (size) {
		size_t n = len < size - 1 ? len : size - 1;

		memcpy(dst, src, n);
		dst[n] = '\0';
	}
	return len;
}
