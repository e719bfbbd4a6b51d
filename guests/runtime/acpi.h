/*
 * Finding an ACPI table from the RSDP the loader copies into the
 * Multiboot2 information (tags 14 and 15, Multiboot2 spec 3.6.16-3.6.17;
 * GRUB and skiff both give them).  Guests run with paging off, so the
 * tables' physical addresses are read as they are; one above 4 GiB is
 * out of reach and skipped.  Every length is bounded and every checksum
 * checked (ACPI 6.4 5.2.5.3, 5.2.6) before a byte past the header is used.
 */
#ifndef GUEST_ACPI_H
#define GUEST_ACPI_H

#include <stdint.h>

#include "boot/multiboot2.h"

/* ACPI 6.4 5.2.6, table 5.4: the header every description table opens with. */
struct acpi_header {
	char signature[4];
	uint32_t length;		/* of the whole table, header included */
	uint8_t revision;
	uint8_t checksum;		/* all length bytes sum to 0 */
	char oem_id[6];
	char oem_table_id[8];
	uint32_t oem_revision;
	uint32_t creator_id;
	uint32_t creator_revision;
} __attribute__((packed));

_Static_assert(sizeof(struct acpi_header) == 36, "ACPI 6.4 5.2.6: the header is 36 bytes");

/* The largest table acpi_find_table() accepts: a bound against a length
 * that would walk through all of memory. */
#define ACPI_TABLE_MAX		0x10000u

/* The first table with signature sig ("APIC" for the MADT) whose checksum
 * holds, through the XSDT when the RSDP is revision 2 or later and names
 * one, else through the RSDT; NULL when there is none. */
const struct acpi_header *acpi_find_table(const struct mb2_info *mbi, const char sig[4]);

#endif
