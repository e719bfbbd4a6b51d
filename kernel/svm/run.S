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
#include "svm/run_offsets.h"
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
	/* With the guest's interrupts skiff's (own_timer.h), RFLAGS.IF set at
	 * VMRUN lets them exit (V_INTR_MASKING, APM Vol. 2 15.21.1); GIF
	 * keeps them from skiff, and the exit path clears IF before it sets
	 * GIF: own_timer.c takes them, at a moment of its choosing. */
	cmpb $0, svm_own_interrupts(%rip)
	je 1f
	sti
1:
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
svm_vmrun_again:		/* the fast path's way back: one VMRUN for all */
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
	cmpq $SVM_EXITCODE_CPUID, VMCB_EXITCODE(%rax)
	je svm_cpuid_fast
	cmpq $SVM_EXITCODE_VMMCALL, VMCB_EXITCODE(%rax)
	je svm_vmmcall_fast
svm_exit_slow:
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
	cli			/* set at VMRUN for the guest's interrupts: skiff takes them later */
	stgi
	add $24, %rsp
	pop %r15
	pop %r14
	pop %r13
	pop %r12
	pop %rbx
	pop %rbp
	ret

/*
 * The fast path of CPUID, the exit guests make most on purpose (and the
 * measure of an exit's cost, make bench), as kernel/vmx/exit_fast.c is
 * VT-x's: straight from #VMEXIT back to VMRUN, with GIF still clear, the
 * guest's FS, GS, TR, LDTR and MSRs still loaded (nothing here touches
 * them, and no interrupt or NMI can come with GIF clear, APM 15.17) and
 * the guest's general registers where they are: CPUID writes RAX (in the
 * VMCB), RBX, RCX and RDX, and reads RCX, all of them live.  It takes the
 * common case whole and declines the rest before it changes anything but
 * RBX and RDX, which the generic handler overwrites too (CPUID writes
 * them, and the exit is CPUID's): with skiff's console output queued (the
 * generic path feeds the UART), a single step owed (RFLAGS.TF), no NRIP
 * save (NEXT_RIP 0: the length must come from the bytes), a leaf the
 * guest's view edits (svm_cpuid_fast_leaves, below 32 only), or, while
 * the vCPUs watch each other (svm_watch_active), every
 * SVM_WATCH_FAST_EVERY-th CPUID, which the generic path takes so that its
 * vCPU still looks at the others for the watchdog (watchdog.h).  What it
 * keeps, as svm_exit_dispatch() and svm_skip() would: RIP past the
 * instruction, no interrupt shadow, no event and no TLB flush left over,
 * the usual intercepts (SVM_MISC1_AFTER_EXIT: HLT's set, INTR's clear
 * unless svm_intr_always),
 * the exception streak ended, the count and the cycles (32 bits of the
 * TSC) in exit_stats[CPUID].
 */
svm_cpuid_fast:
	cmpb $0, console_output_queued(%rip)
	jne svm_exit_slow
	btl $RFLAGS_TF_BIT, VMCB_RFLAGS(%rax)
	jc svm_exit_slow
	mov VMCB_NEXT_RIP(%rax), %rdx
	test %rdx, %rdx
	jz svm_exit_slow
	mov VMCB_RAX(%rax), %ebx
	cmp $32, %ebx
	jae svm_exit_slow
	btl %ebx, svm_cpuid_fast_leaves(%rip)
	jnc svm_exit_slow
	cmpb $0, svm_watch_active(%rip)
	je 1f
	mov 16(%rsp), %rbx		/* regs */
	testb $(SVM_WATCH_FAST_EVERY - 1), REGS_TO_CPUID_COUNT(%rbx)
	jz svm_exit_slow		/* every 64th: the watchdog looks there */
1:
	mov %rdx, VMCB_RIP(%rax)
	movq $0, VMCB_INTERRUPT_SHADOW(%rax)
	movq $0, VMCB_EVENTINJ(%rax)
	movb $0, VMCB_TLB_CONTROL(%rax)
	andl $~(1 << SVM_INTERCEPT_INTR_BIT), VMCB_INTERCEPT_MISC1(%rax)
	orl $(1 << SVM_INTERCEPT_HLT_BIT), VMCB_INTERCEPT_MISC1(%rax)
	movl svm_intr_always(%rip), %edx	/* RDX is free until CPUID's */
	orl %edx, VMCB_INTERCEPT_MISC1(%rax)
	rdtsc
	push %rax			/* the start, low 32 bits */
	mov 8(%rsp), %rax
	mov VMCB_RAX(%rax), %eax	/* the leaf; ECX is the guest's subleaf */
	cpuid
	push %rax
	mov 16(%rsp), %rax
	popq VMCB_RAX(%rax)
	push %rdx			/* the guest's EDX, which RDTSC takes */
	rdtsc
	sub 8(%rsp), %eax		/* 32-bit cycles, zero-extended */
	mov 32(%rsp), %rdx		/* regs: frame vmcb, hsave, regs above */
	add %rax, REGS_TO_CPUID_CYCLES(%rdx)
	incq REGS_TO_CPUID_COUNT(%rdx)
	movl $0, REGS_TO_STREAK_COUNT(%rdx)
	pop %rdx
	add $8, %rsp
	mov (%rsp), %rax
	jmp svm_vmrun_again

/*
 * VMMCALL: svm_exit_vmmcall_fast() (exit.c) saves what it uses, so the
 * guest's registers stay live; RDI and RSI, its arguments, are the
 * guest's already, and RDX is kept in a slot while it carries regs.
 * The stack stays 16-byte aligned at the call.
 */
svm_vmmcall_fast:
	sub $16, %rsp
	mov %rdx, (%rsp)
	mov 32(%rsp), %rdx		/* regs: frame vmcb, hsave, regs above */
	call svm_exit_vmmcall_fast
	mov (%rsp), %rdx
	add $16, %rsp
	test %al, %al
	mov (%rsp), %rax
	jz svm_exit_slow
	jmp svm_vmrun_again
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
