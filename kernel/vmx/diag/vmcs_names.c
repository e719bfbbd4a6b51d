/*
 * The VMCS field table (names for dumps and for the entry checker's
 * messages) and, in the kernel, the report of a failed VMREAD/VMWRITE.
 * The encodings themselves are in vmcs.h, SDM Vol. 3D appendix B.
 */
#include "vmx/vmcs.h"

#include "vmx/diag/vm_error.h"

#ifndef SKIFF_HOST_TEST
#include "panic.h"
#endif

#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))

#define VMCS_INFO(name, enc)	{ #name, (enc) },

static const struct vmcs_field_info control16[] = { VMCS_CONTROL_FIELDS16(VMCS_INFO) };
static const struct vmcs_field_info guest16[] = { VMCS_GUEST_FIELDS16(VMCS_INFO) };
static const struct vmcs_field_info host16[] = { VMCS_HOST_FIELDS16(VMCS_INFO) };
static const struct vmcs_field_info control64[] = { VMCS_CONTROL_FIELDS64(VMCS_INFO) };
static const struct vmcs_field_info read_only64[] = { VMCS_READ_ONLY_FIELDS64(VMCS_INFO) };
static const struct vmcs_field_info guest64[] = { VMCS_GUEST_FIELDS64(VMCS_INFO) };
static const struct vmcs_field_info host64[] = { VMCS_HOST_FIELDS64(VMCS_INFO) };
static const struct vmcs_field_info control32[] = { VMCS_CONTROL_FIELDS32(VMCS_INFO) };
static const struct vmcs_field_info read_only32[] = { VMCS_READ_ONLY_FIELDS32(VMCS_INFO) };
static const struct vmcs_field_info guest32[] = { VMCS_GUEST_FIELDS32(VMCS_INFO) };
static const struct vmcs_field_info host32[] = { VMCS_HOST_FIELDS32(VMCS_INFO) };
static const struct vmcs_field_info control_nat[] = { VMCS_CONTROL_FIELDS_NATURAL(VMCS_INFO) };
static const struct vmcs_field_info read_only_nat[] = { VMCS_READ_ONLY_FIELDS_NATURAL(VMCS_INFO) };
static const struct vmcs_field_info guest_nat[] = { VMCS_GUEST_FIELDS_NATURAL(VMCS_INFO) };
static const struct vmcs_field_info host_nat[] = { VMCS_HOST_FIELDS_NATURAL(VMCS_INFO) };

#define GROUP(title, width, kind, list) \
	{ title, VMCS_WIDTH_##width, VMCS_KIND_##kind, list, ARRAY_SIZE(list) }

/* In appendix B's order.  B.1 has no 16-bit read-only data fields. */
const struct vmcs_field_group vmcs_field_groups[] = {
	GROUP("B.1.1 16-bit control", 16, CONTROL, control16),
	GROUP("B.1.2 16-bit guest-state", 16, GUEST, guest16),
	GROUP("B.1.3 16-bit host-state", 16, HOST, host16),
	GROUP("B.2.1 64-bit control", 64, CONTROL, control64),
	GROUP("B.2.2 64-bit read-only data", 64, READ_ONLY, read_only64),
	GROUP("B.2.3 64-bit guest-state", 64, GUEST, guest64),
	GROUP("B.2.4 64-bit host-state", 64, HOST, host64),
	GROUP("B.3.1 32-bit control", 32, CONTROL, control32),
	GROUP("B.3.2 32-bit read-only data", 32, READ_ONLY, read_only32),
	GROUP("B.3.3 32-bit guest-state", 32, GUEST, guest32),
	GROUP("B.3.4 32-bit host-state", 32, HOST, host32),
	GROUP("B.4.1 natural-width control", NATURAL, CONTROL, control_nat),
	GROUP("B.4.2 natural-width read-only data", NATURAL, READ_ONLY, read_only_nat),
	GROUP("B.4.3 natural-width guest-state", NATURAL, GUEST, guest_nat),
	GROUP("B.4.4 natural-width host-state", NATURAL, HOST, host_nat),
};
const size_t vmcs_field_group_count = ARRAY_SIZE(vmcs_field_groups);

bool vmcs_encoding_valid(uint32_t enc)
{
	if (enc & VMCS_ENC_RESERVED)
		return false;
	return !VMCS_ENC_IS_HIGH(enc) || VMCS_ENC_WIDTH(enc) == VMCS_WIDTH_64;
}

const struct vmcs_field_info *vmcs_field_find(uint32_t enc)
{
	uint32_t full = enc & ~VMCS_ENC_ACCESS_HIGH;
	size_t g, i;

	if (!vmcs_encoding_valid(enc))
		return NULL;
	for (g = 0; g < vmcs_field_group_count; g++) {
		const struct vmcs_field_group *grp = &vmcs_field_groups[g];

		for (i = 0; i < grp->count; i++)
			if (grp->fields[i].enc == full)
				return &grp->fields[i];
	}
	return NULL;
}

const char *vmcs_field_name(uint32_t enc)
{
	const struct vmcs_field_info *info = vmcs_field_find(enc);

	return info ? info->name : "unknown";
}

#ifndef SKIFF_HOST_TEST
void vmcs_access_failed(const char *insn, uint32_t enc, enum vmx_status status)
{
	uint64_t err;

	/* Read the error number directly: the accessors would recurse here. */
	if (status == VMX_FAIL_VALID &&
	    vmx_vmread(VM_INSTRUCTION_ERROR.enc, &err) == VMX_SUCCEED)
		panic("vmx: %s of %s (0x%x) failed: VM-instruction error %u: %s",
		      insn, vmcs_field_name(enc), enc, (unsigned)err,
		      vm_instruction_error_name((uint32_t)err));
	panic("vmx: %s of %s (0x%x) failed: no current VMCS (VMfailInvalid)",
	      insn, vmcs_field_name(enc), enc);
}
#endif
