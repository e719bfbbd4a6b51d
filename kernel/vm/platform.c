/* See platform.h. */
#include "lib/printf.h"
#include "vm/platform.h"

/* 8042 "pulse output port" commands 0xf0-0xff: a 0 in bits 3:0 pulses
 * that output line; line 0 is the CPU reset (the IBM PC/AT's wiring). */
#define KBC_PULSE_FIRST		0xf0
#define KBC_PULSE_RESET_LINE	0x01
/* 8042 command 0xd1 "write output port": the next data byte is the output
 * port, whose bit 0 is the CPU reset line, asserted when 0. */
#define KBC_WRITE_OUTPUT	0xd1
#define KBC_OUTPUT_NO_RESET	0x01
#define SYSCTL_A_FAST_RESET	0x01
/* Reset control register: SYS_RST (bit 1) chooses a full reset, RST_CPU
 * (bit 2) going 0 -> 1 starts it. */
#define RESET_CONTROL_RST_CPU	0x04
/* PM1_CNT: SLP_TYP in bits 12:10, SLP_EN bit 13 (ACPI 6.4 4.8.3.2.1). */
#define PM1_SLP_EN_BYTE1	0x20	/* bit 13, seen in the register's high byte */
#define PM1_SLP_TYP_BYTE1(b)	(((b) >> 2) & 7)

#define CONFIG_ADDRESS		0xcf8
#define CONFIG_ADDRESS_BYTES	4
#define CONFIG_DATA		0xcfc
#define CONFIG_DATA_BYTES	4

static size_t add(struct vm_port_range *out, size_t n, size_t max, uint16_t first, uint16_t count,
		  const char *name)
{
	if (first && n < max)
		out[n++] = (struct vm_port_range){ .first = first, .count = count, .name = name };
	return n;
}

size_t vm_platform_ranges(const struct vm_platform *p, struct vm_port_range *out, size_t max)
{
	size_t n = 0;

	n = add(out, n, max, VM_PORT_KBC_DATA, 1, "keyboard controller data");
	n = add(out, n, max, VM_PORT_KBC_COMMAND, 1, "keyboard controller command");
	n = add(out, n, max, VM_PORT_SYSTEM_CONTROL_A, 1, "system control port A");
	n = add(out, n, max, CONFIG_ADDRESS, CONFIG_ADDRESS_BYTES, "reset control (0xcf9)");
	n = add(out, n, max, CONFIG_DATA, CONFIG_DATA_BYTES, "PCI CONFIG_DATA");
	n = add(out, n, max, p->pm1a_cnt, 2, "ACPI PM1a_CNT");
	n = add(out, n, max, p->pm1b_cnt, 2, "ACPI PM1b_CNT");
	n = add(out, n, max, p->reset, 1, "ACPI RESET_REG");
	return n;
}

static bool within(uint16_t first, unsigned count, uint16_t port, unsigned size)
{
	return first && (uint32_t)port < (uint32_t)first + count && (uint32_t)port + size > first;
}

bool vm_platform_covers(const struct vm_platform *p, uint16_t port, unsigned size)
{
	return within(VM_PORT_KBC_DATA, 1, port, size) || within(VM_PORT_KBC_COMMAND, 1, port, size) ||
	       within(VM_PORT_SYSTEM_CONTROL_A, 1, port, size) ||
	       within(CONFIG_ADDRESS, CONFIG_ADDRESS_BYTES, port, size) ||
	       within(p->pm1a_cnt, 2, port, size) || within(p->pm1b_cnt, 2, port, size) ||
	       within(p->reset, 1, port, size);
}

/* Whether [addr, addr + size) holds the byte at b. */
static bool holds(uint64_t addr, unsigned size, uint64_t b)
{
	return b >= addr && b - addr < size;
}

/* The PM1 control register at reg (a port or an address), if the access
 * of size bytes at addr writes its high byte with SLP_EN: its SLP_TYP in
 * *typ. */
static bool sleeps(uint64_t reg, uint64_t addr, unsigned size, uint64_t value, unsigned *typ)
{
	uint8_t byte;

	if (!reg || !holds(addr, size, reg + 1))
		return false;
	byte = (uint8_t)(value >> (8 * (reg + 1 - addr)));
	*typ = PM1_SLP_TYP_BYTE1(byte);
	return byte & PM1_SLP_EN_BYTE1;
}

/* The 8042's command state: a write to its command port starts a
 * command; the byte after 0xd1 written to its data port ends it. */
static bool kbc_output_write(struct vm_platform *p, uint16_t port, unsigned size)
{
	bool output = p->kbc_output_next && port == VM_PORT_KBC_DATA && size == 1;

	if (within(VM_PORT_KBC_DATA, 1, port, size) || within(VM_PORT_KBC_COMMAND, 1, port, size))
		p->kbc_output_next = false;
	return output;
}

