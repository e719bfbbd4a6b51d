/*
 * The VM-entry checker (kernel/vmx/diag/entry_check.c) against the in-memory
 * VMCS.  The starting point of every test is the VMCS skiff builds,
 * written by the very functions vmx.c calls (vmcs_setup.c, guest_entry.c)
 * on the capabilities of Bochs corei7_skylake_x (docs/emulators.md) where
 * they are known and typical Intel values where not, and with fixed
 * numbers where vmx.c reads the running CPU (host CR0/CR3/CR4, EFER, PAT,
 * descriptor-table bases).  It must pass untouched; then each breakage
 * changes it so that exactly one rule is broken, and the checker must
 * report exactly that rule, once, on a line naming the field.
 */
#include "support.h"

#include <stdio.h>
#include <string.h>

#include "cpu.h"
#include "lib/errno.h"
#include "mm/ept.h"
#include "vmcs_fake.h"
#include "vmx/caps.h"
#include "vmx/diag/entry_check.h"
#include "vmx/exit_info.h"
#include "vmx/guest_entry.h"
#include "vmx/vmcs.h"
#include "vmx/vmcs_setup.h"
#include "x86.h"

#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))

/* ---- capabilities ---- */

/* Bochs corei7_skylake_x, read inside Bochs (docs/emulators.md). */
#define BOCHS_VMX_BASIC		0x00d810000000002bull	/* TRUE controls, no BASIC[56] */
#define BOCHS_PROCBASED_CTLS2	(0x02177fffull << 32)
#define BOCHS_EPT_VPID_CAP	0x00000f0106334141ull	/* 4 levels, UC, WB, A/D */

/* The rest as real Intel CPUs of that generation report them (TRUE
 * variants, cf. test_vmx_defs.c); pin-based bit 7 allows posted interrupts. */
#define TRUE_PINBASED_CTLS	0x000000ff00000016ull
#define TRUE_PROCBASED_CTLS	0xfff9fffe04006172ull	/* no tertiary controls */
#define TRUE_EXIT_CTLS		0x01ffffff00036dfbull
#define TRUE_ENTRY_CTLS		0x0003ffff000011fbull
/* Preemption-timer rate 5, HLT, shutdown and wait-for-SIPI states, 4 CR3
 * targets, VMWRITE to any field; no zero-length injection (bit 30). */
#define VMX_MISC		0x00000000300481e5ull
#define CR0_FIXED0		0x80000021ull		/* PG, NE, PE */
#define CR0_FIXED1		0xffffffffull
#define CR4_FIXED0		0x00002000ull		/* VMXE */
#define CR4_FIXED1		0x003727ffull
#define VMFUNC_CAPS		0x1ull			/* EPTP switching */
#define PHYS_ADDR_WIDTH		40
#define LINEAR_ADDR_WIDTH	48

static struct entry_check_caps caps;

static void caps_reset(void)
{
	caps = (struct entry_check_caps){
		.basic = BOCHS_VMX_BASIC,
		.pinbased_ctls = TRUE_PINBASED_CTLS,
		.procbased_ctls = TRUE_PROCBASED_CTLS,
		.exit_ctls = TRUE_EXIT_CTLS,
		.entry_ctls = TRUE_ENTRY_CTLS,
		.procbased_ctls2 = BOCHS_PROCBASED_CTLS2,
		.misc = VMX_MISC,
		.cr0_fixed0 = CR0_FIXED0, .cr0_fixed1 = CR0_FIXED1,
		.cr4_fixed0 = CR4_FIXED0, .cr4_fixed1 = CR4_FIXED1,
		.ept_vpid_cap = BOCHS_EPT_VPID_CAP,
		.vmfunc = VMFUNC_CAPS,
		.phys_addr_width = PHYS_ADDR_WIDTH,
		.linear_addr_width = LINEAR_ADDR_WIDTH,
	};
}

/* ---- the VMCS skiff builds (kernel/vmx/vmx.c) ---- */

/* Pages from skiff's pool: aligned, well below MAXPHYADDR. */
#define PA_EPT_PML4	0x00200000ull
#define PA_IO_BITMAP_A	0x00201000ull
#define PA_IO_BITMAP_B	0x00202000ull
#define PA_MSR_BITMAP	0x00203000ull
#define PA_VIRTUAL_APIC	0x00210000ull
#define PA_PI_DESC	0x00211040ull
#define PA_APIC_ACCESS	0xfee00000ull
#define PA_PML		0x00212000ull
#define PA_EPTP_LIST	0x00213000ull
#define PA_VMREAD_MAP	0x00214000ull
#define PA_VMWRITE_MAP	0x00215000ull
#define PA_LINKED_VMCS	0x00216000ull
#define PA_MSR_AREA	0x00217000ull
#define PA_VE_INFO	0x00218000ull

/* skiff's own state as vmx.c copies it into the host-state area. */
#define HOST_CR0_VALUE	(CR0_PG | CR0_WP | CR0_NE | CR0_ET | CR0_MP | CR0_PE)
#define HOST_CR4_VALUE	(CR4_PAE | CR4_PGE | CR4_OSFXSR | CR4_OSXMMEXCPT | CR4_VMXE | \
			 CR4_OSXSAVE)
#define HOST_CR3_VALUE	0x00101000ull
#define HOST_EFER_VALUE	(EFER_LME | EFER_LMA | EFER_NXE)
#define POWER_ON_PAT	0x0007040600070406ull

/* vmx.c's guest segments: flat 32-bit code and data, busy TSS, no LDT. */
#define AR_CODE32	0xc09bu
#define AR_DATA32	0xc093u
#define AR_TSS32_BUSY	0x008bu
#define AR_UNUSABLE	0x10000u
#define GUEST_SEL_CODE	0x08
#define GUEST_SEL_DATA	0x10
#define GUEST_ENTRY_RIP	0x00100000ull

/* Access rights for the variants below. */
#define AR_CODE64	0xa09bu		/* L = 1, D/B = 0 */
#define AR_REAL_CODE	0x009bu
#define AR_REAL_DATA	0x0093u
#define AR_V86		0x00f3u
#define AR_LDT		0x0082u
#define AR_DPL3		(3u << 5)

/* skiff's vCPU as vmx.c sets it up on these capabilities, with the
 * default watchdog on (the preemption timer) and the pages above. */
static struct vmx_vcpu vcpu;

static void choose_controls(void)
{
	const struct vmx_ctl_msrs m = {
		.pinbased = caps.pinbased_ctls, .procbased = caps.procbased_ctls,
		.procbased2 = caps.procbased_ctls2,
		.exit = caps.exit_ctls, .entry = caps.entry_ctls,
	};

	vcpu = (struct vmx_vcpu){
		.cr0_fixed0 = CR0_FIXED0, .cr0_fixed1 = CR0_FIXED1,
		.cr4_fixed0 = CR4_FIXED0, .cr4_fixed1 = CR4_FIXED1,
		.msr_bitmap = PA_MSR_BITMAP, .io_bitmap_a = PA_IO_BITMAP_A,
		.io_bitmap_b = PA_IO_BITMAP_B,
		.preemption_timer = 0x12345,
	};
	assert_int_equal(vmx_choose_controls(&vcpu, &m, true, true), 0);
	vmx_choose_cr_masks(&vcpu);
}

/* ept_pointer(): WB tables, 4-level walk, no A/D */
#define EPTP		(PA_EPT_PML4 | VMX_MEMORY_TYPE_WB | (3ull << EPTP_WALK_LENGTH_SHIFT))

/* What vmx.c reads from the running CPU for the host-state area. */
static const struct vmx_host_state host_state = {
	.cr0 = HOST_CR0_VALUE, .cr3 = HOST_CR3_VALUE, .cr4 = HOST_CR4_VALUE,
	.tr_base = 0x00108000, .gdtr_base = 0x00107000, .idtr_base = 0x00106000,
	.efer = HOST_EFER_VALUE, .pat = POWER_ON_PAT,
	.rsp = 0x0010f000, .rip = 0x00102000,
};

/* skiff's own first guest state (kernel/vmx/guest_entry.c), with this
 * test's CPU and controls. */
static void build_skiff_vmcs(void)
{
	caps_reset();
	vmcs_fake_reset();
	choose_controls();
	vmx_write_controls(&vcpu, EPTP);
	vmx_write_host_state(&vcpu, &host_state);
	vmx_write_guest_entry_state(&vcpu, GUEST_ENTRY_RIP);
}

static int check(struct entry_check_report *r)
{
	log_reset();
	return vmx_entry_check(&caps, r);
}

/* ---- small edits ---- */

static void or32(struct vmcs_field32 f, uint32_t bits)
{
	vmcs_write32(f, vmcs_read32(f) | bits);
}

static void clear32(struct vmcs_field32 f, uint32_t bits)
{
	vmcs_write32(f, vmcs_read32(f) & ~bits);
}

static void or64(struct vmcs_field64 f, uint64_t bits)
{
	vmcs_write64(f, vmcs_read64(f) | bits);
}

static void or_nat(struct vmcs_field_natural f, uint64_t bits)
{
	vmcs_write_natural(f, vmcs_read_natural(f) | bits);
}

static void clear_nat(struct vmcs_field_natural f, uint64_t bits)
{
	vmcs_write_natural(f, vmcs_read_natural(f) & ~bits);
}

static void set_ept_pointer(uint64_t bits, uint64_t mask)
{
	vmcs_write64(EPT_POINTER, (vmcs_read64(EPT_POINTER) & ~mask) | bits);
}

static void inject(uint8_t vector, enum intr_type type, bool error_code)
{
	vmcs_write32(VM_ENTRY_INTR_INFO, intr_info_make(vector, type, error_code));
}

/* ---- valid variants of the image, starting points for some breakages ---- */

/* A 64-bit guest, as after the guest enabled long mode. */
static void long_mode_guest(void)
{
	or32(VM_ENTRY_CONTROLS, VM_ENTRY_IA32E_MODE_GUEST);
	or_nat(GUEST_CR0, CR0_PG);
	or_nat(GUEST_CR4, CR4_PAE);
	vmcs_write64(GUEST_IA32_EFER, EFER_LME | EFER_LMA);
	vmcs_write32(GUEST_CS_ACCESS_RIGHTS, AR_CODE64);
	vmcs_write_natural(GUEST_RIP, 0xffffffff80001000ull);
}

