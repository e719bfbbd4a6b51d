/*
 * skiff's own timer for one vCPU on AMD-V (kernel/svm/own_timer.c) against
 * a local APIC in memory: its IRR, ISR and TMR, its EOI (the highest in
 * service), self-IPIs, acceptance by priority class (idt_accept_interrupts()
 * stood in), LINT0, and a timer that counts one tick per two of the host's
 * TSC.  What is checked: which vector is injected when, which is asked for
 * by a VINTR exit, what the guest reads back of its ISR, IRR and timer, what
 * its EOI ends, the 8259's interrupt that waits in the 8259, skiff's tick,
 * and the watchdog's verdict.
 */
#include "support.h"

#include <setjmp.h>
#include <stdio.h>
#include <string.h>

#include "drivers/lapic.h"
#include "svm/exit.h"
#include "svm/own_timer.h"
#include "vm/apic_timer.h"
#include "vm/guest_regs.h"
#include "vm/mmio_insn.h"
#include "vm/vm.h"
#include "x86.h"

#define TICKS_PER_MS	1000000ull	/* of the host's TSC, near enough */
#define TICK_VECTOR	0xf5u
#define EVENT(v)	(SVM_EVENTINJ_VALID | (v))

/* ---- the local APIC ---- */

static struct {
	uint32_t isr[8], irr[8], tmr[8];
	uint32_t tpr, svr, lint0, lvt_timer, tdcr, tmict;
	uint64_t started;		/* host TSC at the TMICT write */
	int extint;			/* an 8259's vector on LINT0; -1: none */
	unsigned eois, tpr_writes;
} apic;

#define HAS(set, v)	((set)[(v) / 32] & (1u << ((v) % 32)))
#define PUT(set, v)	((set)[(v) / 32] |= 1u << ((v) % 32))
#define DROP(set, v)	((set)[(v) / 32] &= ~(1u << ((v) % 32)))

static int top(const uint32_t set[8])
{
	for (int r = 7; r >= 0; r--)
		if (set[r])
			return r * 32 + 31 - __builtin_clz(set[r]);
	return -1;
}

static unsigned ppr_class(void)
{
	int s = top(apic.isr);
	unsigned c = s < 0 ? 0 : (unsigned)s >> 4;

	return (apic.tpr >> 4) > c ? apic.tpr >> 4 : c;
}

static uint32_t current_count(void)
{
	uint64_t gone;

	if (!apic.tmict)
		return 0;
	gone = (rdtsc() - apic.started) / 2;
	return gone >= apic.tmict ? 0 : apic.tmict - (uint32_t)gone;
}

uint32_t lapic_xapic_read(uint32_t reg)
{
	if (reg >= APIC_REG_ISR && reg < APIC_REG_ISR + 0x80)
		return apic.isr[(reg - APIC_REG_ISR) >> 4];
	if (reg >= APIC_REG_TMR && reg < APIC_REG_TMR + 0x80)
		return apic.tmr[(reg - APIC_REG_TMR) >> 4];
	if (reg >= APIC_REG_IRR && reg < APIC_REG_IRR + 0x80)
		return apic.irr[(reg - APIC_REG_IRR) >> 4];
	switch (reg) {
	case APIC_REG_TPR: return apic.tpr;
	case APIC_REG_PPR: return ppr_class() << 4;
	case APIC_REG_SVR: return apic.svr;
	case APIC_REG_LVT_LINT0: return apic.lint0;
	case APIC_REG_LVT_TIMER: return apic.lvt_timer;
	case APIC_REG_TMICT: return apic.tmict;
	case APIC_REG_TMCCT: return current_count();
	default: return 0;
	}
}

void lapic_xapic_write(uint32_t reg, uint32_t value)
{
	int s;

	switch (reg) {
	case APIC_REG_EOI:
		apic.eois++;
		if ((s = top(apic.isr)) >= 0)
			DROP(apic.isr, (unsigned)s);
		break;
	case APIC_REG_TPR: apic.tpr = value; apic.tpr_writes++; break;
	case APIC_REG_SVR: apic.svr = value; break;
	case APIC_REG_LVT_LINT0: apic.lint0 = value; break;
	case APIC_REG_LVT_TIMER: apic.lvt_timer = value; break;
	case APIC_REG_TDCR: apic.tdcr = value; break;
	case APIC_REG_TMICT: apic.tmict = value; apic.started = rdtsc(); break;
	case APIC_REG_ICR_LOW:
		assert_int_equal(value & ~0xffu, 1u << 18);	/* fixed, to itself */
		PUT(apic.irr, value & 0xff);
		break;
	default: break;
	}
}

