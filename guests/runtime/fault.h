/*
 * Fault recovery for tests: run one instruction that is expected to raise
 * an exception, and learn which vector (if any) it raised.
 *
 * FAULT_TRY(insn) wraps an instruction inside an extended asm statement:
 *
 *	asm volatile(FAULT_TRY("vmxon %0") : : "m"(region) : "memory");
 *	if (fault_vector == VEC_UD) ...
 *
 * Before the instruction it stores the address just past it in
 * fault_fixup.  If any exception 0..31 arrives while fault_fixup is set,
 * trap_dispatch() records the vector, error code and EIP in fault_vector,
 * fault_error and fault_eip, clears fault_fixup and resumes at the fixup
 * address.  A fault leaves the registers as they were before the
 * instruction, so the compiler's view of them stays true.  Without an
 * exception, fault_vector stays FAULT_NONE.  One FAULT_TRY per asm
 * statement (its label is unique per statement, %=).
 */
#ifndef GUEST_FAULT_H
#define GUEST_FAULT_H

#include <stdint.h>

#define FAULT_NONE	(-1)

/* Exception vectors (SDM Vol. 3A 6.3.1, table 6-1). */
#define VEC_DE		0
#define VEC_DB		1
#define VEC_NMI		2
#define VEC_BP		3
#define VEC_UD		6
#define VEC_DF		8
#define VEC_GP		13
#define VEC_PF		14

extern volatile uint32_t fault_fixup;	/* where to resume; 0: not armed */
extern volatile int fault_vector;	/* FAULT_NONE or the vector */
extern volatile uint32_t fault_error;	/* the error code, or 0 */
extern volatile uint32_t fault_eip;	/* EIP the exception pushed */

#define FAULT_TRY(insn)						\
	"movl $-1, fault_vector\n\t"				\
	"movl $.Lfault_fixup%=, fault_fixup\n\t"		\
	insn "\n"						\
	".Lfault_fixup%=:\n\t"					\
	"movl $0, fault_fixup\n\t"

/* The short name of an exception vector ("#UD"), "none" for FAULT_NONE. */
const char *fault_name(int vector);

/* RDMSR; the vector it raised, or FAULT_NONE with *value filled. */
static inline int rdmsr_safe(uint32_t msr, uint64_t *value)
{
	uint32_t lo = 0, hi = 0;

	asm volatile(FAULT_TRY("rdmsr") : "+a"(lo), "+d"(hi) : "c"(msr) : "memory");
	*value = ((uint64_t)hi << 32) | lo;
	return fault_vector;
}

static inline int wrmsr_safe(uint32_t msr, uint64_t value)
{
	asm volatile(FAULT_TRY("wrmsr")
		     : : "c"(msr), "a"((uint32_t)value), "d"((uint32_t)(value >> 32))
		     : "memory");
	return fault_vector;
}

static inline int write_cr4_safe(uint32_t value)
{
	asm volatile(FAULT_TRY("movl %0, %%cr4") : : "r"(value) : "memory");
	return fault_vector;
}

static inline int xsetbv_safe(uint32_t xcr, uint64_t value)
{
	asm volatile(FAULT_TRY("xsetbv")
		     : : "c"(xcr), "a"((uint32_t)value), "d"((uint32_t)(value >> 32))
		     : "memory");
	return fault_vector;
}

#endif
