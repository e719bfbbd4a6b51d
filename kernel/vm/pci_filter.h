/*
 * The guest's PCI configuration writes through ports 0xcf8/0xcfc
 * (docs/architecture.md "The guest contract").  The guest owns the
 * machine's devices, but configuration space reaches around the EPT: a
 * memory BAR moved over skiff's pages takes skiff's own loads and stores
 * to the device; the host bridge's registers decide what RAM is RAM (PAM,
 * SMRAM, DRAM boundaries, PCIEXBAR); the chipset's ACPI PM base moves the
 * PM1a_CNT port skiff watches for SLP_EN.  A write passes unless:
 *
 *   - it would leave a BAR of an inventoried function (or a type-1
 *     header's memory or prefetchable window, 0x20-0x2f) decoding memory
 *     skiff keeps, or an I/O BAR decoding ports skiff intercepts.  The range is the one the register holds after the
 *     write: a byte or word write is merged into the current dword first,
 *     a 64-bit BAR's half is read with the other half's current value.
 *     BARs are checked whether or not the command register enables
 *     decoding (an enable later would need no BAR write); the expansion
 *     ROM only with its enable bit set.  A sizing write of all-ones puts a
 *     BAR at the top of its address space, which no RAM reaches: it
 *     passes by the same rule, no exception needed;
 *   - it writes a host bridge's (class 06/00) device-specific registers,
 *     offset 0x40 and up (i440FX PAM, SMRAM, DRB; Q35 PCIEXBAR, PAM,
 *     SMRAM, TOLUD/TOUUD/TOM/REMAP, MCHBAR ...): all of them, refused;
 *   - it writes an IOMMU's function (class 08/06, an AMD IOMMU): its
 *     capability block places and enables the registers skiff drives,
 *     its command register gates the unit's own table walks: refused,
 *     every register;
 *   - it writes the ACPI PM base, ACPI control, GPIO base, SMBus base or
 *     root complex base of a chipset function skiff knows (a table by
 *     vendor:device, with the datasheets' register names);
 *   - it writes the BAR area (0x10-0x33, 0x38-0x3b) of a function the
 *     inventory does not hold (beyond its table, or absent at boot);
 *   - CONFIG_ADDRESS has any of its reserved bits 30:24 set: chipsets
 *     differ on them (some take bits 27:24 as register bits 11:8), so
 *     skiff does not guess which register the write would reach.
 *
 * A write of the FADT's RESET_VALUE to its RESET_REG in PCI configuration
 * space is the guest's reboot.  CONFIG_DATA with the enable bit (31) of
 * CONFIG_ADDRESS clear is no configuration cycle, an ordinary I/O access
 * that the hardware hands to the bus: it passes, unfiltered
 * (vm/pci_config.c).
 *
 * Pure: no I/O.  vm.c reads the current dword and the ones
 * pci_filter_extra() names, and does the write or drops it.
 */
#ifndef SKIFF_VM_PCI_FILTER_H
#define SKIFF_VM_PCI_FILTER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "drivers/pci.h"
#include "mm/range.h"
#include "vm/ports.h"

/* The FADT's RESET_REG when it is in PCI configuration space (ACPI 6.4
 * 5.2.3.2: bus 0, the device, function and register offset). */
struct pci_reset_reg {
	bool present;
	uint8_t dev, fn;
	uint8_t offset;
	uint8_t value;
};

struct pci_filter_config {
	const struct pci_inventory *inv;
	const struct phys_range *kept;		/* memory that is not the guest's */
	size_t kept_count;
	const struct vm_port_range *ports;	/* ports skiff intercepts */
	size_t port_count;
	struct pci_reset_reg reset;
};

/* Dwords of the header besides the one written that a rule may need. */
#define PCI_FILTER_EXTRA_MAX	2

/* One write to CONFIG_DATA (0xcfc + k), as the guest made it. */
struct pci_cfg_write {
	uint32_t address;	/* CONFIG_ADDRESS as the guest latched it */
	uint8_t byte;		/* k: which byte of the dword the write starts at */
	uint8_t size;		/* 1, 2 or 4; byte + size <= 4 */
	uint32_t value;		/* the low size bytes count */
	uint32_t cur;		/* the dword before the write */
	uint32_t extra[PCI_FILTER_EXTRA_MAX];	/* as pci_filter_extra() named them */
};

enum pci_filter_verdict {
	PCI_FILTER_PASS,	/* the hardware's: do the write */
	PCI_FILTER_REFUSE,	/* drop it, report why */
	PCI_FILTER_REBOOT,	/* RESET_VALUE to RESET_REG: the guest rebooted */
};

struct pci_filter_result {
	enum pci_filter_verdict verdict;
	char why[112];		/* "BAR 0x10 would decode 0x1000000-0x1ffffff: skiff's memory" */
};

/* Bus, device, function and register of CONFIG_ADDRESS a. */
static inline uint8_t pci_address_bus(uint32_t a) { return (uint8_t)(a >> 16); }
static inline uint8_t pci_address_dev(uint32_t a) { return (a >> 11) & 0x1f; }
static inline uint8_t pci_address_fn(uint32_t a) { return (a >> 8) & 7; }
static inline uint8_t pci_address_reg(uint32_t a) { return a & PCI_CONFIG_REG_MASK; }

/* The registers (dword offsets) whose current values the filter needs
 * for w (in w->extra, in this order): the other half of a 64-bit BAR,
 * the other dwords of a bridge's prefetchable window.  Returns
 * how many, at most PCI_FILTER_EXTRA_MAX. */
size_t pci_filter_extra(const struct pci_filter_config *c, const struct pci_cfg_write *w,
			uint8_t regs[PCI_FILTER_EXTRA_MAX]);

/* Whether the write may reach the hardware (see the top of this file). */
struct pci_filter_result pci_filter_write(const struct pci_filter_config *c,
					  const struct pci_cfg_write *w);

/* The dword after w: w's bytes merged into w->cur. */
uint32_t pci_cfg_write_merge(const struct pci_cfg_write *w);

#endif