bool lapic_x2apic(void) { return false; }

/* The CPU at the window: the APIC's vectors by priority class, then an
 * 8259's through LINT0 while it is not masked. */
bool (*cpu_interrupt_taker)(unsigned vector);

void idt_accept_interrupts(void)
{
	for (;;) {
		int v = top(apic.irr);

		if (v >= 0 && ((unsigned)v >> 4) > ppr_class()) {
			DROP(apic.irr, (unsigned)v);
			PUT(apic.isr, (unsigned)v);
			assert_true(cpu_interrupt_taker((unsigned)v));
		} else if (apic.extint >= 0 && !(apic.lint0 & APIC_LVT_MASKED)) {
			v = apic.extint;
			apic.extint = -1;
			assert_true(cpu_interrupt_taker((unsigned)v));
		} else {
			return;
		}
	}
}

/* An interrupt at the APIC, as a device or an IPI raises it. */
static void raise_vector(unsigned v, bool level)
{
	PUT(apic.irr, v);
	if (level)
		PUT(apic.tmr, v);
}

/* ---- the rest of skiff, stood in ---- */

uint64_t tsc_ticks_for_ms(uint64_t ms) { return ms * TICKS_PER_MS; }
bool console_output_queued;
void console_pump(void) { console_output_queued = false; }

static jmp_buf ended;
static char ended_what[128];
void svm_guest_hang(struct svm_vcpu *v, const char *what)
{
	(void)v;
	snprintf(ended_what, sizeof(ended_what), "hang: %s", what);
	longjmp(ended, 1);
}
void svm_guest_crash(struct svm_vcpu *v, const char *what, const char *detail)
{
	(void)v;
	snprintf(ended_what, sizeof(ended_what), "crash: %s: %s", what, detail);
	longjmp(ended, 2);
}

static uint8_t code[16];		/* the bytes at the guest's RIP */
void svm_skip_emulated(struct svm_vcpu *v, unsigned len)
{
	v->vmcb->save.rip += len;
	v->vmcb->control.interrupt_shadow = 0;
}
size_t svm_fetch_insn(const struct svm_vcpu *v, uint8_t *buf, size_t n)
{
	(void)v;
	memcpy(buf, code, n);
	return n;
}
enum mmio_mode svm_code_mode(const struct svm_vcpu *v, struct guest_paging *p, uint64_t *linear)
{
	(void)v;
	(void)p;
	*linear = 0;
	return MMIO_MODE_32;
}

/* The guest's next APIC access: a 4-byte MOV, 6 bytes long. */
static struct mmio_insn next_insn;
static uint64_t next_value;
int vm_mmio_decode_access(struct vcpu *v, const struct guest_paging *p, uint64_t linear,
			  enum mmio_mode mode, uint64_t rax, uint64_t rsp, uint64_t gpa,
			  struct mmio_insn *insn, uint64_t *value, char *detail, size_t size)
{
	(void)v; (void)p; (void)linear; (void)mode; (void)rax; (void)rsp; (void)gpa;
	(void)detail; (void)size;
	*insn = next_insn;
	*value = next_value;
	return 0;
}
static unsigned passed_stores;
enum vm_ipi_action vm_xapic_write(struct vcpu *v, uint64_t gpa, unsigned size, uint64_t value)
{
	(void)v; (void)gpa; (void)size; (void)value;
	passed_stores++;
	return VM_IPI_PASS;
}
bool svm_finish_ipi(struct svm_vcpu *v, enum vm_ipi_action act)
{
	(void)v;
	return act == VM_IPI_PASS;
}

/* ---- the vCPU ---- */

static struct vm vm;
static struct vmcb vmcb;
static struct svm_vcpu cpu;

static void fresh(unsigned watchdog_ms)
{
	const char *why = "unset";

	memset(&apic, 0, sizeof(apic));
	apic.svr = APIC_SVR_ENABLE | 0xff;
	apic.lint0 = 0x700;			/* ExtINT, as SeaBIOS leaves it */
	apic.extint = -1;
	memset(&vm, 0, sizeof(vm));
	memset(&vmcb, 0, sizeof(vmcb));
	memset(&cpu, 0, sizeof(cpu));
	vm.policy.watchdog_ms = watchdog_ms;
	vm.vcpu_count = 1;
	cpu.vcpu.vm = &vm;
	cpu.vmcb = &vmcb;
	memset(code, 0x90, sizeof(code));
	assert_true(svm_own_timer_choose(watchdog_ms, 1, &why));
	svm_own_timer_start(&cpu);
	assert_int_equal(vmcb.control.vintr, SVM_VINTR_MASKING);
	assert_true(vmcb.control.intercept_misc1 & SVM_INTERCEPT_INTR);
	vmcb.save.rip = 0x1000;
}

