/*
 * The instructions that make a CR0 or CR4 write intercept (AMD64 APM Vol.
 * 2 15.9, "Instruction Intercepts": the CRn write intercepts cover MOV to
 * CRn, and for CR0 also CLTS and LMSW), decoded from the bytes at the
 * guest's RIP.  skiff needs it where the CPU does not say what it needs:
 * without decode assists (APM Vol. 2 15.33.1, "MOV CRx": EXITINFO1 bit 63
 * and the GPR number in bits 3:0), QEMU's case, the source register; and
 * without NRIP save the length.  Pure, for the host tests.
 *
 * The forms (APM Vol. 3, "MOV (CRn)", "CLTS", "LMSW"):
 *   0F 22 /r   MOV CRn, reg64 (reg32 outside 64-bit mode): ModRM.reg the
 *              CR (REX.R adds 8; LOCK adds 8 too: AMD's alternate
 *              encoding of CR8), ModRM.rm the GPR (REX.B adds 8); ModRM.mod
 *              is ignored, the operand is always a register
 *   0F 06      CLTS
 *   0F 01 /6   LMSW r/m16
 * after any legacy prefixes and, in 64-bit mode, one REX prefix.
 */
#ifndef SKIFF_SVM_CR_INSN_H
#define SKIFF_SVM_CR_INSN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum svm_cr_op {
	SVM_CR_MOV,	/* MOV to CRn from GPR gpr */
	SVM_CR_CLTS,	/* CR0.TS cleared */
	SVM_CR_LMSW,	/* CR0 bits 3:0 from gpr's low bits, or from memory (mem) */
};

struct svm_cr_insn {
	enum svm_cr_op op;
	uint8_t len;	/* bytes, prefixes included; 0 for LMSW from memory */
	uint8_t cr;	/* SVM_CR_MOV: the control register's number */
	uint8_t gpr;	/* 0..15 in struct guest_regs' order (4 is RSP) */
	bool mem;	/* SVM_CR_LMSW with a memory operand: not decoded */
};

/*
 * Decodes the instruction at bytes (n of them readable; no byte past n or
 * past 15 is read).  0 with *out filled, or -1 when the bytes are none of
 * the forms above or are cut short: then skiff cannot know what the guest
 * wrote, and must not guess.  long_mode: the guest runs 64-bit code, where
 * 40h-4Fh right before the opcode are REX (elsewhere INC and DEC).
 */
int svm_cr_insn_decode(const uint8_t *bytes, size_t n, bool long_mode, struct svm_cr_insn *out);

#endif
