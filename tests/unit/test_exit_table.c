/*
 * The exit dispatch table (kernel/vmx/exit_table.c): an entry for every
 * basic exit reason the SDM defines, the right kind of entry for each, and
 * nothing in the holes.  Also the exit-information decoders of
 * kernel/vmx/exit_info.h, against values worked out from the SDM's tables.
 * The handlers themselves need VT-x; here they are stand-ins whose
 * addresses the table must hold.
 */
#include "support.h"

#include "vmx/exit_info.h"
#include "vmx/exit_reason.h"
#include "vmx/exit_table.h"

#define STUB(name) void name(struct vmx_vcpu *v) { (void)v; }
VMX_EXIT_HANDLERS(STUB)

static void every_defined_reason_has_an_entry(void **state)
{
	unsigned covered = 0;

	(void)state;
	for (unsigned r = 0; r < EXIT_REASON_COUNT; r++) {
		if (!exit_reason_defined(r))
			continue;
		if (vmx_exit_table[r].policy == EXIT_UNSET)
			fail_msg("exit reason %u (%s) has no entry", r, exit_reason_name(r));
		covered++;
	}
	assert_int_equal(covered, EXIT_REASONS_DEFINED);
	assert_int_equal(EXIT_REASONS_DEFINED, 77);	/* 0..79 minus 35, 38, 42 */
}

static void holes_have_no_entry(void **state)
{
	(void)state;
	for (unsigned r = 0; r < EXIT_REASON_COUNT; r++) {
		assert_int_equal(EXIT_REASON_IS_HOLE(r), !exit_reason_defined(r));
		if (EXIT_REASON_IS_HOLE(r))
			assert_int_equal(vmx_exit_table[r].policy, EXIT_UNSET);
	}
}

static void entries_are_well_formed(void **state)
{
	(void)state;
	for (unsigned r = 0; r < EXIT_REASON_COUNT; r++) {
		const struct exit_entry *e = &vmx_exit_table[r];

		switch (e->policy) {
		case EXIT_HANDLE:
			if (!e->fn)
				fail_msg("reason %u (%s): handler entry without a handler", r,
					 exit_reason_name(r));
			break;
		case EXIT_INJECT_UD:
		case EXIT_FATAL:
			if (e->fn || !e->why || !e->why[0])
				fail_msg("reason %u (%s): a policy entry needs a reason and no handler",
					 r, exit_reason_name(r));
			break;
		case EXIT_UNSET:
			assert_null(e->fn);
			break;
		}
	}
}

static void vmx_instructions_raise_ud(void **state)
{
	static const unsigned vmx_insns[] = {
		EXIT_REASON_VMCLEAR, EXIT_REASON_VMLAUNCH, EXIT_REASON_VMPTRLD,
		EXIT_REASON_VMPTRST, EXIT_REASON_VMREAD, EXIT_REASON_VMRESUME,
		EXIT_REASON_VMWRITE, EXIT_REASON_VMXOFF, EXIT_REASON_VMXON,
		EXIT_REASON_INVEPT, EXIT_REASON_INVVPID, EXIT_REASON_VMFUNC,
	};

	(void)state;
	for (size_t i = 0; i < sizeof(vmx_insns) / sizeof(vmx_insns[0]); i++)
		if (vmx_exit_table[vmx_insns[i]].policy != EXIT_INJECT_UD)
			fail_msg("%s must inject #UD", exit_reason_name(vmx_insns[i]));
	/* VMCALL is the hypercall, not a VMX instruction to refuse. */
	assert_ptr_equal(vmx_exit_table[EXIT_REASON_VMCALL].fn, vmx_exit_vmcall);
}

static void handled_reasons_go_to_their_handlers(void **state)
{
	static const struct {
		unsigned reason;
		vmx_exit_fn fn;
	} want[] = {
		{ EXIT_REASON_EXCEPTION_NMI, vmx_exit_exception },
		{ EXIT_REASON_EXTERNAL_INTERRUPT, vmx_exit_external_interrupt },
		{ EXIT_REASON_TRIPLE_FAULT, vmx_exit_triple_fault },
		{ EXIT_REASON_INIT, vmx_exit_init },
		{ EXIT_REASON_SIPI, vmx_exit_sipi },
		{ EXIT_REASON_CPUID, vmx_exit_cpuid },
		{ EXIT_REASON_HLT, vmx_exit_hlt },
		{ EXIT_REASON_INVD, vmx_exit_invd },
		{ EXIT_REASON_CR_ACCESS, vmx_exit_cr_access },
		{ EXIT_REASON_IO_INSTRUCTION, vmx_exit_io },
		{ EXIT_REASON_RDMSR, vmx_exit_rdmsr },
		{ EXIT_REASON_WRMSR, vmx_exit_wrmsr },
		{ EXIT_REASON_INVALID_GUEST_STATE, vmx_exit_entry_failure },
		{ EXIT_REASON_MSR_LOADING, vmx_exit_entry_failure },
		{ EXIT_REASON_MACHINE_CHECK_DURING_ENTRY, vmx_exit_entry_failure },
		{ EXIT_REASON_EPT_VIOLATION, vmx_exit_ept_violation },
		{ EXIT_REASON_EPT_MISCONFIG, vmx_exit_ept_misconfig },
		{ EXIT_REASON_WBINVD, vmx_exit_wbinvd },
		{ EXIT_REASON_XSETBV, vmx_exit_xsetbv },
		{ EXIT_REASON_PREEMPTION_TIMER, vmx_exit_preemption_timer },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		const struct exit_entry *e = &vmx_exit_table[want[i].reason];

		if (e->policy != EXIT_HANDLE || e->fn != want[i].fn)
			fail_msg("%s is not dispatched to its handler", exit_reason_name(want[i].reason));
	}
}

