/*
 * The guest's PCI configuration writes (vm/pci_filter.h) against a model
 * of the hardware: the input builds an inventory, the memory skiff keeps,
 * the ports it intercepts, the FADT's reset register and every register's
 * value, then a sequence of writes.  Each write goes to the filter as
 * skiff's intercept hands it over (the dword before it, and the dwords
 * pci_filter_extra() names, read from the model); a write the filter
 * passes is applied to the model as the hardware would apply it: only a
 * register's writable bits change (a BAR's address bits above its size,
 * a ROM's enable bit, a window's address bits; the upper dwords of a
 * prefetchable window only when it is 64-bit).
 *
 * Input: a count of functions (1..12), then per function its address,
 * one of a few templates (host bridge, PIIX4 PM, ICH9 LPC, device,
 * PCI-to-PCI bridge, CardBus, any), a kind and size byte per BAR slot and
 * the ROM, and the registers' first values; 1..4 kept ranges; 0..4 port
 * ranges; the reset register; then writes (target, register, width,
 * value, reserved bits) until the input ends.  Past the end every value
 * reads 0.
 *
 * What is checked, independently of pci_filter.c:
 *   - no passed write makes a BAR, ROM (enabled) or bridge memory window
 *     decode a range that meets skiff's memory, or an I/O BAR ports skiff
 *     intercepts, unless that register decoded exactly that before; and
 *     when the first state had no such overlap, none ever appears (the
 *     invariant itself);
 *   - no passed write touches a host bridge's registers from 0x40 on, or
 *     the chipset base registers of PIIX4 function 3 and ICH9 LPC;
 *   - no passed write touches the BAR area (0x10-0x33, 0x38-0x3b) of a
 *     function the inventory lacks, and none passes with reserved bits in
 *     CONFIG_ADDRESS;
 *   - REBOOT exactly when the write puts RESET_VALUE in RESET_REG's byte
 *     (bus 0), and the filter's reason is a terminated string.
 */
#include "fuzz_support.h"

#include <string.h>

#include "vm/pci_filter.h"

#define MAX_FNS		12
#define MAX_KEPT	4
#define MAX_PORTS	4
#define MAX_WRITES	128
#define DWORDS		64	/* conventional configuration space */
#define BAR_AREA_END	0x34
#define ROM1_END	0x3c

enum template {
	T_HOST, T_PIIX4_PM, T_ICH9_LPC, T_DEVICE, T_BRIDGE, T_CARDBUS, T_ANY, TEMPLATES
};

struct model_fn {
	uint32_t regs[DWORDS];
	uint32_t wmask[DWORDS];
};

static struct pci_inventory inv;
static struct model_fn model[MAX_FNS];
static struct phys_range kept[MAX_KEPT];
static size_t kept_count;
static struct vm_port_range ports[MAX_PORTS];
static size_t port_count;
static struct pci_filter_config cfg;

/* ---- building the machine ---- */

static uint64_t bar_mask(uint8_t kind, unsigned log2)
{
	switch (kind) {
	case PCI_BAR_IO:	return ~((1ull << (2 + log2 % 7)) - 1) & 0xffffffffull;
	case PCI_BAR_MEM32:	return ~((1ull << (4 + log2 % 28)) - 1) & 0xffffffffull;
	case PCI_BAR_MEM64:	return ~((1ull << (4 + log2 % 44)) - 1);
	default:		return ~((1ull << (11 + log2 % 21)) - 1) & 0xffffffffull; /* ROM */
	}
}

static void add_bar(struct pci_function *f, struct model_fn *m, uint8_t reg, uint8_t kind,
		    uint64_t mask)
{
	f->bars[f->bar_count++] = (struct pci_bar){ .offset = reg, .kind = kind, .mask = mask };
	m->wmask[reg / 4] = kind == PCI_BAR_UNUSED ? 0 :
			    kind == PCI_BAR_MEM64_HIGH ? (uint32_t)(mask >> 32) :
			    kind == PCI_BAR_ROM ? (uint32_t)mask | PCI_ROM_ENABLE : (uint32_t)mask;
}

