#include "support.h"

#include <string.h>

#include "vm/pci_filter.h"

/*
 * The guest's PCI configuration writes (vm/pci_filter.h) on a machine
 * like Bochs's i440FX, with a few more functions: each rule, each
 * refusal, sizing, both halves of a 64-bit BAR, byte and word writes,
 * functions skiff does not know, and the edges of skiff's ranges.
 *
 *   00:00.0  i440FX host bridge (8086:1237, class 06/00)
 *   00:01.1  IDE: I/O BAR 0x20, 16 ports
 *   00:01.3  PIIX4 power management (8086:7113)
 *   00:02.0  VGA: mem32 BAR 0x10, 16 MiB; ROM 0x30, 64 KiB
 *   00:03.0  NIC: mem64 BAR 0x10/0x14, 1 MiB; I/O BAR 0x18, 32 ports
 *   00:1e.0  PCI-to-PCI bridge (type 1)
 *   00:1f.0  ICH9 LPC (8086:2918)
 * skiff keeps 0x9000-0x9fff (boot information), 0x1000000-0x10fffff (its
 * image) and 0x1e000000-0x1effffff (the pool).
 */
static struct pci_inventory inv;

static const struct phys_range kept[] = {
	{ 0x9000, 0xa000 }, { 0x1000000, 0x1100000 }, { 0x1e000000, 0x1f000000 },
};

static const struct vm_port_range ports[] = {
	{ 0x64, 1, "keyboard controller command" }, { 0x92, 1, "system control port A" },
	{ 0xf4, 4, "exit (isa-debug-exit)" }, { 0x3f8, 8, "COM1 (16550 model)" },
	{ 0xcf8, 4, "reset control (0xcf9)" }, { 0xcfc, 4, "PCI CONFIG_DATA" },
	{ 0x8900, 1, "Bochs shutdown" }, { 0xb004, 2, "ACPI PM1a_CNT" },
};

static struct pci_filter_config cfg;

/* The filter does no I/O: configuration space is not to be touched. */
uint32_t pci_cfg_read32(uint8_t bus, uint8_t dev, uint8_t fn, uint8_t reg)
{
	fail_msg("the filter read %02x:%02x.%x 0x%x", bus, dev, fn, reg);
	return 0;
}

void pci_cfg_write32(uint8_t bus, uint8_t dev, uint8_t fn, uint8_t reg, uint32_t value)
{
	fail_msg("the filter wrote 0x%x to %02x:%02x.%x 0x%x", value, bus, dev, fn, reg);
}

static struct pci_function *add_fn(uint8_t bus, uint8_t dev, uint8_t fn, uint16_t vendor,
				   uint16_t device, uint32_t class_rev, uint8_t header)
{
	struct pci_function *f = &inv.fn[inv.count++];

	*f = (struct pci_function){ .bus = bus, .dev = dev, .fn = fn, .vendor = vendor,
				    .device = device, .class_rev = class_rev, .header_type = header };
	return f;
}

static void add_bar(struct pci_function *f, uint8_t offset, enum pci_bar_kind kind, uint64_t mask)
{
	f->bars[f->bar_count++] = (struct pci_bar){ .offset = offset, .kind = (uint8_t)kind,
						    .mask = mask };
}

static int setup(void **state)
{
	struct pci_function *f;

	(void)state;
	memset(&inv, 0, sizeof(inv));
	add_fn(0, 0, 0, 0x8086, 0x1237, 0x06000002, PCI_HEADER_NORMAL);
	f = add_fn(0, 1, 1, 0x8086, 0x7010, 0x01018000, PCI_HEADER_NORMAL);
	add_bar(f, 0x20, PCI_BAR_IO, 0xfffffff0);
	add_fn(0, 1, 3, 0x8086, 0x7113, 0x06800003, PCI_HEADER_NORMAL);
	f = add_fn(0, 2, 0, 0x1234, 0x1111, 0x03000000, PCI_HEADER_NORMAL);
	add_bar(f, 0x10, PCI_BAR_MEM32, 0xff000000);
	add_bar(f, 0x14, PCI_BAR_UNUSED, 0);
	add_bar(f, 0x30, PCI_BAR_ROM, 0xffff0000);
	f = add_fn(0, 3, 0, 0x8086, 0x100e, 0x02000000, PCI_HEADER_NORMAL);
	add_bar(f, 0x10, PCI_BAR_MEM64, 0xfffffffffff00000ull);
	add_bar(f, 0x14, PCI_BAR_MEM64_HIGH, 0xfffffffffff00000ull);
	add_bar(f, 0x18, PCI_BAR_IO, 0xffffffe0);
	add_fn(0, 0x1e, 0, 0x8086, 0x244e, 0x06040000, PCI_HEADER_BRIDGE);
	add_fn(0, 0x1f, 0, 0x8086, 0x2918, 0x06010002, PCI_HEADER_NORMAL);
	cfg = (struct pci_filter_config){ .inv = &inv, .kept = kept, .kept_count = 3,
					  .ports = ports, .port_count = 8 };
	return 0;
}

