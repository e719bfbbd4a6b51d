/* INVVPID stepped over on the host; see fuzz_invvpid.h. */
#define _GNU_SOURCE
#include "fuzz_invvpid.h"

#include <signal.h>
#include <stdbool.h>
#include <string.h>
#include <ucontext.h>

#include "fuzz_support.h"

/* RFLAGS CF, PF, AF, ZF, SF, OF: all clear is VMsucceed (SDM Vol. 3C 31.2). */
#define ARITH_FLAGS	0x8d5

struct fuzz_invvpid_log fuzz_invvpid_log;

/* x86 register number (ModRM, SIB, REX) to the signal frame's slot. */
static const int greg_of[16] = {
	REG_RAX, REG_RCX, REG_RDX, REG_RBX, REG_RSP, REG_RBP, REG_RSI, REG_RDI,
	REG_R8, REG_R9, REG_R10, REG_R11, REG_R12, REG_R13, REG_R14, REG_R15,
};

static int32_t disp32(const uint8_t **p)
{
	int32_t d;

	memcpy(&d, *p, sizeof(d));
	*p += sizeof(d);
	return d;
}

/* The memory operand of ModRM and SIB (SDM Vol. 2A 2.1.5, 2.2.1.6 for
 * RIP-relative); *p is past the ModRM byte and ends past the operand. */
static uint64_t effective_address(const greg_t *r, uint8_t rex, uint8_t modrm, const uint8_t **p)
{
	unsigned mod = modrm >> 6, rm = modrm & 7;
	uint64_t ea = 0;

	if (rm == 4) {
		uint8_t sib = *(*p)++;
		unsigned index = ((sib >> 3) & 7) | (rex & 2) << 2, base = (sib & 7) | (rex & 1) << 3;

		if (index != 4)
			ea += (uint64_t)r[greg_of[index]] << (sib >> 6);
		if ((sib & 7) == 5 && mod == 0)
			return ea + (uint64_t)(int64_t)disp32(p);
		ea += (uint64_t)r[greg_of[base]];
	} else if (rm == 5 && mod == 0) {
		int32_t d = disp32(p);

		return (uint64_t)(uintptr_t)*p + (uint64_t)(int64_t)d;
	} else {
		ea += (uint64_t)r[greg_of[rm | (rex & 1) << 3]];
	}
	if (mod == 1)
		ea += (uint64_t)(int64_t)(int8_t)*(*p)++;
	else if (mod == 2)
		ea += (uint64_t)(int64_t)disp32(p);
	return ea;
}

static void on_sigill(int sig, siginfo_t *si, void *uctx)
{
	ucontext_t *uc = uctx;
	greg_t *r = uc->uc_mcontext.gregs;
	const uint8_t *p = (const uint8_t *)(uintptr_t)r[REG_RIP];
	struct fuzz_invvpid_log *log = &fuzz_invvpid_log;
	uint8_t rex = 0, modrm;
	uint64_t desc[2], ea;

	(void)sig;
	(void)si;
	fuzz_check(*p == 0x66, "SIGILL at %p: not an INVVPID", (const void *)p);
	p++;
	if ((*p & 0xf0) == 0x40)
		rex = *p++;
	fuzz_check(p[0] == 0x0f && p[1] == 0x38 && p[2] == 0x81 && (p[3] >> 6) != 3,
		   "SIGILL on an instruction that is not INVVPID");
	modrm = p[3];
	p += 4;
	ea = effective_address(r, rex, modrm, &p);
	memcpy(desc, (const void *)(uintptr_t)ea, sizeof(desc));
	if (log->count < FUZZ_INVVPID_MAX)
		log->op[log->count] = (struct fuzz_invvpid_op){
			.type = (uint64_t)r[greg_of[((modrm >> 3) & 7) | (rex & 4) << 1]],
			.vpid = desc[0],
			.linear = desc[1],
		};
	log->count++;
	r[REG_RIP] = (greg_t)(uintptr_t)p;
	r[REG_EFL] &= ~(greg_t)ARITH_FLAGS;
}

void fuzz_invvpid_trap(void)
{
	static bool done;
	struct sigaction sa;

	if (done)
		return;
	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = on_sigill;
	sa.sa_flags = SA_SIGINFO;
	sigemptyset(&sa.sa_mask);
	fuzz_check(sigaction(SIGILL, &sa, NULL) == 0, "sigaction(SIGILL)");
	done = true;
}
