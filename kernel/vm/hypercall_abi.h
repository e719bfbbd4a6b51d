/*
 * The hypercall ABI between skiff and its guest: the one header both sides
 * include (skiff in 64-bit mode, guests in 32-bit or 64-bit mode), so it
 * uses nothing but <stdint.h>.
 *
 * A guest calls skiff with VMCALL, or on an AMD CPU (CPUID vendor
 * "AuthenticAMD", where skiff runs it with AMD-V) with VMMCALL, AMD's
 * instruction for it, which skiff takes without decoding the guest's
 * bytes; VMCALL works there too (it is #UD on AMD, which skiff
 * intercepts and checks), at the cost of a decode:
 *   RAX  call number (HC_*)
 *   RDI, RSI, RDX  arguments 0, 1, 2
 *   RAX  result on return: >= 0 on success, a negative HC_E* on failure.
 * Every other register is preserved.  Only the guest's kernel may call:
 * VMCALL or VMMCALL at CPL > 0 raises #UD, as on a machine without skiff.  32-bit
 * code (outside 64-bit mode, compatibility mode included) uses EAX, EDI,
 * ESI, EDX; skiff then reads only the low 32 bits of each argument and
 * the result is sign-extended from 32 bits, so -HC_EFAULT reads the same
 * in both modes.
 *
 * Pointers are guest-physical addresses (skiff's guests run identity-mapped
 * or with paging off when they call).  A buffer must lie wholly inside the
 * guest's RAM as its Multiboot2 memory map gives it (the entries of type 1,
 * available); anything else, and any length over the call's limit, fails
 * with -HC_EFAULT or -HC_EINVAL and changes nothing.  A length of 0 is no
 * exception: its pointer must still name a byte of guest RAM.
 */
#ifndef SKIFF_VM_HYPERCALL_ABI_H
#define SKIFF_VM_HYPERCALL_ABI_H

#include <stdint.h>

/* ABI version: major in bits 31:16, minor in bits 15:0.  A new call bumps
 * the minor; a changed meaning bumps the major. */
#define HC_ABI_MAJOR		1
#define HC_ABI_MINOR		1
#define HC_ABI_VERSION		((HC_ABI_MAJOR << 16) | HC_ABI_MINOR)

/* Call numbers. */
#define HC_VERSION		0	/* () -> HC_ABI_VERSION */
#define HC_CONSOLE_WRITE	1	/* (gpa buf, len) -> bytes written */
#define HC_FINISH			2	/* (status 0..255) -> does not return;
					 * a status over 255 is -HC_EINVAL */
#define HC_EXIT_STATS		3	/* (gpa buf, len) -> entries written */
#define HC_BOOT_TSC		4	/* (gpa u64) -> 0 */
#define HC_CALLS		5	/* one past the last call number */

/* HC_EXIT_STATS fills buf with struct hc_exit_stat[], indexed by the basic
 * exit reason of the CPU's virtualization (VT-x: SDM Vol. 3D appendix C;
 * AMD-V: the #VMEXIT code, APM Vol. 2 appendix C, for codes below 400h),
 * as many whole entries as len holds (at most HC_EXIT_STATS_MAX); all len
 * bytes of buf must be guest RAM.  cycles
 * is the TSC time skiff spent from each VM exit to the next VM entry (in
 * Bochs, where the TSC counts instructions: skiff's instructions).
 * HC_BOOT_TSC writes the TSC value at skiff's first instruction to the
 * 8 bytes at gpa (the guest reads its own first TSC to get the boot cost). */
struct hc_exit_stat {
	uint64_t count;
	uint64_t cycles;
};
#define HC_EXIT_STATS_MAX	192	/* AMD-V has 176 slots */

/* Longest buffer one HC_CONSOLE_WRITE takes; longer is -HC_EINVAL. */
#define HC_CONSOLE_MAX		4096

/* Error numbers, returned negated in RAX.  The same values as skiff's own
 * kernel/lib/errno.h, so one errno table explains both. */
#define HC_EFAULT		14	/* a pointer outside guest RAM */
#define HC_EINVAL		22	/* a bad length or argument */
#define HC_ENOSYS		38	/* no such call number */

/* CPUID leaves skiff answers for the guest (the "hypervisor present" bit,
 * CPUID.1:ECX[31], is set).  0x40000000: EAX = highest skiff leaf,
 * EBX:ECX:EDX = the 12-byte signature.  0x40000001: EAX = skiff's version
 * (major << 16 | minor), EBX = HC_ABI_VERSION. */
#define HV_CPUID_SIGNATURE	0x40000000u
#define HV_CPUID_VERSION	0x40000001u
#define HV_CPUID_MAX		HV_CPUID_VERSION
#define HV_SIGNATURE		"skiffskiffvm"	/* exactly 12 bytes: EBX, ECX, EDX */

/* Ports skiff keeps.  A write of V to HV_PORT_FINISH (QEMU's isa-debug-exit
 * port) ends the guest with status V & 0xff (skiff's own run then ends with
 * that status, which QEMU reports as (status << 1) | 1); writing the bytes
 * "Shutdown" to HV_PORT_BOCHS_SHUTDOWN ends it with status 0.  COM1 is
 * emulated: the guest's output and skiff's own stay whole lines. */
#define HV_PORT_COM1		0x3f8
#define HV_PORT_FINISH		0xf4
#define HV_PORT_BOCHS_SHUTDOWN	0x8900

#endif
