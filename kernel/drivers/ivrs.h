/*
 * The I/O Virtualization Reporting Structure (IVRS; AMD I/O Virtualization
 * Technology (IOMMU) Specification, publication 48882, 5.2 "ACPI Tables"):
 * where the machine's AMD IOMMUs are (one IVHD block per IOMMU, sometimes
 * more than one block for the same IOMMU in newer formats), which PCI
 * functions each translates for (the IVHD device entries), and the memory
 * some devices need reachable, 1:1 or untranslated, before and after the
 * OS takes over (IVMD blocks: unity and exclusion ranges).
 *
 * ivrs_parse() is pure (bytes in, struct out), for the host tests and the
 * fuzzer; ivrs_find() feeds it the table acpi.c found.  The firmware's
 * bytes are untrusted: every length is checked before anything is read,
 * and a table that breaks a rule of 48882 5.2 is refused with the rule
 * named ("skiff: ivrs: ...").  The caller's outcome for any error is "no
 * IOMMU", with that warning: a half-understood IVRS would have skiff
 * program an IOMMU it has the wrong registers for, or leave a device
 * unable to reach memory the firmware said it must (or able to reach
 * memory it must not).
 */
#ifndef SKIFF_DRIVERS_IVRS_H
#define SKIFF_DRIVERS_IVRS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* ---- Table layout, 48882 5.2.1 (table "IVRS Header") ---- */

#define IVRS_SIGNATURE		"IVRS"
#define IVRS_IVINFO_OFFSET	36	/* IVinfo, u32; then 8 reserved bytes */
#define IVRS_HEADER_SIZE	48	/* IVHD and IVMD blocks follow */

/* IVinfo: what every IOMMU of the system shares. */
#define IVRS_IVINFO_EFRSUP		(1u << 0)	/* IVHD 11h/40h EFR images are filled in */
#define IVRS_IVINFO_DMA_GUARD_OPT_IN	(1u << 1)	/* firmware asks for DMA protection */
#define IVRS_IVINFO_GVA_SIZE(v)		(((v) >> 5) & 0x7u)	/* guest VA size, encoded */
#define IVRS_IVINFO_PA_SIZE(v)		(((v) >> 8) & 0x7fu)	/* physical address bits */
#define IVRS_IVINFO_VA_SIZE(v)		(((v) >> 15) & 0x7fu)	/* virtual address bits */
#define IVRS_IVINFO_HT_ATS_RESV		(1u << 22)	/* ATS addresses in the HT range reserved */

/* Every block (5.2.2, 5.2.3) starts with Type (u8) @0, Flags (u8) @1 and
 * Length (u16, the whole block) @2.  Types other than these are reserved;
 * software skips them by their length. */
#define IVRS_BLOCK_HEADER_SIZE	4
#define IVRS_TYPE_IVHD_10	0x10	/* 5.2.2.1 IVHD, fixed-length header */
#define IVRS_TYPE_IVHD_11	0x11	/* 5.2.2.1 IVHD with the EFR image */
#define IVRS_TYPE_IVHD_40	0x40	/* 5.2.2.1 IVHD, 11h plus ACPI HID devices */
#define IVRS_TYPE_IVMD_ALL	0x20	/* 5.2.3 IVMD for all peripherals */
#define IVRS_TYPE_IVMD_SELECT	0x21	/* 5.2.3 IVMD for one peripheral */
#define IVRS_TYPE_IVMD_RANGE	0x22	/* 5.2.3 IVMD for a range of peripherals */

/* IVHD (5.2.2.1): DeviceID (the IOMMU's own PCI function) @4, Capability
 * Offset @6, IOMMU Base Address @8, PCI Segment Group @16, IOMMU Info @18,
 * IOMMU Feature Reporting (10h) or IOMMU Attributes (11h, 40h) @20; for
 * 11h and 40h the EFR Register Image @24 and EFR Register Image 2 @32
 * (reserved in older revisions).  Device entries follow the header. */
#define IVRS_IVHD_10_SIZE	24
#define IVRS_IVHD_11_SIZE	40	/* 40h's header is the same */

