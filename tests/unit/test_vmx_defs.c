/*
 * The VT-x definitions that need no VT-x hardware: VMCS field encodings
 * and accessors (SDM Vol. 3D appendix B), exit reasons (appendix C),
 * VM-instruction errors (Vol. 3C 31.4) and the capability MSR decoding
 * (appendix A).  Capability values are those Bochs 2.7 reports for its
 * corei7_skylake_x model (docs/emulators.md) or common on real CPUs.
 */
#include "support.h"

#include <string.h>

#include "lib/errno.h"
#include "vmcs_fake.h"
#include "vmx/caps.h"
#include "vmx/exit_reason.h"
#include "vmx/diag/vm_error.h"
#include "vmx/vmcs.h"
#include "vmx/vmx_insn.h"
#include "x86.h"

#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))

/* Every field of appendix B, counted by hand from its tables. */
#define APPENDIX_B_FIELDS	181

/* Bochs corei7_skylake_x */
#define BOCHS_VMX_BASIC		0x00d810000000002bull
#define BOCHS_PROCBASED_CTLS2	(0x02177fffull << 32)

/* Typical of real Intel CPUs: the plain MSR reports the default1 controls
 * as must-be-1; the TRUE one lets CR3-load/store exiting (bits 15, 16) be 0. */
#define PINBASED_CTLS		0x0000007f00000016ull
#define PROCBASED_CTLS		0xfff9fffe0401e172ull
#define TRUE_PROCBASED_CTLS	0xfff9fffe04006172ull
#define EXIT_CTLS		0x01ffffff00036dffull
#define ENTRY_CTLS		0x0003ffff000011ffull
#define CR0_FIXED0		0x80000021ull	/* PG, NE, PE */
#define CR0_FIXED1		0xffffffffull
#define CR4_FIXED0		0x00002000ull	/* VMXE */
#define CR4_FIXED1		0x003727ffull

/* ---- VMCS field encodings ---- */

static void test_every_field_sits_in_its_width_group(void **state)
{
	size_t g, i, total = 0;

	(void)state;
	assert_int_equal(vmcs_field_group_count, 15);
	for (g = 0; g < vmcs_field_group_count; g++) {
		const struct vmcs_field_group *grp = &vmcs_field_groups[g];

		assert_true(grp->count > 0);
		for (i = 0; i < grp->count; i++) {
			uint32_t enc = grp->fields[i].enc;

			if (VMCS_ENC_WIDTH(enc) != grp->width || VMCS_ENC_KIND(enc) != grp->kind)
				fail_msg("%s (0x%04x) is not in group %s", grp->fields[i].name,
					 enc, grp->title);
			assert_false(VMCS_ENC_IS_HIGH(enc));
			assert_int_equal(enc & VMCS_ENC_RESERVED, 0);
			assert_true(vmcs_encoding_valid(enc));
		}
		total += grp->count;
	}
	assert_int_equal(total, APPENDIX_B_FIELDS);
}

static void test_no_two_fields_share_an_encoding(void **state)
{
	static bool seen[1u << 15];
	size_t g, i;

	(void)state;
	memset(seen, 0, sizeof(seen));
	for (g = 0; g < vmcs_field_group_count; g++)
		for (i = 0; i < vmcs_field_groups[g].count; i++) {
			const struct vmcs_field_info *f = &vmcs_field_groups[g].fields[i];

			if (seen[f->enc])
				fail_msg("%s repeats encoding 0x%04x", f->name, f->enc);
			seen[f->enc] = true;
			assert_ptr_equal(vmcs_field_find(f->enc), f);
		}
}

/* The typed constant's type, not just the list it came from, agrees with
 * the width its encoding carries: a wrong-width accessor cannot compile. */
struct typed_field {
	const char *name;
	uint32_t enc;
	enum vmcs_width declared;
};

#define TYPED(name, listed)	{ #name, name.enc, vmcs_field_width(name) },

