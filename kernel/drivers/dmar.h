/*
 * The DMA Remapping Reporting table (DMAR; Intel Virtualization Technology
 * for Directed I/O, Architecture Specification, chapter 8 "BIOS
 * Considerations"): where the machine's IOMMUs (remapping hardware units)
 * are, which PCI functions and I/O APICs each one translates for, and the
 * memory some devices keep using behind the OS's back (RMRRs).
 *
 * dmar_parse() is pure (bytes in, struct out), for the host tests and the
 * fuzzer; dmar_find() feeds it the table acpi.c found.  The firmware's
 * bytes are untrusted: every length is checked before anything is read,
 * and a table that breaks a rule of chapter 8 is refused with the rule
 * named ("skiff: dmar: ...").  The caller's outcome for any error is "no
 * IOMMU", with that warning: a half-understood DMAR would have skiff
 * program a unit for devices it does not translate, or leave devices
 * untranslated that it believes are.
 */
#ifndef SKIFF_DRIVERS_DMAR_H
#define SKIFF_DRIVERS_DMAR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* ---- Table layout, VT-d 8.1 (table "DMA Remapping Reporting Structure") ---- */

#define DMAR_SIGNATURE		"DMAR"
#define DMAR_HAW_OFFSET		36	/* Host Address Width: N, for N+1 bits */
#define DMAR_FLAGS_OFFSET	37
#define DMAR_HEADER_SIZE	48	/* then 10 reserved bytes; structures follow */

/* DMAR Flags (8.1). */
#define DMAR_FLAG_INTR_REMAP		(1u << 0)	/* interrupt remapping supported */
#define DMAR_FLAG_X2APIC_OPT_OUT	(1u << 1)	/* firmware asks: no x2APIC mode */
#define DMAR_FLAG_DMA_CTRL_PLATFORM_OPT_IN (1u << 2)	/* DMA protection at handover */

/* Remapping structure types (8.2).  Each starts with Type (2 bytes) and
 * Length (2 bytes, the whole structure); types past these are reserved,
 * and software skips them by their length. */
#define DMAR_STRUCT_HEADER_SIZE	4
#define DMAR_TYPE_DRHD		0	/* 8.3 DMA Remapping Hardware Unit Definition */
#define DMAR_TYPE_RMRR		1	/* 8.4 Reserved Memory Region Reporting */
#define DMAR_TYPE_ATSR		2	/* 8.5 Root Port ATS Capability Reporting */
#define DMAR_TYPE_RHSA		3	/* 8.6 Remapping Hardware Static Affinity */
#define DMAR_TYPE_ANDD		4	/* 8.7 ACPI Name-space Device Declaration */
#define DMAR_TYPE_SATC		5	/* 8.8 SoC Integrated Address Translation Cache */

/* DRHD (8.3): Flags @4, Size @5, Segment @6, Register Base Address @8,
 * Device Scope entries from 16. */
#define DMAR_DRHD_SIZE			16
#define DMAR_DRHD_INCLUDE_PCI_ALL	(1u << 0)
#define DMAR_DRHD_SIZE_MASK		0xfu	/* bits 3:0: 2^N 4 KiB pages of registers */
/* RMRR (8.4): Segment @6, Base @8, Limit @16, Device Scope entries from 24. */
#define DMAR_RMRR_SIZE			24
/* ATSR (8.5), SATC (8.8): Flags @4, Segment @6, Device Scope entries from 8. */
#define DMAR_ATSR_SIZE			8
#define DMAR_SATC_SIZE			8
/* RHSA (8.6): Register Base Address @8, Proximity Domain @16. */
#define DMAR_RHSA_SIZE			20
/* ANDD (8.7): ACPI Device Number @7, the object's name from 8. */
#define DMAR_ANDD_SIZE			8

#define DMAR_PAGE_SIZE			0x1000ull

/* Device Scope (8.3.1): Type @0, Length @1 (6 + the path), Flags @2,
 * Enumeration ID @4, Start Bus Number @5, Path from 6: one (Device,
 * Function) pair per hop from the host bridge. */
#define DMAR_SCOPE_HEADER_SIZE		6

enum dmar_scope_type {
	DMAR_SCOPE_PCI_ENDPOINT = 1,	/* the function the path ends at */
	DMAR_SCOPE_PCI_BRIDGE = 2,	/* "PCI Sub-hierarchy": the bridge and all below it */
	DMAR_SCOPE_IOAPIC = 3,		/* enumeration ID: the I/O APIC ID */
	DMAR_SCOPE_HPET = 4,		/* enumeration ID: the HPET number */
	DMAR_SCOPE_ACPI_NAMESPACE = 5,	/* enumeration ID: an ANDD's device number */
};

/* ---- What skiff keeps ---- */

#define DMAR_UNITS_MAX		8	/* DRHDs kept */
#define DMAR_SCOPES_MAX		32	/* device scope entries kept, of DRHDs and RMRRs */
#define DMAR_RMRRS_MAX		8
#define DMAR_PATH_MAX		8	/* hops of a device scope's path kept */

struct dmar_path_hop {
	uint8_t dev, fn;
};

