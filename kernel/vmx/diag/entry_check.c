/*
 * The VM-entry checker (entry_check.h says what it covers and what not).
 *
 * Layout: the field state every rule shares is read once into struct
 * ctx; each rule is a small function that reads whatever else it needs
 * and calls flag() per violation; the table rules[] at the end lists the
 * rules in the SDM's order with their section, fields and statement, and
 * is the only thing vmx_entry_check() walks.  All section numbers are
 * those of the current SDM Vol. 3C (chapter 27 "VM Entries").
 */
#include "vmx/diag/entry_check.h"

#include <stddef.h>

#include "lib/printf.h"
#include "lib/string.h"
#include "mm/ept.h"
#include "vmx/caps.h"
#include "vmx/exit_info.h"
#include "vmx/vmcs.h"
#include "x86.h"

#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))

/* ---- bit layouts the rules use that no other header names ---- */

/* IA32_VMX_MISC, SDM Vol. 3D A.6 */
#define VMX_MISC_ACTIVITY_SHIFT		6	/* bit 6 HLT, 7 shutdown, 8 wait-for-SIPI */
#define VMX_MISC_CR3_TARGETS_SHIFT	16	/* bits 24:16 */
#define VMX_MISC_CR3_TARGETS_MASK	0x1ffull
#define VMX_MISC_ZERO_LENGTH_INJECTION	(1ull << 30)

/* IA32_VMX_EPT_VPID_CAP and the EPTP beyond what mm/ept.h names
 * (SDM Vol. 3D A.10, Vol. 3C 25.6.11) */
#define EPT_CAP_SUPERVISOR_SHADOW_STACK	(1ull << 22)
#define EPTP_WALK_LENGTH_MASK		(7ull << EPTP_WALK_LENGTH_SHIFT)
#define EPTP_SSS_ENABLE			(1ull << 7)
#define EPTP_RESERVED			0xf00ull	/* bits 11:8 */

/* VM-function controls, SDM Vol. 3C 25.6.14 */
#define VMFUNC_EPTP_SWITCHING		(1ull << 0)

/* Segment access rights, SDM Vol. 3C 25.4.1 table "Format of Access Rights" */
#define AR_TYPE_MASK		0xfu
#define AR_TYPE_ACCESSED	(1u << 0)
#define AR_TYPE_READABLE	(1u << 1)	/* code segments */
#define AR_TYPE_CODE		(1u << 3)
#define AR_S			(1u << 4)	/* 1: code or data, 0: system */
#define AR_DPL_SHIFT		5
#define AR_P			(1u << 7)
#define AR_L			(1u << 13)
#define AR_DB			(1u << 14)
#define AR_G			(1u << 15)
#define AR_UNUSABLE		(1u << 16)
#define AR_RESERVED		0xfffe0f00u	/* bits 31:17 and 11:8 */
#define AR_V86			0xf3u		/* data, accessed, DPL 3, present */

/* Segment types (SDM Vol. 3A tables 3-1 and 3-2) the rules name */
#define TYPE_DATA_RW_ACCESSED		3
#define TYPE_DATA_RW_DOWN_ACCESSED	7
#define TYPE_LDT			2
#define TYPE_TSS16_BUSY			3
#define TYPE_TSS32_BUSY			11	/* a 64-bit TSS in IA-32e mode */
#define TYPE_LAST_NONCONFORMING		11	/* 0-11: data or non-conforming code */

#define SEL_RPL_MASK	0x3u
#define SEL_TI		(1u << 2)
#define V86_LIMIT	0xffffu

/* RFLAGS: bits 63:22, 15, 5 and 3 are reserved (SDM Vol. 1 3.4.3) */
#define RFLAGS_RESERVED	0xffffffffffc08028ull

/* IA32_EFER: SCE, LME, LMA, NXE are defined, the rest reserved (SDM Vol. 4
 * table 2-2) */
#define EFER_RESERVED	(~(EFER_SCE | EFER_LME | EFER_LMA | EFER_NXE))

/* IA32_DEBUGCTL (SDM Vol. 3B 18.4.1): bits 5:3 and 63:16 reserved; bit 2
 * is bus-lock detection on newer CPUs, so it is not flagged. */
#define DEBUGCTL_BTF		(1ull << 1)
#define DEBUGCTL_RESERVED	0xffffffffffff0038ull

/* IA32_BNDCFGS (SDM Vol. 1, Intel MPX): bits 11:2 reserved */
#define BNDCFGS_RESERVED	0xffcull

/* Interruptibility state and pending debug exceptions, SDM Vol. 3C 25.4.2 */
#define INTR_STATE_ENCLAVE		(1u << 4)
#define INTR_STATE_RESERVED		0xffffffe0u	/* bits 31:5 */
#define PENDING_DBG_ENABLED_BP		(1ull << 12)
#define PENDING_DBG_RTM			(1ull << 16)
#define PENDING_DBG_RESERVED		0xfffffffffffeaff0ull	/* 63:17, 15, 13, 11:4 */

/* VM-entry interruption information, SDM Vol. 3C 25.8.3 */
#define INTR_INFO_RESERVED	0x7ffff000u	/* bits 30:12 */
#define INTR_TYPE_RESERVED	1
/* Bits 31:16 of the error code (31:15 in editions before SGX and CET
 * gave bit 15 a meaning in #PF and #CP error codes). */
#define ENTRY_ERROR_CODE_RESERVED 0xffff0000u
#define MAX_INSN_LEN		15

/* Exception vectors, SDM Vol. 3A table 7-1 */
#define EXC_DB		1
#define EXC_NMI		2
#define EXC_DF		8
#define EXC_TS		10
#define EXC_PF		14
#define EXC_AC		17
#define EXC_MC		18
#define EXC_LAST	31

/* PAE-paging PDPTE, SDM Vol. 3A 5.4.1: bits 2:1 and 8:5 reserved */
#define PDPTE_P		(1ull << 0)
#define PDPTE_RESERVED	0x1e6ull

#define VMCS_LINK_NONE	(~0ull)
#define PAGE_ALIGN_MASK	0xfffull
#define MSR_AREA_ALIGN	0xfull		/* 16-byte entries, 16-byte aligned */
#define MSR_AREA_ENTRY	16
#define PID_ALIGN_MASK	0x3full		/* posted-interrupt descriptor: 64 bytes */

/* ---- the state the rules share ---- */

enum { SEG_ES, SEG_CS, SEG_SS, SEG_DS, SEG_FS, SEG_GS, SEG_LDTR, SEG_TR, SEG_COUNT };

struct seg {
	uint16_t sel;
	uint64_t base;
	uint32_t limit, ar;
	struct vmcs_field16 sel_field;
	struct vmcs_field_natural base_field;
	struct vmcs_field32 limit_field, ar_field;
};

struct ctx {
	const struct entry_check_caps *caps;
	struct entry_check_report *out;
	enum entry_rule rule;			/* the rule being checked */
	/* Controls as written; proc2 is 0 unless "activate secondary
	 * controls" is set and allowed (27.2.1.1: then it is not used). */
	uint32_t pin, proc, proc2, exit, entry;
	uint32_t intr_info;			/* VM-entry interruption information */
	/* Guest state most rules look at. */
	uint64_t cr0, cr4, rflags;
	uint32_t interruptibility, activity;
	struct seg seg[SEG_COUNT];
	bool unrestricted, ia32e, v86;
};

/* ---- helpers ---- */

static bool allowed1(uint64_t cap_msr, uint32_t bit)
{
	return ((cap_msr >> 32) & bit) == bit;
}

/* A control is in force when it is set and the CPU allows it; a control
 * set against the capability MSR is the reserved-bit rule's to report,
 * and the rules that depend on it stay quiet (their fields may not exist). */
static bool pin_on(const struct ctx *c, uint32_t bit)
{
	return (c->pin & bit) && allowed1(c->caps->pinbased_ctls, bit);
}

static bool proc_on(const struct ctx *c, uint32_t bit)
{
	return (c->proc & bit) && allowed1(c->caps->procbased_ctls, bit);
}

static bool proc2_on(const struct ctx *c, uint32_t bit)
{
	return (c->proc2 & bit) && allowed1(c->caps->procbased_ctls2, bit);
}

static bool exit_on(const struct ctx *c, uint32_t bit)
{
	return (c->exit & bit) && allowed1(c->caps->exit_ctls, bit);
}

static bool entry_on(const struct ctx *c, uint32_t bit)
{
	return (c->entry & bit) && allowed1(c->caps->entry_ctls, bit);
}

/* Bits 63:N all equal, N being the linear-address width (SDM Vol. 1 3.3.7.1). */
static bool canonical(const struct ctx *c, uint64_t addr)
{
	unsigned n = c->caps->linear_addr_width;
	uint64_t top;

	if (n == 0 || n >= 64)
		return true;
	top = addr >> (n - 1);
	return top == 0 || top == (~0ull >> (n - 1));
}

/* Bits at or above MAXPHYADDR set. */
static bool beyond_maxphyaddr(const struct ctx *c, uint64_t addr)
{
	unsigned w = c->caps->phys_addr_width;

	return w > 0 && w < 64 && (addr >> w) != 0;
}

static bool addr_ok(const struct ctx *c, uint64_t addr, uint64_t align_mask)
{
	return !(addr & align_mask) && !beyond_maxphyaddr(c, addr);
}

static bool pat_ok(uint64_t pat)
{
	for (unsigned i = 0; i < 8; i++) {
		unsigned type = (pat >> (8 * i)) & 0xff;

		if (type == 2 || type == 3 || type > 7)	/* 2, 3 reserved */
			return false;
	}
	return true;
}

static unsigned seg_type(const struct seg *s)
{
	return s->ar & AR_TYPE_MASK;
}

static unsigned seg_dpl(const struct seg *s)
{
	return (s->ar >> AR_DPL_SHIFT) & 3;
}

static bool seg_usable(const struct seg *s)
{
	return !(s->ar & AR_UNUSABLE);
}

static bool intr_valid(const struct ctx *c)
{
	return (c->intr_info & INTR_INFO_VALID) != 0;
}

static bool injecting(const struct ctx *c, enum intr_type type)
{
	return intr_valid(c) && intr_info_type(c->intr_info) == type;
}

/* The rule statement's table, defined at the end. */
static const struct entry_rule_info *rule_info(enum entry_rule rule);

static int value_digits(uint32_t enc)
{
	switch (VMCS_ENC_WIDTH(enc)) {
	case VMCS_WIDTH_16:
		return 4;
	case VMCS_WIDTH_32:
		return 8;
	default:
		return 16;
	}
}

/* One violation of the current rule: one line, one entry in the report.
 * bits, when not 0, are the bits of value that are wrong. */
static void flag_bits(struct ctx *c, uint32_t enc, uint64_t value, uint64_t bits)
{
	const struct entry_rule_info *r = rule_info(c->rule);
	struct entry_check_report *out = c->out;

	if (bits)
		kprintf("skiff: entry check: %s = 0x%0*lx: %s: bits 0x%lx (SDM %s) [%s]\n",
			vmcs_field_name(enc), value_digits(enc), value, r->statement, bits,
			r->section, r->name);
	else
		kprintf("skiff: entry check: %s = 0x%0*lx: %s (SDM %s) [%s]\n",
			vmcs_field_name(enc), value_digits(enc), value, r->statement,
			r->section, r->name);
	out->count++;
	out->by_kind[r->kind]++;
	if (out->kept < ENTRY_CHECK_MAX_KEPT)
		out->rules[out->kept++] = c->rule;
}

static void flag(struct ctx *c, uint32_t enc, uint64_t value)
{
	flag_bits(c, enc, value, 0);
}

/* Allowed-0 settings must be 1, allowed-1 settings bound the 1s (Vol. 3D A.3-A.5). */
static void check_ctls(struct ctx *c, struct vmcs_field32 f, uint32_t value, uint64_t cap)
{
	uint32_t bad = ((uint32_t)cap & ~value) | (value & ~(uint32_t)(cap >> 32));

	if (bad)
		flag_bits(c, f.enc, value, bad);
}

static void check_page_addr(struct ctx *c, struct vmcs_field64 f)
{
	uint64_t addr = vmcs_read64(f);

	if (!addr_ok(c, addr, PAGE_ALIGN_MASK))
		flag(c, f.enc, addr);
}

/* An MSR area of count 16-byte entries: aligned, first and last byte
 * within MAXPHYADDR (27.2.1.2, 27.2.1.3). */
static void check_msr_area(struct ctx *c, struct vmcs_field32 count_field,
			   struct vmcs_field64 addr_field)
{
	uint32_t count = vmcs_read32(count_field);
	uint64_t addr;