static void test_typed_constants_carry_their_encoding_width(void **state)
{
	const struct typed_field fields[] = {
		VMCS_CONTROL_FIELDS16(TYPED) VMCS_GUEST_FIELDS16(TYPED) VMCS_HOST_FIELDS16(TYPED)
		VMCS_CONTROL_FIELDS64(TYPED) VMCS_READ_ONLY_FIELDS64(TYPED)
		VMCS_GUEST_FIELDS64(TYPED) VMCS_HOST_FIELDS64(TYPED)
		VMCS_CONTROL_FIELDS32(TYPED) VMCS_READ_ONLY_FIELDS32(TYPED)
		VMCS_GUEST_FIELDS32(TYPED) VMCS_HOST_FIELDS32(TYPED)
		VMCS_CONTROL_FIELDS_NATURAL(TYPED) VMCS_READ_ONLY_FIELDS_NATURAL(TYPED)
		VMCS_GUEST_FIELDS_NATURAL(TYPED) VMCS_HOST_FIELDS_NATURAL(TYPED)
	};
	size_t i;

	(void)state;
	assert_int_equal(ARRAY_SIZE(fields), APPENDIX_B_FIELDS);
	for (i = 0; i < ARRAY_SIZE(fields); i++)
		if (VMCS_ENC_WIDTH(fields[i].enc) != fields[i].declared)
			fail_msg("%s: type says width %d, encoding 0x%04x says %u",
				 fields[i].name, fields[i].declared, fields[i].enc,
				 VMCS_ENC_WIDTH(fields[i].enc));
}

static void test_well_known_encodings(void **state)
{
	(void)state;
	assert_int_equal(VIRTUAL_PROCESSOR_ID.enc, 0x0000);
	assert_int_equal(GUEST_ES_SELECTOR.enc, 0x0800);
	assert_int_equal(HOST_TR_SELECTOR.enc, 0x0c0c);
	assert_int_equal(IO_BITMAP_A.enc, 0x2000);
	assert_int_equal(MSR_BITMAP.enc, 0x2004);
	assert_int_equal(EPT_POINTER.enc, 0x201a);
	assert_int_equal(VMCS_LINK_POINTER.enc, 0x2800);
	assert_int_equal(GUEST_IA32_EFER.enc, 0x2806);
	assert_int_equal(PIN_BASED_VM_EXEC_CONTROL.enc, 0x4000);
	assert_int_equal(CPU_BASED_VM_EXEC_CONTROL.enc, 0x4002);
	assert_int_equal(EXCEPTION_BITMAP.enc, 0x4004);
	assert_int_equal(VM_EXIT_CONTROLS.enc, 0x400c);
	assert_int_equal(VM_ENTRY_CONTROLS.enc, 0x4012);
	assert_int_equal(SECONDARY_VM_EXEC_CONTROL.enc, 0x401e);
	assert_int_equal(VM_INSTRUCTION_ERROR.enc, 0x4400);
	assert_int_equal(VM_EXIT_REASON.enc, 0x4402);
	assert_int_equal(VM_EXIT_INTR_INFO.enc, 0x4404);
	assert_int_equal(VM_EXIT_INSTRUCTION_LEN.enc, 0x440c);
	assert_int_equal(VMX_PREEMPTION_TIMER_VALUE.enc, 0x482e);
	assert_int_equal(CR0_GUEST_HOST_MASK.enc, 0x6000);
	assert_int_equal(CR0_READ_SHADOW.enc, 0x6004);
	assert_int_equal(EXIT_QUALIFICATION.enc, 0x6400);
	assert_int_equal(GUEST_LINEAR_ADDRESS.enc, 0x640a);
	assert_int_equal(GUEST_PHYSICAL_ADDRESS.enc, 0x2400);
	assert_int_equal(GUEST_CR0.enc, 0x6800);
	assert_int_equal(GUEST_RIP.enc, 0x681e);
	assert_int_equal(HOST_RIP.enc, 0x6c16);
	assert_int_equal(vmcs_field64_high(VMCS_LINK_POINTER).enc, 0x2801);
}

static void test_field_names_and_malformed_encodings(void **state)
{
	(void)state;
	assert_string_equal(vmcs_field_name(0x681e), "GUEST_RIP");
	assert_string_equal(vmcs_field_name(0x4402), "VM_EXIT_REASON");
	/* The high half of a 64-bit field names the field. */
	assert_string_equal(vmcs_field_name(0x2801), "VMCS_LINK_POINTER");
	/* Well formed but not in appendix B. */
	assert_true(vmcs_encoding_valid(0x482c));
	assert_string_equal(vmcs_field_name(0x482c), "unknown");
	/* High access on a field that is not 64-bit; reserved bits 12 and 15. */
	assert_false(vmcs_encoding_valid(0x681f));
	assert_false(vmcs_encoding_valid(0x4403));
	assert_false(vmcs_encoding_valid(0x1000));
	assert_false(vmcs_encoding_valid(0x8000));
	assert_string_equal(vmcs_field_name(0x681f), "unknown");
	assert_null(vmcs_field_find(0xffffffff));
}

/* ---- accessors against the in-memory VMCS ---- */