/* One Device Scope entry of a DRHD or an RMRR, as the firmware wrote it.
 * For an I/O APIC, an HPET or an ACPI namespace device, start_bus and the
 * path give its source ID (requester ID) for interrupt remapping. */
struct dmar_scope {
	uint8_t type;			/* enum dmar_scope_type, or a reserved value */
	uint8_t flags;
	uint8_t enumeration_id;
	uint8_t start_bus;
	uint8_t path_len;		/* hops, 1..DMAR_PATH_MAX */
	struct dmar_path_hop path[DMAR_PATH_MAX];
};

/* A remapping hardware unit (DRHD). */
struct dmar_unit {
	uint64_t base;			/* its registers: nonzero, 4 KiB-aligned */
	uint64_t size;			/* bytes: 4 KiB << the Size field (8.3) */
	uint16_t segment;		/* PCI segment group */
	uint8_t flags;			/* DMAR_DRHD_* as written */
	bool include_pci_all;		/* every function of the segment no other unit has */
	unsigned first_scope, scope_count;	/* in dmar_info.scopes */
};

/* A reserved memory region (RMRR): DMA the listed devices keep doing
 * (USB legacy emulation, graphics stolen memory), to stay mapped 1:1. */
struct dmar_rmrr {
	uint64_t base, limit;		/* [base, limit], whole 4 KiB pages */
	uint16_t segment;
	unsigned first_scope, scope_count;	/* in dmar_info.scopes */
};

struct dmar_info {
	uint8_t haw;			/* host address width in bits: the field + 1 */
	uint8_t flags;			/* DMAR_FLAG_* */
	struct dmar_unit units[DMAR_UNITS_MAX];	/* in table order */
	size_t unit_count;
	struct dmar_rmrr rmrrs[DMAR_RMRRS_MAX];
	size_t rmrr_count;
	struct dmar_scope scopes[DMAR_SCOPES_MAX];
	size_t scope_count;
	/* Checked but not kept: */
	unsigned atsr_count, rhsa_count, andd_count, satc_count;
	unsigned unknown_count;		/* reserved types, skipped by their length */
};

/* ---- Interface ---- */

/*
 * Parses the DMAR in table[0..avail): its header's Length must fit in
 * avail.  Fills *out and returns 0, or prints what is wrong ("skiff: dmar:
 * ...") and returns -EINVAL (a malformed table: its length, checksum,
 * header or any structure or device scope breaking a rule of chapter 8)
 * or -E2BIG (more units, RMRRs, scopes or path hops than skiff keeps).
 * A structure of a reserved type is skipped by its length, and said once.
 */
int dmar_parse(const void *table, size_t avail, struct dmar_info *out);

/*
 * The bus numbers behind a PCI-to-PCI bridge: its Secondary and
 * Subordinate Bus Number registers (PCI-to-PCI Bridge 1.2, 3.2.5.3 and
 * 3.2.5.4; config offsets 0x19, 0x1a).  False when bus:dev.fn is no bridge
 * (absent, or a type 0 header).  The kernel's version reads configuration
 * space; the host tests supply a fake.
 */
typedef bool (*dmar_bridge_buses_fn)(void *ctx, uint8_t bus, uint8_t dev, uint8_t fn,
				     uint8_t *secondary, uint8_t *subordinate);

/*
 * Whether the PCI function bus:dev.fn of segment 0 (the only one skiff
 * reaches, through configuration mechanism #1) is under unit u of d
 * (8.3, 8.3.1):
 *  - an endpoint scope covers the function its path ends at;
 *  - a bridge scope covers the bridge and every function on its
 *    secondary..subordinate buses;
 *  - an INCLUDE_PCI_ALL unit covers every function of its segment that no
 *    other unit of the segment covers.
 * A path of more than one hop goes through bridges: each hop but the last
 * is a bridge whose secondary bus is the next hop's bus, read through
 * bridge_buses.  A path through something that is not a bridge names no
 * function there now, and covers nothing.  I/O APIC, HPET and ACPI
 * namespace scopes are not PCI functions and cover none.
 */
bool dmar_unit_covers(const struct dmar_info *d, const struct dmar_unit *u, uint8_t bus,
		      uint8_t dev, uint8_t fn, dmar_bridge_buses_fn bridge_buses, void *ctx);

/* The unit that translates for bus:dev.fn of segment 0 (dmar_unit_covers()):
 * a unit that lists it before the INCLUDE_PCI_ALL one; NULL when none. */
const struct dmar_unit *dmar_unit_for(const struct dmar_info *d, uint8_t bus, uint8_t dev,
				      uint8_t fn, dmar_bridge_buses_fn bridge_buses, void *ctx);

#ifndef SKIFF_HOST_TEST
/*
 * After acpi_init(): the machine's DMAR through acpi_table(), parsed.
 * 0; -ENOENT when there is none (or no ACPI): no IOMMU; any other negative
 * value for a table that is listed but unusable or malformed (printed),
 * which the caller also takes as "no IOMMU", with the warning.
 */
int dmar_find(struct dmar_info *out);
#endif

#endif