/* Exits skiff's controls never enable are fatal, not silently ignored. */
static void never_enabled_exits_are_fatal(void **state)
{
	static const unsigned never[] = {
		EXIT_REASON_RDTSC, EXIT_REASON_INVLPG, EXIT_REASON_DR_ACCESS,
		EXIT_REASON_MONITOR_TRAP_FLAG,
		EXIT_REASON_APIC_ACCESS, EXIT_REASON_TASK_SWITCH,
	};

	(void)state;
	for (size_t i = 0; i < sizeof(never) / sizeof(never[0]); i++)
		if (vmx_exit_table[never[i]].policy != EXIT_FATAL)
			fail_msg("%s should be fatal", exit_reason_name(never[i]));
}

/* ---- exit_info.h ---- */

static void cr_access_qualification(void **state)
{
	/* MOV CR4, RBX: CR 4, type 0, register 3 (SDM table 28-3). */
	struct cr_access a = cr_access_decode(0x304);

	(void)state;
	assert_int_equal(a.cr, 4);
	assert_int_equal(a.type, CR_ACCESS_MOV_TO_CR);
	assert_int_equal(a.reg, 3);
	/* MOV RAX, CR3 */
	a = cr_access_decode(0x013);
	assert_int_equal(a.cr, 3);
	assert_int_equal(a.type, CR_ACCESS_MOV_FROM_CR);
	assert_int_equal(a.reg, 0);
	/* LMSW with source 0x000f */
	a = cr_access_decode(0x000f0030);
	assert_int_equal(a.type, CR_ACCESS_LMSW);
	assert_int_equal(a.lmsw_source, 0xf);
	/* R15 is register 15 */
	assert_int_equal(cr_access_decode(0xf00).reg, 15);
}

static void io_qualification(void **state)
{
	/* OUT DX, AL to 0x3f8: size 0 (1 byte), out, DX operand. */
	struct io_access io = io_access_decode(0x03f80000);

	(void)state;
	assert_int_equal(io.port, 0x3f8);
	assert_int_equal(io.size, 1);
	assert_false(io.in);
	assert_false(io.string);
	/* IN EAX, 0xf4 (immediate): size 3 -> 4 bytes, bit 3 in, bit 6 imm. */
	io = io_access_decode(0x00f40000 | 0x40 | 0x8 | 0x3);
	assert_int_equal(io.port, 0xf4);
	assert_int_equal(io.size, 4);
	assert_true(io.in);
	/* REP OUTSB */
	io = io_access_decode(0x03f80000 | 0x30);
	assert_true(io.string);
	assert_true(io.rep);
	/* port 0x8900: the top bits are the port, not sign */
	assert_int_equal(io_access_decode(0x89000001ull).port, 0x8900);
	assert_int_equal(io_access_decode(0x89000001ull).size, 2);
}

static void interruption_info(void **state)
{
	(void)state;
	/* #GP(0): vector 13, hardware exception, error code, valid */
	assert_int_equal(intr_info_make(13, INTR_TYPE_HW_EXCEPTION, true), 0x80000b0d);
	/* #UD: no error code */
	assert_int_equal(intr_info_make(6, INTR_TYPE_HW_EXCEPTION, false), 0x80000306);
	/* NMI */
	assert_int_equal(intr_info_make(2, INTR_TYPE_NMI, false), 0x80000202);
	assert_int_equal(intr_info_type(0x80000506), INTR_TYPE_PRIV_SW_EXCEPTION);
	assert_int_equal(intr_info_vector(0x80000b0d), 13);
	assert_true(intr_type_has_length(INTR_TYPE_PRIV_SW_EXCEPTION));
	assert_true(intr_type_has_length(INTR_TYPE_SW_EXCEPTION));
	assert_false(intr_type_has_length(INTR_TYPE_HW_EXCEPTION));
	assert_true(exception_has_error_code(17));	/* #AC */
	assert_true(exception_has_error_code(8));	/* #DF */
	assert_false(exception_has_error_code(1));	/* #DB */
	assert_false(exception_has_error_code(6));	/* #UD */
}

static void ept_violation_access_kind(void **state)
{
	(void)state;
	assert_string_equal(ept_violation_access(EPT_VIOL_WRITE | EPT_VIOL_LINEAR_VALID), "write");
	assert_string_equal(ept_violation_access(EPT_VIOL_READ), "read");
	assert_string_equal(ept_violation_access(EPT_VIOL_FETCH | EPT_VIOL_READ),
			    "instruction fetch");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(every_defined_reason_has_an_entry),
		cmocka_unit_test(holes_have_no_entry),
		cmocka_unit_test(entries_are_well_formed),
		cmocka_unit_test(vmx_instructions_raise_ud),
		cmocka_unit_test(handled_reasons_go_to_their_handlers),
		cmocka_unit_test(never_enabled_exits_are_fatal),
		cmocka_unit_test(cr_access_qualification),
		cmocka_unit_test(io_qualification),
		cmocka_unit_test(interruption_info),
		cmocka_unit_test(ept_violation_access_kind),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
