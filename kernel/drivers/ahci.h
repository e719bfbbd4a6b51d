/*
 * A minimal AHCI driver with one job: make a real device write memory by
 * DMA, so that skiff can show what an IOMMU lets through and what it
 * blocks (QEMU's ICH9 AHCI on q35 does real DMA).  One controller, one
 * port with an ATA disk, one command slot, one command table with one PRD,
 * no interrupts: the driver polls.  Everything it needs from the hardware
 * is checked and reported as "skiff: ahci: ..." with a negative errno.
 *
 * The HBA's registers (its ABAR, BAR5) are reached through skiff's
 * identity map of the first 4 GiB; the command list, received FIS area and
 * command table live in scratch pages the caller chooses, which must be
 * pages the device's DMA can reach (behind an IOMMU: pages mapped for it).
 * drivers/ahci_cmd.h encodes what goes in them.
 */
#ifndef SKIFF_DRIVERS_AHCI_H
#define SKIFF_DRIVERS_AHCI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "drivers/pci.h"

/* PCI class 01 (mass storage), subclass 06 (SATA), programming interface
 * 01 (AHCI 1.0): class_rev bits 31:8. */
#define PCI_CLASS_AHCI		0x010601u
#define AHCI_ABAR		0x24	/* BAR5 */

struct ahci_dev {
	uint8_t bus, dev, fn;	/* the controller */
	uint16_t vendor, device;
	unsigned port;		/* the port with the disk */
	uint64_t abar;		/* the HBA's registers (physical = virtual) */
	uint64_t abar_size;
	uint32_t cap;		/* CAP, as read after GHC.AE was set */
	bool s64a;		/* CAP.S64A: DMA addresses may be above 4 GiB */
	/* Physical addresses, in the scratch pages. */
	uint64_t cmd_list, rfis, cmd_table;
};

/*
 * Finds the first AHCI controller (class 01/06/01) in inv, turns on its
 * memory decoding and bus mastering, AHCI mode (GHC.AE), picks the first
 * implemented port with a device (PxSSTS.DET = 3) whose signature is an
 * ATA disk's, and points that port's command list and received FIS area
 * into the scratch pages at scratch_pa (page-aligned,
 * AHCI_SCRATCH_PAGES_MIN of them at least; they are zeroed), then starts
 * it (FRE, then ST).  Prints one line naming the controller and port.
 * 0, or a negative errno with a printed reason: -ENODEV (no controller,
 * no disk, no usable ABAR), -EINVAL (scratch pages unusable, or above
 * 4 GiB for an HBA without 64-bit addressing), -EBUSY (the port would not
 * stop, or its device stays busy).
 */
int ahci_init(const struct pci_inventory *inv, uint64_t scratch_pa, size_t scratch_pages,
	      struct ahci_dev *out);

/*
 * READ DMA EXT of the 512-byte sector lba into buf_pa (physical, word
 * aligned), through command slot 0, polled for up to AHCI_COMMAND_MS.
 * 0 once the HBA reports the command complete without error.  That says
 * nothing about where the data went: an IOMMU that blocks the DMA still
 * lets the command complete, so a caller that tests DMA checks the memory.
 * Negative (printed): -EINVAL (bad LBA or buffer), -EBUSY (the port is not
 * ready), -ETIMEDOUT, -EIO (task-file or host bus error; the port is
 * restarted for the next command).
 */
#define AHCI_COMMAND_MS		5000
int ahci_read_sector(struct ahci_dev *d, uint64_t lba, uint64_t buf_pa);

/* Stops the port (ST, then FRE off), so that the HBA no longer reads the
 * command list or writes the received FIS area in the scratch pages:
 * before the scratch pages are given to anyone else.  0, or -EBUSY
 * (printed). */
int ahci_stop(struct ahci_dev *d);

#endif