/* count BAR slots from reg, then the ROM at rom; their first values. */
static void build_bars(struct fuzz_in *in, struct pci_function *f, struct model_fn *m,
		       uint8_t reg, unsigned count, uint8_t rom)
{
	for (unsigned i = 0; i < count; i++, reg += 4) {
		uint8_t b = fuzz_u8(in), kind = b & 3;	/* unused, I/O, mem32, mem64 */
		uint64_t mask;

		if (kind == 3 && i + 1 == count)
			kind = PCI_BAR_MEM32;
		mask = kind ? bar_mask(kind, b >> 2) : 0;
		add_bar(f, m, reg, kind, mask);
		if (kind == PCI_BAR_MEM64) {
			add_bar(f, m, reg + 4, PCI_BAR_MEM64_HIGH, mask);
			i++, reg += 4;
		}
	}
	add_bar(f, m, rom, fuzz_bool(in) ? PCI_BAR_ROM : PCI_BAR_UNUSED,
		bar_mask(PCI_BAR_ROM, fuzz_u8(in)));
	/* BAR flag bits are read-only: the first values keep the kind's. */
	for (unsigned i = 0; i < f->bar_count; i++) {
		const struct pci_bar *b = &f->bars[i];
		uint32_t v = fuzz_u32(in) & m->wmask[b->offset / 4];

		m->regs[b->offset / 4] = v | (b->kind == PCI_BAR_IO ? PCI_BAR_SPACE_IO :
					      b->kind == PCI_BAR_MEM64 ? PCI_BAR_MEM_TYPE_64 : 0);
	}
}

static const struct { uint16_t vendor, device; uint32_t class_rev; uint8_t header; } templates[] = {
	[T_HOST]	= { 0x8086, 0x1237, 0x06000002, PCI_HEADER_NORMAL },
	[T_PIIX4_PM]	= { 0x8086, 0x7113, 0x06800003, PCI_HEADER_NORMAL },
	[T_ICH9_LPC]	= { 0x8086, 0x2918, 0x06010002, PCI_HEADER_NORMAL },
	[T_DEVICE]	= { 0x1234, 0x1111, 0x03000000, PCI_HEADER_NORMAL },
	[T_BRIDGE]	= { 0x8086, 0x244e, 0x06040001, PCI_HEADER_BRIDGE },
	[T_CARDBUS]	= { 0x104c, 0xac50, 0x06070000, PCI_HEADER_CARDBUS },
};

static void build_bridge_windows(struct fuzz_in *in, struct model_fn *m)
{
	bool pref64 = fuzz_bool(in);

	m->wmask[PCI_BRIDGE_MEM_BASE / 4] = 0xfff0fff0;
	m->wmask[PCI_BRIDGE_PREF_BASE / 4] = 0xfff0fff0;
	m->wmask[PCI_BRIDGE_PREF_BASE_UPPER / 4] = pref64 ? ~0u : 0;
	m->wmask[PCI_BRIDGE_PREF_LIMIT_UPPER / 4] = pref64 ? ~0u : 0;
	for (uint8_t r = PCI_BRIDGE_MEM_BASE; r <= PCI_BRIDGE_PREF_LIMIT_UPPER; r += 4)
		m->regs[r / 4] = fuzz_u32(in) & m->wmask[r / 4];
	m->regs[PCI_BRIDGE_PREF_BASE / 4] |= pref64 ? 1 : 0;	/* read-only capability */
}

