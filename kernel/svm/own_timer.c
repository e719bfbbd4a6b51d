/*
 * skiff's own timer on AMD-V, for a guest with one vCPU (own_timer.h).
 *
 * The local APIC's timer is skiff's: one-shot, divide by 1, vector
 * SKIFF_TICK_VECTOR, armed for the earlier of skiff's next tick (a quarter
 * of the watchdog period) and the guest's own timer's next deadline.  The
 * guest's timer is a model (vm/apic_timer.h) in TSC time.  The guest's
 * xAPIC page is not mapped in the NPT, so every load and store there
 * exits and is done here: the timer's four registers, the TPR (V_TPR,
 * where the guest's CR8 goes too with V_INTR_MASKING, APM Vol. 2 15.21.4),
 * the SVR's enable bit, the ISR and IRR as the guest should see them, and
 * EOI in software; the rest on the real APIC, IPIs through
 * vm_xapic_write() as always.  The CPUID skiff gives the guest offers
 * neither x2APIC nor the TSC-deadline mode, and IA32_APIC_BASE keeps the
 * APIC enabled in xAPIC mode.
 *
 * Interrupts: the guest runs with V_INTR_MASKING and the INTR intercept,
 * and skiff's RFLAGS.IF set at VMRUN (run.S), so a physical interrupt
 * exits whatever the guest's RFLAGS.IF.  At the start of each exit skiff
 * lets the interrupts the APIC holds in (idt_accept_interrupts()), each
 * through skiff's IDT to take(): skiff's tick is ended (EOI) at once; any
 * other vector is the guest's, held in `pending`.  An edge-triggered one
 * is ended in the real APIC at once too, and is in service for the guest
 * in skiff's record (`in_service`) from its injection to its EOI, so that
 * no vector the guest leaves in service holds back skiff's tick; a
 * level-triggered one stays in service in the real APIC, whose EOI the
 * I/O APIC must see.  The highest one held is injected (EVENTINJ) when the
 * guest can take it: RFLAGS.IF set, no interrupt shadow, its priority
 * class above V_TPR and above the class of every vector the guest has in
 * service.  Until then a virtual interrupt of its class with the VINTR
 * intercept asks the CPU for the exit at the moment it can (15.21.3); a
 * vector in service waits for the guest's EOI, a store to the APIC page
 * and so an exit.  The guest's timer fires as a self-IPI of its vector, an
 * interrupt of the real APIC like any other.  An 8259's interrupt (ExtINT
 * through LINT0) waits in the 8259 until the guest can take it
 * (svm_own_timer_accept()).
 *
 * What this does not give: a guest that leaves a level-triggered vector of
 * class 15 (0xf0-0xff) in service and then spins with interrupts off
 * blocks skiff's tick, which is of that class; and while skiff holds a
 * level-triggered vector not yet injected, the guest's EOI of a lower one
 * ends that one in the real APIC (the highest in service), and the next
 * EOI the lower: the two EOIs end both.
 */
#include "cpu.h"
#include "drivers/console.h"
#include "drivers/lapic.h"
#include "drivers/tsc.h"
#include "lib/printf.h"
#include "svm/exit.h"
#include "svm/own_timer.h"
#include "vm/apic_timer.h"
#include "vm/guest_regs.h"
#include "vm/guest_walk.h"
#include "vm/mmio_insn.h"
#include "vm/verdict.h"
#include "vm/vm.h"
#include "x86.h"

/* Class 15, the highest: only a guest's vector of that class in service
 * holds it back.  No vector Linux uses (arch/x86 irq_vectors.h); a device
 * the guest gives this vector loses its interrupts to skiff's timer. */
#define SKIFF_TICK_VECTOR	0xf5u
#define ICR_SHORTHAND_SELF	(1u << 18)
#define CALIBRATE_MS		2
#define DRAIN_MS		1	/* see tick() */

bool svm_own_interrupts;
uint32_t svm_intr_always;

