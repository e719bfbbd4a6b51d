/* The guest's PCI configuration writes; see pci_filter.h. */
#include <stdarg.h>

#include "lib/printf.h"
#include "vm/pci_filter.h"

#define IO_PORT_LIMIT		0x10000ull
#define WINDOW_GRANULE_BITS	20	/* bridge memory windows: 1 MiB */
#define WINDOW_ADDR_MASK	0xfff0u	/* base/limit bits 15:4: address bits 31:20 */
#define WINDOW_CAP_MASK		0xfu
#define WINDOW_CAP_64		0x1u	/* prefetchable window with upper 32 bits */
#define BAR_AREA_FIRST		PCI_BAR0
#define BAR_AREA_END		0x34	/* BARs, bridge windows, type 0 ROM */
#define BRIDGE_ROM_END		(PCI_BRIDGE_ROM + 4)

/*
 * Registers that move or switch the chipset's own fixed I/O (the ACPI PM
 * block with PM1a_CNT, GPIO, SMBus) or its memory-mapped register blocks.
 * Every write to them is refused.
 */
struct chipset_reg {
	uint8_t offset, len;
	const char *name;
};

#define CHIPSET_REGS_MAX	5

struct chipset_fn {
	uint16_t vendor, device;
	const char *name;
	const struct chipset_reg *regs;
};

#define VENDOR_INTEL		0x8086

/* 82371AB PIIX4 datasheet, function 3 (power management): PMBA 40h,
 * PMREGMISC 80h (bit 0 PMIOSE enables the PM I/O space), SMBBA 90h. */
static const struct chipset_reg piix4_pm_regs[CHIPSET_REGS_MAX] = {
	{ 0x40, 4, "PMBA (power management base address)" },
	{ 0x80, 1, "PMREGMISC (PM I/O space enable)" },
	{ 0x90, 4, "SMBBA (SMBus base address)" },
};

/* ICH9 datasheet, LPC interface D31:F0: PMBASE 40h, ACPI_CNTL 44h,
 * GPIOBASE 48h, GC 4Ch (GPIO control), RCBA F0h (root complex base). */
static const struct chipset_reg ich9_lpc_regs[CHIPSET_REGS_MAX] = {
	{ 0x40, 4, "PMBASE (ACPI base address)" },
	{ 0x44, 1, "ACPI_CNTL (ACPI control)" },
	{ 0x48, 4, "GPIOBASE (GPIO base address)" },
	{ 0x4c, 1, "GC (GPIO control)" },
	{ 0xf0, 4, "RCBA (root complex base address)" },
};

static const struct chipset_fn chipset_fns[] = {
	{ VENDOR_INTEL, 0x7113, "PIIX4 power management function", piix4_pm_regs },
	{ VENDOR_INTEL, 0x2912, "ICH9DH LPC interface", ich9_lpc_regs },
	{ VENDOR_INTEL, 0x2914, "ICH9DO LPC interface", ich9_lpc_regs },
	{ VENDOR_INTEL, 0x2916, "ICH9R LPC interface", ich9_lpc_regs },
	{ VENDOR_INTEL, 0x2917, "ICH9M-E LPC interface", ich9_lpc_regs },
	{ VENDOR_INTEL, 0x2918, "ICH9 LPC interface", ich9_lpc_regs },
	{ VENDOR_INTEL, 0x2919, "ICH9M LPC interface", ich9_lpc_regs },
};

#define CHIPSET_FNS	(sizeof(chipset_fns) / sizeof(chipset_fns[0]))

static struct pci_filter_result pass(void)
{
	return (struct pci_filter_result){ .verdict = PCI_FILTER_PASS };
}

__attribute__((format(printf, 1, 2)))
static struct pci_filter_result refuse(const char *fmt, ...)
{
	struct pci_filter_result r = { .verdict = PCI_FILTER_REFUSE };
	va_list ap;

	va_start(ap, fmt);
	fmt_vsnprintf(r.why, sizeof(r.why), fmt, ap);
	va_end(ap);
	return r;
}

uint32_t pci_cfg_write_merge(const struct pci_cfg_write *w)
{
	uint32_t mask = w->size >= 4 ? ~0u : (1u << (8 * w->size)) - 1;
	unsigned shift = 8 * (w->byte & 3);

	return (w->cur & ~(mask << shift)) | ((w->value & mask) << shift);
}

/* Whether the written bytes [first, first + size) meet [reg, reg + len). */
static bool writes(uint16_t first, unsigned size, uint16_t reg, unsigned len)
{
	return first < reg + len && reg < first + size;
}