static void test_accessors_round_trip_through_one_indirection(void **state)
{
	(void)state;
	vmcs_fake_reset();
	vmcs_write16(GUEST_CS_SELECTOR, 0x0010);
	vmcs_write32(GUEST_CS_LIMIT, 0xffffffff);
	vmcs_write64(EPT_POINTER, 0x000000012345601eull);
	vmcs_write_natural(GUEST_RIP, 0xffffffff80100000ull);
	assert_int_equal(vmcs_fake_writes, 4);

	assert_int_equal(vmcs_read16(GUEST_CS_SELECTOR), 0x0010);
	assert_int_equal(vmcs_read32(GUEST_CS_LIMIT), 0xffffffff);
	assert_int_equal(vmcs_read64(EPT_POINTER), 0x000000012345601eull);
	assert_int_equal(vmcs_read_natural(GUEST_RIP), 0xffffffff80100000ull);
	assert_int_equal(vmcs_fake_reads, 4);
	/* Different fields with the same index do not alias. */
	assert_int_equal(vmcs_read16(HOST_CS_SELECTOR), 0);
}

static void test_fake_keeps_vmwrite_truncation_and_high_access(void **state)
{
	(void)state;
	vmcs_fake_reset();
	/* VMWRITE ignores the source bits beyond the field's width. */
	vmcs_raw_write(GUEST_ES_SELECTOR.enc, 0xabcd1234ull);
	assert_int_equal(vmcs_raw_read(GUEST_ES_SELECTOR.enc), 0x1234);
	vmcs_raw_write(GUEST_ES_LIMIT.enc, 0x1122334455667788ull);
	assert_int_equal(vmcs_raw_read(GUEST_ES_LIMIT.enc), 0x55667788);

	vmcs_write64(VMCS_LINK_POINTER, ~0ull);
	assert_int_equal(vmcs_read32(vmcs_field64_high(VMCS_LINK_POINTER)), 0xffffffff);
	vmcs_write32(vmcs_field64_high(VMCS_LINK_POINTER), 0x12);
	assert_int_equal(vmcs_read64(VMCS_LINK_POINTER), 0x00000012ffffffffull);
}

static void test_vmx_status_from_flags(void **state)
{
	(void)state;
	assert_int_equal(vmx_status_from_flags(false, false), VMX_SUCCEED);
	assert_int_equal(vmx_status_from_flags(true, false), VMX_FAIL_INVALID);
	assert_int_equal(vmx_status_from_flags(false, true), VMX_FAIL_VALID);
}

/* ---- exit reasons ---- */

static void test_exit_reason_names(void **state)
{
	(void)state;
	assert_int_equal(EXIT_REASON_EXCEPTION_NMI, 0);
	assert_int_equal(EXIT_REASON_CPUID, 10);
	assert_int_equal(EXIT_REASON_VMCALL, 18);
	assert_int_equal(EXIT_REASON_EPT_VIOLATION, 48);
	assert_int_equal(EXIT_REASON_XSETBV, 55);
	assert_string_equal(exit_reason_name(0), "exception or NMI");
	assert_string_equal(exit_reason_name(1), "external interrupt");
	assert_string_equal(exit_reason_name(2), "triple fault");
	assert_string_equal(exit_reason_name(10), "CPUID");
	assert_string_equal(exit_reason_name(18), "VMCALL");
	assert_string_equal(exit_reason_name(30), "I/O instruction");
	assert_string_equal(exit_reason_name(48), "EPT violation");
	assert_string_equal(exit_reason_name(49), "EPT misconfiguration");
	assert_string_equal(exit_reason_name(55), "XSETBV");
	assert_string_equal(exit_reason_name(77), "TDCALL");
	assert_string_equal(exit_reason_name(EXIT_REASON_MAX), "WRMSRLIST");
}

static void test_exit_reason_holes_and_range(void **state)
{
	unsigned n, defined = 0;

	(void)state;
	assert_false(exit_reason_defined(35));
	assert_false(exit_reason_defined(38));
	assert_false(exit_reason_defined(42));
	assert_string_equal(exit_reason_name(35), "unknown");
	assert_string_equal(exit_reason_name(38), "unknown");
	assert_string_equal(exit_reason_name(42), "unknown");
	for (n = 0; n < EXIT_REASON_COUNT; n++)
		defined += exit_reason_defined(n);
	assert_int_equal(defined, EXIT_REASON_COUNT - 3);
	assert_false(exit_reason_defined(EXIT_REASON_COUNT));
	assert_string_equal(exit_reason_name(EXIT_REASON_COUNT), "unknown");
	assert_string_equal(exit_reason_name(0xffff), "unknown");
	/* The whole field is not a basic reason: split it first. */
	assert_string_equal(exit_reason_name(0x80000021), "unknown");
}

