/*
 * The only assembly between the guest and skiff's C code.
 *
 * VM exit (SDM Vol. 3C 28.5): the CPU loads the host state from the VMCS:
 * RIP = vmx_exit_stub, RSP = the empty top of skiff's exit stack, RFLAGS =
 * 2 (interrupts off).  Nothing else of the guest's general registers is
 * saved by the CPU, but the GS base is the vCPU that exited (HOST_GS_BASE,
 * vmx/vcpu.h): the stub stores RAX and RCX in its registers, %gs-relative
 * without needing a free register, and reads the exit reason.  Then one
 * of:
 *
 *   - CPUID and VMCALL, the exits a guest makes most often on purpose, go
 *     to their fast paths (exit_fast.c says why and what those keep);
 *   - everything else, and what a fast path declines, takes the generic
 *     path: the other GPRs go to the vCPU too, and vmx_exit_handler(),
 *     given the vCPU, dispatches through the exit table.
 *
 * Each path loads back the registers the exit may have changed and
 * resumes the guest.  Every exit starts afresh at the top of the exit
 * stack, so a handler that never returns (the guest ended, or was
 * restarted) leaves nothing behind.
 *
 * VM entry: vmx_launch() saves skiff's callee-saved registers, loads the
 * guest's (vmx_arch.start() has pointed GS at the vCPU) and executes
 * VMLAUNCH.  On success it never returns (the next
 * thing skiff runs is vmx_exit_stub).  On VMfail it restores skiff's
 * registers and returns the failure as enum vmx_status.  A failed
 * VMRESUME goes to vmx_resume_failed() (C, does not return).
 *
 * Every call passes the vCPU as its first argument, read from its own
 * address in the vCPU (STUB_VCPU_SELF).
 */
#include "vm/guest_regs.h"
#include "vmx/exit_stub.h"

#define REG(n)	%gs:GUEST_REG_OFFSET(n)
#define SELF	%gs:STUB_VCPU_SELF

/* vmx_status values, kernel/vmx/vmx_insn.h */
#define VMX_FAIL_INVALID	1
#define VMX_FAIL_VALID		2

.macro load_guest_regs
	mov REG(1), %rcx
	mov REG(2), %rdx
	mov REG(3), %rbx
	mov REG(5), %rbp
	mov REG(6), %rsi
	mov REG(7), %rdi
	mov REG(8), %r8
	mov REG(9), %r9
	mov REG(10), %r10
	mov REG(11), %r11
	mov REG(12), %r12
	mov REG(13), %r13
	mov REG(14), %r14
	mov REG(15), %r15
	mov REG(0), %rax
.endm

	.text
	/*
	 * The exit path of a vCPU on Bochs 2.7 after wait-for-SIPI, which
	 * saves "blocking by SMI" in the guest's interruptibility state with
	 * every exit (vmx_exit_sipi() in handlers.c, docs/emulators.md): VM
	 * entry would refuse it outside SMM.  The bit is cleared here, before
	 * anything else, so that every path (the fast ones too) resumes as on
	 * hardware, where this entry is never used.
	 */
	.globl vmx_exit_stub_smi_quirk
	.type vmx_exit_stub_smi_quirk, @function
vmx_exit_stub_smi_quirk:
	mov %rax, REG(0)
	mov %rcx, REG(1)
	mov $STUB_VMCS_GUEST_INTERRUPTIBILITY, %ecx
	vmread %rcx, %rax
	and $~STUB_GUEST_INTR_BLOCK_SMI, %eax
	vmwrite %rax, %rcx
	jmp .Lsaved
	.size vmx_exit_stub_smi_quirk, . - vmx_exit_stub_smi_quirk

	.globl vmx_exit_stub
	.type vmx_exit_stub, @function
vmx_exit_stub:
	mov %rax, REG(0)
	mov %rcx, REG(1)
.Lsaved:
	mov $STUB_VMCS_VM_EXIT_REASON, %eax
	vmread %rax, %rax
	jbe .Lreason_unreadable
	/* The whole 32-bit field: a failed VM entry (bit 31) never matches. */
	cmp $STUB_EXIT_REASON_CPUID, %eax
	je .Lcpuid
	cmp $STUB_EXIT_REASON_VMCALL, %eax
	je .Lvmcall
.Lgeneric:
	mov %rdx, REG(2)
	mov %rbx, REG(3)
	mov %rbp, REG(5)
	mov %rsi, REG(6)
	mov %rdi, REG(7)
	mov %r8, REG(8)
	mov %r9, REG(9)
	mov %r10, REG(10)
	mov %r11, REG(11)
	mov %r12, REG(12)
	mov %r13, REG(13)
	mov %r14, REG(14)
	mov %r15, REG(15)
	/* HOST_RSP is 16-byte aligned, as the ABI wants before a call;
	 * a zero frame pointer ends skiff's call traces here. */
	xor %ebp, %ebp
	mov %eax, %esi
	mov SELF, %rdi
	call vmx_exit_handler
	load_guest_regs
	vmresume
	jmp .Lresume_failed

	/* CPUID writes RAX, RBX, RCX and RDX, which the fast path left in
	 * the vCPU; it kept every other register.  When it declines, the
	 * guest's RAX is still in the vCPU and RCX in place. */
.Lcpuid:
	call vmx_exit_cpuid_fast
	test %al, %al
	jz .Lcpuid_generic
	mov REG(0), %rax
	mov REG(1), %rcx
	mov REG(2), %rdx
	mov REG(3), %rbx
	vmresume
	jmp .Lresume_failed
.Lcpuid_generic:
	mov $STUB_EXIT_REASON_CPUID, %eax
	jmp .Lgeneric

	/* The hypercalls the fast path makes read RAX, RDI and RSI, and
	 * write RAX alone. */
.Lvmcall:
	mov %rsi, REG(6)
	mov %rdi, REG(7)
	call vmx_exit_vmcall_fast
	test %al, %al
	jz .Lvmcall_generic
	mov REG(0), %rax
	vmresume
	jmp .Lresume_failed
.Lvmcall_generic:
	mov $STUB_EXIT_REASON_VMCALL, %eax
	jmp .Lgeneric

	/* Only reached when VMRESUME failed: CF = VMfailInvalid, ZF = VMfailValid. */
.Lresume_failed:
	setc %sil
	movzbl %sil, %esi
	mov SELF, %rdi
	call vmx_resume_failed
	ud2

	/* VMREAD failed the same way; C reports which field and why. */
.Lreason_unreadable:
	setc %sil
	movzbl %sil, %esi
	mov SELF, %rdi
	call vmx_exit_reason_unreadable
	ud2
	.size vmx_exit_stub, . - vmx_exit_stub

	.globl vmx_launch
	.type vmx_launch, @function
vmx_launch:
	push %rbx
	push %rbp
	push %r12
	push %r13
	push %r14
	push %r15
	load_guest_regs
	vmlaunch
	/* VMLAUNCH failed: CF = VMfailInvalid, ZF = VMfailValid. */
	mov $VMX_FAIL_INVALID, %eax
	jc 1f
	mov $VMX_FAIL_VALID, %eax
1:	pop %r15
	pop %r14
	pop %r13
	pop %r12
	pop %rbp
	pop %rbx
	ret
	.size vmx_launch, . - vmx_launch
