/* See sdt.h. */
#include "drivers/sdt.h"

#include "lib/bytes.h"
#include "lib/errno.h"
#include "lib/printf.h"
#include "lib/string.h"

int sdt_check(const uint8_t *t, size_t avail, const char *sig, uint32_t min_len,
	      const char *name, uint32_t *len)
{
	uint8_t sum = 0;

	if (avail < SDT_HEADER_SIZE) {
		kprintf("skiff: %s: %zu bytes, shorter than its %u-byte header\n", name, avail,
			min_len);
		return -EINVAL;
	}
	if (memcmp(t, sig, SDT_SIGNATURE_SIZE) != 0) {
		kprintf("skiff: %s: the table's signature is not \"%.4s\"\n", name, sig);
		return -EINVAL;
	}
	*len = (uint32_t)le_load(t + SDT_LENGTH_OFFSET, 4);
	if (*len < min_len) {
		kprintf("skiff: %s: length %u is shorter than its %u-byte header\n", name, *len,
			min_len);
		return -EINVAL;
	}
	if (*len > avail) {
		kprintf("skiff: %s: length %u runs past the %zu bytes mapped\n", name, *len, avail);
		return -EINVAL;
	}
	for (uint32_t i = 0; i < *len; i++)
		sum += t[i];
	if (sum != 0) {
		kprintf("skiff: %s: checksum bad (the %u bytes sum to 0x%02x, not 0)\n", name, *len,
			sum);
		return -EBADMSG;
	}
	return 0;
}