	if (!count)
		return;
	addr = vmcs_read64(addr_field);
	if (!addr_ok(c, addr, MSR_AREA_ALIGN) ||
	    beyond_maxphyaddr(c, addr + (uint64_t)count * MSR_AREA_ENTRY - 1))
		flag(c, addr_field.enc, addr);
}

/* ---- 27.2.1.1 VM-execution control fields ---- */

static void ctl_pin_reserved(struct ctx *c)
{
	check_ctls(c, PIN_BASED_VM_EXEC_CONTROL, c->pin, c->caps->pinbased_ctls);
}

static void ctl_proc_reserved(struct ctx *c)
{
	check_ctls(c, CPU_BASED_VM_EXEC_CONTROL, c->proc, c->caps->procbased_ctls);
}

static void ctl_proc2_reserved(struct ctx *c)
{
	if (proc_on(c, CPU_BASED_ACTIVATE_SECONDARY_CONTROLS))
		check_ctls(c, SECONDARY_VM_EXEC_CONTROL, c->proc2, c->caps->procbased_ctls2);
}

static void ctl_cr3_target_count(struct ctx *c)
{
	uint32_t count = vmcs_read32(CR3_TARGET_COUNT);
	uint64_t max = (c->caps->misc >> VMX_MISC_CR3_TARGETS_SHIFT) & VMX_MISC_CR3_TARGETS_MASK;

	if (count > max)
		flag(c, CR3_TARGET_COUNT.enc, count);
}

static void ctl_io_bitmap_addr(struct ctx *c)
{
	if (proc_on(c, CPU_BASED_USE_IO_BITMAPS)) {
		check_page_addr(c, IO_BITMAP_A);
		check_page_addr(c, IO_BITMAP_B);
	}
}

static void ctl_msr_bitmap_addr(struct ctx *c)
{
	if (proc_on(c, CPU_BASED_USE_MSR_BITMAPS))
		check_page_addr(c, MSR_BITMAP);
}

static void ctl_virtual_apic_addr(struct ctx *c)
{
	if (proc_on(c, CPU_BASED_USE_TPR_SHADOW))
		check_page_addr(c, VIRTUAL_APIC_PAGE_ADDR);
}

/* Bits 3:0 against VTPR would need the virtual-APIC page: not checked. */
static void ctl_tpr_threshold(struct ctx *c)
{
	uint32_t threshold;

	if (!proc_on(c, CPU_BASED_USE_TPR_SHADOW) ||
	    proc2_on(c, SECONDARY_EXEC_VIRTUAL_INTR_DELIVERY))
		return;
	threshold = vmcs_read32(TPR_THRESHOLD);
	if (threshold & ~0xfu)
		flag_bits(c, TPR_THRESHOLD.enc, threshold, threshold & ~0xfu);
}

static void ctl_tpr_shadow_needed(struct ctx *c)
{
	uint32_t apic = SECONDARY_EXEC_VIRTUALIZE_X2APIC_MODE | SECONDARY_EXEC_APIC_REGISTER_VIRT |
			SECONDARY_EXEC_VIRTUAL_INTR_DELIVERY;
	uint32_t on = c->proc2 & apic & (uint32_t)(c->caps->procbased_ctls2 >> 32);

	if (on && !proc_on(c, CPU_BASED_USE_TPR_SHADOW))
		flag_bits(c, SECONDARY_VM_EXEC_CONTROL.enc, c->proc2, on);
}

static void ctl_virtual_nmis(struct ctx *c)
{
	if (pin_on(c, PIN_BASED_VIRTUAL_NMIS) && !pin_on(c, PIN_BASED_NMI_EXITING))
		flag(c, PIN_BASED_VM_EXEC_CONTROL.enc, c->pin);
}

static void ctl_nmi_window(struct ctx *c)
{
	if (proc_on(c, CPU_BASED_NMI_WINDOW_EXITING) && !pin_on(c, PIN_BASED_VIRTUAL_NMIS))
		flag(c, CPU_BASED_VM_EXEC_CONTROL.enc, c->proc);
}

static void ctl_apic_access_addr(struct ctx *c)
{
	if (proc2_on(c, SECONDARY_EXEC_VIRTUALIZE_APIC_ACCESSES))
		check_page_addr(c, APIC_ACCESS_ADDR);
}

static void ctl_x2apic_apic_access(struct ctx *c)
{
	if (proc2_on(c, SECONDARY_EXEC_VIRTUALIZE_X2APIC_MODE) &&
	    proc2_on(c, SECONDARY_EXEC_VIRTUALIZE_APIC_ACCESSES))
		flag(c, SECONDARY_VM_EXEC_CONTROL.enc, c->proc2);
}

static void ctl_vid_ext_int(struct ctx *c)
{
	if (proc2_on(c, SECONDARY_EXEC_VIRTUAL_INTR_DELIVERY) &&
	    !pin_on(c, PIN_BASED_EXTERNAL_INTERRUPT_EXITING))
		flag(c, PIN_BASED_VM_EXEC_CONTROL.enc, c->pin);
}

static void ctl_posted_vid(struct ctx *c)
{
	if (pin_on(c, PIN_BASED_POSTED_INTERRUPTS) &&
	    !proc2_on(c, SECONDARY_EXEC_VIRTUAL_INTR_DELIVERY))
		flag(c, SECONDARY_VM_EXEC_CONTROL.enc, c->proc2);
}

static void ctl_posted_ack(struct ctx *c)
{
	if (pin_on(c, PIN_BASED_POSTED_INTERRUPTS) && !exit_on(c, VM_EXIT_ACK_INTR_ON_EXIT))
		flag(c, VM_EXIT_CONTROLS.enc, c->exit);
}

static void ctl_posted_vector(struct ctx *c)
{
	uint16_t vector;

	if (!pin_on(c, PIN_BASED_POSTED_INTERRUPTS))
		return;
	vector = vmcs_read16(POSTED_INTR_NOTIFICATION_VECTOR);
	if (vector & 0xff00)
		flag(c, POSTED_INTR_NOTIFICATION_VECTOR.enc, vector);
}

static void ctl_posted_desc_addr(struct ctx *c)
{
	uint64_t addr;

	if (!pin_on(c, PIN_BASED_POSTED_INTERRUPTS))
		return;
	addr = vmcs_read64(POSTED_INTR_DESC_ADDR);
	if (!addr_ok(c, addr, PID_ALIGN_MASK))
		flag(c, POSTED_INTR_DESC_ADDR.enc, addr);
}

static void ctl_vpid_zero(struct ctx *c)
{
	if (proc2_on(c, SECONDARY_EXEC_ENABLE_VPID) && vmcs_read16(VIRTUAL_PROCESSOR_ID) == 0)
		flag(c, VIRTUAL_PROCESSOR_ID.enc, 0);
}

/* The EPTP rules read EPT_POINTER only with "enable EPT" in force. */
static bool read_eptp(const struct ctx *c, uint64_t *eptp)
{
	if (!proc2_on(c, SECONDARY_EXEC_ENABLE_EPT))
		return false;
	*eptp = vmcs_read64(EPT_POINTER);
	return true;
}

static void ctl_eptp_memtype(struct ctx *c)
{
	uint64_t eptp, cap = c->caps->ept_vpid_cap, type;

	if (!read_eptp(c, &eptp))
		return;
	type = eptp & EPTP_MEMTYPE_MASK;
	if (!(type == VMX_MEMORY_TYPE_UC && (cap & EPT_CAP_MEMTYPE_UC)) &&
	    !(type == VMX_MEMORY_TYPE_WB && (cap & EPT_CAP_MEMTYPE_WB)))
		flag_bits(c, EPT_POINTER.enc, eptp, EPTP_MEMTYPE_MASK);
}

static void ctl_eptp_walk_length(struct ctx *c)
{
	uint64_t eptp, cap = c->caps->ept_vpid_cap, levels;

	if (!read_eptp(c, &eptp))
		return;
	levels = ((eptp & EPTP_WALK_LENGTH_MASK) >> EPTP_WALK_LENGTH_SHIFT) + 1;
	if (!(levels == 4 && (cap & EPT_CAP_WALK_LENGTH_4)) &&
	    !(levels == 5 && (cap & EPT_CAP_WALK_LENGTH_5)))
		flag_bits(c, EPT_POINTER.enc, eptp, EPTP_WALK_LENGTH_MASK);
}

static void ctl_eptp_ad(struct ctx *c)
{
	uint64_t eptp;

	if (read_eptp(c, &eptp) && (eptp & EPTP_AD_ENABLE) &&
	    !(c->caps->ept_vpid_cap & EPT_CAP_AD_FLAGS))
		flag_bits(c, EPT_POINTER.enc, eptp, EPTP_AD_ENABLE);
}

static void ctl_eptp_sss(struct ctx *c)
{
	uint64_t eptp;

	if (read_eptp(c, &eptp) && (eptp & EPTP_SSS_ENABLE) &&
	    !(c->caps->ept_vpid_cap & EPT_CAP_SUPERVISOR_SHADOW_STACK))
		flag_bits(c, EPT_POINTER.enc, eptp, EPTP_SSS_ENABLE);
}

static void ctl_eptp_reserved(struct ctx *c)
{
	uint64_t eptp;

	if (read_eptp(c, &eptp) && ((eptp & EPTP_RESERVED) || beyond_maxphyaddr(c, eptp)))
		flag(c, EPT_POINTER.enc, eptp);
}

static void ctl_unrestricted_ept(struct ctx *c)
{
	if (proc2_on(c, SECONDARY_EXEC_UNRESTRICTED_GUEST) &&
	    !proc2_on(c, SECONDARY_EXEC_ENABLE_EPT))
		flag(c, SECONDARY_VM_EXEC_CONTROL.enc, c->proc2);
}

static void ctl_pml_ept(struct ctx *c)
{
	if (proc2_on(c, SECONDARY_EXEC_ENABLE_PML) && !proc2_on(c, SECONDARY_EXEC_ENABLE_EPT))
		flag(c, SECONDARY_VM_EXEC_CONTROL.enc, c->proc2);
}

static void ctl_pml_addr(struct ctx *c)
{
	if (proc2_on(c, SECONDARY_EXEC_ENABLE_PML))
		check_page_addr(c, PML_ADDRESS);
}

static void ctl_vmfunc_reserved(struct ctx *c)
{
	uint64_t funcs;

	if (!proc2_on(c, SECONDARY_EXEC_ENABLE_VM_FUNCTIONS))
		return;
	funcs = vmcs_read64(VM_FUNCTION_CONTROLS);
	if (funcs & ~c->caps->vmfunc)
		flag_bits(c, VM_FUNCTION_CONTROLS.enc, funcs, funcs & ~c->caps->vmfunc);
}

/* EPTP switching in force: VM functions on, function 0 set and allowed. */
static bool eptp_switching(const struct ctx *c)
{
	return proc2_on(c, SECONDARY_EXEC_ENABLE_VM_FUNCTIONS) &&
	       (c->caps->vmfunc & VMFUNC_EPTP_SWITCHING) &&
	       (vmcs_read64(VM_FUNCTION_CONTROLS) & VMFUNC_EPTP_SWITCHING);
}

static void ctl_eptp_switching_ept(struct ctx *c)
{
	if (eptp_switching(c) && !proc2_on(c, SECONDARY_EXEC_ENABLE_EPT))
		flag(c, VM_FUNCTION_CONTROLS.enc, vmcs_read64(VM_FUNCTION_CONTROLS));
}

static void ctl_eptp_list_addr(struct ctx *c)
{
	if (eptp_switching(c))
		check_page_addr(c, EPTP_LIST_ADDRESS);
}

static void ctl_vmcs_shadow_bitmaps(struct ctx *c)
{
	if (proc2_on(c, SECONDARY_EXEC_VMCS_SHADOWING)) {
		check_page_addr(c, VMREAD_BITMAP);
		check_page_addr(c, VMWRITE_BITMAP);
	}
}

static void ctl_ve_info_addr(struct ctx *c)
{
	if (proc2_on(c, SECONDARY_EXEC_EPT_VIOLATION_VE))
		check_page_addr(c, VE_INFORMATION_ADDRESS);
}

/* ---- 27.2.1.2 VM-exit control fields ---- */

static void ctl_exit_reserved(struct ctx *c)
{
	check_ctls(c, VM_EXIT_CONTROLS, c->exit, c->caps->exit_ctls);
}

static void ctl_save_timer(struct ctx *c)
{
	if (exit_on(c, VM_EXIT_SAVE_PREEMPTION_TIMER) && !pin_on(c, PIN_BASED_VMX_PREEMPTION_TIMER))
		flag(c, VM_EXIT_CONTROLS.enc, c->exit);
}

static void ctl_exit_msr_store(struct ctx *c)
{
	check_msr_area(c, VM_EXIT_MSR_STORE_COUNT, VM_EXIT_MSR_STORE_ADDR);
}