static struct {
	struct apic_timer guest;	/* the guest's timer */
	uint32_t svr;			/* the guest's SVR as it wrote it */
	uint32_t firmware_svr;		/* the SVR as skiff found it: each start's */
	uint64_t tsc_per_tick_fp;	/* the real timer at divide 1 */
	uint64_t period;		/* the watchdog's period, in TSC ticks */
	uint64_t tick_period;		/* TSC ticks between skiff's ticks: a quarter */
	uint64_t drain_budget;		/* TSC ticks a tick may feed the serial line */
	uint64_t next_tick;		/* TSC of skiff's next tick */
	uint64_t armed_for;		/* TSC the real timer ends at; 0: not armed */
	bool tick_due;			/* the real timer's interrupt came */
	uint64_t pending[4];		/* the guest's vectors accepted, not injected */
	uint64_t extint[4];		/* of those, the ones an 8259 sent (ExtINT) */
	uint64_t edge[4];		/* of those, the edge-triggered ones: ended already */
	uint64_t in_service[4];		/* edge-triggered ones injected, before the guest's EOI */
	/* The guest's LINT0 while skiff keeps it masked (lint0_held): an
	 * 8259's interrupt waits in the 8259 until the guest can take it. */
	uint32_t lint0;
	bool lint0_held;
} own;

#define BIT(set, vector)	((set)[(vector) / 64] & (1ull << ((vector) % 64)))
#define SET(set, vector)	((set)[(vector) / 64] |= 1ull << ((vector) % 64))
#define CLEAR(set, vector)	((set)[(vector) / 64] &= ~(1ull << ((vector) % 64)))

static int highest(const uint64_t set[4])
{
	for (int w = 3; w >= 0; w--)
		if (set[w])
			return w * 64 + 63 - __builtin_clzll(set[w]);
	return -1;
}

static int highest_pending(void)
{
	return highest(own.pending);
}

/* 32 bits of the guest's ISR, register r (0-7): the real one's
 * level-triggered vectors it has, skiff's record of the edge-triggered. */
static uint32_t guest_isr(unsigned r)
{
	uint32_t real = lapic_xapic_read(APIC_REG_ISR + 0x10 * r);

	real &= ~(uint32_t)(own.pending[r / 2] >> (32 * (r % 2)));	/* held, not delivered */
	return real | (uint32_t)(own.in_service[r / 2] >> (32 * (r % 2)));
}

/* The highest vector the guest has in service; -1 when none. */
static int guest_in_service(void)
{
	for (int r = 7; r >= 0; r--) {
		uint32_t isr = guest_isr((unsigned)r);

		if (isr)
			return r * 32 + 31 - __builtin_clz(isr);
	}
	return -1;
}

/* Every vector the APIC delivers to skiff while the guest's interrupts
 * are skiff's (idt.c): skiff's tick, or the guest's, held. */
static bool take(unsigned vector)
{
	uint32_t isr = lapic_xapic_read(APIC_REG_ISR + 0x10 * (vector / 32));
	bool in_service = isr & (1u << (vector % 32));

	/* skiff's, even when the timer counts again already: it may have
	 * fired before an exit that armed it anew. */
	if (vector == SKIFF_TICK_VECTOR && in_service) {
		own.tick_due = true;
		lapic_xapic_write(APIC_REG_EOI, 0);
		return true;
	}
	/* The APIC's spurious vector, not in service (SDM 11.9): nothing to
	 * end, and nothing the guest's handler would do but return.  Any
	 * other is the guest's, in service in the APIC or, from an 8259
	 * through ExtINT, in the 8259 (its EOI the guest's too). */
	if (!in_service && vector == (lapic_xapic_read(APIC_REG_SVR) & 0xff))
		return true;
	SET(own.pending, vector);
	if (!in_service) {
		SET(own.extint, vector);
	} else if (!(lapic_xapic_read(APIC_REG_TMR + 0x10 * (vector / 32)) & (1u << (vector % 32)))) {
		/* Edge-triggered: ended in the real APIC now, so that no vector
		 * the guest keeps in service holds skiff's tick back; in
		 * service for the guest in skiff's record instead (guest_isr()). */
		SET(own.edge, vector);
		lapic_xapic_write(APIC_REG_EOI, 0);
	}
	return true;
}