static uint32_t addr(uint8_t dev, uint8_t fn, uint8_t reg)
{
	return pci_config_address(0, dev, fn, reg);
}

/* A write of size bytes at offset (any byte of its dword) of 00:dev.fn,
 * over the dword cur; extra as pci_filter_extra() asks. */
static struct pci_filter_result wr_x(uint8_t dev, uint8_t fn, uint16_t offset, uint8_t size,
				     uint32_t value, uint32_t cur, uint32_t x0, uint32_t x1)
{
	struct pci_cfg_write w = { .address = addr(dev, fn, (uint8_t)offset), .byte = offset & 3,
				   .size = size, .value = value, .cur = cur, .extra = { x0, x1 } };

	return pci_filter_write(&cfg, &w);
}

static enum pci_filter_verdict wr(uint8_t dev, uint8_t fn, uint16_t offset, uint8_t size,
				  uint32_t value, uint32_t cur)
{
	return wr_x(dev, fn, offset, size, value, cur, 0, 0).verdict;
}

#define VGA	2, 0
#define NIC	3, 0
#define IDE	1, 1
#define PM	1, 3
#define HOST	0, 0
#define BRIDGE	0x1e, 0
#define LPC	0x1f, 0

static void test_merge(void **state)
{
	struct pci_cfg_write w = { .cur = 0x11223344 };

	(void)state;
	w.byte = 0, w.size = 4, w.value = 0xaabbccdd;
	assert_int_equal(pci_cfg_write_merge(&w), 0xaabbccdd);
	w.byte = 3, w.size = 1, w.value = 0xffffffaa;	/* only the low byte counts */
	assert_int_equal(pci_cfg_write_merge(&w), 0xaa223344);
	w.byte = 2, w.size = 2, w.value = 0xbeef;
	assert_int_equal(pci_cfg_write_merge(&w), 0xbeef3344);
	w.byte = 1, w.size = 1, w.value = 0;
	assert_int_equal(pci_cfg_write_merge(&w), 0x11220044);
}

static void test_mem32_bar(void **state)
{
	struct pci_filter_result r;

	(void)state;
	r = wr_x(VGA, 0x10, 4, 0x01000000, 0xe0000008, 0, 0);	/* onto skiff's image */
	assert_int_equal(r.verdict, PCI_FILTER_REFUSE);
	assert_string_equal(r.why, "mem32 BAR 0x10 would decode 0x1000000-0x1ffffff, "
			    "over skiff's memory 0x1000000-0x10fffff");
	assert_int_equal(wr(VGA, 0x10, 4, 0x1e000000, 0xe0000008), PCI_FILTER_REFUSE); /* pool */
	assert_int_equal(wr(VGA, 0x10, 4, 0x00000000, 0xe0000008), PCI_FILTER_REFUSE); /* boot info */
	/* The low bits are the BAR's own: 0x01ffffff still decodes from 16 MiB. */
	assert_int_equal(wr(VGA, 0x10, 4, 0x01ffffff, 0xe0000008), PCI_FILTER_REFUSE);
	assert_int_equal(wr(VGA, 0x10, 4, 0xe0000000, 0xe0000008), PCI_FILTER_PASS);
	assert_int_equal(wr(VGA, 0x10, 4, 0xfd000000, 0xe0000008), PCI_FILTER_PASS);
	assert_int_equal(wr(VGA, 0x10, 4, 0x02000000, 0xe0000008), PCI_FILTER_PASS); /* guest RAM */
	/* An unimplemented BAR decodes nothing, whatever is written. */
	assert_int_equal(wr(VGA, 0x14, 4, 0x01000000, 0), PCI_FILTER_PASS);
}

/* The pool is 0x1e000000-0x1effffff: a 16 MiB BAR just below it and just
 * above it pass; one ending on its first byte would need a base that is
 * not 16 MiB aligned, so the 1 MiB NIC BAR probes the edges byte-exact. */
