/*
 * iommu-dma: the guest owns a DMA-capable device (the AHCI disk of QEMU's
 * q35) and aims it at skiff.  The EPT or NPT stops the CPU, not a device:
 * only skiff's IOMMU (docs/architecture.md, "Isolation") stands between
 * the disk and skiff's memory.  The guest:
 *
 *  1. finds the IOMMU's own PCI function (class 08/06, an AMD IOMMU) and
 *     tries to move its registers (the capability block's base address,
 *     with its enable bit) and to turn off its bus mastering: refused,
 *     each register as it was;
 *  2. tries to move the AHCI controller's registers (BAR 5) over the
 *     IOMMU's: refused;
 *  3. reads the disk's sector 0 by DMA into its own page: it arrives (the
 *     control: the device and the driver work);
 *  4. reads it into every 64th KiB of skiff's memory (the reserved entry
 *     of its memory map), which covers skiff's code, its page tables and
 *     the IOMMU's own tables: the device says done each time, and only
 *     skiff's integrity check at the guest's end can say whether a byte
 *     landed ("skiff: integrity: unchanged");
 *  5. reads it into its own page again: the device still works.
 *
 * Without an IOMMU function the guest aims at the first page of skiff's
 * memory only: enough for the damage to show, not so much that skiff's
 * code is wrecked while it runs.  The sector lands there, the integrity
 * check says CHANGED and skiff stops: qemu-svm-attack-dma-no-iommu.
 */
#include "attack.h"
#include "drivers/ahci_cmd.h"
#include "mb2.h"
#include "pci_regs.h"
#include "printf.h"
#include "report.h"
#include "string.h"
#include "x86.h"

#define CLASS_AHCI		0x010601u	/* class, subclass, programming interface */
#define CLASS_IOMMU		0x0806u
#define REG_CAP_PTR		0x34
#define REG_ABAR		0x24		/* BAR 5 */
#define COMMAND_BUS_MASTER	0x4u
#define STATUS_CAP_LIST		(1u << 20)	/* in the command/status dword */
#define CAP_ID_SECURE		0x0f		/* the AMD IOMMU's capability */
#define IOMMU_BASE_LOW		4		/* in the capability: address 31:14, enable 0 */
#define IOMMU_BASE_HIGH		8
#define IOMMU_ENABLE		1u

/* AHCI 1.3.1, 3.1 and 3.3: the HBA's and port 0's registers. */
#define HBA_GHC			0x04
#define GHC_AE			(1u << 31)
#define HBA_PI			0x0c
#define PORT0			0x100
#define PX_CLB			0x00
#define PX_CLBU			0x04
#define PX_FB			0x08
#define PX_FBU			0x0c
#define PX_IS			0x10
#define PX_CMD			0x18
#define PX_TFD			0x20
#define PX_SERR			0x30
#define PX_CI			0x38
#define CMD_ST			(1u << 0)
#define CMD_FRE			(1u << 4)
#define CMD_FR			(1u << 14)
#define CMD_CR			(1u << 15)
#define TFD_ERR			0x01u
#define TFD_BUSY		0x88u		/* BSY, DRQ */
#define WAIT_LOOPS		10000000u

/* The guest's pages for the command structures and its own buffer. */
#define SCRATCH			0x600000u
#define BUFFER			(SCRATCH + 0x1000u)
#define STRIDE			0x10000u	/* every 64th KiB of skiff's memory */
#define SECTOR_TEXT		"skiff disk sector 00000000"

static volatile uint32_t *hba;

static uint32_t rd(unsigned off) { return hba[off / 4]; }
static void wr(unsigned off, uint32_t v) { hba[off / 4] = v; }

static bool wait_clear(unsigned off, uint32_t bits)
{
	for (unsigned i = 0; i < WAIT_LOOPS; i++)
		if (!(rd(off) & bits))
			return true;
	return false;
}

/* The first function on bus 0 whose class dword (31:8) is cls, or whose
 * class and subclass are, when sub_only. */