static void test_exit_reason_split(void **state)
{
	(void)state;
	/* Bochs, bad VMCS link pointer: entry failed on guest state. */
	assert_int_equal(exit_reason_basic(0x80000021), EXIT_REASON_INVALID_GUEST_STATE);
	assert_int_equal(exit_reason_basic(0x80000021), 33);
	assert_true(exit_reason_is_entry_failure(0x80000021));
	assert_string_equal(exit_reason_name(exit_reason_basic(0x80000021)),
			    "VM-entry failure: invalid guest state");
	/* An ordinary CPUID exit, and one with the pending-MTF bit. */
	assert_int_equal(exit_reason_basic(0x0000000a), EXIT_REASON_CPUID);
	assert_false(exit_reason_is_entry_failure(0x0000000a));
	assert_int_equal(exit_reason_basic(EXIT_REASON_PENDING_MTF | 12), EXIT_REASON_HLT);
	assert_false(exit_reason_is_entry_failure(EXIT_REASON_PENDING_MTF | 12));
}

/* ---- VM-instruction errors ---- */

static void test_vm_instruction_error_names(void **state)
{
	uint32_t n;

	(void)state;
	for (n = 1; n <= 28; n++) {
		bool reserved = n == 14 || n == 21 || n == 27;

		assert_int_equal(vm_instruction_error_defined(n), !reserved);
		if (reserved)
			assert_string_equal(vm_instruction_error_name(n), "unknown");
		else
			assert_string_not_equal(vm_instruction_error_name(n), "unknown");
	}
	assert_string_equal(vm_instruction_error_name(VMXERR_ENTRY_INVALID_CONTROL_FIELD),
			    "VM entry with invalid control field(s)");
	assert_string_equal(vm_instruction_error_name(8),
			    "VM entry with invalid host-state field(s)");
	assert_string_equal(vm_instruction_error_name(12),
			    "VMREAD/VMWRITE from/to unsupported VMCS component");
	assert_string_equal(vm_instruction_error_name(28), "invalid operand to INVEPT/INVVPID");
	assert_string_equal(vm_instruction_error_name(0), "unknown");
	assert_string_equal(vm_instruction_error_name(29), "unknown");
	assert_string_equal(vm_instruction_error_name(0xffffffff), "unknown");
}

/* ---- IA32_VMX_BASIC ---- */

static void test_basic_decodes_bochs_skylake(void **state)
{
	struct vmx_basic b = vmx_decode_basic(BOCHS_VMX_BASIC);
	const char *why = NULL;

	(void)state;
	assert_int_equal(b.revision, 0x2b);
	assert_int_equal(b.region_size, 0x1000);	/* bits 44:32 = 0x1000 */
	assert_int_equal(b.memory_type, VMX_MEMORY_TYPE_WB);
	assert_true(b.ins_outs_info);			/* bit 54 */
	assert_true(b.true_ctls);			/* bit 55 */
	assert_false(b.phys_addr_32bit);
	assert_false(b.dual_monitor);
	assert_false(b.no_error_code_check);
	assert_int_equal(vmx_basic_check(&b, &why), 0);
	/* Bochs tigerlake: same layout, revision 4. */
	assert_int_equal(vmx_decode_basic(0x00d8100000000004ull).revision, 4);
}

static void test_basic_check_names_what_is_wrong(void **state)
{
	struct vmx_basic b;
	const char *why = NULL;

	(void)state;
	b = vmx_decode_basic(0x00d8000000000001ull);		/* region size 0 */
	assert_int_equal(vmx_basic_check(&b, &why), -ENOTSUP);
	assert_non_null(strstr(why, "region size"));
	b = vmx_decode_basic(0x00c0100000000001ull);		/* memory type UC */
	assert_int_equal(vmx_basic_check(&b, &why), -ENOTSUP);
	assert_non_null(strstr(why, "write-back"));
	b = vmx_decode_basic(BOCHS_VMX_BASIC | VMX_BASIC_PHYS_ADDR_32BIT);
	assert_int_equal(vmx_basic_check(&b, &why), -ENOTSUP);
	assert_non_null(strstr(why, "32-bit"));
}

/* ---- control adjustment, A.3-A.5 ---- */