static void test_edges(void **state)
{
	(void)state;
	assert_int_equal(wr(VGA, 0x10, 4, 0x1d000000, 0xe0000008), PCI_FILTER_PASS);
	assert_int_equal(wr(VGA, 0x10, 4, 0x1f000000, 0xe0000008), PCI_FILTER_PASS);
	assert_int_equal(wr_x(NIC, 0x10, 4, 0x1df00004, 0xe000000c, 0, 0).verdict, PCI_FILTER_PASS);
	assert_int_equal(wr_x(NIC, 0x10, 4, 0x1e000004, 0xe000000c, 0, 0).verdict,
			 PCI_FILTER_REFUSE);
	assert_int_equal(wr_x(NIC, 0x10, 4, 0x1ef00004, 0xe000000c, 0, 0).verdict,
			 PCI_FILTER_REFUSE);
	assert_int_equal(wr_x(NIC, 0x10, 4, 0x1f000004, 0xe000000c, 0, 0).verdict, PCI_FILTER_PASS);
	/* The image is 0x1000000-0x10fffff: 1 MiB at 0x1100000 is past it. */
	assert_int_equal(wr_x(NIC, 0x10, 4, 0x01100004, 0xe000000c, 0, 0).verdict, PCI_FILTER_PASS);
	assert_int_equal(wr_x(NIC, 0x10, 4, 0x00f00004, 0xe000000c, 0, 0).verdict, PCI_FILTER_PASS);
}

/* The standard sizing procedure writes all-ones and reads back: the BAR
 * lands at the top of its space, never on RAM. */
static void test_sizing_passes(void **state)
{
	(void)state;
	assert_int_equal(wr(VGA, 0x10, 4, 0xffffffff, 0xe0000008), PCI_FILTER_PASS);
	assert_int_equal(wr(VGA, 0x30, 4, 0xfffff800, 0xc0000000), PCI_FILTER_PASS);
	assert_int_equal(wr(VGA, 0x30, 4, 0xffffffff, 0xc0000000), PCI_FILTER_PASS);
	assert_int_equal(wr(IDE, 0x20, 4, 0xffffffff, 0xc001), PCI_FILTER_PASS);
	/* 64-bit: low half first (high as it is), then the high half. */
	assert_int_equal(wr_x(NIC, 0x10, 4, 0xffffffff, 0xe000000c, 0, 0).verdict, PCI_FILTER_PASS);
	assert_int_equal(wr_x(NIC, 0x14, 4, 0xffffffff, 0, 0xfff0000c, 0).verdict, PCI_FILTER_PASS);
	assert_int_equal(wr_x(NIC, 0x14, 4, 0xffffffff, 0, 0xe000000c, 0).verdict, PCI_FILTER_PASS);
	/* And back as they were. */
	assert_int_equal(wr(VGA, 0x10, 4, 0xe0000008, 0xff000008), PCI_FILTER_PASS);
	assert_int_equal(wr_x(NIC, 0x14, 4, 0, 0xffffffff, 0xfff0000c, 0).verdict, PCI_FILTER_PASS);
}

static void test_mem64_halves(void **state)
{
	uint8_t regs[PCI_FILTER_EXTRA_MAX];
	struct pci_cfg_write w = { .address = addr(NIC, 0x10), .size = 4 };

	(void)state;
	assert_int_equal(pci_filter_extra(&cfg, &w, regs), 1);
	assert_int_equal(regs[0], 0x14);
	w.address = addr(NIC, 0x14);
	assert_int_equal(pci_filter_extra(&cfg, &w, regs), 1);
	assert_int_equal(regs[0], 0x10);
	w.address = addr(NIC, 0x18);
	assert_int_equal(pci_filter_extra(&cfg, &w, regs), 0);
	w.address = addr(VGA, 0x10);
	assert_int_equal(pci_filter_extra(&cfg, &w, regs), 0);

	/* Low half onto the pool: refused while the high half is 0 ... */
	assert_int_equal(wr_x(NIC, 0x10, 4, 0x1e00000c, 0xe000000c, 0, 0).verdict,
			 PCI_FILTER_REFUSE);
	/* ... and fine with the BAR above 4 GiB. */
	assert_int_equal(wr_x(NIC, 0x10, 4, 0x1e00000c, 0xe000000c, 1, 0).verdict, PCI_FILTER_PASS);
	/* High half to 0 while the low half points at the pool: refused. */
	assert_int_equal(wr_x(NIC, 0x14, 4, 0, 1, 0x1e00000c, 0).verdict, PCI_FILTER_REFUSE);
	assert_int_equal(wr_x(NIC, 0x14, 4, 2, 1, 0x1e00000c, 0).verdict, PCI_FILTER_PASS);
	/* Skiff's memory above 4 GiB is guarded by the high half too. */
	cfg.kept = (const struct phys_range[]){ { 0x100000000ull, 0x100200000ull } };
	cfg.kept_count = 1;
	assert_int_equal(wr_x(NIC, 0x14, 4, 1, 0, 0x0010000c, 0).verdict, PCI_FILTER_REFUSE);
	assert_int_equal(wr_x(NIC, 0x14, 4, 1, 0, 0x0020000c, 0).verdict, PCI_FILTER_PASS);
	assert_int_equal(wr_x(NIC, 0x10, 4, 0x0010000c, 0xe000000c, 1, 0).verdict,
			 PCI_FILTER_REFUSE);
}