static bool interruptible(const struct svm_vcpu *v)
{
	return (v->vmcb->save.rflags & RFLAGS_IF) && !(v->vmcb->control.interrupt_shadow & 1);
}

/* Whether the APIC itself has a vector to deliver: one in its IRR of a
 * class above its PPR (SDM 11.8.3.1).  If not, an INTR comes from an 8259
 * through LINT0 (ExtINT, 11.5.1). */
static bool apic_has_vector(void)
{
	unsigned ppr_class = lapic_xapic_read(APIC_REG_PPR) >> 4 & 0xf;

	for (int r = 7; r >= 0; r--) {
		uint32_t irr = lapic_xapic_read(APIC_REG_IRR + 0x10 * (unsigned)r);

		if (irr)
			return (unsigned)(r * 32 + 31 - __builtin_clz(irr)) >> 4 > ppr_class;
	}
	return false;
}

/*
 * The interrupts that made the exit, or came during the last one, taken
 * (take()), at every exit the generic path takes: two LIDTs and an
 * STI-NOP-CLI, against the INTR exit at the next VMRUN an interrupt held
 * meanwhile would make; and Bochs 2.7 makes none while the guest's
 * RFLAGS.IF is clear (docs/emulators.md), so only here would it be taken.
 * An 8259's is not
 * taken while the guest cannot take it: on a CPU it waits in the 8259,
 * which the guest may still mask or program anew, and would not be
 * delivered then; taken, skiff would deliver it stale.  So LINT0 is masked
 * in the real APIC until the guest can (svm_own_timer_exit()).
 */
void svm_own_timer_accept(struct svm_vcpu *v)
{
	if (!svm_own_interrupts)
		return;
	if (v->vmcb->control.exitcode == SVM_EXIT_INTR && !interruptible(v) && !own.lint0_held &&
	    !apic_has_vector()) {
		own.lint0 = lapic_xapic_read(APIC_REG_LVT_LINT0);
		own.lint0_held = true;
		lapic_xapic_write(APIC_REG_LVT_LINT0, own.lint0 | APIC_LVT_MASKED);
		/* The TPR again (it stays 0: the guest's is V_TPR), a no-op on a
		 * CPU; QEMU 7.2 keeps the CPU's interrupt request raised after
		 * LINT0 is masked until the APIC looks again, which a TPR write
		 * makes it do, and otherwise delivers a vector -1 in the window
		 * below, a #GP in skiff (docs/emulators.md). */
		lapic_xapic_write(APIC_REG_TPR, 0);
	}
	idt_accept_interrupts();
}

static uint64_t timer_ticks(uint64_t tsc);

static uint64_t calibrate(void)
{
	uint64_t t0, t1, span = tsc_ticks_for_ms(CALIBRATE_MS);
	uint32_t c0, c1;

	lapic_xapic_write(APIC_REG_LVT_TIMER, APIC_LVT_MASKED | SKIFF_TICK_VECTOR);
	lapic_xapic_write(APIC_REG_TDCR, APIC_TDCR_DIV1);
	lapic_xapic_write(APIC_REG_TMICT, UINT32_MAX);
	t0 = rdtsc();
	c0 = lapic_xapic_read(APIC_REG_TMCCT);
	while (rdtsc() - t0 < span)
		pause();
	c1 = lapic_xapic_read(APIC_REG_TMCCT);
	t1 = rdtsc();
	lapic_xapic_write(APIC_REG_TMICT, 0);
	if (c1 >= c0 || t1 - t0 >= 1ull << 31)
		return 0;
	return ((t1 - t0) << 32) / (c0 - c1);
}