static void build_function(struct fuzz_in *in)
{
	uint8_t bus = fuzz_u8(in) & 3, dev = fuzz_u8(in) & 31, fn = fuzz_u8(in) & 7;
	uint8_t t = fuzz_u8(in) % TEMPLATES;
	struct pci_function *f;
	struct model_fn *m;

	if (pci_inventory_find(&inv, bus, dev, fn)) {
		fuzz_u8(in);
		return;
	}
	f = &inv.fn[inv.count];
	m = &model[inv.count++];
	memset(m->wmask, 0xff, sizeof(m->wmask));
	memset(m->regs, fuzz_u8(in), sizeof(m->regs));
	*f = (struct pci_function){ .bus = bus, .dev = dev, .fn = fn };
	if (t == T_ANY) {
		f->vendor = fuzz_u16(in), f->device = fuzz_u16(in), f->class_rev = fuzz_u32(in);
		f->header_type = fuzz_u8(in) % 3;
	} else {
		f->vendor = templates[t].vendor, f->device = templates[t].device;
		f->class_rev = templates[t].class_rev, f->header_type = templates[t].header;
	}
	if (f->header_type == PCI_HEADER_NORMAL)
		build_bars(in, f, m, PCI_BAR0, PCI_NORMAL_BARS, PCI_NORMAL_ROM);
	if (f->header_type == PCI_HEADER_BRIDGE) {
		build_bars(in, f, m, PCI_BAR0, PCI_BRIDGE_BARS, PCI_BRIDGE_ROM);
		build_bridge_windows(in, m);
	}
}

static void build(struct fuzz_in *in)
{
	unsigned n = fuzz_u8(in) % MAX_FNS + 1;

	memset(&inv, 0, sizeof(inv));
	memset(model, 0, sizeof(model));
	for (unsigned i = 0; i < n; i++)
		build_function(in);
	kept_count = fuzz_u8(in) % MAX_KEPT + 1;
	for (size_t i = 0; i < kept_count; i++) {
		uint64_t base = fuzz_u64(in) >> (fuzz_u8(in) % 64);

		kept[i] = (struct phys_range){ base, base + (fuzz_u32(in) & 0x3ffffff) };
	}
	port_count = fuzz_u8(in) % (MAX_PORTS + 1);
	for (size_t i = 0; i < port_count; i++) {
		uint16_t first = fuzz_u16(in);
		uint16_t count = (uint16_t)(fuzz_u8(in) % 16 + 1);

		if ((uint32_t)first + count > 0x10000)
			first = (uint16_t)(0x10000 - count);
		ports[i] = (struct vm_port_range){ first, count, "port" };
	}
	cfg = (struct pci_filter_config){ .inv = &inv, .kept = kept, .kept_count = kept_count,
					  .ports = ports, .port_count = port_count };
	cfg.reset.present = fuzz_bool(in);
	cfg.reset.dev = fuzz_u8(in) & 31, cfg.reset.fn = fuzz_u8(in) & 7;
	cfg.reset.offset = fuzz_u8(in), cfg.reset.value = fuzz_u8(in);
}

/* ---- the model's decoded ranges ---- */

struct decoded {
	bool on, io;
	uint64_t base, last;
};

#define RANGES_MAX	(PCI_BARS_MAX + 2)

static bool meets_kept(uint64_t base, uint64_t last)
{
	for (size_t i = 0; i < kept_count; i++)
		if (kept[i].end > kept[i].base && base < kept[i].end && kept[i].base <= last)
			return true;
	return false;
}

static bool meets_ports(uint64_t base, uint64_t last)
{
	for (size_t i = 0; i < port_count; i++)
		if (base < (uint64_t)ports[i].first + ports[i].count && ports[i].first <= last)
			return true;
	return false;
}

static bool bad(const struct decoded *d)
{
	if (!d->on)
		return false;
	if (d->io)
		return d->base <= 0xffff && meets_ports(d->base, d->last);
	return meets_kept(d->base, d->last);
}

static struct decoded window(uint32_t base_limit, uint32_t upper_base, uint32_t upper_limit)
{
	uint64_t base = (uint64_t)(base_limit & 0xfff0) << 16 | (uint64_t)upper_base << 32;
	uint64_t limit = (uint64_t)(base_limit >> 20) << 20 | 0xfffff | (uint64_t)upper_limit << 32;

	return (struct decoded){ .on = base <= limit, .base = base, .last = limit };
}