static void test_byte_and_word_writes(void **state)
{
	(void)state;
	/* Byte 3 of the VGA BAR: 0xe0 -> 0x01 moves it to 16 MiB. */
	assert_int_equal(wr(VGA, 0x13, 1, 0x01, 0xe0000008), PCI_FILTER_REFUSE);
	assert_int_equal(wr(VGA, 0x13, 1, 0xf0, 0xe0000008), PCI_FILTER_PASS);
	assert_int_equal(wr(VGA, 0x12, 2, 0x0100, 0xe0000008), PCI_FILTER_REFUSE);
	assert_int_equal(wr(VGA, 0x12, 2, 0x0200, 0xe0000008), PCI_FILTER_PASS);
	/* Bytes 0-1 leave the base in the other bytes: judged with them. */
	assert_int_equal(wr(VGA, 0x10, 2, 0x0000, 0xe0000008), PCI_FILTER_PASS);
	assert_int_equal(wr(VGA, 0x10, 1, 0x00, 0x01000008), PCI_FILTER_REFUSE);
}

static void test_rom(void **state)
{
	(void)state;
	/* A ROM decodes only with its enable bit set. */
	assert_int_equal(wr(VGA, 0x30, 4, 0x01000000, 0xc0000000), PCI_FILTER_PASS);
	assert_int_equal(wr(VGA, 0x30, 4, 0x01000001, 0xc0000000), PCI_FILTER_REFUSE);
	assert_int_equal(wr(VGA, 0x30, 1, 0x01, 0x01000000), PCI_FILTER_REFUSE);
	assert_int_equal(wr(VGA, 0x30, 4, 0xc0000001, 0xc0000000), PCI_FILTER_PASS);
	assert_string_equal(wr_x(VGA, 0x30, 4, 0x1e000001, 0, 0, 0).why,
			    "ROM BAR 0x30 would decode 0x1e000000-0x1e00ffff, "
			    "over skiff's memory 0x1e000000-0x1effffff");
}

static void test_io_bar(void **state)
{
	struct pci_filter_result r;

	(void)state;
	r = wr_x(IDE, 0x20, 4, 0x3f1, 0xc001, 0, 0);
	assert_int_equal(r.verdict, PCI_FILTER_REFUSE);
	assert_string_equal(r.why, "I/O BAR 0x20 would decode ports 0x3f0-0x3ff, over skiff's "
			    "COM1 (16550 model)");
	assert_int_equal(wr(IDE, 0x20, 4, 0xcf1, 0xc001), PCI_FILTER_REFUSE);
	assert_int_equal(wr(IDE, 0x20, 4, 0xb001, 0xc001), PCI_FILTER_REFUSE);	/* PM1a_CNT */
	assert_int_equal(wr(IDE, 0x20, 4, 0x61, 0xc001), PCI_FILTER_REFUSE);	/* 0x60-0x6f */
	assert_int_equal(wr(IDE, 0x20, 4, 0xc001, 0xc001), PCI_FILTER_PASS);
	assert_int_equal(wr(IDE, 0x20, 4, 0xb011, 0xc001), PCI_FILTER_PASS);
	assert_int_equal(wr(IDE, 0x20, 4, 0x3e1, 0xc001), PCI_FILTER_PASS);	/* 0x3e0-0x3ef */
	/* 32 ports at 0x8900 and at 0x88e0 (ends at 0x88ff, the port before). */
	assert_int_equal(wr(NIC, 0x18, 4, 0x8901, 0xd001), PCI_FILTER_REFUSE);
	assert_int_equal(wr(NIC, 0x18, 4, 0x88e1, 0xd001), PCI_FILTER_PASS);
	/* Ports do not reach past 0xffff: an I/O BAR there decodes none of skiff's. */
	assert_int_equal(wr(NIC, 0x18, 4, 0x100064, 0xd001), PCI_FILTER_PASS);
	/* Memory is not ports: the IDE BAR at 16 MiB in I/O space is fine. */
	assert_int_equal(wr(IDE, 0x20, 4, 0x01000001, 0xc001), PCI_FILTER_PASS);
}

