/*
 * The IDT and the exception reporter.  skiff runs with interrupts off, so
 * every vector that arrives is either a CPU exception (a bug in skiff,
 * except the #GP that kernel/safe_insn.S expects and fixes up),
 * an NMI, a machine check, or a stray interrupt; except where skiff takes
 * a guest's interrupts itself (cpu_interrupt_taker, svm/own_timer.c).  An NMI is the guest's
 * (the guest owns the devices and interrupt controllers that raise them):
 * it is held for the guest's next VM entry.  Every other vector is
 * explained on every console, then skiff stops: never a silent
 * triple-fault reset.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "config.h"
#include "cpu.h"
#include "drivers/console.h"
#include "lib/printf.h"
#include "power.h"
#include "x86.h"

#define TRAP_STUB_SIZE	16
#define IDT_VECTORS	256
#define EXC_DB		1
#define EXC_NMI		2
#define EXC_DF		8
#define EXC_GP		13
#define EXC_PF		14
#define EXC_MC		18

_Static_assert(sizeof(struct trap_frame) == 22 * 8, "trap.S pushes 22 quadwords");
_Static_assert(offsetof(struct trap_frame, vector) == 15 * 8, "trap.S: vector after 15 GPRs");
_Static_assert(offsetof(struct trap_frame, rip) == 17 * 8, "CPU frame after vector and error");
_Static_assert(sizeof(struct trap_frame) % 16 == 0, "trap.S keeps RSP 16-byte aligned");

/* 64-bit interrupt gate, SDM Vol. 3A 6.14.1 */
struct __attribute__((packed)) idt_gate {
	uint16_t offset_lo;
	uint16_t selector;
	uint8_t ist;
	uint8_t type_attr;	/* P | DPL | 0 | type */
	uint16_t offset_mid;
	uint32_t offset_hi;
	uint32_t reserved;
};
_Static_assert(sizeof(struct idt_gate) == 16, "64-bit gate is 16 bytes");

#define GATE_INTERRUPT_PRESENT	0x8e	/* P=1, DPL=0, type 0xE */

extern const uint8_t trap_stubs[], irq_low_stubs[];
static struct idt_gate idt[IDT_VECTORS] __attribute__((aligned(16)));
/* The same, but vectors 0-31 external interrupts (NMI and #MC excepted):
 * in force only in idt_accept_interrupts(). */
static struct idt_gate irq_idt[IDT_VECTORS] __attribute__((aligned(16)));
#define IRQ_LOW_FLAG	256	/* trap.S: irq_low_stubs push vector + 256 */

static uint8_t ist_for(int vector)
{
	switch (vector) {
	case EXC_DF: return IST_DOUBLE_FAULT;
	case EXC_NMI: return IST_NMI;
	case EXC_MC: return IST_MACHINE_CHECK;
	default: return 0;
	}
}

void idt_load(void)
{
	struct desc_ptr ptr = { .limit = sizeof(idt) - 1, .base = (uint64_t)idt };

	lidt(&ptr);
}

static struct idt_gate gate(uint64_t addr, uint8_t ist)
{
	return (struct idt_gate){
		.offset_lo = addr & 0xffff,
		.selector = SEL_KERNEL_CS,
		.ist = ist,
		.type_attr = GATE_INTERRUPT_PRESENT,
		.offset_mid = (addr >> 16) & 0xffff,
		.offset_hi = addr >> 32,
	};
}

void idt_init(void)
{
	for (int v = 0; v < IDT_VECTORS; v++) {
		idt[v] = gate((uint64_t)&trap_stubs[v * TRAP_STUB_SIZE], ist_for(v));
		irq_idt[v] = v < 32 && v != EXC_NMI && v != EXC_MC ?
			     gate((uint64_t)&irq_low_stubs[v * TRAP_STUB_SIZE], 0) : idt[v];
	}
	idt_load();
}

/*
 * skiff's window for the interrupts its APIC holds (own_timer.c): the
 * instruction after STI (SDM Vol. 2B "STI"), and after each handler's
 * IRET the next one, until CLI.  GIF must be set.  A vector below 32
 * here is an interrupt, not an exception: an 8259 PIC at a low base
 * (the BIOS leaves 8) sends those through the APIC's ExtINT, with no
 * error code, so irq_idt is in force meanwhile.
 */
