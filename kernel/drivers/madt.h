/*
 * The Multiple APIC Description Table (MADT, signature "APIC"; ACPI 6.4
 * 5.2.12): which CPUs the machine has, and what later work on interrupts
 * needs to know (I/O APICs, overrides, NMI wiring).
 *
 * skiff must hold every CPU: a CPU it does not know of is a CPU the guest
 * can start outside VMX.  So a malformed MADT is never guessed around:
 * madt_parse() names what is wrong and fails, and madt_init() makes skiff
 * stop (docs/architecture.md, "From power-on to the first VM entry").
 * madt_parse() is pure (bytes in, struct out), for the host tests and the
 * fuzzer; madt_init() feeds it the table acpi.c found.
 */
#ifndef SKIFF_DRIVERS_MADT_H
#define SKIFF_DRIVERS_MADT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "config.h"

/* ---- Table layout, ACPI 6.4 5.2.12 ---- */

#define MADT_SIGNATURE		"APIC"
/* The SDT header, then Local Interrupt Controller Address (4 bytes) and
 * Flags (4 bytes); the interrupt controller structures follow (table
 * "Multiple APIC Description Table (MADT) Format"). */
#define MADT_LAPIC_ADDR_OFFSET	36
#define MADT_FLAGS_OFFSET	40
#define MADT_HEADER_SIZE	44
#define MADT_PCAT_COMPAT	(1u << 0)	/* dual 8259s are present too */

/* Interrupt Controller Structure types (table "Interrupt Controller
 * Structure Types") and the length each has in ACPI 6.4.  Every structure
 * starts with Type (1 byte) and Length (1 byte). */
#define MADT_ENTRY_HEADER_SIZE		2
#define MADT_TYPE_LOCAL_APIC		0x0	/* 5.2.12.2,  8 bytes */
#define MADT_TYPE_IO_APIC		0x1	/* 5.2.12.3, 12 bytes */
#define MADT_TYPE_INT_OVERRIDE		0x2	/* 5.2.12.5, 10 bytes */
#define MADT_TYPE_NMI_SOURCE		0x3	/* 5.2.12.6,  8 bytes */
#define MADT_TYPE_LOCAL_APIC_NMI	0x4	/* 5.2.12.7,  6 bytes */
#define MADT_TYPE_LAPIC_ADDR_OVERRIDE	0x5	/* 5.2.12.8, 12 bytes */
#define MADT_TYPE_LOCAL_X2APIC		0x9	/* 5.2.12.12, 16 bytes */
#define MADT_TYPE_LOCAL_X2APIC_NMI	0xa	/* 5.2.12.13, 12 bytes */

/* Local APIC Flags (table "Local APIC Flags"), in types 0 and 9. */
#define MADT_LAPIC_ENABLED		(1u << 0)
/* ACPI 6.3 and later: the CPU may be enabled at run time; reserved (0)
 * when Enabled is set. */
#define MADT_LAPIC_ONLINE_CAPABLE	(1u << 1)

/* ---- What skiff keeps ---- */

/* struct madt_cpu flags */
#define MADT_CPU_X2APIC		(1u << 0)	/* from a type 9 entry */
#define MADT_CPU_ENABLED	(1u << 1)	/* usable now */
#define MADT_CPU_ONLINE_CAPABLE	(1u << 2)	/* may be brought online later */
#define MADT_CPU_ASSUMED	(1u << 3)	/* no MADT: the CPU skiff runs on */

struct madt_cpu {
	uint32_t apic_id;	/* x2APIC ID, or the 8-bit APIC ID */
	uint32_t uid;		/* ACPI Processor UID (8 bits in type 0) */
	uint8_t flags;		/* MADT_CPU_* */
};

/* I/O APICs skiff records; more are counted but not kept. */
#define MADT_MAX_IO_APICS	8

struct madt_io_apic {
	uint8_t id;
	uint32_t address;	/* physical, of its registers */
	uint32_t gsi_base;	/* the first global system interrupt it serves */
};

struct madt_info {
	bool found;			/* false: no MADT, one CPU assumed */
	uint64_t lapic_address;		/* after any type 5 override */
	bool lapic_overridden;
	uint32_t flags;			/* MADT_PCAT_COMPAT */
	uint32_t cpu_count;		/* enabled or online-capable */
	uint32_t online_capable;	/* of cpu_count, not enabled yet */
	uint32_t x2apic;		/* of cpu_count, from type 9 entries */
	uint32_t disabled;		/* entries neither: never to be used */
	struct madt_cpu cpus[CONFIG_MAX_CPUS];	/* in table order */
	uint32_t io_apic_count;		/* all; the first MADT_MAX_IO_APICS kept */
	struct madt_io_apic io_apics[MADT_MAX_IO_APICS];
	uint32_t int_overrides;		/* type 2 */
	uint32_t nmi_sources;		/* type 3 */
	uint32_t lapic_nmis;		/* types 4 and 0xa */
	uint32_t unknown;		/* other types, skipped by their length */
};

/* ---- Interface ---- */

/*
 * Parses the MADT in table[0..avail): its header's length must fit in
 * avail.  Fills *out and returns 0, or prints what is malformed
 * ("skiff: madt: ...") and returns -EBADMSG (checksum, entry lengths),
 * -EINVAL (table length), -EEXIST (an APIC ID twice, or a second address
 * override) or -E2BIG (more than CONFIG_MAX_CPUS CPUs).
 */
int madt_parse(const void *table, size_t avail, struct madt_info *out);

/* Whether m lists a CPU (enabled or online-capable) with this APIC ID. */
bool madt_has_cpu(const struct madt_info *m, uint32_t apic_id);

/* *out as when there is no MADT: one CPU, the one skiff runs on. */
void madt_assume_one_cpu(struct madt_info *out);

/*
 * The boot line: "skiff: cpus: N in the MADT (APIC IDs a, b, ...), local
 * APIC at 0x...", with as many IDs as fit in fewer than 100 characters.
 */
void madt_format(const struct madt_info *m, char *buf, size_t size);

/*
 * After acpi_init(): finds the MADT through acpi_table(), parses it and
 * prints the boot line.  No ACPI or no MADT is one CPU and returns 0; a
 * malformed MADT returns a negative error, and skiff must stop.
 */
int madt_init(void);

/* What madt_init() found. */
const struct madt_info *madt_cpus(void);

#endif
