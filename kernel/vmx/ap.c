/*
 * VMX root operation for a parked AP (kernel/smp.c): the same steps as the
 * BSP's vmx_enable() in vmx.c, run on the AP itself and silent, since the
 * console is the BSP's.  IA32_FEATURE_CONTROL is per CPU: firmware should
 * have locked it alike on every CPU, and an unlocked one is enabled and
 * locked as vmx_probe() does on the BSP (SDM Vol. 3C 24.7).
 */
#include "lib/errno.h"
#include "vm/cpuid.h"
#include "vmx/caps.h"
#include "vmx/vmx.h"
#include "vmx/vmx_insn.h"
#include "x86.h"

int vmx_ap_enter_root(const struct vmx_features *f, uint64_t vmxon_page)
{
	uint64_t fc = rdmsr(MSR_IA32_FEATURE_CONTROL);
	enum vmx_feature_control kind = vmx_classify_feature_control(fc);
	uint64_t cr0_fixed0 = rdmsr(MSR_IA32_VMX_CR0_FIXED0);
	uint64_t cr0_fixed1 = rdmsr(MSR_IA32_VMX_CR0_FIXED1);
	uint64_t cr4_fixed0 = rdmsr(MSR_IA32_VMX_CR4_FIXED0);
	uint64_t cr4_fixed1 = rdmsr(MSR_IA32_VMX_CR4_FIXED1);
	uint64_t cr0, cr4 = read_cr4() | CR4_VMXE;

	if (kind == VMX_FC_UNLOCKED)
		wrmsr(MSR_IA32_FEATURE_CONTROL, vmx_feature_control_enable(fc));
	else if (kind != VMX_FC_USABLE)
		return -ENODEV;
	if (cpuid(1, 0).ecx & CPUID_1_ECX_XSAVE)
		cr4 |= CR4_OSXSAVE;
	/* SDM Vol. 3C 24.8: CR0 and CR4 keep the bits the FIXED MSRs force. */
	cr0 = vmx_cr_adjust(read_cr0(), cr0_fixed0, cr0_fixed1);
	cr4 = vmx_cr_adjust(cr4, cr4_fixed0, cr4_fixed1);
	if (vmx_cr_violations(cr0, cr0_fixed0, cr0_fixed1) ||
	    vmx_cr_violations(cr4, cr4_fixed0, cr4_fixed1))
		return -ENODEV;
	write_cr0(cr0);
	write_cr4(cr4);
	/* SDM Vol. 3C 25.11.5: the region starts with the revision identifier. */
	*(uint32_t *)vmxon_page = f->basic.revision;
	return vmx_vmxon(vmxon_page) == VMX_SUCCEED ? 0 : -EIO;
}
