/*
 * #VMEXIT codes: the VMCB's EXITCODE field (AMD64 APM Vol. 2 15.6
 * "#VMEXIT", appendix B "Layout of VMCB", offset 70h) and the codes of
 * appendix C ("SVM Intercept Exit Codes", Table C-1).
 *
 * EXITCODE is 64 bits wide.  The codes the APM defines fall in three
 * contiguous runs: 00h-A6h (the intercepts of the VMCB's intercept
 * vectors, in their order), 400h-403h (nested page fault, AVIC, VMGEXIT),
 * and -1 to -4 (VMRUN failures and SEV-SNP).  A table indexed by code
 * uses svm_exit_index(), which packs the runs one after another.  The
 * codes from 8Dh on appear only in recent APM revisions, with the
 * features that cause them.
 */
#ifndef SKIFF_SVM_EXIT_CODE_H
#define SKIFF_SVM_EXIT_CODE_H

#include <stdbool.h>
#include <stdint.h>

enum svm_exit_code {
	/* 00h-0Fh: read of CR0-CR15; 10h-1Fh: write of CR0-CR15 */
	SVM_EXIT_CR0_READ		= 0x000,
	SVM_EXIT_CR0_WRITE		= 0x010,
	/* 20h-2Fh: read of DR0-DR15; 30h-3Fh: write of DR0-DR15 */
	SVM_EXIT_DR0_READ		= 0x020,
	SVM_EXIT_DR0_WRITE		= 0x030,
	/* 40h-5Fh: exception vector 0-31 */
	SVM_EXIT_EXCP0			= 0x040,
	SVM_EXIT_INTR			= 0x060,	/* physical INTR */
	SVM_EXIT_NMI			= 0x061,	/* physical NMI */
	SVM_EXIT_SMI			= 0x062,	/* physical SMI */
	SVM_EXIT_INIT			= 0x063,	/* physical INIT */
	SVM_EXIT_VINTR			= 0x064,	/* virtual INTR */
	SVM_EXIT_CR0_SEL_WRITE		= 0x065,	/* CR0 write other than TS or MP */
	SVM_EXIT_IDTR_READ		= 0x066,
	SVM_EXIT_GDTR_READ		= 0x067,
	SVM_EXIT_LDTR_READ		= 0x068,
	SVM_EXIT_TR_READ		= 0x069,
	SVM_EXIT_IDTR_WRITE		= 0x06a,
	SVM_EXIT_GDTR_WRITE		= 0x06b,
	SVM_EXIT_LDTR_WRITE		= 0x06c,
	SVM_EXIT_TR_WRITE		= 0x06d,
	SVM_EXIT_RDTSC			= 0x06e,
	SVM_EXIT_RDPMC			= 0x06f,
	SVM_EXIT_PUSHF			= 0x070,
	SVM_EXIT_POPF			= 0x071,
	SVM_EXIT_CPUID			= 0x072,
	SVM_EXIT_RSM			= 0x073,
	SVM_EXIT_IRET			= 0x074,
	SVM_EXIT_SWINT			= 0x075,	/* INTn */
	SVM_EXIT_INVD			= 0x076,
	SVM_EXIT_PAUSE			= 0x077,
	SVM_EXIT_HLT			= 0x078,
	SVM_EXIT_INVLPG			= 0x079,
	SVM_EXIT_INVLPGA		= 0x07a,
	SVM_EXIT_IOIO			= 0x07b,	/* IN, OUT, INS, OUTS */
	SVM_EXIT_MSR			= 0x07c,	/* RDMSR or WRMSR (EXITINFO1) */
	SVM_EXIT_TASK_SWITCH		= 0x07d,
	SVM_EXIT_FERR_FREEZE		= 0x07e,
	SVM_EXIT_SHUTDOWN		= 0x07f,	/* the guest's triple fault */
	SVM_EXIT_VMRUN			= 0x080,
	SVM_EXIT_VMMCALL		= 0x081,
	SVM_EXIT_VMLOAD			= 0x082,
	SVM_EXIT_VMSAVE			= 0x083,
	SVM_EXIT_STGI			= 0x084,
	SVM_EXIT_CLGI			= 0x085,
	SVM_EXIT_SKINIT			= 0x086,
	SVM_EXIT_RDTSCP			= 0x087,
	SVM_EXIT_ICEBP			= 0x088,	/* INT1 */
	SVM_EXIT_WBINVD			= 0x089,	/* WBINVD or WBNOINVD */
	SVM_EXIT_MONITOR		= 0x08a,	/* MONITOR or MONITORX */
	SVM_EXIT_MWAIT			= 0x08b,	/* MWAIT or MWAITX, unconditional */
	SVM_EXIT_MWAIT_CONDITIONAL	= 0x08c,	/* ... if the monitor is armed */
	SVM_EXIT_XSETBV			= 0x08d,
	SVM_EXIT_RDPRU			= 0x08e,
	SVM_EXIT_EFER_WRITE_TRAP	= 0x08f,	/* SEV-ES: after a write of EFER */
	/* 90h-9Fh: SEV-ES: after a write of CR0-CR15 */
	SVM_EXIT_CR0_WRITE_TRAP		= 0x090,
	SVM_EXIT_INVLPGB		= 0x0a0,
	SVM_EXIT_INVLPGB_ILLEGAL	= 0x0a1,
	SVM_EXIT_INVPCID		= 0x0a2,
	SVM_EXIT_MCOMMIT		= 0x0a3,
	SVM_EXIT_TLBSYNC		= 0x0a4,
	SVM_EXIT_BUSLOCK		= 0x0a5,
	SVM_EXIT_IDLE_HLT		= 0x0a6,	/* HLT with no event pending */

