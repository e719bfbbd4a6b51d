/*
 * The watchdog on AMD-V (kernel/svm/watchdog.c): two or three vCPUs in
 * memory, time in TSC ticks of 1000 per ms, and the kick and the hang
 * stood in.  What is checked: who gets an NMI and when, and which kicked
 * exits are hangs (a whole period without exits, interrupts off).
 */
#include "support.h"

#include <stdio.h>
#include <string.h>

#include "svm/watchdog.h"
#include "vm/vm.h"
#include "x86.h"

#define TICKS_PER_MS	1000ull
#define PERIOD_MS	100u
#define PERIOD		(PERIOD_MS * TICKS_PER_MS)

uint64_t tsc_ticks_for_ms(uint64_t ms) { return ms * TICKS_PER_MS; }

static struct vcpu *kicked[4];
static unsigned kicks;
/* skiff's own timer for one vCPU (own_timer.c): off unless a test says. */
bool svm_own_interrupts;

bool vm_kick(struct vcpu *w)
{
	kicked[kicks++ % 4] = w;
	return true;
}

static jmp_buf hung;
static char hang_what[128];
void svm_guest_hang(struct svm_vcpu *v, const char *what)
{
	(void)v;
	snprintf(hang_what, sizeof(hang_what), "%s", what);
	longjmp(hung, 1);
}

static struct vm vm;
static struct vmcb vmcbs[3];
static struct svm_vcpu cpus[3];

static void fresh(unsigned n, unsigned watchdog_ms)
{
	memset(&vm, 0, sizeof(vm));
	memset(vmcbs, 0, sizeof(vmcbs));
	memset(cpus, 0, sizeof(cpus));
	vm.policy.watchdog_ms = watchdog_ms;
	vm.vcpu_count = n;
	for (unsigned i = 0; i < n; i++) {
		cpus[i].vcpu.vm = &vm;
		cpus[i].vcpu.index = i;
		cpus[i].vcpu.run_state = VCPU_RUNNING;
		cpus[i].vmcb = &vmcbs[i];
		vm.vcpus[i] = &cpus[i].vcpu;
		svm_watchdog_start(&cpus[i]);
	}
	kicks = 0;
	hang_what[0] = 0;
	log_reset();
}

/* An exit of vCPU i, counted as svm_exit_dispatch() does. */
static void exits(unsigned i, uint64_t n)
{
	cpus[i].exit_stats[0].count += n;
}

static bool judged_hang(unsigned i, uint64_t now)
{
	exits(i, 1);		/* the kick's own exit */
	if (setjmp(hung) == 0) {
		svm_watchdog_judge(&cpus[i], now);
		return false;
	}
	return true;
}

/* vCPU 1 spins with interrupts off while vCPU 0 exits: after a whole
 * period of vCPU 1 without exits, one kick, then the hang. */
static void a_spinning_vcpu_is_kicked_then_hung(void **state)
{
	uint64_t t;

	(void)state;
	fresh(2, PERIOD_MS);
	exits(1, 5);
	for (t = 0; t <= PERIOD; t += PERIOD / 8) {
		exits(0, 1);
		svm_watchdog_look(&cpus[0], t);
	}
	assert_int_equal(kicks, 1);
	assert_ptr_equal(kicked[0], &cpus[1].vcpu);
	/* Looked at every quarter period, never again for the same quiet. */
	for (; t <= 3 * PERIOD; t += PERIOD / 8)
		svm_watchdog_look(&cpus[0], t);
	assert_int_equal(kicks, 1);
	vmcbs[1].save.rflags = 0x2;		/* IF clear */
	assert_true(judged_hang(1, t));
	assert_string_equal(hang_what, "no VM exit for 100 ms with interrupts disabled (watchdog)");
	/* The vCPU that looked was never a suspect. */
	assert_false(cpus[0].watch_kicked);
}

/* A vCPU just started, with no exit yet, owes a whole period from the
 * first look, however late on the TSC's clock that comes. */
static void a_fresh_start_is_not_a_period_of_quiet(void **state)
{
	uint64_t t0 = 50 * PERIOD, t;

	(void)state;
	fresh(2, PERIOD_MS);
	for (t = t0; t < t0 + PERIOD; t += PERIOD / 4)
		svm_watchdog_look(&cpus[0], t);
	assert_int_equal(kicks, 0);
	for (; t <= t0 + PERIOD; t += PERIOD / 4)
		svm_watchdog_look(&cpus[0], t);
	assert_int_equal(kicks, 1);
	/* A restart starts it afresh: the kick it was owed is forgotten. */
	svm_watchdog_start(&cpus[1]);
	assert_false(cpus[1].watch_kicked);
}

/* With interrupts on, or with an exit in between, a kicked vCPU is not
 * hung, and the count starts again. */