static bool find_class(uint32_t cls, bool sub_only, uint8_t *dev, uint8_t *fn)
{
	for (uint8_t d = 0; d < DEVS; d++)
		for (uint8_t f = 0; f < 8; f++) {
			uint32_t c;

			if ((cfg_read32(d, f, REG_ID) & 0xffff) == NO_DEVICE)
				continue;
			c = cfg_read32(d, f, REG_CLASS) >> (sub_only ? 16 : 8);
			if (c == cls) {
				*dev = d;
				*fn = f;
				return true;
			}
		}
	return false;
}

/* The offset of capability id in 00:dev.fn's list, or 0. */
static uint8_t find_cap(uint8_t dev, uint8_t fn, uint8_t id)
{
	uint8_t at;

	if (!(cfg_read32(dev, fn, REG_COMMAND) & STATUS_CAP_LIST))
		return 0;
	at = (uint8_t)cfg_read32(dev, fn, REG_CAP_PTR) & 0xfc;
	for (unsigned hops = 0; at >= 0x40 && hops < 48; hops++) {
		uint32_t head = cfg_read32(dev, fn, at);

		if ((head & 0xff) == id)
			return at;
		at = (uint8_t)(head >> 8) & 0xfc;
	}
	return 0;
}

/* A write the filter must drop: the dword reads back as it was. */
static void refused(const char *name, uint8_t dev, uint8_t fn, uint8_t reg, uint32_t v)
{
	uint32_t before = cfg_read32(dev, fn, reg), after;

	cfg_write32(dev, fn, reg, v);
	after = cfg_read32(dev, fn, reg);
	report_detail(after == before, name, "0x%02x went from 0x%08x to 0x%08x", reg, before,
		      after);
}

/* Step 1: the IOMMU's function; its register base, or 0. */
static uint32_t iommu_checks(void)
{
	uint8_t dev, fn, cap;
	uint32_t low;

	if (!find_class(CLASS_IOMMU, true, &dev, &fn)) {
		printf("attack: iommu-dma: no IOMMU function (class 08/06) on bus 0\n");
		return 0;
	}
	cap = find_cap(dev, fn, CAP_ID_SECURE);
	low = cap ? cfg_read32(dev, fn, (uint8_t)(cap + IOMMU_BASE_LOW)) : 0;
	printf("attack: iommu-dma: IOMMU at 00:%02x.%x, capability at 0x%02x, registers at "
	       "0x%08x%s\n", dev, fn, cap, low & ~0x3fffu, (low & IOMMU_ENABLE) ? ", enabled" : "");
	if (!cap)
		return 0;
	refused("iommu-base-low-refused", dev, fn, (uint8_t)(cap + IOMMU_BASE_LOW),
		0x00c00000u | IOMMU_ENABLE);
	refused("iommu-base-high-refused", dev, fn, (uint8_t)(cap + IOMMU_BASE_HIGH), 1);
	refused("iommu-disable-refused", dev, fn, (uint8_t)(cap + IOMMU_BASE_LOW),
		low & ~IOMMU_ENABLE);
	refused("iommu-bus-master-off-refused", dev, fn, REG_COMMAND,
		cfg_read32(dev, fn, REG_COMMAND) & ~(COMMAND_BUS_MASTER | COMMAND_MEMORY));
	return low & ~0x3fffu;
}

/* Port 0 stopped, given the scratch page, started. */
static bool port_start(void)
{
	wr(PORT0 + PX_CMD, rd(PORT0 + PX_CMD) & ~CMD_ST);
	if (!wait_clear(PORT0 + PX_CMD, CMD_CR))
		return false;
	wr(PORT0 + PX_CMD, rd(PORT0 + PX_CMD) & ~CMD_FRE);
	if (!wait_clear(PORT0 + PX_CMD, CMD_FR))
		return false;
	memset((void *)SCRATCH, 0, 0x1000);
	wr(PORT0 + PX_CLB, SCRATCH + AHCI_SCRATCH_CMD_LIST);
	wr(PORT0 + PX_CLBU, 0);
	wr(PORT0 + PX_FB, SCRATCH + AHCI_SCRATCH_RFIS);
	wr(PORT0 + PX_FBU, 0);
	wr(PORT0 + PX_SERR, 0xffffffffu);
	wr(PORT0 + PX_IS, 0xffffffffu);
	wr(PORT0 + PX_CMD, rd(PORT0 + PX_CMD) | CMD_FRE);
	if (!wait_clear(PORT0 + PX_TFD, TFD_BUSY))
		return false;
	wr(PORT0 + PX_CMD, rd(PORT0 + PX_CMD) | CMD_ST);
	return true;
}

