/* The guest's own MTRRs (vm/mtrr_view.h): read and written as a CPU of its
 * own would, checked as the CPU checks WRMSR (SDM Vol. 3A 12.11). */
#include "support.h"

#include <string.h>

#include "mm/mtrr.h"
#include "vm/mtrr_view.h"

#define WIDTH		39
#define MiB		(1ull << 20)
#define PHYSBASE(n)	(0x200u + 2 * (n))
#define PHYSMASK(n)	(0x201u + 2 * (n))
#define FIX64K_00000	0x250u
#define FIX16K_A0000	0x259u
#define FIX4K_F8000	0x26fu
#define WB_ALL		0x0606060606060606ull

/* A machine like Bochs's: 8 variable ranges, fixed ranges, WC, SMRR; the
 * firmware's RAM below 2 GiB write-back, the rest UC by default. */
static void cpu_regs(struct mtrr_regs *r)
{
	memset(r, 0, sizeof(*r));
	r->present = true;
	r->phys_addr_width = WIDTH;
	r->cap = MTRRCAP_SMRR | MTRRCAP_WC | MTRRCAP_FIX | 8;
	r->def_type = MTRR_DEF_TYPE_E | MTRR_DEF_TYPE_FE | MTRR_TYPE_UC;
	for (unsigned i = 0; i < MTRR_FIXED_MSRS; i++)
		r->fixed[i] = WB_ALL;
	r->base[0] = MTRR_TYPE_WB;
	r->mask[0] = (((1ull << WIDTH) - 1) & ~(2048 * MiB - 1)) | MTRR_PHYSMASK_VALID;
}

static void test_view_starts_as_the_cpu_without_smrr(void **state)
{
	struct mtrr_regs cpu, view;
	uint64_t v;

	(void)state;
	cpu_regs(&cpu);
	vm_mtrr_view_init(&view, &cpu);
	assert_int_equal(vm_mtrr_read(&view, VM_MSR_MTRRCAP, &v), 0);
	assert_int_equal(v, MTRRCAP_WC | MTRRCAP_FIX | 8);
	assert_int_equal(vm_mtrr_read(&view, VM_MSR_MTRR_DEF_TYPE, &v), 0);
	assert_int_equal(v, cpu.def_type);
	assert_int_equal(vm_mtrr_read(&view, PHYSMASK(0), &v), 0);
	assert_int_equal(v, cpu.mask[0]);
	assert_int_equal(vm_mtrr_read(&view, FIX4K_F8000, &v), 0);
	assert_int_equal(v, WB_ALL);
	/* Beyond VCNT, and the holes between the fixed-range MSRs. */
	assert_int_equal(vm_mtrr_read(&view, PHYSBASE(8), &v), -1);
	assert_int_equal(vm_mtrr_read(&view, 0x251, &v), -1);
	assert_int_equal(vm_mtrr_read(&view, 0x25a, &v), -1);
	assert_false(vm_mtrr_view_equal(&view, &cpu));
}

static void test_writes_change_the_view_and_say_when_types_change(void **state)
{
	struct mtrr_regs cpu, view, boot;
	uint64_t v;

	(void)state;
	cpu_regs(&cpu);
	vm_mtrr_view_init(&view, &cpu);
	boot = view;
	assert_int_equal(vm_mtrr_write(&view, PHYSBASE(1), 0x10000000 | MTRR_TYPE_WC), VM_MTRR_RETYPE);
	assert_int_equal(vm_mtrr_write(&view, PHYSBASE(1), 0x10000000 | MTRR_TYPE_WC), VM_MTRR_SAME);
	assert_int_equal(vm_mtrr_read(&view, PHYSBASE(1), &v), 0);
	assert_int_equal(v, 0x10000000 | MTRR_TYPE_WC);
	assert_false(vm_mtrr_view_equal(&view, &boot));
	assert_int_equal(vm_mtrr_write(&view, PHYSBASE(1), 0), VM_MTRR_RETYPE);
	assert_true(vm_mtrr_view_equal(&view, &boot));
	/* Turning the MTRRs off: everything UC for the guest. */
	assert_int_equal(vm_mtrr_write(&view, VM_MSR_MTRR_DEF_TYPE, MTRR_TYPE_UC), VM_MTRR_RETYPE);
	assert_int_equal(vm_mtrr_write(&view, FIX16K_A0000, 0x0101010101010101ull), VM_MTRR_RETYPE);
}