static void test_ctls_msr_follows_true_ctls_bit(void **state)
{
	(void)state;
	assert_int_equal(MSR_IA32_VMX_BASIC, 0x480);
	assert_int_equal(MSR_IA32_VMX_TRUE_ENTRY_CTLS, 0x490);
	assert_int_equal(MSR_IA32_VMX_VMFUNC, 0x491);
	assert_int_equal(vmx_ctls_msr(BOCHS_VMX_BASIC, VMX_CTLS_PINBASED), 0x48d);
	assert_int_equal(vmx_ctls_msr(BOCHS_VMX_BASIC, VMX_CTLS_PROCBASED), 0x48e);
	assert_int_equal(vmx_ctls_msr(BOCHS_VMX_BASIC, VMX_CTLS_EXIT), 0x48f);
	assert_int_equal(vmx_ctls_msr(BOCHS_VMX_BASIC, VMX_CTLS_ENTRY), 0x490);
	assert_int_equal(vmx_ctls_msr(BOCHS_VMX_BASIC, VMX_CTLS_PROCBASED2), 0x48b);
	assert_int_equal(vmx_ctls_msr(0x2b, VMX_CTLS_PINBASED), 0x481);
	assert_int_equal(vmx_ctls_msr(0x2b, VMX_CTLS_PROCBASED), 0x482);
	assert_int_equal(vmx_ctls_msr(0x2b, VMX_CTLS_EXIT), 0x483);
	assert_int_equal(vmx_ctls_msr(0x2b, VMX_CTLS_ENTRY), 0x484);
	assert_int_equal(vmx_ctls_msr(0x2b, VMX_CTLS_PROCBASED2), 0x48b);
}

static void test_adjust_secondary_controls_on_bochs(void **state)
{
	uint32_t wanted = SECONDARY_EXEC_ENABLE_EPT | SECONDARY_EXEC_ENABLE_VPID |
			  SECONDARY_EXEC_UNRESTRICTED_GUEST;
	uint32_t optional = SECONDARY_EXEC_ENABLE_RDTSCP | SECONDARY_EXEC_ENABLE_INVPCID |
			    SECONDARY_EXEC_ENABLE_XSAVES | SECONDARY_EXEC_PASID_TRANSLATION;
	uint32_t out = 0, missing = ~0u;

	(void)state;
	assert_int_equal(vmx_adjust_controls(BOCHS_PROCBASED_CTLS2, wanted, optional,
					     &out, &missing), 0);
	assert_int_equal(missing, 0);
	/* PASID translation (bit 21) is not in Bochs's 0x02177fff: left out. */
	assert_int_equal(out, wanted | SECONDARY_EXEC_ENABLE_RDTSCP |
			      SECONDARY_EXEC_ENABLE_INVPCID | SECONDARY_EXEC_ENABLE_XSAVES);
}

static void test_adjust_reports_a_wanted_bit_not_allowed(void **state)
{
	uint32_t wanted = SECONDARY_EXEC_ENABLE_EPT | SECONDARY_EXEC_MODE_BASED_EPT_EXEC;
	uint32_t out = 0, missing = 0;

	(void)state;
	assert_int_equal(vmx_adjust_controls(BOCHS_PROCBASED_CTLS2, wanted, 0, &out, &missing),
			 -ENOTSUP);
	assert_int_equal(missing, SECONDARY_EXEC_MODE_BASED_EPT_EXEC);
	assert_int_equal(out, SECONDARY_EXEC_ENABLE_EPT);

	log_reset();
	vmx_report_missing(VMX_CTLS_PROCBASED2, missing);
	assert_log_contains("skiff: vmx: the CPU lacks the secondary processor-based control "
			    "\"mode-based execute control for EPT\" (bit 22)");
}

static void test_adjust_forces_must_be_one_bits(void **state)
{
	uint32_t wanted = CPU_BASED_HLT_EXITING | CPU_BASED_USE_IO_BITMAPS |
			  CPU_BASED_USE_MSR_BITMAPS | CPU_BASED_ACTIVATE_SECONDARY_CONTROLS;
	uint32_t out = 0, missing = 0;

	(void)state;
	assert_int_equal(vmx_adjust_controls(PINBASED_CTLS, 0, 0, &out, &missing), 0);
	assert_int_equal(out, 0x16);		/* default1 bits 1, 2, 4 */
	assert_int_equal(vmx_adjust_controls(PINBASED_CTLS, PIN_BASED_VMX_PREEMPTION_TIMER,
					     0, &out, &missing), 0);
	assert_int_equal(out, 0x16 | PIN_BASED_VMX_PREEMPTION_TIMER);

	/* The plain MSR forces CR3-load and CR3-store exiting on ... */
	assert_int_equal(vmx_adjust_controls(PROCBASED_CTLS, wanted, 0, &out, &missing), 0);
	assert_int_equal(out, 0x0401e172 | wanted);
	assert_true(out & CPU_BASED_CR3_LOAD_EXITING);
	/* ... the TRUE one lets them be 0 (A.2). */
	assert_int_equal(vmx_adjust_controls(TRUE_PROCBASED_CTLS, wanted, 0, &out, &missing), 0);
	assert_int_equal(out, 0x04006172 | wanted);
	assert_false(out & (CPU_BASED_CR3_LOAD_EXITING | CPU_BASED_CR3_STORE_EXITING));
}

