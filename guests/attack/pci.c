/*
 * PCI configuration space as a way around skiff's EPT (vm/pci_filter.h in
 * skiff), through configuration mechanism #1 (PCI Local Bus 3.0,
 * 3.2.2.3.2: CONFIG_ADDRESS at 0xcf8, CONFIG_DATA at 0xcfc-0xcff):
 *
 *   pci-bar           the PCI VGA's memory BAR moved over skiff's image,
 *                     by a dword and by a byte write; sizing it the
 *                     standard way must still work.  Then a read of
 *                     skiff's memory, so that skiff checks its integrity
 *                     (an incident), and on the restart that follows the
 *                     guest finishes with its failures.
 *   pci-host-bridge   the i440FX's PAM, SMRAM and DRB registers and the
 *                     PIIX4 power management base (PMBA); then SLP_EN at
 *                     the FADT's PM1a_CNT, which skiff must still see.
 *
 * Each refused write must leave the register as it was, the guest
 * running: one PASS or FAIL line per check.
 */
#include "acpi.h"
#include "attack.h"
#include "pci_regs.h"
#include "mb2.h"
#include "printf.h"
#include "report.h"
#include "x86.h"


/* i440FX (82441FX datasheet) registers of 00:00.0, PIIX4 function 3's. */
#define I440FX_ID		0x12378086u
#define I440FX_DRB0		0x60
#define I440FX_PAM0		0x59
#define I440FX_SMRAM		0x72
#define PIIX4_PM_ID		0x71138086u
#define PIIX4_PMBA		0x40
#define PMBA_MOVED		0xe001u	/* I/O space at 0xe000, where Bochs has no device */
#define PM1_CNT_IN_PM		4	/* PM1a_CNT's offset in the PIIX4's PM I/O space */

#define FADT_PM1A_CNT_BLK	64	/* offset in the FADT (ACPI 6.4 5.2.9) */
#define PM1_SLP_EN		(1u << 13)

/* The restart marker (pci-bar): in guest RAM that a reload leaves alone. */
#define MARK_ADDR		0x800000u
#define MARK_MAGIC		0x50434962u	/* "bICP" */

struct mark {
	uint32_t magic;
	uint32_t bar;		/* the VGA BAR's value in the first run */
	uint32_t checks, failures;
};

/* Whether the page at addr is RAM the memory map gives the guest. */
static bool guest_ram(uint32_t addr)
{
	const struct mb2_mmap_entry *e;

	for (e = mb2_mmap_next(attack_mbi, NULL); e; e = mb2_mmap_next(attack_mbi, e))
		if (e->type == MB2_MEMORY_AVAILABLE && addr >= e->base_addr &&
		    addr + 0x1000ull <= e->base_addr + e->length)
			return true;
	return false;
}

static uint32_t address(uint8_t dev, uint8_t fn, uint8_t reg)
{
	return CONFIG_ENABLE | (uint32_t)dev << 11 | (uint32_t)fn << 8 | (reg & 0xfc);
}

uint32_t cfg_read32(uint8_t dev, uint8_t fn, uint8_t reg)
{
	outl(CONFIG_ADDRESS, address(dev, fn, reg));
	return inl(CONFIG_DATA);
}

static uint8_t cfg_read8(uint8_t dev, uint8_t fn, uint8_t reg)
{
	outl(CONFIG_ADDRESS, address(dev, fn, reg));
	return inb(CONFIG_DATA + (reg & 3));
}

void cfg_write32(uint8_t dev, uint8_t fn, uint8_t reg, uint32_t v)
{
	outl(CONFIG_ADDRESS, address(dev, fn, reg));
	outl(CONFIG_DATA, v);
}

static void cfg_write8(uint8_t dev, uint8_t fn, uint8_t reg, uint8_t v)
{
	outl(CONFIG_ADDRESS, address(dev, fn, reg));
	outb(CONFIG_DATA + (reg & 3), v);
}

/* The first display controller on bus 0 with a memory BAR 0. */
static bool find_vga(uint8_t *dev)
{
	for (uint8_t d = 0; d < DEVS; d++) {
		if ((cfg_read32(d, 0, REG_ID) & 0xffff) == NO_DEVICE)
			continue;
		if (cfg_read32(d, 0, REG_CLASS) >> 24 == CLASS_DISPLAY &&
		    !(cfg_read32(d, 0, REG_BAR0) & BAR_IO)) {
			*dev = d;
			return true;
		}
	}
	return false;
}

/* The standard sizing: decoding off, all-ones, read back, restore. */
static uint32_t size_bar(uint8_t dev, uint32_t bar)
{
	uint32_t command = cfg_read32(dev, 0, REG_COMMAND) & 0xffff, mask;

	cfg_write32(dev, 0, REG_COMMAND, command & ~COMMAND_MEMORY);
	cfg_write32(dev, 0, REG_BAR0, 0xffffffff);
	mask = cfg_read32(dev, 0, REG_BAR0);
	cfg_write32(dev, 0, REG_BAR0, bar);
	cfg_write32(dev, 0, REG_COMMAND, command);
	return mask;
}