/* What function i decodes, each BAR and window in a fixed slot. */
static void decode(size_t i, struct decoded out[RANGES_MAX])
{
	const struct pci_function *f = &inv.fn[i];
	const uint32_t *r = model[i].regs;

	memset(out, 0, sizeof(struct decoded) * RANGES_MAX);
	for (unsigned k = 0; k < f->bar_count; k++) {
		const struct pci_bar *b = &f->bars[k];
		uint64_t v = r[b->offset / 4], size = b->mask & (~b->mask + 1);

		if (b->kind == PCI_BAR_UNUSED || b->kind == PCI_BAR_MEM64_HIGH ||
		    (b->kind == PCI_BAR_ROM && !(v & PCI_ROM_ENABLE)))
			continue;
		if (b->kind == PCI_BAR_MEM64)
			v |= (uint64_t)r[b->offset / 4 + 1] << 32;
		out[k].on = true;
		out[k].io = b->kind == PCI_BAR_IO;
		out[k].base = v & b->mask;
		out[k].last = out[k].base + (size - 1);
	}
	if (f->header_type != PCI_HEADER_BRIDGE)
		return;
	out[PCI_BARS_MAX] = window(r[PCI_BRIDGE_MEM_BASE / 4], 0, 0);
	out[PCI_BARS_MAX + 1] = (r[PCI_BRIDGE_PREF_BASE / 4] & 0xf) == 1 ?
		window(r[PCI_BRIDGE_PREF_BASE / 4], r[PCI_BRIDGE_PREF_BASE_UPPER / 4],
		       r[PCI_BRIDGE_PREF_LIMIT_UPPER / 4]) :
		window(r[PCI_BRIDGE_PREF_BASE / 4], 0, 0);
}

static bool machine_clean(void)
{
	struct decoded d[RANGES_MAX];

	for (size_t i = 0; i < inv.count; i++) {
		decode(i, d);
		for (unsigned k = 0; k < RANGES_MAX; k++)
			if (bad(&d[k]))
				return false;
	}
	return true;
}

/* ---- the rules, restated ---- */

static bool touches(uint16_t first, unsigned size, uint16_t reg, unsigned len)
{
	return first < reg + len && reg < first + size;
}

static bool chipset_register(const struct pci_function *f, uint16_t first, unsigned size)
{
	if (f->vendor != 0x8086)
		return false;
	if (f->device == 0x7113)
		return touches(first, size, 0x40, 4) || touches(first, size, 0x80, 1) ||
		       touches(first, size, 0x90, 4);
	if (f->device >= 0x2912 && f->device <= 0x2919 && f->device != 0x2913 &&
	    f->device != 0x2915)
		return touches(first, size, 0x40, 5) || touches(first, size, 0x48, 5) ||
		       touches(first, size, 0xf0, 4);
	return false;
}

static bool is_reset(const struct pci_cfg_write *w, uint32_t merged)
{
	uint16_t first = pci_address_reg(w->address) + w->byte;

	return cfg.reset.present && pci_address_bus(w->address) == 0 &&
	       pci_address_dev(w->address) == cfg.reset.dev &&
	       pci_address_fn(w->address) == cfg.reset.fn &&
	       touches(first, w->size, cfg.reset.offset, 1) &&
	       (uint8_t)(merged >> (8 * (cfg.reset.offset & 3))) == cfg.reset.value;
}

