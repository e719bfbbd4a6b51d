/*
 * The header every ACPI system description table starts with (ACPI 6.4
 * 5.2.6): the checks a table parser makes before it reads its own fields.
 * Pure, for the host tests and the fuzzers.
 */
#ifndef SKIFF_DRIVERS_SDT_H
#define SKIFF_DRIVERS_SDT_H

#include <stddef.h>
#include <stdint.h>

#define SDT_SIGNATURE_SIZE	4
#define SDT_LENGTH_OFFSET	4
#define SDT_HEADER_SIZE		36

/*
 * The table at t[0..avail) has signature sig, a length of at least
 * min_len (its own header) that fits avail, and sums to zero over that
 * length.  0 with the length in *len; else the reason printed as
 * "skiff: <name>: ..." and -EINVAL, or -EBADMSG for a bad checksum.
 */
int sdt_check(const uint8_t *t, size_t avail, const char *sig, uint32_t min_len,
	      const char *name, uint32_t *len);

#endif
