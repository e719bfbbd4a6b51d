/*
 * The length of an intercepted instruction, for CPUs without NRIP save
 * (CPUID 8000_000Ah EDX.NRIPS = 0, QEMU's among them): the VMCB's
 * next-RIP field is then 0 (APM Vol. 2 15.7.1), and skiff must find how
 * far to advance RIP itself.  Every instruction skiff intercepts and
 * completes for the guest has a fixed opcode (CPUID, RDMSR, WRMSR, HLT,
 * VMMCALL, INVD, WBINVD; VMCALL for a guest that calls skiff the Intel
 * way), so the length is its prefixes plus its opcode bytes: no ModRM
 * operand, no immediate.  An I/O exit needs none of this: EXITINFO2
 * holds the next RIP (15.10.2).
 */
#ifndef SKIFF_SVM_INSN_LEN_H
#define SKIFF_SVM_INSN_LEN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define X86_INSN_MAX	15	/* the longest instruction (APM Vol. 3 1.1) */

/* The intercepted instructions skiff completes, by opcode. */
enum svm_insn {
	SVM_INSN_CPUID,		/* 0F A2 */
	SVM_INSN_RDMSR,		/* 0F 32 */
	SVM_INSN_WRMSR,		/* 0F 30 */
	SVM_INSN_HLT,		/* F4 */
	SVM_INSN_VMMCALL,	/* 0F 01 D9 */
	SVM_INSN_VMCALL,	/* 0F 01 C1: Intel's, #UD on AMD */
	SVM_INSN_INVD,		/* 0F 08 */
	SVM_INSN_WBINVD,	/* 0F 09; F3 0F 09 is WBNOINVD */
};

/*
 * The length of insn at the start of bytes (n of them, fetched from the
 * guest's RIP), after any legacy prefixes and, in 64-bit mode, one REX
 * prefix just before the opcode (APM Vol. 3 1.2).  -1 when the bytes are
 * not that instruction, are cut short, or exceed 15 bytes: then skiff
 * cannot know where the next instruction starts, and must not guess.
 */
int svm_insn_length(const uint8_t *bytes, size_t n, enum svm_insn insn, bool long_mode);

#endif
