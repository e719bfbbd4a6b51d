/*
 * The capability check (SDM Vol. 3C 24.6 "Discovering support for VMX",
 * 24.7 "Enabling and entering VMX operation", appendix A).  Required:
 * VT-x, firmware permission, EPT and unrestricted guest (skiff enters its
 * guest in 32-bit protected mode with paging off).  VPID and 1 GiB EPT
 * pages are optional and only reported.
 */
#include "lib/errno.h"
#include "lib/printf.h"
#include "vmx/probe.h"
#include "x86.h"

#define CPUID_1_ECX_VMX		(1u << 5)	/* CPUID.01H:ECX.VMX[bit 5] */
#define ALLOWED1(msr)		((uint32_t)((msr) >> 32))

/* No VT-x at all: -ENXIO, so that the caller can look for AMD-V instead. */
static int no_vtx(void)
{
	kprintf("skiff: vmx: this CPU has no Intel VT-x (CPUID.01H:ECX.VMX = 0)\n");
	return -ENXIO;
}

/* Firmware decides whether VMXON is allowed (SDM Vol. 3C 24.7). */
static int check_feature_control(void)
{
	/* LAB 4 BEGIN: check_feature_control(): does IA32_FEATURE_CONTROL allow VMXON? */
	uint64_t fc = rdmsr(MSR_IA32_FEATURE_CONTROL);
	enum vmx_feature_control kind = vmx_classify_feature_control(fc);

	if (kind == VMX_FC_UNLOCKED) {
		wrmsr(MSR_IA32_FEATURE_CONTROL, vmx_feature_control_enable(fc));
		kprintf("skiff: vmx: IA32_FEATURE_CONTROL was unlocked; enabled VT-x and locked it\n");
		return 0;
	}
	if (kind == VMX_FC_USABLE)
		return 0;
	kprintf("skiff: vmx: VT-x is disabled and locked by the firmware (IA32_FEATURE_CONTROL = 0x%lx)\n", fc);
	kprintf("skiff: vmx: %s\n", vmx_feature_control_explain(kind));
	return -ENODEV;
	/* LAB 4 END */
}

static int require(bool ok, const char *what, const char *why)
{
	if (!ok)
		kprintf("skiff: vmx: this CPU's VT-x has no %s: %s\n", what, why);
	return ok ? 0 : -ENODEV;
}

static int read_controls(struct vmx_features *f)
{
	const char *why;

	f->basic_msr = rdmsr(MSR_IA32_VMX_BASIC);
	f->basic = vmx_decode_basic(f->basic_msr);
	if (vmx_basic_check(&f->basic, &why) < 0) {
		kprintf("skiff: vmx: IA32_VMX_BASIC = 0x%lx: %s\n", f->basic_msr, why);
		return -ENODEV;
	}
	f->procbased_ctls = rdmsr(vmx_ctls_msr(f->basic_msr, VMX_CTLS_PROCBASED));
	if (require(vmx_has_procbased_ctls2(f->procbased_ctls), "secondary processor-based controls",
		    "EPT and unrestricted guest live there") < 0)
		return -ENODEV;
	f->procbased_ctls2 = rdmsr(MSR_IA32_VMX_PROCBASED_CTLS2);
	if (require(ALLOWED1(f->procbased_ctls2) & SECONDARY_EXEC_ENABLE_EPT, "EPT",
		    "skiff isolates its memory from the guest with EPT") < 0 ||
	    require(ALLOWED1(f->procbased_ctls2) & SECONDARY_EXEC_UNRESTRICTED_GUEST,
		    "unrestricted guest", "the guest starts in protected mode with paging off") < 0)
		return -ENODEV;
	f->ept_vpid_cap = rdmsr(MSR_IA32_VMX_EPT_VPID_CAP);
	f->ept = ept_caps_decode(f->ept_vpid_cap);
	f->vpid = ALLOWED1(f->procbased_ctls2) & SECONDARY_EXEC_ENABLE_VPID;
	return 0;
}

int vmx_probe(struct vmx_features *f)
{
	if (!(cpuid(1, 0).ecx & CPUID_1_ECX_VMX))
		return no_vtx();
	if (check_feature_control() < 0 || read_controls(f) < 0)
		return -ENODEV;
	if (require(f->ept.walk_length_4 && f->ept.memtype_wb, "4-level write-back EPT",
		    "skiff's EPT tables are 4-level and write-back") < 0)
		return -ENODEV;
	kprintf("skiff: vmx: VT-x with EPT and unrestricted guest; VMCS revision 0x%x, region %u bytes\n",
		f->basic.revision, f->basic.region_size);
	if (!f->vpid)
		kprintf("skiff: vmx: no VPID: carrying on without it (TLBs are flushed on every VM exit)\n");
	if (!f->ept.pages_1g)
		kprintf("skiff: vmx: no 1 GiB EPT pages: carrying on with 2 MiB pages (more EPT tables)\n");
	ept_caps_describe(&f->ept);
	return 0;
}
