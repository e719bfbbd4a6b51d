/*
 * The guest's machine state at its first instruction, written into the
 * current VMCS: what the Multiboot2 specification gives a kernel GRUB
 * starts.  Apart from vmx.c so that host tests (tests/unit/
 * test_entry_check.c) check the very state skiff enters with against the
 * VM-entry rules.
 */
#ifndef SKIFF_VMX_GUEST_ENTRY_H
#define SKIFF_VMX_GUEST_ENTRY_H

#include <stdbool.h>
#include <stdint.h>

#include "vmx/vcpu.h"
#include "vmx/vmcs.h"

/* A busy 32-bit TSS, present (SDM Vol. 3C 25.4.1, "Format of Access
 * Rights"): what VM entry wants in TR (27.3.1.2). */
#define VMX_AR_TSS32_BUSY	0x008b

/* One guest segment register: selector s, base 0, limit lim, access
 * rights rights; VMX_GUEST_SEGMENT(CS) names CS's four fields. */
#define VMX_GUEST_SEGMENT(seg) \
	GUEST_##seg##_SELECTOR, GUEST_##seg##_BASE, GUEST_##seg##_LIMIT, GUEST_##seg##_ACCESS_RIGHTS

void vmx_write_guest_segment(struct vmcs_field16 sel, struct vmcs_field_natural base,
			     struct vmcs_field32 limit, struct vmcs_field32 ar,
			     uint16_t s, uint32_t lim, uint32_t rights);

/* Everything but the general registers: control registers from v's fixed
 * bits, flat segments, RIP = rip, interrupts off, the entry controls of v
 * without "IA-32e mode guest". */
void vmx_write_guest_entry_state(const struct vmx_vcpu *v, uint64_t rip);

/* The same with the guest's own GDT (base, limit) and flat selectors
 * code and data, as the Linux 32-bit boot protocol prescribes. */
void vmx_write_guest_entry_state_gdt(const struct vmx_vcpu *v, uint64_t rip, uint32_t gdt_base,
				     uint16_t gdt_limit, uint16_t code, uint16_t data);

/* An AP's state after INIT, in real mode at vector << 12: waiting for a
 * SIPI (wait_sipi), or started by one with that vector. */
void vmx_write_guest_ap_state(const struct vmx_vcpu *v, uint8_t vector, bool wait_sipi);

#endif