static const struct pci_function *target(const struct pci_filter_config *c, uint32_t address)
{
	return pci_inventory_find(c->inv, pci_address_bus(address), pci_address_dev(address),
				  pci_address_fn(address));
}

size_t pci_filter_extra(const struct pci_filter_config *c, const struct pci_cfg_write *w,
			uint8_t regs[PCI_FILTER_EXTRA_MAX])
{
	uint8_t reg = pci_address_reg(w->address);
	const struct pci_function *f = target(c, w->address);
	const struct pci_bar *bar;

	if (!f || (w->address & PCI_CONFIG_RESERVED))
		return 0;
	bar = pci_function_bar(f, reg);
	if (bar && bar->kind == PCI_BAR_MEM64) {
		regs[0] = reg + PCI_BAR_STRIDE;
		return 1;
	}
	if (bar && bar->kind == PCI_BAR_MEM64_HIGH) {
		regs[0] = reg - PCI_BAR_STRIDE;
		return 1;
	}
	if (f->header_type == PCI_HEADER_BRIDGE && reg == PCI_BRIDGE_IO_BASE) {
		regs[0] = PCI_BRIDGE_IO_UPPER;	/* the I/O window: its other dword */
		return 1;
	}
	if (f->header_type == PCI_HEADER_BRIDGE && reg == PCI_BRIDGE_IO_UPPER) {
		regs[0] = PCI_BRIDGE_IO_BASE;
		return 1;
	}
	if (f->header_type != PCI_HEADER_BRIDGE || reg < PCI_BRIDGE_PREF_BASE ||
	    reg > PCI_BRIDGE_PREF_LIMIT_UPPER)
		return 0;
	/* The prefetchable window: the two of 0x24, 0x28, 0x2c not written. */
	for (uint8_t r = PCI_BRIDGE_PREF_BASE, n = 0; r <= PCI_BRIDGE_PREF_LIMIT_UPPER; r += 4)
		if (r != reg)
			regs[n++] = r;
	return 2;
}

/* The kept range that [base, last] meets, or NULL. */
static const struct phys_range *kept_overlap(const struct pci_filter_config *c, uint64_t base,
					     uint64_t last)
{
	for (size_t i = 0; i < c->kept_count; i++) {
		const struct phys_range *k = &c->kept[i];

		if (!range_is_empty(*k) && base < k->end && k->base <= last)
			return k;
	}
	return NULL;
}

static const struct vm_port_range *port_overlap(const struct pci_filter_config *c, uint64_t base,
						uint64_t last)
{
	for (size_t i = 0; i < c->port_count; i++) {
		const struct vm_port_range *p = &c->ports[i];

		if (p->count && base < (uint64_t)p->first + p->count && p->first <= last)
			return p;
	}
	return NULL;
}

static const char *const bar_kind_names[] = {
	[PCI_BAR_UNUSED] = "unused", [PCI_BAR_IO] = "I/O", [PCI_BAR_MEM32] = "mem32",
	[PCI_BAR_MEM64] = "mem64", [PCI_BAR_MEM64_HIGH] = "mem64", [PCI_BAR_ROM] = "ROM",
};

/* A memory range [base, last] the register would decode: refused over
 * skiff's memory. */
static struct pci_filter_result check_memory(const struct pci_filter_config *c, const char *what,
					     uint8_t reg, uint64_t base, uint64_t last)
{
	struct pci_filter_result r = pass();
	const struct phys_range *k = kept_overlap(c, base, last);

	if (k)
		r = refuse("%s 0x%x would decode 0x%lx-0x%lx, over skiff's memory 0x%lx-0x%lx", what,
		       reg, base, last, k->base, k->end - 1);
	return r;
}

static struct pci_filter_result check_bar(const struct pci_filter_config *c,
					  const struct pci_function *f, const struct pci_bar *bar,
					  const struct pci_cfg_write *w, uint32_t merged)
{
	struct pci_filter_result r = pass();
	const struct vm_port_range *p;
	uint64_t value = merged, base, size;
	char what[16];

	if (bar->kind == PCI_BAR_MEM64)
		value |= (uint64_t)w->extra[0] << 32;
	if (bar->kind == PCI_BAR_MEM64_HIGH) {
		value = (uint64_t)merged << 32 | w->extra[0];
		bar = pci_function_bar(f, bar->offset - PCI_BAR_STRIDE);
	}
	if (!bar || bar->kind == PCI_BAR_UNUSED ||
	    (bar->kind == PCI_BAR_ROM && !(merged & PCI_ROM_ENABLE)))
		return r;
	base = value & bar->mask;
	size = pci_bar_size(bar);
	fmt_snprintf(what, sizeof(what), "%s BAR", bar_kind_names[bar->kind]);
	if (bar->kind != PCI_BAR_IO)
		return check_memory(c, what, bar->offset, base, base + (size - 1));
	if (base < IO_PORT_LIMIT && (p = port_overlap(c, base, base + (size - 1))))
		r = refuse("I/O BAR 0x%x would decode ports 0x%lx-0x%lx, over skiff's %s",
		       bar->offset, base, base + (size - 1), p->name);
	return r;
}

