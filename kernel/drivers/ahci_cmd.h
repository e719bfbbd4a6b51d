/*
 * The structures an AHCI HBA reads from and writes to memory, and their
 * encoding (Serial ATA AHCI 1.3.1, section 4.2: the command list, the
 * command table with its physical region descriptor table, the received
 * FIS area; and the Register Host to Device FIS of Serial ATA 3.x,
 * 10.5.5).  Everything here is pure: values in, little-endian structures
 * out, so the host tests check each bit where the specification puts it.
 * drivers/ahci.c writes them into the pages it is given and talks to the
 * HBA's registers.
 */
#ifndef SKIFF_DRIVERS_AHCI_CMD_H
#define SKIFF_DRIVERS_AHCI_CMD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* ---- ATA commands (ATA8-ACS, 7.24 READ DMA EXT) ---- */

#define ATA_CMD_READ_DMA_EXT	0x25	/* LBA48, count 0 means 65536 */
#define ATA_DEVICE_LBA		0x40	/* device register bit 6: the address is an LBA */
#define ATA_SECTOR_SIZE		512
#define ATA_LBA48_MAX		((1ull << 48) - 1)

/* ---- the Register Host to Device FIS (SATA 3.x, 10.5.5) ---- */

#define SATA_FIS_TYPE_REG_H2D	0x27
#define SATA_FIS_H2D_C		0x80	/* byte 1 bit 7: the FIS updates the command register */

struct sata_fis_h2d {
	uint8_t fis_type;	/* SATA_FIS_TYPE_REG_H2D */
	uint8_t pmp_c;		/* bits 3:0 port multiplier port, bit 7 C */
	uint8_t command;
	uint8_t features;	/* 7:0 */
	uint8_t lba0, lba1, lba2;	/* LBA 7:0, 15:8, 23:16 */
	uint8_t device;
	uint8_t lba3, lba4, lba5;	/* LBA 31:24, 39:32, 47:40 */
	uint8_t features_exp;	/* 15:8 */
	uint8_t count, count_exp;	/* 7:0, 15:8 */
	uint8_t icc;
	uint8_t control;
	uint8_t reserved[4];
};
_Static_assert(sizeof(struct sata_fis_h2d) == 20, "a Register H2D FIS is 5 dwords");

#define SATA_FIS_H2D_DWORDS	(sizeof(struct sata_fis_h2d) / 4)

/* READ DMA EXT of count sectors (1-65535) at lba (48 bits), no port
 * multiplier.  The caller checks lba and count against their ranges
 * (ahci_read_range_ok()). */
struct sata_fis_h2d ahci_fis_read_dma_ext(uint64_t lba, uint16_t count);

/* ---- the command list (AHCI 1.3.1, 4.2.2) ---- */

#define AHCI_CMD_SLOTS_MAX	32
#define AHCI_CMD_LIST_ALIGN	1024	/* PxCLB bits 9:0 are reserved */
#define AHCI_CMD_LIST_SIZE	(AHCI_CMD_SLOTS_MAX * sizeof(struct ahci_cmd_header))

/* DW0 of a command header. */
#define AHCI_CMDH_CFL_MASK	0x1fu		/* 4:0 command FIS length, in dwords (2-16) */
#define AHCI_CMDH_ATAPI		(1u << 5)	/* A */
#define AHCI_CMDH_WRITE		(1u << 6)	/* W: data from memory to the device */
#define AHCI_CMDH_PREFETCH	(1u << 7)	/* P */
#define AHCI_CMDH_RESET		(1u << 8)	/* R */
#define AHCI_CMDH_BIST		(1u << 9)	/* B */
#define AHCI_CMDH_CLEAR_BUSY	(1u << 10)	/* C */
#define AHCI_CMDH_PRDTL_SHIFT	16		/* 31:16 entries in the PRDT */
#define AHCI_CMDH_CFL_MIN	2
#define AHCI_CMDH_CFL_MAX	16

struct ahci_cmd_header {
	uint32_t dw0;		/* PRDTL, PMP, C, B, R, P, W, A, CFL */
	uint32_t prdbc;		/* bytes transferred: the HBA writes it */
	uint32_t ctba;		/* command table base, bits 6:0 reserved (128-byte aligned) */
	uint32_t ctbau;		/* its upper 32 bits (CAP.S64A) */
	uint32_t reserved[4];
};
_Static_assert(sizeof(struct ahci_cmd_header) == 32, "a command header is 8 dwords");