static void test_adjust_exit_and_entry_controls(void **state)
{
	uint32_t out = 0, missing = 0;
	uint32_t exit_wanted = VM_EXIT_HOST_ADDR_SPACE_SIZE | VM_EXIT_SAVE_IA32_EFER |
			       VM_EXIT_LOAD_IA32_EFER | VM_EXIT_ACK_INTR_ON_EXIT;
	uint32_t entry_wanted = VM_ENTRY_IA32E_MODE_GUEST | VM_ENTRY_LOAD_IA32_EFER;

	(void)state;
	assert_int_equal(vmx_adjust_controls(EXIT_CTLS, exit_wanted, 0, &out, &missing), 0);
	assert_int_equal(out, 0x00036dff | exit_wanted);
	assert_int_equal(vmx_adjust_controls(ENTRY_CTLS, entry_wanted, 0, &out, &missing), 0);
	assert_int_equal(out, 0x000011ff | entry_wanted);
	/* Bit 25 of the entry controls is beyond what this CPU allows. */
	assert_int_equal(vmx_adjust_controls(ENTRY_CTLS, 1u << 25, 0, &out, &missing), -ENOTSUP);
	assert_int_equal(missing, 1u << 25);
}

static void test_control_bit_values_and_names(void **state)
{
	(void)state;
	assert_int_equal(CPU_BASED_HLT_EXITING, 1u << 7);
	assert_int_equal(CPU_BASED_USE_IO_BITMAPS, 1u << 25);
	assert_int_equal(CPU_BASED_USE_MSR_BITMAPS, 1u << 28);
	assert_int_equal(CPU_BASED_ACTIVATE_SECONDARY_CONTROLS, 1u << 31);
	assert_int_equal(SECONDARY_EXEC_ENABLE_EPT, 1u << 1);
	assert_int_equal(SECONDARY_EXEC_ENABLE_VPID, 1u << 5);
	assert_int_equal(SECONDARY_EXEC_UNRESTRICTED_GUEST, 1u << 7);
	assert_int_equal(VM_EXIT_HOST_ADDR_SPACE_SIZE, 1u << 9);
	assert_int_equal(VM_EXIT_SAVE_IA32_EFER, 1u << 20);
	assert_int_equal(VM_EXIT_LOAD_IA32_EFER, 1u << 21);
	assert_int_equal(VM_ENTRY_IA32E_MODE_GUEST, 1u << 9);
	assert_int_equal(VM_ENTRY_LOAD_IA32_EFER, 1u << 15);
	assert_int_equal(PIN_BASED_VMX_PREEMPTION_TIMER, 1u << 6);

	assert_string_equal(vmx_control_bit_name(VMX_CTLS_PROCBASED, 7), "HLT exiting");
	assert_string_equal(vmx_control_bit_name(VMX_CTLS_PROCBASED2, 1), "enable EPT");
	assert_string_equal(vmx_control_bit_name(VMX_CTLS_PROCBASED2, 7), "unrestricted guest");
	assert_string_equal(vmx_control_bit_name(VMX_CTLS_EXIT, 9), "host address-space size");
	assert_string_equal(vmx_control_bit_name(VMX_CTLS_ENTRY, 9), "IA-32e mode guest");
	assert_string_equal(vmx_control_bit_name(VMX_CTLS_PINBASED, 6),
			    "activate VMX-preemption timer");
	assert_string_equal(vmx_control_bit_name(VMX_CTLS_PROCBASED, 0), "reserved");
	assert_string_equal(vmx_control_bit_name(VMX_CTLS_PROCBASED, 32), "reserved");
	assert_string_equal(vmx_control_bit_name(VMX_CTLS_COUNT, 1), "reserved");
	assert_string_equal(vmx_ctls_name(VMX_CTLS_EXIT), "VM-exit");
	assert_string_equal(vmx_ctls_name(VMX_CTLS_COUNT), "unknown");
}

