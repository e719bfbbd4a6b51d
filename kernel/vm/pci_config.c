/*
 * The guest's PCI configuration mechanism #1 (PCI Local Bus 3.0,
 * 3.2.2.3.2): CONFIG_ADDRESS (a dword at 0xcf8) is latched and passed to
 * the hardware; CONFIG_DATA (0xcfc-0xcff) reads pass, writes go through
 * the filter (vm/pci_filter.h) and then to the hardware, or are dropped
 * and reported.  A refused write is the guest's doing, not a crash: the
 * guest runs on and finds the register as it was.
 */
#include "iommu.h"
#include "lib/printf.h"
#include "lib/string.h"
#include "vm/vm.h"

#define CONFIG_DATA_PORTS	4
#define DWORD			4

void vm_pci_init(struct vm *vm, const struct mm_layout *layout, const struct pci_reset_reg *reset)
{
	struct vm_pci *pci = &vm->pci;
	size_t ports, kept;

	pci_inventory_scan(&pci->inv);
	pci_inventory_print(&pci->inv);
	for (kept = 0; kept < layout->skiff_count; kept++)
		pci->kept[kept] = layout->skiff[kept].range;
	/* A BAR over an IOMMU's registers would take skiff's own accesses
	 * to them, as one over its memory would. */
	kept += iommu_register_ranges(pci->kept + kept, VM_PCI_KEPT_MAX - kept);
	vm_ports_kept(&vm->ports, pci->ports);
	ports = VM_PORT_RANGES + vm_platform_ranges(&vm->platform, pci->ports + VM_PORT_RANGES,
						    VM_PLATFORM_RANGES_MAX);
	pci->filter = (struct pci_filter_config){
		.inv = &pci->inv, .kept = pci->kept, .kept_count = kept,
		.ports = pci->ports, .port_count = ports, .reset = *reset };
	pci->address = 0;
}

bool vm_pci_covers(uint16_t port, unsigned size)
{
	return (port == PCI_CONFIG_ADDRESS && size == DWORD) ||
	       ((uint32_t)port < PCI_CONFIG_DATA + CONFIG_DATA_PORTS &&
		(uint32_t)port + size > PCI_CONFIG_DATA);
}

static uint32_t read_dword(uint32_t address, uint8_t reg)
{
	outl(PCI_CONFIG_ADDRESS, (address & ~PCI_CONFIG_REG_MASK) | reg);
	return inl(PCI_CONFIG_DATA);
}

/* The filter's verdict on an OUT to CONFIG_DATA, under vm->lock; the
 * write done when it passes. */
static struct pci_filter_result data_write(struct vm_pci *pci, uint16_t port, unsigned size,
					   uint32_t value)
{
	struct pci_cfg_write w = { .address = pci->address, .byte = (uint8_t)(port - PCI_CONFIG_DATA),
				   .size = (uint8_t)size, .value = value };
	uint8_t regs[PCI_FILTER_EXTRA_MAX];
	struct pci_filter_result r;
	size_t n;

	w.cur = read_dword(w.address, pci_address_reg(w.address));
	n = pci_filter_extra(&pci->filter, &w, regs);
	for (size_t i = 0; i < n; i++)
		w.extra[i] = read_dword(w.address, regs[i]);
	r = pci_filter_write(&pci->filter, &w);
	outl(PCI_CONFIG_ADDRESS, pci->address);
	if (r.verdict == PCI_FILTER_PASS)
		vm_port_pass(port, size, false, &value);
	return r;
}

/* An access within CONFIG_DATA.  With CONFIG_ADDRESS's enable bit clear
 * the hardware makes no configuration cycle of it: an ordinary I/O
 * access, passed as it is. */
static void data_io(struct vcpu *v, uint16_t port, unsigned size, bool in, uint32_t *value)
{
	struct vm *vm = v->vm;
	struct pci_filter_result r = { .verdict = PCI_FILTER_PASS };
	uint32_t address;
	char what[80];

	spin_lock(&vm->lock);
	address = vm->pci.address;
	if (in || !(address & PCI_CONFIG_ENABLE)) {
		outl(PCI_CONFIG_ADDRESS, address);
		vm_port_pass(port, size, in, value);
	} else {
		r = data_write(&vm->pci, port, size, *value);
	}
	spin_unlock(&vm->lock);
	if (r.verdict == PCI_FILTER_REBOOT)
		vm_guest_rebooted(v, r.why);
	if (r.verdict != PCI_FILTER_REFUSE)
		return;
	fmt_snprintf(what, sizeof(what), "PCI configuration write (%u byte%s) to %02x:%02x.%x offset 0x%x",
		     size, size == 1 ? "" : "s", pci_address_bus(address), pci_address_dev(address), pci_address_fn(address),
		     pci_address_reg(address) + (port - PCI_CONFIG_DATA));
	vm_refused(v, what, *value, r.why);
}

/* An access that is only partly CONFIG_DATA (a word at 0xcfb, a dword at
 * 0xcfe) reaches the hardware as the bus splits it: byte by byte, each
 * where it falls. */
static void split_io(struct vcpu *v, uint16_t port, unsigned size, bool in, uint32_t *value)
{
	uint32_t data = in ? 0 : *value;

	for (unsigned k = 0; k < size; k++) {
		uint16_t at = (uint16_t)(port + k);
		uint32_t byte = (data >> (8 * k)) & 0xff;

		if (vm_pci_covers(at, 1))
			data_io(v, at, 1, in, &byte);
		else if (vm_platform_covers(&v->vm->platform, at, 1))
			vm_handle_port_io(v, at, 1, in, &byte);
		else
			vm_port_pass(at, 1, in, &byte);
		if (in)
			data |= (byte & 0xff) << (8 * k);
	}
	if (in)
		*value = data;
}