/* One exit of code, through the two hooks the exit path calls. */
static void exit_with(uint64_t code_, bool interrupts_on)
{
	vmcb.control.exitcode = code_;
	vmcb.save.rflags = interrupts_on ? 0x202 : 0x2;
	vmcb.control.eventinj = 0;
	cpu.exit_stats[svm_exit_index(code_)].count++;
	svm_own_timer_accept(&cpu);
	svm_own_timer_exit(&cpu);
}

/* An access of the guest's to its APIC page: a nested page fault, done
 * by skiff, and the end of that exit, interrupts as they are. */
static void guest_access(unsigned reg)
{
	vmcb.control.exitcode = SVM_EXIT_NPF;
	vmcb.control.eventinj = 0;
	cpu.exit_stats[SVM_EXIT_INDEX(SVM_EXIT_NPF)].count++;
	svm_own_timer_accept(&cpu);
	svm_own_timer_xapic(&cpu, 0xfee00000u + reg);
	svm_own_timer_exit(&cpu);
}

static uint32_t guest_load(unsigned reg)
{
	next_insn = (struct mmio_insn){ .len = 6, .size = 4, .reg = GUEST_REG_RAX, .reg_size = 4 };
	vmcb.save.rax = 0xdeadbeefcafeull;
	guest_access(reg);
	assert_int_equal(vmcb.save.rax >> 32, 0);	/* a 32-bit load zero-extends */
	return (uint32_t)vmcb.save.rax;
}

static void guest_store(unsigned reg, uint32_t value)
{
	next_insn = (struct mmio_insn){ .len = 6, .size = 4, .write = true, .has_imm = true };
	next_value = value;
	guest_access(reg);
}

static bool bit(unsigned reg, unsigned v)
{
	return guest_load(reg + 0x10 * (v / 32)) & (1u << (v % 32));
}

/* An edge-triggered vector that comes with interrupts off: held (the
 * guest's IRR shows it, its ISR does not), ended in the real APIC at once,
 * a VINTR exit asked for at its class; injected once the guest can take
 * it, then in service for the guest until its EOI, which skiff ends in its
 * own record, not on the real APIC. */
static void edge_vector_waits_for_if_then_is_in_service_until_eoi(void **state)
{
	unsigned eois;

	(void)state;
	fresh(1000);
	raise_vector(0x41, false);
	exit_with(SVM_EXIT_INTR, false);
	assert_int_equal(vmcb.control.eventinj, 0);
	assert_int_equal(vmcb.control.vintr & (SVM_VINTR_IRQ | SVM_VINTR_PRIO_MASK | SVM_VINTR_VECTOR_MASK),
			 SVM_VINTR_IRQ | (4ull << SVM_VINTR_PRIO_SHIFT) | (0x41ull << SVM_VINTR_VECTOR_SHIFT));
	assert_true(vmcb.control.intercept_misc1 & SVM_INTERCEPT_VINTR);
	assert_false(HAS(apic.isr, 0x41));		/* ended in the real APIC */
	assert_true(bit(APIC_REG_IRR, 0x41));
	assert_false(bit(APIC_REG_ISR, 0x41));

	exit_with(SVM_EXIT_VINTR, true);
	assert_int_equal(vmcb.control.eventinj, EVENT(0x41));
	assert_false(vmcb.control.intercept_misc1 & SVM_INTERCEPT_VINTR);
	assert_false(vmcb.control.vintr & SVM_VINTR_IRQ);
	assert_true(bit(APIC_REG_ISR, 0x41));
	assert_false(bit(APIC_REG_IRR, 0x41));

	eois = apic.eois;
	guest_store(APIC_REG_EOI, 0);
	assert_int_equal(apic.eois, eois);		/* skiff's record's own */
	assert_false(bit(APIC_REG_ISR, 0x41));
}

/* Priority (SDM 11.8.3): with 0x41 in service a vector of its class or
 * below waits, neither injected nor asked for, until the guest's EOI; one
 * of a higher class goes in; V_TPR holds a vector at or below its class. */
