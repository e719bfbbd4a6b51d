/*
 * The architectural rules of the instructions that change the guest's
 * control registers, EFER and XCR0, as a CPU without VMX would apply them
 * (SDM Vol. 3A "MOV—Move to/from Control Registers", 2.2.1, 4.1, 4.10;
 * Vol. 2 "WRMSR", "XSETBV").  Pure functions of the guest's state as the
 * guest reads it; the backend decodes the exit, asks these, and either
 * injects #GP/#UD or writes the new state.
 */
#ifndef SKIFF_VM_CR_RULES_H
#define SKIFF_VM_CR_RULES_H

#include <stdbool.h>
#include <stdint.h>

#include "x86.h"

/* The guest's control state as it reads it. */
struct vm_cr_state {
	uint64_t cr0, cr3, cr4, efer;
	bool long_mode;		/* IA-32e mode (EFER.LMA) */
	bool wide;		/* 64-bit mode: IA-32e with CS.L */
};

/* The TLB-relevant CR4 bits: changing one flushes the guest's TLB. */
#define CR4_TLB_BITS	(CR4_PSE | CR4_PAE | CR4_PGE | CR4_PCIDE | CR4_SMEP | CR4_SMAP)
/* With CR4.PCIDE, bit 63 of a MOV to CR3 keeps the TLB and is not stored
 * (SDM Vol. 3A 4.10.4.1). */
#define CR3_NOFLUSH	(1ull << 63)

/*
 * Whether MOV to CR0 of value faults (#GP): reserved bits 63:32, PG
 * without PE, NW without CD; PG set with EFER.LME and no CR4.PAE (4.1.2);
 * PG cleared in 64-bit mode (only compatibility mode may leave IA-32e
 * mode, 11.8.5.4) or with CR4.PCIDE (4.10.1); WP cleared with CR4.CET
 * (2.5).  Inline, as is the next: a CR0 write is the CR-access exit's
 * common case, and its path is counted in instructions (make bench).
 */
static inline bool vm_cr0_write_faults(const struct vm_cr_state *s, uint64_t value)
{
	bool pg_off = (s->cr0 & CR0_PG) && !(value & CR0_PG);

	if ((value >> 32) || ((value & CR0_PG) && !(value & CR0_PE)) ||
	    ((value & CR0_NW) && !(value & CR0_CD)))
		return true;
	if ((value & CR0_PG) && !(s->cr0 & CR0_PG) && (s->efer & EFER_LME) &&
	    !(s->cr4 & CR4_PAE))
		return true;
	if (pg_off && (s->wide || (s->cr4 & CR4_PCIDE)))
		return true;
	return !(value & CR0_WP) && (s->cr4 & CR4_CET);
}

/* What a MOV to CR0 of value (that does not fault) does to EFER.LMA:
 * paging on with LME enters IA-32e mode, paging off leaves it
 * (SDM Vol. 3A 11.8.5). */
static inline uint64_t vm_cr0_write_efer(const struct vm_cr_state *s, uint64_t value)
{
	if ((value & CR0_PG) && !(s->cr0 & CR0_PG) && (s->efer & EFER_LME))
		return s->efer | EFER_LMA;
	if (!(value & CR0_PG) && (s->cr0 & CR0_PG) && (s->efer & EFER_LMA))
		return s->efer & ~EFER_LMA;
	return s->efer;
}

/* Whether MOV to CR4 of value faults (#GP); unsupported: the CR4 bits
 * this CPU does not have. */
bool vm_cr4_write_faults(const struct vm_cr_state *s, uint64_t value, uint64_t unsupported);

/* The value MOV to CR3 stores. */
static inline uint64_t vm_cr3_write_value(const struct vm_cr_state *s, uint64_t value)
{
	return (s->cr4 & CR4_PCIDE) ? value & ~CR3_NOFLUSH : value;
}

/* Whether WRMSR of value to EFER faults (#GP); nx: CPUID offers NX. */
bool vm_efer_write_faults(const struct vm_cr_state *s, uint64_t value, bool nx);

/* The EFER a WRMSR of value (that does not fault) leaves: LMA is the
 * CPU's and keeps its value. */
static inline uint64_t vm_efer_write_value(const struct vm_cr_state *s, uint64_t value)
{
	return (value & ~EFER_LMA) | (s->efer & EFER_LMA);
}

/* Whether XCR0 may be set to value; supported: CPUID.(EAX=0DH,ECX=0)
 * EDX:EAX. */
bool vm_xcr0_valid(uint64_t value, uint64_t supported);

#endif