/* IVHD Flags: bits 5:0 alike in every type; 7:6 only in 10h. */
#define IVRS_IVHD_HT_TUN_EN	(1u << 0)
#define IVRS_IVHD_PASS_PW	(1u << 1)
#define IVRS_IVHD_RES_PASS_PW	(1u << 2)
#define IVRS_IVHD_ISOC		(1u << 3)
#define IVRS_IVHD_IOTLB_SUP	(1u << 4)
#define IVRS_IVHD_COHERENT	(1u << 5)
#define IVRS_IVHD_10_PREF_SUP	(1u << 6)
#define IVRS_IVHD_10_PPR_SUP	(1u << 7)

/* IOMMU Info: the MSI vector number (bits 4:0) and HyperTransport UnitID
 * (12:8) of the IOMMU's own interrupts. */
#define IVRS_IOMMU_INFO_MSI_NUM(v)	((v) & 0x1fu)
#define IVRS_IOMMU_INFO_UNIT_ID(v)	(((v) >> 8) & 0x1fu)

/* The IOMMU's registers: its capability block's IOMMU Base Address Low
 * Register holds address bits 31:14 (48882, "IOMMU Base Address Low
 * Register"), so the base is 16 KiB-aligned, and at least the first
 * 16 KiB are registers. */
#define IVRS_IOMMU_REG_ALIGN	0x4000ull
#define IVRS_IOMMU_REG_SIZE	0x4000ull

/* IVHD device entries (5.2.2.2), Type @0 and DeviceID @1 in every one.
 * Bits 7:6 of the type give the length of types 00h-7Fh: 00b 4 bytes,
 * 01b 8 bytes.  Types 80h-FFh are variable-length; of them only F0h is
 * defined, 22 bytes and then its UID, whose length is at byte 21. */
#define IVRS_DEV_PAD4		0x00	/* reserved: a 4-byte pad */
#define IVRS_DEV_ALL		0x01	/* every DeviceID of the segment */
#define IVRS_DEV_SELECT		0x02	/* one DeviceID */
#define IVRS_DEV_START		0x03	/* DeviceIDs from this one ... */
#define IVRS_DEV_END		0x04	/* ... to this one */
#define IVRS_DEV_PAD8		0x40	/* reserved: an 8-byte pad */
#define IVRS_DEV_ALIAS_SELECT	0x42	/* one DeviceID, requests arrive as another */
#define IVRS_DEV_ALIAS_START	0x43	/* a range, requests arrive as another */
#define IVRS_DEV_EXT_SELECT	0x46	/* one DeviceID, with extended settings */
#define IVRS_DEV_EXT_START	0x47	/* a range, with extended settings */
#define IVRS_DEV_SPECIAL	0x48	/* I/O APIC or HPET (variety @7: 1, 2); DeviceID @5 */
#define IVRS_DEV_ACPI_HID	0xf0	/* a device ACPI names (HID, CID, UID) */
#define IVRS_DEV_VARIABLE	0x80	/* types from here on carry their own length */
#define IVRS_DEV_HID_SIZE	22	/* F0h without its UID */
#define IVRS_DEV_HID_UID_LEN	21	/* F0h: the UID's length */

/* IVMD (5.2.3): DeviceID @4, Auxiliary Data @6 (the range's last DeviceID
 * for 22h), reserved @8, IVMD Start Address @16, IVMD Memory Block Length
 * @24. */
#define IVRS_IVMD_SIZE		32
#define IVRS_IVMD_UNITY		(1u << 0)	/* map the range 1:1 */
#define IVRS_IVMD_IR		(1u << 1)	/* ... for reads */
#define IVRS_IVMD_IW		(1u << 2)	/* ... for writes */
#define IVRS_IVMD_EXCLUSION	(1u << 3)	/* reached untranslated */

/* skiff maps memory for devices in 4 KiB pages. */
#define IVRS_PAGE_SIZE		0x1000ull
/* AMD64 physical addresses have at most 52 bits (APM Vol. 2 5.1). */
#define IVRS_PHYS_LIMIT		(1ull << 52)

/* ---- What skiff keeps ---- */

#define IVRS_UNITS_MAX		8	/* IOMMUs, after duplicate blocks are merged */
#define IVRS_RANGES_MAX		16	/* IVMD blocks */

/* Which IVHD types described a unit (ivrs_unit.types_seen). */
#define IVRS_SEEN_10		(1u << 0)
#define IVRS_SEEN_11		(1u << 1)
#define IVRS_SEEN_40		(1u << 2)