static void real_segments(uint16_t sel, uint32_t code_ar, uint32_t data_ar)
{
	uint64_t base = (uint64_t)sel << 4;

	vmx_write_guest_segment(VMX_GUEST_SEGMENT(CS), sel, 0xffff, code_ar);
	vmx_write_guest_segment(VMX_GUEST_SEGMENT(SS), sel, 0xffff, data_ar);
	vmx_write_guest_segment(VMX_GUEST_SEGMENT(DS), sel, 0xffff, data_ar);
	vmx_write_guest_segment(VMX_GUEST_SEGMENT(ES), sel, 0xffff, data_ar);
	vmx_write_guest_segment(VMX_GUEST_SEGMENT(FS), sel, 0xffff, data_ar);
	vmx_write_guest_segment(VMX_GUEST_SEGMENT(GS), sel, 0xffff, data_ar);
	vmcs_write_natural(GUEST_CS_BASE, base);
	vmcs_write_natural(GUEST_SS_BASE, base);
	vmcs_write_natural(GUEST_DS_BASE, base);
	vmcs_write_natural(GUEST_ES_BASE, base);
	vmcs_write_natural(GUEST_FS_BASE, base);
	vmcs_write_natural(GUEST_GS_BASE, base);
}

/* Real mode, as an unrestricted guest may run it (CR0.PE = 0). */
static void real_mode_guest(void)
{
	clear_nat(GUEST_CR0, CR0_PE);
	real_segments(0, AR_REAL_CODE, AR_REAL_DATA);
	vmcs_write_natural(GUEST_RIP, 0x7c00);
}

/* Virtual-8086 mode (RFLAGS.VM = 1). */
static void v86_guest(void)
{
	or_nat(GUEST_RFLAGS, RFLAGS_VM);
	real_segments(0x1000, AR_V86, AR_V86);
}

/* Without "unrestricted guest" (EPT stays): paging must then be on. */
static void restricted_guest(void)
{
	clear32(SECONDARY_VM_EXEC_CONTROL, SECONDARY_EXEC_UNRESTRICTED_GUEST);
	or_nat(GUEST_CR0, CR0_PG);
}

/* 32-bit PAE paging: with EPT the PDPTEs come from the VMCS. */
static void pae_guest(void)
{
	or_nat(GUEST_CR0, CR0_PG);
	or_nat(GUEST_CR4, CR4_PAE);
	vmcs_write64(GUEST_PDPTE0, 0x00300001);
	vmcs_write64(GUEST_PDPTE1, 0x00301001);
	vmcs_write64(GUEST_PDPTE2, 0x00302001);
	vmcs_write64(GUEST_PDPTE3, 0);
}

static void tpr_shadow(void)
{
	or32(CPU_BASED_VM_EXEC_CONTROL, CPU_BASED_USE_TPR_SHADOW);
	vmcs_write64(VIRTUAL_APIC_PAGE_ADDR, PA_VIRTUAL_APIC);
	vmcs_write32(TPR_THRESHOLD, 0);
}

static void posted_interrupts(void)
{
	tpr_shadow();
	or32(PIN_BASED_VM_EXEC_CONTROL, PIN_BASED_POSTED_INTERRUPTS |
	     PIN_BASED_EXTERNAL_INTERRUPT_EXITING);
	or32(SECONDARY_VM_EXEC_CONTROL, SECONDARY_EXEC_VIRTUAL_INTR_DELIVERY);
	or32(VM_EXIT_CONTROLS, VM_EXIT_ACK_INTR_ON_EXIT);
	vmcs_write16(POSTED_INTR_NOTIFICATION_VECTOR, 0xf2);
	vmcs_write64(POSTED_INTR_DESC_ADDR, PA_PI_DESC);
}

static void virtual_nmis(void)
{
	or32(PIN_BASED_VM_EXEC_CONTROL, PIN_BASED_NMI_EXITING | PIN_BASED_VIRTUAL_NMIS);
}

static void vmcs_shadowing(void)
{
	or32(SECONDARY_VM_EXEC_CONTROL, SECONDARY_EXEC_VMCS_SHADOWING);
	vmcs_write64(VMREAD_BITMAP, PA_VMREAD_MAP);
	vmcs_write64(VMWRITE_BITMAP, PA_VMWRITE_MAP);
	vmcs_write64(VMCS_LINK_POINTER, PA_LINKED_VMCS);
}

static void eptp_switching(void)
{
	or32(SECONDARY_VM_EXEC_CONTROL, SECONDARY_EXEC_ENABLE_VM_FUNCTIONS);
	vmcs_write64(VM_FUNCTION_CONTROLS, 1);
	vmcs_write64(EPTP_LIST_ADDRESS, PA_EPTP_LIST);
}

static void eptp_ad_flags(void)
{
	set_ept_pointer(EPTP_AD_ENABLE, 0);
}

static void msr_areas(void)
{
	vmcs_write32(VM_EXIT_MSR_STORE_COUNT, 2);
	vmcs_write64(VM_EXIT_MSR_STORE_ADDR, PA_MSR_AREA);
	vmcs_write32(VM_EXIT_MSR_LOAD_COUNT, 2);
	vmcs_write64(VM_EXIT_MSR_LOAD_ADDR, PA_MSR_AREA + 0x100);
	vmcs_write32(VM_ENTRY_MSR_LOAD_COUNT, 2);
	vmcs_write64(VM_ENTRY_MSR_LOAD_ADDR, PA_MSR_AREA + 0x200);
}

static void inject_gp(void)
{
	inject(13, INTR_TYPE_HW_EXCEPTION, true);
	vmcs_write32(VM_ENTRY_EXCEPTION_ERROR_CODE, 0);
}

static void inject_int_0x80(void)
{
	inject(0x80, INTR_TYPE_SW_INTERRUPT, false);
	vmcs_write32(VM_ENTRY_INSTRUCTION_LEN, 2);
}

static void hlt_with_interrupt(void)
{
	or_nat(GUEST_RFLAGS, RFLAGS_IF);
	vmcs_write32(GUEST_ACTIVITY_STATE, GUEST_ACTIVITY_HLT);
	inject(0x30, INTR_TYPE_EXTERNAL, false);
}

static void single_step_after_sti(void)
{
	or_nat(GUEST_RFLAGS, RFLAGS_IF | RFLAGS_TF);
	vmcs_write32(GUEST_INTERRUPTIBILITY_STATE, GUEST_INTR_BLOCK_STI);
	vmcs_write_natural(GUEST_PENDING_DBG_EXCEPTIONS, GUEST_PENDING_DBG_BS);
}

struct variant {
	const char *name;
	void (*apply)(void);
};

static const struct variant variants[] = {
	{ "valid_64bit_guest", long_mode_guest },
	{ "valid_real_mode_guest", real_mode_guest },
	{ "valid_virtual_8086_guest", v86_guest },
	{ "valid_restricted_guest", restricted_guest },
	{ "valid_pae_guest_with_ept_pdptes", pae_guest },
	{ "valid_tpr_shadow", tpr_shadow },
	{ "valid_posted_interrupts", posted_interrupts },
	{ "valid_virtual_nmis", virtual_nmis },
	{ "valid_vmcs_shadowing", vmcs_shadowing },
	{ "valid_eptp_switching", eptp_switching },
	{ "valid_eptp_ad_flags", eptp_ad_flags },
	{ "valid_msr_areas", msr_areas },
	{ "valid_gp_injection", inject_gp },
	{ "valid_int_0x80_injection", inject_int_0x80 },
	{ "valid_hlt_woken_by_interrupt", hlt_with_interrupt },
	{ "valid_single_step_after_sti", single_step_after_sti },
};

/* ---- breakages, in the order of the rules ---- */

/* 27.2.1.1 */
static void pin_default1_bit_clear(void) { clear32(PIN_BASED_VM_EXEC_CONTROL, 1u << 1); }
static void pin_unsupported_bit_set(void) { or32(PIN_BASED_VM_EXEC_CONTROL, 1u << 8); }
static void proc_default1_bit_clear(void) { clear32(CPU_BASED_VM_EXEC_CONTROL, 1u << 1); }

static void proc_tertiary_not_allowed(void)
{
	or32(CPU_BASED_VM_EXEC_CONTROL, CPU_BASED_ACTIVATE_TERTIARY_CONTROLS);
}

static void proc2_pasid_not_allowed(void)
{
	or32(SECONDARY_VM_EXEC_CONTROL, SECONDARY_EXEC_PASID_TRANSLATION);
}

static void cr3_target_count_5(void) { vmcs_write32(CR3_TARGET_COUNT, 5); }
static void io_bitmap_b_unaligned(void) { vmcs_write64(IO_BITMAP_B, PA_IO_BITMAP_B + 0x800); }
static void io_bitmap_a_beyond_maxphyaddr(void) { or64(IO_BITMAP_A, 1ull << PHYS_ADDR_WIDTH); }
static void msr_bitmap_unaligned(void) { vmcs_write64(MSR_BITMAP, PA_MSR_BITMAP + 4); }

static void virtual_apic_unaligned(void)
{
	tpr_shadow();
	vmcs_write64(VIRTUAL_APIC_PAGE_ADDR, PA_VIRTUAL_APIC + 0x10);
}

static void tpr_threshold_above_15(void)
{
	tpr_shadow();
	vmcs_write32(TPR_THRESHOLD, 0x10);
}

static void apic_register_virt_without_tpr_shadow(void)
{
	or32(SECONDARY_VM_EXEC_CONTROL, SECONDARY_EXEC_APIC_REGISTER_VIRT);
}

static void virtual_nmis_without_nmi_exiting(void)
{
	or32(PIN_BASED_VM_EXEC_CONTROL, PIN_BASED_VIRTUAL_NMIS);
	clear32(PIN_BASED_VM_EXEC_CONTROL, PIN_BASED_NMI_EXITING);
}

static void nmi_window_without_virtual_nmis(void)
{
	or32(CPU_BASED_VM_EXEC_CONTROL, CPU_BASED_NMI_WINDOW_EXITING);
	clear32(PIN_BASED_VM_EXEC_CONTROL, PIN_BASED_VIRTUAL_NMIS);
}

static void apic_access_unaligned(void)
{
	or32(SECONDARY_VM_EXEC_CONTROL, SECONDARY_EXEC_VIRTUALIZE_APIC_ACCESSES);
	vmcs_write64(APIC_ACCESS_ADDR, PA_APIC_ACCESS + 1);
}

static void x2apic_mode_with_apic_accesses(void)
{
	tpr_shadow();
	or32(SECONDARY_VM_EXEC_CONTROL, SECONDARY_EXEC_VIRTUALIZE_X2APIC_MODE |
	     SECONDARY_EXEC_VIRTUALIZE_APIC_ACCESSES);
	vmcs_write64(APIC_ACCESS_ADDR, PA_APIC_ACCESS);
}

static void vid_without_ext_int_exiting(void)
{
	tpr_shadow();
	or32(SECONDARY_VM_EXEC_CONTROL, SECONDARY_EXEC_VIRTUAL_INTR_DELIVERY);
}

