/* See insn_len.h.  Prefixes and opcodes from AMD64 APM Vol. 3 1.2 and
 * appendix A (opcode maps). */
#include "svm/insn_len.h"

struct opcode {
	uint8_t len;
	uint8_t bytes[3];
};

static const struct opcode opcodes[] = {
	[SVM_INSN_CPUID]	= { 2, { 0x0f, 0xa2 } },
	[SVM_INSN_RDMSR]	= { 2, { 0x0f, 0x32 } },
	[SVM_INSN_WRMSR]	= { 2, { 0x0f, 0x30 } },
	[SVM_INSN_HLT]		= { 1, { 0xf4 } },
	[SVM_INSN_VMMCALL]	= { 3, { 0x0f, 0x01, 0xd9 } },
	[SVM_INSN_VMCALL]	= { 3, { 0x0f, 0x01, 0xc1 } },
	[SVM_INSN_INVD]		= { 2, { 0x0f, 0x08 } },
	[SVM_INSN_WBINVD]	= { 2, { 0x0f, 0x09 } },
};

/* Operand-size, address-size, segment, LOCK and REP prefixes (1.2.1). */
static bool legacy_prefix(uint8_t b)
{
	switch (b) {
	case 0x66: case 0x67:
	case 0x2e: case 0x36: case 0x3e: case 0x26: case 0x64: case 0x65:
	case 0xf0: case 0xf2: case 0xf3:
		return true;
	default:
		return false;
	}
}

int svm_insn_length(const uint8_t *bytes, size_t n, enum svm_insn insn, bool long_mode)
{
	const struct opcode *op;
	size_t i = 0;

	if ((unsigned)insn >= sizeof(opcodes) / sizeof(opcodes[0]))
		return -1;
	op = &opcodes[insn];
	if (n > X86_INSN_MAX)
		n = X86_INSN_MAX;
	while (i < n && legacy_prefix(bytes[i]))
		i++;
	/* REX (40h-4Fh) counts only right before the opcode, in 64-bit mode;
	 * elsewhere those bytes are INC and DEC, other instructions. */
	if (long_mode && i < n && (bytes[i] & 0xf0) == 0x40)
		i++;
	if (i + op->len > n)
		return -1;
	for (unsigned k = 0; k < op->len; k++)
		if (bytes[i + k] != op->bytes[k])
			return -1;
	return (int)(i + op->len);
}
