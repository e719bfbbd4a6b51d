/*
 * PCI configuration space through configuration mechanism #1 (PCI Local
 * Bus 3.0, 3.2.2.3.2: CONFIG_ADDRESS at port 0xcf8, CONFIG_DATA at
 * 0xcfc-0xcff), and the inventory skiff takes at boot, while the machine
 * is still its own: every function on bus 0 and on the buses behind
 * PCI-to-PCI bridges, with the kind and size of each of its base address
 * registers.  The guest's PCI configuration writes are filtered against
 * it (vm/pci_filter.h).
 *
 * The registers are touched only through pci_cfg_read32/write32(), so the
 * host tests can run the scan against a synthetic configuration space.
 */
#ifndef SKIFF_DRIVERS_PCI_H
#define SKIFF_DRIVERS_PCI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* ---- configuration mechanism #1 (PCI Local Bus 3.0, 3.2.2.3.2) ---- */

#define PCI_CONFIG_ADDRESS	0xcf8
#define PCI_CONFIG_DATA		0xcfc	/* 4 ports: the dword's bytes 0-3 */
#define PCI_CONFIG_ENABLE	(1u << 31)
#define PCI_CONFIG_RESERVED	0x7f000000u	/* bits 30:24 */
#define PCI_CONFIG_REG_MASK	0xfcu		/* bits 7:2: the dword */

static inline uint32_t pci_config_address(uint8_t bus, uint8_t dev, uint8_t fn, uint8_t reg)
{
	return PCI_CONFIG_ENABLE | (uint32_t)bus << 16 | (uint32_t)(dev & 0x1f) << 11 |
	       (uint32_t)(fn & 7) << 8 | (reg & PCI_CONFIG_REG_MASK);
}

#define PCI_DEVS_PER_BUS	32
#define PCI_FNS_PER_DEV		8

/* ---- the configuration header (PCI Local Bus 3.0, 6.1; PCI-to-PCI
 * Bridge 1.2, 3.2) ---- */

#define PCI_VENDOR_ID		0x00	/* 16 bits; 0xffff: no function */
#define PCI_DEVICE_ID		0x02
#define PCI_COMMAND		0x04
#define PCI_COMMAND_IO		(1u << 0)
#define PCI_COMMAND_MEMORY	(1u << 1)
#define PCI_COMMAND_MASTER	(1u << 2)	/* bus master: the function may DMA */
#define PCI_CLASS_REVISION	0x08	/* class 31:24, subclass 23:16, prog-if 15:8 */
#define PCI_HEADER_TYPE		0x0e
#define PCI_HEADER_TYPE_MASK	0x7f
#define PCI_HEADER_MULTIFUNCTION 0x80
#define PCI_HEADER_NORMAL	0	/* type 0 */
#define PCI_HEADER_BRIDGE	1	/* type 1: PCI-to-PCI bridge */
#define PCI_HEADER_CARDBUS	2
#define PCI_BAR0		0x10
#define PCI_BAR_STRIDE		4
#define PCI_NORMAL_BARS		6	/* type 0: 0x10-0x24 */
#define PCI_BRIDGE_BARS		2	/* type 1: 0x10, 0x14 */
#define PCI_BRIDGE_BUSES	0x18	/* primary 0x18, secondary 0x19, subordinate 0x1a */
#define PCI_BRIDGE_IO_BASE	0x1c	/* I/O base 0x1c, limit 0x1d */
#define PCI_BRIDGE_MEM_BASE	0x20	/* memory base 0x20, limit 0x22 */
#define PCI_BRIDGE_PREF_BASE	0x24	/* prefetchable base 0x24, limit 0x26 */
#define PCI_BRIDGE_PREF_BASE_UPPER 0x28
#define PCI_BRIDGE_PREF_LIMIT_UPPER 0x2c
#define PCI_BRIDGE_IO_UPPER	0x30	/* I/O base upper 16 bits, limit upper 0x32 */
#define PCI_NORMAL_ROM		0x30	/* expansion ROM base address, type 0 */
#define PCI_BRIDGE_ROM		0x38	/* and type 1 */
#define PCI_HEADER_END		0x40	/* device-specific registers from here */
#define PCI_CONFIG_SPACE	0x100	/* conventional; PCI Express has 4 KiB */

