/*
 * The VMX instructions, each a static inline wrapper (docs/style.md rule 4).
 * SDM Vol. 3C chapter 31 "VMX Instruction Reference" (chapter 30 in
 * older editions).
 *
 * Every VMX instruction reports its outcome in RFLAGS (31.2 "Conventions"):
 *   VMsucceed      CF = 0, ZF = 0
 *   VMfailInvalid  CF = 1: there is no current VMCS to hold an error number
 *   VMfailValid    ZF = 1: the error number is in the current VMCS's
 *                  VM_INSTRUCTION_ERROR field (see diag/vm_error.h)
 * The wrappers read CF and ZF straight from the instruction through GCC's
 * flag outputs, so nothing can disturb them in between.
 */
#ifndef SKIFF_VMX_VMX_INSN_H
#define SKIFF_VMX_VMX_INSN_H

#include <stdbool.h>
#include <stdint.h>

enum vmx_status {
	VMX_SUCCEED = 0,
	VMX_FAIL_INVALID,
	VMX_FAIL_VALID,
};

/* CF wins: VMfailInvalid sets CF and clears ZF, VMfailValid the reverse. */
static inline enum vmx_status vmx_status_from_flags(bool cf, bool zf)
{
	if (cf)
		return VMX_FAIL_INVALID;
	if (zf)
		return VMX_FAIL_VALID;
	return VMX_SUCCEED;
}

/* INVEPT types, SDM Vol. 3C 31.3 "INVEPT" (with IA32_VMX_EPT_VPID_CAP
 * bits 25 and 26 saying which the CPU supports). */
#define INVEPT_SINGLE_CONTEXT		1
#define INVEPT_ALL_CONTEXT		2

/* INVVPID types, SDM Vol. 3C 31.3 "INVVPID" (IA32_VMX_EPT_VPID_CAP bits
 * 40 to 43). */
#define INVVPID_INDIVIDUAL_ADDRESS	0
#define INVVPID_SINGLE_CONTEXT		1
#define INVVPID_ALL_CONTEXT		2
#define INVVPID_SINGLE_CONTEXT_GLOBALS	3	/* single context, keeping globals */

/* The 128-bit memory operands of INVEPT and INVVPID. */
struct invept_desc {
	uint64_t eptp;
	uint64_t reserved;	/* must be 0 */
};

struct invvpid_desc {
	uint64_t vpid;		/* bits 15:0; bits 63:16 must be 0 */
	uint64_t linear_address;
};

/* VMXON with the physical address of the VMXON region (4 KiB aligned, its
 * revision identifier written first: SDM Vol. 3C 25.11.5).  CR4.VMXE must
 * be 1, or it raises #UD; IA32_FEATURE_CONTROL must allow it, or #GP. */
static inline enum vmx_status vmx_vmxon(uint64_t phys)
{
	bool cf, zf;

	__asm__ volatile("vmxon %[pa]"
			 : "=@ccc"(cf), "=@ccz"(zf) : [pa] "m"(phys) : "memory");
	return vmx_status_from_flags(cf, zf);
}

static inline enum vmx_status vmx_vmxoff(void)
{
	bool cf, zf;

	__asm__ volatile("vmxoff" : "=@ccc"(cf), "=@ccz"(zf) : : "memory");
	return vmx_status_from_flags(cf, zf);
}

/* VMCLEAR: flush the VMCS at phys to memory and mark it clear. */
static inline enum vmx_status vmx_vmclear(uint64_t phys)
{
	bool cf, zf;

	__asm__ volatile("vmclear %[pa]"
			 : "=@ccc"(cf), "=@ccz"(zf) : [pa] "m"(phys) : "memory");
	return vmx_status_from_flags(cf, zf);
}

/* VMPTRLD: make the VMCS at phys the current one. */
static inline enum vmx_status vmx_vmptrld(uint64_t phys)
{
	bool cf, zf;

	__asm__ volatile("vmptrld %[pa]"
			 : "=@ccc"(cf), "=@ccz"(zf) : [pa] "m"(phys) : "memory");
	return vmx_status_from_flags(cf, zf);
}

/* Use vmcs_read16/32/64/_natural (vmcs.h) instead: they check the width. */
static inline enum vmx_status vmx_vmread(uint32_t enc, uint64_t *value)
{
	bool cf, zf;
	uint64_t v;

	__asm__ volatile("vmread %[enc], %[val]"
			 : "=@ccc"(cf), "=@ccz"(zf), [val] "=r"(v)
			 : [enc] "r"((uint64_t)enc) : "memory");
	*value = v;
	return vmx_status_from_flags(cf, zf);
}

static inline enum vmx_status vmx_vmwrite(uint32_t enc, uint64_t value)
{
	bool cf, zf;

	__asm__ volatile("vmwrite %[val], %[enc]"
			 : "=@ccc"(cf), "=@ccz"(zf)
			 : [enc] "r"((uint64_t)enc), [val] "r"(value) : "memory");
	return vmx_status_from_flags(cf, zf);
}

/*
 * VMLAUNCH and VMRESUME return only when the entry fails as an instruction
 * (VMfail: a bad control or host-state field, 27.1-27.2).  A successful
 * entry runs the guest and comes back, at its next VM exit, at HOST_RIP.
 * So does an entry that fails on guest state (27.3): it is a VM exit with
 * bit 31 of the exit reason set (exit_reason.h), not a VMfail.
 */
static inline enum vmx_status vmx_vmlaunch(void)
{
	bool cf, zf;

	__asm__ volatile("vmlaunch" : "=@ccc"(cf), "=@ccz"(zf) : : "memory");
	return vmx_status_from_flags(cf, zf);
}

static inline enum vmx_status vmx_vmresume(void)
{
	bool cf, zf;

	__asm__ volatile("vmresume" : "=@ccc"(cf), "=@ccz"(zf) : : "memory");
	return vmx_status_from_flags(cf, zf);
}

static inline enum vmx_status vmx_invept(uint64_t type, uint64_t eptp)
{
	struct invept_desc desc = { .eptp = eptp, .reserved = 0 };
	bool cf, zf;

	__asm__ volatile("invept %[desc], %[type]"
			 : "=@ccc"(cf), "=@ccz"(zf)
			 : [desc] "m"(desc), [type] "r"(type) : "memory");
	return vmx_status_from_flags(cf, zf);
}

static inline enum vmx_status vmx_invvpid(uint64_t type, uint16_t vpid, uint64_t linear)
{
	struct invvpid_desc desc = { .vpid = vpid, .linear_address = linear };
	bool cf, zf;

	__asm__ volatile("invvpid %[desc], %[type]"
			 : "=@ccc"(cf), "=@ccz"(zf)
			 : [desc] "m"(desc), [type] "r"(type) : "memory");
	return vmx_status_from_flags(cf, zf);
}

#endif