static void posted_without_vid(void)
{
	posted_interrupts();
	clear32(SECONDARY_VM_EXEC_CONTROL, SECONDARY_EXEC_VIRTUAL_INTR_DELIVERY);
}

static void posted_without_ack(void)
{
	posted_interrupts();
	clear32(VM_EXIT_CONTROLS, VM_EXIT_ACK_INTR_ON_EXIT);
}

static void posted_vector_above_255(void)
{
	posted_interrupts();
	vmcs_write16(POSTED_INTR_NOTIFICATION_VECTOR, 0x1f2);
}

static void posted_desc_unaligned(void)
{
	posted_interrupts();
	vmcs_write64(POSTED_INTR_DESC_ADDR, PA_PI_DESC + 0x20);
}

static void vpid_zero(void) { vmcs_write16(VIRTUAL_PROCESSOR_ID, 0); }
static void eptp_memtype_wc(void) { set_ept_pointer(1, EPTP_MEMTYPE_MASK); }

static void eptp_memtype_uc_not_allowed(void)
{
	caps.ept_vpid_cap &= ~EPT_CAP_MEMTYPE_UC;
	set_ept_pointer(VMX_MEMORY_TYPE_UC, EPTP_MEMTYPE_MASK);
}

static void eptp_5_level_walk(void)
{
	set_ept_pointer(4ull << EPTP_WALK_LENGTH_SHIFT, 7ull << EPTP_WALK_LENGTH_SHIFT);
}

static void eptp_ad_without_cap(void)
{
	caps.ept_vpid_cap &= ~EPT_CAP_AD_FLAGS;
	set_ept_pointer(EPTP_AD_ENABLE, 0);
}

static void eptp_supervisor_shadow_stack(void) { set_ept_pointer(1ull << 7, 0); }
static void eptp_reserved_bit_8(void) { set_ept_pointer(1ull << 8, 0); }
static void eptp_beyond_maxphyaddr(void) { set_ept_pointer(1ull << PHYS_ADDR_WIDTH, 0); }

static void unrestricted_without_ept(void)
{
	clear32(SECONDARY_VM_EXEC_CONTROL, SECONDARY_EXEC_ENABLE_EPT);
}

static void pml_without_ept(void)
{
	restricted_guest();
	clear32(SECONDARY_VM_EXEC_CONTROL, SECONDARY_EXEC_ENABLE_EPT);
	or32(SECONDARY_VM_EXEC_CONTROL, SECONDARY_EXEC_ENABLE_PML);
	vmcs_write64(PML_ADDRESS, PA_PML);
}

static void pml_address_unaligned(void)
{
	or32(SECONDARY_VM_EXEC_CONTROL, SECONDARY_EXEC_ENABLE_PML);
	vmcs_write64(PML_ADDRESS, PA_PML + 0x800);
}

static void vm_function_1_not_allowed(void)
{
	or32(SECONDARY_VM_EXEC_CONTROL, SECONDARY_EXEC_ENABLE_VM_FUNCTIONS);
	vmcs_write64(VM_FUNCTION_CONTROLS, 1ull << 1);
}

static void eptp_switching_without_ept(void)
{
	restricted_guest();
	eptp_switching();
	clear32(SECONDARY_VM_EXEC_CONTROL, SECONDARY_EXEC_ENABLE_EPT);
}

static void eptp_list_unaligned(void)
{
	eptp_switching();
	vmcs_write64(EPTP_LIST_ADDRESS, PA_EPTP_LIST + 8);
}

static void vmwrite_bitmap_unaligned(void)
{
	vmcs_shadowing();
	vmcs_write64(VMWRITE_BITMAP, PA_VMWRITE_MAP + 0x100);
}

static void ve_info_unaligned(void)
{
	or32(SECONDARY_VM_EXEC_CONTROL, SECONDARY_EXEC_EPT_VIOLATION_VE);
	vmcs_write64(VE_INFORMATION_ADDRESS, PA_VE_INFO + 0x10);
}

/* 27.2.1.2 */
static void exit_default1_bit_clear(void) { clear32(VM_EXIT_CONTROLS, 1u << 0); }

static void save_timer_without_timer(void)
{
	clear32(PIN_BASED_VM_EXEC_CONTROL, PIN_BASED_VMX_PREEMPTION_TIMER);
	or32(VM_EXIT_CONTROLS, VM_EXIT_SAVE_PREEMPTION_TIMER);
}

static void exit_msr_store_unaligned(void)
{
	vmcs_write32(VM_EXIT_MSR_STORE_COUNT, 1);
	vmcs_write64(VM_EXIT_MSR_STORE_ADDR, PA_MSR_AREA + 8);
}

static void exit_msr_store_ends_beyond_maxphyaddr(void)
{
	vmcs_write32(VM_EXIT_MSR_STORE_COUNT, 16);
	vmcs_write64(VM_EXIT_MSR_STORE_ADDR, (1ull << PHYS_ADDR_WIDTH) - 0x80);
}

static void exit_msr_load_unaligned(void)
{
	vmcs_write32(VM_EXIT_MSR_LOAD_COUNT, 1);
	vmcs_write64(VM_EXIT_MSR_LOAD_ADDR, PA_MSR_AREA + 4);
}

/* 27.2.1.3 */
static void entry_unsupported_bit(void) { or32(VM_ENTRY_CONTROLS, 1u << 20); }

static void inject_type_1(void)
{
	vmcs_write32(VM_ENTRY_INTR_INFO, INTR_INFO_VALID | (1u << INTR_INFO_TYPE_SHIFT) | 0x20);
}

static void inject_mtf_without_mtf_support(void)
{
	caps.procbased_ctls &= ~((uint64_t)CPU_BASED_MONITOR_TRAP_FLAG << 32);
	inject(0, INTR_TYPE_OTHER, false);
}

static void inject_nmi_vector_3(void) { inject(3, INTR_TYPE_NMI, false); }
static void inject_exception_vector_32(void) { inject(32, INTR_TYPE_HW_EXCEPTION, false); }
static void inject_other_event_vector_1(void) { inject(1, INTR_TYPE_OTHER, false); }
static void inject_gp_without_error_code(void) { inject(13, INTR_TYPE_HW_EXCEPTION, false); }
static void inject_ud_with_error_code(void) { inject(6, INTR_TYPE_HW_EXCEPTION, true); }

static void inject_external_with_error_code(void)
{
	or_nat(GUEST_RFLAGS, RFLAGS_IF);
	inject(0x30, INTR_TYPE_EXTERNAL, true);
}

/* What handlers.c's vmx_inject_gp() writes, in a guest that switched to
 * real mode (unrestricted guest, CR0.PE = 0): real mode pushes no error
 * codes, and VM entry refuses the deliver-error-code bit there. */
static void skiff_vmx_inject_gp_in_real_mode(void)
{
	real_mode_guest();
	inject_gp();
}

static void inject_reserved_bit_12(void)
{
	vmcs_write32(VM_ENTRY_INTR_INFO, intr_info_make(6, INTR_TYPE_HW_EXCEPTION, false) |
		     (1u << 12));
}

static void inject_error_code_bit_16(void)
{
	inject_gp();
	vmcs_write32(VM_ENTRY_EXCEPTION_ERROR_CODE, 1u << 16);
}

static void inject_int_n_length_0(void)
{
	inject_int_0x80();
	vmcs_write32(VM_ENTRY_INSTRUCTION_LEN, 0);
}

static void inject_int3_length_16(void)
{
	inject(3, INTR_TYPE_SW_EXCEPTION, false);
	vmcs_write32(VM_ENTRY_INSTRUCTION_LEN, 16);
}

static void entry_to_smm(void) { or32(VM_ENTRY_CONTROLS, VM_ENTRY_ENTRY_TO_SMM); }

static void entry_msr_load_unaligned(void)
{
	vmcs_write32(VM_ENTRY_MSR_LOAD_COUNT, 2);
	vmcs_write64(VM_ENTRY_MSR_LOAD_ADDR, PA_MSR_AREA + 1);
}

/* 27.2.2 - 27.2.4 */
static void host_cr0_ne_clear(void) { clear_nat(HOST_CR0, CR0_NE); }
static void host_cr4_vmxe_clear(void) { clear_nat(HOST_CR4, CR4_VMXE); }
static void host_cr3_beyond_maxphyaddr(void) { or_nat(HOST_CR3, 1ull << PHYS_ADDR_WIDTH); }

static void host_sysenter_esp_noncanonical(void)
{
	vmcs_write_natural(HOST_IA32_SYSENTER_ESP, 0x0000800000000000ull);
}

static void host_pat_type_2(void) { vmcs_write64(HOST_IA32_PAT, 0x0007040600070402ull); }
static void host_efer_reserved_bit(void) { or64(HOST_IA32_EFER, 1ull << 1); }
static void host_efer_lma_clear(void) { vmcs_write64(HOST_IA32_EFER, EFER_LME | EFER_NXE); }
static void host_ds_rpl_3(void) { vmcs_write16(HOST_DS_SELECTOR, SEL_KERNEL_DS | 3); }
static void host_tr_ti_set(void) { vmcs_write16(HOST_TR_SELECTOR, SEL_TSS | 4); }
static void host_cs_null(void) { vmcs_write16(HOST_CS_SELECTOR, 0); }
static void host_tr_null(void) { vmcs_write16(HOST_TR_SELECTOR, 0); }

static void host_gs_base_noncanonical(void)
{
	vmcs_write_natural(HOST_GS_BASE, 0x0000800000000000ull);
}

/* Without "load IA32_EFER" too, or the EFER rule would fire as well. */
static void host_address_space_size_clear(void)
{
	clear32(VM_EXIT_CONTROLS, VM_EXIT_HOST_ADDR_SPACE_SIZE | VM_EXIT_LOAD_IA32_EFER);
}

static void host_cr4_pae_clear(void) { clear_nat(HOST_CR4, CR4_PAE); }
static void host_rip_noncanonical(void) { vmcs_write_natural(HOST_RIP, 0x0000800000000000ull); }

/* 27.3.1.1 */
static void guest_cr0_ne_clear(void) { clear_nat(GUEST_CR0, CR0_NE); }

static void restricted_guest_without_paging(void)
{
	restricted_guest();
	clear_nat(GUEST_CR0, CR0_PG);
}

static void guest_cr0_pg_without_pe(void)
{
	or_nat(GUEST_CR0, CR0_PG);
	clear_nat(GUEST_CR0, CR0_PE);
}

static void guest_cr4_vmxe_clear(void) { clear_nat(GUEST_CR4, CR4_VMXE); }
static void guest_cr4_unsupported_bit(void) { or_nat(GUEST_CR4, 1ull << 22); }
static void guest_debugctl_reserved_bit(void) { vmcs_write64(GUEST_IA32_DEBUGCTL, 1ull << 3); }

