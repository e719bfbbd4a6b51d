/* Names of the #VMEXIT codes, after AMD64 APM Vol. 2 appendix C, Table C-1. */
#include <stddef.h>

#include "svm/exit_code.h"

#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))
#define AT(c)		[SVM_EXIT_INDEX(c)]

/* One name per register or vector, so that each of the 16 or 32 codes of
 * a run has its own string constant. */
#define CR_RUN(base, what)							\
	AT(base + 0) = "CR0 " what, AT(base + 1) = "CR1 " what,		\
	AT(base + 2) = "CR2 " what, AT(base + 3) = "CR3 " what,		\
	AT(base + 4) = "CR4 " what, AT(base + 5) = "CR5 " what,		\
	AT(base + 6) = "CR6 " what, AT(base + 7) = "CR7 " what,		\
	AT(base + 8) = "CR8 " what, AT(base + 9) = "CR9 " what,		\
	AT(base + 10) = "CR10 " what, AT(base + 11) = "CR11 " what,		\
	AT(base + 12) = "CR12 " what, AT(base + 13) = "CR13 " what,		\
	AT(base + 14) = "CR14 " what, AT(base + 15) = "CR15 " what
#define DR_RUN(base, what)							\
	AT(base + 0) = "DR0 " what, AT(base + 1) = "DR1 " what,		\
	AT(base + 2) = "DR2 " what, AT(base + 3) = "DR3 " what,		\
	AT(base + 4) = "DR4 " what, AT(base + 5) = "DR5 " what,		\
	AT(base + 6) = "DR6 " what, AT(base + 7) = "DR7 " what,		\
	AT(base + 8) = "DR8 " what, AT(base + 9) = "DR9 " what,		\
	AT(base + 10) = "DR10 " what, AT(base + 11) = "DR11 " what,		\
	AT(base + 12) = "DR12 " what, AT(base + 13) = "DR13 " what,		\
	AT(base + 14) = "DR14 " what, AT(base + 15) = "DR15 " what

