/*
 * Instructions that always exit, or that skiff asks to exit on: INVD
 * (SDM Vol. 3C 26.1.2) and HLT; and the interrupt shadow of STI and MOV
 * SS over an instruction that exits.  A HLT must end when an interrupt
 * arrives, so the HLT check arms the local APIC timer first (SDM Vol. 3A
 * 11.5.4) and halts with interrupts on; the shadow checks make its
 * interrupt pending first.
 */
#include "apic.h"
#include "fault.h"
#include "selftest.h"
#include "trap.h"
#include "vm/hypercall_abi.h"
#include "x86.h"

#define TIMER_VECTOR		0x40
#define TIMER_COUNT		100000
/* How many IRR reads timer_pending() waits for a timer of count 1.  QEMU's
 * software CPU expires a local APIC timer in its main loop, a thread apart
 * from the vCPU's: on a loaded host 100000 reads have come and gone before
 * it ran (docs/emulators.md).  The wait ends when the timer fires, so the
 * bound costs a run nothing unless the check fails. */
#define PENDING_READS		(100 * TIMER_COUNT)

static enum result invd(void)
{
	/* INVD drops the caches without writing them back; on bare metal
	 * that would lose dirty lines, so write them back first.  Under
	 * skiff the INVD exits and the guest's caches are not touched. */
	asm volatile(FAULT_TRY("wbinvd; invd") : : : "memory");
	if (fault_vector != FAULT_NONE)
		return fail("raised %s", fault_name(fault_vector));
	return PASS;
}

static uint32_t apic;			/* xAPIC MMIO base (paging is off) */
static volatile uint32_t timer_eip;	/* where the timer interrupt struck */

static void timer_interrupt(struct trap_frame *f)
{
	timer_eip = f->eip;
	apic_eoi(apic);
}

/* Fires the one-shot timer and halts; returns the EIP just past HLT. */
static uint32_t halt_until_timer(void)
{
	uint32_t after_hlt;

	apic_timer_start(apic, TIMER_VECTOR, TIMER_COUNT);
	/* STI holds interrupts off for one more instruction (SDM Vol. 2B,
	 * STI), so the interrupt cannot slip in before the HLT and leave
	 * it waiting for ever. */
	asm volatile("sti\n\t"
		     "hlt\n"
		     "1:\tcli\n\t"
		     "movl $1b, %0"
		     : "=r"(after_hlt) : : "memory");
	apic_timer_stop(apic, TIMER_VECTOR);
	return after_hlt;
}

static enum result hlt_wakes_on_interrupt(void)
{
	uint32_t before, after_hlt, arrived;
	const char *why = apic_find(&apic);

	if (why)
		return fail("%s", why);

	before = trap_count(TIMER_VECTOR);
	trap_set_handler(TIMER_VECTOR, timer_interrupt);
	after_hlt = halt_until_timer();
	trap_set_handler(TIMER_VECTOR, NULL);
	arrived = trap_count(TIMER_VECTOR) - before;

	if (arrived != 1)
		return fail("%u timer interrupts, expected 1", arrived);
	if (timer_eip != after_hlt)
		return fail("the interrupt came at eip 0x%08x, not just past HLT (0x%08x)",
			    timer_eip, after_hlt);
	return PASS;
}

/*
 * STI and MOV SS hold interrupts off until the next instruction has run
 * (SDM Vol. 2B, STI; Vol. 3A 6.8.3).  When that instruction exits and skiff
 * emulates it, the hold must end with it (SDM Vol. 3C 25.4.2, blocking by
 * STI and by MOV SS): an interrupt that is already pending comes right
 * after the instruction, not one later.  SHADOW_THEN() runs shadow, insn
 * (EAX = eax, ECX = 0) and a NOP with interrupts enabled by the shadow's
 * end, and gives the EIP just past insn.
 */
#define STI_SHADOW	"sti"
#define MOV_SS_SHADOW	"movw %%ss, %%dx\n\tsti\n\tmovw %%dx, %%ss"
#define SHADOW_THEN(shadow, insn, eax) ({					\
	uint32_t a_ = (eax), c_ = 0, after_;					\
	asm volatile(shadow "\n\t"						\
		     insn "\n"							\
		     "1:\tnop\n\t"						\
		     "cli\n\t"						\
		     "movl $1b, %2"						\
		     : "+a"(a_), "+c"(c_), "=D"(after_)				\
		     : : "ebx", "edx", "memory");				\
	after_;									\
})

static uint32_t timer_before;	/* timer interrupts before the check */

/* Arms the timer and waits, interrupts off, until its interrupt is pending. */
static const char *timer_pending(void)
{
	const char *why = apic_find(&apic);

	if (why)
		return why;
	timer_before = trap_count(TIMER_VECTOR);
	trap_set_handler(TIMER_VECTOR, timer_interrupt);
	asm volatile("cli");
	apic_timer_start(apic, TIMER_VECTOR, 1);
	for (unsigned spins = 0; !apic_requested(apic, TIMER_VECTOR); spins++)
		if (spins == PENDING_READS)
			return "the timer interrupt never became pending";
	return NULL;
}

static enum result interrupt_right_after(uint32_t after)
{
	uint32_t arrived = trap_count(TIMER_VECTOR) - timer_before;

	apic_timer_stop(apic, TIMER_VECTOR);
	trap_set_handler(TIMER_VECTOR, NULL);
	if (arrived != 1)
		return fail("%u timer interrupts, expected 1", arrived);
	if (timer_eip != after)
		return fail("the interrupt came at eip 0x%08x, not right after the instruction "
			    "(0x%08x)", timer_eip, after);
	return PASS;
}

static enum result sti_shadow_ends_after_cpuid(void)
{
	const char *why = timer_pending();

	return why ? fail("%s", why) : interrupt_right_after(SHADOW_THEN(STI_SHADOW, "cpuid", 0));
}

/* SHADOW_THEN() reaches MOV SS through STI's shadow, and QEMU's TCG lets
 * only the first of two shadowing instructions in a row hold interrupts
 * off (docs/emulators.md): the interrupt comes before the CPUID, without
 * skiff having a say. */
static enum result mov_ss_shadow_ends_after_cpuid(void)
{
	const char *why;

	if (on_qemu_cpu_model())
		return skip("QEMU's software CPU ends a MOV SS shadow that follows STI's at once");
	why = timer_pending();

	return why ? fail("%s", why) : interrupt_right_after(SHADOW_THEN(MOV_SS_SHADOW, "cpuid", 0));
}

static enum result sti_shadow_ends_after_vmcall(void)
{
	const char *why = timer_pending();

	return why ? fail("%s", why) :
		interrupt_right_after(SHADOW_THEN(STI_SHADOW, "vmcall", HC_VERSION));
}

const struct check insn_checks[] = {
	{ .name = "invd", .run = invd },
	{ .name = "hlt-wakes-on-interrupt", .run = hlt_wakes_on_interrupt },
	{ .name = "sti-shadow-ends-after-cpuid", .run = sti_shadow_ends_after_cpuid },
	{ .name = "mov-ss-shadow-ends-after-cpuid", .run = mov_ss_shadow_ends_after_cpuid },
	{ .name = "sti-shadow-ends-after-vmcall", .run = sti_shadow_ends_after_vmcall,
	  .needs_skiff = true },
	{ .name = NULL },
};
