/*
 * The guest's view of CPUID: the CPU's answer, edited where skiff must
 * (VMX and SMX hidden, the hypervisor bit set, features non-root mode
 * cannot run removed, the OS-enable bits mirroring the guest's CR4), and
 * skiff's own leaves from 0x40000000.  Pure: the backend passes in the
 * CPU's answer and what it could enable for the guest.
 *
 * VM_CPUID_EDITED_LEAVES is the one list of edited leaves: the generic
 * handler, the fast path's test (vm_cpuid_leaf_edited) and the host tests
 * all derive from it.
 */
#ifndef SKIFF_VM_CPUID_H
#define SKIFF_VM_CPUID_H

#include <stdbool.h>
#include <stdint.h>

#include "vm/hypercall_abi.h"
#include "x86.h"

/* X(leaf): every leaf vm_cpuid_edit() may change (any subleaf). */
#define VM_CPUID_EDITED_LEAVES(X) \
	X(0x1) X(0x7) X(0xa) X(0xd) X(0x80000001u)

#define CPUID_1_ECX_VMX			(1u << 5)
#define CPUID_1_ECX_SMX			(1u << 6)
#define CPUID_1_ECX_TM2			(1u << 8)
#define CPUID_1_ECX_PDCM		(1u << 15)
#define CPUID_1_ECX_X2APIC		(1u << 21)
#define CPUID_1_ECX_TSC_DEADLINE	(1u << 24)
#define CPUID_1_ECX_XSAVE		(1u << 26)
#define CPUID_1_ECX_OSXSAVE		(1u << 27)
#define CPUID_1_ECX_HYPERVISOR		(1u << 31)
#define CPUID_1_EDX_ACPI		(1u << 22)	/* thermal monitor and clock control */
#define CPUID_1_EDX_TM			(1u << 29)
#define CPUID_7_EBX_INVPCID		(1u << 10)
#define CPUID_7_ECX_OSPKE		(1u << 4)
#define CPUID_D1_EAX_XSAVES		(1u << 3)
#define CPUID_80000001_EDX_NX		(1u << 20)
#define CPUID_80000001_EDX_RDTSCP	(1u << 27)

/* What the guest's view depends on besides the CPU's answer. */
struct vm_cpuid_ctx {
	uint64_t guest_cr4;		/* as the guest reads it */
	bool rdtscp, invpcid, xsaves;	/* the backend could enable them */
};

/* The basic leaves (below 32) of the list as a bit mask, the others
 * compared one by one: the compiler folds both to constants. */
#define VM_CPUID_BASIC_BIT(leaf)	| ((leaf) < 32 ? 1u << ((leaf) & 31) : 0u)
#define VM_CPUID_EXT_MATCH(leaf)	|| ((leaf) >= 32 && l == (leaf))
#define VM_CPUID_EDITED_BASIC		(0u VM_CPUID_EDITED_LEAVES(VM_CPUID_BASIC_BIT))

/* Whether the guest's answer for leaf differs from the CPU's: a leaf of
 * the list, or one of skiff's own.  Cheap enough for the fast path. */
static inline bool vm_cpuid_leaf_edited(uint32_t l)
{
	if (l < 32)
		return (VM_CPUID_EDITED_BASIC >> l) & 1;
	return (l & 0xffffff00u) == HV_CPUID_SIGNATURE VM_CPUID_EDITED_LEAVES(VM_CPUID_EXT_MATCH);
}

/* skiff's own leaves, 0x40000000-0x400000ff: true with *r filled. */
bool vm_cpuid_own(uint32_t leaf, struct cpuid_regs *r);

/* The CPU's answer cpu for (leaf, sub), as the guest must see it. */
struct cpuid_regs vm_cpuid_edit(uint32_t leaf, uint32_t sub, struct cpuid_regs cpu,
				const struct vm_cpuid_ctx *c);

#endif
