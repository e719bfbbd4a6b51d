/*
 * INVVPID on a host that cannot execute it: a SIGILL handler that decodes
 * the instruction (SDM Vol. 3C 31.3: 66 [REX] 0F 38 81 /r, INVVPID r64,
 * m128), records its type and descriptor and steps over it as VMsucceed.
 * A harness that drives code flushing a guest's TLB (kernel/vmx/vmx_insn.h
 * vmx_invvpid) checks what was asked for.  Any other illegal instruction
 * fails the run.  In its own file: the signal frame's register names need
 * _GNU_SOURCE, whose declarations clash with the kernel's x86.h.
 */
#ifndef SKIFF_TESTS_FUZZ_INVVPID_H
#define SKIFF_TESTS_FUZZ_INVVPID_H

#include <stdint.h>

#define FUZZ_INVVPID_MAX	8

struct fuzz_invvpid_op {
	uint64_t type, vpid, linear;	/* the register, the descriptor */
};

struct fuzz_invvpid_log {
	unsigned count;			/* all of them; the first MAX kept */
	struct fuzz_invvpid_op op[FUZZ_INVVPID_MAX];
};

extern struct fuzz_invvpid_log fuzz_invvpid_log;

/* Installs the handler (once; later calls do nothing).  Call it from the
 * first input: libFuzzer installs its own handlers after
 * LLVMFuzzerInitialize, and would replace it. */
void fuzz_invvpid_trap(void);

#endif