/* ---- which capability MSRs may be read ---- */

static void test_msr_presence_rules(void **state)
{
	uint64_t no_secondary = PROCBASED_CTLS & ~(1ull << 63);
	uint64_t penryn_ctls2 = 0x00000041ull << 32;	/* APIC accesses, WBINVD exiting */

	(void)state;
	assert_true(vmx_has_procbased_ctls2(PROCBASED_CTLS));
	assert_false(vmx_has_procbased_ctls2(no_secondary));
	/* Bochs skylake: EPT (bit 33) and VPID (bit 37) allowed. */
	assert_true(vmx_has_ept_vpid_cap(PROCBASED_CTLS, BOCHS_PROCBASED_CTLS2));
	assert_true(vmx_has_ept_vpid_cap(PROCBASED_CTLS, 1ull << 37));
	/* Secondary controls without EPT or VPID (a core2_penryn-like CPU). */
	assert_false(vmx_has_ept_vpid_cap(PROCBASED_CTLS, penryn_ctls2));
	/* No secondary controls: 0x48C must not be read whatever is passed. */
	assert_false(vmx_has_ept_vpid_cap(no_secondary, BOCHS_PROCBASED_CTLS2));
	assert_true(vmx_has_vmfunc(PROCBASED_CTLS, BOCHS_PROCBASED_CTLS2));
	assert_false(vmx_has_vmfunc(PROCBASED_CTLS, penryn_ctls2));
	assert_false(vmx_has_procbased_ctls3(PROCBASED_CTLS));
	assert_true(vmx_has_procbased_ctls3(PROCBASED_CTLS | (1ull << 49)));
	assert_false(vmx_has_exit_ctls2(EXIT_CTLS));
	assert_true(vmx_has_exit_ctls2(EXIT_CTLS | (1ull << 63)));
}

/* ---- CR0/CR4 fixed bits, A.7-A.8 ---- */

static void test_cr_fixed_bits(void **state)
{
	uint64_t cr0 = CR0_CD | CR0_NW | CR0_ET | CR0_PE;

	(void)state;
	assert_int_equal(vmx_cr_violations(cr0, CR0_FIXED0, CR0_FIXED1), CR0_PG | CR0_NE);
	assert_int_equal(vmx_cr_adjust(cr0, CR0_FIXED0, CR0_FIXED1), 0xe0000031ull);
	assert_int_equal(vmx_cr_violations(0xe0000031ull, CR0_FIXED0, CR0_FIXED1), 0);

	assert_int_equal(vmx_cr_adjust(CR4_PAE, CR4_FIXED0, CR4_FIXED1), CR4_PAE | CR4_VMXE);
	assert_int_equal(vmx_cr_violations(CR4_PAE, CR4_FIXED0, CR4_FIXED1), CR4_VMXE);
	/* A bit FIXED1 leaves clear must be 0 (bit 22 here). */
	assert_int_equal(vmx_cr_violations(CR4_VMXE | (1ull << 22), CR4_FIXED0, CR4_FIXED1),
			 1ull << 22);
	assert_int_equal(vmx_cr_adjust(CR4_VMXE | (1ull << 22), CR4_FIXED0, CR4_FIXED1), CR4_VMXE);
}

static void test_guest_cr0_unrestricted_relaxes_pe_and_pg(void **state)
{
	/* The state a multiboot2 kernel is entered in. */
	uint64_t protected_no_paging = CR0_ET | CR0_PE;

	(void)state;
	assert_int_equal(vmx_guest_cr0_fixed0(CR0_FIXED0, true), CR0_NE);
	assert_int_equal(vmx_guest_cr0_fixed0(CR0_FIXED0, false), CR0_FIXED0);
	assert_int_equal(vmx_guest_cr0_violations(protected_no_paging, CR0_FIXED0, CR0_FIXED1,
						  false), CR0_PG | CR0_NE);
	assert_int_equal(vmx_guest_cr0_violations(protected_no_paging, CR0_FIXED0, CR0_FIXED1,
						  true), CR0_NE);
	assert_int_equal(vmx_guest_cr0_adjust(protected_no_paging, CR0_FIXED0, CR0_FIXED1, true),
			 CR0_NE | CR0_ET | CR0_PE);
	/* Real mode is fine for an unrestricted guest once NE is set. */
	assert_int_equal(vmx_guest_cr0_violations(CR0_NE, CR0_FIXED0, CR0_FIXED1, true), 0);
	/* PG without PE is never allowed. */
	assert_int_equal(vmx_guest_cr0_violations(CR0_PG | CR0_NE, CR0_FIXED0, CR0_FIXED1, true),
			 CR0_PE);
	assert_int_equal(vmx_guest_cr0_adjust(CR0_PG, CR0_FIXED0, CR0_FIXED1, true),
			 CR0_PG | CR0_NE | CR0_PE);
}