struct vm_platform_event vm_platform_write(struct vm_platform *p, uint16_t port,
					   unsigned size, uint32_t value)
{
	struct vm_platform_event e = { .verdict = VM_PLATFORM_PASS };
	uint8_t byte = (uint8_t)value;
	bool output = kbc_output_write(p, port, size);
	unsigned typ;

	if (size == 1 && port == VM_PORT_KBC_COMMAND && byte == KBC_WRITE_OUTPUT)
		p->kbc_output_next = true;
	if (output && !(byte & KBC_OUTPUT_NO_RESET)) {
		e.verdict = VM_PLATFORM_REBOOT;
		e.substitute = true;	/* the command ends, the CPU is not reset */
		e.substitute_value = byte | KBC_OUTPUT_NO_RESET;
		fmt_snprintf(e.what, sizeof(e.what), "keyboard controller output port reset "
			     "(0x%02x to port 0x60 after 0xd1)", byte);
	} else if (size == 1 && p->reset && port == p->reset && byte == p->reset_value) {
		e.verdict = VM_PLATFORM_REBOOT;
		fmt_snprintf(e.what, sizeof(e.what), "ACPI reset register (0x%02x to port 0x%x)",
			     byte, port);
	} else if (size == 1 && port == VM_PORT_KBC_COMMAND && byte >= KBC_PULSE_FIRST &&
		   !(byte & KBC_PULSE_RESET_LINE)) {
		e.verdict = VM_PLATFORM_REBOOT;
		fmt_snprintf(e.what, sizeof(e.what), "keyboard controller reset (0x%02x to port 0x64)",
			     byte);
	} else if (size == 1 && port == VM_PORT_SYSTEM_CONTROL_A && (byte & SYSCTL_A_FAST_RESET)) {
		e.verdict = VM_PLATFORM_REBOOT;
		fmt_snprintf(e.what, sizeof(e.what), "fast reset (0x%02x to port 0x92, bit 0)", byte);
	} else if (size == 1 && port == VM_PORT_RESET_CONTROL && (byte & RESET_CONTROL_RST_CPU)) {
		e.verdict = VM_PLATFORM_REBOOT;
		fmt_snprintf(e.what, sizeof(e.what), "reset control register (0x%02x to port 0xcf9)",
			     byte);
	} else if (sleeps(p->pm1a_cnt, port, size, value, &typ) ||
		   sleeps(p->pm1b_cnt, port, size, value, &typ)) {
		e.verdict = VM_PLATFORM_POWER_OFF;
		fmt_snprintf(e.what, sizeof(e.what), "ACPI sleep through %s (SLP_TYP %u, port 0x%x)",
			     within(p->pm1a_cnt, 2, port, size) ? "PM1a_CNT" : "PM1b_CNT", typ, port);
	}
	return e;
}

/* ---- registers in memory ---- */

#define TRAP_PAGE	0x1000ull

bool vm_platform_add_mmio(struct vm_platform *p, const struct vm_mmio_trap *t)
{
	if (p->mmio_count == VM_MMIO_TRAPS_MAX || !t->size)
		return false;
	p->mmio[p->mmio_count++] = *t;
	return true;
}

const struct vm_mmio_trap *vm_platform_mmio_trap(const struct vm_platform *p, uint64_t gpa)
{
	for (size_t i = 0; i < p->mmio_count; i++) {
		const struct vm_mmio_trap *t = &p->mmio[i];
		uint64_t first = t->base & ~(TRAP_PAGE - 1);
		uint64_t last = (t->base + t->size - 1) | (TRAP_PAGE - 1);

		if (gpa >= first && gpa <= last)
			return t;
	}
	return NULL;
}

/* ECAM (PCI Express Base 4.0 7.2.2): bus, device and function in bits
 * 27:20, 19:15, 14:12 of the offset into the window, the register in 11:0. */
static void ecam_decode(const struct vm_mmio_trap *t, uint64_t gpa, struct vm_platform_event *e)
{
	uint64_t off = gpa - t->base;

	e->pci = true;
	e->bus = (uint8_t)(t->start_bus + (off >> 20));
	e->dev = (off >> 15) & 0x1f;
	e->fn = (off >> 12) & 7;
	e->reg = off & 0xfff;
}

struct vm_platform_event vm_platform_mmio_write(const struct vm_platform *p, uint64_t gpa,
						unsigned size, uint64_t value)
{
	struct vm_platform_event e = { .verdict = VM_PLATFORM_PASS };
	const struct vm_mmio_trap *t = vm_platform_mmio_trap(p, gpa);
	unsigned typ;

	if (!t)
		return e;
	switch (t->kind) {
	case VM_MMIO_RESET_REG:
		if (holds(gpa, size, t->base) && (uint8_t)(value >> (8 * (t->base - gpa))) == t->value) {
			e.verdict = VM_PLATFORM_REBOOT;
			fmt_snprintf(e.what, sizeof(e.what), "ACPI reset register (0x%02x to 0x%lx)",
				     t->value, (unsigned long)t->base);
		}
		break;
	case VM_MMIO_PM1_CNT:
		if (sleeps(t->base, gpa, size, value, &typ)) {
			e.verdict = VM_PLATFORM_POWER_OFF;
			fmt_snprintf(e.what, sizeof(e.what), "ACPI sleep through %s (SLP_TYP %u, 0x%lx)",
				     t->name, typ, (unsigned long)t->base);
		}
		break;
	case VM_MMIO_ECAM:
		if (gpa >= t->base && gpa - t->base < t->size)
			ecam_decode(t, gpa, &e);
		break;
	case VM_MMIO_EMULATE:
	case VM_MMIO_XAPIC:	/* not a platform register: vm_xapic_write() */
		break;
	}
	return e;
}