/* A type-1 header's memory window (0x20) or prefetchable window (0x24,
 * with 0x28 and 0x2c when it is 64-bit), PCI-to-PCI Bridge 1.2, 3.2.5.8
 * and 3.2.5.9: base and limit in 1 MiB units; base above limit is off. */
static struct pci_filter_result check_window(const struct pci_filter_config *c,
					     const struct pci_cfg_write *w, uint32_t merged)
{
	uint8_t reg = pci_address_reg(w->address);
	uint32_t d[3], cap;	/* 0x24, 0x28, 0x2c */
	uint64_t base, limit;

	if (reg == PCI_BRIDGE_MEM_BASE) {
		base = (uint64_t)(merged & WINDOW_ADDR_MASK) << 16;
		limit = (uint64_t)((merged >> 16) & WINDOW_ADDR_MASK) << 16 |
			((1u << WINDOW_GRANULE_BITS) - 1);
		if (base > limit)
			return pass();
		return check_memory(c, "memory window", reg, base, limit);
	}
	for (unsigned i = 0, e = 0; i < 3; i++)
		d[i] = PCI_BRIDGE_PREF_BASE + 4 * i == reg ? merged : w->extra[e++];
	/* Bits 3:0 say whether the window has upper dwords; they are read-only,
	 * so the register's own, not the written ones, count. */
	cap = (reg == PCI_BRIDGE_PREF_BASE ? w->cur : d[0]) & WINDOW_CAP_MASK;
	base = (uint64_t)(d[0] & WINDOW_ADDR_MASK) << 16;
	limit = (uint64_t)((d[0] >> 16) & WINDOW_ADDR_MASK) << 16 | ((1u << WINDOW_GRANULE_BITS) - 1);
	if (cap == WINDOW_CAP_64) {
		base |= (uint64_t)d[1] << 32;
		limit |= (uint64_t)d[2] << 32;
	}
	if (base > limit)
		return pass();
	return check_memory(c, "prefetchable window", PCI_BRIDGE_PREF_BASE, base, limit);
}

/*
 * A type-1 header's I/O window (PCI-to-PCI Bridge 1.2, 3.2.5.6): I/O base
 * (0x1c) and limit (0x1d), bits 7:4 address bits 15:12, bits 3:0 read-only,
 * 1 when the window has upper 16 bits (0x30 base, 0x32 limit); 4 KiB
 * granules; base above limit is off.  The bridge claims those ports from
 * its primary bus before subtractive decoding does, skiff's own accesses
 * included: refused over the ports skiff keeps (COM1, the reset ports).
 */
#define IO_WINDOW_ADDR_MASK	0xf0u
#define IO_WINDOW_CAP_MASK	0x0fu
#define IO_WINDOW_CAP_32	0x01u

static struct pci_filter_result check_io_window(const struct pci_filter_config *c,
						const struct pci_cfg_write *w, uint32_t merged)
{
	uint8_t reg = pci_address_reg(w->address);
	uint32_t low = reg == PCI_BRIDGE_IO_BASE ? merged : w->extra[0];
	uint32_t upper = reg == PCI_BRIDGE_IO_UPPER ? merged : w->extra[0];
	uint32_t cap = (reg == PCI_BRIDGE_IO_BASE ? w->cur : low) & IO_WINDOW_CAP_MASK;
	uint64_t base = (uint64_t)(low & IO_WINDOW_ADDR_MASK) << 8;
	uint64_t limit = (uint64_t)((low >> 8) & IO_WINDOW_ADDR_MASK) << 8 | 0xfff;
	const struct vm_port_range *p;

	if (cap == IO_WINDOW_CAP_32) {
		base |= (uint64_t)(upper & 0xffff) << 16;
		limit |= (uint64_t)(upper >> 16) << 16;
	}
	if (base > limit || base >= IO_PORT_LIMIT)
		return pass();
	p = port_overlap(c, base, limit);
	if (p)
		return refuse("I/O window 0x%x would decode ports 0x%lx-0x%lx, over skiff's %s", reg,
			      base, limit, p->name);
	return pass();
}

