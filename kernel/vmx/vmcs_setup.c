/* See vmcs_setup.h; vmx.c says when each part is written. */
#include "cpu.h"
#include "lib/errno.h"
#include "vmx/caps.h"
#include "vmx/vmcs.h"
#include "vmx/vmcs_setup.h"
#include "x86.h"

static int adjust(uint64_t msr, enum vmx_ctls which, uint32_t wanted, uint32_t optional,
		  uint32_t *out)
{
	uint32_t missing;

	if (vmx_adjust_controls(msr, wanted, optional, out, &missing) < 0) {
		vmx_report_missing(which, missing);
		return -ENODEV;
	}
	return 0;
}

/*
 * What skiff asks for, and why:
 * - pin-based: the preemption timer (the watchdog), and NMI exiting with
 *   virtual NMIs where the CPU has both: an NMI that arrives while skiff
 *   itself runs is then held and given to the guest, never lost, and the
 *   guest's NMI blocking is tracked by the CPU (SDM Vol. 3C 25.6.1,
 *   "Pin-Based VM-Execution Controls");
 *   external interrupts go straight to the guest, which owns the devices;
 * - HLT exiting (a halt with interrupts off would hang the run silently),
 *   I/O and MSR bitmaps (only what skiff virtualizes exits);
 * - EPT and unrestricted guest (required), VPID when present, and the
 *   "enable" controls without which RDTSCP, INVPCID and XSAVES would raise
 *   #UD although CPUID offers them (the CPUID handler hides what is off);
 * - a 64-bit host; DR7, IA32_DEBUGCTL and EFER switched on entry and
 *   exit (the guest's hardware breakpoints survive its exits), PAT too if
 *   possible.
 * CR3 load/store exiting are default1 without the TRUE MSRs; the CR
 * handler emulates them then.
 */
int vmx_choose_controls(struct vmx_vcpu *v, const struct vmx_ctl_msrs *m, bool vpid, bool timer)
{
	uint32_t optional2 = SECONDARY_EXEC_ENABLE_RDTSCP | SECONDARY_EXEC_ENABLE_INVPCID |
			     SECONDARY_EXEC_ENABLE_XSAVES;
	uint32_t nmis = PIN_BASED_NMI_EXITING | PIN_BASED_VIRTUAL_NMIS;

	if (vpid)
		optional2 |= SECONDARY_EXEC_ENABLE_VPID;
	if (adjust(m->pinbased, VMX_CTLS_PINBASED, 0,
		   nmis | (timer ? PIN_BASED_VMX_PREEMPTION_TIMER : 0), &v->pin) < 0 ||
	    adjust(m->procbased, VMX_CTLS_PROCBASED, CPU_BASED_HLT_EXITING |
		   CPU_BASED_USE_IO_BITMAPS | CPU_BASED_USE_MSR_BITMAPS |
		   CPU_BASED_ACTIVATE_SECONDARY_CONTROLS, CPU_BASED_USE_TSC_OFFSETTING,
		   &v->proc) < 0 ||
	    adjust(m->procbased2, VMX_CTLS_PROCBASED2, SECONDARY_EXEC_ENABLE_EPT |
		   SECONDARY_EXEC_UNRESTRICTED_GUEST, optional2, &v->proc2) < 0 ||
	    adjust(m->exit, VMX_CTLS_EXIT, VM_EXIT_HOST_ADDR_SPACE_SIZE |
		   VM_EXIT_SAVE_DEBUG_CONTROLS | VM_EXIT_SAVE_IA32_EFER | VM_EXIT_LOAD_IA32_EFER,
		   VM_EXIT_SAVE_IA32_PAT | VM_EXIT_LOAD_IA32_PAT, &v->exit) < 0 ||
	    adjust(m->entry, VMX_CTLS_ENTRY, VM_ENTRY_LOAD_DEBUG_CONTROLS |
		   VM_ENTRY_LOAD_IA32_EFER, VM_ENTRY_LOAD_IA32_PAT, &v->entry) < 0)
		return -ENODEV;
	/* PAT is switched only when both directions are. */
	if (!(v->exit & VM_EXIT_LOAD_IA32_PAT) || !(v->entry & VM_ENTRY_LOAD_IA32_PAT)) {
		v->exit &= ~(VM_EXIT_SAVE_IA32_PAT | VM_EXIT_LOAD_IA32_PAT);
		v->entry &= ~VM_ENTRY_LOAD_IA32_PAT;
	}
	/* Both NMI controls or neither: without virtual NMIs, skiff could not
	 * tell when the guest may take the NMI it holds.  NMI-window exiting
	 * (allowed-1 of the processor-based controls, SDM Vol. 3D A.3.2) is
	 * set only while an NMI waits for the guest to unblock NMIs. */
	if ((v->pin & nmis) != nmis)
		v->pin &= ~(nmis & ~(uint32_t)m->pinbased);
	v->nmi_window = (v->pin & PIN_BASED_VIRTUAL_NMIS) &&
			((m->procbased >> 32) & CPU_BASED_NMI_WINDOW_EXITING);
	v->exception_bitmap = VMX_INTERCEPTED_EXCEPTIONS;
	v->vpid = (v->proc2 & SECONDARY_EXEC_ENABLE_VPID) ? 1 : 0;
	return 0;
}

