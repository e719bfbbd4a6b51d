/*
 * The fixed dispatch table of the SVM backend: one entry per #VMEXIT code
 * the APM defines (Vol. 2 appendix C), indexed by svm_exit_index(), each
 * a handler or an explicit policy with its reason.  exit_table.c proves
 * at compile time that every defined code has exactly one entry;
 * tests/unit/test_svm_exit_table.c checks the same on the host.
 */
#ifndef SKIFF_SVM_EXIT_TABLE_H
#define SKIFF_SVM_EXIT_TABLE_H

#include "svm/exit_code.h"

struct svm_vcpu;

enum svm_exit_policy {
	SVM_EXIT_UNSET = 0,	/* no entry: cannot happen in a complete table */
	SVM_EXIT_HANDLE,	/* call fn */
	SVM_EXIT_INJECT_UD,	/* the guest has no such instruction: #UD */
	SVM_EXIT_FATAL,		/* skiff never sets this intercept, or cannot
				 * handle it: report, crash policy */
};

typedef void (*svm_exit_fn)(struct svm_vcpu *v);

struct svm_exit_entry {
	enum svm_exit_policy policy;
	svm_exit_fn fn;		/* SVM_EXIT_HANDLE only */
	const char *why;	/* SVM_EXIT_FATAL and SVM_EXIT_INJECT_UD: one line */
};

extern const struct svm_exit_entry svm_exit_table[SVM_EXIT_INDEX_COUNT];

/* Every handler the table names, so host tests can stand them in. */
#define SVM_EXIT_HANDLERS(X)	\
	X(svm_exit_cr_write)	\
	X(svm_exit_exception)	\
	X(svm_exit_ud)		\
	X(svm_exit_init)	\
	X(svm_exit_nmi)		\
	X(svm_exit_iret)	\
	X(svm_exit_cpuid)	\
	X(svm_exit_invd)	\
	X(svm_exit_hlt)		\
	X(svm_exit_intr)	\
	X(svm_exit_vintr)	\
	X(svm_exit_ioio)	\
	X(svm_exit_msr)		\
	X(svm_exit_shutdown)	\
	X(svm_exit_vmmcall)	\
	X(svm_exit_wbinvd)	\
	X(svm_exit_npf)		\
	X(svm_exit_invalid)

#define SVM_DECLARE_HANDLER(name) void name(struct svm_vcpu *v);
SVM_EXIT_HANDLERS(SVM_DECLARE_HANDLER)
#undef SVM_DECLARE_HANDLER

#endif