static void bar_checks(uint8_t dev, uint32_t bar, uint32_t target)
{
	uint32_t mask, now;

	printf("attack: pci-bar: BAR 0 to 0x%08x by a dword write\n", target);
	cfg_write32(dev, 0, REG_BAR0, target | (bar & BAR_MEM_FLAGS));
	now = cfg_read32(dev, 0, REG_BAR0);
	report_detail(now == bar, "pci-bar-dword-refused", "BAR 0 is 0x%08x", now);
	printf("attack: pci-bar: BAR 0 byte 3 to 0x%02x by a byte write\n", target >> 24);
	cfg_write8(dev, 0, REG_BAR0 + 3, (uint8_t)(target >> 24));
	now = cfg_read32(dev, 0, REG_BAR0);
	report_detail(now == bar, "pci-bar-byte-refused", "BAR 0 is 0x%08x", now);
	mask = size_bar(dev, bar);
	now = cfg_read32(dev, 0, REG_BAR0);
	report_detail((mask & ~BAR_MEM_FLAGS) && now == bar, "pci-bar-sizing-passes",
		      "mask 0x%08x, BAR 0 back to 0x%08x", mask, now);
	printf("attack: pci-bar: BAR 0 decodes %u MiB\n", (~(mask & ~BAR_MEM_FLAGS) + 1) >> 20);
}

/* The second start: the BAR is as the first run left it. */
static int pci_bar_again(volatile struct mark *m, uint8_t dev)
{
	uint32_t now = cfg_read32(dev, 0, REG_BAR0);

	m->magic = 0;
	printf("attack: pci-bar: started again after skiff's integrity check\n");
	report_detail(now == m->bar, "pci-bar-unchanged-after-restart", "BAR 0 is 0x%08x, was 0x%08x",
		      now, m->bar);
	printf("attack: %u of %u checks failed\n", m->failures + report_failures(),
	       m->checks + report_total());
	return (int)(m->failures + report_failures());
}

int attack_pci_bar(void)
{
	volatile struct mark *m = (volatile struct mark *)MARK_ADDR;
	uint32_t bar, target;
	uint8_t dev;

	if (!find_vga(&dev)) {
		printf("attack: pci-bar: no PCI display controller with a memory BAR 0\n");
		return 1;
	}
	if (m->magic == MARK_MAGIC)
		return pci_bar_again(m, dev);
	bar = cfg_read32(dev, 0, REG_BAR0);
	printf("attack: pci-bar: PCI VGA at 00:%02x.0, BAR 0 0x%08x\n", dev, bar);
	if (!skiff_memory("pci-bar", &target))
		return 1;
	if (!guest_ram(MARK_ADDR)) {
		printf("attack: pci-bar: 0x%08x is not the guest's RAM: no place for a mark\n",
		       MARK_ADDR);
		return 1;
	}
	bar_checks(dev, bar, target & ~(SIXTEEN_MIB - 1));
	*m = (struct mark){ .magic = MARK_MAGIC, .bar = bar, .checks = report_total(),
			     .failures = report_failures() };
	printf("attack: pci-bar: now a read of skiff's memory, for skiff's integrity check\n");
	(void)*(volatile uint32_t *)target;
	printf("attack: pci-bar: FAIL: read skiff's memory\n");
	return 1;
}

static void check_byte(const char *name, uint8_t dev, uint8_t fn, uint8_t reg, uint8_t v)
{
	uint8_t was = cfg_read8(dev, fn, reg), now;

	printf("attack: pci-host-bridge: 0x%02x to 00:%02x.%u offset 0x%02x (%s, 0x%02x)\n", v, dev,
	       fn, reg, name, was);
	cfg_write8(dev, fn, reg, v);
	now = cfg_read8(dev, fn, reg);
	report_detail(now == was, name, "0x%02x now", now);
}

/* SLP_EN with SLP_TYP 0 into PM1a_CNT, at the port the FADT names. */
static void power_off(void)
{
	const struct acpi_header *fadt = acpi_find_table(attack_mbi, "FACP");
	uint16_t port;

	if (!fadt || fadt->length < FADT_PM1A_CNT_BLK + 4) {
		printf("attack: pci-host-bridge: no FADT\n");
		return;
	}
	port = (uint16_t)*(const uint32_t *)((const uint8_t *)fadt + FADT_PM1A_CNT_BLK);
	printf("attack: pci-host-bridge: SLP_EN to PM1a_CNT at port 0x%x\n", port);
	outw(port, (uint16_t)(inw(port) | PM1_SLP_EN));
	printf("attack: pci-host-bridge: FAIL: still running after SLP_EN\n");
}

int attack_pci_host_bridge(void)
{
	uint32_t pmba, now;

	if (cfg_read32(0, 0, REG_ID) != I440FX_ID || cfg_read32(1, 3, REG_ID) != PIIX4_PM_ID) {
		printf("attack: pci-host-bridge: no i440FX at 00:00.0 with a PIIX4 at 00:01.3\n");
		return 1;
	}
	check_byte("pam0-refused", 0, 0, I440FX_PAM0, 0x33);
	check_byte("pam5-refused", 0, 0, I440FX_PAM0 + 5, 0x00);
	check_byte("smram-refused", 0, 0, I440FX_SMRAM, 0x4a);
	check_byte("drb0-refused", 0, 0, I440FX_DRB0, 0x01);
	pmba = cfg_read32(1, 3, PIIX4_PMBA);
	printf("attack: pci-host-bridge: PMBA 0x%08x to 0x%08x\n", pmba, PMBA_MOVED);
	cfg_write32(1, 3, PIIX4_PMBA, PMBA_MOVED);
	now = cfg_read32(1, 3, PIIX4_PMBA);
	report_detail(now == pmba, "pmba-refused", "PMBA 0x%08x now", now);
	/* Had PMBA moved, this would power the machine off behind skiff's back. */
	printf("attack: pci-host-bridge: SLP_EN to port 0x%x, PM1a_CNT had PMBA moved\n",
	       (PMBA_MOVED & ~1u) + PM1_CNT_IN_PM);
	outw((PMBA_MOVED & ~1u) + PM1_CNT_IN_PM, PM1_SLP_EN);
	report(1, "pm1a-cnt-not-moved");
	printf("attack: %u of %u checks failed\n", report_failures(), report_total());
	power_off();
	return (int)report_failures() + 1;
}