static void check_passed(const struct pci_cfg_write *w, long i, bool clean)
{
	uint16_t first = pci_address_reg(w->address) + w->byte;
	struct decoded before[RANGES_MAX], after[RANGES_MAX];
	const struct pci_function *f;
	struct model_fn *m;
	uint32_t merged = pci_cfg_write_merge(w), *reg;

	fuzz_check(!(w->address & PCI_CONFIG_RESERVED), "passed with reserved bits: 0x%x",
		   w->address);
	if (i < 0) {
		fuzz_check(!touches(first, w->size, PCI_BAR0, BAR_AREA_END - PCI_BAR0) &&
			   !touches(first, w->size, PCI_BRIDGE_ROM, ROM1_END - PCI_BRIDGE_ROM),
			   "passed a BAR write at 0x%x to a function not in the inventory", first);
		return;
	}
	f = &inv.fn[i];
	m = &model[i];
	fuzz_check(!(f->class_rev >> 16 == PCI_CLASS_BRIDGE_HOST && first + w->size > 0x40),
		   "passed a write at 0x%x of a host bridge", first);
	fuzz_check(!chipset_register(f, first, w->size), "passed a write at 0x%x of %04x:%04x",
		   first, f->vendor, f->device);
	decode((size_t)i, before);
	reg = &m->regs[pci_address_reg(w->address) / 4];
	*reg = (*reg & ~m->wmask[pci_address_reg(w->address) / 4]) |
	       (merged & m->wmask[pci_address_reg(w->address) / 4]);
	decode((size_t)i, after);
	for (unsigned k = 0; k < RANGES_MAX; k++) {
		bool same = before[k].on == after[k].on && before[k].base == after[k].base &&
			    before[k].last == after[k].last;

		fuzz_check(same || !bad(&after[k]),
			   "write 0x%x (%u bytes at 0x%x) of %02x:%02x.%x left range %u at "
			   "0x%llx-0x%llx over skiff's", w->value, w->size, first, f->bus, f->dev,
			   f->fn, k, (unsigned long long)after[k].base,
			   (unsigned long long)after[k].last);
	}
	fuzz_check(!clean || machine_clean(), "a clean machine is no longer clean");
}

static void one_write(struct fuzz_in *in, bool clean)
{
	uint8_t sel = fuzz_u8(in), reg = fuzz_u8(in), width = fuzz_u8(in);
	uint32_t value = fuzz_u32(in);
	uint8_t size = width % 3 == 0 ? 1 : width % 3 == 1 ? 2 : 4;
	struct pci_cfg_write w = { .size = size, .value = value };
	uint8_t regs[PCI_FILTER_EXTRA_MAX];
	const struct pci_function *f;
	struct pci_filter_result r;
	long i;
	size_t n;

	w.byte = size == 4 ? 0 : size == 2 ? reg & 2 : reg & 3;
	if (sel < 0xf0) {
		f = &inv.fn[sel % inv.count];
		w.address = pci_config_address(f->bus, f->dev, f->fn, reg);
	} else {
		w.address = pci_config_address(fuzz_u8(in) & 3, fuzz_u8(in) & 31, fuzz_u8(in) & 7, reg);
	}
	f = pci_inventory_find(&inv, pci_address_bus(w.address), pci_address_dev(w.address),
			       pci_address_fn(w.address));
	i = f ? f - inv.fn : -1;
	if (width & 0x80)
		w.address |= (uint32_t)(fuzz_u8(in) | 1) << 24 & PCI_CONFIG_RESERVED;
	w.cur = i >= 0 ? model[i].regs[reg / 4] : fuzz_u32(in);
	n = pci_filter_extra(&cfg, &w, regs);
	fuzz_check(n <= PCI_FILTER_EXTRA_MAX, "pci_filter_extra() = %zu", n);
	for (size_t k = 0; k < n; k++) {
		fuzz_check(i >= 0 && regs[k] % 4 == 0 && regs[k] < 0x40,
			   "pci_filter_extra() named 0x%x", regs[k]);
		w.extra[k] = model[i].regs[regs[k] / 4];
	}
	r = pci_filter_write(&cfg, &w);
	fuzz_check(memchr(r.why, 0, sizeof(r.why)) != NULL, "reason not terminated");
	fuzz_check(r.verdict == PCI_FILTER_PASS || r.verdict == PCI_FILTER_REFUSE ||
		   r.verdict == PCI_FILTER_REBOOT, "verdict %d", r.verdict);
	if (!(w.address & PCI_CONFIG_RESERVED))
		fuzz_check((r.verdict == PCI_FILTER_REBOOT) == is_reset(&w, pci_cfg_write_merge(&w)),
			   "verdict %d for a write %s the reset register", r.verdict,
			   is_reset(&w, pci_cfg_write_merge(&w)) ? "to" : "not to");
	if (r.verdict == PCI_FILTER_PASS)
		check_passed(&w, i, clean);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_in in = { data, size };
	bool clean;

	fuzz_log_reset();
	build(&in);
	clean = machine_clean();
	for (unsigned k = 0; k < MAX_WRITES && in.n; k++)
		one_write(&in, clean);
	return 0;
}