/* BAR low bits (PCI Local Bus 3.0, 6.2.5.1). */
#define PCI_BAR_SPACE_IO	0x1u
#define PCI_BAR_MEM_TYPE_MASK	0x6u
#define PCI_BAR_MEM_TYPE_64	0x4u
#define PCI_BAR_IO_ADDR_MASK	0xfffffffcu
#define PCI_BAR_MEM_ADDR_MASK	0xfffffff0u
#define PCI_ROM_ENABLE		0x1u
#define PCI_ROM_ADDR_MASK	0xfffff800u

#define PCI_CLASS_BRIDGE_HOST	0x0600	/* class 06, subclass 00 */
#define PCI_CLASS_IOMMU		0x0806	/* class 08, subclass 06: an AMD IOMMU's function */

/* ---- the inventory ---- */

/* Functions recorded; those found beyond it are counted, and every BAR
 * write to them is refused (vm/pci_filter.h). */
#define PCI_INVENTORY_MAX	64
#define PCI_BARS_MAX		7	/* six BARs and the expansion ROM */

enum pci_bar_kind {
	PCI_BAR_UNUSED = 0,	/* reads back 0 after all-ones: not implemented */
	PCI_BAR_IO,
	PCI_BAR_MEM32,
	PCI_BAR_MEM64,		/* the low dword; the high one follows */
	PCI_BAR_MEM64_HIGH,	/* the high dword of the BAR before it */
	PCI_BAR_ROM,
};

struct pci_bar {
	uint8_t offset;		/* in the header: 0x10-0x24, 0x30 or 0x38 */
	uint8_t kind;		/* enum pci_bar_kind */
	/* The address bits the BAR decodes: what it reads back after all-ones
	 * (both dwords for MEM64, on the MEM64 entry), flag bits cleared.  The
	 * decoded range is [value & mask, + size) with size = mask & -mask. */
	uint64_t mask;
};

struct pci_function {
	uint8_t bus, dev, fn;
	uint8_t header_type;	/* without the multifunction bit */
	uint16_t vendor, device;
	uint32_t class_rev;	/* dword 0x08 */
	uint8_t bar_count;
	struct pci_bar bars[PCI_BARS_MAX];
};

struct pci_inventory {
	struct pci_function fn[PCI_INVENTORY_MAX];
	size_t count;
	size_t missed;		/* functions found beyond PCI_INVENTORY_MAX */
	unsigned buses;		/* buses scanned */
	unsigned bars_sized;	/* BARs that decode something */
};

static inline uint16_t pci_function_class(const struct pci_function *f)
{
	return (uint16_t)(f->class_rev >> 16);
}

/* The function at bus/dev/fn, or NULL when the inventory has none. */
const struct pci_function *pci_inventory_find(const struct pci_inventory *inv, uint8_t bus,
					      uint8_t dev, uint8_t fn);

/* The BAR of f whose dword holds offset (either dword of a 64-bit BAR),
 * or NULL. */
const struct pci_bar *pci_function_bar(const struct pci_function *f, uint16_t offset);

/* The size a BAR decodes (its mask's lowest set bit); 0 for none. */
static inline uint64_t pci_bar_size(const struct pci_bar *b)
{
	return b->mask & (~b->mask + 1);
}

/*
 * Scans bus 0 and every bus behind a PCI-to-PCI bridge (its secondary
 * bus, as the firmware numbered it), and sizes each BAR by the standard
 * procedure (PCI Local Bus 3.0, 6.2.5.1): decoding off in the command
 * register (not a host bridge's), all-ones written, read back, the BAR and
 * the command register restored.  Only at boot, before the guest runs: it moves BARs for a
 * moment.  Prints one summary line.
 */
void pci_inventory_scan(struct pci_inventory *inv);

/* One line: "skiff: pci: 7 functions on 1 bus, 9 BARs sized". */
void pci_inventory_print(const struct pci_inventory *inv);

/* ---- hooks: the kernel's versions are in pci.c; host tests supply their own ---- */

uint32_t pci_cfg_read32(uint8_t bus, uint8_t dev, uint8_t fn, uint8_t reg);
void pci_cfg_write32(uint8_t bus, uint8_t dev, uint8_t fn, uint8_t reg, uint32_t value);

#endif
