/*
 * AMD-V (SVM) capabilities: the CPUID bits and MSRs of AMD64 APM Vol. 2
 * chapter 15 ("Secure Virtual Machine") that decide whether skiff can run
 * a guest with SVM, and what it must do without the optional features.
 *
 * Everything here is pure decision over values already read (CPUID
 * answers, VM_CR, whether a read or write raised #GP): host tests feed it
 * what real CPUs and the emulators report.  kernel/svm/probe.c reads the
 * hardware and prints what svm_caps_decide() concluded.
 */
#ifndef SKIFF_SVM_CAPS_H
#define SKIFF_SVM_CAPS_H

#include <stdbool.h>
#include <stdint.h>

/* ---- CPUID, APM Vol. 3 appendix E.4 and Vol. 2 15.4 ---- */
#define CPUID_EXT_MAX_LEAF		0x80000000u	/* EAX: the largest extended leaf */
#define CPUID_EXT_FEATURES		0x80000001u
#define CPUID_80000001_ECX_SVM		(1u << 2)	/* SVM: the instructions and the VMCB */
#define CPUID_SVM_FEATURES		0x8000000au	/* Fn8000_000A: SVM revision and features */
#define CPUID_SVM_EAX_REVISION_MASK	0xffu		/* EAX[7:0] SvmRev */
/* Fn8000_000A EDX (APM Vol. 3 E.4.9) */
#define SVM_EDX_NP			(1u << 0)	/* nested paging */
#define SVM_EDX_LBR_VIRT		(1u << 1)
#define SVM_EDX_SVML			(1u << 2)	/* SVM lock: VM_CR.LOCK can be unlocked by key */
#define SVM_EDX_NRIPS			(1u << 3)	/* NRIP save: next RIP in the VMCB on #VMEXIT */
#define SVM_EDX_TSC_RATE		(1u << 4)
#define SVM_EDX_VMCB_CLEAN		(1u << 5)	/* VMCB clean bits */
#define SVM_EDX_FLUSH_BY_ASID		(1u << 6)	/* TLB_CONTROL 3 and 7 */
#define SVM_EDX_DECODE_ASSISTS		(1u << 7)

/* ---- MSRs, APM Vol. 2 15.30 "SVM Related MSRs" and 15.31 ---- */
#define MSR_VM_CR			0xc0010114u	/* 15.30.1 */
#define MSR_VM_HSAVE_PA			0xc0010117u	/* 15.30.4 */
#define MSR_SVM_KEY			0xc0010118u	/* 15.31 "SVM-Lock" */
/* VM_CR bits (15.30.1) */
#define VM_CR_DPD			(1ull << 0)	/* debug port disable */
#define VM_CR_R_INIT			(1ull << 1)	/* INIT redirected to #SX */
#define VM_CR_DIS_A20M			(1ull << 2)
#define VM_CR_LOCK			(1ull << 3)	/* writes to LOCK and SVMDIS are ignored */
#define VM_CR_SVMDIS			(1ull << 4)	/* EFER.SVME is must-be-zero */
/* EFER.SVME (APM Vol. 2 3.1.7, 15.4): SVM instructions allowed */
#define EFER_SVME			(1ull << 12)

/* What skiff reads before deciding: CPUID, and VM_CR where SVM is present. */
struct svm_facts {
	uint32_t max_ext_leaf;		/* CPUID.80000000H:EAX */
	uint32_t ext1_ecx;		/* CPUID.80000001H:ECX (0 when the leaf is absent) */
	uint32_t svm_eax, svm_ebx, svm_edx;	/* CPUID.8000000AH, 0 when absent */
	bool vm_cr_gp;			/* RDMSR VM_CR raised #GP (an emulator without it) */
	uint64_t vm_cr;			/* valid unless vm_cr_gp */
	bool svme_gp;			/* only read with vm_cr_gp: setting EFER.SVME raised #GP */
};

/* The outcome: skiff can use SVM, or the one reason it cannot. */
enum svm_verdict {
	SVM_USABLE = 0,
	SVM_ABSENT,		/* CPUID.80000001H:ECX.SVM = 0 */
	SVM_DISABLED_LOCKED,	/* VM_CR.SVMDIS and LOCK; no SVM-Lock key (SVML = 0) */
	SVM_DISABLED_KEY,	/* VM_CR.SVMDIS and LOCK; a key could unlock it (SVML = 1) */
	SVM_DISABLED_UNKNOWN,	/* VM_CR unreadable, and EFER.SVME refused */
	SVM_NO_FEATURE_LEAF,	/* SVM set, but CPUID leaf 8000_000AH missing */
	SVM_NO_NPT,		/* no nested paging */
	SVM_NO_ASID,		/* fewer than 2 ASIDs: none besides the host's 0 */
};

struct svm_caps {
	enum svm_verdict verdict;
	bool clear_svmdis;	/* SVMDIS set but not locked: skiff clears it */
	bool vm_cr_unreadable;	/* RDMSR VM_CR raised #GP */
	bool nrips;		/* no: skiff decodes intercepted instructions' lengths */
	bool flush_by_asid;
	bool vmcb_clean;
	bool decode_assists;
	uint32_t revision;	/* SvmRev */
	uint32_t asids;		/* NASID: ASIDs, the host's 0 included */
};

/*
 * The decision of APM Vol. 2 15.4 ("Enabling SVM"): SVM present; then
 * VM_CR.SVMDIS (and whether LOCK and SVML let anyone clear it); then the
 * features skiff needs (nested paging, an ASID for the guest) and those it
 * only reports.  Every field of *c is written.
 */
void svm_caps_decide(const struct svm_facts *f, struct svm_caps *c);

/* What is missing, one line, for a verdict other than SVM_USABLE. */
const char *svm_verdict_reason(enum svm_verdict v);

/* What the user can do about it, one line ("" when nothing applies). */
const char *svm_verdict_advice(enum svm_verdict v);

#endif
