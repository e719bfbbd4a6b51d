#include "support.h"

#include <string.h>

#include "drivers/pci.h"

/*
 * The boot-time inventory (drivers/pci.h) over a synthetic configuration
 * space: which functions it finds (multifunction bit, buses behind
 * bridges, a loop of bus numbers), each BAR's kind and mask, and that
 * sizing leaves every register as it found it and never probes a BAR
 * while the function decodes.
 */
#define BUSES	2
#define DEVS	32
#define FNS	8
#define DWORDS	64

struct fake_fn {
	bool present;
	uint32_t regs[DWORDS];
	uint32_t wmask[DWORDS];		/* the bits a write changes */
};

static struct fake_fn space[BUSES][DEVS][FNS];
static unsigned probes_while_decoding, host_command_writes;

uint32_t pci_cfg_read32(uint8_t bus, uint8_t dev, uint8_t fn, uint8_t reg)
{
	assert_true(reg % 4 == 0 && dev < DEVS && fn < FNS);
	if (bus >= BUSES || !space[bus][dev][fn].present)
		return 0xffffffff;
	return space[bus][dev][fn].regs[reg / 4];
}

void pci_cfg_write32(uint8_t bus, uint8_t dev, uint8_t fn, uint8_t reg, uint32_t value)
{
	struct fake_fn *f;

	assert_true(reg % 4 == 0 && dev < DEVS && fn < FNS);
	if (bus >= BUSES || !space[bus][dev][fn].present)
		return;
	f = &space[bus][dev][fn];
	if (reg >= PCI_BAR0 && reg < PCI_HEADER_END && reg != PCI_BRIDGE_BUSES &&
	    (f->regs[PCI_COMMAND / 4] & (PCI_COMMAND_IO | PCI_COMMAND_MEMORY)) &&
	    (f->regs[PCI_CLASS_REVISION / 4] >> 16) != PCI_CLASS_BRIDGE_HOST)
		probes_while_decoding++;
	if (reg == PCI_COMMAND && (f->regs[PCI_CLASS_REVISION / 4] >> 16) == PCI_CLASS_BRIDGE_HOST)
		host_command_writes++;
	if (reg == PCI_COMMAND)		/* the status word: write 1 to clear */
		f->regs[reg / 4] &= ~(value & 0xffff0000);
	f->regs[reg / 4] = (f->regs[reg / 4] & ~f->wmask[reg / 4]) | (value & f->wmask[reg / 4]);
}

static struct fake_fn *fake(uint8_t bus, uint8_t dev, uint8_t fn, uint32_t id, uint32_t class_rev,
			    uint8_t header)
{
	struct fake_fn *f = &space[bus][dev][fn];

	f->present = true;
	f->regs[PCI_VENDOR_ID / 4] = id;
	f->regs[PCI_COMMAND / 4] = 0x02800007;	/* status bits above decoding on */
	f->wmask[PCI_COMMAND / 4] = 0x0000ffff;
	f->regs[PCI_CLASS_REVISION / 4] = class_rev;
	f->regs[PCI_HEADER_TYPE / 4] = (uint32_t)header << 16;
	return f;
}

static void bar(struct fake_fn *f, uint8_t reg, uint32_t value, uint32_t wmask)
{
	f->regs[reg / 4] = value;
	f->wmask[reg / 4] = wmask;
}

/* Bochs-like bus 0, a bridge to bus 1, a bridge on bus 1 back to bus 0. */
static int setup_machine(void **state)
{
	struct fake_fn *f;

	(void)state;
	memset(space, 0, sizeof(space));
	probes_while_decoding = 0;
	host_command_writes = 0;
	fake(0, 0, 0, 0x12378086, 0x06000002, 0);
	fake(0, 1, 0, 0x70008086, 0x06010000, PCI_HEADER_MULTIFUNCTION);
	f = fake(0, 1, 1, 0x70108086, 0x01018000, 0);
	bar(f, 0x20, 0xc001, 0xfffffff0);
	fake(0, 1, 3, 0x71138086, 0x06800003, 0);
	f = fake(0, 2, 0, 0x11111234, 0x03000000, 0);
	bar(f, 0x10, 0xe0000008, 0xff000000);
	bar(f, 0x30, 0xc0000000, 0xffff0001);
	f = fake(0, 3, 0, 0x100e8086, 0x02000000, 0);
	bar(f, 0x10, 0xfeb0000c, 0xfff00000);
	bar(f, 0x14, 0x00000000, 0xffffffff);
	bar(f, 0x18, 0xd001, 0x0000ffe0);	/* 16-bit I/O decode */
	fake(0, 4, 0, 0x10008086, 0x02000000, 0);
	fake(0, 4, 1, 0x10018086, 0x02000000, 0);	/* fn 0 is not multifunction */
	f = fake(0, 0x1e, 0, 0x244e8086, 0x06040001, PCI_HEADER_BRIDGE);
	f->regs[PCI_BRIDGE_BUSES / 4] = 0x00010100;
	f = fake(1, 0, 0, 0x12345678, 0x0c030000, 0);
	bar(f, 0x10, 0xfe000000, 0xfffff000);
	f = fake(1, 5, 0, 0x244e8086, 0x06040001, PCI_HEADER_BRIDGE);
	f->regs[PCI_BRIDGE_BUSES / 4] = 0x00000001;	/* secondary bus 0: a loop */
	return 0;
}

static const struct pci_function *find(const struct pci_inventory *inv, uint8_t bus, uint8_t dev,
				       uint8_t fn)
{
	const struct pci_function *f = pci_inventory_find(inv, bus, dev, fn);

	if (!f)
		fail_msg("%02x:%02x.%x not in the inventory", bus, dev, fn);
	return f;
}