static void ia32e_guest_without_pae(void)
{
	long_mode_guest();
	clear_nat(GUEST_CR4, CR4_PAE);
}

static void pcide_outside_ia32e(void) { or_nat(GUEST_CR4, CR4_PCIDE); }
static void guest_cr3_beyond_maxphyaddr(void) { vmcs_write_natural(GUEST_CR3, 1ull << 40); }
static void guest_dr7_upper_bits(void) { vmcs_write_natural(GUEST_DR7, 0x100000400ull); }

static void guest_sysenter_eip_noncanonical(void)
{
	vmcs_write_natural(GUEST_IA32_SYSENTER_EIP, 0x0000800000000000ull);
}

static void guest_pat_type_8(void) { vmcs_write64(GUEST_IA32_PAT, 0x0807040600070406ull); }
static void guest_efer_reserved_bit_9(void) { vmcs_write64(GUEST_IA32_EFER, 1ull << 9); }
static void guest_efer_lma_outside_ia32e(void) { vmcs_write64(GUEST_IA32_EFER, EFER_LMA); }

static void guest_efer_lme_with_paging(void)
{
	or_nat(GUEST_CR0, CR0_PG);
	vmcs_write64(GUEST_IA32_EFER, EFER_LME);
}

static void bndcfgs_reserved_bit(void)
{
	or32(VM_ENTRY_CONTROLS, VM_ENTRY_LOAD_IA32_BNDCFGS);
	vmcs_write64(GUEST_IA32_BNDCFGS, 1ull << 2);
}

static void bndcfgs_noncanonical(void)
{
	or32(VM_ENTRY_CONTROLS, VM_ENTRY_LOAD_IA32_BNDCFGS);
	vmcs_write64(GUEST_IA32_BNDCFGS, 0x0000800000000001ull);
}

/* 27.3.1.2 */
static void guest_tr_ti_set(void) { vmcs_write16(GUEST_TR_SELECTOR, 4); }

static void guest_ldtr_ti_set(void)
{
	vmcs_write16(GUEST_LDTR_SELECTOR, 4);
	vmcs_write32(GUEST_LDTR_ACCESS_RIGHTS, AR_LDT);
}

static void restricted_cs_rpl_3(void)
{
	restricted_guest();
	vmcs_write16(GUEST_CS_SELECTOR, GUEST_SEL_CODE | 3);
}

static void v86_ds_base_off(void)
{
	v86_guest();
	vmcs_write_natural(GUEST_DS_BASE, 0x10010);
}

static void v86_es_limit_128k(void)
{
	v86_guest();
	vmcs_write32(GUEST_ES_LIMIT, 0x1ffff);
}

static void v86_ss_expand_down(void)
{
	v86_guest();
	vmcs_write32(GUEST_SS_ACCESS_RIGHTS, 0xf7);
}

static void fs_base_noncanonical(void)
{
	vmcs_write_natural(GUEST_FS_BASE, 0x0000800000000000ull);
}

static void tr_base_noncanonical(void)
{
	vmcs_write_natural(GUEST_TR_BASE, 0xfff0000000000000ull);
}

static void ds_base_above_4g(void) { vmcs_write_natural(GUEST_DS_BASE, 1ull << 32); }
static void cs_read_only_data(void) { vmcs_write32(GUEST_CS_ACCESS_RIGHTS, 0xc091); }

static void restricted_cs_read_write_data(void)
{
	restricted_guest();
	vmcs_write32(GUEST_CS_ACCESS_RIGHTS, AR_DATA32);
}

static void ss_code_segment(void) { vmcs_write32(GUEST_SS_ACCESS_RIGHTS, AR_CODE32); }
static void ds_not_accessed(void) { vmcs_write32(GUEST_DS_ACCESS_RIGHTS, 0xc092); }
static void es_execute_only_code(void) { vmcs_write32(GUEST_ES_ACCESS_RIGHTS, 0xc099); }
static void fs_system_descriptor(void) { vmcs_write32(GUEST_FS_ACCESS_RIGHTS, 0xc083); }
static void cs_dpl_3_ss_dpl_0(void) { vmcs_write32(GUEST_CS_ACCESS_RIGHTS, AR_CODE32 | AR_DPL3); }

static void conforming_cs_above_ss_dpl(void)
{
	vmcs_write32(GUEST_CS_ACCESS_RIGHTS, 0xc09f | AR_DPL3);
}

static void real_mode_ss_dpl_3(void)
{
	real_mode_guest();
	vmcs_write32(GUEST_CS_ACCESS_RIGHTS, AR_REAL_CODE | AR_DPL3);
	vmcs_write32(GUEST_SS_ACCESS_RIGHTS, AR_REAL_DATA | AR_DPL3);
}

static void restricted_ss_dpl_not_rpl(void)
{
	restricted_guest();
	vmcs_write32(GUEST_CS_ACCESS_RIGHTS, AR_CODE32 | AR_DPL3);
	vmcs_write32(GUEST_SS_ACCESS_RIGHTS, AR_DATA32 | AR_DPL3);
}

static void restricted_gs_dpl_below_rpl(void)
{
	restricted_guest();
	vmcs_write16(GUEST_GS_SELECTOR, GUEST_SEL_DATA | 3);
}

static void ds_not_present(void) { vmcs_write32(GUEST_DS_ACCESS_RIGHTS, AR_DATA32 & ~0x80u); }
static void es_reserved_bit_8(void) { or32(GUEST_ES_ACCESS_RIGHTS, 1u << 8); }
static void cs_reserved_bit_17(void) { or32(GUEST_CS_ACCESS_RIGHTS, 1u << 17); }

static void ia32e_cs_long_and_default_big(void)
{
	long_mode_guest();
	or32(GUEST_CS_ACCESS_RIGHTS, 1u << 14);
}

static void ss_page_granular_short_limit(void) { vmcs_write32(GUEST_SS_LIMIT, 0xffff0000); }
static void ds_byte_granular_4g_limit(void) { clear32(GUEST_DS_ACCESS_RIGHTS, 1u << 15); }
static void tr_byte_granular_above_1m(void) { vmcs_write32(GUEST_TR_LIMIT, 0x100000); }
static void tr_available_tss(void) { vmcs_write32(GUEST_TR_ACCESS_RIGHTS, 0x89); }

static void ia32e_tr_16bit_tss(void)
{
	long_mode_guest();
	vmcs_write32(GUEST_TR_ACCESS_RIGHTS, 0x83);
}

static void tr_s_set(void) { vmcs_write32(GUEST_TR_ACCESS_RIGHTS, 0x9b); }
static void tr_not_present(void) { vmcs_write32(GUEST_TR_ACCESS_RIGHTS, 0x0b); }
static void tr_unusable(void) { vmcs_write32(GUEST_TR_ACCESS_RIGHTS, AR_TSS32_BUSY | AR_UNUSABLE); }
static void ldtr_usable_tss_type(void) { vmcs_write32(GUEST_LDTR_ACCESS_RIGHTS, 0x83); }

/* 27.3.1.3 */
static void gdtr_base_noncanonical(void)
{
	vmcs_write_natural(GUEST_GDTR_BASE, 0x0000800000000000ull);
}

static void idtr_limit_above_64k(void) { vmcs_write32(GUEST_IDTR_LIMIT, 0x10000); }

/* 27.3.1.4 */
static void rip_above_4g_outside_64bit(void) { vmcs_write_natural(GUEST_RIP, 1ull << 32); }

static void rip_noncanonical_in_64bit(void)
{
	long_mode_guest();
	vmcs_write_natural(GUEST_RIP, 0x0000800000000000ull);
}

static void rflags_bit_1_clear(void) { vmcs_write_natural(GUEST_RFLAGS, 0); }
static void rflags_bit_15_set(void) { or_nat(GUEST_RFLAGS, 1ull << 15); }

static void v86_without_pe(void)
{
	v86_guest();
	clear_nat(GUEST_CR0, CR0_PE);
}

static void ext_int_with_if_clear(void) { inject(0x30, INTR_TYPE_EXTERNAL, false); }

/* 27.3.1.5 */
static void activity_state_4(void) { vmcs_write32(GUEST_ACTIVITY_STATE, 4); }

static void wait_for_sipi_unsupported(void)
{
	caps.misc &= ~(1ull << 8);
	vmcs_write32(GUEST_ACTIVITY_STATE, GUEST_ACTIVITY_WAIT_SIPI);
}

static void hlt_with_ss_dpl_3(void)
{
	vmcs_write32(GUEST_ACTIVITY_STATE, GUEST_ACTIVITY_HLT);
	vmcs_write32(GUEST_CS_ACCESS_RIGHTS, AR_CODE32 | AR_DPL3);
	vmcs_write32(GUEST_SS_ACCESS_RIGHTS, AR_DATA32 | AR_DPL3);
}

static void hlt_with_mov_ss_blocking(void)
{
	vmcs_write32(GUEST_ACTIVITY_STATE, GUEST_ACTIVITY_HLT);
	vmcs_write32(GUEST_INTERRUPTIBILITY_STATE, GUEST_INTR_BLOCK_MOV_SS);
}

static void hlt_inject_ud(void)
{
	vmcs_write32(GUEST_ACTIVITY_STATE, GUEST_ACTIVITY_HLT);
	inject(6, INTR_TYPE_HW_EXCEPTION, false);
}

static void shutdown_inject_external(void)
{
	hlt_with_interrupt();
	vmcs_write32(GUEST_ACTIVITY_STATE, GUEST_ACTIVITY_SHUTDOWN);
}

static void interruptibility_bit_5(void) { vmcs_write32(GUEST_INTERRUPTIBILITY_STATE, 1u << 5); }

static void enclave_interruption_without_sgx(void)
{
	vmcs_write32(GUEST_INTERRUPTIBILITY_STATE, 1u << 4);
}

static void sti_and_mov_ss_blocking(void)
{
	or_nat(GUEST_RFLAGS, RFLAGS_IF);
	vmcs_write32(GUEST_INTERRUPTIBILITY_STATE, GUEST_INTR_BLOCK_STI | GUEST_INTR_BLOCK_MOV_SS);
}

static void sti_blocking_with_if_clear(void)
{
	vmcs_write32(GUEST_INTERRUPTIBILITY_STATE, GUEST_INTR_BLOCK_STI);
}

static void ext_int_under_mov_ss(void)
{
	or_nat(GUEST_RFLAGS, RFLAGS_IF);
	vmcs_write32(GUEST_INTERRUPTIBILITY_STATE, GUEST_INTR_BLOCK_MOV_SS);
	inject(0x30, INTR_TYPE_EXTERNAL, false);
}