static void test_writes_the_cpu_would_refuse(void **state)
{
	struct mtrr_regs cpu, view, before;

	(void)state;
	cpu_regs(&cpu);
	vm_mtrr_view_init(&view, &cpu);
	before = view;
	assert_int_equal(vm_mtrr_write(&view, VM_MSR_MTRRCAP, 0), VM_MTRR_GP);	/* read-only */
	assert_int_equal(vm_mtrr_write(&view, VM_MSR_MTRR_DEF_TYPE, 2), VM_MTRR_GP);	/* type 2 */
	assert_int_equal(vm_mtrr_write(&view, VM_MSR_MTRR_DEF_TYPE, 1ull << 9), VM_MTRR_GP);
	assert_int_equal(vm_mtrr_write(&view, VM_MSR_MTRR_DEF_TYPE, 0x100 | MTRR_TYPE_WB), VM_MTRR_GP);
	assert_int_equal(vm_mtrr_write(&view, FIX64K_00000, WB_ALL ^ (4ull << 40)), VM_MTRR_GP);	/* type 2 */
	assert_int_equal(vm_mtrr_write(&view, PHYSBASE(2), 0x1000 | 7), VM_MTRR_GP);	/* type 7 */
	assert_int_equal(vm_mtrr_write(&view, PHYSBASE(2), 0x100 | MTRR_TYPE_WB), VM_MTRR_GP);
	assert_int_equal(vm_mtrr_write(&view, PHYSBASE(2), (1ull << WIDTH) | MTRR_TYPE_WB), VM_MTRR_GP);
	assert_int_equal(vm_mtrr_write(&view, PHYSMASK(2), 0x400), VM_MTRR_GP);
	assert_int_equal(vm_mtrr_write(&view, PHYSMASK(2), 1ull << WIDTH), VM_MTRR_GP);
	assert_int_equal(vm_mtrr_write(&view, PHYSBASE(8), 0), VM_MTRR_GP);	/* beyond VCNT */
	assert_int_equal(vm_mtrr_write(&view, 0x1f2, 0), VM_MTRR_GP);		/* SMRR */
	assert_true(vm_mtrr_view_equal(&view, &before));
	/* WC only where IA32_MTRRCAP.WC says; fixed ranges only with .FIX. */
	view.cap &= ~(MTRRCAP_WC | MTRRCAP_FIX);
	assert_int_equal(vm_mtrr_write(&view, PHYSBASE(2), MTRR_TYPE_WC), VM_MTRR_GP);
	assert_int_equal(vm_mtrr_write(&view, FIX64K_00000, WB_ALL), VM_MTRR_GP);
}

static void test_a_cpu_without_mtrrs_has_none(void **state)
{
	struct mtrr_regs cpu = { .phys_addr_width = WIDTH }, view;
	uint64_t v;

	(void)state;
	vm_mtrr_view_init(&view, &cpu);
	assert_int_equal(vm_mtrr_read(&view, VM_MSR_MTRRCAP, &v), -1);
	assert_int_equal(vm_mtrr_write(&view, VM_MSR_MTRR_DEF_TYPE, MTRR_TYPE_WB), VM_MTRR_GP);
}

/* The view types memory through mtrr_state_from_regs(), as the EPT uses it. */
static void test_view_types_memory(void **state)
{
	struct mtrr_regs cpu, view;
	struct mtrr_state s;

	(void)state;
	cpu_regs(&cpu);
	vm_mtrr_view_init(&view, &cpu);
	mtrr_state_from_regs(&s, &view);
	assert_int_equal(mtrr_type_of_range(&s, 16 * MiB, 2 * MiB), MTRR_TYPE_WB);
	/* WT over WB is WT (12.11.4.1) */
	assert_int_equal(vm_mtrr_write(&view, PHYSBASE(1), 16 * MiB | MTRR_TYPE_WT), VM_MTRR_RETYPE);
	assert_int_equal(vm_mtrr_write(&view, PHYSMASK(1),
				       (((1ull << WIDTH) - 1) & ~(2 * MiB - 1)) | MTRR_PHYSMASK_VALID),
			 VM_MTRR_RETYPE);
	mtrr_state_from_regs(&s, &view);
	assert_int_equal(mtrr_type_of_range(&s, 16 * MiB, 2 * MiB), MTRR_TYPE_WT);
	assert_int_equal(mtrr_type_of_range(&s, 18 * MiB, 2 * MiB), MTRR_TYPE_WB);
	assert_int_equal(vm_mtrr_write(&view, VM_MSR_MTRR_DEF_TYPE, MTRR_TYPE_WB), VM_MTRR_RETYPE);
	mtrr_state_from_regs(&s, &view);
	assert_int_equal(mtrr_type_of_range(&s, 18 * MiB, 2 * MiB), MTRR_TYPE_UC);	/* E clear */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_view_starts_as_the_cpu_without_smrr),
		cmocka_unit_test(test_writes_change_the_view_and_say_when_types_change),
		cmocka_unit_test(test_writes_the_cpu_would_refuse),
		cmocka_unit_test(test_a_cpu_without_mtrrs_has_none),
		cmocka_unit_test(test_view_types_memory),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