/* The ACPI reset register's byte, written with RESET_VALUE. */
static bool resets(const struct pci_filter_config *c, const struct pci_cfg_write *w,
		   uint32_t merged)
{
	const struct pci_reset_reg *rr = &c->reset;
	uint16_t first = pci_address_reg(w->address) + w->byte;

	return rr->present && pci_address_bus(w->address) == 0 &&
	       pci_address_dev(w->address) == rr->dev && pci_address_fn(w->address) == rr->fn &&
	       writes(first, w->size, rr->offset, 1) &&
	       (uint8_t)(merged >> (8 * (rr->offset & 3))) == rr->value;
}

static struct pci_filter_result check_chipset(const struct pci_function *f, uint16_t first,
					      unsigned size)
{
	struct pci_filter_result r = pass();

	for (size_t i = 0; i < CHIPSET_FNS; i++) {
		const struct chipset_fn *cf = &chipset_fns[i];

		if (cf->vendor != f->vendor || cf->device != f->device)
			continue;
		for (unsigned k = 0; k < CHIPSET_REGS_MAX && cf->regs[k].name; k++)
			if (writes(first, size, cf->regs[k].offset, cf->regs[k].len))
				return refuse("%s, 0x%x, of the %s is skiff's", cf->regs[k].name,
					      cf->regs[k].offset, cf->name);
	}
	return r;
}

/* What the write does to the function found in the inventory. */
static struct pci_filter_result check_function(const struct pci_filter_config *c,
					       const struct pci_function *f,
					       const struct pci_cfg_write *w, uint32_t merged)
{
	struct pci_filter_result r = pass();
	uint8_t reg = pci_address_reg(w->address);
	uint16_t first = reg + w->byte;
	const struct pci_bar *bar;

	if (pci_function_class(f) == PCI_CLASS_BRIDGE_HOST && first + w->size > PCI_HEADER_END)
		return refuse("a host bridge's registers from 0x40 on (memory decoding, SMRAM, "
			      "PAM, PCIEXBAR) are skiff's");
	/* Its capability block moves and enables the registers that say what
	 * every device may reach by DMA; its command register is its own bus
	 * mastering, the table walks' path. */
	if (pci_function_class(f) == PCI_CLASS_IOMMU)
		return refuse("the IOMMU's configuration space is skiff's");
	r = check_chipset(f, first, w->size);
	if (r.verdict != PCI_FILTER_PASS)
		return r;
	if (f->header_type != PCI_HEADER_NORMAL && f->header_type != PCI_HEADER_BRIDGE)
		return r;
	bar = pci_function_bar(f, reg);
	if (bar)
		return check_bar(c, f, bar, w, merged);
	if (f->header_type == PCI_HEADER_BRIDGE && reg >= PCI_BRIDGE_MEM_BASE &&
	    reg <= PCI_BRIDGE_PREF_LIMIT_UPPER)
		return check_window(c, w, merged);
	if (f->header_type == PCI_HEADER_BRIDGE &&
	    (reg == PCI_BRIDGE_IO_BASE || reg == PCI_BRIDGE_IO_UPPER))
		return check_io_window(c, w, merged);
	return r;
}

struct pci_filter_result pci_filter_write(const struct pci_filter_config *c,
					  const struct pci_cfg_write *w)
{
	struct pci_filter_result r = pass();
	uint16_t first = pci_address_reg(w->address) + w->byte;
	uint32_t merged = pci_cfg_write_merge(w);
	const struct pci_function *f;

	if (w->address & PCI_CONFIG_RESERVED)
		return refuse("CONFIG_ADDRESS 0x%x has reserved bits (30:24) set", w->address);
	if (resets(c, w, merged)) {
		r.verdict = PCI_FILTER_REBOOT;
		fmt_snprintf(r.why, sizeof(r.why),
			     "ACPI reset register (0x%02x to PCI 00:%02x.%x offset 0x%02x)",
			     c->reset.value, c->reset.dev, c->reset.fn, c->reset.offset);
		return r;
	}
	f = target(c, w->address);
	if (f)
		return check_function(c, f, w, merged);
	if (writes(first, w->size, BAR_AREA_FIRST, BAR_AREA_END - BAR_AREA_FIRST) ||
	    writes(first, w->size, PCI_BRIDGE_ROM, BRIDGE_ROM_END - PCI_BRIDGE_ROM))
		r = refuse("%02x:%02x.%x is not in skiff's PCI inventory: its BARs stay as they are",
		       pci_address_bus(w->address), pci_address_dev(w->address),
		       pci_address_fn(w->address));
	return r;
}