static void nmi_under_mov_ss(void)
{
	vmcs_write32(GUEST_INTERRUPTIBILITY_STATE, GUEST_INTR_BLOCK_MOV_SS);
	inject(2, INTR_TYPE_NMI, false);
}

static void smi_blocking_outside_smm(void)
{
	vmcs_write32(GUEST_INTERRUPTIBILITY_STATE, GUEST_INTR_BLOCK_SMI);
}

static void virtual_nmi_blocked_nmi_injected(void)
{
	virtual_nmis();
	vmcs_write32(GUEST_INTERRUPTIBILITY_STATE, GUEST_INTR_BLOCK_NMI);
	inject(2, INTR_TYPE_NMI, false);
}

static void pending_dbg_bit_4(void) { vmcs_write_natural(GUEST_PENDING_DBG_EXCEPTIONS, 1u << 4); }

static void single_step_after_sti_without_bs(void)
{
	single_step_after_sti();
	vmcs_write_natural(GUEST_PENDING_DBG_EXCEPTIONS, 0);
}

/* handlers.c: vmx_exit_hlt() after vmx_skip_instruction(), which sets BS
 * whenever RFLAGS.TF = 1, with the guest's IA32_DEBUGCTL.BTF = 1 (a
 * branch single-step: no trap is owed after HLT).  HLT activity then
 * requires BS = 0. */
static void skiff_hlt_after_single_step_with_btf(void)
{
	or_nat(GUEST_RFLAGS, RFLAGS_IF | RFLAGS_TF);
	vmcs_write64(GUEST_IA32_DEBUGCTL, 1ull << 1);
	vmcs_write_natural(GUEST_PENDING_DBG_EXCEPTIONS, GUEST_PENDING_DBG_BS);
	vmcs_write32(GUEST_ACTIVITY_STATE, GUEST_ACTIVITY_HLT);
}

static void pending_rtm_without_rtm(void)
{
	vmcs_write_natural(GUEST_PENDING_DBG_EXCEPTIONS, (1u << 16) | (1u << 12));
}

static void shadowing_without_link(void)
{
	vmcs_shadowing();
	vmcs_write64(VMCS_LINK_POINTER, ~0ull);
}

static void link_pointer_unaligned(void)
{
	vmcs_shadowing();
	vmcs_write64(VMCS_LINK_POINTER, PA_LINKED_VMCS + 0x800);
}

static void link_pointer_without_shadowing(void)
{
	vmcs_write64(VMCS_LINK_POINTER, PA_LINKED_VMCS);
}

/* 27.3.1.6 */
static void pae_pdpte_reserved_bit_1(void)
{
	pae_guest();
	or64(GUEST_PDPTE2, 1ull << 1);
}

static void pae_pdpte_bit_63(void)
{
	pae_guest();
	or64(GUEST_PDPTE0, 1ull << 63);
}

struct breakage {
	const char *name;
	void (*mutate)(void);
	enum entry_rule rule;
	const char *field;	/* the field the line must name */
};

#define BREAK(fn, rule, field)	{ #fn, fn, EC_##rule, #field }

