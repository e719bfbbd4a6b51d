/* See guest_entry.h; the state is explained at set_guest_entry() in vmx.c. */
#include "vmx/caps.h"
#include "vmx/exit_info.h"
#include "vmx/guest_entry.h"
#include "vmx/vmcs.h"
#include "x86.h"

/* Segment access rights, SDM Vol. 3C 25.4.1 table "Format of Access Rights" */
#define AR_CODE32	0xc09b	/* execute/read, accessed, S, P, D/B, G */
#define AR_DATA32	0xc093	/* read/write, accessed, S, P, D/B, G */
#define AR_TSS32_BUSY	VMX_AR_TSS32_BUSY
#define AR_UNUSABLE	(1u << 16)
#define AR_CODE16	0x009b	/* execute/read, accessed, S, P: real mode's CS */
#define AR_DATA16	0x0093	/* read/write, accessed, S, P */

/* Guest selectors: the guest loads its own GDT before reloading a segment
 * register, so these only need to be consistent (RPL 0, TI 0). */
#define GUEST_SEL_CODE	0x08
#define GUEST_SEL_DATA	0x10

#define VMCS_LINK_NONE	(~0ull)

void vmx_write_guest_segment(struct vmcs_field16 sel, struct vmcs_field_natural base,
			     struct vmcs_field32 limit, struct vmcs_field32 ar,
			     uint16_t s, uint32_t lim, uint32_t rights)
{
	vmcs_write16(sel, s);
	vmcs_write_natural(base, 0);
	vmcs_write32(limit, lim);
	vmcs_write32(ar, rights);
}

/* What every start shares: the reset values of SDM Vol. 3A 10.1.1 (table
 * "IA-32 and Intel 64 Processor States Following Power-up, Reset, or
 * INIT") for everything the mode does not decide.  cr0 is the guest's view;
 * the real CR0 keeps the bits VMX fixes. */
static void write_reset_state(const struct vmx_vcpu *v, uint64_t cr0, uint64_t rip, uint32_t activity)
{
	vmcs_write_natural(GUEST_CR0, vmx_guest_cr0_adjust(cr0, v->cr0_fixed0, v->cr0_fixed1, true));
	vmcs_write_natural(CR0_READ_SHADOW, cr0);
	vmcs_write_natural(GUEST_CR3, 0);
	vmcs_write_natural(GUEST_CR4, vmx_cr_adjust(0, v->cr4_fixed0, v->cr4_fixed1));
	vmcs_write_natural(CR4_READ_SHADOW, 0);
	vmcs_write_natural(GUEST_DR7, 0x400);
	vmcs_write64(GUEST_IA32_DEBUGCTL, 0);
	vmcs_write64(GUEST_IA32_EFER, 0);
	if (v->entry & VM_ENTRY_LOAD_IA32_PAT)
		vmcs_write64(GUEST_IA32_PAT, 0x0007040600070406ull);	/* power-on PAT */
	vmcs_write32(GUEST_IA32_SYSENTER_CS, 0);
	vmcs_write_natural(GUEST_IA32_SYSENTER_ESP, 0);
	vmcs_write_natural(GUEST_IA32_SYSENTER_EIP, 0);
	/* VM entry wants a usable busy TSS in TR even with unrestricted
	 * guest (27.3.1.2); the guest never uses it before loading its own. */
	vmx_write_guest_segment(VMX_GUEST_SEGMENT(TR), 0, 0xff, AR_TSS32_BUSY);
	vmx_write_guest_segment(VMX_GUEST_SEGMENT(LDTR), 0, 0, AR_UNUSABLE);
	vmcs_write_natural(GUEST_GDTR_BASE, 0);
	vmcs_write32(GUEST_GDTR_LIMIT, 0xffff);
	vmcs_write_natural(GUEST_IDTR_BASE, 0);
	vmcs_write32(GUEST_IDTR_LIMIT, 0xffff);

	vmcs_write_natural(GUEST_RSP, 0);
	vmcs_write_natural(GUEST_RIP, rip);
	vmcs_write_natural(GUEST_RFLAGS, RFLAGS_FIXED);
	vmcs_write32(GUEST_INTERRUPTIBILITY_STATE, 0);
	vmcs_write32(GUEST_ACTIVITY_STATE, activity);
	vmcs_write_natural(GUEST_PENDING_DBG_EXCEPTIONS, 0);
	vmcs_write64(VMCS_LINK_POINTER, VMCS_LINK_NONE);
	vmcs_write32(VM_ENTRY_CONTROLS, v->entry & ~VM_ENTRY_IA32E_MODE_GUEST);
	vmcs_write32(VM_ENTRY_INTR_INFO, 0);
}

/* CS and the five data segments, base 0. */
static void write_segments(uint16_t code, uint16_t data, uint32_t limit, uint32_t code_ar,
			   uint32_t data_ar)
{
	vmx_write_guest_segment(VMX_GUEST_SEGMENT(CS), code, limit, code_ar);
	vmx_write_guest_segment(VMX_GUEST_SEGMENT(SS), data, limit, data_ar);
	vmx_write_guest_segment(VMX_GUEST_SEGMENT(DS), data, limit, data_ar);
	vmx_write_guest_segment(VMX_GUEST_SEGMENT(ES), data, limit, data_ar);
	vmx_write_guest_segment(VMX_GUEST_SEGMENT(FS), data, limit, data_ar);
	vmx_write_guest_segment(VMX_GUEST_SEGMENT(GS), data, limit, data_ar);
}

void vmx_write_guest_entry_state(const struct vmx_vcpu *v, uint64_t rip)
{
	write_reset_state(v, CR0_PE | CR0_ET, rip, GUEST_ACTIVITY_ACTIVE);
	write_segments(GUEST_SEL_CODE, GUEST_SEL_DATA, 0xffffffff, AR_CODE32, AR_DATA32);
}

void vmx_write_guest_entry_state_gdt(const struct vmx_vcpu *v, uint64_t rip, uint32_t gdt_base,
				     uint16_t gdt_limit, uint16_t code, uint16_t data)
{
	write_reset_state(v, CR0_PE | CR0_ET, rip, GUEST_ACTIVITY_ACTIVE);
	write_segments(code, data, 0xffffffff, AR_CODE32, AR_DATA32);
	vmcs_write_natural(GUEST_GDTR_BASE, gdt_base);
	vmcs_write32(GUEST_GDTR_LIMIT, gdt_limit);
}

/*
 * An AP after INIT (table 10-1: real mode, CR0 = 60000010H, 64 KiB
 * segments) waiting for a SIPI, or started by one: CS = vector << 8 with
 * base vector << 12, IP = 0 (SDM Vol. 3A 9.4.4.1, 11.6.1 "Start-up").
 * Real mode needs unrestricted guest, which skiff requires.
 */
void vmx_write_guest_ap_state(const struct vmx_vcpu *v, uint8_t vector, bool wait_sipi)
{
	write_reset_state(v, CR0_CD | CR0_NW | CR0_ET, 0,
			  wait_sipi ? GUEST_ACTIVITY_WAIT_SIPI : GUEST_ACTIVITY_ACTIVE);
	write_segments((uint16_t)(vector << 8), 0, 0xffff, AR_CODE16, AR_DATA16);
	vmcs_write_natural(GUEST_CS_BASE, (uint64_t)vector << 12);
}
