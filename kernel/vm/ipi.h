/*
 * The guest's IPIs through the x2APIC ICR (SDM Vol. 3A 11.12.9: one
 * 64-bit MSR, 0x830, the destination in bits 63:32), which skiff
 * intercepts.  Every IPI goes to the hardware as the guest wrote it but
 * INIT: a physical INIT would reach CPUs that are skiff's (blocked in VMX
 * root, but latched there) and, on an emulator that never consumes an
 * INIT on its VM exit (docs/emulators.md), would leave a vCPU unable to
 * run.  So skiff delivers INIT itself, to the guest's vCPUs only, with
 * the hardware's effect: an AP goes back to wait-for-SIPI; the bootstrap
 * processor's reset ends the guest (an incident).  On VT-x SIPIs need
 * nothing: one exits only on a vCPU waiting for it, and skiff's CPUs in
 * VMX root ignore it.  AMD-V has no wait-for-SIPI state for guests
 * (vm->arch->sipi_by_skiff): an AP's vCPU waits in skiff, and skiff
 * delivers the SIPI too, to a waiting vCPU of the guest's only; neither
 * INIT nor SIPI ever reaches the hardware there.
 *
 * A guest in xAPIC mode writes the ICR in memory, as two 32-bit registers
 * (SDM 11.6.1: the destination in ICR_HIGH bits 31:24, written first; the
 * write of ICR_LOW sends).  When the guest has more than one CPU, and
 * always on AMD-V, skiff write-protects that page in the EPT or NPT and
 * does each store for it (vm_xapic_write()), so INIT takes the same path
 * as in x2APIC mode.  An xAPIC INIT to a logical destination (flat or
 * cluster, which the guest programs in each CPU's LDR and DFR, out of
 * skiff's view) is still sent as the guest wrote it on VT-x and arrives
 * as an INIT exit (vmx/handlers.c); on AMD-V it, and a logical SIPI, are
 * refused and reported.
 */
#ifndef SKIFF_VM_IPI_H
#define SKIFF_VM_IPI_H

#include <stdbool.h>
#include <stdint.h>

/* ICR fields, SDM Vol. 3A figure 11-12 (x2APIC: 11.12.9). */
#define ICR_MODE_SHIFT		8
#define ICR_MODE_FIXED		0
#define ICR_MODE_INIT		5
#define ICR_MODE_STARTUP	6
#define ICR_LOGICAL		(1u << 11)
#define ICR_ASSERT		(1u << 14)
#define ICR_LEVEL		(1u << 15)
#define ICR_SHORTHAND_SHIFT	18
enum icr_shorthand { ICR_TO_DEST, ICR_TO_SELF, ICR_TO_ALL, ICR_TO_OTHERS };

#define X2APIC_BROADCAST	0xffffffffu

struct vm_icr {
	unsigned mode;			/* ICR_MODE_* */
	enum icr_shorthand shorthand;
	bool logical;
	bool init_deassert;		/* INIT level de-assert: no effect (11.6.1) */
	uint32_t dest;
};

struct vm_icr vm_icr_decode(uint64_t icr);

/* The xAPIC ICR's two words as one x2APIC-layout ICR for vm_icr_decode():
 * the 8-bit destination of high (bits 31:24) in bits 63:32, its physical
 * broadcast 0xff as X2APIC_BROADCAST (SDM 11.6.1, 11.12.9). */
uint64_t vm_icr_from_xapic(uint32_t low, uint32_t high);

/* Whether an IPI decoded as icr, sent by the CPU with x2APIC ID self,
 * reaches the one with x2APIC ID id (shorthands, physical and broadcast
 * destinations, x2APIC logical clusters: 11.12.10.2). */
bool vm_icr_reaches(const struct vm_icr *icr, uint32_t self, uint32_t id);

#endif
