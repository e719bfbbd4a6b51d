/*
 * The guest's MTRRs (SDM Vol. 3A 12.11): its own registers, which it reads
 * and writes as on a CPU of its own, applied to guest memory through the
 * EPT memory types (SDM Vol. 3C 29.3.7.2: under EPT the real MTRRs do not
 * type the guest's accesses).  The real MTRRs are skiff's: they type
 * skiff's own memory, and no guest write reaches them.
 *
 * The view starts as the firmware's MTRRs, read at boot, without SMRR
 * (IA32_MTRRCAP.SMRR clear: the SMM range registers are refused).  One
 * view serves every vCPU: the SDM (12.11.8) requires all processors to
 * hold the same MTRRs, and the EPT that applies them is shared.
 *
 * Pure, for the host tests; the MSR exits call it (vm/msr.h, VM_MSR_MTRR).
 */
#ifndef SKIFF_VM_MTRR_VIEW_H
#define SKIFF_VM_MTRR_VIEW_H

#include <stdbool.h>
#include <stdint.h>

#include "mm/mtrr.h"

#define VM_MSR_MTRRCAP		0xfeu
#define VM_MSR_MTRR_VAR_FIRST	0x200u	/* IA32_MTRR_PHYSBASE0 */
#define VM_MSR_MTRR_FIX_LAST	0x26fu	/* IA32_MTRR_FIX4K_F8000 */
#define VM_MSR_MTRR_DEF_TYPE	0x2ffu

/* The guest's first view of the CPU's registers cpu. */
void vm_mtrr_view_init(struct mtrr_regs *view, const struct mtrr_regs *cpu);

/* RDMSR msr of the view: 0 with *value, or -1 for #GP (not an MTRR the
 * view has). */
int vm_mtrr_read(const struct mtrr_regs *view, uint32_t msr, uint64_t *value);

/* The results of vm_mtrr_write(). */
#define VM_MTRR_GP		(-1)	/* the CPU would #GP: nothing changed */
#define VM_MTRR_SAME		0	/* written, the memory types are as they were */
#define VM_MTRR_RETYPE		1	/* written, and guest memory must be retyped */

/* WRMSR msr of the view, checked as the CPU checks it (12.11.1-12.11.3:
 * read-only IA32_MTRRCAP, reserved bits, undefined memory types, WC
 * without IA32_MTRRCAP.WC, fixed ranges without .FIX, ranges beyond VCNT). */
int vm_mtrr_write(struct mtrr_regs *view, uint32_t msr, uint64_t value);

/* Whether two views type memory the same: their registers are equal. */
bool vm_mtrr_view_equal(const struct mtrr_regs *a, const struct mtrr_regs *b);

#endif