/*
 * An IOMMU.  A firmware that writes the newer IVHD types often describes
 * each IOMMU twice or three times (10h for old OSes, then 11h and/or 40h),
 * for software to use the newest type it understands and ignore the others
 * for the same IOMMU (48882 5.2.2.1).  skiff keeps one unit per (segment,
 * base) with the fields of its newest block, and refuses blocks of one
 * IOMMU that disagree on which PCI function it is.
 */
struct ivrs_unit {
	uint64_t base;			/* registers: nonzero, 16 KiB-aligned */
	uint64_t efr;			/* EFR Register Image; 0 with only a 10h block */
	uint64_t efr2;			/* EFR Register Image 2; likewise */
	uint32_t features;		/* @20: Feature Reporting (10h) or Attributes */
	uint16_t segment;		/* PCI segment group */
	uint16_t devid;			/* the IOMMU's own function: bus<<8 | dev<<3 | fn */
	uint16_t cap_offset;		/* its capability block in configuration space */
	uint16_t info;			/* IOMMU Info: IVRS_IOMMU_INFO_* */
	uint8_t flags;			/* IVRS_IVHD_*, of the block kept */
	uint8_t type;			/* the block kept: IVRS_TYPE_IVHD_* */
	uint8_t types_seen;		/* IVRS_SEEN_*: every block of this unit */
	unsigned entries;		/* device entries of the block kept */
};

/* Which peripherals an IVMD block is for. */
enum ivrs_devices {
	IVRS_DEVICES_ALL,		/* 20h */
	IVRS_DEVICES_ONE,		/* 21h: first == last */
	IVRS_DEVICES_RANGE,		/* 22h: first..last, inclusive */
};

/*
 * Memory some devices must reach (an IVMD block): 1:1 for reads and/or
 * writes (unity), or untranslated (exclusion; the IOMMU lets such accesses
 * through as they are, so read and write are both set).  The block's start
 * and length need not be page-aligned; the range kept is widened to whole
 * 4 KiB pages, the granularity of both page tables and the exclusion
 * registers, so that all of it stays reachable.
 */
struct ivrs_range {
	uint64_t base, end;		/* [base, end): whole 4 KiB pages, end <= 2^52 */
	uint8_t type;			/* IVRS_TYPE_IVMD_* */
	uint8_t flags;			/* IVRS_IVMD_* as written */
	bool unity, read, write, exclusion;
	enum ivrs_devices devices;
	uint16_t first, last;		/* DeviceIDs: 0..0xffff for all */
};

struct ivrs_info {
	uint32_t ivinfo;		/* IVRS_IVINFO_* */
	uint8_t revision;		/* the header's: 1 for 10h blocks only, 2 with 11h/40h */
	struct ivrs_unit units[IVRS_UNITS_MAX];	/* in the order first described */
	size_t unit_count;
	struct ivrs_range ranges[IVRS_RANGES_MAX];	/* in table order */
	size_t range_count;
	/* Checked but not kept: */
	unsigned ivhd_count;		/* IVHD blocks, duplicates included */
	unsigned unknown_count;		/* reserved block types, skipped by their length */
	unsigned unknown_entries;	/* reserved device entries, skipped by their size */
};

/* ---- Interface ---- */

/*
 * Parses the IVRS in table[0..avail): its header's Length must fit in
 * avail.  Fills *out and returns 0, or prints what is wrong ("skiff: ivrs:
 * ...") and returns -EINVAL (a malformed table: its length, checksum, a
 * block or device entry breaking a rule of 48882 5.2, two blocks that
 * disagree about one IOMMU), -E2BIG (more IOMMUs or IVMD blocks than skiff
 * keeps) or -ENODEV (a well-formed table that describes no IOMMU).  A block
 * or device entry of a reserved type is skipped by its length, and said
 * once; a device entry of a reserved variable-length type cannot be, and
 * is refused.
 */
int ivrs_parse(const void *table, size_t avail, struct ivrs_info *out);

#ifndef SKIFF_HOST_TEST
/*
 * After acpi_init(): the machine's IVRS through acpi_table(), parsed.
 * 0; -ENOENT when there is none (or no ACPI): no IOMMU; any other negative
 * value for a table that is listed but unusable, malformed or empty
 * (printed), which the caller also takes as "no IOMMU", with the warning.
 */
int ivrs_find(struct ivrs_info *out);
#endif

#endif