void vm_pci_io(struct vcpu *v, uint16_t port, unsigned size, bool in, uint32_t *value)
{
	struct vm *vm = v->vm;

	if (port == PCI_CONFIG_ADDRESS && size == DWORD) {
		spin_lock(&vm->lock);
		if (in) {
			outl(PCI_CONFIG_ADDRESS, vm->pci.address);
			*value = inl(PCI_CONFIG_ADDRESS);
		} else {
			vm->pci.address = *value;
			outl(PCI_CONFIG_ADDRESS, *value);
		}
		spin_unlock(&vm->lock);
	} else if (port >= PCI_CONFIG_DATA && port + size <= PCI_CONFIG_DATA + CONFIG_DATA_PORTS) {
		data_io(v, port, size, in, value);
	} else {
		split_io(v, port, size, in, value);
	}
}

/* ---- the memory-mapped window (ECAM) ---- */

#define EXTENDED_REG	0x100	/* PCI Express extended configuration space */
#define ECAM_MAPPED_END	(4ull << 30)	/* skiff's own map covers MMIO below 4 GiB (mm.c) */

static uint32_t ecam_read32(uint64_t dword_pa)
{
	return *(volatile uint32_t *)(uintptr_t)dword_pa;
}

/* One write of size bytes, inside one dword, at register reg of the
 * function at fn_pa (the ECAM address of its register 0): judged as the
 * port path judges it, with the dwords read through the window. */
static struct pci_filter_result ecam_dword_write(struct vm_pci *pci, uint64_t fn_pa,
						 const struct vm_platform_event *e, uint16_t reg,
						 unsigned size, uint32_t value)
{
	struct pci_cfg_write w = {
		.address = pci_config_address(e->bus, e->dev, e->fn, (uint8_t)reg),
		.byte = reg & 3, .size = (uint8_t)size, .value = value,
		.cur = ecam_read32(fn_pa + (reg & PCI_CONFIG_REG_MASK)),
	};
	uint8_t regs[PCI_FILTER_EXTRA_MAX];
	size_t n = pci_filter_extra(&pci->filter, &w, regs);

	for (size_t i = 0; i < n; i++)
		w.extra[i] = ecam_read32(fn_pa + regs[i]);
	return pci_filter_write(&pci->filter, &w);
}

/* The extended registers (0x100 on) hold no BAR and no decoding of the
 * standard header; a host bridge's are its chipset's, as its registers
 * from 0x40 on are (vm/pci_filter.h). */
static struct pci_filter_result ecam_extended(const struct vm_pci *pci,
					      const struct vm_platform_event *e)
{
	const struct pci_function *f = pci_inventory_find(&pci->inv, e->bus, e->dev, e->fn);
	struct pci_filter_result r = { .verdict = PCI_FILTER_PASS };

	if (f && pci_function_class(f) == PCI_CLASS_BRIDGE_HOST) {
		r.verdict = PCI_FILTER_REFUSE;
		fmt_snprintf(r.why, sizeof(r.why), "the host bridge's registers are the chipset's");
	} else if (f && pci_function_class(f) == PCI_CLASS_IOMMU) {
		r.verdict = PCI_FILTER_REFUSE;
		fmt_snprintf(r.why, sizeof(r.why), "the IOMMU's configuration space is skiff's");
	}
	return r;
}

struct pci_filter_result vm_pci_ecam_write(struct vm *vm, const struct vm_mmio_trap *t,
					   const struct vm_platform_event *e, uint64_t gpa,
					   unsigned size, uint64_t value)
{
	struct pci_filter_result r = { .verdict = PCI_FILTER_REFUSE };
	uint64_t fn_pa = gpa - e->reg;

	if (t->segment != 0) {
		fmt_snprintf(r.why, sizeof(r.why), "skiff knows the devices of PCI segment 0 only");
	} else if (gpa + size > ECAM_MAPPED_END) {
		fmt_snprintf(r.why, sizeof(r.why), "skiff maps no ECAM above 4 GiB for itself");
	} else if ((e->reg & (size - 1)) != 0) {
		fmt_snprintf(r.why, sizeof(r.why), "a %u-byte write not aligned to its size", size);
	} else if (e->reg >= EXTENDED_REG) {
		r = ecam_extended(&vm->pci, e);
	} else if (size == 8) {	/* two dwords, low first, as the bus would split it */
		r = ecam_dword_write(&vm->pci, fn_pa, e, e->reg, 4, (uint32_t)value);
		if (r.verdict == PCI_FILTER_PASS)
			*(volatile uint32_t *)(uintptr_t)gpa = (uint32_t)value;
		if (r.verdict == PCI_FILTER_PASS)
			r = ecam_dword_write(&vm->pci, fn_pa, e, (uint16_t)(e->reg + 4), 4,
					     (uint32_t)(value >> 32));
		if (r.verdict == PCI_FILTER_PASS)
			*(volatile uint32_t *)(uintptr_t)(gpa + 4) = (uint32_t)(value >> 32);
		return r;
	} else {
		r = ecam_dword_write(&vm->pci, fn_pa, e, e->reg, size, (uint32_t)value);
	}
	if (r.verdict == PCI_FILTER_PASS)
		vm_mmio_store(gpa, size, value);
	return r;
}