static void ctl_exit_msr_load(struct ctx *c)
{
	check_msr_area(c, VM_EXIT_MSR_LOAD_COUNT, VM_EXIT_MSR_LOAD_ADDR);
}

/* ---- 27.2.1.3 VM-entry control fields ---- */

static void ctl_entry_reserved(struct ctx *c)
{
	check_ctls(c, VM_ENTRY_CONTROLS, c->entry, c->caps->entry_ctls);
}

static void ctl_inject_type(struct ctx *c)
{
	enum intr_type type = intr_info_type(c->intr_info);

	if (intr_valid(c) &&
	    (type == INTR_TYPE_RESERVED ||
	     (type == INTR_TYPE_OTHER &&
	      !allowed1(c->caps->procbased_ctls, CPU_BASED_MONITOR_TRAP_FLAG))))
		flag_bits(c, VM_ENTRY_INTR_INFO.enc, c->intr_info, INTR_INFO_TYPE_MASK);
}

static void ctl_inject_vector(struct ctx *c)
{
	enum intr_type type = intr_info_type(c->intr_info);
	unsigned vector = intr_info_vector(c->intr_info);

	if (!intr_valid(c))
		return;
	if ((type == INTR_TYPE_NMI && vector != EXC_NMI) ||
	    (type == INTR_TYPE_HW_EXCEPTION && vector > EXC_LAST) ||
	    (type == INTR_TYPE_OTHER && vector != 0))
		flag_bits(c, VM_ENTRY_INTR_INFO.enc, c->intr_info, INTR_INFO_VECTOR_MASK);
}

/* The exceptions VM entry expects an error code with (27.2.1.3: the
 * list of 64-bit-era #DF, #TS, #NP, #SS, #GP, #PF, #AC; a CPU that wants
 * #CP or others with one sets IA32_VMX_BASIC[56] and skips the check). */
static bool entry_error_code_vector(unsigned vector)
{
	return vector == EXC_DF || (vector >= EXC_TS && vector <= EXC_PF) || vector == EXC_AC;
}

static void ctl_inject_error_code(struct ctx *c)
{
	unsigned vector = intr_info_vector(c->intr_info);
	bool has = (c->intr_info & INTR_INFO_ERROR_CODE) != 0;
	bool protected_mode = !c->unrestricted || (c->cr0 & CR0_PE);
	bool may = injecting(c, INTR_TYPE_HW_EXCEPTION) && protected_mode;
	bool any_vector = (c->caps->basic & VMX_BASIC_NO_ERROR_CODE_CHECK) != 0;

	if (!intr_valid(c))
		return;
	if ((has && !may) || (may && !any_vector && has != entry_error_code_vector(vector)))
		flag_bits(c, VM_ENTRY_INTR_INFO.enc, c->intr_info, INTR_INFO_ERROR_CODE);
}

static void ctl_inject_reserved(struct ctx *c)
{
	if (intr_valid(c) && (c->intr_info & INTR_INFO_RESERVED))
		flag_bits(c, VM_ENTRY_INTR_INFO.enc, c->intr_info,
			  c->intr_info & INTR_INFO_RESERVED);
}

static void ctl_inject_error_value(struct ctx *c)
{
	uint32_t error;

	if (!intr_valid(c) || !(c->intr_info & INTR_INFO_ERROR_CODE))
		return;
	error = vmcs_read32(VM_ENTRY_EXCEPTION_ERROR_CODE);
	if (error & ENTRY_ERROR_CODE_RESERVED)
		flag_bits(c, VM_ENTRY_EXCEPTION_ERROR_CODE.enc, error,
			  error & ENTRY_ERROR_CODE_RESERVED);
}

static void ctl_inject_length(struct ctx *c)
{
	uint32_t len;

	if (!intr_valid(c) || !intr_type_has_length(intr_info_type(c->intr_info)))
		return;
	len = vmcs_read32(VM_ENTRY_INSTRUCTION_LEN);
	if (len > MAX_INSN_LEN || (len == 0 && !(c->caps->misc & VMX_MISC_ZERO_LENGTH_INJECTION)))
		flag(c, VM_ENTRY_INSTRUCTION_LEN.enc, len);
}

static void ctl_entry_smm(struct ctx *c)
{
	uint32_t smm = VM_ENTRY_ENTRY_TO_SMM | VM_ENTRY_DEACTIVATE_DUAL_MONITOR;

	if (entry_on(c, VM_ENTRY_ENTRY_TO_SMM) || entry_on(c, VM_ENTRY_DEACTIVATE_DUAL_MONITOR))
		flag_bits(c, VM_ENTRY_CONTROLS.enc, c->entry, c->entry & smm);
}

static void ctl_entry_msr_load(struct ctx *c)
{
	check_msr_area(c, VM_ENTRY_MSR_LOAD_COUNT, VM_ENTRY_MSR_LOAD_ADDR);
}

/* ---- 27.2.2 host control registers and MSRs ---- */

static void host_cr0_fixed(struct ctx *c)
{
	uint64_t cr0 = vmcs_read_natural(HOST_CR0);
	/* CD and NW are never checked: VM exit leaves them alone (27.2.2). */
	uint64_t bad = vmx_cr_violations(cr0, c->caps->cr0_fixed0, c->caps->cr0_fixed1) &
		       ~(CR0_CD | CR0_NW);

	if (bad)
		flag_bits(c, HOST_CR0.enc, cr0, bad);
}

static void host_cr4_fixed(struct ctx *c)
{
	uint64_t cr4 = vmcs_read_natural(HOST_CR4);
	uint64_t bad = vmx_cr_violations(cr4, c->caps->cr4_fixed0, c->caps->cr4_fixed1);

	if (bad)
		flag_bits(c, HOST_CR4.enc, cr4, bad);
}

static void host_cr3_width(struct ctx *c)
{
	uint64_t cr3 = vmcs_read_natural(HOST_CR3);

	if (beyond_maxphyaddr(c, cr3))
		flag(c, HOST_CR3.enc, cr3);
}

static void check_canonical(struct ctx *c, struct vmcs_field_natural f)
{
	uint64_t v = vmcs_read_natural(f);

	if (!canonical(c, v))
		flag(c, f.enc, v);
}

static void host_sysenter_canonical(struct ctx *c)
{
	check_canonical(c, HOST_IA32_SYSENTER_ESP);
	check_canonical(c, HOST_IA32_SYSENTER_EIP);
}

static void check_pat(struct ctx *c, struct vmcs_field64 f)
{
	uint64_t pat = vmcs_read64(f);

	if (!pat_ok(pat))
		flag(c, f.enc, pat);
}

static void check_efer_reserved(struct ctx *c, struct vmcs_field64 f)
{
	uint64_t efer = vmcs_read64(f);

	if (efer & EFER_RESERVED)
		flag_bits(c, f.enc, efer, efer & EFER_RESERVED);
}

static void host_pat(struct ctx *c)
{
	if (exit_on(c, VM_EXIT_LOAD_IA32_PAT))
		check_pat(c, HOST_IA32_PAT);
}

static void host_efer_reserved(struct ctx *c)
{
	if (exit_on(c, VM_EXIT_LOAD_IA32_EFER))
		check_efer_reserved(c, HOST_IA32_EFER);
}

static void host_efer_lma_lme(struct ctx *c)
{
	uint64_t efer, want;

	if (!exit_on(c, VM_EXIT_LOAD_IA32_EFER))
		return;
	efer = vmcs_read64(HOST_IA32_EFER);
	want = exit_on(c, VM_EXIT_HOST_ADDR_SPACE_SIZE) ? EFER_LMA | EFER_LME : 0;
	if ((efer & (EFER_LMA | EFER_LME)) != want)
		flag_bits(c, HOST_IA32_EFER.enc, efer, (efer ^ want) & (EFER_LMA | EFER_LME));
}

/* ---- 27.2.3 host segment and descriptor-table registers ---- */

static void host_selector_rpl_ti(struct ctx *c)
{
	const struct vmcs_field16 sels[] = {
		HOST_ES_SELECTOR, HOST_CS_SELECTOR, HOST_SS_SELECTOR, HOST_DS_SELECTOR,
		HOST_FS_SELECTOR, HOST_GS_SELECTOR, HOST_TR_SELECTOR,
	};

	for (size_t i = 0; i < ARRAY_SIZE(sels); i++) {
		uint16_t sel = vmcs_read16(sels[i]);

		if (sel & (SEL_RPL_MASK | SEL_TI))
			flag_bits(c, sels[i].enc, sel, sel & (SEL_RPL_MASK | SEL_TI));
	}
}

static void host_cs_null(struct ctx *c)
{
	if (vmcs_read16(HOST_CS_SELECTOR) == 0)
		flag(c, HOST_CS_SELECTOR.enc, 0);
}

static void host_tr_null(struct ctx *c)
{
	if (vmcs_read16(HOST_TR_SELECTOR) == 0)
		flag(c, HOST_TR_SELECTOR.enc, 0);
}

static void host_base_canonical(struct ctx *c)
{
	check_canonical(c, HOST_FS_BASE);
	check_canonical(c, HOST_GS_BASE);
	check_canonical(c, HOST_TR_BASE);
	check_canonical(c, HOST_GDTR_BASE);
	check_canonical(c, HOST_IDTR_BASE);
}

/* ---- 27.2.4 address-space size (skiff always runs in IA-32e mode) ---- */

static void host_addr_space_size(struct ctx *c)
{
	if (!exit_on(c, VM_EXIT_HOST_ADDR_SPACE_SIZE))
		flag(c, VM_EXIT_CONTROLS.enc, c->exit);
}

static void host_cr4_pae(struct ctx *c)
{
	uint64_t cr4 = vmcs_read_natural(HOST_CR4);

	if (exit_on(c, VM_EXIT_HOST_ADDR_SPACE_SIZE) && !(cr4 & CR4_PAE))
		flag_bits(c, HOST_CR4.enc, cr4, CR4_PAE);
}

static void host_rip_canonical(struct ctx *c)
{
	if (exit_on(c, VM_EXIT_HOST_ADDR_SPACE_SIZE))
		check_canonical(c, HOST_RIP);
}

/* ---- 27.3.1.1 guest control registers, debug registers and MSRs ---- */

static void guest_cr0_fixed(struct ctx *c)
{
	/* PE and PG are free with unrestricted guest, CD and NW always. */
	uint64_t fixed0 = vmx_guest_cr0_fixed0(c->caps->cr0_fixed0, c->unrestricted);
	uint64_t bad = vmx_cr_violations(c->cr0, fixed0, c->caps->cr0_fixed1) & ~(CR0_CD | CR0_NW);

	if (bad)
		flag_bits(c, GUEST_CR0.enc, c->cr0, bad);
}

static void guest_cr0_pg_pe(struct ctx *c)
{
	if ((c->cr0 & CR0_PG) && !(c->cr0 & CR0_PE))
		flag_bits(c, GUEST_CR0.enc, c->cr0, CR0_PE);
}

static void guest_cr4_fixed(struct ctx *c)
{
	uint64_t bad = vmx_cr_violations(c->cr4, c->caps->cr4_fixed0, c->caps->cr4_fixed1);

	if (bad)
		flag_bits(c, GUEST_CR4.enc, c->cr4, bad);
}

static void guest_debugctl(struct ctx *c)
{
	uint64_t v = vmcs_read64(GUEST_IA32_DEBUGCTL);

	if (entry_on(c, VM_ENTRY_LOAD_DEBUG_CONTROLS) && (v & DEBUGCTL_RESERVED))
		flag_bits(c, GUEST_IA32_DEBUGCTL.enc, v, v & DEBUGCTL_RESERVED);
}

static void guest_ia32e_pg_pae(struct ctx *c)
{
	if (!c->ia32e)
		return;
	if (!(c->cr0 & CR0_PG))
		flag_bits(c, GUEST_CR0.enc, c->cr0, CR0_PG);
	else if (!(c->cr4 & CR4_PAE))
		flag_bits(c, GUEST_CR4.enc, c->cr4, CR4_PAE);
}

static void guest_pcide(struct ctx *c)
{
	if (!c->ia32e && (c->cr4 & CR4_PCIDE))
		flag_bits(c, GUEST_CR4.enc, c->cr4, CR4_PCIDE);
}

static void guest_cr3_width(struct ctx *c)
{
	uint64_t cr3 = vmcs_read_natural(GUEST_CR3);

	if (beyond_maxphyaddr(c, cr3))
		flag(c, GUEST_CR3.enc, cr3);
}

static void guest_dr7(struct ctx *c)
{
	uint64_t dr7 = vmcs_read_natural(GUEST_DR7);

	if (entry_on(c, VM_ENTRY_LOAD_DEBUG_CONTROLS) && (dr7 >> 32))
		flag(c, GUEST_DR7.enc, dr7);
}