/* The CR0/CR4 bits skiff owns are the ones VMX operation fixes: the guest
 * must not clear NE or see VMXE, and may not set a bit the CPU forbids.
 * PE and PG are the guest's with unrestricted guest; CD and NW too (VM
 * entry ignores them). */
void vmx_choose_cr_masks(struct vmx_vcpu *v)
{
	uint64_t cr0_free = CR0_PE | CR0_PG | CR0_CD | CR0_NW;

	v->cr0_mask = (v->cr0_fixed0 | ~v->cr0_fixed1) & ~cr0_free;
	v->cr4_mask = v->cr4_fixed0 | ~v->cr4_fixed1;
}

void vmx_write_controls(const struct vmx_vcpu *v, uint64_t eptp)
{
	vmcs_write32(PIN_BASED_VM_EXEC_CONTROL, v->pin);
	vmcs_write32(CPU_BASED_VM_EXEC_CONTROL, v->proc);
	vmcs_write32(SECONDARY_VM_EXEC_CONTROL, v->proc2);
	vmcs_write32(VM_EXIT_CONTROLS, v->exit);
	vmcs_write32(VM_ENTRY_CONTROLS, v->entry);
	vmcs_write32(EXCEPTION_BITMAP, v->exception_bitmap);
	vmcs_write32(PAGE_FAULT_ERROR_CODE_MASK, 0);
	vmcs_write32(PAGE_FAULT_ERROR_CODE_MATCH, 0);
	vmcs_write32(CR3_TARGET_COUNT, 0);
	vmcs_write32(VM_EXIT_MSR_STORE_COUNT, 0);
	vmcs_write32(VM_EXIT_MSR_LOAD_COUNT, 0);
	vmcs_write32(VM_ENTRY_MSR_LOAD_COUNT, 0);
	vmcs_write32(VM_ENTRY_INTR_INFO, 0);
	vmcs_write64(IO_BITMAP_A, v->io_bitmap_a);
	vmcs_write64(IO_BITMAP_B, v->io_bitmap_b);
	vmcs_write64(MSR_BITMAP, v->msr_bitmap);
	vmcs_write64(EPT_POINTER, eptp);
	if (v->vpid)
		vmcs_write16(VIRTUAL_PROCESSOR_ID, v->vpid);
	if (v->proc & CPU_BASED_USE_TSC_OFFSETTING)
		vmcs_write64(TSC_OFFSET, 0);	/* the guest's clock starts as the CPU's */
	if (v->pin & PIN_BASED_VMX_PREEMPTION_TIMER)
		vmcs_write32(VMX_PREEMPTION_TIMER_VALUE, v->preemption_timer);
	vmcs_write_natural(CR0_GUEST_HOST_MASK, v->cr0_mask);
	vmcs_write_natural(CR4_GUEST_HOST_MASK, v->cr4_mask);
}

void vmx_write_host_state(const struct vmx_vcpu *v, const struct vmx_host_state *h)
{
	vmcs_write_natural(HOST_CR0, h->cr0);
	vmcs_write_natural(HOST_CR3, h->cr3);
	vmcs_write_natural(HOST_CR4, h->cr4);
	vmcs_write16(HOST_CS_SELECTOR, SEL_KERNEL_CS);
	vmcs_write16(HOST_SS_SELECTOR, SEL_KERNEL_DS);
	vmcs_write16(HOST_DS_SELECTOR, SEL_KERNEL_DS);
	vmcs_write16(HOST_ES_SELECTOR, SEL_KERNEL_DS);
	vmcs_write16(HOST_FS_SELECTOR, 0);
	vmcs_write16(HOST_GS_SELECTOR, 0);
	vmcs_write16(HOST_TR_SELECTOR, cpu_tss_selector(v->vcpu.index));
	vmcs_write_natural(HOST_FS_BASE, 0);
	vmcs_write_natural(HOST_GS_BASE, h->gs_base);
	vmcs_write_natural(HOST_TR_BASE, h->tr_base);
	vmcs_write_natural(HOST_GDTR_BASE, h->gdtr_base);
	vmcs_write_natural(HOST_IDTR_BASE, h->idtr_base);
	vmcs_write32(HOST_IA32_SYSENTER_CS, 0);
	vmcs_write_natural(HOST_IA32_SYSENTER_ESP, 0);
	vmcs_write_natural(HOST_IA32_SYSENTER_EIP, 0);
	vmcs_write64(HOST_IA32_EFER, h->efer);
	if (v->exit & VM_EXIT_LOAD_IA32_PAT)
		vmcs_write64(HOST_IA32_PAT, h->pat);
	vmcs_write_natural(HOST_RSP, h->rsp);
	vmcs_write_natural(HOST_RIP, h->rip);
}
