/*
 * The offsets run.S's CPUID fast path uses, for assembly and C alike;
 * svm.c _Static_asserts each against vmcb.h and vcpu.h (docs/style.md 4).
 * VMCB offsets are the APM's (Vol. 2 appendix B: the state save area at
 * 400h); the vCPU's are from its regs, which run.S holds.
 */
#ifndef SKIFF_SVM_RUN_OFFSETS_H
#define SKIFF_SVM_RUN_OFFSETS_H

#define VMCB_INTERCEPT_MISC1	0x00c
#define VMCB_TLB_CONTROL	0x05c
#define VMCB_INTERRUPT_SHADOW	0x068
#define VMCB_EXITCODE		0x070
#define VMCB_EVENTINJ		0x0a8
#define VMCB_NEXT_RIP		0x0c8
#define VMCB_RFLAGS		(0x400 + 0x170)
#define VMCB_RIP		(0x400 + 0x178)
#define VMCB_RAX		(0x400 + 0x1f8)

#define SVM_EXITCODE_CPUID	0x72	/* appendix C; also its slot in exit_stats */
#define SVM_EXITCODE_VMMCALL	0x81
#define SVM_INTERCEPT_INTR_BIT	0	/* vmcb.h; exit.h: SVM_MISC1_AFTER_EXIT */
#define SVM_INTERCEPT_HLT_BIT	24
#define RFLAGS_TF_BIT		8

/* From &vcpu->regs: the CPUID slot of exit_stats (count, then cycles),
 * and the exception streak's count. */
#define REGS_TO_CPUID_COUNT	2144
#define REGS_TO_CPUID_CYCLES	(REGS_TO_CPUID_COUNT + 8)
#define REGS_TO_STREAK_COUNT	160

/* Every how many fast-path exits (CPUID, VMMCALL) one takes the generic
 * path, where the watchdog looks (watchdog.h).  A power of two below 256:
 * run.S tests the low byte of the count. */
#define SVM_WATCH_FAST_EVERY	64

#endif
