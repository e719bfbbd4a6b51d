/* See platform.h. */
#include "lib/printf.h"
#include "vm/platform.h"

/* 8042 "pulse output port" commands 0xf0-0xff: a 0 in bits 3:0 pulses
 * that output line; line 0 is the CPU reset (the IBM PC/AT's wiring). */
#define KBC_PULSE_FIRST		0xf0
#define KBC_PULSE_RESET_LINE	0x01
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
	return within(VM_PORT_KBC_COMMAND, 1, port, size) ||
	       within(VM_PORT_SYSTEM_CONTROL_A, 1, port, size) ||
	       within(CONFIG_ADDRESS, CONFIG_ADDRESS_BYTES, port, size) ||
	       within(p->pm1a_cnt, 2, port, size) || within(p->pm1b_cnt, 2, port, size) ||
	       within(p->reset, 1, port, size);
}

/* The PM1 control register at reg, if the access writes its high byte
 * with SLP_EN: its SLP_TYP in *typ. */
static bool sleeps(uint16_t reg, uint16_t port, unsigned size, uint32_t value, unsigned *typ)
{
	uint16_t high = (uint16_t)(reg + 1);
	uint8_t byte;

	if (!reg || !within(high, 1, port, size))
		return false;
	byte = (uint8_t)(value >> (8 * (high - port)));
	*typ = PM1_SLP_TYP_BYTE1(byte);
	return byte & PM1_SLP_EN_BYTE1;
}

struct vm_platform_event vm_platform_write(const struct vm_platform *p, uint16_t port,
					   unsigned size, uint32_t value)
{
	struct vm_platform_event e = { .verdict = VM_PLATFORM_PASS };
	uint8_t byte = (uint8_t)value;
	unsigned typ;

	if (size == 1 && p->reset && port == p->reset && byte == p->reset_value) {
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
