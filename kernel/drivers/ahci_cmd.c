/* The AHCI structures in memory and their encoding; see ahci_cmd.h. */
#include "drivers/ahci_cmd.h"

#define DWORD_MASK	0xffffffffull
#define FOUR_GIB	(1ull << 32)

/* SATA 3.x 10.5.5: the LBA in bytes 4-6 and 8-10, the count in 12-13. */
struct sata_fis_h2d ahci_fis_read_dma_ext(uint64_t lba, uint16_t count)
{
	return (struct sata_fis_h2d){
		.fis_type = SATA_FIS_TYPE_REG_H2D,
		.pmp_c = SATA_FIS_H2D_C,
		.command = ATA_CMD_READ_DMA_EXT,
		.lba0 = (uint8_t)lba, .lba1 = (uint8_t)(lba >> 8), .lba2 = (uint8_t)(lba >> 16),
		.device = ATA_DEVICE_LBA,
		.lba3 = (uint8_t)(lba >> 24), .lba4 = (uint8_t)(lba >> 32),
		.lba5 = (uint8_t)(lba >> 40),
		.count = (uint8_t)count, .count_exp = (uint8_t)(count >> 8),
	};
}

/* AHCI 1.3.1 4.2.2, DW0: CFL 4:0, W 6, PRDTL 31:16; DW2-3: CTBA. */
struct ahci_cmd_header ahci_cmd_header(unsigned cfl_dwords, bool write, uint16_t prdtl,
				       uint64_t ctba)
{
	return (struct ahci_cmd_header){
		.dw0 = (cfl_dwords & AHCI_CMDH_CFL_MASK) | (write ? AHCI_CMDH_WRITE : 0) |
		       (uint32_t)prdtl << AHCI_CMDH_PRDTL_SHIFT,
		.ctba = (uint32_t)(ctba & DWORD_MASK & ~(uint64_t)(AHCI_CMD_TABLE_ALIGN - 1)),
		.ctbau = (uint32_t)(ctba >> 32),
	};
}

/* AHCI 1.3.1 4.2.3.3: DBC holds the byte count less one. */
struct ahci_prd ahci_prd(uint64_t dba, uint32_t bytes, bool irq)
{
	return (struct ahci_prd){
		.dba = (uint32_t)(dba & DWORD_MASK & ~1ull),
		.dbau = (uint32_t)(dba >> 32),
		.dw3 = ((bytes - 1) & AHCI_PRD_DBC_MASK) | (irq ? AHCI_PRD_IRQ : 0),
	};
}

bool ahci_dma_reachable(uint64_t pa, uint64_t len, bool s64a)
{
	if (pa == 0 || len == 0 || pa + len < pa)
		return false;
	return s64a || pa + len <= FOUR_GIB;
}

bool ahci_read_range_ok(uint64_t lba, uint32_t count)
{
	return count >= 1 && count <= 0xffff && lba <= ATA_LBA48_MAX &&
	       count - 1 <= ATA_LBA48_MAX - lba;
}