static void test_host_bridge(void **state)
{
	struct pci_filter_result r;

	(void)state;
	r = wr_x(HOST, 0x59, 1, 0x33, 0, 0, 0);	/* PAM0 */
	assert_int_equal(r.verdict, PCI_FILTER_REFUSE);
	assert_string_equal(r.why, "a host bridge's registers from 0x40 on (memory decoding, "
			    "SMRAM, PAM, PCIEXBAR) are skiff's");
	assert_int_equal(wr(HOST, 0x5c, 4, 0x33333333, 0), PCI_FILTER_REFUSE);	/* PAM3-6 */
	assert_int_equal(wr(HOST, 0x72, 1, 0x4a, 0x02), PCI_FILTER_REFUSE);	/* SMRAM */
	assert_int_equal(wr(HOST, 0x60, 4, 0x40404040, 0), PCI_FILTER_REFUSE);	/* DRB */
	assert_int_equal(wr(HOST, 0x40, 1, 0, 0), PCI_FILTER_REFUSE);
	assert_int_equal(wr(HOST, 0xff, 1, 0, 0), PCI_FILTER_REFUSE);
	assert_int_equal(wr(HOST, 0xf0, 4, 0, 0), PCI_FILTER_REFUSE);
	/* Its header is the guest's, as for any function. */
	assert_int_equal(wr(HOST, 0x04, 2, 0x0006, 0), PCI_FILTER_PASS);
	assert_int_equal(wr(HOST, 0x3c, 4, 0xff, 0), PCI_FILTER_PASS);
	assert_int_equal(wr(HOST, 0x3f, 1, 0, 0), PCI_FILTER_PASS);
	/* A Q35 MCH (8086:29c0) is one by its class too: PCIEXBAR, PAM, SMRAM. */
	inv.fn[0].device = 0x29c0;
	assert_int_equal(wr(HOST, 0x60, 4, 0xb0000001, 0), PCI_FILTER_REFUSE);
	assert_int_equal(wr(HOST, 0x90, 1, 0x30, 0), PCI_FILTER_REFUSE);
	assert_int_equal(wr(HOST, 0x9d, 1, 0x0a, 0), PCI_FILTER_REFUSE);
	assert_int_equal(wr(HOST, 0xb0, 4, 0, 0), PCI_FILTER_REFUSE);	/* TOLUD */
	/* A function of another class at 0x40 and up is the guest's. */
	assert_int_equal(wr(VGA, 0x40, 4, 0, 0), PCI_FILTER_PASS);
	assert_int_equal(wr(BRIDGE, 0x40, 4, 0, 0), PCI_FILTER_PASS);
}

/* An AMD IOMMU's function (class 08/06, QEMU's amd-iommu at 00:03.0 with
 * its capability at 0x40): every register refused, its header and its
 * capability block (base address, enable) alike. */
static void test_iommu_function(void **state)
{
	struct pci_filter_result r;

	(void)state;
	inv.fn[4].class_rev = 0x08060000;	/* the NIC's slot becomes the IOMMU */
	inv.fn[4].bar_count = 0;
	r = wr_x(NIC, 0x44, 4, 0x00c00001, 0xfed80001, 0, 0);	/* base low, enable */
	assert_int_equal(r.verdict, PCI_FILTER_REFUSE);
	assert_string_equal(r.why, "the IOMMU's configuration space is skiff's");
	assert_int_equal(wr(NIC, 0x48, 4, 0, 0), PCI_FILTER_REFUSE);		/* base high */
	assert_int_equal(wr(NIC, 0x04, 2, 0x0000, 0x0006), PCI_FILTER_REFUSE);	/* bus master off */
	assert_int_equal(wr(NIC, 0x3c, 1, 0x0b, 0), PCI_FILTER_REFUSE);
	/* The same write to a function of another class is the guest's. */
	inv.fn[4].class_rev = 0x08800000;
	assert_int_equal(wr(NIC, 0x44, 4, 0x00c00001, 0xfed80001), PCI_FILTER_PASS);
}