/* Sector 0 by DMA to target; whether the device said it was done. */
static bool read_sector(uint32_t target)
{
	struct ahci_cmd_header *h = (struct ahci_cmd_header *)(SCRATCH + AHCI_SCRATCH_CMD_LIST);
	struct ahci_cmd_table *t = (struct ahci_cmd_table *)(SCRATCH + AHCI_SCRATCH_CMD_TABLE);
	struct sata_fis_h2d fis = ahci_fis_read_dma_ext(0, 1);

	memset(t, 0, sizeof(*t));
	memcpy(t->cfis, &fis, sizeof(fis));
	t->prdt[0] = ahci_prd(target, ATA_SECTOR_SIZE, false);
	h[0] = ahci_cmd_header(SATA_FIS_H2D_DWORDS, false, 1, (uint32_t)t);
	wr(PORT0 + PX_IS, 0xffffffffu);
	wr(PORT0 + PX_CI, 1);
	return wait_clear(PORT0 + PX_CI, 1) && !(rd(PORT0 + PX_TFD) & TFD_ERR);
}

static bool into_buffer(const char *name)
{
	memset((void *)BUFFER, 0xa5, ATA_SECTOR_SIZE);
	if (!read_sector(BUFFER)) {
		report_detail(false, name, "the device did not complete the read");
		return false;
	}
	report_detail(memcmp((const void *)BUFFER, SECTOR_TEXT, sizeof(SECTOR_TEXT) - 1) == 0,
		      name, "the buffer holds \"%.26s\"", (const char *)BUFFER);
	return true;
}

/* The AHCI controller, with memory decoding and bus mastering on. */
static bool ahci_setup(uint32_t iommu_regs)
{
	uint8_t dev, fn;
	uint32_t abar;

	if (!find_class(CLASS_AHCI, false, &dev, &fn)) {
		printf("attack: iommu-dma: no AHCI controller on bus 0\n");
		return false;
	}
	abar = cfg_read32(dev, fn, REG_ABAR) & ~BAR_MEM_FLAGS;
	printf("attack: iommu-dma: AHCI at 00:%02x.%x, registers at 0x%08x\n", dev, fn, abar);
	if (iommu_regs)
		refused("ahci-bar-over-iommu-refused", dev, fn, REG_ABAR, iommu_regs);
	cfg_write32(dev, fn, REG_COMMAND,
		    cfg_read32(dev, fn, REG_COMMAND) | COMMAND_MEMORY | COMMAND_BUS_MASTER);
	hba = (volatile uint32_t *)abar;
	wr(HBA_GHC, rd(HBA_GHC) | GHC_AE);
	if (!(rd(HBA_PI) & 1) || !port_start()) {
		printf("attack: iommu-dma: port 0 of the AHCI controller does not start\n");
		return false;
	}
	return true;
}

int attack_iommu_dma(void)
{
	const struct mb2_mmap_entry *e;
	uint32_t iommu_regs, base = 0, end = 0, done = 0, sent = 0;

	iommu_regs = iommu_checks();
	if (!ahci_setup(iommu_regs))
		return 1;
	if (!into_buffer("dma-into-guest-arrives"))
		return 1;
	if (!skiff_memory("iommu-dma", &base))
		return 1;
	for (e = mb2_mmap_next(attack_mbi, NULL); e; e = mb2_mmap_next(attack_mbi, e))
		if (e->base_addr == base)
			end = (uint32_t)(e->base_addr + e->length);
	if (!iommu_regs)
		end = base + STRIDE < end ? base + STRIDE : end;
	for (uint32_t at = base; at < end; at += STRIDE, sent++)
		done += read_sector(at);
	printf("attack: iommu-dma: sector 0 sent by DMA to %u page%s of skiff's memory, "
	       "0x%08x-0x%08x; the device completed %u\n", sent, sent == 1 ? "" : "s", base,
	       end - 1, done);
	into_buffer("dma-into-guest-still-arrives");
	printf("attack: %u of %u checks failed\n", report_failures(), report_total());
	return (int)report_failures();
}
