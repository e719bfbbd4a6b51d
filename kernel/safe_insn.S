/*
 * Instructions skiff executes on the guest's behalf with guest-chosen
 * operands (an MSR number, an XCR0 value), where the CPU's answer to a bad
 * operand is #GP.  Each has a fixup: trap_handler() sees a #GP at one of
 * the *_insn labels and resumes at its *_fixup label, which returns -1.
 * The caller then reflects the #GP into the guest.  kernel/idt.c lists the
 * pairs.
 */
	.text

/* int rdmsr_safe(uint32_t msr, uint64_t *value) */
	.globl rdmsr_safe, rdmsr_safe_insn, rdmsr_safe_fixup
	.type rdmsr_safe, @function
rdmsr_safe:
	mov %edi, %ecx
rdmsr_safe_insn:
	rdmsr
	shl $32, %rdx
	or %rdx, %rax
	mov %rax, (%rsi)
	xor %eax, %eax
	ret
rdmsr_safe_fixup:
	mov $-1, %eax
	ret
	.size rdmsr_safe, . - rdmsr_safe

/* int wrmsr_safe(uint32_t msr, uint64_t value) */
	.globl wrmsr_safe, wrmsr_safe_insn, wrmsr_safe_fixup
	.type wrmsr_safe, @function
wrmsr_safe:
	mov %edi, %ecx
	mov %rsi, %rax
	mov %rsi, %rdx
	shr $32, %rdx
wrmsr_safe_insn:
	wrmsr
	xor %eax, %eax
	ret
wrmsr_safe_fixup:
	mov $-1, %eax
	ret
	.size wrmsr_safe, . - wrmsr_safe

/* int xsetbv_safe(uint32_t xcr, uint64_t value) */
	.globl xsetbv_safe, xsetbv_safe_insn, xsetbv_safe_fixup
	.type xsetbv_safe, @function
xsetbv_safe:
	mov %edi, %ecx
	mov %rsi, %rax
	mov %rsi, %rdx
	shr $32, %rdx
xsetbv_safe_insn:
	xsetbv
	xor %eax, %eax
	ret
xsetbv_safe_fixup:
	mov $-1, %eax
	ret
	.size xsetbv_safe, . - xsetbv_safe
