/*
 * Every #VMEXIT of an SVM guest goes through this table, indexed by
 * svm_exit_index(EXITCODE).  One entry per code the APM defines (Vol. 2
 * appendix C, Table C-1): a handler, or an explicit policy with its
 * reason.
 *
 * Why a code is FATAL: skiff never sets that intercept in the VMCB (APM
 * 15.7-15.14: an intercept that is clear lets the guest do the thing
 * itself, so such an exit happening is a bug worth a report), the exit
 * belongs to a feature skiff does not enable (SEV-ES, AVIC), or nothing
 * sensible can be done for the guest.  INJECT_UD: the guest is told (by
 * CPUID) it has no such instruction.
 *
 * The build proves the table complete, as kernel/vmx/exit_table.c does:
 * ENTRY() counts itself with __COUNTER__ and refuses a code the APM does
 * not define; -Werror=override-init (from -Wextra) refuses a code listed
 * twice; so as many entries as defined codes, none twice and none
 * undefined, means every defined code has one.
 */
#include <stddef.h>

#include "svm/exit_table.h"

/* A compile-time error (negative array size) when c is not a defined code. */
#define CHECK_CODE(c) \
	(0 * sizeof(char[SVM_EXIT_INDEX(c) != SVM_EXIT_INDEX_NONE ? 1 : -1]))
#define ENTRY(c, p, f, w) \
	[SVM_EXIT_INDEX(c) + CHECK_CODE(c) + 0 * __COUNTER__] = { .policy = (p), .fn = (f), .why = (w) }

#define HANDLE(c, f)	ENTRY(c, SVM_EXIT_HANDLE, f, NULL)
#define UD(c, w)	ENTRY(c, SVM_EXIT_INJECT_UD, NULL, w)
#define FATAL(c, w)	ENTRY(c, SVM_EXIT_FATAL, NULL, w)

/* The runs of 16 (CR0-CR15, DR0-DR15) and 32 (exception vectors) codes
 * that share one policy: still one ENTRY, and one count, per code. */
#define FATAL8(c, w)	FATAL((c) + 0, w), FATAL((c) + 1, w), FATAL((c) + 2, w), FATAL((c) + 3, w), \
			FATAL((c) + 4, w), FATAL((c) + 5, w), FATAL((c) + 6, w), FATAL((c) + 7, w)
#define FATAL16(c, w)	FATAL8(c, w), FATAL8((c) + 8, w)

#define NOT_INTERCEPTED	"skiff does not set this intercept"
#define NO_SVM		"SVM is hidden from the guest (its EFER.SVME is skiff's, APM 15.5.1)"
#define SEV_ES		"only SEV-ES and SEV-SNP guests exit so, and skiff runs neither"
#define NO_AVIC		"skiff does not enable AVIC"

enum { counter_before_table = __COUNTER__ };