static void test_chipset_registers(void **state)
{
	struct pci_filter_result r;

	(void)state;
	r = wr_x(PM, 0x40, 4, 0xc001, 0xb001, 0, 0);
	assert_int_equal(r.verdict, PCI_FILTER_REFUSE);
	assert_string_equal(r.why, "PMBA (power management base address), 0x40, of the PIIX4 power "
			    "management function is skiff's");
	assert_int_equal(wr(PM, 0x41, 1, 0xc0, 0xb001), PCI_FILTER_REFUSE);
	assert_int_equal(wr(PM, 0x42, 2, 0, 0xb001), PCI_FILTER_REFUSE);
	assert_int_equal(wr(PM, 0x80, 1, 0, 1), PCI_FILTER_REFUSE);	/* PMREGMISC */
	assert_int_equal(wr(PM, 0x90, 4, 0x3f9, 0), PCI_FILTER_REFUSE);	/* SMBBA */
	assert_int_equal(wr(PM, 0x44, 4, 0, 0), PCI_FILTER_PASS);
	assert_int_equal(wr(PM, 0x81, 1, 0, 0), PCI_FILTER_PASS);
	assert_int_equal(wr(PM, 0x04, 2, 0, 0), PCI_FILTER_PASS);
	assert_int_equal(wr(LPC, 0x40, 4, 0x601, 0x601), PCI_FILTER_REFUSE);	/* PMBASE */
	assert_int_equal(wr(LPC, 0x44, 1, 0, 0x80), PCI_FILTER_REFUSE);	/* ACPI_CNTL */
	assert_int_equal(wr(LPC, 0x44, 4, 0, 0x80), PCI_FILTER_REFUSE);
	assert_int_equal(wr(LPC, 0x48, 4, 0x3f9, 0), PCI_FILTER_REFUSE);	/* GPIOBASE */
	assert_int_equal(wr(LPC, 0x4c, 1, 0, 0x10), PCI_FILTER_REFUSE);	/* GC */
	assert_int_equal(wr(LPC, 0xf3, 1, 0x01, 0), PCI_FILTER_REFUSE);	/* RCBA */
	assert_int_equal(wr(LPC, 0x45, 1, 0, 0), PCI_FILTER_PASS);
	assert_int_equal(wr(LPC, 0x60, 4, 0x0b0a0a0b, 0), PCI_FILTER_PASS);	/* PIRQ routing */
	assert_int_equal(wr(LPC, 0xec, 4, 0, 0), PCI_FILTER_PASS);
	/* Another vendor's device of the same number is not the PIIX4. */
	inv.fn[2].vendor = 0x1022;
	assert_int_equal(wr(PM, 0x40, 4, 0xc001, 0xb001), PCI_FILTER_PASS);
}

/* Functions skiff did not find (beyond its table, or absent at boot):
 * their BARs, bridge windows and ROM are refused, the rest passes. */
static void test_unknown_function(void **state)
{
	struct pci_filter_result r;

	(void)state;
	r = wr_x(5, 0, 0x10, 4, 0x01000000, 0, 0, 0);
	assert_int_equal(r.verdict, PCI_FILTER_REFUSE);
	assert_string_equal(r.why, "00:05.0 is not in skiff's PCI inventory: its BARs stay as they are");
	assert_int_equal(wr(5, 0, 0x24, 4, 0xe0000000, 0), PCI_FILTER_REFUSE);
	assert_int_equal(wr(5, 0, 0x2c, 4, 0, 0), PCI_FILTER_REFUSE);
	assert_int_equal(wr(5, 0, 0x30, 4, 0, 0), PCI_FILTER_REFUSE);
	assert_int_equal(wr(5, 0, 0x38, 4, 0, 0), PCI_FILTER_REFUSE);
	assert_int_equal(wr(5, 0, 0x3b, 1, 0, 0), PCI_FILTER_REFUSE);
	assert_int_equal(wr(2, 1, 0x10, 4, 0xe0000000, 0), PCI_FILTER_REFUSE);	/* VGA's fn 1 */
	assert_int_equal(wr(5, 0, 0x04, 2, 0x0007, 0), PCI_FILTER_PASS);
	assert_int_equal(wr(5, 0, 0x0c, 4, 0, 0), PCI_FILTER_PASS);
	assert_int_equal(wr(5, 0, 0x34, 4, 0, 0), PCI_FILTER_PASS);
	assert_int_equal(wr(5, 0, 0x3c, 4, 0, 0), PCI_FILTER_PASS);
	assert_int_equal(wr(5, 0, 0x40, 4, 0, 0), PCI_FILTER_PASS);
	/* On another bus too. */
	cfg.reset = (struct pci_reset_reg){ 0 };
	{
		struct pci_cfg_write w = { .address = pci_config_address(1, 0, 0, 0x10), .size = 4,
					   .value = 0xe0000000 };

		assert_int_equal(pci_filter_write(&cfg, &w).verdict, PCI_FILTER_REFUSE);
	}
}