static void a_kick_is_not_a_hang_with_interrupts_on_or_an_exit(void **state)
{
	uint64_t t = 0;

	(void)state;
	fresh(2, PERIOD_MS);
	for (; kicks == 0 && t < 10 * PERIOD; t += PERIOD / 4)
		svm_watchdog_look(&cpus[0], t);
	vmcbs[1].save.rflags = 0x202;		/* IF set: only computing */
	assert_false(judged_hang(1, t));
	assert_false(cpus[1].watch_kicked);

	for (; kicks == 1 && t < 20 * PERIOD; t += PERIOD / 4)
		svm_watchdog_look(&cpus[0], t);
	assert_int_equal(kicks, 2);
	exits(1, 3);				/* it exited before the NMI came */
	vmcbs[1].save.rflags = 0x2;
	assert_false(judged_hang(1, t));

	/* A vCPU that was not kicked is never judged. */
	exits(1, 0);
	assert_false(judged_hang(1, t + 10 * PERIOD));
}

/* An AP parked by cli; hlt sleeps in the guest: the kick wakes it just
 * past the HLT skiff let it run again, which is no hang. */
static void a_vcpu_asleep_in_hlt_is_not_hung(void **state)
{
	uint64_t t;

	(void)state;
	fresh(2, PERIOD_MS);
	for (t = 0; kicks == 0 && t < 10 * PERIOD; t += PERIOD / 4)
		svm_watchdog_look(&cpus[0], t);
	assert_int_equal(kicks, 1);
	cpus[1].hlt_again = true;
	cpus[1].hlt_rip = 0x1000;
	cpus[1].hlt_next_rip = 0x1001;
	vmcbs[1].save.rip = 0x1001;
	vmcbs[1].save.rflags = 0x2;
	assert_false(judged_hang(1, t));
	/* The same, woken anywhere else: it was spinning after all. */
	for (; kicks == 1 && t < 20 * PERIOD; t += PERIOD / 4)
		svm_watchdog_look(&cpus[0], t);
	assert_int_equal(kicks, 2);
	vmcbs[1].save.rip = 0x2000;
	assert_true(judged_hang(1, t));
}

/* One vCPU, or watchdog=0: no look, no kick; the boot line says which:
 * skiff's own timer watches one vCPU (own_timer.c), or says why it cannot. */
static void no_watch_with_one_vcpu_or_none_asked(void **state)
{
	(void)state;
	fresh(1, PERIOD_MS);
	svm_watchdog_describe(&vm, "the firmware left the local APIC in x2APIC mode");
	assert_log_contains("skiff: watchdog: off: AMD-V has no preemption timer, with one vCPU no "
			    "other CPU can watch it, and the firmware left the local APIC in x2APIC "
			    "mode; a guest that spins");
	assert_false(svm_watch_active);		/* the fast paths stay whole */
	log_reset();
	svm_own_interrupts = true;
	svm_watchdog_describe(&vm, NULL);
	assert_log_contains("with one vCPU skiff keeps the local APIC timer and passes the guest's "
			    "interrupts on)\n");
	assert_false(svm_watch_active);		/* its ticks are INTR exits, not looks */
	svm_own_interrupts = false;
	for (uint64_t t = 0; t < 10 * PERIOD; t += PERIOD / 4)
		svm_watchdog_look(&cpus[0], t);
	assert_int_equal(kicks, 0);

	fresh(2, 0);
	svm_watchdog_describe(&vm, NULL);
	assert_int_equal(unit_log[0], 0);
	for (uint64_t t = 0; t < 10 * PERIOD; t += PERIOD / 4)
		svm_watchdog_look(&cpus[0], t);
	assert_int_equal(kicks, 0);

	fresh(3, PERIOD_MS);
	svm_watchdog_describe(&vm, NULL);
	assert_log_contains("the 3 vCPUs watch each other, by NMI");
	assert_true(svm_watch_active);
}

/* A vCPU that is not the guest's to spend (waiting for a SIPI, held) is
 * not watched, and its quiet starts afresh when it runs again. */
static void only_running_vcpus_are_watched(void **state)
{
	uint64_t t;

	(void)state;
	fresh(3, PERIOD_MS);
	cpus[1].wait_sipi = true;
	cpus[2].vcpu.run_state = VCPU_HELD;
	for (t = 0; t < 5 * PERIOD; t += PERIOD / 4)
		svm_watchdog_look(&cpus[0], t);
	assert_int_equal(kicks, 0);
	cpus[1].wait_sipi = false;		/* started: a full period from here */
	svm_watchdog_look(&cpus[0], t);
	assert_int_equal(kicks, 0);
	for (uint64_t until = t + PERIOD; t <= until; t += PERIOD / 4)
		svm_watchdog_look(&cpus[0], t);
	assert_int_equal(kicks, 1);
	assert_ptr_equal(kicked[0], &cpus[1].vcpu);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(a_spinning_vcpu_is_kicked_then_hung),
		cmocka_unit_test(a_fresh_start_is_not_a_period_of_quiet),
		cmocka_unit_test(a_kick_is_not_a_hang_with_interrupts_on_or_an_exit),
		cmocka_unit_test(a_vcpu_asleep_in_hlt_is_not_hung),
		cmocka_unit_test(no_watch_with_one_vcpu_or_none_asked),
		cmocka_unit_test(only_running_vcpus_are_watched),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