bool svm_own_timer_choose(unsigned watchdog_ms, unsigned vcpus, const char **why)
{
	if (!watchdog_ms || vcpus != 1) {
		*why = NULL;
		return false;
	}
	if (lapic_x2apic()) {
		*why = "the firmware left the local APIC in x2APIC mode, and skiff runs its timer "
		       "only in xAPIC mode";
		return false;
	}
	own.firmware_svr = lapic_xapic_read(APIC_REG_SVR) & 0x3ff;
	own.tsc_per_tick_fp = calibrate();
	if (!own.tsc_per_tick_fp) {
		*why = "the local APIC timer did not count";
		return false;
	}
	kprintf("skiff: watchdog: the local APIC timer counts at %lu kHz (measured against the "
		"TSC over %u ms)\n", timer_ticks(tsc_ticks_for_ms(CALIBRATE_MS)) / CALIBRATE_MS,
		CALIBRATE_MS);
	own.period = tsc_ticks_for_ms(watchdog_ms);
	own.tick_period = own.period / 4 ? own.period / 4 : 1;
	own.drain_budget = tsc_ticks_for_ms(DRAIN_MS);
	cpu_interrupt_taker = take;
	svm_own_interrupts = true;
	svm_intr_always = SVM_INTERCEPT_INTR;
	return true;
}

/* Timer ticks in tsc TSC ticks, without a 128-bit division (there is
 * none in a freestanding kernel): exact below 2^31 TSC ticks, to 16 bits
 * of the rate above. */
static uint64_t timer_ticks(uint64_t tsc)
{
	uint64_t rate = own.tsc_per_tick_fp;

	if (tsc < 1ull << 31)
		return (tsc << 32) / rate;
	if (tsc >= 1ull << 47 || rate >> 16 == 0)
		return UINT32_MAX;
	return (tsc << 16) / (rate >> 16);
}

/* The real timer, for the earlier of skiff's next tick and the guest's
 * deadline. */
static void arm(uint64_t now)
{
	uint64_t end = own.next_tick, count;

	if (own.guest.deadline && own.guest.deadline < end)
		end = own.guest.deadline;
	count = end > now ? timer_ticks(end - now) : 0;
	if (count == 0)
		count = 1;
	if (count > UINT32_MAX)
		count = UINT32_MAX;
	own.armed_for = end;
	lapic_xapic_write(APIC_REG_LVT_TIMER, SKIFF_TICK_VECTOR);	/* one-shot, unmasked */
	lapic_xapic_write(APIC_REG_TDCR, APIC_TDCR_DIV1);
	lapic_xapic_write(APIC_REG_TMICT, (uint32_t)count);
}

void svm_own_timer_start(struct svm_vcpu *v)
{
	uint64_t now = rdtsc();

	if (!svm_own_interrupts)
		return;
	/* The old guest's vectors in service, and the ones skiff held for
	 * it: ended, as a reset would. */
	for (unsigned r = 0; r < 8; r++)
		for (unsigned i = 0; i < 32 && lapic_xapic_read(APIC_REG_ISR + 0x10 * r); i++)
			lapic_xapic_write(APIC_REG_EOI, 0);
	for (unsigned w = 0; w < 4; w++)
		own.pending[w] = own.extint[w] = own.edge[w] = own.in_service[w] = 0;
	if (own.lint0_held)
		lapic_xapic_write(APIC_REG_LVT_LINT0, own.lint0);
	own.lint0_held = false;
	lapic_xapic_write(APIC_REG_TPR, 0);
	lapic_xapic_write(APIC_REG_SVR, own.firmware_svr | APIC_SVR_ENABLE);
	apic_timer_reset(&own.guest, own.tsc_per_tick_fp);
	own.svr = own.firmware_svr;	/* as the guest would find it without skiff */
	own.tick_due = false;
	own.next_tick = now + own.tick_period;
	v->vcpu.watchdog.quiet_exits = UINT64_MAX;
	arm(now);
	v->vmcb->control.vintr = SVM_VINTR_MASKING;
	v->vmcb->control.intercept_misc1 |= SVM_INTERCEPT_INTR;
}

/* The exits the guest made: all but the interrupts' (INTR, VINTR), which
 * come whatever the guest does. */