static void test_bridge_windows(void **state)
{
	struct pci_filter_result r;
	uint8_t regs[PCI_FILTER_EXTRA_MAX];
	struct pci_cfg_write w = { .address = addr(BRIDGE, 0x28), .size = 4 };

	(void)state;
	/* Memory window 0x1e000000-0x1e0fffff: the pool. */
	r = wr_x(BRIDGE, 0x20, 4, 0x1e001e00, 0, 0, 0);
	assert_int_equal(r.verdict, PCI_FILTER_REFUSE);
	assert_string_equal(r.why, "memory window 0x20 would decode 0x1e000000-0x1e0fffff, "
			    "over skiff's memory 0x1e000000-0x1effffff");
	assert_int_equal(wr(BRIDGE, 0x20, 4, 0xe0f0e000, 0), PCI_FILTER_PASS);
	assert_int_equal(wr(BRIDGE, 0x20, 4, 0x0000fff0, 0), PCI_FILTER_PASS);	/* off: base > limit */
	assert_int_equal(wr(BRIDGE, 0x20, 4, 0x1df01d00, 0), PCI_FILTER_PASS);	/* ends below */
	assert_int_equal(wr(BRIDGE, 0x22, 2, 0x1e00, 0x00001d00), PCI_FILTER_REFUSE); /* limit up */
	/* The prefetchable window, 64-bit: its upper halves come along. */
	assert_int_equal(pci_filter_extra(&cfg, &w, regs), 2);
	assert_int_equal(regs[0], 0x24);
	assert_int_equal(regs[1], 0x2c);
	assert_int_equal(wr_x(BRIDGE, 0x24, 4, 0x1e011e01, 1, 0, 0).verdict, PCI_FILTER_REFUSE);
	assert_int_equal(wr_x(BRIDGE, 0x24, 4, 0x1e011e01, 1, 1, 1).verdict, PCI_FILTER_PASS);
	/* Each upper dword with the other as it is. */
	assert_int_equal(wr_x(BRIDGE, 0x28, 4, 1, 0, 0x1e011e01, 1).verdict, PCI_FILTER_PASS);
	assert_int_equal(wr_x(BRIDGE, 0x2c, 4, 1, 0, 0x1e011e01, 1).verdict, PCI_FILTER_PASS);
	/* Base back below 4 GiB, limit above: the window spans the pool. */
	assert_int_equal(wr_x(BRIDGE, 0x28, 4, 0, 1, 0x1e011e01, 1).verdict, PCI_FILTER_REFUSE);
	/* Limit below the base: off. */
	assert_int_equal(wr_x(BRIDGE, 0x2c, 4, 0, 1, 0x1e011e01, 1).verdict, PCI_FILTER_PASS);
	assert_int_equal(wr_x(BRIDGE, 0x2c, 4, 0, 1, 0x1e011e01, 0).verdict, PCI_FILTER_REFUSE);
	/* A 32-bit prefetchable window ignores the upper dwords. */
	assert_int_equal(wr_x(BRIDGE, 0x24, 4, 0x1e001e00, 0, 1, 1).verdict, PCI_FILTER_REFUSE);
	/* Its bits 3:0 are read-only: writing 1 there does not make it 64-bit. */
	assert_int_equal(wr_x(BRIDGE, 0x24, 4, 0x1e011e01, 0, 1, 1).verdict, PCI_FILTER_REFUSE);
	assert_int_equal(wr_x(BRIDGE, 0x24, 4, 0x1e001e00, 1, 1, 1).verdict, PCI_FILTER_PASS);
	/* A window that runs over skiff's memory, base below and limit above. */
	assert_int_equal(wr(BRIDGE, 0x20, 4, 0xfff00000, 0), PCI_FILTER_REFUSE);
	/* Bus numbers, the bridge's type 1 ROM at 0x38: no BAR here. */
	assert_int_equal(wr(BRIDGE, 0x18, 4, 0x00020100, 0), PCI_FILTER_PASS);
	assert_int_equal(wr(BRIDGE, 0x38, 4, 0x01000001, 0), PCI_FILTER_PASS);
}

/* The I/O window: 4 KiB granules from I/O base/limit (0x1c, 0x1d), with
 * upper 16 bits (0x30, 0x32) when bits 3:0 (read-only) say 1.  Over a
 * port skiff keeps it is refused: the bridge would take skiff's own
 * accesses to COM1 or the reset ports. */