static void test_scan_finds_functions(void **state)
{
	static struct pci_inventory inv;

	(void)state;
	pci_inventory_scan(&inv);
	assert_int_equal(inv.count, 10);
	assert_int_equal(inv.missed, 0);
	assert_int_equal(inv.buses, 2);
	assert_int_equal(inv.bars_sized, 6);
	assert_null(pci_inventory_find(&inv, 0, 4, 1));
	assert_null(pci_inventory_find(&inv, 0, 1, 2));
	assert_int_equal(find(&inv, 0, 0, 0)->vendor, 0x8086);
	assert_int_equal(find(&inv, 0, 0, 0)->device, 0x1237);
	assert_int_equal(pci_function_class(find(&inv, 0, 0, 0)), PCI_CLASS_BRIDGE_HOST);
	assert_int_equal(find(&inv, 0, 0x1e, 0)->header_type, PCI_HEADER_BRIDGE);
	assert_int_equal(find(&inv, 1, 0, 0)->device, 0x1234);
	find(&inv, 1, 5, 0);
	log_reset();
	pci_inventory_print(&inv);
	assert_log_contains("skiff: pci: 10 functions on 2 buses, 6 BARs sized\n");
}

static void test_scan_sizes_bars(void **state)
{
	static struct pci_inventory inv;
	const struct pci_function *f;
	const struct pci_bar *b;

	(void)state;
	pci_inventory_scan(&inv);
	f = find(&inv, 0, 2, 0);
	b = pci_function_bar(f, 0x10);
	assert_int_equal(b->kind, PCI_BAR_MEM32);
	assert_int_equal(b->mask, 0xff000000);
	assert_int_equal(pci_bar_size(b), 16 << 20);
	assert_int_equal(pci_function_bar(f, 0x14)->kind, PCI_BAR_UNUSED);
	b = pci_function_bar(f, 0x31);		/* any byte of the dword */
	assert_int_equal(b->kind, PCI_BAR_ROM);
	assert_int_equal(pci_bar_size(b), 64 << 10);
	f = find(&inv, 0, 3, 0);
	b = pci_function_bar(f, 0x10);
	assert_int_equal(b->kind, PCI_BAR_MEM64);
	assert_int_equal(b->mask, 0xfffffffffff00000ull);
	assert_int_equal(pci_function_bar(f, 0x14)->kind, PCI_BAR_MEM64_HIGH);
	b = pci_function_bar(f, 0x18);
	assert_int_equal(b->kind, PCI_BAR_IO);
	assert_int_equal(b->mask, 0x0000ffe0);
	assert_int_equal(pci_bar_size(b), 32);
	assert_int_equal(pci_function_bar(find(&inv, 0, 1, 1), 0x20)->mask, 0xfffffff0);
	/* A bridge has two BARs and its ROM at 0x38; 0x18 is its bus numbers. */
	f = find(&inv, 0, 0x1e, 0);
	assert_int_equal(f->bar_count, 3);
	assert_null(pci_function_bar(f, 0x18));
	assert_non_null(pci_function_bar(f, 0x38));
	assert_null(pci_function_bar(f, 0x30));
}

/* Everything as it was, the status bits not written back (write 1 to
 * clear), and no BAR probed while the function decoded. */
static void test_scan_restores_registers(void **state)
{
	static struct fake_fn before[BUSES][DEVS][FNS];
	static struct pci_inventory inv;

	(void)state;
	memcpy(before, space, sizeof(space));
	pci_inventory_scan(&inv);
	assert_memory_equal(before, space, sizeof(space));
	assert_int_equal(probes_while_decoding, 0);
}

/* A host bridge keeps decoding (the way to RAM on some chipsets): its
 * command register is never written, its BARs sized as they decode. */
static void test_scan_leaves_host_bridge_decoding(void **state)
{
	static struct pci_inventory inv;
	struct fake_fn *host = &space[0][0][0];

	(void)state;
	bar(host, 0x10, 0xfed10000, 0xffffc000);
	pci_inventory_scan(&inv);
	assert_int_equal(host_command_writes, 0);
	assert_int_equal(host->regs[PCI_COMMAND / 4], 0x02800007);
	assert_int_equal(host->regs[0x10 / 4], 0xfed10000);
	assert_int_equal(pci_function_bar(find(&inv, 0, 0, 0), 0x10)->mask, 0xffffc000);
}

/* More functions than the table holds: counted, reported. */
static void test_scan_overflow(void **state)
{
	static struct pci_inventory inv;

	(void)state;
	memset(space, 0, sizeof(space));
	for (uint8_t d = 0; d < DEVS; d++)
		for (uint8_t fn = 0; fn < FNS; fn++)
			fake(0, d, fn, 0x00018086, 0x02000000, PCI_HEADER_MULTIFUNCTION);
	pci_inventory_scan(&inv);
	assert_int_equal(inv.count, PCI_INVENTORY_MAX);
	assert_int_equal(inv.missed, DEVS * FNS - PCI_INVENTORY_MAX);
	log_reset();
	pci_inventory_print(&inv);
	assert_log_contains("skiff: pci: 64 functions on 1 bus, 0 BARs sized; 192 more beyond the "
			    "table of 64: their BAR writes are refused\n");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_scan_finds_functions, setup_machine),
		cmocka_unit_test_setup(test_scan_sizes_bars, setup_machine),
		cmocka_unit_test_setup(test_scan_restores_registers, setup_machine),
		cmocka_unit_test_setup(test_scan_leaves_host_bridge_decoding, setup_machine),
		cmocka_unit_test(test_scan_overflow),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
