/*
 * Debug exceptions that skiff must leave to the guest (or reflect into it
 * exactly): the single-step trap of EFLAGS.TF, also over an instruction
 * that exits and skiff emulates, INT3's #BP and ICEBP's #DB (SDM Vol. 3A
 * 18.3.1 and 6.15).
 */
#include "fault.h"
#include "selftest.h"
#include "trap.h"
#include "vm/hypercall_abi.h"
#include "x86.h"

#define ICEBP	".byte 0xf1"	/* INT1: no mnemonic in older assemblers */

static volatile uint32_t db_count, db_eip;

static void single_step_trap(struct trap_frame *f)
{
	db_count++;
	db_eip = f->eip;
	f->eflags &= ~EFLAGS_TF;	/* one step is enough */
}

/*
 * Single-steps insn with EAX = eax and ECX = 0, and gives the EIP just past
 * it, where the trap must report.  POPF sets TF; the trap comes after the
 * instruction that follows POPF (SDM Vol. 3A 18.3.1.4), insn.  The handler
 * clears TF, so the NOPs after it run untraced; the closing POPF clears TF
 * should the CPU have ignored it.
 */
#define STEP_OVER(insn, eax) ({							\
	uint32_t a_ = (eax), c_ = 0, after_;					\
	asm volatile("pushfl\n\t"						\
		     "orl %3, (%%esp)\n\t"					\
		     "popfl\n\t"						\
		     insn "\n"							\
		     "1:\tnop\n\t"						\
		     "nop\n\t"							\
		     "pushfl\n\t"						\
		     "andl %4, (%%esp)\n\t"					\
		     "popfl\n\t"						\
		     "movl $1b, %2"						\
		     : "+a"(a_), "+c"(c_), "=D"(after_)				\
		     : "i"(EFLAGS_TF), "i"(~EFLAGS_TF)				\
		     : "ebx", "edx", "memory", "cc");				\
	after_;									\
})

static void step_start(void)
{
	db_count = 0;
	trap_set_handler(VEC_DB, single_step_trap);
}

/* One trap, right after the stepped instruction. */
static enum result step_end(uint32_t expected)
{
	trap_set_handler(VEC_DB, NULL);
	if (db_count != 1)
		return fail("%u #DB traps, expected 1", db_count);
	if (db_eip != expected)
		return fail("#DB at eip 0x%08x, expected 0x%08x", db_eip, expected);
	return PASS;
}

static enum result db_single_step(void)
{
	step_start();
	return step_end(STEP_OVER("nop", 0));
}

/* An instruction skiff emulates: it must leave the trap pending (the BS
 * bit of the pending debug exceptions, SDM Vol. 3C 25.4.2) as the
 * instruction would have. */
static enum result db_single_step_cpuid(void)
{
	step_start();
	return step_end(STEP_OVER("cpuid", 0));
}

static enum result db_single_step_vmcall(void)
{
	step_start();
	return step_end(STEP_OVER("vmcall", HC_VERSION));
}

static enum result int3_bp(void)
{
	asm volatile(FAULT_TRY("int3") : : : "memory");
	if (fault_vector != VEC_BP)
		return fail("INT3 raised %s, not #BP", fault_name(fault_vector));
	return PASS;
}

/* Real CPUs and Bochs raise #DB; QEMU's TCG leaves ICEBP undefined
 * (#UD), on bare metal and under skiff alike (docs/emulators.md). */
static enum result icebp_db(void)
{
	if (on_qemu_cpu_model())
		return skip("QEMU's software CPU raises #UD for ICEBP");
	asm volatile(FAULT_TRY(ICEBP) : : : "memory");
	if (fault_vector != VEC_DB)
		return fail("ICEBP raised %s, not #DB", fault_name(fault_vector));
	return PASS;
}

const struct check exception_checks[] = {
	{ .name = "db-single-step", .run = db_single_step },
	{ .name = "db-single-step-cpuid", .run = db_single_step_cpuid },
	{ .name = "db-single-step-vmcall", .run = db_single_step_vmcall, .needs_skiff = true },
	{ .name = "int3-bp", .run = int3_bp },
	{ .name = "icebp-db", .run = icebp_db },
	{ .name = NULL },
};
