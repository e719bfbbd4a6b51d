/*
 * VM-instruction error numbers: what the VM_INSTRUCTION_ERROR field holds
 * after a VMX instruction ends in VMfailValid.  SDM Vol. 3C 31.4 "VM
 * Instruction Error Numbers" (30.4 in older editions), Table 31-1.
 */
#ifndef SKIFF_VMX_VM_ERROR_H
#define SKIFF_VMX_VM_ERROR_H

#include <stdbool.h>
#include <stdint.h>

/* The SDM leaves 14, 21 and 27 unused (reserved). */
enum vm_instruction_error {
	VMXERR_VMCALL_IN_VMX_ROOT			= 1,
	VMXERR_VMCLEAR_INVALID_ADDRESS			= 2,
	VMXERR_VMCLEAR_VMXON_POINTER			= 3,
	VMXERR_VMLAUNCH_NONCLEAR_VMCS			= 4,
	VMXERR_VMRESUME_NONLAUNCHED_VMCS		= 5,
	VMXERR_VMRESUME_AFTER_VMXOFF			= 6,
	VMXERR_ENTRY_INVALID_CONTROL_FIELD		= 7,
	VMXERR_ENTRY_INVALID_HOST_STATE_FIELD		= 8,
	VMXERR_VMPTRLD_INVALID_ADDRESS			= 9,
	VMXERR_VMPTRLD_VMXON_POINTER			= 10,
	VMXERR_VMPTRLD_INCORRECT_REVISION		= 11,
	VMXERR_UNSUPPORTED_VMCS_COMPONENT		= 12,
	VMXERR_VMWRITE_READ_ONLY_COMPONENT		= 13,
	/* 14: reserved */
	VMXERR_VMXON_IN_VMX_ROOT			= 15,
	VMXERR_ENTRY_INVALID_EXECUTIVE_VMCS_POINTER	= 16,
	VMXERR_ENTRY_NONLAUNCHED_EXECUTIVE_VMCS		= 17,
	VMXERR_ENTRY_EXECUTIVE_VMCS_NOT_VMXON_POINTER	= 18,
	VMXERR_VMCALL_NONCLEAR_VMCS			= 19,
	VMXERR_VMCALL_INVALID_EXIT_CONTROLS		= 20,
	/* 21: reserved */
	VMXERR_VMCALL_INCORRECT_MSEG_REVISION		= 22,
	VMXERR_VMXOFF_UNDER_DUAL_MONITOR		= 23,
	VMXERR_VMCALL_INVALID_SMM_MONITOR_FEATURES	= 24,
	VMXERR_ENTRY_INVALID_EXECUTIVE_CONTROLS		= 25,
	VMXERR_ENTRY_EVENTS_BLOCKED_BY_MOV_SS		= 26,
	/* 27: reserved */
	VMXERR_INVALID_INVEPT_INVVPID_OPERAND		= 28,

	VMXERR_MAX					= 28,
};

/* Whether the SDM assigns a meaning to this number. */
bool vm_instruction_error_defined(uint32_t err);

/* The SDM's description ("VM entry with invalid control field(s)");
 * "unknown" for 0, reserved numbers and anything past VMXERR_MAX. */
const char *vm_instruction_error_name(uint32_t err);

#endif