static const struct breakage breakages[] = {
	BREAK(pin_default1_bit_clear, CTL_PIN_RESERVED, PIN_BASED_VM_EXEC_CONTROL),
	BREAK(pin_unsupported_bit_set, CTL_PIN_RESERVED, PIN_BASED_VM_EXEC_CONTROL),
	BREAK(proc_default1_bit_clear, CTL_PROC_RESERVED, CPU_BASED_VM_EXEC_CONTROL),
	BREAK(proc_tertiary_not_allowed, CTL_PROC_RESERVED, CPU_BASED_VM_EXEC_CONTROL),
	BREAK(proc2_pasid_not_allowed, CTL_PROC2_RESERVED, SECONDARY_VM_EXEC_CONTROL),
	BREAK(cr3_target_count_5, CTL_CR3_TARGET_COUNT, CR3_TARGET_COUNT),
	BREAK(io_bitmap_b_unaligned, CTL_IO_BITMAP_ADDR, IO_BITMAP_B),
	BREAK(io_bitmap_a_beyond_maxphyaddr, CTL_IO_BITMAP_ADDR, IO_BITMAP_A),
	BREAK(msr_bitmap_unaligned, CTL_MSR_BITMAP_ADDR, MSR_BITMAP),
	BREAK(virtual_apic_unaligned, CTL_VIRTUAL_APIC_ADDR, VIRTUAL_APIC_PAGE_ADDR),
	BREAK(tpr_threshold_above_15, CTL_TPR_THRESHOLD, TPR_THRESHOLD),
	BREAK(apic_register_virt_without_tpr_shadow, CTL_TPR_SHADOW_NEEDED,
	      SECONDARY_VM_EXEC_CONTROL),
	BREAK(virtual_nmis_without_nmi_exiting, CTL_VIRTUAL_NMIS, PIN_BASED_VM_EXEC_CONTROL),
	BREAK(nmi_window_without_virtual_nmis, CTL_NMI_WINDOW, CPU_BASED_VM_EXEC_CONTROL),
	BREAK(apic_access_unaligned, CTL_APIC_ACCESS_ADDR, APIC_ACCESS_ADDR),
	BREAK(x2apic_mode_with_apic_accesses, CTL_X2APIC_APIC_ACCESS, SECONDARY_VM_EXEC_CONTROL),
	BREAK(vid_without_ext_int_exiting, CTL_VID_EXT_INT, PIN_BASED_VM_EXEC_CONTROL),
	BREAK(posted_without_vid, CTL_POSTED_VID, SECONDARY_VM_EXEC_CONTROL),
	BREAK(posted_without_ack, CTL_POSTED_ACK, VM_EXIT_CONTROLS),
	BREAK(posted_vector_above_255, CTL_POSTED_VECTOR, POSTED_INTR_NOTIFICATION_VECTOR),
	BREAK(posted_desc_unaligned, CTL_POSTED_DESC_ADDR, POSTED_INTR_DESC_ADDR),
	BREAK(vpid_zero, CTL_VPID_ZERO, VIRTUAL_PROCESSOR_ID),
	BREAK(eptp_memtype_wc, CTL_EPTP_MEMTYPE, EPT_POINTER),
	BREAK(eptp_memtype_uc_not_allowed, CTL_EPTP_MEMTYPE, EPT_POINTER),
	BREAK(eptp_5_level_walk, CTL_EPTP_WALK_LENGTH, EPT_POINTER),
	BREAK(eptp_ad_without_cap, CTL_EPTP_AD, EPT_POINTER),
	BREAK(eptp_supervisor_shadow_stack, CTL_EPTP_SSS, EPT_POINTER),
	BREAK(eptp_reserved_bit_8, CTL_EPTP_RESERVED, EPT_POINTER),
	BREAK(eptp_beyond_maxphyaddr, CTL_EPTP_RESERVED, EPT_POINTER),
	BREAK(unrestricted_without_ept, CTL_UNRESTRICTED_EPT, SECONDARY_VM_EXEC_CONTROL),
	BREAK(pml_without_ept, CTL_PML_EPT, SECONDARY_VM_EXEC_CONTROL),
	BREAK(pml_address_unaligned, CTL_PML_ADDR, PML_ADDRESS),
	BREAK(vm_function_1_not_allowed, CTL_VMFUNC_RESERVED, VM_FUNCTION_CONTROLS),
	BREAK(eptp_switching_without_ept, CTL_EPTP_SWITCHING_EPT, VM_FUNCTION_CONTROLS),
	BREAK(eptp_list_unaligned, CTL_EPTP_LIST_ADDR, EPTP_LIST_ADDRESS),
	BREAK(vmwrite_bitmap_unaligned, CTL_VMCS_SHADOW_BITMAPS, VMWRITE_BITMAP),
	BREAK(ve_info_unaligned, CTL_VE_INFO_ADDR, VE_INFORMATION_ADDRESS),

	BREAK(exit_default1_bit_clear, CTL_EXIT_RESERVED, VM_EXIT_CONTROLS),
	BREAK(save_timer_without_timer, CTL_SAVE_TIMER, VM_EXIT_CONTROLS),
	BREAK(exit_msr_store_unaligned, CTL_EXIT_MSR_STORE, VM_EXIT_MSR_STORE_ADDR),
	BREAK(exit_msr_store_ends_beyond_maxphyaddr, CTL_EXIT_MSR_STORE, VM_EXIT_MSR_STORE_ADDR),
	BREAK(exit_msr_load_unaligned, CTL_EXIT_MSR_LOAD, VM_EXIT_MSR_LOAD_ADDR),

	BREAK(entry_unsupported_bit, CTL_ENTRY_RESERVED, VM_ENTRY_CONTROLS),
	BREAK(inject_type_1, CTL_INJECT_TYPE, VM_ENTRY_INTR_INFO),
	BREAK(inject_mtf_without_mtf_support, CTL_INJECT_TYPE, VM_ENTRY_INTR_INFO),
	BREAK(inject_nmi_vector_3, CTL_INJECT_VECTOR, VM_ENTRY_INTR_INFO),
	BREAK(inject_exception_vector_32, CTL_INJECT_VECTOR, VM_ENTRY_INTR_INFO),
	BREAK(inject_other_event_vector_1, CTL_INJECT_VECTOR, VM_ENTRY_INTR_INFO),
	BREAK(inject_gp_without_error_code, CTL_INJECT_ERROR_CODE, VM_ENTRY_INTR_INFO),
	BREAK(inject_ud_with_error_code, CTL_INJECT_ERROR_CODE, VM_ENTRY_INTR_INFO),
	BREAK(inject_external_with_error_code, CTL_INJECT_ERROR_CODE, VM_ENTRY_INTR_INFO),
	BREAK(skiff_vmx_inject_gp_in_real_mode, CTL_INJECT_ERROR_CODE, VM_ENTRY_INTR_INFO),
	BREAK(inject_reserved_bit_12, CTL_INJECT_RESERVED, VM_ENTRY_INTR_INFO),
	BREAK(inject_error_code_bit_16, CTL_INJECT_ERROR_VALUE, VM_ENTRY_EXCEPTION_ERROR_CODE),
	BREAK(inject_int_n_length_0, CTL_INJECT_LENGTH, VM_ENTRY_INSTRUCTION_LEN),
	BREAK(inject_int3_length_16, CTL_INJECT_LENGTH, VM_ENTRY_INSTRUCTION_LEN),
	BREAK(entry_to_smm, CTL_ENTRY_SMM, VM_ENTRY_CONTROLS),
	BREAK(entry_msr_load_unaligned, CTL_ENTRY_MSR_LOAD, VM_ENTRY_MSR_LOAD_ADDR),

	BREAK(host_cr0_ne_clear, HOST_CR0_FIXED, HOST_CR0),
	BREAK(host_cr4_vmxe_clear, HOST_CR4_FIXED, HOST_CR4),
	BREAK(host_cr3_beyond_maxphyaddr, HOST_CR3_WIDTH, HOST_CR3),
	BREAK(host_sysenter_esp_noncanonical, HOST_SYSENTER_CANONICAL, HOST_IA32_SYSENTER_ESP),
	BREAK(host_pat_type_2, HOST_PAT, HOST_IA32_PAT),
	BREAK(host_efer_reserved_bit, HOST_EFER_RESERVED, HOST_IA32_EFER),
	BREAK(host_efer_lma_clear, HOST_EFER_LMA_LME, HOST_IA32_EFER),
	BREAK(host_ds_rpl_3, HOST_SELECTOR_RPL_TI, HOST_DS_SELECTOR),
	BREAK(host_tr_ti_set, HOST_SELECTOR_RPL_TI, HOST_TR_SELECTOR),
	BREAK(host_cs_null, HOST_CS_NULL, HOST_CS_SELECTOR),
	BREAK(host_tr_null, HOST_TR_NULL, HOST_TR_SELECTOR),
	BREAK(host_gs_base_noncanonical, HOST_BASE_CANONICAL, HOST_GS_BASE),
	BREAK(host_address_space_size_clear, HOST_ADDR_SPACE_SIZE, VM_EXIT_CONTROLS),
	BREAK(host_cr4_pae_clear, HOST_CR4_PAE, HOST_CR4),
	BREAK(host_rip_noncanonical, HOST_RIP_CANONICAL, HOST_RIP),

	BREAK(guest_cr0_ne_clear, GUEST_CR0_FIXED, GUEST_CR0),
	BREAK(restricted_guest_without_paging, GUEST_CR0_FIXED, GUEST_CR0),
	BREAK(guest_cr0_pg_without_pe, GUEST_CR0_PG_PE, GUEST_CR0),
	BREAK(guest_cr4_vmxe_clear, GUEST_CR4_FIXED, GUEST_CR4),
	BREAK(guest_cr4_unsupported_bit, GUEST_CR4_FIXED, GUEST_CR4),
	BREAK(guest_debugctl_reserved_bit, GUEST_DEBUGCTL, GUEST_IA32_DEBUGCTL),
	BREAK(ia32e_guest_without_pae, GUEST_IA32E_PG_PAE, GUEST_CR4),
	BREAK(pcide_outside_ia32e, GUEST_PCIDE, GUEST_CR4),
	BREAK(guest_cr3_beyond_maxphyaddr, GUEST_CR3_WIDTH, GUEST_CR3),
	BREAK(guest_dr7_upper_bits, GUEST_DR7, GUEST_DR7),
	BREAK(guest_sysenter_eip_noncanonical, GUEST_SYSENTER_CANONICAL, GUEST_IA32_SYSENTER_EIP),
	BREAK(guest_pat_type_8, GUEST_PAT, GUEST_IA32_PAT),
	BREAK(guest_efer_reserved_bit_9, GUEST_EFER_RESERVED, GUEST_IA32_EFER),
	BREAK(guest_efer_lma_outside_ia32e, GUEST_EFER_LMA, GUEST_IA32_EFER),
	BREAK(guest_efer_lme_with_paging, GUEST_EFER_LME, GUEST_IA32_EFER),
	BREAK(bndcfgs_reserved_bit, GUEST_BNDCFGS, GUEST_IA32_BNDCFGS),
	BREAK(bndcfgs_noncanonical, GUEST_BNDCFGS, GUEST_IA32_BNDCFGS),

	BREAK(guest_tr_ti_set, GUEST_TR_TI, GUEST_TR_SELECTOR),
	BREAK(guest_ldtr_ti_set, GUEST_LDTR_TI, GUEST_LDTR_SELECTOR),
	BREAK(restricted_cs_rpl_3, GUEST_SS_RPL, GUEST_SS_SELECTOR),
	BREAK(v86_ds_base_off, GUEST_V86_BASE, GUEST_DS_BASE),
	BREAK(v86_es_limit_128k, GUEST_V86_LIMIT, GUEST_ES_LIMIT),
	BREAK(v86_ss_expand_down, GUEST_V86_AR, GUEST_SS_ACCESS_RIGHTS),
	BREAK(fs_base_noncanonical, GUEST_BASE_CANONICAL, GUEST_FS_BASE),
	BREAK(tr_base_noncanonical, GUEST_BASE_CANONICAL, GUEST_TR_BASE),
	BREAK(ds_base_above_4g, GUEST_BASE_UPPER, GUEST_DS_BASE),
	BREAK(cs_read_only_data, GUEST_CS_TYPE, GUEST_CS_ACCESS_RIGHTS),
	BREAK(restricted_cs_read_write_data, GUEST_CS_TYPE, GUEST_CS_ACCESS_RIGHTS),
	BREAK(ss_code_segment, GUEST_SS_TYPE, GUEST_SS_ACCESS_RIGHTS),
	BREAK(ds_not_accessed, GUEST_DATA_TYPE, GUEST_DS_ACCESS_RIGHTS),
	BREAK(es_execute_only_code, GUEST_DATA_TYPE, GUEST_ES_ACCESS_RIGHTS),
	BREAK(fs_system_descriptor, GUEST_SEG_S, GUEST_FS_ACCESS_RIGHTS),
	BREAK(cs_dpl_3_ss_dpl_0, GUEST_CS_DPL, GUEST_CS_ACCESS_RIGHTS),
	BREAK(conforming_cs_above_ss_dpl, GUEST_CS_DPL, GUEST_CS_ACCESS_RIGHTS),
	BREAK(real_mode_ss_dpl_3, GUEST_SS_DPL, GUEST_SS_ACCESS_RIGHTS),
	BREAK(restricted_ss_dpl_not_rpl, GUEST_SS_DPL, GUEST_SS_ACCESS_RIGHTS),
	BREAK(restricted_gs_dpl_below_rpl, GUEST_DATA_DPL, GUEST_GS_ACCESS_RIGHTS),
	BREAK(ds_not_present, GUEST_SEG_PRESENT, GUEST_DS_ACCESS_RIGHTS),
	BREAK(es_reserved_bit_8, GUEST_SEG_RESERVED, GUEST_ES_ACCESS_RIGHTS),
	BREAK(cs_reserved_bit_17, GUEST_SEG_RESERVED, GUEST_CS_ACCESS_RIGHTS),
	BREAK(ia32e_cs_long_and_default_big, GUEST_CS_DB, GUEST_CS_ACCESS_RIGHTS),
	BREAK(ss_page_granular_short_limit, GUEST_SEG_GRANULARITY, GUEST_SS_LIMIT),
	BREAK(ds_byte_granular_4g_limit, GUEST_SEG_GRANULARITY, GUEST_DS_LIMIT),
	BREAK(tr_byte_granular_above_1m, GUEST_SEG_GRANULARITY, GUEST_TR_LIMIT),
	BREAK(tr_available_tss, GUEST_TR_TYPE, GUEST_TR_ACCESS_RIGHTS),
	BREAK(ia32e_tr_16bit_tss, GUEST_TR_TYPE, GUEST_TR_ACCESS_RIGHTS),
	BREAK(tr_s_set, GUEST_TR_S, GUEST_TR_ACCESS_RIGHTS),
	BREAK(tr_not_present, GUEST_TR_PRESENT, GUEST_TR_ACCESS_RIGHTS),
	BREAK(tr_unusable, GUEST_TR_USABLE, GUEST_TR_ACCESS_RIGHTS),
	BREAK(ldtr_usable_tss_type, GUEST_LDTR_AR, GUEST_LDTR_ACCESS_RIGHTS),

	BREAK(gdtr_base_noncanonical, GUEST_DTR_BASE, GUEST_GDTR_BASE),
	BREAK(idtr_limit_above_64k, GUEST_DTR_LIMIT, GUEST_IDTR_LIMIT),

	BREAK(rip_above_4g_outside_64bit, GUEST_RIP_UPPER, GUEST_RIP),
	BREAK(rip_noncanonical_in_64bit, GUEST_RIP_CANONICAL, GUEST_RIP),
	BREAK(rflags_bit_1_clear, GUEST_RFLAGS_RESERVED, GUEST_RFLAGS),
	BREAK(rflags_bit_15_set, GUEST_RFLAGS_RESERVED, GUEST_RFLAGS),
	BREAK(v86_without_pe, GUEST_RFLAGS_VM, GUEST_RFLAGS),
	BREAK(ext_int_with_if_clear, GUEST_RFLAGS_IF, GUEST_RFLAGS),

	BREAK(activity_state_4, GUEST_ACTIVITY_STATE, GUEST_ACTIVITY_STATE),
	BREAK(wait_for_sipi_unsupported, GUEST_ACTIVITY_STATE, GUEST_ACTIVITY_STATE),
	BREAK(hlt_with_ss_dpl_3, GUEST_ACTIVITY_HLT_DPL, GUEST_ACTIVITY_STATE),
	BREAK(hlt_with_mov_ss_blocking, GUEST_ACTIVITY_BLOCKING, GUEST_ACTIVITY_STATE),
	BREAK(hlt_inject_ud, GUEST_ACTIVITY_EVENT, VM_ENTRY_INTR_INFO),
	BREAK(shutdown_inject_external, GUEST_ACTIVITY_EVENT, VM_ENTRY_INTR_INFO),
	BREAK(interruptibility_bit_5, GUEST_INTR_RESERVED, GUEST_INTERRUPTIBILITY_STATE),
	BREAK(enclave_interruption_without_sgx, GUEST_INTR_ENCLAVE, GUEST_INTERRUPTIBILITY_STATE),
	BREAK(sti_and_mov_ss_blocking, GUEST_INTR_STI_MOV_SS, GUEST_INTERRUPTIBILITY_STATE),
	BREAK(sti_blocking_with_if_clear, GUEST_INTR_STI_IF, GUEST_INTERRUPTIBILITY_STATE),
	BREAK(ext_int_under_mov_ss, GUEST_INTR_EXT_INT, GUEST_INTERRUPTIBILITY_STATE),
	BREAK(nmi_under_mov_ss, GUEST_INTR_NMI_MOV_SS, GUEST_INTERRUPTIBILITY_STATE),
	BREAK(smi_blocking_outside_smm, GUEST_INTR_SMI, GUEST_INTERRUPTIBILITY_STATE),
	BREAK(virtual_nmi_blocked_nmi_injected, GUEST_INTR_VIRTUAL_NMI,
	      GUEST_INTERRUPTIBILITY_STATE),
	BREAK(pending_dbg_bit_4, GUEST_PENDING_DBG_RESERVED, GUEST_PENDING_DBG_EXCEPTIONS),
	BREAK(single_step_after_sti_without_bs, GUEST_PENDING_DBG_BS,
	      GUEST_PENDING_DBG_EXCEPTIONS),
	BREAK(skiff_hlt_after_single_step_with_btf, GUEST_PENDING_DBG_BS,
	      GUEST_PENDING_DBG_EXCEPTIONS),
	BREAK(pending_rtm_without_rtm, GUEST_PENDING_DBG_RTM, GUEST_PENDING_DBG_EXCEPTIONS),
	BREAK(shadowing_without_link, GUEST_LINK_SHADOWING, VMCS_LINK_POINTER),
	BREAK(link_pointer_unaligned, GUEST_LINK_ADDR, VMCS_LINK_POINTER),
	BREAK(link_pointer_without_shadowing, GUEST_LINK_NONE, VMCS_LINK_POINTER),

	BREAK(pae_pdpte_reserved_bit_1, GUEST_PDPTE, GUEST_PDPTE2),
	BREAK(pae_pdpte_bit_63, GUEST_PDPTE, GUEST_PDPTE0),
};