	SVM_EXIT_NPF			= 0x400,	/* nested page fault */
	SVM_EXIT_AVIC_INCOMPLETE_IPI	= 0x401,
	SVM_EXIT_AVIC_NOACCEL		= 0x402,
	SVM_EXIT_VMGEXIT		= 0x403,	/* SEV-ES guest's call */

	SVM_EXIT_INVALID_PMC		= -4,	/* VMRUN: invalid guest PMC state */
	SVM_EXIT_IDLE_REQUIRED		= -3,	/* SEV-SNP: the core is not idle */
	SVM_EXIT_BUSY			= -2,	/* SEV-SNP: the VMSA is in use */
	SVM_EXIT_INVALID		= -1,	/* VMRUN: invalid guest state in the VMCB */
};

/* The three runs of defined codes.  Macros, not enumerators, so that a
 * compile-fail test can widen one (tests/unit/compile_fail). */
#define SVM_EXIT_LOW_LAST		0x0a6
#define SVM_EXIT_HIGH_FIRST		0x400
#define SVM_EXIT_HIGH_LAST		0x403
#define SVM_EXIT_NEG_FIRST		(-4)
#define SVM_EXIT_NEG_LAST		(-1)

#define SVM_EXIT_LOW_COUNT		(SVM_EXIT_LOW_LAST + 1)
#define SVM_EXIT_HIGH_COUNT		(SVM_EXIT_HIGH_LAST - SVM_EXIT_HIGH_FIRST + 1)
#define SVM_EXIT_NEG_COUNT		(SVM_EXIT_NEG_LAST - SVM_EXIT_NEG_FIRST + 1)

/* Slots in a table indexed by svm_exit_index(): one per defined code
 * (the runs have no holes), and the index of anything else. */
#define SVM_EXIT_INDEX_COUNT		(SVM_EXIT_LOW_COUNT + SVM_EXIT_HIGH_COUNT + SVM_EXIT_NEG_COUNT)
#define SVM_EXIT_CODES_DEFINED		SVM_EXIT_INDEX_COUNT
#define SVM_EXIT_INDEX_NONE		SVM_EXIT_INDEX_COUNT

/* The slot of code c (a signed constant expression), for compile-time
 * table entries; SVM_EXIT_INDEX_NONE when the APM does not define c. */
#define SVM_EXIT_INDEX(c)							\
	((c) >= 0 && (c) <= SVM_EXIT_LOW_LAST ? (c) :				\
	 (c) >= SVM_EXIT_HIGH_FIRST && (c) <= SVM_EXIT_HIGH_LAST ?		\
		SVM_EXIT_LOW_COUNT + (c) - SVM_EXIT_HIGH_FIRST :		\
	 (c) >= SVM_EXIT_NEG_FIRST && (c) <= SVM_EXIT_NEG_LAST ?		\
		SVM_EXIT_LOW_COUNT + SVM_EXIT_HIGH_COUNT + (c) - SVM_EXIT_NEG_FIRST : \
	 SVM_EXIT_INDEX_NONE)

/* The slot of the EXITCODE field's value (any 64-bit value). */
static inline unsigned svm_exit_index(uint64_t exitcode)
{
	int64_t c = (int64_t)exitcode;

	return (unsigned)SVM_EXIT_INDEX(c);
}

/* Whether the APM defines this EXITCODE value. */
static inline bool svm_exit_code_defined(uint64_t exitcode)
{
	return svm_exit_index(exitcode) != SVM_EXIT_INDEX_NONE;
}

/* The code in slot i (i < SVM_EXIT_INDEX_COUNT), as EXITCODE holds it. */
uint64_t svm_exit_code_at(unsigned i);

/* A short name after the APM's ("CPUID", "CR4 write", "#PF exception",
 * "nested page fault", "VMRUN failed: invalid guest state"), or
 * "unknown" for values the APM does not define. */
const char *svm_exit_code_name(uint64_t exitcode);

#endif
