/*
 * The PCI Express memory-mapped configuration space table (MCFG, PCI
 * Firmware Specification 3.0 4.1.2): where each PCI segment's ECAM window
 * is.  A guest that owns the devices may write configuration space through
 * these windows as well as through ports 0xcf8/0xcfc, so skiff traps their
 * writes (vm/platform.h, VM_MMIO_ECAM) and filters them as it filters the
 * port ones.
 *
 * mcfg_parse() is pure (bytes in, windows out), for the host tests;
 * mcfg_windows() feeds it the table acpi.c found.  A malformed table is
 * named and gives no window: the guest then has no ECAM skiff knows of,
 * and an ECAM window skiff does not know of is one it cannot guard (the
 * boot line says so).
 */
#ifndef SKIFF_DRIVERS_MCFG_H
#define SKIFF_DRIVERS_MCFG_H

#include <stddef.h>
#include <stdint.h>

#define MCFG_SIGNATURE		"MCFG"
#define MCFG_HEADER_SIZE	44	/* the SDT header and 8 reserved bytes */
#define MCFG_ENTRY_SIZE		16	/* base (8), segment (2), start and end bus, 4 reserved */
#define MCFG_BUS_SHIFT		20	/* 1 MiB of configuration space per bus */
#define MCFG_ENTRIES_MAX	65536	/* one per segment group at most */

struct mcfg_window {
	uint64_t base;		/* of start_bus's configuration space */
	uint64_t size;		/* (end_bus - start_bus + 1) MiB */
	uint16_t segment;
	uint8_t start_bus, end_bus;
};

/* The windows of the table at table (len bytes, its header's length
 * already checked against len by the caller), the first max of them into
 * out: the count of all (which may exceed max: windows skiff cannot guard),
 * or -EINVAL (printed) for a malformed table: shorter than its header, a
 * length that is not header plus whole entries, an end bus before the
 * start bus, a base that is not 1 MiB-aligned or that wraps. */
int mcfg_parse(const void *table, size_t len, struct mcfg_window *out, size_t max);

#ifndef SKIFF_HOST_TEST
/* The machine's windows (mcfg_parse() of its MCFG): the count, 0 when it
 * has no MCFG, negative when it has a bad one (printed). */
int mcfg_windows(struct mcfg_window *out, size_t max);
#endif

#endif
