/*
 * Decimal figures from 64-bit sums.  On i386, GCC turns a 64-bit division
 * into a call to libgcc's __udivdi3, which guests do not link; these few
 * divisions are done bit by bit instead (speed does not matter here: none
 * of it runs between two TSC reads).
 */
#include <stddef.h>

#include "bench.h"

#define U64_DIGITS	20	/* 18446744073709551615 */

uint64_t u64_divmod(uint64_t n, uint32_t d, uint32_t *rem)
{
	uint64_t q = 0, r = 0;

	for (int bit = 63; bit >= 0; bit--) {
		r = (r << 1) | ((n >> bit) & 1);
		if (r >= d) {
			r -= d;
			q |= 1ull << bit;
		}
	}
	if (rem)
		*rem = (uint32_t)r;
	return q;
}

char *u64_str(char *buf, uint64_t n)
{
	char digits[U64_DIGITS];
	int len = 0, i = 0;

	do {
		uint32_t digit;

		n = u64_divmod(n, 10, &digit);
		digits[len++] = (char)('0' + digit);
	} while (n);
	while (len)
		buf[i++] = digits[--len];
	buf[i] = '\0';
	return buf;
}

char *mean_str(char *buf, int64_t sum, uint32_t count)
{
	bool negative = sum < 0;
	uint64_t magnitude = negative ? -(uint64_t)sum : (uint64_t)sum;
	uint32_t tenth;
	uint64_t tenths;
	char *p = buf;

	if (count == 0) {
		buf[0] = '-';
		buf[1] = '\0';
		return buf;
	}
	tenths = u64_divmod(magnitude * 10 + count / 2, count, NULL);
	if (negative && tenths)
		*p++ = '-';
	u64_str(p, u64_divmod(tenths, 10, &tenth));
	while (*p)
		p++;
	*p++ = '.';
	*p++ = (char)('0' + tenth);
	*p = '\0';
	return buf;
}
