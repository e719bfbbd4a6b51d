/*
 * The MOV forms a guest uses to write (or read) a memory-mapped register,
 * decoded from the bytes at its RIP.  skiff write-protects a few guest-
 * physical pages in the EPT (the PCI ECAM window, a memory-mapped reset
 * register); a guest access there is an EPT violation, whose exit gives the
 * guest-physical address but neither the value nor the instruction's
 * length.  This decoder gives both, so skiff can filter the access, do it
 * itself and step RIP over the instruction.  It is pure: bytes in, a
 * description out, for the host tests and the fuzzer.
 *
 * The forms (SDM Vol. 2B 4.3, "MOV—Move" and "MOVZX—Move With Zero-
 * Extend"), each with a memory operand only:
 *   88 /r       MOV r/m8, r8              store
 *   89 /r       MOV r/m16/32/64, r        store
 *   8A /r       MOV r8, r/m8              load
 *   8B /r       MOV r, r/m16/32/64        load
 *   C6 /0 ib    MOV r/m8, imm8            store of an immediate
 *   C7 /0 iw/id MOV r/m16/32/64, imm      store of an immediate (id sign-
 *                                         extended to 64 bits with REX.W)
 *   0F B6 /r    MOVZX r16/32/64, r/m8     load, zero-extended
 *   0F B7 /r    MOVZX r16/32/64, r/m16    load, zero-extended
 *   A0, A1      MOV AL/rAX, moffs         load from an absolute offset
 *   A2, A3      MOV moffs, AL/rAX         store to an absolute offset
 * with the prefixes 66 (operand size), 67 (address size), the segment
 * overrides 26 2E 36 3E 64 65 and, in 64-bit mode, REX (40..4F).  Anything
 * else is refused, LOCK (F0) and REP (F2, F3) among it: MOV takes neither
 * (#UD), and a string MOVS is not decoded here.
 */
#ifndef SKIFF_VM_MMIO_INSN_H
#define SKIFF_VM_MMIO_INSN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* SDM Vol. 2A 2.3.11 (and Vol. 3A 6.15, #GP): no instruction is longer. */
#define MMIO_INSN_MAX_LEN	15
/* General registers, numbered as the instruction encodes them (SDM Vol. 2A
 * 2.1.5 and 2.2.1.2, Table 3-1): 0 = RAX, 1 = RCX, 2 = RDX, 3 = RBX,
 * 4 = RSP, 5 = RBP, 6 = RSI, 7 = RDI, 8..15 = R8..R15: the order of
 * struct guest_regs (vm/guest_regs.h). */
#define MMIO_INSN_REGS		16

/*
 * The code segment's default sizes, which the caller reads from the guest
 * state (SDM Vol. 3A 3.4.5, 5.2.1): IA32_EFER.LMA = 1 and CS.L = 1 is
 * 64-bit mode; otherwise CS.D = 1 is 32-bit code and CS.D = 0 16-bit code
 * (as are real and virtual-8086 mode).
 */
enum mmio_mode {
	MMIO_MODE_16,
	MMIO_MODE_32,
	MMIO_MODE_64,
};

struct mmio_insn {
	uint8_t len;		/* instruction length in bytes, prefixes included */
	uint8_t size;		/* bytes of the memory access: 1, 2, 4 or 8 */
	bool write;		/* a store to memory (true) or a load from it */
	bool has_imm;		/* a store of the immediate imm (C6, C7) */
	uint64_t imm;		/* the immediate, as the CPU extends it to size bytes */
	/*
	 * The register operand (none with has_imm: reg 0, reg_size 0).  reg
	 * is the full register that holds it, 0..15 as above; reg_size its
	 * width in bytes, which is size but for MOVZX.  high_byte: the
	 * operand is bits 15:8 of reg, i.e. AH, CH, DH or BH (reg 0..3),
	 * which a byte form encodes as 4..7 without a REX prefix (SDM Vol.
	 * 2A 2.2.1.2; with any REX, 4..7 are SPL, BPL, SIL, DIL).  So
	 * regs[reg] is always the register to read or write, never the RSP
	 * slot for AH.  reg 4 without high_byte is RSP/ESP/SP/SPL: struct
	 * guest_regs does not hold the guest's RSP, the VMCS does.
	 */
	uint8_t reg;
	uint8_t reg_size;
	bool high_byte;
	bool zero_extend;	/* a load that zero-extends (MOVZX) */
};

/*
 * Decodes the instruction at bytes, of which avail are readable (no byte
 * at or past avail, nor past MMIO_INSN_MAX_LEN, is read).  Returns 0 with
 * *out filled, or:
 *   -EINVAL  not one of the forms above: another opcode, LOCK/REP, a
 *            register operand (ModRM.mod = 3: no memory access, so it
 *            cannot have made the exit), C6/C7 with ModRM.reg other than 0,
 *            or a mode that is none of enum mmio_mode;
 *   -ERANGE  the instruction goes on past avail: more bytes are needed
 *            (never when avail >= MMIO_INSN_MAX_LEN);
 *   -E2BIG   the instruction would be longer than MMIO_INSN_MAX_LEN
 *            bytes, which the CPU refuses with #GP.
 * Bytes past the instruction never change the outcome, and an outcome
 * other than -ERANGE stays the same with more bytes available.  *out is
 * written only on success.
 */
int mmio_insn_decode(const uint8_t *bytes, size_t avail, enum mmio_mode mode,
		     struct mmio_insn *out);

/*
 * What a store writes, size bytes in the low bits: the immediate, or the
 * register operand taken from regs (MMIO_INSN_REGS registers in the order
 * of struct guest_regs, with the guest's RSP in slot 4 if it may be the
 * source).
 */
uint64_t mmio_insn_store_value(const struct mmio_insn *in, const uint64_t regs[MMIO_INSN_REGS]);

/*
 * For a load: the new value of register in->reg, which held old_reg, after
 * the instruction loads value (its low in->size bytes count), as the CPU
 * writes it (SDM Vol. 1 3.4.1.1): an 8- or 16-bit destination (AH..BH
 * too) keeps the register's other bits; a 32-bit one is zero-extended to
 * 64 bits; MOVZX zero-extends the loaded bytes to the destination first.
 */
uint64_t mmio_insn_load_result(const struct mmio_insn *in, uint64_t old_reg, uint64_t value);

#endif