static const char *const names[SVM_EXIT_INDEX_COUNT] = {
	CR_RUN(SVM_EXIT_CR0_READ, "read"),
	CR_RUN(SVM_EXIT_CR0_WRITE, "write"),
	DR_RUN(SVM_EXIT_DR0_READ, "read"),
	DR_RUN(SVM_EXIT_DR0_WRITE, "write"),
	/* Exception vectors (APM Vol. 2 8.2); reserved ones by number. */
	AT(SVM_EXIT_EXCP0 + 0) = "#DE exception",	AT(SVM_EXIT_EXCP0 + 1) = "#DB exception",
	AT(SVM_EXIT_EXCP0 + 2) = "vector 2 exception",	AT(SVM_EXIT_EXCP0 + 3) = "#BP exception",
	AT(SVM_EXIT_EXCP0 + 4) = "#OF exception",	AT(SVM_EXIT_EXCP0 + 5) = "#BR exception",
	AT(SVM_EXIT_EXCP0 + 6) = "#UD exception",	AT(SVM_EXIT_EXCP0 + 7) = "#NM exception",
	AT(SVM_EXIT_EXCP0 + 8) = "#DF exception",	AT(SVM_EXIT_EXCP0 + 9) = "vector 9 exception",
	AT(SVM_EXIT_EXCP0 + 10) = "#TS exception",	AT(SVM_EXIT_EXCP0 + 11) = "#NP exception",
	AT(SVM_EXIT_EXCP0 + 12) = "#SS exception",	AT(SVM_EXIT_EXCP0 + 13) = "#GP exception",
	AT(SVM_EXIT_EXCP0 + 14) = "#PF exception",	AT(SVM_EXIT_EXCP0 + 15) = "vector 15 exception",
	AT(SVM_EXIT_EXCP0 + 16) = "#MF exception",	AT(SVM_EXIT_EXCP0 + 17) = "#AC exception",
	AT(SVM_EXIT_EXCP0 + 18) = "#MC exception",	AT(SVM_EXIT_EXCP0 + 19) = "#XF exception",
	AT(SVM_EXIT_EXCP0 + 20) = "vector 20 exception", AT(SVM_EXIT_EXCP0 + 21) = "#CP exception",
	AT(SVM_EXIT_EXCP0 + 22) = "vector 22 exception", AT(SVM_EXIT_EXCP0 + 23) = "vector 23 exception",
	AT(SVM_EXIT_EXCP0 + 24) = "vector 24 exception", AT(SVM_EXIT_EXCP0 + 25) = "vector 25 exception",
	AT(SVM_EXIT_EXCP0 + 26) = "vector 26 exception", AT(SVM_EXIT_EXCP0 + 27) = "vector 27 exception",
	AT(SVM_EXIT_EXCP0 + 28) = "#HV exception",	AT(SVM_EXIT_EXCP0 + 29) = "#VC exception",
	AT(SVM_EXIT_EXCP0 + 30) = "#SX exception",	AT(SVM_EXIT_EXCP0 + 31) = "vector 31 exception",
	AT(SVM_EXIT_INTR)		= "physical INTR",
	AT(SVM_EXIT_NMI)		= "physical NMI",
	AT(SVM_EXIT_SMI)		= "physical SMI",
	AT(SVM_EXIT_INIT)		= "physical INIT",
	AT(SVM_EXIT_VINTR)		= "virtual INTR",
	AT(SVM_EXIT_CR0_SEL_WRITE)	= "selective CR0 write",
	AT(SVM_EXIT_IDTR_READ)		= "IDTR read",
	AT(SVM_EXIT_GDTR_READ)		= "GDTR read",
	AT(SVM_EXIT_LDTR_READ)		= "LDTR read",
	AT(SVM_EXIT_TR_READ)		= "TR read",
	AT(SVM_EXIT_IDTR_WRITE)		= "IDTR write",
	AT(SVM_EXIT_GDTR_WRITE)		= "GDTR write",
	AT(SVM_EXIT_LDTR_WRITE)		= "LDTR write",
	AT(SVM_EXIT_TR_WRITE)		= "TR write",
	AT(SVM_EXIT_RDTSC)		= "RDTSC",
	AT(SVM_EXIT_RDPMC)		= "RDPMC",
	AT(SVM_EXIT_PUSHF)		= "PUSHF",
	AT(SVM_EXIT_POPF)		= "POPF",
	AT(SVM_EXIT_CPUID)		= "CPUID",
	AT(SVM_EXIT_RSM)		= "RSM",
	AT(SVM_EXIT_IRET)		= "IRET",
	AT(SVM_EXIT_SWINT)		= "software interrupt",
	AT(SVM_EXIT_INVD)		= "INVD",
	AT(SVM_EXIT_PAUSE)		= "PAUSE",
	AT(SVM_EXIT_HLT)		= "HLT",
	AT(SVM_EXIT_INVLPG)		= "INVLPG",
	AT(SVM_EXIT_INVLPGA)		= "INVLPGA",
	AT(SVM_EXIT_IOIO)		= "I/O instruction",
	AT(SVM_EXIT_MSR)		= "RDMSR/WRMSR",
	AT(SVM_EXIT_TASK_SWITCH)	= "task switch",
	AT(SVM_EXIT_FERR_FREEZE)	= "FERR freeze",
	AT(SVM_EXIT_SHUTDOWN)		= "shutdown",
	AT(SVM_EXIT_VMRUN)		= "VMRUN",
	AT(SVM_EXIT_VMMCALL)		= "VMMCALL",
	AT(SVM_EXIT_VMLOAD)		= "VMLOAD",
	AT(SVM_EXIT_VMSAVE)		= "VMSAVE",
	AT(SVM_EXIT_STGI)		= "STGI",
	AT(SVM_EXIT_CLGI)		= "CLGI",
	AT(SVM_EXIT_SKINIT)		= "SKINIT",
	AT(SVM_EXIT_RDTSCP)		= "RDTSCP",
	AT(SVM_EXIT_ICEBP)		= "ICEBP",
	AT(SVM_EXIT_WBINVD)		= "WBINVD",
	AT(SVM_EXIT_MONITOR)		= "MONITOR",
	AT(SVM_EXIT_MWAIT)		= "MWAIT",
	AT(SVM_EXIT_MWAIT_CONDITIONAL)	= "MWAIT (monitor armed)",
	AT(SVM_EXIT_XSETBV)		= "XSETBV",
	AT(SVM_EXIT_RDPRU)		= "RDPRU",
	AT(SVM_EXIT_EFER_WRITE_TRAP)	= "EFER write trap",
	CR_RUN(SVM_EXIT_CR0_WRITE_TRAP, "write trap"),
	AT(SVM_EXIT_INVLPGB)		= "INVLPGB",
	AT(SVM_EXIT_INVLPGB_ILLEGAL)	= "INVLPGB (illegal)",
	AT(SVM_EXIT_INVPCID)		= "INVPCID",
	AT(SVM_EXIT_MCOMMIT)		= "MCOMMIT",
	AT(SVM_EXIT_TLBSYNC)		= "TLBSYNC",
	AT(SVM_EXIT_BUSLOCK)		= "bus lock",
	AT(SVM_EXIT_IDLE_HLT)		= "idle HLT",
	AT(SVM_EXIT_NPF)		= "nested page fault",
	AT(SVM_EXIT_AVIC_INCOMPLETE_IPI) = "AVIC incomplete IPI",
	AT(SVM_EXIT_AVIC_NOACCEL)	= "AVIC access not accelerated",
	AT(SVM_EXIT_VMGEXIT)		= "VMGEXIT",
	AT(SVM_EXIT_INVALID_PMC)	= "VMRUN failed: invalid PMC state",
	AT(SVM_EXIT_IDLE_REQUIRED)	= "VMRUN failed: core not idle (SEV-SNP)",
	AT(SVM_EXIT_BUSY)		= "VMRUN failed: VMSA busy (SEV-SNP)",
	AT(SVM_EXIT_INVALID)		= "VMRUN failed: invalid guest state",
};

_Static_assert(ARRAY_SIZE(names) == SVM_EXIT_INDEX_COUNT, "one name slot per defined code");

uint64_t svm_exit_code_at(unsigned i)
{
	if (i < SVM_EXIT_LOW_COUNT)
		return i;
	i -= SVM_EXIT_LOW_COUNT;
	if (i < SVM_EXIT_HIGH_COUNT)
		return SVM_EXIT_HIGH_FIRST + i;
	i -= SVM_EXIT_HIGH_COUNT;
	return (uint64_t)(int64_t)(SVM_EXIT_NEG_FIRST + (int)i);
}

const char *svm_exit_code_name(uint64_t exitcode)
{
	unsigned i = svm_exit_index(exitcode);

	return i < SVM_EXIT_INDEX_COUNT && names[i] ? names[i] : "unknown";
}
