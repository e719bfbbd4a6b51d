#include "support.h"

#include <string.h>

#include "drivers/lapic.h"
#include "vm/ipi.h"
#include "vm/vm.h"

/*
 * The guest's INIT and SIPI as skiff delivers them (vm/ipi.h,
 * vm_guest_icr_write()): where the backend has no wait-for-SIPI state
 * (AMD-V, sipi_by_skiff), a SIPI reaches only an AP's vCPU that waits for
 * one, once; elsewhere it goes to the real ICR.  No physical IPI is sent
 * by these paths but skiff's NMI kick for an INIT to a running vCPU.
 */

/* ---- stand-ins ---- */
static unsigned nmis_sent;
bool lapic_send_ipi(uint32_t dest, uint32_t icr_low)
{
	(void)dest; (void)icr_low;
	nmis_sent++;
	return true;
}
uint64_t tsc_ticks_for_ms(uint64_t ms) { return ms; }
void vm_run(struct vcpu *v) { (void)v; fail_msg("vm_run"); for (;;) ; }
void vm_mmio_store(uint64_t pa, unsigned size, uint64_t value) { (void)pa; (void)size; (void)value; }
static unsigned refused;
void vm_refused(struct vcpu *v, const char *what, uint64_t value, const char *why)
{
	(void)v; (void)what; (void)value; (void)why;
	refused++;
}

static __attribute__((noreturn)) void no_start(struct vcpu *v) { (void)v; for (;;) ; }
static void no_stats(const struct vm *vm) { (void)vm; }
static const struct vm_arch svm_like = { .start = no_start, .print_exit_stats = no_stats,
					 .sipi_by_skiff = true };
static const struct vm_arch vmx_like = { .start = no_start, .print_exit_stats = no_stats };

static struct vm vm;
static struct vcpu cpu[3];

/* The BSP (APIC ID 0) running, APs 1 and 2 waiting for a SIPI. */
static void setup_vm(const struct vm_arch *arch)
{
	memset(&vm, 0, sizeof(vm));
	memset(cpu, 0, sizeof(cpu));
	vm.arch = arch;
	for (unsigned i = 0; i < 3; i++) {
		cpu[i] = (struct vcpu){ .vm = &vm, .index = i, .apic_id = i,
					.run_state = i ? VCPU_WAIT_SIPI : VCPU_RUNNING };
		vm.vcpus[i] = &cpu[i];
	}
	vm.vcpu_count = 3;
	nmis_sent = refused = 0;
}

#define STARTUP(dest, v)	((uint64_t)(dest) << 32 | ICR_MODE_STARTUP << ICR_MODE_SHIFT | ICR_ASSERT | (v))
#define INIT(dest)		((uint64_t)(dest) << 32 | ICR_MODE_INIT << ICR_MODE_SHIFT | ICR_ASSERT)

static void test_sipi_starts_only_the_waiting_ap_named(void **state)
{
	uint8_t vector = 0;

	(void)state;
	setup_vm(&svm_like);
	assert_int_equal(vm_guest_icr_write(&cpu[0], STARTUP(1, 0x08)), VM_IPI_DONE);
	assert_true(vm_take_sipi(&cpu[1], &vector));
	assert_int_equal(vector, 0x08);
	assert_false(vm_take_sipi(&cpu[1], &vector));	/* taken once */
	assert_false(vm_take_sipi(&cpu[2], &vector));	/* not named */
	assert_int_equal(nmis_sent, 0);
}

static void test_second_sipi_does_not_replace_the_first(void **state)
{
	uint8_t vector = 0;

	(void)state;
	setup_vm(&svm_like);
	vm_guest_icr_write(&cpu[0], STARTUP(2, 0x08));
	vm_guest_icr_write(&cpu[0], STARTUP(2, 0x09));
	assert_true(vm_take_sipi(&cpu[2], &vector));
	assert_int_equal(vector, 0x08);
}

static void test_running_cpus_and_the_sender_drop_a_sipi(void **state)
{
	uint8_t vector;

	(void)state;
	setup_vm(&svm_like);
	cpu[1].run_state = VCPU_RUNNING;
	/* To every CPU, the sender included (shorthand "all including self"). */
	assert_int_equal(vm_guest_icr_write(&cpu[2], STARTUP(0, 0x08) | 2u << ICR_SHORTHAND_SHIFT),
			 VM_IPI_DONE);
	assert_false(vm_take_sipi(&cpu[0], &vector));
	assert_false(vm_take_sipi(&cpu[1], &vector));
	assert_false(vm_take_sipi(&cpu[2], &vector));
}