static void test_bridge_io_window(void **state)
{
	struct pci_filter_result r;
	uint8_t regs[PCI_FILTER_EXTRA_MAX];
	struct pci_cfg_write w = { .address = addr(BRIDGE, 0x1c), .size = 2 };

	(void)state;
	assert_int_equal(pci_filter_extra(&cfg, &w, regs), 1);
	assert_int_equal(regs[0], 0x30);
	w.address = addr(BRIDGE, 0x30);
	assert_int_equal(pci_filter_extra(&cfg, &w, regs), 1);
	assert_int_equal(regs[0], 0x1c);
	/* 0x0000-0x0fff: COM1 and the keyboard controller. */
	r = wr_x(BRIDGE, 0x1c, 2, 0x0000, 0x00f0, 0, 0);
	assert_int_equal(r.verdict, PCI_FILTER_REFUSE);
	assert_string_equal(r.why, "I/O window 0x1c would decode ports 0x0-0xfff, over skiff's "
			    "keyboard controller command");
	assert_int_equal(wr(BRIDGE, 0x1c, 2, 0x00f0, 0), PCI_FILTER_PASS);	/* off: base > limit */
	assert_int_equal(wr(BRIDGE, 0x1c, 2, 0xd0d0, 0), PCI_FILTER_PASS);	/* 0xd000-0xdfff */
	assert_int_equal(wr(BRIDGE, 0x1d, 1, 0xc0, 0x00c0), PCI_FILTER_PASS);
	assert_int_equal(wr(BRIDGE, 0x1c, 2, 0xb0b0, 0), PCI_FILTER_REFUSE);	/* PM1a_CNT */
	/* 32-bit I/O: the upper halves move the window above the ports. */
	assert_int_equal(wr_x(BRIDGE, 0x1c, 2, 0x0101, 0x0101, 0x00010001, 0).verdict,
			 PCI_FILTER_PASS);
	assert_int_equal(wr_x(BRIDGE, 0x30, 4, 0, 0x00010001, 0x0101, 0).verdict,
			 PCI_FILTER_REFUSE);		/* upper halves cleared: back at 0 */
	/* Bits 3:0 are read-only: a 16-bit window stays one. */
	assert_int_equal(wr_x(BRIDGE, 0x1c, 2, 0x0101, 0x0000, 0x00010001, 0).verdict,
			 PCI_FILTER_REFUSE);
}

static void test_reserved_address_bits(void **state)
{
	struct pci_cfg_write w = { .address = addr(VGA, 0x10) | 0x01000000, .size = 4,
				   .value = 0xe0000000 };
	struct pci_filter_result r;

	(void)state;
	r = pci_filter_write(&cfg, &w);
	assert_int_equal(r.verdict, PCI_FILTER_REFUSE);
	assert_string_equal(r.why, "CONFIG_ADDRESS 0x81001010 has reserved bits (30:24) set");
	w.address = addr(VGA, 0x04) | 0x40000000;	/* even a harmless register */
	assert_int_equal(pci_filter_write(&cfg, &w).verdict, PCI_FILTER_REFUSE);
	assert_int_equal(pci_filter_extra(&cfg, &w, (uint8_t[2]){ 0 }), 0);
}

static void test_reset_register(void **state)
{
	struct pci_filter_result r;

	(void)state;
	/* RESET_REG at 00:1f.0 offset 0xa9, RESET_VALUE 6. */
	cfg.reset = (struct pci_reset_reg){ .present = true, .dev = 0x1f, .fn = 0, .offset = 0xa9,
					    .value = 6 };
	r = wr_x(LPC, 0xa9, 1, 6, 0, 0, 0);
	assert_int_equal(r.verdict, PCI_FILTER_REBOOT);
	assert_string_equal(r.why, "ACPI reset register (0x06 to PCI 00:1f.0 offset 0xa9)");
	assert_int_equal(wr(LPC, 0xa8, 4, 0x00000600, 0), PCI_FILTER_REBOOT);
	assert_int_equal(wr(LPC, 0xa8, 2, 0x0600, 0), PCI_FILTER_REBOOT);
	assert_int_equal(wr(LPC, 0xa9, 1, 2, 0), PCI_FILTER_PASS);
	assert_int_equal(wr(LPC, 0xa8, 1, 6, 0), PCI_FILTER_PASS);	/* the byte before */
	/* A write that leaves the byte alone, though it holds 6, is no reset. */
	assert_int_equal(wr(LPC, 0xaa, 2, 0, 0x00000600), PCI_FILTER_PASS);
	assert_int_equal(wr(VGA, 0xa9, 1, 6, 0), PCI_FILTER_PASS);	/* another function */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_merge, setup),
		cmocka_unit_test_setup(test_iommu_function, setup),
		cmocka_unit_test_setup(test_mem32_bar, setup),
		cmocka_unit_test_setup(test_edges, setup),
		cmocka_unit_test_setup(test_sizing_passes, setup),
		cmocka_unit_test_setup(test_mem64_halves, setup),
		cmocka_unit_test_setup(test_byte_and_word_writes, setup),
		cmocka_unit_test_setup(test_rom, setup),
		cmocka_unit_test_setup(test_io_bar, setup),
		cmocka_unit_test_setup(test_host_bridge, setup),
		cmocka_unit_test_setup(test_chipset_registers, setup),
		cmocka_unit_test_setup(test_unknown_function, setup),
		cmocka_unit_test_setup(test_bridge_windows, setup),
		cmocka_unit_test_setup(test_bridge_io_window, setup),
		cmocka_unit_test_setup(test_reserved_address_bits, setup),
		cmocka_unit_test_setup(test_reset_register, setup),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
