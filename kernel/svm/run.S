/*
 * The one way into an SVM guest (AMD64 APM Vol. 2 15.5 "VMRUN"):
 *   void svm_vmrun(uint64_t vmcb_pa, uint64_t host_save_pa, struct guest_regs *regs)
 * VMRUN saves and restores only part of the host's state (15.5.1: RIP,
 * RSP, RAX, the control registers, EFER, GDTR, IDTR, CS, SS, DS, ES); the
 * rest, FS, GS (skiff's GS base), TR, LDTR and the SYSCALL/SYSENTER MSRs,
 * is skiff's to save with VMSAVE and restore with VMLOAD (15.5.2), and the
 * guest's is loaded and saved the same way from its VMCB.  GIF is clear
 * from before that first VMSAVE to after the last VMLOAD, so no NMI finds
 * the guest's GS base in skiff (15.17).  The guest's RAX and RSP live in
 * the VMCB; the other general registers in regs (vm/guest_regs.h order).
 */
#include "vm/guest_regs.h"

#define REG(n)	(8 * (n))
#define DR7_INIT	0x400	/* every breakpoint disabled (APM Vol. 2 13.1.1.6) */

	.text
	.globl svm_vmrun
	.type svm_vmrun, @function
svm_vmrun:
	push %rbp
	push %rbx
	push %r12
	push %r13
	push %r14
	push %r15
	push %rdx			/* 16(%rsp): regs */
	push %rsi			/* 8(%rsp): skiff's save area */
	push %rdi			/* 0(%rsp): the guest's VMCB */
	clgi
	mov %rsi, %rax
	vmsave %rax
	mov %rdx, %rax
	mov REG(GUEST_REG_RCX)(%rax), %rcx
	mov REG(GUEST_REG_RDX)(%rax), %rdx
	mov REG(GUEST_REG_RBX)(%rax), %rbx
	mov REG(GUEST_REG_RBP)(%rax), %rbp
	mov REG(GUEST_REG_RSI)(%rax), %rsi
	mov REG(GUEST_REG_RDI)(%rax), %rdi
	mov REG(8)(%rax), %r8
	mov REG(9)(%rax), %r9
	mov REG(10)(%rax), %r10
	mov REG(11)(%rax), %r11
	mov REG(12)(%rax), %r12
	mov REG(13)(%rax), %r13
	mov REG(14)(%rax), %r14
	mov REG(15)(%rax), %r15
	mov (%rsp), %rax
	vmload %rax
	vmrun %rax
	/* kernel/idt.c: a #DB reported here is the guest's single-step trap
	 * of the instruction it was intercepted at, which Bochs raises after
	 * #VMEXIT; svm_skip() gives the guest its own. */
	.globl svm_vmrun_exit
svm_vmrun_exit:
	/* #VMEXIT: RAX and RSP are skiff's again, every other register the
	 * guest's.  DR7 is not: VMRUN keeps the guest's in the VMCB but
	 * #VMEXIT leaves it in force (APM 15.5.1 lists no DR7 among the host
	 * state it reloads), and DR0-DR3 are the guest's too, so a guest's
	 * breakpoint would fire in skiff.  Off first, before any memory access. */
	mov $DR7_INIT, %eax
	mov %rax, %dr7
	mov (%rsp), %rax
	vmsave %rax
	mov 16(%rsp), %rax
	mov %rcx, REG(GUEST_REG_RCX)(%rax)
	mov %rdx, REG(GUEST_REG_RDX)(%rax)
	mov %rbx, REG(GUEST_REG_RBX)(%rax)
	mov %rbp, REG(GUEST_REG_RBP)(%rax)
	mov %rsi, REG(GUEST_REG_RSI)(%rax)
	mov %rdi, REG(GUEST_REG_RDI)(%rax)
	mov %r8, REG(8)(%rax)
	mov %r9, REG(9)(%rax)
	mov %r10, REG(10)(%rax)
	mov %r11, REG(11)(%rax)
	mov %r12, REG(12)(%rax)
	mov %r13, REG(13)(%rax)
	mov %r14, REG(14)(%rax)
	mov %r15, REG(15)(%rax)
	mov 8(%rsp), %rax
	vmload %rax
	stgi
	add $24, %rsp
	pop %r15
	pop %r14
	pop %r13
	pop %r12
	pop %rbx
	pop %rbp
	ret
	.size svm_vmrun, . - svm_vmrun

/*
 *   void svm_loop_from(uint64_t stack_top, struct svm_vcpu *v)
 * Runs svm_vcpu_loop(v) on an empty stack: every start of the guest (the
 * first and each restart, which comes from deep inside an exit handler)
 * begins at the vCPU's exit stack top, as VT-x's exits do, so that
 * restarts never pile up frames.
 */
	.globl svm_loop_from
	.type svm_loop_from, @function
svm_loop_from:
	mov %rdi, %rsp
	xor %ebp, %ebp
	mov %rsi, %rdi
	call svm_vcpu_loop
	ud2
	.size svm_loop_from, . - svm_loop_from
