/*
 * More than one CPU: which CPUs the firmware lists (the ACPI MADT), and
 * starting one of them on a C function the way an operating system does
 * on bare metal: INIT-SIPI-SIPI through the BSP's local APIC (SDM Vol. 3A
 * 9.4.4.1) in x2APIC mode where the CPU has it, as Linux prefers, a real-mode trampoline in a low page (ap_trampoline.S, at
 * AP_TRAMPOLINE_PAGE: SIPI vector 0x08), then 32-bit protected mode with
 * the runtime's selectors and IDT.  Under skiff each AP is a vCPU waiting
 * for SIPI; the guest cannot tell the difference.
 *
 * The contract with a guest that starts APs:
 *  - APs start one at a time: smp_start_ap() returns once the AP runs (or
 *    after giving up on it), and the trampoline page is then free again.
 *  - Fault recovery (FAULT_TRY, fault.h), the report() counters and the
 *    console keep global state that is not SMP-safe: while an AP runs fn,
 *    the BSP must not use FAULT_TRY, printf or report(); it waits in
 *    smp_wait_ap() (or loops on something that touches none of them).
 *  - fn runs on its own SMP_AP_STACK_SIZE stack with interrupts off and
 *    the runtime's IDT loaded, so FAULT_TRY works there, and an exception
 *    fn does not catch ends the whole run as it would on the BSP.  When fn
 *    returns the AP halts for good (CLI; HLT) and smp_wait_ap() sees it.
 *  - The trampoline page lies below 1 MiB, outside the guest's image, but
 *    a loader may have put its boot information there: read what you need
 *    from it (smp_cpus(), the command line) before the first start.
 */
#ifndef GUEST_SMP_H
#define GUEST_SMP_H

#include <stdbool.h>
#include <stdint.h>

#include "boot/multiboot2.h"

#define SMP_MAX_CPUS		8		/* CPU 0, the BSP, included */
#define SMP_AP_STACK_SIZE	8192
/* Bounds, in iterations of a PAUSE loop rather than in time: nothing is
 * calibrated.  Generous enough for an emulator, or a hypervisor that
 * handles the AP's INIT and SIPI in VM exits.  The loops make a CPUID
 * now and then, so that a hypervisor's watchdog does not take a long
 * wait with interrupts off for a hang (smp.c). */
#define SMP_ALIVE_SPINS		20000000u
#define SMP_DONE_SPINS		400000000ul

/*
 * Fills apic_ids with the APIC IDs of the enabled processors the ACPI
 * MADT lists (local APIC and local x2APIC entries, in table order, an ID
 * listed twice taken once), at most max of them; returns how many there
 * are, the BSP included, which may exceed max.  0 when there is no
 * Multiboot2 ACPI tag, no MADT, or a table whose checksum or size is wrong.
 */
unsigned smp_cpus(const struct mb2_info *mbi, uint32_t *apic_ids, unsigned max);

/* The APIC ID of the calling CPU, from its xAPIC's ID register (SDM Vol.
 * 3A 11.4.6) or its x2APIC ID MSR; false when the xAPIC cannot be used
 * (apic_find()). */
bool smp_self_apic_id(uint32_t *apic_id);

/*
 * Starts the CPU with APIC ID apic_id as cpu (1 .. SMP_MAX_CPUS - 1) and
 * has it call fn(cpu, arg).  True once the AP runs; false, with nothing
 * printed, when it did not answer within SMP_ALIVE_SPINS, when cpu is out
 * of range or was started before, or when the xAPIC cannot be used or
 * cannot address apic_id.  An AP that never answers (one its hypervisor
 * holds back, say) costs only the wait.  Where the CPU has an x2APIC the
 * BSP's APIC is switched to x2APIC mode first and stays there: its MMIO
 * page (apic_find()) is gone from then on.
 */
bool smp_start_ap(uint32_t apic_id, void (*fn)(unsigned cpu, void *arg), unsigned cpu,
		  void *arg);

/* Waits at most spins loop steps for cpu's fn to return; true if it did. */
bool smp_wait_ap(unsigned cpu, unsigned long spins);

#endif