static uint64_t guest_exits(const struct svm_vcpu *v)
{
	uint64_t n = 0;

	for (unsigned i = 0; i <= SVM_EXIT_INDEX_COUNT; i++)
		n += v->exit_stats[i].count;
	return n - v->exit_stats[SVM_EXIT_INDEX(SVM_EXIT_INTR)].count -
	       v->exit_stats[SVM_EXIT_INDEX(SVM_EXIT_VINTR)].count;
}

/* skiff's tick: its own log, which otherwise only exits feed
 * (console_poll()), for at most DRAIN_MS, so that a guest that makes none
 * does not hold it back; and the watchdog's look, by VT-x's rule
 * (verdict.h). */
static void tick(struct svm_vcpu *v, uint64_t now)
{
	struct vm *vm = v->vcpu.vm;
	uint64_t drained_by = now + own.drain_budget;
	char what[96];

	own.next_tick = now + own.tick_period;
	while (console_output_queued && rdtsc() < drained_by)
		console_poll();
	if (!vm_watchdog_tick_is_hang(&v->vcpu.watchdog, now, guest_exits(v),
				      v->vmcb->save.rflags & RFLAGS_IF, own.period))
		return;
	fmt_snprintf(what, sizeof(what), "no VM exit for %u ms with interrupts disabled (watchdog)",
		     vm->policy.watchdog_ms);
	svm_guest_hang(v, what);
}

/* The guest's timer reached 0: its vector, unless masked (or its APIC
 * software-disabled, 11.4.7.2), as an interrupt of the real APIC. */
static void guest_timer_fires(void)
{
	if ((own.guest.lvt & APIC_LVT_MASKED) || !(own.svr & APIC_SVR_ENABLE) ||
	    (own.guest.lvt & APIC_LVT_VECTOR) < 16)
		return;
	lapic_xapic_write(APIC_REG_ICR_LOW, ICR_SHORTHAND_SELF | (own.guest.lvt & APIC_LVT_VECTOR));
	idt_accept_interrupts();	/* taken now, not by an INTR exit at VMRUN */
}

static bool from_8259(unsigned vector)
{
	return BIT(own.extint, vector);
}

/* The APIC's priorities (SDM 11.8.3): vector's class above every vector
 * the guest has in service, and above V_TPR.  An 8259's goes around them. */
static bool above_in_service(unsigned vector)
{
	int in_service;

	if (from_8259(vector))
		return true;
	in_service = guest_in_service();
	return in_service < 0 || (vector >> 4) > ((unsigned)in_service >> 4);
}

static bool above_tpr(const struct svm_vcpu *v, unsigned vector)
{
	return from_8259(vector) || (vector >> 4) > (v->vmcb->control.vintr & SVM_VINTR_TPR_MASK);
}

#define OPCODE_HLT	0xf4

/*
 * `sti; hlt` with an interrupt held: the HLT, in STI's shadow, would run
 * and the interrupt wake it at once (SDM Vol. 2B "STI"), so skiff
 * completes it and delivers the interrupt past it.  Asking for the VINTR
 * exit instead would do the same on a CPU that loads the shadow at VMRUN
 * (APM Vol. 2 15.21.5); QEMU 7.2 does not, and took the interrupt before
 * the HLT, which then slept (docs/emulators.md).
 */
static void hlt_in_shadow(struct svm_vcpu *v)
{
	uint8_t byte;

	if ((v->vmcb->save.rflags & RFLAGS_IF) && !(v->vmcb->control.eventinj & SVM_EVENTINJ_VALID) &&
	    svm_fetch_insn(v, &byte, 1) == 1 && byte == OPCODE_HLT)
		svm_skip_emulated(v, 1);
}

/* The highest vector held: injected now, or an exit asked for when the
 * guest can take it. */