static void guest_sysenter_canonical(struct ctx *c)
{
	check_canonical(c, GUEST_IA32_SYSENTER_ESP);
	check_canonical(c, GUEST_IA32_SYSENTER_EIP);
}

static void guest_pat(struct ctx *c)
{
	if (entry_on(c, VM_ENTRY_LOAD_IA32_PAT))
		check_pat(c, GUEST_IA32_PAT);
}

static void guest_efer_reserved(struct ctx *c)
{
	if (entry_on(c, VM_ENTRY_LOAD_IA32_EFER))
		check_efer_reserved(c, GUEST_IA32_EFER);
}

static void guest_efer_lma(struct ctx *c)
{
	uint64_t efer;

	if (!entry_on(c, VM_ENTRY_LOAD_IA32_EFER))
		return;
	efer = vmcs_read64(GUEST_IA32_EFER);
	if (((efer & EFER_LMA) != 0) != c->ia32e)
		flag_bits(c, GUEST_IA32_EFER.enc, efer, EFER_LMA);
}

static void guest_efer_lme(struct ctx *c)
{
	uint64_t efer;

	if (!entry_on(c, VM_ENTRY_LOAD_IA32_EFER) || !(c->cr0 & CR0_PG))
		return;
	efer = vmcs_read64(GUEST_IA32_EFER);
	if (!(efer & EFER_LMA) != !(efer & EFER_LME))
		flag_bits(c, GUEST_IA32_EFER.enc, efer, EFER_LME);
}

static void guest_bndcfgs(struct ctx *c)
{
	uint64_t v;

	if (!entry_on(c, VM_ENTRY_LOAD_IA32_BNDCFGS))
		return;
	v = vmcs_read64(GUEST_IA32_BNDCFGS);
	if ((v & BNDCFGS_RESERVED) || !canonical(c, v & ~PAGE_ALIGN_MASK))
		flag(c, GUEST_IA32_BNDCFGS.enc, v);
}

/* ---- 27.3.1.2 guest segment registers ---- */

static void flag_ar(struct ctx *c, const struct seg *s, uint32_t bits)
{
	flag_bits(c, s->ar_field.enc, s->ar, bits);
}

static void guest_tr_ti(struct ctx *c)
{
	const struct seg *tr = &c->seg[SEG_TR];

	if (tr->sel & SEL_TI)
		flag_bits(c, tr->sel_field.enc, tr->sel, SEL_TI);
}

static void guest_ldtr_ti(struct ctx *c)
{
	const struct seg *ldtr = &c->seg[SEG_LDTR];

	if (seg_usable(ldtr) && (ldtr->sel & SEL_TI))
		flag_bits(c, ldtr->sel_field.enc, ldtr->sel, SEL_TI);
}

static void guest_ss_rpl(struct ctx *c)
{
	const struct seg *ss = &c->seg[SEG_SS], *cs = &c->seg[SEG_CS];

	if (!c->v86 && !c->unrestricted && (ss->sel & SEL_RPL_MASK) != (cs->sel & SEL_RPL_MASK))
		flag_bits(c, ss->sel_field.enc, ss->sel, SEL_RPL_MASK);
}

/* The virtual-8086 rules cover the six registers ES to GS. */
static void guest_v86_base(struct ctx *c)
{
	if (!c->v86)
		return;
	for (int i = SEG_ES; i <= SEG_GS; i++) {
		const struct seg *s = &c->seg[i];

		if (s->base != (uint64_t)s->sel << 4)
			flag(c, s->base_field.enc, s->base);
	}
}

static void guest_v86_limit(struct ctx *c)
{
	if (!c->v86)
		return;
	for (int i = SEG_ES; i <= SEG_GS; i++)
		if (c->seg[i].limit != V86_LIMIT)
			flag(c, c->seg[i].limit_field.enc, c->seg[i].limit);
}

static void guest_v86_ar(struct ctx *c)
{
	if (!c->v86)
		return;
	for (int i = SEG_ES; i <= SEG_GS; i++)
		if (c->seg[i].ar != AR_V86)
			flag_ar(c, &c->seg[i], c->seg[i].ar ^ AR_V86);
}

static void guest_base_canonical(struct ctx *c)
{
	const int segs[] = { SEG_TR, SEG_FS, SEG_GS, SEG_LDTR };

	for (size_t i = 0; i < ARRAY_SIZE(segs); i++) {
		const struct seg *s = &c->seg[segs[i]];

		if ((segs[i] != SEG_LDTR || seg_usable(s)) && !canonical(c, s->base))
			flag(c, s->base_field.enc, s->base);
	}
}

static void guest_base_upper(struct ctx *c)
{
	const int segs[] = { SEG_CS, SEG_SS, SEG_DS, SEG_ES };

	for (size_t i = 0; i < ARRAY_SIZE(segs); i++) {
		const struct seg *s = &c->seg[segs[i]];

		if ((segs[i] == SEG_CS || seg_usable(s)) && (s->base >> 32))
			flag(c, s->base_field.enc, s->base);
	}
}

/* Whether the ordinary (not virtual-8086) access-rights checks of 27.3.1.2
 * apply to CS, SS, DS, ES, FS or GS: CS always, the others when usable. */
static bool seg_checked(const struct ctx *c, int i)
{
	return !c->v86 && (i == SEG_CS || seg_usable(&c->seg[i]));
}

static void guest_cs_type(struct ctx *c)
{
	const struct seg *cs = &c->seg[SEG_CS];
	unsigned type = seg_type(cs);
	bool code = type == 9 || type == 11 || type == 13 || type == 15;

	if (!c->v86 && !code && !(c->unrestricted && type == TYPE_DATA_RW_ACCESSED))
		flag_ar(c, cs, AR_TYPE_MASK);
}

static void guest_ss_type(struct ctx *c)
{
	const struct seg *ss = &c->seg[SEG_SS];
	unsigned type = seg_type(ss);

	if (seg_checked(c, SEG_SS) && type != TYPE_DATA_RW_ACCESSED &&
	    type != TYPE_DATA_RW_DOWN_ACCESSED)
		flag_ar(c, ss, AR_TYPE_MASK);
}

static void guest_data_type(struct ctx *c)
{
	const int segs[] = { SEG_DS, SEG_ES, SEG_FS, SEG_GS };

	for (size_t i = 0; i < ARRAY_SIZE(segs); i++) {
		const struct seg *s = &c->seg[segs[i]];
		unsigned type = seg_type(s);

		if (seg_checked(c, segs[i]) &&
		    (!(type & AR_TYPE_ACCESSED) ||
		     ((type & AR_TYPE_CODE) && !(type & AR_TYPE_READABLE))))
			flag_ar(c, s, AR_TYPE_MASK);
	}
}

static void guest_seg_s(struct ctx *c)
{
	for (int i = SEG_ES; i <= SEG_GS; i++)
		if (seg_checked(c, i) && !(c->seg[i].ar & AR_S))
			flag_ar(c, &c->seg[i], AR_S);
}

static void guest_cs_dpl(struct ctx *c)
{
	const struct seg *cs = &c->seg[SEG_CS];
	unsigned type = seg_type(cs), dpl = seg_dpl(cs), ss_dpl = seg_dpl(&c->seg[SEG_SS]);

	if (c->v86)
		return;
	if ((type == TYPE_DATA_RW_ACCESSED && dpl != 0) ||
	    ((type == 9 || type == 11) && dpl != ss_dpl) ||
	    ((type == 13 || type == 15) && dpl > ss_dpl))
		flag_ar(c, cs, 3u << AR_DPL_SHIFT);
}

static void guest_ss_dpl(struct ctx *c)
{
	const struct seg *ss = &c->seg[SEG_SS];
	unsigned dpl = seg_dpl(ss);
	bool must_be_0 = seg_type(&c->seg[SEG_CS]) == TYPE_DATA_RW_ACCESSED || !(c->cr0 & CR0_PE);

	if (c->v86)
		return;
	if ((!c->unrestricted && dpl != (ss->sel & SEL_RPL_MASK)) || (must_be_0 && dpl != 0))
		flag_ar(c, ss, 3u << AR_DPL_SHIFT);
}

static void guest_data_dpl(struct ctx *c)
{
	const int segs[] = { SEG_DS, SEG_ES, SEG_FS, SEG_GS };

	if (c->unrestricted)
		return;
	for (size_t i = 0; i < ARRAY_SIZE(segs); i++) {
		const struct seg *s = &c->seg[segs[i]];

		if (seg_checked(c, segs[i]) && seg_type(s) <= TYPE_LAST_NONCONFORMING &&
		    seg_dpl(s) < (s->sel & SEL_RPL_MASK))
			flag_ar(c, s, 3u << AR_DPL_SHIFT);
	}
}

static void guest_seg_present(struct ctx *c)
{
	for (int i = SEG_ES; i <= SEG_GS; i++)
		if (seg_checked(c, i) && !(c->seg[i].ar & AR_P))
			flag_ar(c, &c->seg[i], AR_P);
}

/* The access-rights checks common to all eight registers (reserved bits,
 * granularity) apply to TR always and to LDTR when usable. */
static bool seg_ar_checked(const struct ctx *c, int i)
{
	if (i == SEG_TR)
		return true;
	if (i == SEG_LDTR)
		return seg_usable(&c->seg[i]);
	return seg_checked(c, i);
}

static void guest_seg_reserved(struct ctx *c)
{
	for (int i = 0; i < SEG_COUNT; i++)
		if (seg_ar_checked(c, i) && (c->seg[i].ar & AR_RESERVED))
			flag_ar(c, &c->seg[i], c->seg[i].ar & AR_RESERVED);
}

static void guest_cs_db(struct ctx *c)
{
	const struct seg *cs = &c->seg[SEG_CS];

	if (c->ia32e && (cs->ar & AR_L) && (cs->ar & AR_DB))
		flag_ar(c, cs, AR_DB);
}

static void guest_seg_granularity(struct ctx *c)
{
	for (int i = 0; i < SEG_COUNT; i++) {
		const struct seg *s = &c->seg[i];
		bool g = (s->ar & AR_G) != 0;

		if (!seg_ar_checked(c, i))
			continue;
		if ((g && (s->limit & 0xfff) != 0xfff) || (!g && (s->limit & 0xfff00000)))
			flag(c, s->limit_field.enc, s->limit);
	}
}

static void guest_tr_type(struct ctx *c)
{
	/* LAB 8 BEGIN: guest_tr_type(): TR must be a busy TSS (SDM Vol. 3C 27.3.1.2) */
	const struct seg *tr = &c->seg[SEG_TR];
	unsigned type = seg_type(tr);

	if (type != TYPE_TSS32_BUSY && (c->ia32e || type != TYPE_TSS16_BUSY))
		flag_ar(c, tr, AR_TYPE_MASK);
	/* LAB 8 END */
}

static void guest_tr_s(struct ctx *c)
{
	if (c->seg[SEG_TR].ar & AR_S)
		flag_ar(c, &c->seg[SEG_TR], AR_S);
}

static void guest_tr_present(struct ctx *c)
{
	if (!(c->seg[SEG_TR].ar & AR_P))
		flag_ar(c, &c->seg[SEG_TR], AR_P);
}

static void guest_tr_usable(struct ctx *c)
{
	if (!seg_usable(&c->seg[SEG_TR]))
		flag_ar(c, &c->seg[SEG_TR], AR_UNUSABLE);
}

static void guest_ldtr_ar(struct ctx *c)
{
	const struct seg *ldtr = &c->seg[SEG_LDTR];

	if (seg_usable(ldtr) &&
	    (seg_type(ldtr) != TYPE_LDT || (ldtr->ar & AR_S) || !(ldtr->ar & AR_P)))
		flag(c, ldtr->ar_field.enc, ldtr->ar);
}

/* ---- 27.3.1.3 guest descriptor-table registers ---- */

static void guest_dtr_base(struct ctx *c)
{
	check_canonical(c, GUEST_GDTR_BASE);
	check_canonical(c, GUEST_IDTR_BASE);
}

static void guest_dtr_limit(struct ctx *c)
{
	uint32_t gdtr = vmcs_read32(GUEST_GDTR_LIMIT), idtr = vmcs_read32(GUEST_IDTR_LIMIT);

	if (gdtr >> 16)
		flag(c, GUEST_GDTR_LIMIT.enc, gdtr);
	if (idtr >> 16)
		flag(c, GUEST_IDTR_LIMIT.enc, idtr);
}

/* ---- 27.3.1.4 guest RIP and RFLAGS ---- */

static bool guest_64bit_mode(const struct ctx *c)
{
	return c->ia32e && (c->seg[SEG_CS].ar & AR_L);
}