static void test_guest_cr0_never_checks_cd_and_nw(void **state)
{
	uint64_t fixed1_without_cache_bits = CR0_FIXED1 & ~(CR0_CD | CR0_NW);
	uint64_t cr0 = CR0_CD | CR0_NW | CR0_NE | CR0_PE;

	(void)state;
	assert_int_equal(vmx_cr_violations(cr0 | CR0_PG, CR0_FIXED0, fixed1_without_cache_bits),
			 CR0_CD | CR0_NW);
	assert_int_equal(vmx_guest_cr0_violations(cr0, CR0_FIXED0, fixed1_without_cache_bits,
						  true), 0);
	assert_int_equal(vmx_guest_cr0_adjust(cr0, CR0_FIXED0, fixed1_without_cache_bits, true),
			 cr0);
}

/* ---- IA32_FEATURE_CONTROL ---- */

static void test_feature_control_classification(void **state)
{
	(void)state;
	assert_int_equal(vmx_classify_feature_control(0x5), VMX_FC_USABLE);
	assert_int_equal(vmx_classify_feature_control(0x7), VMX_FC_USABLE);
	assert_int_equal(vmx_classify_feature_control(0x1), VMX_FC_DISABLED_BY_FIRMWARE);
	/* VMX inside SMX only: skiff runs outside SMX, so still disabled. */
	assert_int_equal(vmx_classify_feature_control(0x3), VMX_FC_DISABLED_BY_FIRMWARE);
	assert_int_equal(vmx_classify_feature_control(0x0), VMX_FC_UNLOCKED);
	assert_int_equal(vmx_classify_feature_control(0x4), VMX_FC_UNLOCKED);

	assert_int_equal(vmx_feature_control_enable(0x0), 0x5);
	assert_int_equal(vmx_feature_control_enable(0x2), 0x7);
	assert_int_equal(vmx_feature_control_enable(1ull << 20), (1ull << 20) | 0x5);
	assert_int_equal(vmx_classify_feature_control(vmx_feature_control_enable(0)),
			 VMX_FC_USABLE);

	assert_non_null(strstr(vmx_feature_control_explain(VMX_FC_DISABLED_BY_FIRMWARE),
			       "firmware setup"));
	assert_string_not_equal(vmx_feature_control_explain(VMX_FC_USABLE),
				vmx_feature_control_explain(VMX_FC_UNLOCKED));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_every_field_sits_in_its_width_group),
		cmocka_unit_test(test_no_two_fields_share_an_encoding),
		cmocka_unit_test(test_typed_constants_carry_their_encoding_width),
		cmocka_unit_test(test_well_known_encodings),
		cmocka_unit_test(test_field_names_and_malformed_encodings),
		cmocka_unit_test(test_accessors_round_trip_through_one_indirection),
		cmocka_unit_test(test_fake_keeps_vmwrite_truncation_and_high_access),
		cmocka_unit_test(test_vmx_status_from_flags),
		cmocka_unit_test(test_exit_reason_names),
		cmocka_unit_test(test_exit_reason_holes_and_range),
		cmocka_unit_test(test_exit_reason_split),
		cmocka_unit_test(test_vm_instruction_error_names),
		cmocka_unit_test(test_basic_decodes_bochs_skylake),
		cmocka_unit_test(test_basic_check_names_what_is_wrong),
		cmocka_unit_test(test_ctls_msr_follows_true_ctls_bit),
		cmocka_unit_test(test_adjust_secondary_controls_on_bochs),
		cmocka_unit_test(test_adjust_reports_a_wanted_bit_not_allowed),
		cmocka_unit_test(test_adjust_forces_must_be_one_bits),
		cmocka_unit_test(test_adjust_exit_and_entry_controls),
		cmocka_unit_test(test_control_bit_values_and_names),
		cmocka_unit_test(test_msr_presence_rules),
		cmocka_unit_test(test_cr_fixed_bits),
		cmocka_unit_test(test_guest_cr0_unrestricted_relaxes_pe_and_pg),
		cmocka_unit_test(test_guest_cr0_never_checks_cd_and_nw),
		cmocka_unit_test(test_feature_control_classification),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