const struct svm_exit_entry svm_exit_table[SVM_EXIT_INDEX_COUNT] = {
	FATAL16(SVM_EXIT_CR0_READ,			NOT_INTERCEPTED),
	/* CR0 and CR4 writes by the rules VT-x applies (cr.c). */
	HANDLE(SVM_EXIT_CR0_WRITE + 0,			svm_exit_cr_write),
	FATAL(SVM_EXIT_CR0_WRITE + 1,			NOT_INTERCEPTED),
	FATAL(SVM_EXIT_CR0_WRITE + 2,			NOT_INTERCEPTED),
	FATAL(SVM_EXIT_CR0_WRITE + 3,			NOT_INTERCEPTED),
	HANDLE(SVM_EXIT_CR0_WRITE + 4,			svm_exit_cr_write),
	FATAL(SVM_EXIT_CR0_WRITE + 5,			NOT_INTERCEPTED),
	FATAL(SVM_EXIT_CR0_WRITE + 6,			NOT_INTERCEPTED),
	FATAL(SVM_EXIT_CR0_WRITE + 7,			NOT_INTERCEPTED),
	FATAL8(SVM_EXIT_CR0_WRITE + 8,			NOT_INTERCEPTED),
	FATAL16(SVM_EXIT_DR0_READ,			NOT_INTERCEPTED),
	FATAL16(SVM_EXIT_DR0_WRITE,			NOT_INTERCEPTED),
	/* Exceptions are the guest's, but for the two that can recur with no
	 * instruction between them and so hold the CPU in the guest for good
	 * (#DB, #AC): those are reflected and counted (the exception flood). */
	FATAL(SVM_EXIT_EXCP0 + 0,			NOT_INTERCEPTED),
	HANDLE(SVM_EXIT_EXCP0 + 1,			svm_exit_exception),
	FATAL(SVM_EXIT_EXCP0 + 2,			NOT_INTERCEPTED),
	FATAL(SVM_EXIT_EXCP0 + 3,			NOT_INTERCEPTED),
	FATAL(SVM_EXIT_EXCP0 + 4,			NOT_INTERCEPTED),
	FATAL(SVM_EXIT_EXCP0 + 5,			NOT_INTERCEPTED),
	/* VMCALL, the Intel hypercall, is #UD on AMD: skiff takes it. */
	HANDLE(SVM_EXIT_EXCP0 + 6,			svm_exit_ud),
	FATAL(SVM_EXIT_EXCP0 + 7,			NOT_INTERCEPTED),
	FATAL(SVM_EXIT_EXCP0 + 8,			NOT_INTERCEPTED),
	FATAL(SVM_EXIT_EXCP0 + 9,			NOT_INTERCEPTED),
	FATAL(SVM_EXIT_EXCP0 + 10,			NOT_INTERCEPTED),
	FATAL(SVM_EXIT_EXCP0 + 11,			NOT_INTERCEPTED),
	FATAL(SVM_EXIT_EXCP0 + 12,			NOT_INTERCEPTED),
	FATAL(SVM_EXIT_EXCP0 + 13,			NOT_INTERCEPTED),
	FATAL(SVM_EXIT_EXCP0 + 14,			NOT_INTERCEPTED),
	FATAL(SVM_EXIT_EXCP0 + 15,			NOT_INTERCEPTED),
	FATAL(SVM_EXIT_EXCP0 + 16,			NOT_INTERCEPTED),
	HANDLE(SVM_EXIT_EXCP0 + 17,			svm_exit_exception),
	FATAL(SVM_EXIT_EXCP0 + 18,			NOT_INTERCEPTED),
	FATAL8(SVM_EXIT_EXCP0 + 19,			NOT_INTERCEPTED),
	FATAL(SVM_EXIT_EXCP0 + 27,			NOT_INTERCEPTED),
	FATAL(SVM_EXIT_EXCP0 + 28,			NOT_INTERCEPTED),
	FATAL(SVM_EXIT_EXCP0 + 29,			NOT_INTERCEPTED),
	FATAL(SVM_EXIT_EXCP0 + 30,			NOT_INTERCEPTED),
	FATAL(SVM_EXIT_EXCP0 + 31,			NOT_INTERCEPTED),
	/* Physical interrupts are the guest's (V_INTR_MASKING clear: its
	 * RFLAGS.IF governs them, APM 15.21.1), and INTR is intercepted only
	 * while the guest runs an HLT again (handlers.c); except with one
	 * vCPU and the watchdog, where they are skiff's, each an INTR exit,
	 * and VINTR says when the guest can take one (own_timer.h).  SMIs
	 * are the firmware's. */
	HANDLE(SVM_EXIT_INTR,				svm_exit_intr),
	/* NMIs are intercepted with more than one vCPU, for skiff's own
	 * (nmi.c); the guest's are injected, and its IRET ends the masking. */
	HANDLE(SVM_EXIT_NMI,				svm_exit_nmi),
	FATAL(SVM_EXIT_SMI,				NOT_INTERCEPTED),
	/* An INIT the guest does not see would reset skiff's CPU. */
	HANDLE(SVM_EXIT_INIT,				svm_exit_init),
	HANDLE(SVM_EXIT_VINTR,				svm_exit_vintr),
	FATAL(SVM_EXIT_CR0_SEL_WRITE,			NOT_INTERCEPTED),
	FATAL(SVM_EXIT_IDTR_READ,			NOT_INTERCEPTED),
	FATAL(SVM_EXIT_GDTR_READ,			NOT_INTERCEPTED),
	FATAL(SVM_EXIT_LDTR_READ,			NOT_INTERCEPTED),
	FATAL(SVM_EXIT_TR_READ,				NOT_INTERCEPTED),
	FATAL(SVM_EXIT_IDTR_WRITE,			NOT_INTERCEPTED),
	FATAL(SVM_EXIT_GDTR_WRITE,			NOT_INTERCEPTED),
	FATAL(SVM_EXIT_LDTR_WRITE,			NOT_INTERCEPTED),
	FATAL(SVM_EXIT_TR_WRITE,			NOT_INTERCEPTED),
	FATAL(SVM_EXIT_RDTSC,				NOT_INTERCEPTED),
	FATAL(SVM_EXIT_RDPMC,				NOT_INTERCEPTED),
	FATAL(SVM_EXIT_PUSHF,				NOT_INTERCEPTED),
	FATAL(SVM_EXIT_POPF,				NOT_INTERCEPTED),
	HANDLE(SVM_EXIT_CPUID,				svm_exit_cpuid),
	FATAL(SVM_EXIT_RSM,				NOT_INTERCEPTED),
	HANDLE(SVM_EXIT_IRET,				svm_exit_iret),
	FATAL(SVM_EXIT_SWINT,				NOT_INTERCEPTED),
	HANDLE(SVM_EXIT_INVD,				svm_exit_invd),
	FATAL(SVM_EXIT_PAUSE,				NOT_INTERCEPTED),
	HANDLE(SVM_EXIT_HLT,				svm_exit_hlt),
	FATAL(SVM_EXIT_INVLPG,				NOT_INTERCEPTED),
	UD(SVM_EXIT_INVLPGA,				NO_SVM),
	HANDLE(SVM_EXIT_IOIO,				svm_exit_ioio),
	HANDLE(SVM_EXIT_MSR,				svm_exit_msr),
	FATAL(SVM_EXIT_TASK_SWITCH,			NOT_INTERCEPTED),
	FATAL(SVM_EXIT_FERR_FREEZE,			NOT_INTERCEPTED),
	HANDLE(SVM_EXIT_SHUTDOWN,			svm_exit_shutdown),
	/* VMRUN must be intercepted (a VMRUN consistency check, APM 15.5.1);
	 * the other SVM instructions run in the guest unless intercepted,
	 * since its EFER.SVME is set. */
	UD(SVM_EXIT_VMRUN,				NO_SVM),
	HANDLE(SVM_EXIT_VMMCALL,			svm_exit_vmmcall),
	UD(SVM_EXIT_VMLOAD,				NO_SVM),
	UD(SVM_EXIT_VMSAVE,				NO_SVM),
	UD(SVM_EXIT_STGI,				NO_SVM),
	UD(SVM_EXIT_CLGI,				NO_SVM),
	UD(SVM_EXIT_SKINIT,				NO_SVM),
	FATAL(SVM_EXIT_RDTSCP,				NOT_INTERCEPTED),
	FATAL(SVM_EXIT_ICEBP,				NOT_INTERCEPTED),
	HANDLE(SVM_EXIT_WBINVD,				svm_exit_wbinvd),
	FATAL(SVM_EXIT_MONITOR,				NOT_INTERCEPTED),
	FATAL(SVM_EXIT_MWAIT,				NOT_INTERCEPTED),
	FATAL(SVM_EXIT_MWAIT_CONDITIONAL,		NOT_INTERCEPTED),
	FATAL(SVM_EXIT_XSETBV,				NOT_INTERCEPTED),
	FATAL(SVM_EXIT_RDPRU,				NOT_INTERCEPTED),
	FATAL(SVM_EXIT_EFER_WRITE_TRAP,			SEV_ES),
	FATAL16(SVM_EXIT_CR0_WRITE_TRAP,		SEV_ES),
	FATAL(SVM_EXIT_INVLPGB,				NOT_INTERCEPTED),
	FATAL(SVM_EXIT_INVLPGB_ILLEGAL,			NOT_INTERCEPTED),
	FATAL(SVM_EXIT_INVPCID,				NOT_INTERCEPTED),
	FATAL(SVM_EXIT_MCOMMIT,				NOT_INTERCEPTED),
	FATAL(SVM_EXIT_TLBSYNC,				NOT_INTERCEPTED),
	FATAL(SVM_EXIT_BUSLOCK,				NOT_INTERCEPTED),
	FATAL(SVM_EXIT_IDLE_HLT,			NOT_INTERCEPTED),
	HANDLE(SVM_EXIT_NPF,				svm_exit_npf),
	FATAL(SVM_EXIT_AVIC_INCOMPLETE_IPI,		NO_AVIC),
	FATAL(SVM_EXIT_AVIC_NOACCEL,			NO_AVIC),
	FATAL(SVM_EXIT_VMGEXIT,				SEV_ES),
	FATAL(SVM_EXIT_INVALID_PMC,			"skiff does not enable PMC virtualization"),
	FATAL(SVM_EXIT_IDLE_REQUIRED,			SEV_ES),
	FATAL(SVM_EXIT_BUSY,				SEV_ES),
	HANDLE(SVM_EXIT_INVALID,			svm_exit_invalid),
};

_Static_assert(__COUNTER__ - counter_before_table - 1 == SVM_EXIT_CODES_DEFINED,
	       "the SVM exit table must have exactly one entry per exit code the APM defines");
