/*
 * Reset and power belong to skiff (docs/architecture.md "The guest
 * contract").  The guest owns the machine's devices, but the ones that
 * reset or power off the whole machine would take skiff with them (and a
 * reset could let firmware run the guest's code outside VMX): the
 * keyboard controller's pulse of the reset line (port 0x64), the fast
 * reset of port 0x92 (bit 0), the chipset's reset control register (port
 * 0xcf9), the FADT's RESET_REG, and SLP_EN in the ACPI PM1a/PM1b control
 * registers.  skiff intercepts those ports; a write that would reset is
 * "the guest rebooted" (on_reboot=), one that would sleep or power off is
 * "the guest powered off", a finish with status 0 (on_finish=).  Every
 * other access goes to the hardware as the guest made it.
 *
 * The rules are pure, for the host tests; vm.c does the I/O.
 */
#ifndef SKIFF_VM_PLATFORM_H
#define SKIFF_VM_PLATFORM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "vm/ports.h"

#define VM_PORT_KBC_COMMAND	0x64	/* 8042 command/status */
#define VM_PORT_SYSTEM_CONTROL_A 0x92	/* "port 92": bit 0 fast reset, bit 1 A20 */
#define VM_PORT_RESET_CONTROL	0xcf9	/* reset control (a byte inside CONFIG_ADDRESS's dword) */

/* The machine's reset and sleep ports (0: none), from the FADT. */
struct vm_platform {
	uint16_t pm1a_cnt, pm1b_cnt;
	uint16_t reset;
	uint8_t reset_value;
};

enum vm_platform_verdict {
	VM_PLATFORM_PASS,	/* the hardware's: do the access */
	VM_PLATFORM_REBOOT,	/* the guest reset the machine */
	VM_PLATFORM_POWER_OFF,	/* the guest entered a sleep state (S5: off) */
};

struct vm_platform_event {
	enum vm_platform_verdict verdict;
	char what[96];		/* "keyboard controller reset (0xfe to port 0x64)" */
};

#define VM_PLATFORM_RANGES_MAX	7

/* The port ranges to intercept for p, at most max, into out: the count.
 * 0x64, 0x92 and 0xcf8..0xcfb always (a dword at 0xcf8 covers 0xcf9),
 * CONFIG_DATA 0xcfc..0xcff always (the PCI filter, vm/pci_filter.h);
 * the PM1 control registers (2 bytes each) and RESET_REG when present.
 * vm_platform_covers() and vm_platform_write() are about the reset and
 * sleep ports only: CONFIG_DATA is not one of them. */
size_t vm_platform_ranges(const struct vm_platform *p, struct vm_port_range *out, size_t max);

/* Whether an access of size bytes at port touches one of p's ports. */
bool vm_platform_covers(const struct vm_platform *p, uint16_t port, unsigned size);

/* What an OUT of size bytes (1, 2, 4) of value at port means. */
struct vm_platform_event vm_platform_write(const struct vm_platform *p, uint16_t port,
					   unsigned size, uint32_t value);

#endif
