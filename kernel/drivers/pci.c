/*
 * The boot-time PCI inventory; see pci.h.  Configuration registers are
 * read and written only through pci_cfg_read32/write32().
 */
#include "drivers/pci.h"

#include "lib/printf.h"
#include "lib/string.h"

#ifndef SKIFF_HOST_TEST
#include "x86.h"
#endif

#define PCI_BUSES		256
#define NO_FUNCTION		0xffff	/* vendor ID where nothing answers */
#define ALL_ONES		0xffffffffu
#define COMMAND_DECODE		(PCI_COMMAND_IO | PCI_COMMAND_MEMORY)
#define COMMAND_WORD		0xffffu	/* the status word above it is write-1-to-clear */

struct scan {
	struct pci_inventory *inv;
	uint8_t queue[PCI_BUSES];	/* buses to scan, each at most once */
	unsigned head, tail;
	bool seen[PCI_BUSES];
};

const struct pci_function *pci_inventory_find(const struct pci_inventory *inv, uint8_t bus,
					      uint8_t dev, uint8_t fn)
{
	for (size_t i = 0; i < inv->count; i++) {
		const struct pci_function *f = &inv->fn[i];

		if (f->bus == bus && f->dev == dev && f->fn == fn)
			return f;
	}
	return NULL;
}

const struct pci_bar *pci_function_bar(const struct pci_function *f, uint16_t offset)
{
	for (unsigned i = 0; i < f->bar_count; i++)
		if (f->bars[i].offset == (offset & ~3u))
			return &f->bars[i];
	return NULL;
}

static uint32_t size_dword(const struct pci_function *f, uint8_t reg, uint32_t probe)
{
	uint32_t orig = pci_cfg_read32(f->bus, f->dev, f->fn, reg), back;

	pci_cfg_write32(f->bus, f->dev, f->fn, reg, probe);
	back = pci_cfg_read32(f->bus, f->dev, f->fn, reg);
	pci_cfg_write32(f->bus, f->dev, f->fn, reg, orig);
	return back;
}

static void add_bar(struct pci_function *f, uint8_t reg, enum pci_bar_kind kind, uint64_t mask)
{
	f->bars[f->bar_count++] = (struct pci_bar){ .offset = reg, .kind = (uint8_t)kind,
						    .mask = mask };
}

/*
 * BARs reg, reg + 4, ... (count of them), PCI Local Bus 3.0, 6.2.5.1: an
 * I/O BAR has bit 0 set; a memory BAR's bits 2:1 say 32 or 64 bits, and a
 * 64-bit one takes the next dword as its high half.  Returns how many
 * decode something.
 */
static unsigned size_bars(struct pci_function *f, uint8_t reg, unsigned count)
{
	unsigned sized = 0;

	for (unsigned i = 0; i < count; i++, reg += PCI_BAR_STRIDE) {
		uint32_t back = size_dword(f, reg, ALL_ONES);
		uint64_t mask;

		if (back & PCI_BAR_SPACE_IO) {
			mask = back & PCI_BAR_IO_ADDR_MASK;
			add_bar(f, reg, mask ? PCI_BAR_IO : PCI_BAR_UNUSED, mask);
		} else if ((back & PCI_BAR_MEM_TYPE_MASK) == PCI_BAR_MEM_TYPE_64 && i + 1 < count) {
			mask = (uint64_t)size_dword(f, reg + PCI_BAR_STRIDE, ALL_ONES) << 32 |
			       (back & PCI_BAR_MEM_ADDR_MASK);
			add_bar(f, reg, mask ? PCI_BAR_MEM64 : PCI_BAR_UNUSED, mask);
			add_bar(f, reg + PCI_BAR_STRIDE, mask ? PCI_BAR_MEM64_HIGH : PCI_BAR_UNUSED, mask);
			i++, reg += PCI_BAR_STRIDE;
		} else {
			mask = back & PCI_BAR_MEM_ADDR_MASK;
			add_bar(f, reg, mask ? PCI_BAR_MEM32 : PCI_BAR_UNUSED, mask);
		}
		sized += mask != 0;
	}
	return sized;
}

/* The expansion ROM BAR, probed with its enable bit clear. */
static unsigned size_rom(struct pci_function *f, uint8_t reg)
{
	uint32_t mask = size_dword(f, reg, PCI_ROM_ADDR_MASK) & PCI_ROM_ADDR_MASK;

	add_bar(f, reg, mask ? PCI_BAR_ROM : PCI_BAR_UNUSED, mask);
	return mask != 0;
}

/* Every BAR of f, with I/O and memory decoding off meanwhile, so that a
 * BAR probed at the top of the address space claims nothing.  A host
 * bridge's decoding stays on: on some chipsets its memory enable is the
 * way to RAM, skiff's own code included. */