void idt_accept_interrupts(void)
{
	struct desc_ptr irq = { .limit = sizeof(irq_idt) - 1, .base = (uint64_t)irq_idt };

	lidt(&irq);
	__asm__ volatile("sti; nop; cli" ::: "memory");
	idt_load();
}

/* Exception mnemonics and names, SDM Vol. 3A table 6-1. */
static const char *const exception_names[32] = {
	[0] = "#DE divide error",		[1] = "#DB debug",
	[2] = "NMI",				[3] = "#BP breakpoint",
	[4] = "#OF overflow",			[5] = "#BR bound range exceeded",
	[6] = "#UD invalid opcode",		[7] = "#NM device not available",
	[8] = "#DF double fault",		[9] = "coprocessor segment overrun",
	[10] = "#TS invalid TSS",		[11] = "#NP segment not present",
	[12] = "#SS stack-segment fault",	[13] = "#GP general protection",
	[14] = "#PF page fault",		[16] = "#MF x87 floating-point error",
	[17] = "#AC alignment check",		[18] = "#MC machine check",
	[19] = "#XM SIMD floating-point",	[20] = "#VE virtualization exception",
	[21] = "#CP control protection",	[28] = "#HV hypervisor injection",
	[29] = "#VC VMM communication",		[30] = "#SX security exception",
};

const char *exception_name(uint64_t vector)
{
	if (vector < 32)
		return exception_names[vector] ? exception_names[vector] : "reserved exception";
	return "external interrupt";
}

static void dump_registers(const struct trap_frame *tf)
{
	kprintf("  RIP %016lx  CS %04lx  RFLAGS %016lx\n", tf->rip, tf->cs, tf->rflags);
	kprintf("  RSP %016lx  SS %04lx  CR2 %016lx\n", tf->rsp, tf->ss, read_cr2());
	kprintf("  CR0 %016lx  CR3 %016lx  CR4 %016lx\n", read_cr0(), read_cr3(), read_cr4());
	kprintf("  RAX %016lx  RBX %016lx  RCX %016lx\n", tf->rax, tf->rbx, tf->rcx);
	kprintf("  RDX %016lx  RSI %016lx  RDI %016lx\n", tf->rdx, tf->rsi, tf->rdi);
	kprintf("  RBP %016lx  R8  %016lx  R9  %016lx\n", tf->rbp, tf->r8, tf->r9);
	kprintf("  R10 %016lx  R11 %016lx  R12 %016lx\n", tf->r10, tf->r11, tf->r12);
	kprintf("  R13 %016lx  R14 %016lx  R15 %016lx\n", tf->r13, tf->r14, tf->r15);
}

/* Follows saved frame pointers (skiff builds with -fno-omit-frame-pointer)
 * while they stay inside skiff's image, so a bad chain cannot fault again. */
static void dump_backtrace(uint64_t rbp)
{
	extern const char __image_start[], __image_end[];

	kprintf("  call trace:");
	for (int depth = 0; depth < 16; depth++) {
		if (rbp < (uint64_t)__image_start || rbp + 16 > (uint64_t)__image_end || (rbp & 7))
			break;
		const uint64_t *frame = (const uint64_t *)rbp;
		kprintf(" %lx", frame[1]);
		rbp = frame[0];
	}
	kprintf("\n");
}

static int trap_depth;

static bool boot_nmi_held;
static bool *nmi_flag[CONFIG_MAX_CPUS] = { [0] = &boot_nmi_held };
uint64_t cpu_nmis_in_root[CONFIG_MAX_CPUS];
uint64_t cpu_nmis_parked[CONFIG_MAX_CPUS];

/* The flag first, then what the boot flag held: an NMI in between lands
 * in one of the two, never in neither. */
void cpu_nmi_attach(unsigned cpu, bool *flag)
{
	if (cpu >= CONFIG_MAX_CPUS)
		return;
	__atomic_store_n(&nmi_flag[cpu], flag, __ATOMIC_SEQ_CST);
	if (cpu == 0 && flag && __atomic_exchange_n(&boot_nmi_held, false, __ATOMIC_SEQ_CST))
		__atomic_store_n(flag, true, __ATOMIC_SEQ_CST);
}

/* An NMI in root mode (SDM Vol. 3A 6.7.1: IRET from here unblocks NMIs
 * again): held in the CPU's flag, or counted on a parked CPU. */
