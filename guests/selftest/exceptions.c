/*
 * Debug exceptions that skiff must leave to the guest (or reflect into it
 * exactly): the single-step trap of EFLAGS.TF, INT3's #BP and ICEBP's #DB
 * (SDM Vol. 3A 18.3.1 and 6.15).
 */
#include "fault.h"
#include "selftest.h"
#include "trap.h"
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
 * POPF sets TF; the trap comes after the instruction that follows POPF
 * (SDM Vol. 3A 18.3.1.4), so it must report the EIP of label 1.  The
 * handler clears TF, so the NOPs after it run untraced; the closing POPF
 * clears TF should the CPU have ignored it.
 */
static enum result db_single_step(void)
{
	uint32_t expected;

	db_count = 0;
	trap_set_handler(VEC_DB, single_step_trap);
	asm volatile("pushfl\n\t"
		     "orl %1, (%%esp)\n\t"
		     "popfl\n\t"
		     "nop\n"
		     "1:\tnop\n\t"
		     "nop\n\t"
		     "pushfl\n\t"
		     "andl %2, (%%esp)\n\t"
		     "popfl\n\t"
		     "movl $1b, %0"
		     : "=r"(expected)
		     : "i"(EFLAGS_TF), "i"(~EFLAGS_TF)
		     : "memory", "cc");
	trap_set_handler(VEC_DB, NULL);
	if (db_count != 1)
		return fail("%u #DB traps, expected 1", db_count);
	if (db_eip != expected)
		return fail("#DB at eip 0x%08x, expected 0x%08x", db_eip, expected);
	return PASS;
}

static enum result int3_bp(void)
{
	asm volatile(FAULT_TRY("int3") : : : "memory");
	if (fault_vector != VEC_BP)
		return fail("INT3 raised %s, not #BP", fault_name(fault_vector));
	return PASS;
}

/* Real CPUs and Bochs raise #DB; QEMU's TCG leaves ICEBP undefined
 * (#UD), so on bare metal in QEMU this check fails. */
static enum result icebp_db(void)
{
	asm volatile(FAULT_TRY(ICEBP) : : : "memory");
	if (fault_vector != VEC_DB)
		return fail("ICEBP raised %s, not #DB", fault_name(fault_vector));
	return PASS;
}

const struct check exception_checks[] = {
	{ .name = "db-single-step", .run = db_single_step },
	{ .name = "int3-bp", .run = int3_bp },
	{ .name = "icebp-db", .run = icebp_db },
	{ .name = NULL },
};