static unsigned size_function(struct pci_function *f)
{
	uint32_t command = pci_cfg_read32(f->bus, f->dev, f->fn, PCI_COMMAND) & COMMAND_WORD;
	bool quiet = pci_function_class(f) != PCI_CLASS_BRIDGE_HOST;
	unsigned sized;

	if (quiet)
		pci_cfg_write32(f->bus, f->dev, f->fn, PCI_COMMAND, command & ~COMMAND_DECODE);
	if (f->header_type == PCI_HEADER_NORMAL)
		sized = size_bars(f, PCI_BAR0, PCI_NORMAL_BARS) + size_rom(f, PCI_NORMAL_ROM);
	else if (f->header_type == PCI_HEADER_BRIDGE)
		sized = size_bars(f, PCI_BAR0, PCI_BRIDGE_BARS) + size_rom(f, PCI_BRIDGE_ROM);
	else
		sized = 0;	/* CardBus and unknown layouts: no BARs recorded */
	if (quiet)
		pci_cfg_write32(f->bus, f->dev, f->fn, PCI_COMMAND, command);
	return sized;
}

/* A bridge's secondary bus joins the scan once (a loop of bus numbers
 * the firmware left behind cannot make it run for ever). */
static void queue_bus(struct scan *s, uint8_t bus)
{
	if (s->seen[bus] || s->tail >= PCI_BUSES)
		return;
	s->seen[bus] = true;
	s->queue[s->tail++] = bus;
}

static void record(struct scan *s, uint8_t bus, uint8_t dev, uint8_t fn, uint32_t id)
{
	struct pci_inventory *inv = s->inv;
	uint8_t header = (uint8_t)(pci_cfg_read32(bus, dev, fn, PCI_HEADER_TYPE & ~3u) >> 16);
	struct pci_function *f;

	if ((header & PCI_HEADER_TYPE_MASK) == PCI_HEADER_BRIDGE)
		queue_bus(s, (uint8_t)(pci_cfg_read32(bus, dev, fn, PCI_BRIDGE_BUSES) >> 8));
	if (inv->count == PCI_INVENTORY_MAX) {
		inv->missed++;
		return;
	}
	f = &inv->fn[inv->count++];
	*f = (struct pci_function){ .bus = bus, .dev = dev, .fn = fn,
				    .header_type = header & PCI_HEADER_TYPE_MASK,
				    .vendor = (uint16_t)id, .device = (uint16_t)(id >> 16),
				    .class_rev = pci_cfg_read32(bus, dev, fn, PCI_CLASS_REVISION) };
	inv->bars_sized += size_function(f);
}

/* Function 0 says whether functions 1-7 exist (its multifunction bit). */
static void scan_bus(struct scan *s, uint8_t bus)
{
	for (uint8_t dev = 0; dev < PCI_DEVS_PER_BUS; dev++) {
		unsigned fns = 1;

		for (uint8_t fn = 0; fn < fns; fn++) {
			uint32_t id = pci_cfg_read32(bus, dev, fn, PCI_VENDOR_ID);

			if ((id & 0xffff) == NO_FUNCTION)
				continue;
			if (fn == 0 && (pci_cfg_read32(bus, dev, 0, PCI_HEADER_TYPE & ~3u) >> 16) &
				       PCI_HEADER_MULTIFUNCTION)
				fns = PCI_FNS_PER_DEV;
			record(s, bus, dev, fn, id);
		}
	}
	s->inv->buses++;
}

void pci_inventory_scan(struct pci_inventory *inv)
{
	static struct scan s;	/* 512 bytes: off the boot stack */

	memset(inv, 0, sizeof(*inv));
	memset(&s, 0, sizeof(s));
	s.inv = inv;
	queue_bus(&s, 0);
	while (s.head < s.tail)
		scan_bus(&s, s.queue[s.head++]);
}

void pci_inventory_print(const struct pci_inventory *inv)
{
	kprintf("skiff: pci: %zu functions on %u bus%s, %u BARs sized", inv->count, inv->buses,
		inv->buses == 1 ? "" : "es", inv->bars_sized);
	if (inv->missed)
		kprintf("; %zu more beyond the table of %u: their BAR writes are refused",
			inv->missed, PCI_INVENTORY_MAX);
	kprintf("\n");
}

#ifndef SKIFF_HOST_TEST
uint32_t pci_cfg_read32(uint8_t bus, uint8_t dev, uint8_t fn, uint8_t reg)
{
	outl(PCI_CONFIG_ADDRESS, pci_config_address(bus, dev, fn, reg));
	return inl(PCI_CONFIG_DATA);
}

void pci_cfg_write32(uint8_t bus, uint8_t dev, uint8_t fn, uint8_t reg, uint32_t value)
{
	outl(PCI_CONFIG_ADDRESS, pci_config_address(bus, dev, fn, reg));
	outl(PCI_CONFIG_DATA, value);
}
#endif
