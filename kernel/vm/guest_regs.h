/*
 * The guest's general registers while skiff handles an exit.  The exit
 * stub (kernel/vmx/exit_stub.S) stores them here in x86's register-number
 * order (0 = RAX ... 15 = R15), so the register number an exit
 * qualification or instruction-information field names indexes gpr[]
 * directly.  The guest's RSP and RIP live in the VMCS (or its AMD
 * counterpart), not here: slot 4 is unused.
 */
#ifndef SKIFF_VM_GUEST_REGS_H
#define SKIFF_VM_GUEST_REGS_H

#define GUEST_REG_RAX	0
#define GUEST_REG_RCX	1
#define GUEST_REG_RDX	2
#define GUEST_REG_RBX	3
#define GUEST_REG_RSP	4	/* unused: the VMCS holds guest RSP */
#define GUEST_REG_RBP	5
#define GUEST_REG_RSI	6
#define GUEST_REG_RDI	7
#define GUEST_REG_R8	8
#define GUEST_REG_R15	15
#define GUEST_REGS	16

/* Byte offset of register n, for the assembly stub. */
#define GUEST_REG_OFFSET(n)	((n) * 8)

#ifndef __ASSEMBLY__
#include <stdint.h>

struct guest_regs {
	uint64_t gpr[GUEST_REGS];
};

_Static_assert(sizeof(struct guest_regs) == GUEST_REGS * 8, "the stub stores 16 quadwords");
#endif

#endif