static void test_sipi_to_a_cpu_not_the_guests_reaches_nothing(void **state)
{
	uint8_t vector;

	(void)state;
	setup_vm(&svm_like);
	assert_int_equal(vm_guest_icr_write(&cpu[0], STARTUP(7, 0x08)), VM_IPI_DONE);
	for (unsigned i = 0; i < 3; i++)
		assert_false(vm_take_sipi(&cpu[i], &vector));
	assert_int_equal(nmis_sent, 0);
}

static void test_vmx_sends_the_sipi_to_the_hardware(void **state)
{
	uint8_t vector;

	(void)state;
	setup_vm(&vmx_like);
	assert_int_equal(vm_guest_icr_write(&cpu[0], STARTUP(1, 0x08)), VM_IPI_PASS);
	assert_false(vm_take_sipi(&cpu[1], &vector));
}

static void test_init_parks_and_forgets_an_earlier_sipi(void **state)
{
	uint8_t vector;

	(void)state;
	setup_vm(&svm_like);
	vm_guest_icr_write(&cpu[0], STARTUP(1, 0x08));
	cpu[1].run_state = VCPU_RUNNING;	/* it took its SIPI and runs */
	assert_int_equal(vm_guest_icr_write(&cpu[0], INIT(1)), VM_IPI_DONE);
	assert_int_equal(nmis_sent, 1);		/* the kick that takes it out */
	assert_true(vm_init_taken(&cpu[1]));
	vm_vcpu_parked(&cpu[1]);
	assert_false(vm_take_sipi(&cpu[1], &vector));
	assert_int_equal(vm_guest_icr_write(&cpu[1], INIT(0)), VM_IPI_INIT_BSP);
	assert_int_equal(vm_guest_icr_write(&cpu[0], INIT(0)), VM_IPI_INIT_BSP);
}

static void test_logical_xapic_init_or_sipi_is_refused_on_svm(void **state)
{
	(void)state;
	setup_vm(&svm_like);
	/* ICR_HIGH: logical destination 0x02; ICR_LOW: SIPI, logical. */
	vm_xapic_write(&cpu[0], 0xfee00000 + XAPIC_ICR_HIGH, 4, 0x02000000);
	assert_int_equal(vm_xapic_write(&cpu[0], 0xfee00000 + XAPIC_ICR_LOW, 4,
					ICR_MODE_STARTUP << ICR_MODE_SHIFT | ICR_ASSERT | ICR_LOGICAL | 8),
			 VM_IPI_DONE);
	assert_int_equal(refused, 1);
	setup_vm(&vmx_like);
	vm_xapic_write(&cpu[0], 0xfee00000 + XAPIC_ICR_LOW, 4,
		       ICR_MODE_STARTUP << ICR_MODE_SHIFT | ICR_ASSERT | ICR_LOGICAL | 8);
	assert_int_equal(refused, 0);		/* passed to the hardware as written */
}

static void test_restart_drops_the_old_guests_sipis(void **state)
{
	uint8_t vector;

	(void)state;
	setup_vm(&svm_like);
	vm_guest_icr_write(&cpu[0], STARTUP(1, 0x08));
	vm_fate_release(&vm);
	assert_false(vm_take_sipi(&cpu[1], &vector));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sipi_starts_only_the_waiting_ap_named),
		cmocka_unit_test(test_second_sipi_does_not_replace_the_first),
		cmocka_unit_test(test_running_cpus_and_the_sender_drop_a_sipi),
		cmocka_unit_test(test_sipi_to_a_cpu_not_the_guests_reaches_nothing),
		cmocka_unit_test(test_vmx_sends_the_sipi_to_the_hardware),
		cmocka_unit_test(test_init_parks_and_forgets_an_earlier_sipi),
		cmocka_unit_test(test_logical_xapic_init_or_sipi_is_refused_on_svm),
		cmocka_unit_test(test_restart_drops_the_old_guests_sipis),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