static void inject(struct svm_vcpu *v)
{
	struct vmcb_control *k = &v->vmcb->control;
	int vector = highest_pending();

	k->vintr &= ~(SVM_VINTR_IRQ | SVM_VINTR_PRIO_MASK | SVM_VINTR_VECTOR_MASK |
		      SVM_VINTR_IGN_TPR);
	k->intercept_misc1 &= ~SVM_INTERCEPT_VINTR;
	if (own.lint0_held && interruptible(v)) {
		own.lint0_held = false;		/* the 8259's turn: an INTR exit at VMRUN */
		lapic_xapic_write(APIC_REG_LVT_LINT0, own.lint0);
	}
	if (vector < 0 && own.lint0_held) {
		/* no vector: the exit when the guest can take the 8259's */
		k->vintr |= SVM_VINTR_IRQ | SVM_VINTR_IGN_TPR;
		k->intercept_misc1 |= SVM_INTERCEPT_VINTR;
		return;
	}
	if (vector < 0)
		return;
	if (!above_in_service((unsigned)vector))
		return;		/* the guest's EOI, a store to its APIC page, comes first */
	if (k->interrupt_shadow & 1)
		hlt_in_shadow(v);
	if (!(k->eventinj & SVM_EVENTINJ_VALID) && interruptible(v) && above_tpr(v, (unsigned)vector)) {
		k->eventinj = SVM_EVENTINJ_VALID |
			      ((uint64_t)SVM_EVENTINJ_TYPE_INTR << SVM_EVENTINJ_TYPE_SHIFT) |
			      (unsigned)vector;
		CLEAR(own.pending, vector);
		CLEAR(own.extint, vector);
		if (BIT(own.edge, vector))
			SET(own.in_service, vector);
		CLEAR(own.edge, vector);
		return;
	}
	/* The exit when RFLAGS.IF, the shadow and V_TPR (the guest's CR8,
	 * which it writes without an exit) let it in: a virtual interrupt of
	 * its class (APM Vol. 2 15.21.4); an 8259's ignores V_TPR. */
	k->vintr |= SVM_VINTR_IRQ | ((uint64_t)((unsigned)vector >> 4) << SVM_VINTR_PRIO_SHIFT) |
		    ((uint64_t)vector << SVM_VINTR_VECTOR_SHIFT) |
		    (from_8259((unsigned)vector) ? SVM_VINTR_IGN_TPR : 0);
	k->intercept_misc1 |= SVM_INTERCEPT_VINTR;
}

void svm_own_timer_exit(struct svm_vcpu *v)
{
	uint64_t now;

	if (!svm_own_interrupts)
		return;
	now = rdtsc();
	if (own.tick_due || now >= own.armed_for) {
		own.tick_due = false;
		if (apic_timer_expire(&own.guest, now))
			guest_timer_fires();
		if (now >= own.next_tick)
			tick(v, now);
		arm(now);
	} else if (own.guest.deadline && own.guest.deadline < own.armed_for) {
		arm(now);
	}
	inject(v);
}

/* An HLT in STI's shadow runs too, and is woken at once (hlt_in_shadow()). */
bool svm_own_timer_wakes(const struct svm_vcpu *v)
{
	int vector = highest_pending();

	return svm_own_interrupts && vector >= 0 && (v->vmcb->save.rflags & RFLAGS_IF) &&
	       above_tpr(v, (unsigned)vector) && above_in_service((unsigned)vector);
}

bool svm_own_timer_apic_base_ok(uint64_t value)
{
	return !svm_own_interrupts ||
	       ((value & APIC_BASE_ENABLE) && !(value & APIC_BASE_EXTD));
}

/* A load: the register's 32 bits as the guest sees them. */
static uint32_t xapic_load(unsigned reg, uint64_t now, const struct svm_vcpu *v)
{
	/* IRR and ISR: a vector skiff holds is requested, not yet in
	 * service, for the guest (it has not been delivered to it). */
	if (reg >= APIC_REG_ISR && reg < APIC_REG_ISR + 0x80)
		return guest_isr((reg - APIC_REG_ISR) >> 4);
	if (reg >= APIC_REG_IRR && reg < APIC_REG_IRR + 0x80) {
		unsigned word = (reg - APIC_REG_IRR) >> 4;

		return lapic_xapic_read(reg) | (uint32_t)(own.pending[word / 2] >> (32 * (word % 2)));
	}
	switch (reg) {
	case APIC_REG_TPR:
		return (uint32_t)(v->vmcb->control.vintr & SVM_VINTR_TPR_MASK) << 4;
	case APIC_REG_SVR:
		return own.svr;
	case APIC_REG_LVT_TIMER:
		return own.guest.lvt;
	case APIC_REG_TMICT:
		return own.guest.initial;
	case APIC_REG_TMCCT:
		return apic_timer_current(&own.guest, now);
	case APIC_REG_TDCR:
		return own.guest.tdcr;
	case APIC_REG_LVT_LINT0:
		return own.lint0_held ? own.lint0 : lapic_xapic_read(reg);
	default:
		return lapic_xapic_read(reg);
	}
}

