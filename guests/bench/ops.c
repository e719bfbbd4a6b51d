/*
 * The operations bench times, and their table.
 *
 * Each TIME_* macro is one asm statement: RDTSC, keep its low half in a
 * register the operation leaves alone, load the operation's inputs, run
 * insn, RDTSC again, subtract.  The timed and the baseline function of an
 * operation expand the same macro, with the instruction and with "nop",
 * so the two differ in that one instruction only.  32 bits of the TSC are
 * plenty for one operation and wrap harmlessly in the subtraction.
 */
#include "bench.h"
#include "hypercall.h"
#include "printf.h"
#include "uart.h"
#include "x86.h"

#define NOP			"nop"
#define SCRATCH_BYTE		0x5a
#define MSR_PASSED		MSR_IA32_SYSENTER_CS	/* not in skiff's MSR bitmap */
#define MSR_INTERCEPTED		MSR_IA32_FEATURE_CONTROL

/* CPUID leaf 0, subleaf 0: it writes EAX, EBX, ECX and EDX. */
#define TIME_CPUID(insn) ({							\
	uint32_t t_;								\
	asm volatile("rdtsc\n\t"						\
		     "movl %%eax, %%esi\n\t"					\
		     "xorl %%eax, %%eax\n\t"					\
		     "xorl %%ecx, %%ecx\n\t"					\
		     insn "\n\t"						\
		     "rdtsc\n\t"						\
		     "subl %%esi, %%eax"					\
		     : "=a"(t_) : : "ebx", "ecx", "edx", "esi", "memory");	\
	t_;									\
})

/* VMCALL nr with EDI and ESI as given (hypercall_abi.h): only EAX changes. */
#define TIME_VMCALL(insn, nr, a0, a1) ({					\
	uint32_t t_;								\
	asm volatile("rdtsc\n\t"						\
		     "movl %%eax, %%ebx\n\t"					\
		     "movl %1, %%eax\n\t"					\
		     insn "\n\t"						\
		     "rdtsc\n\t"						\
		     "subl %%ebx, %%eax"					\
		     : "=a"(t_) : "i"(nr), "D"(a0), "S"(a1)			\
		     : "ebx", "edx", "memory");					\
	t_;									\
})

/* OUT of value to port: DX and AL are loaded after the first RDTSC, which
 * writes both. */
#define TIME_OUTB(insn, port, value) ({						\
	uint32_t t_;								\
	asm volatile("rdtsc\n\t"						\
		     "movl %%eax, %%ebx\n\t"					\
		     "movw %1, %%dx\n\t"					\
		     "movb %2, %%al\n\t"					\
		     insn "\n\t"						\
		     "rdtsc\n\t"						\
		     "subl %%ebx, %%eax"					\
		     : "=a"(t_) : "i"(port), "i"(value) : "ebx", "edx", "memory"); \
	t_;									\
})

/* An instruction that takes ECX and writes at most EAX and EDX: RDMSR
 * (ECX = the MSR) and MOV to CR0 (ECX = the value). */
#define TIME_ECX(insn, ecx) ({							\
	uint32_t t_;								\
	asm volatile("rdtsc\n\t"						\
		     "movl %%eax, %%ebx\n\t"					\
		     insn "\n\t"						\
		     "rdtsc\n\t"						\
		     "subl %%ebx, %%eax"					\
		     : "=a"(t_) : "c"(ecx) : "ebx", "edx", "memory");		\
	t_;									\
})

/* ---- CPUID and VMCALL HC_VERSION ---- */

static uint32_t cpuid_timed(void)
{
	return TIME_CPUID("cpuid");
}

static uint32_t cpuid_baseline(void)
{
	return TIME_CPUID(NOP);
}

/* On AMD the hypercall is VMMCALL (hypercall_abi.h). */
static uint32_t version_timed(void)
{
	if (bench_under_svm())
		return TIME_VMCALL("vmmcall", HC_VERSION, 0, 0);
	return TIME_VMCALL("vmcall", HC_VERSION, 0, 0);
}

static uint32_t version_baseline(void)
{
	return TIME_VMCALL(NOP, HC_VERSION, 0, 0);
}

/* ---- VMCALL HC_CONSOLE_WRITE of one byte ----
 *
 * The byte is a space: it joins skiff's line buffer for the guest's
 * console without ending the line, the path any byte of a line takes.
 * skiff breaks a line of GCONSOLE_LINE_MAX (256) bytes by itself, and that
 * write would also pay for printing the line; so the timed writes go in
 * lines of CONSOLE_SPACES, each begun with a label and ended with '\n'
 * through the UART, outside the TSC reads, which then wait for skiff to
 * have sent the line (it queues serial output and feeds the wire on
 * exits).  The serial log gets one such
 * line, blank after the label, per CONSOLE_SPACES rounds (warm-up too).
 */
#define CONSOLE_SPACES	200
#define CONSOLE_LABEL	"bench: console-write filler:"

static const char console_byte = ' ';
static uint32_t console_column;

static void console_line_start(void)
{
	printf(CONSOLE_LABEL);
	console_column = 0;
}

static const char *console_setup(void)
{
	console_line_start();
	return hc_console_write(&console_byte, 1) == 1 ? NULL
						       : "HC_CONSOLE_WRITE of 1 byte did not write it";
}