/* ---- the table-driven tests: one cmocka test per variant and breakage ---- */

static void show_report(const struct entry_check_report *r, char *buf, size_t size)
{
	size_t used = 0;

	buf[0] = '\0';
	for (unsigned i = 0; i < r->kept && used < size; i++)
		used += (size_t)snprintf(buf + used, size - used, " %s",
					 entry_rule_info(r->rules[i])->name);
}

static void test_variant_passes(void **state)
{
	const struct variant *v = *state;
	struct entry_check_report r;
	char found[512];

	build_skiff_vmcs();
	v->apply();
	if (check(&r) != 0) {
		show_report(&r, found, sizeof(found));
		fail_msg("%s: %u violation(s):%s\n%s", v->name, r.count, found, unit_log);
	}
	assert_string_equal(unit_log, "");
}

static void test_breakage_names_its_rule(void **state)
{
	const struct breakage *b = *state;
	const struct entry_rule_info *rule = entry_rule_info(b->rule);
	struct entry_check_report r;
	char want[256], found[512];

	build_skiff_vmcs();
	b->mutate();
	if (check(&r) != 1 || r.rules[0] != b->rule) {
		show_report(&r, found, sizeof(found));
		fail_msg("%s: expected exactly %s, got %u:%s\n%s", b->name, rule->name, r.count,
			 found, unit_log);
	}
	assert_int_equal(r.by_kind[rule->kind], 1);
	snprintf(want, sizeof(want), "skiff: entry check: %s = 0x", b->field);
	assert_log_contains(want);
	snprintf(want, sizeof(want), ": %s", rule->statement);
	assert_log_contains(want);
	snprintf(want, sizeof(want), "(SDM %s) [%s]\n", rule->section, rule->name);
	assert_log_contains(want);
}

/* ---- the other tests ---- */

static void test_skiff_vmcs_passes(void **state)
{
	struct entry_check_report r;

	(void)state;
	build_skiff_vmcs();
	assert_int_equal(check(&r), 0);
	assert_int_equal(r.count, 0);
	assert_int_equal(r.kept, 0);
	assert_string_equal(unit_log, "");
	/* The controls are what vmx.c asks for, nothing more. */
	assert_int_equal(vcpu.proc2, SECONDARY_EXEC_ENABLE_EPT | SECONDARY_EXEC_UNRESTRICTED_GUEST |
			 SECONDARY_EXEC_ENABLE_RDTSCP | SECONDARY_EXEC_ENABLE_INVPCID |
			 SECONDARY_EXEC_ENABLE_XSAVES | SECONDARY_EXEC_ENABLE_VPID);
	assert_int_equal(vcpu.pin, (uint32_t)TRUE_PINBASED_CTLS | PIN_BASED_VMX_PREEMPTION_TIMER |
			 PIN_BASED_NMI_EXITING | PIN_BASED_VIRTUAL_NMIS);
	assert_true(vcpu.nmi_window);
	assert_int_equal(vcpu.vpid, 1);
	assert_true(vcpu.exit & VM_EXIT_LOAD_IA32_PAT);
	assert_true(vcpu.entry & VM_ENTRY_LOAD_IA32_PAT);
	assert_int_equal(vmcs_read64(HOST_IA32_PAT), POWER_ON_PAT);
	assert_int_equal(vmcs_read32(VMX_PREEMPTION_TIMER_VALUE), 0x12345);
}

/* An AP's vCPU: waiting for a SIPI, then started by one at vector 8,
 * real mode under unrestricted guest (guest_entry.c). */
static void test_ap_states_pass(void **state)
{
	struct entry_check_report r;

	(void)state;
	build_skiff_vmcs();
	vmx_write_guest_ap_state(&vcpu, 0, true);
	assert_int_equal(vmcs_read32(GUEST_ACTIVITY_STATE), GUEST_ACTIVITY_WAIT_SIPI);
	assert_int_equal(check(&r), 0);
	assert_string_equal(unit_log, "");
	vmx_write_guest_ap_state(&vcpu, 8, false);
	assert_int_equal(vmcs_read32(GUEST_ACTIVITY_STATE), GUEST_ACTIVITY_ACTIVE);
	assert_int_equal(vmcs_read16(GUEST_CS_SELECTOR), 0x800);
	assert_int_equal(vmcs_read_natural(GUEST_CS_BASE), 0x8000);
	assert_int_equal(vmcs_read_natural(GUEST_RIP), 0);
	assert_false(vmcs_read_natural(CR0_READ_SHADOW) & CR0_PE);
	assert_int_equal(check(&r), 0);
	assert_string_equal(unit_log, "");
}

/* A control skiff needs and the CPU lacks stops the setup, named; one it
 * merely likes is left out quietly. */
static void test_choose_controls_without_a_needed_one(void **state)
{
	struct vmx_vcpu v = { 0 };
	struct vmx_ctl_msrs m = {
		.pinbased = TRUE_PINBASED_CTLS & ~(1ull << 38),	/* no preemption timer */
		.procbased = TRUE_PROCBASED_CTLS,
		.procbased2 = BOCHS_PROCBASED_CTLS2 & ~((uint64_t)SECONDARY_EXEC_ENABLE_VPID << 32),
		.exit = TRUE_EXIT_CTLS, .entry = TRUE_ENTRY_CTLS,
	};

	(void)state;
	log_reset();
	assert_int_equal(vmx_choose_controls(&v, &m, true, true), 0);
	assert_false(v.pin & PIN_BASED_VMX_PREEMPTION_TIMER);
	assert_int_equal(v.vpid, 0);
	assert_string_equal(unit_log, "");

	m.procbased2 &= ~((uint64_t)SECONDARY_EXEC_UNRESTRICTED_GUEST << 32);
	assert_int_equal(vmx_choose_controls(&v, &m, false, false), -ENODEV);
	assert_log_contains("the CPU lacks the secondary processor-based control "
			    "\"unrestricted guest\" (bit 7)");
}

/* NMI exiting only with virtual NMIs: a CPU without the second gets
 * neither, and NMIs go straight to the guest; NMI-window exiting is used
 * only where virtual NMIs are on and the CPU allows it. */
static void test_choose_controls_nmis_both_or_neither(void **state)
{
	struct vmx_vcpu v = { 0 };
	struct vmx_ctl_msrs m = {
		.pinbased = TRUE_PINBASED_CTLS & ~((uint64_t)PIN_BASED_VIRTUAL_NMIS << 32),
		.procbased = TRUE_PROCBASED_CTLS,
		.procbased2 = BOCHS_PROCBASED_CTLS2,
		.exit = TRUE_EXIT_CTLS, .entry = TRUE_ENTRY_CTLS,
	};

	(void)state;
	assert_int_equal(vmx_choose_controls(&v, &m, true, true), 0);
	assert_false(v.pin & (PIN_BASED_NMI_EXITING | PIN_BASED_VIRTUAL_NMIS));
	assert_false(v.nmi_window);
	m.pinbased = TRUE_PINBASED_CTLS;
	m.procbased = TRUE_PROCBASED_CTLS & ~((uint64_t)CPU_BASED_NMI_WINDOW_EXITING << 32);
	assert_int_equal(vmx_choose_controls(&v, &m, true, true), 0);
	assert_true(v.pin & PIN_BASED_VIRTUAL_NMIS);
	assert_false(v.nmi_window);
}

static void test_rule_table_is_complete(void **state)
{
	(void)state;
	assert_true(EC_RULE_COUNT >= 60);
	for (int i = 0; i < EC_RULE_COUNT; i++) {
		const struct entry_rule_info *r = entry_rule_info(i);

		assert_non_null(r);
		if (!r->name || !r->section || !r->fields || !r->statement)
			fail_msg("rule %d has no entry in the table", i);
		/* The kind follows from the section: 27.2.1 controls, 27.2.2-4 host, 27.3 guest. */
		if (!strncmp(r->section, "27.2.1.", 7))
			assert_int_equal(r->kind, ENTRY_CHECK_CONTROL);
		else if (!strncmp(r->section, "27.2.", 5))
			assert_int_equal(r->kind, ENTRY_CHECK_HOST);
		else if (!strncmp(r->section, "27.3.1.", 7))
			assert_int_equal(r->kind, ENTRY_CHECK_GUEST);
		else
			fail_msg("%s: section %s is not in 27.2 or 27.3.1", r->name, r->section);
		for (int j = 0; j < i; j++)
			assert_string_not_equal(entry_rule_info(j)->name, r->name);
	}
	assert_null(entry_rule_info(EC_RULE_COUNT));
	assert_string_equal(entry_rule_info(EC_GUEST_TR_TYPE)->name, "GUEST_TR_TYPE");
	assert_string_equal(entry_rule_info(EC_CTL_PIN_RESERVED)->section, "27.2.1.1");
}

static void test_every_rule_has_a_breakage(void **state)
{
	(void)state;
	for (int rule = 0; rule < EC_RULE_COUNT; rule++) {
		size_t i;

		for (i = 0; i < ARRAY_SIZE(breakages); i++)
			if (breakages[i].rule == (enum entry_rule)rule)
				break;
		if (i == ARRAY_SIZE(breakages))
			fail_msg("no test breaks %s", entry_rule_info(rule)->name);
	}
}