/* A store of the guest's 32 bits; false when it went to the real APIC
 * through vm_xapic_write() and svm_finish_ipi() already ended the exit. */
static bool xapic_store(struct svm_vcpu *v, uint64_t gpa, unsigned size, uint32_t value,
			uint64_t now)
{
	struct vmcb_control *k = &v->vmcb->control;

	switch (gpa & 0xff0) {
	case APIC_REG_TPR:
		k->vintr = (k->vintr & ~SVM_VINTR_TPR_MASK) | ((value >> 4) & SVM_VINTR_TPR_MASK);
		return true;
	case APIC_REG_SVR:
		own.svr = value & 0x3ff;	/* vector, enable, focus (11.9) */
		lapic_xapic_write(APIC_REG_SVR, (value & 0x3ff) | APIC_SVR_ENABLE);
		return true;
	case APIC_REG_LVT_TIMER:
		apic_timer_write_lvt(&own.guest, value);
		return true;
	case APIC_REG_TMICT:
		apic_timer_write_initial(&own.guest, value, now);
		return true;
	case APIC_REG_TMCCT:
		return true;	/* read-only */
	case APIC_REG_EOI: {
		/* Ends the highest in service (SDM 11.8.5): skiff's record's
		 * own, or the real APIC's. */
		int vector = guest_in_service();

		if (vector >= 0 && BIT(own.in_service, (unsigned)vector))
			CLEAR(own.in_service, (unsigned)vector);
		else
			lapic_xapic_write(APIC_REG_EOI, 0);
		return true;
	}
	case APIC_REG_TDCR:
		apic_timer_write_tdcr(&own.guest, value);
		return true;
	case APIC_REG_LVT_LINT0:
		if (!own.lint0_held)
			break;
		own.lint0 = value;	/* in force once the guest can take an interrupt */
		return true;
	default:
		break;
	}
	return svm_finish_ipi(v, vm_xapic_write(&v->vcpu, gpa, size, value));
}

void svm_own_timer_xapic(struct svm_vcpu *v, uint64_t gpa)
{
	struct guest_paging paging;
	struct mmio_insn insn;
	uint64_t linear, value = 0, now = rdtsc(), old;
	enum mmio_mode mode = svm_code_mode(v, &paging, &linear);
	unsigned shift = (unsigned)(gpa & 3) * 8;
	char detail[160];
	int reg;

	if (vm_mmio_decode_access(&v->vcpu, &paging, linear, mode, v->vmcb->save.rax,
				  v->vmcb->save.rsp, gpa, &insn, &value, detail, sizeof(detail)) < 0) {
		svm_guest_crash(v, "nested page fault", detail);
		return;
	}
	if (insn.write) {
		if (xapic_store(v, gpa, insn.size, (uint32_t)(value << shift), now))
			svm_skip_emulated(v, insn.len);
		return;
	}
	value = xapic_load((unsigned)(gpa & 0xff0), now, v) >> shift;
	reg = insn.reg;
	old = reg == GUEST_REG_RAX ? v->vmcb->save.rax :
	      reg == GUEST_REG_RSP ? v->vmcb->save.rsp : v->vcpu.regs.gpr[reg];
	value = mmio_insn_load_result(&insn, old, value);
	if (reg == GUEST_REG_RAX)
		v->vmcb->save.rax = value;
	else if (reg == GUEST_REG_RSP)
		v->vmcb->save.rsp = value;
	else
		v->vcpu.regs.gpr[reg] = value;
	svm_skip_emulated(v, insn.len);
}