static uint32_t console_timed(void)
{
	if (++console_column > CONSOLE_SPACES) {
		printf("\n");
		console_line_start();
		console_column = 1;
		uart_flush();	/* skiff queues the line: let it out untimed */
	}
	if (bench_under_svm())
		return TIME_VMCALL("vmmcall", HC_CONSOLE_WRITE, &console_byte, 1);
	return TIME_VMCALL("vmcall", HC_CONSOLE_WRITE, &console_byte, 1);
}

static uint32_t console_baseline(void)
{
	return TIME_VMCALL(NOP, HC_CONSOLE_WRITE, &console_byte, 1);
}

static void console_teardown(void)
{
	printf("\n");
}

/* ---- OUT to COM1's scratch register: skiff's UART model, no output ---- */

static uint32_t uart_timed(void)
{
	return TIME_OUTB("outb %%al, %%dx", COM1 + UART_SCR, SCRATCH_BYTE);
}

static uint32_t uart_baseline(void)
{
	return TIME_OUTB(NOP, COM1 + UART_SCR, SCRATCH_BYTE);
}

/* ---- RDMSR, passed through and intercepted ---- */

static uint32_t rdmsr_passed_timed(void)
{
	return TIME_ECX("rdmsr", MSR_PASSED);
}

static uint32_t rdmsr_passed_baseline(void)
{
	return TIME_ECX(NOP, MSR_PASSED);
}

static uint32_t rdmsr_intercepted_timed(void)
{
	return TIME_ECX("rdmsr", MSR_INTERCEPTED);
}

static uint32_t rdmsr_intercepted_baseline(void)
{
	return TIME_ECX(NOP, MSR_INTERCEPTED);
}

/* ---- MOV to CR0 ----
 *
 * skiff owns CR0.NE (VMX operation needs it set, SDM Vol. 3C 24.8), so a
 * write that changes NE against the read shadow exits (SDM Vol. 3C
 * 26.1.3); each write toggles it.  Nothing here uses the x87, so NE's
 * error-reporting style does not matter meanwhile. */
static uint32_t cr0_saved;
static uint32_t cr0_next;

static const char *cr0_setup(void)
{
	cr0_saved = read_cr0();
	cr0_next = cr0_saved;
	return NULL;
}

static uint32_t cr0_timed(void)
{
	cr0_next ^= CR0_NE;
	return TIME_ECX("movl %%ecx, %%cr0", cr0_next);
}

/* Leaves cr0_next alone, so the next timed write still changes NE. */
static uint32_t cr0_baseline(void)
{
	return TIME_ECX(NOP, cr0_next ^ CR0_NE);
}

static void cr0_teardown(void)
{
	write_cr0(cr0_saved);
}

/* ---- the table ---- */

#define OP(n, reason, svm_code, ...)					\
	{ .name = n, .exit_reason = reason, .svm_exit_code = svm_code,	\
	  .iterations = BENCH_ITERATIONS, .warmup = BENCH_WARMUP, __VA_ARGS__ }

/* #VMEXIT codes, APM Vol. 2 appendix C. */
#define SVM_EXIT_CR0_WRITE	0x10
#define SVM_EXIT_CPUID		0x72
#define SVM_EXIT_HLT		0x78
#define SVM_EXIT_IOIO		0x7b
#define SVM_EXIT_MSR		0x7c
#define SVM_EXIT_VMMCALL	0x81

/* HLT waits for a timer each time: fewer rounds. */
#define HLT_ITERATIONS	100
#define HLT_WARMUP	10

const struct bench_op bench_ops[] = {
	OP("cpuid", EXIT_REASON_CPUID, SVM_EXIT_CPUID, .timed = cpuid_timed,
	   .baseline = cpuid_baseline),
	OP("vmcall-version", EXIT_REASON_VMCALL, SVM_EXIT_VMMCALL, .timed = version_timed,
	   .baseline = version_baseline),
	OP("vmcall-console-1", EXIT_REASON_VMCALL, SVM_EXIT_VMMCALL, .setup = console_setup,
	   .timed = console_timed, .baseline = console_baseline, .teardown = console_teardown),
	OP("uart-scratch-out", EXIT_REASON_IO_INSTRUCTION, SVM_EXIT_IOIO, .timed = uart_timed,
	   .baseline = uart_baseline),
	OP("rdmsr-passthrough", EXIT_REASON_RDMSR, SVM_EXIT_MSR, .timed = rdmsr_passed_timed,
	   .baseline = rdmsr_passed_baseline),
	OP("rdmsr-intercepted", EXIT_REASON_RDMSR, SVM_EXIT_MSR, .timed = rdmsr_intercepted_timed,
	   .baseline = rdmsr_intercepted_baseline),
	OP("cr0-write", EXIT_REASON_CR_ACCESS, SVM_EXIT_CR0_WRITE, .setup = cr0_setup,
	   .timed = cr0_timed, .baseline = cr0_baseline, .teardown = cr0_teardown),
	{ .name = "hlt-wakeup", .exit_reason = EXIT_REASON_HLT, .svm_exit_code = SVM_EXIT_HLT,
	  .setup = hlt_setup, .timed = hlt_timed, .baseline = hlt_baseline, .teardown = hlt_teardown,
	  .iterations = HLT_ITERATIONS, .warmup = HLT_WARMUP },
	{ .name = NULL },
};