/* The example line of the brief, byte for byte. */
static void test_line_format(void **state)
{
	struct entry_check_report r;

	(void)state;
	build_skiff_vmcs();
	tr_available_tss();
	assert_int_equal(check(&r), 1);
	assert_string_equal(unit_log,
			    "skiff: entry check: GUEST_TR_ACCESS_RIGHTS = 0x00000089: TR type must "
			    "be 11 (busy 32-bit TSS), or 3 (busy 16-bit TSS) outside IA-32e mode: "
			    "bits 0xf (SDM 27.3.1.2) [GUEST_TR_TYPE]\n");
	build_skiff_vmcs();
	vpid_zero();
	assert_int_equal(check(&r), 1);
	assert_string_equal(unit_log,
			    "skiff: entry check: VIRTUAL_PROCESSOR_ID = 0x0000: with \"enable "
			    "VPID\", the VPID must not be 0 (SDM 27.2.1.1) [CTL_VPID_ZERO]\n");
	build_skiff_vmcs();
	guest_cr3_beyond_maxphyaddr();
	assert_int_equal(check(&r), 1);
	assert_log_contains("GUEST_CR3 = 0x0000010000000000: ");
}

/* Several rules at once: all found, in the SDM's order, counted by kind. */
static void test_several_violations_in_order(void **state)
{
	struct entry_check_report r;

	(void)state;
	build_skiff_vmcs();
	tr_available_tss();
	host_cs_null();
	vpid_zero();
	assert_int_equal(check(&r), 3);
	assert_int_equal(r.kept, 3);
	assert_int_equal(r.rules[0], EC_CTL_VPID_ZERO);
	assert_int_equal(r.rules[1], EC_HOST_CS_NULL);
	assert_int_equal(r.rules[2], EC_GUEST_TR_TYPE);
	assert_int_equal(r.by_kind[ENTRY_CHECK_CONTROL], 1);
	assert_int_equal(r.by_kind[ENTRY_CHECK_HOST], 1);
	assert_int_equal(r.by_kind[ENTRY_CHECK_GUEST], 1);
	assert_true(entry_check_found(&r, EC_HOST_CS_NULL));
	assert_false(entry_check_found(&r, EC_HOST_TR_NULL));
	/* No report asked for: the count still comes back. */
	assert_int_equal(vmx_entry_check(&caps, NULL), 3);
}

/* Past ENTRY_CHECK_MAX_KEPT violations the lines and the count go on. */
static void test_flood_is_counted_past_the_kept_list(void **state)
{
	const struct vmcs_field16 host_sels[] = {
		HOST_ES_SELECTOR, HOST_CS_SELECTOR, HOST_SS_SELECTOR, HOST_DS_SELECTOR,
		HOST_FS_SELECTOR, HOST_GS_SELECTOR, HOST_TR_SELECTOR,
	};
	const struct vmcs_field_natural bad_bases[] = {
		HOST_FS_BASE, HOST_GS_BASE, HOST_TR_BASE, HOST_GDTR_BASE, HOST_IDTR_BASE,
		HOST_IA32_SYSENTER_ESP, HOST_IA32_SYSENTER_EIP, GUEST_IA32_SYSENTER_ESP,
		GUEST_IA32_SYSENTER_EIP, GUEST_GDTR_BASE, GUEST_IDTR_BASE, GUEST_FS_BASE,
		GUEST_GS_BASE, GUEST_TR_BASE,
	};
	struct entry_check_report r;
	unsigned expected = ARRAY_SIZE(host_sels) + ARRAY_SIZE(bad_bases) + 3 * 6;
	unsigned lines = 0;

	(void)state;
	build_skiff_vmcs();
	v86_guest();
	real_segments(0x1000, 0, 0);				/* v86: AR wrong ... */
	vmcs_write_natural(GUEST_CS_BASE, 0);			/* ... and bases ... */
	vmcs_write_natural(GUEST_SS_BASE, 0);
	vmcs_write_natural(GUEST_DS_BASE, 0);
	vmcs_write_natural(GUEST_ES_BASE, 0);
	vmcs_write32(GUEST_CS_LIMIT, 0);			/* ... and limits */
	vmcs_write32(GUEST_SS_LIMIT, 0);
	vmcs_write32(GUEST_DS_LIMIT, 0);
	vmcs_write32(GUEST_ES_LIMIT, 0);
	vmcs_write32(GUEST_FS_LIMIT, 0);
	vmcs_write32(GUEST_GS_LIMIT, 0);
	for (size_t i = 0; i < ARRAY_SIZE(host_sels); i++)
		vmcs_write16(host_sels[i], 0x0b);		/* RPL 3, TI 0, not null */
	for (size_t i = 0; i < ARRAY_SIZE(bad_bases); i++)
		vmcs_write_natural(bad_bases[i], 0x0000800000000000ull);
	/* FS and GS bases stay noncanonical (counted above), so their v86
	 * base rule fires as well: 6 AR + 6 limits + 6 bases. */
	assert_int_equal(check(&r), (int)expected);
	assert_true(r.count > ENTRY_CHECK_MAX_KEPT);
	assert_int_equal(r.kept, ENTRY_CHECK_MAX_KEPT);
	for (const char *p = unit_log; (p = strstr(p, "skiff: entry check: ")); p++)
		lines++;
	assert_int_equal(lines, expected);
}

/* CR0.CD and CR0.NW are exempt for host and guest alike (27.2.2, 27.3.1.1):
 * BIOS and GRUB leave them set. */
static void test_cd_nw_never_checked(void **state)
{
	struct entry_check_report r;

	(void)state;
	build_skiff_vmcs();
	caps.cr0_fixed1 &= ~(CR0_CD | CR0_NW);
	or_nat(HOST_CR0, CR0_CD | CR0_NW);
	or_nat(GUEST_CR0, CR0_CD | CR0_NW);
	assert_int_equal(check(&r), 0);
	/* Another bit outside FIXED1 is reported. */
	caps.cr0_fixed1 &= ~CR0_AM;
	or_nat(HOST_CR0, CR0_AM);
	assert_int_equal(check(&r), 1);
	assert_int_equal(r.rules[0], EC_HOST_CR0_FIXED);
	assert_log_contains(": bits 0x40000 (SDM 27.2.2)");
}

/* A control the CPU does not allow is reported once, as reserved; the
 * fields behind it are not consulted (on a CPU they may not exist). */
static void test_controls_not_allowed_are_not_followed(void **state)
{
	struct entry_check_report r;

	(void)state;
	build_skiff_vmcs();
	caps.procbased_ctls2 &= ~((uint64_t)SECONDARY_EXEC_ENABLE_VPID << 32);
	vmcs_write16(VIRTUAL_PROCESSOR_ID, 0);
	assert_int_equal(check(&r), 1);
	assert_int_equal(r.rules[0], EC_CTL_PROC2_RESERVED);
	assert_log_contains("SECONDARY_VM_EXEC_CONTROL = 0x001010aa: secondary "
			    "processor-based controls must be as IA32_VMX_PROCBASED_CTLS2 allows: "
			    "bits 0x20 ");

	/* Without "activate secondary controls" the secondary field is not used. */
	build_skiff_vmcs();
	clear32(CPU_BASED_VM_EXEC_CONTROL, CPU_BASED_ACTIVATE_SECONDARY_CONTROLS);
	vmcs_write32(SECONDARY_VM_EXEC_CONTROL, ~0u);
	check(&r);
	assert_false(entry_check_found(&r, EC_CTL_PROC2_RESERVED));
	/* ... so there is no unrestricted guest either, and the guest's
	 * CR0 must have PG (the only thing wrong now). */
	assert_int_equal(r.count, 1);
	assert_int_equal(r.rules[0], EC_GUEST_CR0_FIXED);
}

/* With IA32_VMX_BASIC[56] any hardware exception may carry an error code
 * (or not) in protected mode; real mode still allows none. */
static void test_basic_56_relaxes_error_codes(void **state)
{
	struct entry_check_report r;

	(void)state;
	build_skiff_vmcs();
	caps.basic |= VMX_BASIC_NO_ERROR_CODE_CHECK;
	inject_ud_with_error_code();
	assert_int_equal(check(&r), 0);
	inject_gp_without_error_code();
	assert_int_equal(check(&r), 0);
	skiff_vmx_inject_gp_in_real_mode();
	assert_int_equal(check(&r), 1);
	assert_int_equal(r.rules[0], EC_CTL_INJECT_ERROR_CODE);
}

/* A PDPTE that is not present is not checked; without EPT they come from
 * memory and are not checked here at all. */
static void test_pdptes_checked_only_when_present_and_from_vmcs(void **state)
{
	struct entry_check_report r;

	(void)state;
	build_skiff_vmcs();
	pae_guest();
	vmcs_write64(GUEST_PDPTE3, 0xfffffffffffffffeull);
	assert_int_equal(check(&r), 0);
	or64(GUEST_PDPTE3, 1);
	assert_int_equal(check(&r), 1);
	/* 64-bit guests have no PDPTEs. */
	build_skiff_vmcs();
	pae_guest();
	long_mode_guest();
	vmcs_write64(GUEST_PDPTE1, 0xffffffffffffffffull);
	assert_int_equal(check(&r), 0);
}

int main(void)
{
	static const struct CMUnitTest fixed[] = {
		cmocka_unit_test(test_skiff_vmcs_passes),
		cmocka_unit_test(test_ap_states_pass),
		cmocka_unit_test(test_choose_controls_without_a_needed_one),
		cmocka_unit_test(test_choose_controls_nmis_both_or_neither),
		cmocka_unit_test(test_rule_table_is_complete),
		cmocka_unit_test(test_every_rule_has_a_breakage),
		cmocka_unit_test(test_line_format),
		cmocka_unit_test(test_several_violations_in_order),
		cmocka_unit_test(test_flood_is_counted_past_the_kept_list),
		cmocka_unit_test(test_cd_nw_never_checked),
		cmocka_unit_test(test_controls_not_allowed_are_not_followed),
		cmocka_unit_test(test_basic_56_relaxes_error_codes),
		cmocka_unit_test(test_pdptes_checked_only_when_present_and_from_vmcs),
	};
	enum { FIXED = ARRAY_SIZE(fixed), VARIANTS = ARRAY_SIZE(variants),
	       BREAKAGES = ARRAY_SIZE(breakages) };
	static struct CMUnitTest tests[FIXED + VARIANTS + BREAKAGES];
	size_t n = 0;

	for (size_t i = 0; i < FIXED; i++)
		tests[n++] = fixed[i];
	for (size_t i = 0; i < VARIANTS; i++)
		tests[n++] = (struct CMUnitTest){ variants[i].name, test_variant_passes, NULL, NULL,
						  (void *)&variants[i] };
	for (size_t i = 0; i < BREAKAGES; i++)
		tests[n++] = (struct CMUnitTest){ breakages[i].name, test_breakage_names_its_rule,
						  NULL, NULL, (void *)&breakages[i] };
	return _cmocka_run_group_tests("entry_check", tests, n, NULL, NULL);
}
