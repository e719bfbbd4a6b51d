/*
 * PCI configuration space through memory, the ECAM windows the MCFG
 * table names (PCI Firmware 3.0 4.1.2; PCI Express 4.0 7.2.2: bus << 20,
 * device << 15, function << 12, register): the same reach around skiff's
 * second-level tables as through 0xcf8/0xcfc (pci.c), by plain stores.
 *
 *   pci-ecam   through the ECAM window of bus 0: the PCI VGA's memory
 *              BAR moved over skiff's image by a dword and by a byte
 *              store; the standard sizing, which must still work; the
 *              host bridge's PCIEXBAR (which would move or close the
 *              window itself, offset 0x60 on Q35's 00:00.0).  Each refused
 *              store must leave the register as it was, as read through
 *              the window and through 0xcf8/0xcfc.
 *
 * On a machine with no MCFG (Bochs, QEMU's i440FX) there is nothing to
 * try: the attack says so and fails.
 */
#include "acpi.h"
#include "attack.h"
#include "pci_regs.h"
#include "printf.h"
#include "report.h"
#include "x86.h"

#define Q35_PCIEXBAR		0x60	/* 00:00.0, the Q35 host bridge (MCH) */
#define Q35_MCH_ID		0x29c08086u

/* ACPI 6.4 / PCI Firmware 3.0: the MCFG's allocations after its header
 * and 8 reserved bytes. */
struct mcfg_alloc {
	uint64_t base;
	uint16_t segment;
	uint8_t start_bus, end_bus;
	uint32_t reserved;
} __attribute__((packed));

#define MCFG_ALLOCS_AT		44

static volatile uint8_t *window;	/* bus 0's configuration space */

static volatile uint32_t *ecam32(uint8_t dev, uint8_t reg)
{
	return (volatile uint32_t *)(window + ((uint32_t)dev << 15) + (reg & 0xfcu));
}

static uint32_t cf8_read32(uint8_t dev, uint8_t reg)
{
	outl(CONFIG_ADDRESS, CONFIG_ENABLE | (uint32_t)dev << 11 | (reg & 0xfcu));
	return inl(CONFIG_DATA);
}

/* Bus 0's window: the first allocation for segment 0 that starts at bus
 * 0, below 4 GiB (this guest runs without paging). */
static bool find_window(void)
{
	const struct acpi_header *mcfg = acpi_find_table(attack_mbi, "MCFG");
	const struct mcfg_alloc *a;

	if (!mcfg) {
		printf("attack: pci-ecam: no MCFG table: this machine has no ECAM window to try\n");
		return false;
	}
	for (uint32_t off = MCFG_ALLOCS_AT; off + sizeof(*a) <= mcfg->length; off += sizeof(*a)) {
		a = (const struct mcfg_alloc *)((const uint8_t *)mcfg + off);
		if (a->segment == 0 && a->start_bus == 0 && a->base + 0x100000 <= 0x100000000ull) {
			window = (volatile uint8_t *)(uintptr_t)a->base;
			printf("attack: pci-ecam: ECAM window of bus 0 at 0x%08x\n", (uint32_t)a->base);
			return true;
		}
	}
	printf("attack: pci-ecam: the MCFG has no window for bus 0 below 4 GiB\n");
	return false;
}

static bool find_vga(uint8_t *dev)
{
	for (uint8_t d = 0; d < DEVS; d++) {
		if ((*ecam32(d, REG_ID) & 0xffff) == NO_DEVICE)
			continue;
		if (*ecam32(d, REG_CLASS) >> 24 == CLASS_DISPLAY && !(*ecam32(d, REG_BAR0) & BAR_IO)) {
			*dev = d;
			return true;
		}
	}
	return false;
}

/* The register as it was, read through both mechanisms. */
static void unchanged(const char *name, uint8_t dev, uint8_t reg, uint32_t was)
{
	uint32_t now = *ecam32(dev, reg), cf8 = cf8_read32(dev, reg);

	report_detail(now == was && cf8 == was, name, "0x%08x through ECAM, 0x%08x through 0xcf8, "
		      "was 0x%08x", now, cf8, was);
}

static void bar_checks(uint8_t dev, uint32_t target)
{
	volatile uint32_t *bar0 = ecam32(dev, REG_BAR0), *cmd = ecam32(dev, REG_COMMAND);
	uint32_t bar = *bar0, command = *cmd & 0xffff, mask;

	printf("attack: pci-ecam: PCI VGA at 00:%02x.0, BAR 0 0x%08x\n", dev, bar);
	printf("attack: pci-ecam: BAR 0 to 0x%08x by a dword store\n", target);
	*bar0 = target | (bar & BAR_MEM_FLAGS);
	unchanged("ecam-bar-dword-refused", dev, REG_BAR0, bar);
	printf("attack: pci-ecam: BAR 0 byte 3 to 0x%02x by a byte store\n", target >> 24);
	*((volatile uint8_t *)bar0 + 3) = (uint8_t)(target >> 24);
	unchanged("ecam-bar-byte-refused", dev, REG_BAR0, bar);
	*cmd = command & ~COMMAND_MEMORY;
	*bar0 = 0xffffffffu;
	mask = *bar0;
	*bar0 = bar;
	*cmd = command;
	report_detail((mask & ~BAR_MEM_FLAGS) && *bar0 == bar, "ecam-bar-sizing-passes",
		      "mask 0x%08x, BAR 0 back to 0x%08x", mask, *bar0);
}

int attack_pci_ecam(void)
{
	uint32_t target, pciexbar;
	uint8_t dev;

	if (!find_window() || !skiff_memory("pci-ecam", &target))
		return 1;
	if (!find_vga(&dev)) {
		printf("attack: pci-ecam: no PCI display controller with a memory BAR 0\n");
		return 1;
	}
	bar_checks(dev, target & ~(SIXTEEN_MIB - 1));
	if (*ecam32(0, REG_ID) == Q35_MCH_ID) {
		pciexbar = *ecam32(0, Q35_PCIEXBAR);
		printf("attack: pci-ecam: PCIEXBAR 0x%08x to 0 (the window closed) by a dword "
		       "store\n", pciexbar);
		*ecam32(0, Q35_PCIEXBAR) = 0;
		unchanged("ecam-pciexbar-refused", 0, Q35_PCIEXBAR, pciexbar);
	}
	printf("attack: %u of %u checks failed\n", report_failures(), report_total());
	return (int)report_failures();
}