static void guest_rip_upper(struct ctx *c)
{
	uint64_t rip = vmcs_read_natural(GUEST_RIP);

	if (!guest_64bit_mode(c) && (rip >> 32))
		flag(c, GUEST_RIP.enc, rip);
}

static void guest_rip_canonical(struct ctx *c)
{
	if (guest_64bit_mode(c))
		check_canonical(c, GUEST_RIP);
}

static void guest_rflags_reserved(struct ctx *c)
{
	uint64_t bad = (c->rflags & RFLAGS_RESERVED) | (~c->rflags & RFLAGS_FIXED);

	if (bad)
		flag_bits(c, GUEST_RFLAGS.enc, c->rflags, bad);
}

static void guest_rflags_vm(struct ctx *c)
{
	if (c->v86 && (c->ia32e || !(c->cr0 & CR0_PE)))
		flag_bits(c, GUEST_RFLAGS.enc, c->rflags, RFLAGS_VM);
}

static void guest_rflags_if(struct ctx *c)
{
	if (injecting(c, INTR_TYPE_EXTERNAL) && !(c->rflags & RFLAGS_IF))
		flag_bits(c, GUEST_RFLAGS.enc, c->rflags, RFLAGS_IF);
}

/* ---- 27.3.1.5 guest non-register state ---- */

static void guest_activity_state(struct ctx *c)
{
	uint32_t a = c->activity;

	if (a > GUEST_ACTIVITY_WAIT_SIPI ||
	    (a != GUEST_ACTIVITY_ACTIVE &&
	     !(c->caps->misc & (1ull << (VMX_MISC_ACTIVITY_SHIFT + a - 1)))))
		flag(c, GUEST_ACTIVITY_STATE.enc, a);
}

static void guest_activity_hlt_dpl(struct ctx *c)
{
	if (c->activity == GUEST_ACTIVITY_HLT && seg_dpl(&c->seg[SEG_SS]) != 0)
		flag(c, GUEST_ACTIVITY_STATE.enc, c->activity);
}

static void guest_activity_blocking(struct ctx *c)
{
	if (c->activity != GUEST_ACTIVITY_ACTIVE &&
	    (c->interruptibility & (GUEST_INTR_BLOCK_STI | GUEST_INTR_BLOCK_MOV_SS)))
		flag(c, GUEST_ACTIVITY_STATE.enc, c->activity);
}

/* The events each activity state lets through (27.3.1.5). */
static bool event_allowed(uint32_t activity, enum intr_type type, unsigned vector)
{
	bool exception = type == INTR_TYPE_HW_EXCEPTION;

	switch (activity) {
	case GUEST_ACTIVITY_HLT:
		return type == INTR_TYPE_EXTERNAL || type == INTR_TYPE_NMI ||
		       (exception && (vector == EXC_DB || vector == EXC_MC)) ||
		       (type == INTR_TYPE_OTHER && vector == 0);
	case GUEST_ACTIVITY_SHUTDOWN:
		return type == INTR_TYPE_NMI || (exception && vector == EXC_MC);
	case GUEST_ACTIVITY_WAIT_SIPI:
		return false;
	default:
		return true;	/* active; an unknown state is the rule above's */
	}
}

static void guest_activity_event(struct ctx *c)
{
	if (intr_valid(c) && !event_allowed(c->activity, intr_info_type(c->intr_info),
					    intr_info_vector(c->intr_info)))
		flag(c, VM_ENTRY_INTR_INFO.enc, c->intr_info);
}

static void flag_intr(struct ctx *c, uint32_t bits)
{
	flag_bits(c, GUEST_INTERRUPTIBILITY_STATE.enc, c->interruptibility, bits);
}

static void guest_intr_reserved(struct ctx *c)
{
	if (c->interruptibility & INTR_STATE_RESERVED)
		flag_intr(c, c->interruptibility & INTR_STATE_RESERVED);
}

static void guest_intr_enclave(struct ctx *c)
{
	uint32_t i = c->interruptibility;

	if ((i & INTR_STATE_ENCLAVE) && (!c->caps->sgx || (i & GUEST_INTR_BLOCK_MOV_SS)))
		flag_intr(c, INTR_STATE_ENCLAVE);
}

static void guest_intr_sti_mov_ss(struct ctx *c)
{
	uint32_t both = GUEST_INTR_BLOCK_STI | GUEST_INTR_BLOCK_MOV_SS;

	if ((c->interruptibility & both) == both)
		flag_intr(c, both);
}

static void guest_intr_sti_if(struct ctx *c)
{
	if ((c->interruptibility & GUEST_INTR_BLOCK_STI) && !(c->rflags & RFLAGS_IF))
		flag_intr(c, GUEST_INTR_BLOCK_STI);
}

static void guest_intr_ext_int(struct ctx *c)
{
	uint32_t blocking = c->interruptibility & (GUEST_INTR_BLOCK_STI | GUEST_INTR_BLOCK_MOV_SS);

	if (injecting(c, INTR_TYPE_EXTERNAL) && blocking)
		flag_intr(c, blocking);
}

static void guest_intr_nmi_mov_ss(struct ctx *c)
{
	if (injecting(c, INTR_TYPE_NMI) && (c->interruptibility & GUEST_INTR_BLOCK_MOV_SS))
		flag_intr(c, GUEST_INTR_BLOCK_MOV_SS);
}

/* Entry to SMM would need it set, but that control is itself an error
 * outside SMM (EC_CTL_ENTRY_SMM). */
static void guest_intr_smi(struct ctx *c)
{
	if (c->interruptibility & GUEST_INTR_BLOCK_SMI)
		flag_intr(c, GUEST_INTR_BLOCK_SMI);
}

static void guest_intr_virtual_nmi(struct ctx *c)
{
	if (pin_on(c, PIN_BASED_VIRTUAL_NMIS) && injecting(c, INTR_TYPE_NMI) &&
	    (c->interruptibility & GUEST_INTR_BLOCK_NMI))
		flag_intr(c, GUEST_INTR_BLOCK_NMI);
}

static void guest_pending_dbg_reserved(struct ctx *c)
{
	uint64_t p = vmcs_read_natural(GUEST_PENDING_DBG_EXCEPTIONS);

	if (p & PENDING_DBG_RESERVED)
		flag_bits(c, GUEST_PENDING_DBG_EXCEPTIONS.enc, p, p & PENDING_DBG_RESERVED);
}

static void guest_pending_dbg_bs(struct ctx *c)
{
	uint64_t p;
	bool want;

	if (!(c->interruptibility & (GUEST_INTR_BLOCK_STI | GUEST_INTR_BLOCK_MOV_SS)) &&
	    c->activity != GUEST_ACTIVITY_HLT)
		return;
	p = vmcs_read_natural(GUEST_PENDING_DBG_EXCEPTIONS);
	want = (c->rflags & RFLAGS_TF) && !(vmcs_read64(GUEST_IA32_DEBUGCTL) & DEBUGCTL_BTF);
	if (want != !!(p & GUEST_PENDING_DBG_BS))
		flag_bits(c, GUEST_PENDING_DBG_EXCEPTIONS.enc, p, GUEST_PENDING_DBG_BS);
}

static void guest_pending_dbg_rtm(struct ctx *c)
{
	uint64_t p = vmcs_read_natural(GUEST_PENDING_DBG_EXCEPTIONS);
	uint64_t only = PENDING_DBG_RTM | PENDING_DBG_ENABLED_BP;

	if ((p & PENDING_DBG_RTM) &&
	    (p != only || !c->caps->rtm || (c->interruptibility & GUEST_INTR_BLOCK_MOV_SS)))
		flag(c, GUEST_PENDING_DBG_EXCEPTIONS.enc, p);
}

static void guest_link_shadowing(struct ctx *c)
{
	if (proc2_on(c, SECONDARY_EXEC_VMCS_SHADOWING) &&
	    vmcs_read64(VMCS_LINK_POINTER) == VMCS_LINK_NONE)
		flag(c, VMCS_LINK_POINTER.enc, VMCS_LINK_NONE);
}

static void guest_link_addr(struct ctx *c)
{
	uint64_t link = vmcs_read64(VMCS_LINK_POINTER);

	if (link != VMCS_LINK_NONE && !addr_ok(c, link, PAGE_ALIGN_MASK))
		flag(c, VMCS_LINK_POINTER.enc, link);
}

static void guest_link_none(struct ctx *c)
{
	uint64_t link = vmcs_read64(VMCS_LINK_POINTER);

	if (link != VMCS_LINK_NONE && !proc2_on(c, SECONDARY_EXEC_VMCS_SHADOWING))
		flag(c, VMCS_LINK_POINTER.enc, link);
}

/* ---- 27.3.1.6 guest PDPTEs ---- */

/* Only with EPT are the PDPTEs taken from the VMCS; without it they come
 * from the page CR3 points to, which this checker does not read. */
static void guest_pdpte(struct ctx *c)
{
	const struct vmcs_field64 f[] = { GUEST_PDPTE0, GUEST_PDPTE1, GUEST_PDPTE2, GUEST_PDPTE3 };

	if (!(c->cr0 & CR0_PG) || !(c->cr4 & CR4_PAE) || c->ia32e ||
	    !proc2_on(c, SECONDARY_EXEC_ENABLE_EPT))
		return;
	for (size_t i = 0; i < ARRAY_SIZE(f); i++) {
		uint64_t e = vmcs_read64(f[i]);

		if ((e & PDPTE_P) && ((e & PDPTE_RESERVED) || beyond_maxphyaddr(c, e)))
			flag(c, f[i].enc, e);
	}
}

/* ---- the rules, in the SDM's order ---- */

struct entry_rule_def {
	struct entry_rule_info info;
	void (*check)(struct ctx *c);
};

/* One macro per kind; each pastes id itself (forwarding it to a common
 * macro would expand it first). */
