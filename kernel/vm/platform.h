/*
 * Reset and power belong to skiff (docs/architecture.md "The guest
 * contract").  The guest owns the machine's devices, but the ones that
 * reset or power off the whole machine would take skiff with them (and a
 * reset could let firmware run the guest's code outside VMX): the
 * keyboard controller's pulse of the reset line (port 0x64) and its
 * output port written with the reset bit clear (0xd1, then port 0x60), the fast
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

#define VM_PORT_KBC_DATA	0x60	/* 8042 data */
#define VM_PORT_KBC_COMMAND	0x64	/* 8042 command/status */
#define VM_PORT_SYSTEM_CONTROL_A 0x92	/* "port 92": bit 0 fast reset, bit 1 A20 */
#define VM_PORT_RESET_CONTROL	0xcf9	/* reset control (a byte inside CONFIG_ADDRESS's dword) */

/*
 * Registers in memory that skiff keeps: the guest's writes to their pages
 * are trapped (read-only in the EPT, mm_ept_write_protect()), decoded
 * (vm/mmio_insn.h) and judged here, then done for it or not.  Reads go to
 * the hardware directly.
 */
enum vm_mmio_kind {
	VM_MMIO_EMULATE,	/* trap_page=: every write done as made (a test of the path) */
	VM_MMIO_RESET_REG,	/* the FADT's RESET_REG in memory: its value is a reboot */
	VM_MMIO_PM1_CNT,	/* a PM1 control register in memory: SLP_EN is a power-off */
	VM_MMIO_ECAM,		/* a PCI configuration window (MCFG): the PCI filter judges */
	VM_MMIO_XAPIC,		/* the guest's local APIC page: vm_xapic_write() (vm/ipi.h) */
};

struct vm_mmio_trap {
	uint64_t base, size;	/* the register or window, in bytes */
	enum vm_mmio_kind kind;
	uint8_t value;		/* RESET_REG's reset value */
	uint8_t start_bus;	/* ECAM: the bus at base */
	uint16_t segment;	/* ECAM: the PCI segment group */
	const char *name;	/* "ACPI RESET_REG" */
};

#define VM_MMIO_TRAPS_MAX	6

/* The machine's reset and sleep ports (0: none), from the FADT. */
struct vm_platform {
	uint16_t pm1a_cnt, pm1b_cnt;
	uint16_t reset;
	uint8_t reset_value;
	/* The guest's last 8042 command was "write output port" (0xd1): its
	 * next byte to port 0x60 is the output port, bit 0 the CPU reset. */
	bool kbc_output_next;
	struct vm_mmio_trap mmio[VM_MMIO_TRAPS_MAX];
	size_t mmio_count;
};

enum vm_platform_verdict {
	VM_PLATFORM_PASS,	/* the hardware's: do the access */
	VM_PLATFORM_REBOOT,	/* the guest reset the machine */
	VM_PLATFORM_POWER_OFF,	/* the guest entered a sleep state (S5: off) */
};

struct vm_platform_event {
	enum vm_platform_verdict verdict;
	char what[96];		/* "keyboard controller reset (0xfe to port 0x64)" */
	/* For a reset that would leave a device half-way through a command:
	 * the value to write instead, which completes it without the reset. */
	bool substitute;
	uint32_t substitute_value;
	/* A write into a PCI configuration window, which the PCI filter is
	 * to judge (verdict PASS until it has): the function and register. */
	bool pci;
	uint8_t bus, dev, fn;
	uint16_t reg;
};

#define VM_PLATFORM_RANGES_MAX	8

/* The port ranges to intercept for p, at most max, into out: the count.
 * 0x60, 0x64, 0x92 and 0xcf8..0xcfb always (a dword at 0xcf8 covers 0xcf9),
 * CONFIG_DATA 0xcfc..0xcff always (the PCI filter, vm/pci_filter.h);
 * the PM1 control registers (2 bytes each) and RESET_REG when present.
 * vm_platform_covers() and vm_platform_write() are about the reset and
 * sleep ports only: CONFIG_DATA is not one of them. */
size_t vm_platform_ranges(const struct vm_platform *p, struct vm_port_range *out, size_t max);

/* Whether an access of size bytes at port touches one of p's ports. */
bool vm_platform_covers(const struct vm_platform *p, uint16_t port, unsigned size);

/* What an OUT of size bytes (1, 2, 4) of value at port means; p keeps
 * the 8042's command state (the caller serializes). */
struct vm_platform_event vm_platform_write(struct vm_platform *p, uint16_t port,
					   unsigned size, uint32_t value);

/* Adds a trap to p; false (nothing added) when p has VM_MMIO_TRAPS_MAX. */
bool vm_platform_add_mmio(struct vm_platform *p, const struct vm_mmio_trap *t);

/* The trap whose pages hold gpa (a trap covers the whole 4 KiB pages its
 * register touches: the EPT protects no less), or NULL. */
const struct vm_mmio_trap *vm_platform_mmio_trap(const struct vm_platform *p, uint64_t gpa);

/* What a store of size bytes (1, 2, 4, 8) of value at gpa, in a trap's
 * pages, means: PASS (do it), REBOOT, POWER_OFF, or PASS with pci set for
 * a write into a configuration window. */
struct vm_platform_event vm_platform_mmio_write(const struct vm_platform *p, uint64_t gpa,
						unsigned size, uint64_t value);

#endif