static void nmi_in_root(unsigned me)
{
	bool *flag;

	if (me >= CONFIG_MAX_CPUS)
		return;
	__atomic_fetch_add(&cpu_nmis_in_root[me], 1, __ATOMIC_RELAXED);
	flag = __atomic_load_n(&nmi_flag[me], __ATOMIC_SEQ_CST);
	if (flag)
		__atomic_store_n(flag, true, __ATOMIC_SEQ_CST);
	else
		__atomic_fetch_add(&cpu_nmis_parked[me], 1, __ATOMIC_RELAXED);
}

/* One report at a time: with several CPUs, two may fault at once.  The
 * owner is CPU index + 1, so a CPU that faults again while reporting finds
 * its own mark and takes the nested path instead of spinning on itself. */
static unsigned report_owner;

static void report_lock(unsigned me)
{
	unsigned none = 0;

	if (__atomic_load_n(&report_owner, __ATOMIC_ACQUIRE) == me + 1)
		return;
	while (!__atomic_compare_exchange_n(&report_owner, &none, me + 1, false,
					    __ATOMIC_ACQUIRE, __ATOMIC_RELAXED)) {
		none = 0;
		pause();
	}
}

/* kernel/safe_insn.S: where a #GP is expected, and where to resume. */
extern const char rdmsr_safe_insn[], rdmsr_safe_fixup[];
extern const char wrmsr_safe_insn[], wrmsr_safe_fixup[];
extern const char xsetbv_safe_insn[], xsetbv_safe_fixup[];

static const struct {
	const char *insn, *fixup;
} gp_fixups[] = {
	{ rdmsr_safe_insn, rdmsr_safe_fixup },
	{ wrmsr_safe_insn, wrmsr_safe_fixup },
	{ xsetbv_safe_insn, xsetbv_safe_fixup },
};

static bool gp_fixup(struct trap_frame *tf)
{
	for (size_t i = 0; i < sizeof(gp_fixups) / sizeof(gp_fixups[0]); i++) {
		if (tf->rip == (uint64_t)gp_fixups[i].insn) {
			tf->rip = (uint64_t)gp_fixups[i].fixup;
			return true;
		}
	}
	return false;
}

bool (*cpu_interrupt_taker)(unsigned vector);

/* kernel/svm/run.S: the instruction after VMRUN. */
extern const char svm_vmrun_exit[];

void trap_handler(struct trap_frame *tf)
{
	unsigned me = cpu_index_from_tr(str());
	bool external = true;	/* an interrupt, for cpu_interrupt_taker */

	if (tf->vector == EXC_GP && gp_fixup(tf))
		return;
	/* A single-step trap of the guest's, raised in skiff right after
	 * #VMEXIT (run.S says when): the guest gets its own, not skiff. */
	if (tf->vector == EXC_DB && tf->rip == (uint64_t)svm_vmrun_exit)
		return;
	if (tf->vector == EXC_NMI) {
		nmi_in_root(me);
		return;
	}
	if (tf->vector >= IRQ_LOW_FLAG)
		tf->vector -= IRQ_LOW_FLAG;	/* an interrupt, not the exception */
	else if (tf->vector < 32)
		external = false;
	if (external && cpu_interrupt_taker && cpu_interrupt_taker((unsigned)tf->vector))
		return;
	report_lock(me);
	if (++trap_depth > 1) {
		/* Faulted while reporting a fault: say the least and stop. */
		kprintf("\nskiff: nested exception %lu at RIP %lx while reporting; halting\n",
			tf->vector, tf->rip);
		console_flush();
		halt_forever();
	}
	kprintf("\nskiff: PANIC: CPU exception in the hypervisor: vector %lu (%s), error code 0x%lx\n",
		tf->vector, exception_name(tf->vector), tf->error);
	if (me != 0)
		kprintf("  on CPU %u (an AP)\n", me);
	if (tf->vector == EXC_PF)
		kprintf("  page fault at address %016lx: %s, %s, %s\n", read_cr2(),
			tf->error & 1 ? "protection violation" : "page not present",
			tf->error & 2 ? "write" : "read",
			tf->error & 16 ? "instruction fetch" : "data access");
	dump_registers(tf);
	dump_backtrace(tf->rbp);
	kprintf("skiff: this is a bug in skiff itself, not in the guest; stopping\n");
	system_stop(STOP_STATUS_PANIC);
}
