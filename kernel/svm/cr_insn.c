/* See cr_insn.h.  Prefixes and opcodes from AMD64 APM Vol. 3 1.2 and
 * appendix A (opcode maps); ModRM from 1.4. */
#include "svm/cr_insn.h"
#include "svm/insn_len.h"

#define PFX_LOCK	0xf0
#define OP_ESCAPE	0x0f
#define OP_MOV_TO_CR	0x22
#define OP_CLTS		0x06
#define OP_GROUP7	0x01	/* 0F 01: LMSW is /6 */
#define GROUP7_LMSW	6
#define REX_R		0x04
#define REX_B		0x01
#define MODRM_MOD(b)	((b) >> 6)
#define MODRM_REG(b)	(((b) >> 3) & 7)
#define MODRM_RM(b)	((b) & 7)
#define MOD_REGISTER	3

/* Operand-size, address-size, segment, LOCK and REP prefixes (1.2.1). */
static bool legacy_prefix(uint8_t b)
{
	switch (b) {
	case 0x66: case 0x67:
	case 0x2e: case 0x36: case 0x3e: case 0x26: case 0x64: case 0x65:
	case PFX_LOCK: case 0xf2: case 0xf3:
		return true;
	default:
		return false;
	}
}

int svm_cr_insn_decode(const uint8_t *bytes, size_t n, bool long_mode, struct svm_cr_insn *out)
{
	size_t i = 0;
	bool lock = false;
	uint8_t rex = 0, modrm;

	if (n > X86_INSN_MAX)
		n = X86_INSN_MAX;
	for (; i < n && legacy_prefix(bytes[i]); i++)
		lock |= bytes[i] == PFX_LOCK;
	if (long_mode && i < n && (bytes[i] & 0xf0) == 0x40)
		rex = bytes[i++];
	if (i + 2 > n || bytes[i] != OP_ESCAPE)
		return -1;
	*out = (struct svm_cr_insn){ 0 };
	if (bytes[i + 1] == OP_CLTS) {
		out->op = SVM_CR_CLTS;
		out->len = (uint8_t)(i + 2);
		return 0;
	}
	if (i + 3 > n)
		return -1;
	modrm = bytes[i + 2];
	out->gpr = (uint8_t)(MODRM_RM(modrm) | ((rex & REX_B) ? 8 : 0));
	if (bytes[i + 1] == OP_MOV_TO_CR) {
		out->op = SVM_CR_MOV;
		out->cr = (uint8_t)(MODRM_REG(modrm) | ((rex & REX_R) || lock ? 8 : 0));
		out->len = (uint8_t)(i + 3);
		return 0;
	}
	if (bytes[i + 1] != OP_GROUP7 || MODRM_REG(modrm) != GROUP7_LMSW)
		return -1;
	out->op = SVM_CR_LMSW;
	if (MODRM_MOD(modrm) == MOD_REGISTER)
		out->len = (uint8_t)(i + 3);
	else
		out->mem = true;
	return 0;
}