/* The header of a command whose FIS is cfl_dwords long, that moves data to
 * the device when write, with prdtl PRDT entries, in the command table at
 * ctba (128-byte aligned).  PRDBC starts at 0. */
struct ahci_cmd_header ahci_cmd_header(unsigned cfl_dwords, bool write, uint16_t prdtl,
				       uint64_t ctba);

/* ---- the command table (AHCI 1.3.1, 4.2.3) ---- */

#define AHCI_CMD_TABLE_ALIGN	128	/* CTBA bits 6:0 are reserved */
#define AHCI_CFIS_SIZE		64	/* the command FIS, at 0x00 */
#define AHCI_ACMD_SIZE		16	/* the ATAPI command, at 0x40 */
#define AHCI_PRDT_OFFSET	0x80

/* A physical region descriptor (4.2.3.3). */
#define AHCI_PRD_DBC_MASK	0x3fffffu	/* 21:0 byte count - 1; bit 0 always 1 */
#define AHCI_PRD_IRQ		(1u << 31)	/* I: interrupt on completion */
#define AHCI_PRD_BYTES_MAX	(4u << 20)	/* 4 MiB */

struct ahci_prd {
	uint32_t dba;		/* data base address, bit 0 reserved (word aligned) */
	uint32_t dbau;
	uint32_t reserved;
	uint32_t dw3;		/* I, DBC */
};
_Static_assert(sizeof(struct ahci_prd) == 16, "a PRD is 4 dwords");

/* A table with one PRD, the only kind skiff builds. */
struct ahci_cmd_table {
	uint8_t cfis[AHCI_CFIS_SIZE];
	uint8_t acmd[AHCI_ACMD_SIZE];
	uint8_t reserved[AHCI_PRDT_OFFSET - AHCI_CFIS_SIZE - AHCI_ACMD_SIZE];
	struct ahci_prd prdt[1];
};
_Static_assert(offsetof(struct ahci_cmd_table, prdt) == AHCI_PRDT_OFFSET,
	       "the PRDT starts at 0x80 of the command table");

/* The PRD for bytes (an even count, 2 to 4 MiB) at dba (word aligned),
 * raising an interrupt on completion when irq. */
struct ahci_prd ahci_prd(uint64_t dba, uint32_t bytes, bool irq);

/* ---- the received FIS area (AHCI 1.3.1, 4.2.1) ---- */

#define AHCI_RFIS_ALIGN		256	/* PxFB bits 7:0 are reserved (no FIS-based switching) */
#define AHCI_RFIS_SIZE		256

/* ---- where skiff puts them ---- */

/* Within the first scratch page, each at its alignment: the command list
 * (1 KiB), the received FIS area (256 bytes), one command table. */
#define AHCI_SCRATCH_CMD_LIST	0x000
#define AHCI_SCRATCH_RFIS	0x400
#define AHCI_SCRATCH_CMD_TABLE	0x800
#define AHCI_SCRATCH_PAGE	4096
#define AHCI_SCRATCH_PAGES_MIN	1

_Static_assert(AHCI_SCRATCH_CMD_LIST % AHCI_CMD_LIST_ALIGN == 0 &&
	       AHCI_SCRATCH_CMD_LIST + AHCI_CMD_LIST_SIZE <= AHCI_SCRATCH_RFIS &&
	       AHCI_SCRATCH_RFIS % AHCI_RFIS_ALIGN == 0 &&
	       AHCI_SCRATCH_RFIS + AHCI_RFIS_SIZE <= AHCI_SCRATCH_CMD_TABLE &&
	       AHCI_SCRATCH_CMD_TABLE % AHCI_CMD_TABLE_ALIGN == 0 &&
	       AHCI_SCRATCH_CMD_TABLE + sizeof(struct ahci_cmd_table) <= AHCI_SCRATCH_PAGE,
	       "the command list, received FIS area and command table share one page, aligned");

/* True when the HBA can reach [pa, pa + len) as DMA memory: not 0, and,
 * without 64-bit addressing (CAP.S64A), wholly below 4 GiB. */
bool ahci_dma_reachable(uint64_t pa, uint64_t len, bool s64a);

/* True when count sectors (1-65535) from lba fit in 48-bit addressing. */
bool ahci_read_range_ok(uint64_t lba, uint32_t count);

#endif