#define CTL(id, sec, fields, text, fn) \
	[EC_##id] = { { #id, sec, fields, text, ENTRY_CHECK_CONTROL }, fn }
#define HOST(id, sec, fields, text, fn) \
	[EC_##id] = { { #id, sec, fields, text, ENTRY_CHECK_HOST }, fn }
#define GUEST(id, sec, fields, text, fn) \
	[EC_##id] = { { #id, sec, fields, text, ENTRY_CHECK_GUEST }, fn }

static const struct entry_rule_def rules[EC_RULE_COUNT] = {
	CTL(CTL_PIN_RESERVED, "27.2.1.1", "PIN_BASED_VM_EXEC_CONTROL",
	    "pin-based controls must be as IA32_VMX_(TRUE_)PINBASED_CTLS allows",
	    ctl_pin_reserved),
	CTL(CTL_PROC_RESERVED, "27.2.1.1", "CPU_BASED_VM_EXEC_CONTROL",
	    "primary processor-based controls must be as IA32_VMX_(TRUE_)PROCBASED_CTLS allows",
	    ctl_proc_reserved),
	CTL(CTL_PROC2_RESERVED, "27.2.1.1", "SECONDARY_VM_EXEC_CONTROL",
	    "secondary processor-based controls must be as IA32_VMX_PROCBASED_CTLS2 allows",
	    ctl_proc2_reserved),
	CTL(CTL_CR3_TARGET_COUNT, "27.2.1.1", "CR3_TARGET_COUNT",
	    "CR3-target count must not exceed IA32_VMX_MISC[24:16] (4)",
	    ctl_cr3_target_count),
	CTL(CTL_IO_BITMAP_ADDR, "27.2.1.1", "IO_BITMAP_A, IO_BITMAP_B",
	    "with \"use I/O bitmaps\", each I/O-bitmap address must be 4-KByte aligned "
	    "and within MAXPHYADDR", ctl_io_bitmap_addr),
	CTL(CTL_MSR_BITMAP_ADDR, "27.2.1.1", "MSR_BITMAP",
	    "with \"use MSR bitmaps\", the MSR-bitmap address must be 4-KByte aligned "
	    "and within MAXPHYADDR", ctl_msr_bitmap_addr),
	CTL(CTL_VIRTUAL_APIC_ADDR, "27.2.1.1", "VIRTUAL_APIC_PAGE_ADDR",
	    "with \"use TPR shadow\", the virtual-APIC address must be 4-KByte aligned "
	    "and within MAXPHYADDR", ctl_virtual_apic_addr),
	CTL(CTL_TPR_THRESHOLD, "27.2.1.1", "TPR_THRESHOLD",
	    "with \"use TPR shadow\" and no \"virtual-interrupt delivery\", TPR threshold "
	    "bits 31:4 must be 0", ctl_tpr_threshold),
	CTL(CTL_TPR_SHADOW_NEEDED, "27.2.1.1", "CPU_BASED_VM_EXEC_CONTROL, SECONDARY_VM_EXEC_CONTROL",
	    "without \"use TPR shadow\", \"virtualize x2APIC mode\", \"APIC-register "
	    "virtualization\" and \"virtual-interrupt delivery\" must be 0",
	    ctl_tpr_shadow_needed),
	CTL(CTL_VIRTUAL_NMIS, "27.2.1.1", "PIN_BASED_VM_EXEC_CONTROL",
	    "\"virtual NMIs\" requires \"NMI exiting\"", ctl_virtual_nmis),
	CTL(CTL_NMI_WINDOW, "27.2.1.1", "CPU_BASED_VM_EXEC_CONTROL, PIN_BASED_VM_EXEC_CONTROL",
	    "\"NMI-window exiting\" requires \"virtual NMIs\"", ctl_nmi_window),
	CTL(CTL_APIC_ACCESS_ADDR, "27.2.1.1", "APIC_ACCESS_ADDR",
	    "with \"virtualize APIC accesses\", the APIC-access address must be 4-KByte "
	    "aligned and within MAXPHYADDR", ctl_apic_access_addr),
	CTL(CTL_X2APIC_APIC_ACCESS, "27.2.1.1", "SECONDARY_VM_EXEC_CONTROL",
	    "\"virtualize x2APIC mode\" and \"virtualize APIC accesses\" cannot both be 1",
	    ctl_x2apic_apic_access),
	CTL(CTL_VID_EXT_INT, "27.2.1.1", "SECONDARY_VM_EXEC_CONTROL, PIN_BASED_VM_EXEC_CONTROL",
	    "\"virtual-interrupt delivery\" requires \"external-interrupt exiting\"",
	    ctl_vid_ext_int),
	CTL(CTL_POSTED_VID, "27.2.1.1", "PIN_BASED_VM_EXEC_CONTROL, SECONDARY_VM_EXEC_CONTROL",
	    "\"process posted interrupts\" requires \"virtual-interrupt delivery\"",
	    ctl_posted_vid),
	CTL(CTL_POSTED_ACK, "27.2.1.1", "PIN_BASED_VM_EXEC_CONTROL, VM_EXIT_CONTROLS",
	    "\"process posted interrupts\" requires \"acknowledge interrupt on exit\"",
	    ctl_posted_ack),
	CTL(CTL_POSTED_VECTOR, "27.2.1.1", "POSTED_INTR_NOTIFICATION_VECTOR",
	    "with \"process posted interrupts\", notification-vector bits 15:8 must be 0",
	    ctl_posted_vector),
	CTL(CTL_POSTED_DESC_ADDR, "27.2.1.1", "POSTED_INTR_DESC_ADDR",
	    "with \"process posted interrupts\", the descriptor address must be 64-byte "
	    "aligned and within MAXPHYADDR", ctl_posted_desc_addr),
	CTL(CTL_VPID_ZERO, "27.2.1.1", "VIRTUAL_PROCESSOR_ID",
	    "with \"enable VPID\", the VPID must not be 0", ctl_vpid_zero),
	CTL(CTL_EPTP_MEMTYPE, "27.2.1.1", "EPT_POINTER",
	    "EPTP bits 2:0 must be a memory type IA32_VMX_EPT_VPID_CAP allows "
	    "(UC: bit 8, WB: bit 14)", ctl_eptp_memtype),
	CTL(CTL_EPTP_WALK_LENGTH, "27.2.1.1", "EPT_POINTER",
	    "EPTP bits 5:3 must be a page-walk length minus 1 that IA32_VMX_EPT_VPID_CAP "
	    "allows (4 levels: bit 6, 5 levels: bit 7)", ctl_eptp_walk_length),
	CTL(CTL_EPTP_AD, "27.2.1.1", "EPT_POINTER",
	    "EPTP bit 6 (accessed and dirty flags) requires IA32_VMX_EPT_VPID_CAP bit 21",
	    ctl_eptp_ad),
	CTL(CTL_EPTP_SSS, "27.2.1.1", "EPT_POINTER",
	    "EPTP bit 7 (supervisor shadow-stack control) requires IA32_VMX_EPT_VPID_CAP bit 22",
	    ctl_eptp_sss),
	CTL(CTL_EPTP_RESERVED, "27.2.1.1", "EPT_POINTER",
	    "EPTP bits 11:8 and bits beyond MAXPHYADDR must be 0", ctl_eptp_reserved),
	CTL(CTL_UNRESTRICTED_EPT, "27.2.1.1", "SECONDARY_VM_EXEC_CONTROL",
	    "\"unrestricted guest\" requires \"enable EPT\"", ctl_unrestricted_ept),
	CTL(CTL_PML_EPT, "27.2.1.1", "SECONDARY_VM_EXEC_CONTROL",
	    "\"enable PML\" requires \"enable EPT\"", ctl_pml_ept),
	CTL(CTL_PML_ADDR, "27.2.1.1", "PML_ADDRESS",
	    "with \"enable PML\", the PML address must be 4-KByte aligned and within MAXPHYADDR",
	    ctl_pml_addr),
	CTL(CTL_VMFUNC_RESERVED, "27.2.1.1", "VM_FUNCTION_CONTROLS",
	    "with \"enable VM functions\", VM-function controls must be as IA32_VMX_VMFUNC allows",
	    ctl_vmfunc_reserved),
	CTL(CTL_EPTP_SWITCHING_EPT, "27.2.1.1", "VM_FUNCTION_CONTROLS, SECONDARY_VM_EXEC_CONTROL",
	    "EPTP switching (VM function 0) requires \"enable EPT\"", ctl_eptp_switching_ept),
	CTL(CTL_EPTP_LIST_ADDR, "27.2.1.1", "EPTP_LIST_ADDRESS",
	    "with EPTP switching, the EPTP-list address must be 4-KByte aligned and within "
	    "MAXPHYADDR", ctl_eptp_list_addr),
	CTL(CTL_VMCS_SHADOW_BITMAPS, "27.2.1.1", "VMREAD_BITMAP, VMWRITE_BITMAP",
	    "with \"VMCS shadowing\", the VMREAD- and VMWRITE-bitmap addresses must be "
	    "4-KByte aligned and within MAXPHYADDR", ctl_vmcs_shadow_bitmaps),
	CTL(CTL_VE_INFO_ADDR, "27.2.1.1", "VE_INFORMATION_ADDRESS",
	    "with \"EPT-violation #VE\", the virtualization-exception information address "
	    "must be 4-KByte aligned and within MAXPHYADDR", ctl_ve_info_addr),

	CTL(CTL_EXIT_RESERVED, "27.2.1.2", "VM_EXIT_CONTROLS",
	    "VM-exit controls must be as IA32_VMX_(TRUE_)EXIT_CTLS allows", ctl_exit_reserved),
	CTL(CTL_SAVE_TIMER, "27.2.1.2", "VM_EXIT_CONTROLS, PIN_BASED_VM_EXEC_CONTROL",
	    "\"save VMX-preemption timer value\" requires \"activate VMX-preemption timer\"",
	    ctl_save_timer),
	CTL(CTL_EXIT_MSR_STORE, "27.2.1.2", "VM_EXIT_MSR_STORE_COUNT, VM_EXIT_MSR_STORE_ADDR",
	    "a VM-exit MSR-store area must be 16-byte aligned and lie within MAXPHYADDR",
	    ctl_exit_msr_store),
	CTL(CTL_EXIT_MSR_LOAD, "27.2.1.2", "VM_EXIT_MSR_LOAD_COUNT, VM_EXIT_MSR_LOAD_ADDR",
	    "a VM-exit MSR-load area must be 16-byte aligned and lie within MAXPHYADDR",
	    ctl_exit_msr_load),

	CTL(CTL_ENTRY_RESERVED, "27.2.1.3", "VM_ENTRY_CONTROLS",
	    "VM-entry controls must be as IA32_VMX_(TRUE_)ENTRY_CTLS allows", ctl_entry_reserved),
	CTL(CTL_INJECT_TYPE, "27.2.1.3", "VM_ENTRY_INTR_INFO",
	    "injected event type must not be 1, nor 7 (other event) without \"monitor trap "
	    "flag\" support", ctl_inject_type),
	CTL(CTL_INJECT_VECTOR, "27.2.1.3", "VM_ENTRY_INTR_INFO",
	    "injected vector must fit its type: NMI 2, hardware exception 0-31, other event 0",
	    ctl_inject_vector),
	CTL(CTL_INJECT_ERROR_CODE, "27.2.1.3", "VM_ENTRY_INTR_INFO, GUEST_CR0",
	    "deliver-error-code only for a hardware exception with CR0.PE = 1 (or no "
	    "unrestricted guest) and, unless IA32_VMX_BASIC[56], exactly for #DF, #TS, "
	    "#NP, #SS, #GP, #PF, #AC", ctl_inject_error_code),
	CTL(CTL_INJECT_RESERVED, "27.2.1.3", "VM_ENTRY_INTR_INFO",
	    "VM-entry interruption-information bits 30:12 must be 0", ctl_inject_reserved),
	CTL(CTL_INJECT_ERROR_VALUE, "27.2.1.3", "VM_ENTRY_EXCEPTION_ERROR_CODE",
	    "with deliver-error-code, error-code bits 31:16 must be 0", ctl_inject_error_value),
	CTL(CTL_INJECT_LENGTH, "27.2.1.3", "VM_ENTRY_INSTRUCTION_LEN",
	    "an injected software interrupt or exception needs an instruction length of "
	    "1-15 (0 too with IA32_VMX_MISC[30])", ctl_inject_length),
	CTL(CTL_ENTRY_SMM, "27.2.1.3", "VM_ENTRY_CONTROLS",
	    "outside SMM, \"entry to SMM\" and \"deactivate dual-monitor treatment\" must be 0",
	    ctl_entry_smm),
	CTL(CTL_ENTRY_MSR_LOAD, "27.2.1.3", "VM_ENTRY_MSR_LOAD_COUNT, VM_ENTRY_MSR_LOAD_ADDR",
	    "a VM-entry MSR-load area must be 16-byte aligned and lie within MAXPHYADDR",
	    ctl_entry_msr_load),

	HOST(HOST_CR0_FIXED, "27.2.2", "HOST_CR0",
	     "host CR0 must keep the bits IA32_VMX_CR0_FIXED0/1 fix (CD and NW exempt)",
	     host_cr0_fixed),
	HOST(HOST_CR4_FIXED, "27.2.2", "HOST_CR4",
	     "host CR4 must keep the bits IA32_VMX_CR4_FIXED0/1 fix", host_cr4_fixed),
	HOST(HOST_CR3_WIDTH, "27.2.2", "HOST_CR3",
	     "host CR3 must not set bits beyond MAXPHYADDR", host_cr3_width),
	HOST(HOST_SYSENTER_CANONICAL, "27.2.2", "HOST_IA32_SYSENTER_ESP, HOST_IA32_SYSENTER_EIP",
	     "host IA32_SYSENTER_ESP and IA32_SYSENTER_EIP must be canonical",
	     host_sysenter_canonical),
	HOST(HOST_PAT, "27.2.2", "HOST_IA32_PAT",
	     "with \"load IA32_PAT\", each host PAT byte must be 0, 1, 4, 5, 6 or 7", host_pat),
	HOST(HOST_EFER_RESERVED, "27.2.2", "HOST_IA32_EFER",
	     "with \"load IA32_EFER\", host EFER reserved bits must be 0", host_efer_reserved),
	HOST(HOST_EFER_LMA_LME, "27.2.2", "HOST_IA32_EFER, VM_EXIT_CONTROLS",
	     "with \"load IA32_EFER\", host EFER.LMA and EFER.LME must equal \"host "
	     "address-space size\"", host_efer_lma_lme),
	HOST(HOST_SELECTOR_RPL_TI, "27.2.3", "HOST_ES/CS/SS/DS/FS/GS/TR_SELECTOR",
	     "host selectors must have RPL = 0 and TI = 0", host_selector_rpl_ti),
	HOST(HOST_CS_NULL, "27.2.3", "HOST_CS_SELECTOR",
	     "host CS selector must not be 0", host_cs_null),
	HOST(HOST_TR_NULL, "27.2.3", "HOST_TR_SELECTOR",
	     "host TR selector must not be 0", host_tr_null),
	HOST(HOST_BASE_CANONICAL, "27.2.3", "HOST_FS/GS/TR/GDTR/IDTR_BASE",
	     "host FS, GS, TR, GDTR and IDTR bases must be canonical", host_base_canonical),
	HOST(HOST_ADDR_SPACE_SIZE, "27.2.4", "VM_EXIT_CONTROLS",
	     "in IA-32e mode (skiff always is), \"host address-space size\" must be 1",
	     host_addr_space_size),
	HOST(HOST_CR4_PAE, "27.2.4", "HOST_CR4",
	     "with \"host address-space size\", host CR4.PAE must be 1", host_cr4_pae),
	HOST(HOST_RIP_CANONICAL, "27.2.4", "HOST_RIP",
	     "with \"host address-space size\", host RIP must be canonical", host_rip_canonical),

	GUEST(GUEST_CR0_FIXED, "27.3.1.1", "GUEST_CR0",
	      "guest CR0 must keep the bits IA32_VMX_CR0_FIXED0/1 fix (CD, NW exempt; PE, "
	      "PG too with unrestricted guest)", guest_cr0_fixed),
	GUEST(GUEST_CR0_PG_PE, "27.3.1.1", "GUEST_CR0",
	      "guest CR0.PG = 1 requires CR0.PE = 1", guest_cr0_pg_pe),
	GUEST(GUEST_CR4_FIXED, "27.3.1.1", "GUEST_CR4",
	      "guest CR4 must keep the bits IA32_VMX_CR4_FIXED0/1 fix", guest_cr4_fixed),
	GUEST(GUEST_DEBUGCTL, "27.3.1.1", "GUEST_IA32_DEBUGCTL",
	      "with \"load debug controls\", IA32_DEBUGCTL reserved bits (5:3, 63:16) must be 0",
	      guest_debugctl),
	GUEST(GUEST_IA32E_PG_PAE, "27.3.1.1", "VM_ENTRY_CONTROLS, GUEST_CR0, GUEST_CR4",
	      "an IA-32e mode guest needs CR0.PG = 1 and CR4.PAE = 1", guest_ia32e_pg_pae),
	GUEST(GUEST_PCIDE, "27.3.1.1", "GUEST_CR4, VM_ENTRY_CONTROLS",
	      "CR4.PCIDE = 1 only for an IA-32e mode guest", guest_pcide),
	GUEST(GUEST_CR3_WIDTH, "27.3.1.1", "GUEST_CR3",
	      "guest CR3 must not set bits beyond MAXPHYADDR", guest_cr3_width),
	GUEST(GUEST_DR7, "27.3.1.1", "GUEST_DR7",
	      "with \"load debug controls\", DR7 bits 63:32 must be 0", guest_dr7),
	GUEST(GUEST_SYSENTER_CANONICAL, "27.3.1.1", "GUEST_IA32_SYSENTER_ESP, GUEST_IA32_SYSENTER_EIP",
	      "guest IA32_SYSENTER_ESP and IA32_SYSENTER_EIP must be canonical",
	      guest_sysenter_canonical),
	GUEST(GUEST_PAT, "27.3.1.1", "GUEST_IA32_PAT",
	      "with \"load IA32_PAT\", each guest PAT byte must be 0, 1, 4, 5, 6 or 7", guest_pat),
	GUEST(GUEST_EFER_RESERVED, "27.3.1.1", "GUEST_IA32_EFER",
	      "with \"load IA32_EFER\", guest EFER reserved bits must be 0", guest_efer_reserved),
	GUEST(GUEST_EFER_LMA, "27.3.1.1", "GUEST_IA32_EFER, VM_ENTRY_CONTROLS",
	      "with \"load IA32_EFER\", EFER.LMA must equal \"IA-32e mode guest\"",
	      guest_efer_lma),
	GUEST(GUEST_EFER_LME, "27.3.1.1", "GUEST_IA32_EFER, GUEST_CR0",
	      "with \"load IA32_EFER\" and CR0.PG = 1, EFER.LME must equal EFER.LMA",
	      guest_efer_lme),
	GUEST(GUEST_BNDCFGS, "27.3.1.1", "GUEST_IA32_BNDCFGS",
	      "with \"load IA32_BNDCFGS\", bits 11:2 must be 0 and bits 63:12 canonical",
	      guest_bndcfgs),

	GUEST(GUEST_TR_TI, "27.3.1.2", "GUEST_TR_SELECTOR",
	      "TR selector TI must be 0", guest_tr_ti),
	GUEST(GUEST_LDTR_TI, "27.3.1.2", "GUEST_LDTR_SELECTOR, GUEST_LDTR_ACCESS_RIGHTS",
	      "a usable LDTR's selector TI must be 0", guest_ldtr_ti),
	GUEST(GUEST_SS_RPL, "27.3.1.2", "GUEST_SS_SELECTOR, GUEST_CS_SELECTOR",
	      "without unrestricted guest or virtual-8086 mode, SS.RPL must equal CS.RPL",
	      guest_ss_rpl),
	GUEST(GUEST_V86_BASE, "27.3.1.2", "GUEST_RFLAGS, GUEST_ES..GS_BASE, _SELECTOR",
	      "in virtual-8086 mode, each segment base must be its selector times 16",
	      guest_v86_base),
	GUEST(GUEST_V86_LIMIT, "27.3.1.2", "GUEST_RFLAGS, GUEST_ES..GS_LIMIT",
	      "in virtual-8086 mode, each segment limit must be 0xffff", guest_v86_limit),
	GUEST(GUEST_V86_AR, "27.3.1.2", "GUEST_RFLAGS, GUEST_ES..GS_ACCESS_RIGHTS",
	      "in virtual-8086 mode, each segment's access rights must be 0xf3", guest_v86_ar),
	GUEST(GUEST_BASE_CANONICAL, "27.3.1.2", "GUEST_TR/FS/GS/LDTR_BASE",
	      "TR, FS, GS and a usable LDTR need canonical bases", guest_base_canonical),
	GUEST(GUEST_BASE_UPPER, "27.3.1.2", "GUEST_CS/SS/DS/ES_BASE",
	      "CS and usable SS, DS, ES bases must have bits 63:32 = 0", guest_base_upper),
	GUEST(GUEST_CS_TYPE, "27.3.1.2", "GUEST_CS_ACCESS_RIGHTS",
	      "CS type must be 9, 11, 13 or 15 (or 3 with unrestricted guest)", guest_cs_type),
	GUEST(GUEST_SS_TYPE, "27.3.1.2", "GUEST_SS_ACCESS_RIGHTS",
	      "a usable SS must be type 3 or 7 (read/write data, accessed)", guest_ss_type),
	GUEST(GUEST_DATA_TYPE, "27.3.1.2", "GUEST_DS/ES/FS/GS_ACCESS_RIGHTS",
	      "usable DS, ES, FS, GS must be accessed, and readable if code", guest_data_type),
	GUEST(GUEST_SEG_S, "27.3.1.2", "GUEST_ES..GS_ACCESS_RIGHTS",
	      "CS and usable SS, DS, ES, FS, GS must have S = 1 (code or data)", guest_seg_s),
	GUEST(GUEST_CS_DPL, "27.3.1.2", "GUEST_CS_ACCESS_RIGHTS, GUEST_SS_ACCESS_RIGHTS",
	      "CS.DPL must be 0 for type 3, equal SS.DPL for types 9 and 11, and be at most "
	      "SS.DPL for 13 and 15", guest_cs_dpl),
	GUEST(GUEST_SS_DPL, "27.3.1.2", "GUEST_SS_ACCESS_RIGHTS, GUEST_SS_SELECTOR, GUEST_CR0",
	      "SS.DPL must equal SS.RPL without unrestricted guest, and be 0 if CS type is 3 "
	      "or CR0.PE = 0", guest_ss_dpl),
	GUEST(GUEST_DATA_DPL, "27.3.1.2", "GUEST_DS/ES/FS/GS_ACCESS_RIGHTS, _SELECTOR",
	      "without unrestricted guest, usable DS, ES, FS, GS of types 0-11 need DPL >= RPL",
	      guest_data_dpl),
	GUEST(GUEST_SEG_PRESENT, "27.3.1.2", "GUEST_ES..GS_ACCESS_RIGHTS",
	      "CS and usable SS, DS, ES, FS, GS must be present (P = 1)", guest_seg_present),
	GUEST(GUEST_SEG_RESERVED, "27.3.1.2", "GUEST_*_ACCESS_RIGHTS",
	      "access-rights bits 11:8 and 31:17 must be 0 (CS, TR, and the others when usable)",
	      guest_seg_reserved),
	GUEST(GUEST_CS_DB, "27.3.1.2", "GUEST_CS_ACCESS_RIGHTS, VM_ENTRY_CONTROLS",
	      "in 64-bit mode (IA-32e mode guest, CS.L = 1) CS.D/B must be 0", guest_cs_db),
	GUEST(GUEST_SEG_GRANULARITY, "27.3.1.2", "GUEST_*_LIMIT, GUEST_*_ACCESS_RIGHTS",
	      "G must be 1 if limit bits 31:20 are set, and 0 unless limit bits 11:0 are all 1",
	      guest_seg_granularity),
	GUEST(GUEST_TR_TYPE, "27.3.1.2", "GUEST_TR_ACCESS_RIGHTS, VM_ENTRY_CONTROLS",
	      "TR type must be 11 (busy 32-bit TSS), or 3 (busy 16-bit TSS) outside IA-32e mode",
	      guest_tr_type),
	GUEST(GUEST_TR_S, "27.3.1.2", "GUEST_TR_ACCESS_RIGHTS",
	      "TR must have S = 0 (system descriptor)", guest_tr_s),
	GUEST(GUEST_TR_PRESENT, "27.3.1.2", "GUEST_TR_ACCESS_RIGHTS",
	      "TR must be present (P = 1)", guest_tr_present),
	GUEST(GUEST_TR_USABLE, "27.3.1.2", "GUEST_TR_ACCESS_RIGHTS",
	      "TR must be usable (access-rights bit 16 = 0)", guest_tr_usable),
	GUEST(GUEST_LDTR_AR, "27.3.1.2", "GUEST_LDTR_ACCESS_RIGHTS",
	      "a usable LDTR must be type 2 with S = 0 and P = 1", guest_ldtr_ar),

	GUEST(GUEST_DTR_BASE, "27.3.1.3", "GUEST_GDTR_BASE, GUEST_IDTR_BASE",
	      "GDTR and IDTR bases must be canonical", guest_dtr_base),
	GUEST(GUEST_DTR_LIMIT, "27.3.1.3", "GUEST_GDTR_LIMIT, GUEST_IDTR_LIMIT",
	      "GDTR and IDTR limits must have bits 31:16 = 0", guest_dtr_limit),

	GUEST(GUEST_RIP_UPPER, "27.3.1.4", "GUEST_RIP, VM_ENTRY_CONTROLS, GUEST_CS_ACCESS_RIGHTS",
	      "outside 64-bit mode, RIP bits 63:32 must be 0", guest_rip_upper),
	GUEST(GUEST_RIP_CANONICAL, "27.3.1.4", "GUEST_RIP, VM_ENTRY_CONTROLS, GUEST_CS_ACCESS_RIGHTS",
	      "in 64-bit mode, RIP must be canonical", guest_rip_canonical),
	GUEST(GUEST_RFLAGS_RESERVED, "27.3.1.4", "GUEST_RFLAGS",
	      "RFLAGS bits 63:22, 15, 5 and 3 must be 0 and bit 1 must be 1",
	      guest_rflags_reserved),
	GUEST(GUEST_RFLAGS_VM, "27.3.1.4", "GUEST_RFLAGS, VM_ENTRY_CONTROLS, GUEST_CR0",
	      "RFLAGS.VM must be 0 for an IA-32e mode guest or with CR0.PE = 0", guest_rflags_vm),
	GUEST(GUEST_RFLAGS_IF, "27.3.1.4", "GUEST_RFLAGS, VM_ENTRY_INTR_INFO",
	      "injecting an external interrupt requires RFLAGS.IF = 1", guest_rflags_if),

	GUEST(GUEST_ACTIVITY_STATE, "27.3.1.5", "GUEST_ACTIVITY_STATE",
	      "activity state must be 0-3 and one IA32_VMX_MISC[8:6] allows",
	      guest_activity_state),
	GUEST(GUEST_ACTIVITY_HLT_DPL, "27.3.1.5", "GUEST_ACTIVITY_STATE, GUEST_SS_ACCESS_RIGHTS",
	      "the HLT activity state requires SS.DPL = 0", guest_activity_hlt_dpl),
	GUEST(GUEST_ACTIVITY_BLOCKING, "27.3.1.5", "GUEST_ACTIVITY_STATE, GUEST_INTERRUPTIBILITY_STATE",
	      "with blocking by STI or by MOV SS the activity state must be active",
	      guest_activity_blocking),
	GUEST(GUEST_ACTIVITY_EVENT, "27.3.1.5", "VM_ENTRY_INTR_INFO, GUEST_ACTIVITY_STATE",
	      "the injected event must be one the activity state lets through (HLT: external, "
	      "NMI, #DB, #MC, MTF; shutdown: NMI, #MC; wait-for-SIPI: none)",
	      guest_activity_event),
	GUEST(GUEST_INTR_RESERVED, "27.3.1.5", "GUEST_INTERRUPTIBILITY_STATE",
	      "interruptibility-state bits 31:5 must be 0", guest_intr_reserved),
	GUEST(GUEST_INTR_ENCLAVE, "27.3.1.5", "GUEST_INTERRUPTIBILITY_STATE",
	      "enclave interruption (bit 4) requires SGX and no blocking by MOV SS",
	      guest_intr_enclave),
	GUEST(GUEST_INTR_STI_MOV_SS, "27.3.1.5", "GUEST_INTERRUPTIBILITY_STATE",
	      "blocking by STI and blocking by MOV SS cannot both be 1", guest_intr_sti_mov_ss),
	GUEST(GUEST_INTR_STI_IF, "27.3.1.5", "GUEST_INTERRUPTIBILITY_STATE, GUEST_RFLAGS",
	      "blocking by STI requires RFLAGS.IF = 1", guest_intr_sti_if),
	GUEST(GUEST_INTR_EXT_INT, "27.3.1.5", "GUEST_INTERRUPTIBILITY_STATE, VM_ENTRY_INTR_INFO",
	      "injecting an external interrupt requires no blocking by STI or MOV SS",
	      guest_intr_ext_int),
	GUEST(GUEST_INTR_NMI_MOV_SS, "27.3.1.5", "GUEST_INTERRUPTIBILITY_STATE, VM_ENTRY_INTR_INFO",
	      "injecting an NMI requires no blocking by MOV SS", guest_intr_nmi_mov_ss),
	GUEST(GUEST_INTR_SMI, "27.3.1.5", "GUEST_INTERRUPTIBILITY_STATE",
	      "blocking by SMI must be 0 outside SMM (skiff never runs in SMM)", guest_intr_smi),
	GUEST(GUEST_INTR_VIRTUAL_NMI, "27.3.1.5", "GUEST_INTERRUPTIBILITY_STATE, VM_ENTRY_INTR_INFO",
	      "with \"virtual NMIs\", injecting an NMI requires no blocking by NMI",
	      guest_intr_virtual_nmi),
	GUEST(GUEST_PENDING_DBG_RESERVED, "27.3.1.5", "GUEST_PENDING_DBG_EXCEPTIONS",
	      "pending debug exceptions bits 11:4, 13, 15 and 63:17 must be 0",
	      guest_pending_dbg_reserved),
	GUEST(GUEST_PENDING_DBG_BS, "27.3.1.5",
	      "GUEST_PENDING_DBG_EXCEPTIONS, GUEST_RFLAGS, GUEST_IA32_DEBUGCTL",
	      "with blocking by STI or MOV SS, or in HLT, BS must be 1 exactly when "
	      "RFLAGS.TF = 1 and IA32_DEBUGCTL.BTF = 0", guest_pending_dbg_bs),
	GUEST(GUEST_PENDING_DBG_RTM, "27.3.1.5", "GUEST_PENDING_DBG_EXCEPTIONS",
	      "a pending RTM debug exception (bit 16) requires RTM, bit 12 set, no other bit "
	      "and no blocking by MOV SS", guest_pending_dbg_rtm),
	GUEST(GUEST_LINK_SHADOWING, "27.3.1.5", "VMCS_LINK_POINTER, SECONDARY_VM_EXEC_CONTROL",
	      "with \"VMCS shadowing\", the VMCS link pointer must not be FFFFFFFF_FFFFFFFFH",
	      guest_link_shadowing),
	GUEST(GUEST_LINK_ADDR, "27.3.1.5", "VMCS_LINK_POINTER",
	      "a VMCS link pointer other than FFFFFFFF_FFFFFFFFH must be 4-KByte aligned and "
	      "within MAXPHYADDR", guest_link_addr),
	GUEST(GUEST_LINK_NONE, "27.3.1.5", "VMCS_LINK_POINTER, SECONDARY_VM_EXEC_CONTROL",
	      "without \"VMCS shadowing\" the VMCS link pointer must be FFFFFFFF_FFFFFFFFH, "
	      "unless it names an ordinary VMCS (whose revision, in memory, is not read here)",
	      guest_link_none),

	GUEST(GUEST_PDPTE, "27.3.1.6", "GUEST_PDPTE0..3, GUEST_CR0, GUEST_CR4",
	      "with EPT and PAE paging, a present PDPTE must have bits 2:1, 8:5 and those "
	      "beyond MAXPHYADDR clear", guest_pdpte),
};

static const struct entry_rule_info *rule_info(enum entry_rule rule)
{
	return &rules[rule].info;
}

const struct entry_rule_info *entry_rule_info(enum entry_rule rule)
{
	return (unsigned)rule < EC_RULE_COUNT ? rule_info(rule) : NULL;
}

/* ---- reading the shared state and running the rules ---- */

static void read_seg(struct seg *s, struct vmcs_field16 sel, struct vmcs_field_natural base,
		     struct vmcs_field32 limit, struct vmcs_field32 ar)
{
	s->sel_field = sel;
	s->base_field = base;
	s->limit_field = limit;
	s->ar_field = ar;
	s->sel = vmcs_read16(sel);
	s->base = vmcs_read_natural(base);
	s->limit = vmcs_read32(limit);
	s->ar = vmcs_read32(ar);
}

static void read_segments(struct ctx *c)
{
	read_seg(&c->seg[SEG_ES], GUEST_ES_SELECTOR, GUEST_ES_BASE, GUEST_ES_LIMIT,
		 GUEST_ES_ACCESS_RIGHTS);
	read_seg(&c->seg[SEG_CS], GUEST_CS_SELECTOR, GUEST_CS_BASE, GUEST_CS_LIMIT,
		 GUEST_CS_ACCESS_RIGHTS);
	read_seg(&c->seg[SEG_SS], GUEST_SS_SELECTOR, GUEST_SS_BASE, GUEST_SS_LIMIT,
		 GUEST_SS_ACCESS_RIGHTS);
	read_seg(&c->seg[SEG_DS], GUEST_DS_SELECTOR, GUEST_DS_BASE, GUEST_DS_LIMIT,
		 GUEST_DS_ACCESS_RIGHTS);
	read_seg(&c->seg[SEG_FS], GUEST_FS_SELECTOR, GUEST_FS_BASE, GUEST_FS_LIMIT,
		 GUEST_FS_ACCESS_RIGHTS);
	read_seg(&c->seg[SEG_GS], GUEST_GS_SELECTOR, GUEST_GS_BASE, GUEST_GS_LIMIT,
		 GUEST_GS_ACCESS_RIGHTS);
	read_seg(&c->seg[SEG_LDTR], GUEST_LDTR_SELECTOR, GUEST_LDTR_BASE, GUEST_LDTR_LIMIT,
		 GUEST_LDTR_ACCESS_RIGHTS);
	read_seg(&c->seg[SEG_TR], GUEST_TR_SELECTOR, GUEST_TR_BASE, GUEST_TR_LIMIT,
		 GUEST_TR_ACCESS_RIGHTS);
}

static void read_state(struct ctx *c)
{
	c->pin = vmcs_read32(PIN_BASED_VM_EXEC_CONTROL);
	c->proc = vmcs_read32(CPU_BASED_VM_EXEC_CONTROL);
	c->proc2 = 0;
	if (proc_on(c, CPU_BASED_ACTIVATE_SECONDARY_CONTROLS))
		c->proc2 = vmcs_read32(SECONDARY_VM_EXEC_CONTROL);
	c->exit = vmcs_read32(VM_EXIT_CONTROLS);
	c->entry = vmcs_read32(VM_ENTRY_CONTROLS);
	c->intr_info = vmcs_read32(VM_ENTRY_INTR_INFO);
	c->cr0 = vmcs_read_natural(GUEST_CR0);
	c->cr4 = vmcs_read_natural(GUEST_CR4);
	c->rflags = vmcs_read_natural(GUEST_RFLAGS);
	c->interruptibility = vmcs_read32(GUEST_INTERRUPTIBILITY_STATE);
	c->activity = vmcs_read32(GUEST_ACTIVITY_STATE);
	read_segments(c);
	c->unrestricted = proc2_on(c, SECONDARY_EXEC_UNRESTRICTED_GUEST);
	c->ia32e = entry_on(c, VM_ENTRY_IA32E_MODE_GUEST);
	c->v86 = (c->rflags & RFLAGS_VM) != 0;
}

int vmx_entry_check(const struct entry_check_caps *caps, struct entry_check_report *out)
{
	struct entry_check_report local;
	struct ctx c;

	if (!out)
		out = &local;
	memset(out, 0, sizeof(*out));
	memset(&c, 0, sizeof(c));
	c.caps = caps;
	c.out = out;
	read_state(&c);
	for (c.rule = 0; c.rule < EC_RULE_COUNT; c.rule++)
		if (rules[c.rule].check)
			rules[c.rule].check(&c);
	return (int)out->count;
}

bool entry_check_found(const struct entry_check_report *r, enum entry_rule rule)
{
	for (unsigned i = 0; i < r->kept; i++)
		if (r->rules[i] == rule)
			return true;
	return false;
}

#ifndef SKIFF_HOST_TEST

/* ---- the kernel side: this CPU's capabilities ---- */

#define CPUID_EXT_MAX			0x80000000u
#define CPUID_EXT_ADDR_SIZES		0x80000008u
#define CPUID_STRUCT_EXT		7u
#define CPUID_7_EBX_SGX			(1u << 2)
#define CPUID_7_EBX_RTM			(1u << 11)
#define DEFAULT_PHYS_ADDR_WIDTH		36	/* SDM Vol. 3A 4.1.4, without the leaf */
#define DEFAULT_LINEAR_ADDR_WIDTH	48

void vmx_entry_check_caps_read(struct entry_check_caps *caps)
{
	uint64_t basic = rdmsr(MSR_IA32_VMX_BASIC);

	memset(caps, 0, sizeof(*caps));
	caps->basic = basic;
	caps->pinbased_ctls = rdmsr(vmx_ctls_msr(basic, VMX_CTLS_PINBASED));
	caps->procbased_ctls = rdmsr(vmx_ctls_msr(basic, VMX_CTLS_PROCBASED));
	caps->exit_ctls = rdmsr(vmx_ctls_msr(basic, VMX_CTLS_EXIT));
	caps->entry_ctls = rdmsr(vmx_ctls_msr(basic, VMX_CTLS_ENTRY));
	caps->misc = rdmsr(MSR_IA32_VMX_MISC);
	caps->cr0_fixed0 = rdmsr(MSR_IA32_VMX_CR0_FIXED0);
	caps->cr0_fixed1 = rdmsr(MSR_IA32_VMX_CR0_FIXED1);
	caps->cr4_fixed0 = rdmsr(MSR_IA32_VMX_CR4_FIXED0);
	caps->cr4_fixed1 = rdmsr(MSR_IA32_VMX_CR4_FIXED1);
	/* The MSRs that exist only when others say so (caps.h). */
	if (vmx_has_procbased_ctls2(caps->procbased_ctls))
		caps->procbased_ctls2 = rdmsr(MSR_IA32_VMX_PROCBASED_CTLS2);
	if (vmx_has_ept_vpid_cap(caps->procbased_ctls, caps->procbased_ctls2))
		caps->ept_vpid_cap = rdmsr(MSR_IA32_VMX_EPT_VPID_CAP);
	if (vmx_has_vmfunc(caps->procbased_ctls, caps->procbased_ctls2))
		caps->vmfunc = rdmsr(MSR_IA32_VMX_VMFUNC);

	caps->phys_addr_width = DEFAULT_PHYS_ADDR_WIDTH;
	caps->linear_addr_width = DEFAULT_LINEAR_ADDR_WIDTH;
	if (cpuid(CPUID_EXT_MAX, 0).eax >= CPUID_EXT_ADDR_SIZES) {
		uint32_t eax = cpuid(CPUID_EXT_ADDR_SIZES, 0).eax;

		caps->phys_addr_width = eax & 0xff;
		caps->linear_addr_width = (eax >> 8) & 0xff;
	}
	if (cpuid(0, 0).eax >= CPUID_STRUCT_EXT) {
		uint32_t ebx = cpuid(CPUID_STRUCT_EXT, 0).ebx;

		caps->rtm = (ebx & CPUID_7_EBX_RTM) != 0;
		caps->sgx = (ebx & CPUID_7_EBX_SGX) != 0;
	}
}

int vmx_entry_check_cpu(struct entry_check_report *out)
{
	struct entry_check_caps caps;

	vmx_entry_check_caps_read(&caps);
	return vmx_entry_check(&caps, out);
}

#endif
