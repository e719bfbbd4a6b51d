/*
 * The watchdog on AMD-V (see watchdog.h): the vCPUs watch each other.
 *
 * VT-x has the preemption timer, which counts only while the guest runs
 * and brings the CPU back after a whole period without an exit.  AMD-V has
 * no such timer (APM Vol. 2 15), and every timer of the machine, the local
 * APIC's included, is the guest's.  But a vCPU that exits is in skiff,
 * and from there it can look at the others: one whose exit count has not
 * moved for a whole period gets an NMI from skiff (a kick, vm/fate.c),
 * whose #VMEXIT (the NMI intercept, nmi.c) shows where it is.  If it made
 * no exit in between and runs with RFLAGS.IF clear, nothing but skiff could
 * ever stop it: the hang VT-x's watchdog finds (vm_watchdog_tick_is_hang(),
 * the same rule).  With interrupts on it is only computing, as on VT-x;
 * and one the NMI woke from an HLT skiff let it run (an AP parked with
 * interrupts off, vm_hlt_is_hang()) was asleep, not spinning.
 *
 * An AP's vCPU that waits for the guest's SIPI in skiff (ap.c) looks too,
 * so a guest that never starts its APs is still watched.  What it does not
 * catch, and says at boot: a guest with one vCPU (no one to watch it); and
 * every vCPU spinning at once.  A vCPU that exits only
 * through the CPUID and VMMCALL fast paths (run.S, exit.c) still looks:
 * every SVM_WATCH_FAST_EVERY-th of those exits takes the generic path.
 */
#include "drivers/tsc.h"
#include "lib/printf.h"
#include "lib/spinlock.h"
#include "svm/exit.h"
#include "svm/own_timer.h"
#include "svm/watchdog.h"
#include "vm/vm.h"

/* Everything the vCPU's exits have counted: progress, as the watchers
 * see it.  Read while the vCPU runs; each count is one aligned word. */
static uint64_t exits_of(const struct svm_vcpu *v)
{
	uint64_t n = 0;

	for (unsigned i = 0; i <= SVM_EXIT_INDEX_COUNT; i++)
		n += __atomic_load_n(&v->exit_stats[i].count, __ATOMIC_RELAXED);
	return n;
}

static bool watching(const struct vm *vm)
{
	return vm->policy.watchdog_ms && vm->vcpu_count > 1;
}

bool svm_watch_active;

void svm_watchdog_describe(const struct vm *vm, const char *own_timer_off)
{
	svm_watch_active = watching(vm);
	if (!vm->policy.watchdog_ms)
		return;
	if (watching(vm))
		kprintf("skiff: watchdog: %u ms without a VM exit and with interrupts off is a hang "
			"(AMD-V has no preemption timer: the %u vCPUs watch each other, by NMI)\n",
			vm->policy.watchdog_ms, vm->vcpu_count);
	else if (svm_own_interrupts)
		kprintf("skiff: watchdog: %u ms without a VM exit and with interrupts off is a hang "
			"(AMD-V has no preemption timer: with one vCPU skiff keeps the local APIC "
			"timer and passes the guest's interrupts on)\n", vm->policy.watchdog_ms);
	else
		kprintf("skiff: watchdog: off: AMD-V has no preemption timer, with one vCPU no "
			"other CPU can watch it, and %s; a guest that spins with interrupts off is "
			"not caught\n", own_timer_off ? own_timer_off : "skiff could not keep a timer");
}

void svm_watchdog_start(struct svm_vcpu *v)
{
	struct vm *vm = v->vcpu.vm;

	spin_lock(&vm->lock);
	v->vcpu.watchdog.quiet_exits = UINT64_MAX;	/* the next look starts the count */
	__atomic_store_n(&v->watch_kicked, false, __ATOMIC_SEQ_CST);
	spin_unlock(&vm->lock);
	v->watch_next_look = 0;
}

void svm_watchdog_look(struct svm_vcpu *v, uint64_t now)
{
	struct vm *vm = v->vcpu.vm;
	uint64_t period;

	if (!watching(vm) || now < v->watch_next_look)
		return;
	period = tsc_ticks_for_ms(vm->policy.watchdog_ms);
	v->watch_next_look = now + period / 4;
	spin_lock(&vm->lock);
	for (unsigned i = 0; i < vm->vcpu_count; i++) {
		struct svm_vcpu *w = to_svm_vcpu(vm->vcpus[i]);

		if (w == v)
			continue;
		if (__atomic_load_n(&w->vcpu.run_state, __ATOMIC_SEQ_CST) != VCPU_RUNNING ||
		    w->wait_sipi) {
			w->vcpu.watchdog.quiet_exits = UINT64_MAX;	/* not the guest's to spend */
			continue;
		}
		if (vm_watchdog_tick_is_hang(&w->vcpu.watchdog, now, exits_of(w), false, period) &&
		    !__atomic_load_n(&w->watch_kicked, __ATOMIC_SEQ_CST)) {
			__atomic_store_n(&w->watch_kicked, true, __ATOMIC_SEQ_CST);
			vm_kick(&w->vcpu);
		}
	}
	spin_unlock(&vm->lock);
}

void svm_watchdog_judge(struct svm_vcpu *v, uint64_t now)
{
	struct vm *vm = v->vcpu.vm;
	bool interrupts_on = v->vmcb->save.rflags & RFLAGS_IF, hang;
	char what[96];

	if (!__atomic_exchange_n(&v->watch_kicked, false, __ATOMIC_SEQ_CST))
		return;
	/* Woken from the HLT skiff let it run again (svm_exit_hlt()): asleep,
	 * not spinning, as an AP parked by HLT with interrupts off is. */
	if (v->hlt_again && v->vmcb->save.rip == v->hlt_next_rip)
		return;
	spin_lock(&vm->lock);
	/* This exit is counted already: the question is the ones before it. */
	hang = vm_watchdog_tick_is_hang(&v->vcpu.watchdog, now, exits_of(v) - 1, interrupts_on,
					tsc_ticks_for_ms(vm->policy.watchdog_ms));
	spin_unlock(&vm->lock);
	if (!hang)
		return;
	fmt_snprintf(what, sizeof(what), "no VM exit for %u ms with interrupts disabled (watchdog)",
		     vm->policy.watchdog_ms);
	svm_guest_hang(v, what);
}