static void priority_classes_and_tpr_hold_vectors_back(void **state)
{
	(void)state;
	fresh(1000);
	raise_vector(0x41, false);
	exit_with(SVM_EXIT_INTR, true);
	assert_int_equal(vmcb.control.eventinj, EVENT(0x41));

	raise_vector(0x35, false);
	exit_with(SVM_EXIT_INTR, true);
	assert_int_equal(vmcb.control.eventinj, 0);
	assert_false(vmcb.control.vintr & SVM_VINTR_IRQ);	/* the EOI's exit comes first */
	assert_true(bit(APIC_REG_IRR, 0x35));

	raise_vector(0x62, false);
	exit_with(SVM_EXIT_INTR, true);
	assert_int_equal(vmcb.control.eventinj, EVENT(0x62));

	guest_store(APIC_REG_TPR, 0x30);
	assert_int_equal(guest_load(APIC_REG_TPR), 0x30);
	assert_int_equal(vmcb.control.vintr & SVM_VINTR_TPR_MASK, 3);
	assert_int_equal(apic.tpr, 0);			/* the real one stays 0 */
	guest_store(APIC_REG_EOI, 0);			/* ends 0x62 */
	assert_false(bit(APIC_REG_ISR, 0x62));
	assert_int_equal(vmcb.control.eventinj, 0);	/* 0x41 is still in service */
	guest_store(APIC_REG_EOI, 0);			/* ends 0x41 */
	assert_int_equal(vmcb.control.eventinj, 0);	/* 0x35: class 3, not above V_TPR */
	assert_int_equal(vmcb.control.vintr & (SVM_VINTR_IRQ | SVM_VINTR_PRIO_MASK | SVM_VINTR_IGN_TPR),
			 SVM_VINTR_IRQ | (3ull << SVM_VINTR_PRIO_SHIFT));	/* the CPU asks when CR8 drops */
	guest_store(APIC_REG_TPR, 0);
	assert_int_equal(vmcb.control.eventinj, EVENT(0x35));
}

/* A level-triggered vector stays in service in the real APIC: the guest's
 * EOI reaches it (and through it the I/O APIC). */
static void level_vector_is_ended_by_the_guests_eoi_on_the_real_apic(void **state)
{
	(void)state;
	fresh(1000);
	raise_vector(0x51, true);
	exit_with(SVM_EXIT_INTR, true);
	assert_int_equal(vmcb.control.eventinj, EVENT(0x51));
	assert_true(HAS(apic.isr, 0x51));
	assert_true(bit(APIC_REG_ISR, 0x51));
	guest_store(APIC_REG_EOI, 0);
	assert_false(HAS(apic.isr, 0x51));
}

/* skiff's tick is skiff's: ended at once, never the guest's; the APIC's
 * spurious vector (not in service) is dropped. */
static void tick_and_spurious_are_not_the_guests(void **state)
{
	(void)state;
	fresh(1000);
	raise_vector(TICK_VECTOR, false);
	exit_with(SVM_EXIT_INTR, false);
	assert_false(HAS(apic.isr, TICK_VECTOR));
	assert_false(bit(APIC_REG_IRR, TICK_VECTOR));
	assert_false(vmcb.control.vintr & SVM_VINTR_IRQ);
	cpu_interrupt_taker(0xff);			/* spurious: SVR's vector */
	exit_with(SVM_EXIT_INTR, true);
	assert_int_equal(vmcb.control.eventinj, 0);
}

/* An 8259's interrupt while the guest cannot take it waits in the 8259:
 * LINT0 masked (and the TPR written, for QEMU), an exit asked for; once
 * the guest can, LINT0 is the guest's again and its interrupt goes in,
 * whatever V_TPR. */
static void an_8259s_interrupt_waits_in_the_8259(void **state)
{
	(void)state;
	fresh(1000);
	apic.extint = 0x30;
	exit_with(SVM_EXIT_INTR, false);
	assert_true(apic.lint0 & APIC_LVT_MASKED);
	assert_int_equal(apic.extint, 0x30);		/* not taken */
	assert_int_equal(apic.tpr_writes, 2);		/* the start's, and this one */
	assert_int_equal(guest_load(APIC_REG_LVT_LINT0), 0x700);
	assert_true(vmcb.control.vintr & SVM_VINTR_IRQ);
	assert_true(vmcb.control.intercept_misc1 & SVM_INTERCEPT_VINTR);

	guest_store(APIC_REG_TPR, 0xf0);
	exit_with(SVM_EXIT_VINTR, true);
	assert_int_equal(apic.lint0, 0x700);
	exit_with(SVM_EXIT_INTR, true);			/* the 8259's, at VMRUN */
	assert_int_equal(vmcb.control.eventinj, EVENT(0x30));
}

/* The guest's timer: its registers read back as written, the count runs
 * down, and at its end the vector comes as an interrupt of the real APIC
 * (a self-IPI), injected like any other. */
