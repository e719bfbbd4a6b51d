/* Descriptions of the VM-instruction errors, after SDM Vol. 3C Table 31-1. */
#include "vmx/diag/vm_error.h"

#include <stddef.h>

#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))

/* Reserved numbers (14, 21, 27) and 0 stay NULL. */
static const char *const vm_error_names[] = {
	[VMXERR_VMCALL_IN_VMX_ROOT] =
		"VMCALL executed in VMX root operation",
	[VMXERR_VMCLEAR_INVALID_ADDRESS] =
		"VMCLEAR with invalid physical address",
	[VMXERR_VMCLEAR_VMXON_POINTER] =
		"VMCLEAR with VMXON pointer",
	[VMXERR_VMLAUNCH_NONCLEAR_VMCS] =
		"VMLAUNCH with non-clear VMCS",
	[VMXERR_VMRESUME_NONLAUNCHED_VMCS] =
		"VMRESUME with non-launched VMCS",
	[VMXERR_VMRESUME_AFTER_VMXOFF] =
		"VMRESUME after VMXOFF (VMXOFF and VMXON between VMLAUNCH and VMRESUME)",
	[VMXERR_ENTRY_INVALID_CONTROL_FIELD] =
		"VM entry with invalid control field(s)",
	[VMXERR_ENTRY_INVALID_HOST_STATE_FIELD] =
		"VM entry with invalid host-state field(s)",
	[VMXERR_VMPTRLD_INVALID_ADDRESS] =
		"VMPTRLD with invalid physical address",
	[VMXERR_VMPTRLD_VMXON_POINTER] =
		"VMPTRLD with VMXON pointer",
	[VMXERR_VMPTRLD_INCORRECT_REVISION] =
		"VMPTRLD with incorrect VMCS revision identifier",
	[VMXERR_UNSUPPORTED_VMCS_COMPONENT] =
		"VMREAD/VMWRITE from/to unsupported VMCS component",
	[VMXERR_VMWRITE_READ_ONLY_COMPONENT] =
		"VMWRITE to read-only VMCS component",
	[VMXERR_VMXON_IN_VMX_ROOT] =
		"VMXON executed in VMX root operation",
	[VMXERR_ENTRY_INVALID_EXECUTIVE_VMCS_POINTER] =
		"VM entry with invalid executive-VMCS pointer",
	[VMXERR_ENTRY_NONLAUNCHED_EXECUTIVE_VMCS] =
		"VM entry with non-launched executive VMCS",
	[VMXERR_ENTRY_EXECUTIVE_VMCS_NOT_VMXON_POINTER] =
		"VM entry with executive-VMCS pointer not VMXON pointer",
	[VMXERR_VMCALL_NONCLEAR_VMCS] =
		"VMCALL with non-clear VMCS",
	[VMXERR_VMCALL_INVALID_EXIT_CONTROLS] =
		"VMCALL with invalid VM-exit control fields",
	[VMXERR_VMCALL_INCORRECT_MSEG_REVISION] =
		"VMCALL with incorrect MSEG revision identifier",
	[VMXERR_VMXOFF_UNDER_DUAL_MONITOR] =
		"VMXOFF under dual-monitor treatment of SMIs and SMM",
	[VMXERR_VMCALL_INVALID_SMM_MONITOR_FEATURES] =
		"VMCALL with invalid SMM-monitor features",
	[VMXERR_ENTRY_INVALID_EXECUTIVE_CONTROLS] =
		"VM entry with invalid VM-execution control fields in executive VMCS",
	[VMXERR_ENTRY_EVENTS_BLOCKED_BY_MOV_SS] =
		"VM entry with events blocked by MOV SS",
	[VMXERR_INVALID_INVEPT_INVVPID_OPERAND] =
		"invalid operand to INVEPT/INVVPID",
};
_Static_assert(ARRAY_SIZE(vm_error_names) == VMXERR_MAX + 1,
	       "one slot per VM-instruction error number");

bool vm_instruction_error_defined(uint32_t err)
{
	return err < ARRAY_SIZE(vm_error_names) && vm_error_names[err] != NULL;
}

const char *vm_instruction_error_name(uint32_t err)
{
	return vm_instruction_error_defined(err) ? vm_error_names[err] : "unknown";
}