static void guests_timer_counts_and_fires_its_vector(void **state)
{
	uint32_t left;

	(void)state;
	fresh(1000);
	vmcb.save.rflags = 0x202;
	guest_store(APIC_REG_TDCR, APIC_TDCR_DIV1);
	guest_store(APIC_REG_LVT_TIMER, 0x44);
	guest_store(APIC_REG_TMICT, 5000);
	assert_int_equal(guest_load(APIC_REG_LVT_TIMER), 0x44);
	assert_int_equal(guest_load(APIC_REG_TMICT), 5000);
	assert_int_equal(guest_load(APIC_REG_TDCR), APIC_TDCR_DIV1);
	left = guest_load(APIC_REG_TMCCT);
	assert_true(left > 0 && left <= 5000);
	assert_int_equal(apic.lvt_timer, TICK_VECTOR);	/* the real one is skiff's, */
	assert_true(apic.tmict > 0 && apic.tmict <= 5000);	/* armed for the guest's end */
	assert_false(bit(APIC_REG_ISR, 0x44));
	while (guest_load(APIC_REG_TMCCT))
		;
	/* at its end, an exit (here the last load's) sends it and injects it */
	assert_true(bit(APIC_REG_ISR, 0x44));
	guest_store(APIC_REG_EOI, 0);
	/* masked, it counts and fires nothing */
	guest_store(APIC_REG_LVT_TIMER, APIC_LVT_MASKED | 0x44);
	guest_store(APIC_REG_TMICT, 10);
	while (guest_load(APIC_REG_TMCCT))
		;
	exit_with(SVM_EXIT_INTR, true);
	assert_int_equal(vmcb.control.eventinj, 0);
	assert_false(bit(APIC_REG_ISR, 0x44));
	assert_false(bit(APIC_REG_IRR, 0x44));
}

/* The watchdog: the INTR exits of skiff's ticks are not the guest's; a
 * whole period of them, and nothing else, with interrupts off, is a hang;
 * with interrupts on it is not. */
static void ticks_alone_for_a_period_with_if_clear_is_a_hang(void **state)
{
	uint64_t until;

	(void)state;
	fresh(1);
	until = rdtsc() + 20 * TICKS_PER_MS;
	while (rdtsc() < until)
		exit_with(SVM_EXIT_INTR, true);		/* interrupts on: computing */
	if (setjmp(ended) == 0) {
		until = rdtsc() + 20 * TICKS_PER_MS;
		while (rdtsc() < until)
			exit_with(SVM_EXIT_INTR, false);
		fail_msg("no hang after 20 periods of ticks alone");
	}
	assert_string_equal(ended_what,
			    "hang: no VM exit for 1 ms with interrupts disabled (watchdog)");
}

/* IA32_APIC_BASE stays enabled and in xAPIC mode. */
static void apic_base_stays_enabled_in_xapic_mode(void **state)
{
	(void)state;
	fresh(1000);
	assert_true(svm_own_timer_apic_base_ok(0xfee00900));
	assert_false(svm_own_timer_apic_base_ok(0xfee00d00));	/* EXTD */
	assert_false(svm_own_timer_apic_base_ok(0xfee00100));	/* disabled */
}

/* Every other register is the real APIC's, its stores through
 * vm_xapic_write() (IPIs). */
static void other_registers_are_the_real_apics(void **state)
{
	(void)state;
	fresh(1000);
	guest_store(APIC_REG_ICR_LOW, 0x4500);
	assert_int_equal(passed_stores, 1);
	assert_int_equal(vmcb.save.rip, 0x1000 + 6);	/* past the MOV */
	guest_store(APIC_REG_SVR, 0x1ef);
	assert_int_equal(guest_load(APIC_REG_SVR), 0x1ef);
	assert_int_equal(apic.svr, 0x1ef);
	guest_store(APIC_REG_SVR, 0xef);		/* software-disabled: for the guest only */
	assert_int_equal(guest_load(APIC_REG_SVR), 0xef);
	assert_int_equal(apic.svr, 0x1ef);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(edge_vector_waits_for_if_then_is_in_service_until_eoi),
		cmocka_unit_test(priority_classes_and_tpr_hold_vectors_back),
		cmocka_unit_test(level_vector_is_ended_by_the_guests_eoi_on_the_real_apic),
		cmocka_unit_test(tick_and_spurious_are_not_the_guests),
		cmocka_unit_test(an_8259s_interrupt_waits_in_the_8259),
		cmocka_unit_test(guests_timer_counts_and_fires_its_vector),
		cmocka_unit_test(ticks_alone_for_a_period_with_if_clear_is_a_hang),
		cmocka_unit_test(apic_base_stays_enabled_in_xapic_mode),
		cmocka_unit_test(other_registers_are_the_real_apics),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
