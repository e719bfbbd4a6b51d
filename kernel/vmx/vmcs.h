/*
 * VMCS field encodings and typed accessors.
 *
 * Every field the Intel SDM lists in Vol. 3D appendix B ("Field Encoding in
 * VMCS"), under the SDM's own grouping: by width (B.1 16-bit, B.2 64-bit,
 * B.3 32-bit, B.4 natural-width) and, within a width, by kind (control,
 * read-only data, guest state, host state).  Names follow the SDM's field
 * names (Vol. 3C chapter 25, "Virtual Machine Control Structures"; chapter
 * 24 in older editions).
 *
 * Each field is a constant of a distinct type per width, so the accessor of
 * the wrong width does not compile:
 *
 *	uint32_t rip = vmcs_read32(GUEST_RIP);
 *	error: incompatible type for argument 1 of 'vmcs_read32'
 *	note: expected 'struct vmcs_field32' but argument is of type
 *	      'struct vmcs_field_natural'
 *
 * (tests/unit/compile_fail/vmcs_wrong_width.c is that line, kept as a file.)
 *
 * Every access goes through vmcs_raw_read()/vmcs_raw_write(): VMREAD and
 * VMWRITE in the kernel, an in-memory VMCS image in host tests
 * (SKIFF_HOST_TEST, tests/unit/vmcs_fake.c), so code written against these
 * accessors runs unchanged on the host.
 */
#ifndef SKIFF_VMX_VMCS_H
#define SKIFF_VMX_VMCS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * Structure of a field encoding, SDM Vol. 3C 25.11.2 "VMREAD, VMWRITE, and
 * Encodings of VMCS Fields" (24.11.2 in older editions):
 *   bit 0      access type: 0 full, 1 high (upper 32 bits of a 64-bit field)
 *   bits 9:1   index
 *   bits 11:10 type: 0 control, 1 VM-exit information (read-only data),
 *              2 guest state, 3 host state
 *   bit 12     reserved, 0
 *   bits 14:13 width: 0 16-bit, 1 64-bit, 2 32-bit, 3 natural-width
 *   bits 31:15 reserved, 0
 * The macros are constant expressions so _Static_assert can use them.
 */
enum vmcs_width {
	VMCS_WIDTH_16		= 0,
	VMCS_WIDTH_64		= 1,
	VMCS_WIDTH_32		= 2,
	VMCS_WIDTH_NATURAL	= 3,
};

enum vmcs_kind {
	VMCS_KIND_CONTROL	= 0,
	VMCS_KIND_READ_ONLY	= 1,	/* the SDM's "VM-exit information" */
	VMCS_KIND_GUEST		= 2,
	VMCS_KIND_HOST		= 3,
};

#define VMCS_ENC_ACCESS_HIGH	0x1u
#define VMCS_ENC_RESERVED	(0xffff8000u | (1u << 12))
#define VMCS_ENC_IS_HIGH(enc)	(((enc) & VMCS_ENC_ACCESS_HIGH) != 0)
#define VMCS_ENC_INDEX(enc)	(((enc) >> 1) & 0x1ffu)
#define VMCS_ENC_KIND(enc)	(((enc) >> 10) & 0x3u)
#define VMCS_ENC_WIDTH(enc)	(((enc) >> 13) & 0x3u)

_Static_assert(VMCS_ENC_WIDTH(0x681eu) == VMCS_WIDTH_NATURAL, "GUEST_RIP is natural-width");
_Static_assert(VMCS_ENC_WIDTH(0x2801u) == VMCS_WIDTH_64 && VMCS_ENC_IS_HIGH(0x2801u),
	       "VMCS_LINK_POINTER high is a 64-bit field's upper half");
_Static_assert(VMCS_ENC_KIND(0x4402u) == VMCS_KIND_READ_ONLY, "exit reason is read-only data");

/* One type per width: the compiler, not the reader, matches field and accessor. */
struct vmcs_field16		{ uint32_t enc; };
struct vmcs_field64		{ uint32_t enc; };
struct vmcs_field32		{ uint32_t enc; };
struct vmcs_field_natural	{ uint32_t enc; };

/*
 * The field lists.  Each group is one table of SDM appendix B; an entry is
 * X(name, encoding).  The lists are the only place an encoding is written:
 * the typed constants below and the name table in diag/vmcs_names.c are made from
 * them.  Fields that exist only with a given control (e.g. EPT_POINTER with
 * "enable EPT") are listed all the same; the SDM names the condition.
 */

/* ---- B.1 16-bit fields ---- */

/* B.1.1 16-bit control fields */
#define VMCS_CONTROL_FIELDS16(X)					\
	X(VIRTUAL_PROCESSOR_ID,			0x0000)			\
	X(POSTED_INTR_NOTIFICATION_VECTOR,	0x0002)			\
	X(EPTP_INDEX,				0x0004)			\
	X(HLAT_PREFIX_SIZE,			0x0006)			\
	X(LAST_PID_POINTER_INDEX,		0x0008)

/* B.1.2 16-bit guest-state fields */
#define VMCS_GUEST_FIELDS16(X)						\
	X(GUEST_ES_SELECTOR,			0x0800)			\
	X(GUEST_CS_SELECTOR,			0x0802)			\
	X(GUEST_SS_SELECTOR,			0x0804)			\
	X(GUEST_DS_SELECTOR,			0x0806)			\
	X(GUEST_FS_SELECTOR,			0x0808)			\
	X(GUEST_GS_SELECTOR,			0x080a)			\
	X(GUEST_LDTR_SELECTOR,			0x080c)			\
	X(GUEST_TR_SELECTOR,			0x080e)			\
	X(GUEST_INTERRUPT_STATUS,		0x0810)			\
	X(PML_INDEX,				0x0812)			\
	X(GUEST_UINV,				0x0814)

/* B.1.3 16-bit host-state fields */
#define VMCS_HOST_FIELDS16(X)						\
	X(HOST_ES_SELECTOR,			0x0c00)			\
	X(HOST_CS_SELECTOR,			0x0c02)			\
	X(HOST_SS_SELECTOR,			0x0c04)			\
	X(HOST_DS_SELECTOR,			0x0c06)			\
	X(HOST_FS_SELECTOR,			0x0c08)			\
	X(HOST_GS_SELECTOR,			0x0c0a)			\
	X(HOST_TR_SELECTOR,			0x0c0c)

/* ---- B.2 64-bit fields (each also readable as its high half, enc | 1) ---- */

/* B.2.1 64-bit control fields */
#define VMCS_CONTROL_FIELDS64(X)					\
	X(IO_BITMAP_A,				0x2000)			\
	X(IO_BITMAP_B,				0x2002)			\
	X(MSR_BITMAP,				0x2004)			\
	X(VM_EXIT_MSR_STORE_ADDR,		0x2006)			\
	X(VM_EXIT_MSR_LOAD_ADDR,		0x2008)			\
	X(VM_ENTRY_MSR_LOAD_ADDR,		0x200a)			\
	X(EXECUTIVE_VMCS_POINTER,		0x200c)			\
	X(PML_ADDRESS,				0x200e)			\
	X(TSC_OFFSET,				0x2010)			\
	X(VIRTUAL_APIC_PAGE_ADDR,		0x2012)			\
	X(APIC_ACCESS_ADDR,			0x2014)			\
	X(POSTED_INTR_DESC_ADDR,		0x2016)			\
	X(VM_FUNCTION_CONTROLS,			0x2018)			\
	X(EPT_POINTER,				0x201a)			\
	X(EOI_EXIT_BITMAP0,			0x201c)			\
	X(EOI_EXIT_BITMAP1,			0x201e)			\
	X(EOI_EXIT_BITMAP2,			0x2020)			\
	X(EOI_EXIT_BITMAP3,			0x2022)			\
	X(EPTP_LIST_ADDRESS,			0x2024)			\
	X(VMREAD_BITMAP,			0x2026)			\
	X(VMWRITE_BITMAP,			0x2028)			\
	X(VE_INFORMATION_ADDRESS,		0x202a)			\
	X(XSS_EXITING_BITMAP,			0x202c)			\
	X(ENCLS_EXITING_BITMAP,			0x202e)			\
	X(SPP_TABLE_POINTER,			0x2030)			\
	X(TSC_MULTIPLIER,			0x2032)			\
	X(TERTIARY_VM_EXEC_CONTROL,		0x2034)			\
	X(ENCLV_EXITING_BITMAP,			0x2036)			\
	X(LOW_PASID_DIRECTORY_ADDRESS,		0x2038)			\
	X(HIGH_PASID_DIRECTORY_ADDRESS,		0x203a)			\
	X(SHARED_EPT_POINTER,			0x203c)			\
	X(PCONFIG_EXITING_BITMAP,		0x203e)			\
	X(HLAT_POINTER,				0x2040)			\
	X(PID_POINTER_TABLE_ADDRESS,		0x2042)			\
	X(SECONDARY_VM_EXIT_CONTROLS,		0x2044)			\
	X(IA32_SPEC_CTRL_MASK,			0x204a)			\
	X(IA32_SPEC_CTRL_SHADOW,		0x204c)

/* B.2.2 64-bit read-only data field */
#define VMCS_READ_ONLY_FIELDS64(X)					\
	X(GUEST_PHYSICAL_ADDRESS,		0x2400)

/* B.2.3 64-bit guest-state fields */
#define VMCS_GUEST_FIELDS64(X)						\
	X(VMCS_LINK_POINTER,			0x2800)			\
	X(GUEST_IA32_DEBUGCTL,			0x2802)			\
	X(GUEST_IA32_PAT,			0x2804)			\
	X(GUEST_IA32_EFER,			0x2806)			\
	X(GUEST_IA32_PERF_GLOBAL_CTRL,		0x2808)			\
	X(GUEST_PDPTE0,				0x280a)			\
	X(GUEST_PDPTE1,				0x280c)			\
	X(GUEST_PDPTE2,				0x280e)			\
	X(GUEST_PDPTE3,				0x2810)			\
	X(GUEST_IA32_BNDCFGS,			0x2812)			\
	X(GUEST_IA32_RTIT_CTL,			0x2814)			\
	X(GUEST_IA32_LBR_CTL,			0x2816)			\
	X(GUEST_IA32_PKRS,			0x2818)

/* B.2.4 64-bit host-state fields */
#define VMCS_HOST_FIELDS64(X)						\
	X(HOST_IA32_PAT,			0x2c00)			\
	X(HOST_IA32_EFER,			0x2c02)			\
	X(HOST_IA32_PERF_GLOBAL_CTRL,		0x2c04)			\
	X(HOST_IA32_PKRS,			0x2c06)

/* ---- B.3 32-bit fields ---- */

/* B.3.1 32-bit control fields */
#define VMCS_CONTROL_FIELDS32(X)					\
	X(PIN_BASED_VM_EXEC_CONTROL,		0x4000)			\
	X(CPU_BASED_VM_EXEC_CONTROL,		0x4002)			\
	X(EXCEPTION_BITMAP,			0x4004)			\
	X(PAGE_FAULT_ERROR_CODE_MASK,		0x4006)			\
	X(PAGE_FAULT_ERROR_CODE_MATCH,		0x4008)			\
	X(CR3_TARGET_COUNT,			0x400a)			\
	X(VM_EXIT_CONTROLS,			0x400c)			\
	X(VM_EXIT_MSR_STORE_COUNT,		0x400e)			\
	X(VM_EXIT_MSR_LOAD_COUNT,		0x4010)			\
	X(VM_ENTRY_CONTROLS,			0x4012)			\
	X(VM_ENTRY_MSR_LOAD_COUNT,		0x4014)			\
	X(VM_ENTRY_INTR_INFO,			0x4016)			\
	X(VM_ENTRY_EXCEPTION_ERROR_CODE,	0x4018)			\
	X(VM_ENTRY_INSTRUCTION_LEN,		0x401a)			\
	X(TPR_THRESHOLD,			0x401c)			\
	X(SECONDARY_VM_EXEC_CONTROL,		0x401e)			\
	X(PLE_GAP,				0x4020)			\
	X(PLE_WINDOW,				0x4022)			\
	X(INSTRUCTION_TIMEOUT_CONTROL,		0x4024)

/* B.3.2 32-bit read-only data fields */
#define VMCS_READ_ONLY_FIELDS32(X)					\
	X(VM_INSTRUCTION_ERROR,			0x4400)			\
	X(VM_EXIT_REASON,			0x4402)			\
	X(VM_EXIT_INTR_INFO,			0x4404)			\
	X(VM_EXIT_INTR_ERROR_CODE,		0x4406)			\
	X(IDT_VECTORING_INFO,			0x4408)			\
	X(IDT_VECTORING_ERROR_CODE,		0x440a)			\
	X(VM_EXIT_INSTRUCTION_LEN,		0x440c)			\
	X(VM_EXIT_INSTRUCTION_INFO,		0x440e)

/* B.3.3 32-bit guest-state fields (index 0x16, encoding 0x482c, is unused) */
#define VMCS_GUEST_FIELDS32(X)						\
	X(GUEST_ES_LIMIT,			0x4800)			\
	X(GUEST_CS_LIMIT,			0x4802)			\
	X(GUEST_SS_LIMIT,			0x4804)			\
	X(GUEST_DS_LIMIT,			0x4806)			\
	X(GUEST_FS_LIMIT,			0x4808)			\
	X(GUEST_GS_LIMIT,			0x480a)			\
	X(GUEST_LDTR_LIMIT,			0x480c)			\
	X(GUEST_TR_LIMIT,			0x480e)			\
	X(GUEST_GDTR_LIMIT,			0x4810)			\
	X(GUEST_IDTR_LIMIT,			0x4812)			\
	X(GUEST_ES_ACCESS_RIGHTS,		0x4814)			\
	X(GUEST_CS_ACCESS_RIGHTS,		0x4816)			\
	X(GUEST_SS_ACCESS_RIGHTS,		0x4818)			\
	X(GUEST_DS_ACCESS_RIGHTS,		0x481a)			\
	X(GUEST_FS_ACCESS_RIGHTS,		0x481c)			\
	X(GUEST_GS_ACCESS_RIGHTS,		0x481e)			\
	X(GUEST_LDTR_ACCESS_RIGHTS,		0x4820)			\
	X(GUEST_TR_ACCESS_RIGHTS,		0x4822)			\
	X(GUEST_INTERRUPTIBILITY_STATE,		0x4824)			\
	X(GUEST_ACTIVITY_STATE,			0x4826)			\
	X(GUEST_SMBASE,				0x4828)			\
	X(GUEST_IA32_SYSENTER_CS,		0x482a)			\
	X(VMX_PREEMPTION_TIMER_VALUE,		0x482e)

/* B.3.4 32-bit host-state field */
#define VMCS_HOST_FIELDS32(X)						\
	X(HOST_IA32_SYSENTER_CS,		0x4c00)

/* ---- B.4 natural-width fields (64 bits on a 64-bit host) ---- */

/* B.4.1 natural-width control fields */
#define VMCS_CONTROL_FIELDS_NATURAL(X)					\
	X(CR0_GUEST_HOST_MASK,			0x6000)			\
	X(CR4_GUEST_HOST_MASK,			0x6002)			\
	X(CR0_READ_SHADOW,			0x6004)			\
	X(CR4_READ_SHADOW,			0x6006)			\
	X(CR3_TARGET_VALUE0,			0x6008)			\
	X(CR3_TARGET_VALUE1,			0x600a)			\
	X(CR3_TARGET_VALUE2,			0x600c)			\
	X(CR3_TARGET_VALUE3,			0x600e)

/* B.4.2 natural-width read-only data fields */
#define VMCS_READ_ONLY_FIELDS_NATURAL(X)				\
	X(EXIT_QUALIFICATION,			0x6400)			\
	X(IO_RCX,				0x6402)			\
	X(IO_RSI,				0x6404)			\
	X(IO_RDI,				0x6406)			\
	X(IO_RIP,				0x6408)			\
	X(GUEST_LINEAR_ADDRESS,			0x640a)

/* B.4.3 natural-width guest-state fields */
#define VMCS_GUEST_FIELDS_NATURAL(X)					\
	X(GUEST_CR0,				0x6800)			\
	X(GUEST_CR3,				0x6802)			\
	X(GUEST_CR4,				0x6804)			\
	X(GUEST_ES_BASE,			0x6806)			\
	X(GUEST_CS_BASE,			0x6808)			\
	X(GUEST_SS_BASE,			0x680a)			\
	X(GUEST_DS_BASE,			0x680c)			\
	X(GUEST_FS_BASE,			0x680e)			\
	X(GUEST_GS_BASE,			0x6810)			\
	X(GUEST_LDTR_BASE,			0x6812)			\
	X(GUEST_TR_BASE,			0x6814)			\
	X(GUEST_GDTR_BASE,			0x6816)			\
	X(GUEST_IDTR_BASE,			0x6818)			\
	X(GUEST_DR7,				0x681a)			\
	X(GUEST_RSP,				0x681c)			\
	X(GUEST_RIP,				0x681e)			\
	X(GUEST_RFLAGS,				0x6820)			\
	X(GUEST_PENDING_DBG_EXCEPTIONS,		0x6822)			\
	X(GUEST_IA32_SYSENTER_ESP,		0x6824)			\
	X(GUEST_IA32_SYSENTER_EIP,		0x6826)			\
	X(GUEST_IA32_S_CET,			0x6828)			\
	X(GUEST_SSP,				0x682a)			\
	X(GUEST_IA32_INTERRUPT_SSP_TABLE_ADDR,	0x682c)

/* B.4.4 natural-width host-state fields */
#define VMCS_HOST_FIELDS_NATURAL(X)					\
	X(HOST_CR0,				0x6c00)			\
	X(HOST_CR3,				0x6c02)			\
	X(HOST_CR4,				0x6c04)			\
	X(HOST_FS_BASE,				0x6c06)			\
	X(HOST_GS_BASE,				0x6c08)			\
	X(HOST_TR_BASE,				0x6c0a)			\
	X(HOST_GDTR_BASE,			0x6c0c)			\
	X(HOST_IDTR_BASE,			0x6c0e)			\
	X(HOST_IA32_SYSENTER_ESP,		0x6c10)			\
	X(HOST_IA32_SYSENTER_EIP,		0x6c12)			\
	X(HOST_RSP,				0x6c14)			\
	X(HOST_RIP,				0x6c16)			\
	X(HOST_IA32_S_CET,			0x6c18)			\
	X(HOST_SSP,				0x6c1a)			\
	X(HOST_IA32_INTERRUPT_SSP_TABLE_ADDR,	0x6c1c)

/*
 * The typed constants, one per listed field.  Each is checked at compile
 * time to carry its group's width and the "full" access type, so a
 * mistyped encoding in a list stops the build.
 */
#define VMCS_DECLARE(type, width, name, enc)				\
	_Static_assert(VMCS_ENC_WIDTH(enc) == (width) &&		\
		       !VMCS_ENC_IS_HIGH(enc) &&			\
		       ((enc) & VMCS_ENC_RESERVED) == 0,		\
		       #name ": encoding does not match its width group"); \
	static const struct type name = { (enc) };
#define VMCS_DECLARE16(name, enc)  VMCS_DECLARE(vmcs_field16, VMCS_WIDTH_16, name, enc)
#define VMCS_DECLARE64(name, enc)  VMCS_DECLARE(vmcs_field64, VMCS_WIDTH_64, name, enc)
#define VMCS_DECLARE32(name, enc)  VMCS_DECLARE(vmcs_field32, VMCS_WIDTH_32, name, enc)
#define VMCS_DECLARE_NATURAL(name, enc) \
	VMCS_DECLARE(vmcs_field_natural, VMCS_WIDTH_NATURAL, name, enc)

VMCS_CONTROL_FIELDS16(VMCS_DECLARE16)
VMCS_GUEST_FIELDS16(VMCS_DECLARE16)
VMCS_HOST_FIELDS16(VMCS_DECLARE16)
VMCS_CONTROL_FIELDS64(VMCS_DECLARE64)
VMCS_READ_ONLY_FIELDS64(VMCS_DECLARE64)
VMCS_GUEST_FIELDS64(VMCS_DECLARE64)
VMCS_HOST_FIELDS64(VMCS_DECLARE64)
VMCS_CONTROL_FIELDS32(VMCS_DECLARE32)
VMCS_READ_ONLY_FIELDS32(VMCS_DECLARE32)
VMCS_GUEST_FIELDS32(VMCS_DECLARE32)
VMCS_HOST_FIELDS32(VMCS_DECLARE32)
VMCS_CONTROL_FIELDS_NATURAL(VMCS_DECLARE_NATURAL)
VMCS_READ_ONLY_FIELDS_NATURAL(VMCS_DECLARE_NATURAL)
VMCS_GUEST_FIELDS_NATURAL(VMCS_DECLARE_NATURAL)
VMCS_HOST_FIELDS_NATURAL(VMCS_DECLARE_NATURAL)

/* The upper 32 bits of a 64-bit field, as a 32-bit field of its own
 * (access type "high", SDM Vol. 3C 25.11.2). */
static inline struct vmcs_field32 vmcs_field64_high(struct vmcs_field64 f)
{
	return (struct vmcs_field32){ f.enc | VMCS_ENC_ACCESS_HIGH };
}

/* ---- the one indirection: hardware in the kernel, an image on the host ---- */

#include "vmx/vmx_insn.h"

/* A VMREAD or VMWRITE failed: skiff asked for a field the CPU does not have
 * or had no current VMCS, a broken invariant.  Panics with the field name
 * and the VM-instruction error (diag/vmcs_names.c; host tests that link a
 * caller stand it in). */
__attribute__((noreturn))
void vmcs_access_failed(const char *insn, uint32_t enc, enum vmx_status status);

#ifdef SKIFF_HOST_TEST
/* tests/unit/vmcs_fake.c: an array-backed VMCS with VMREAD/VMWRITE's
 * truncation and high-access rules. */
uint64_t vmcs_raw_read(uint32_t enc);
void vmcs_raw_write(uint32_t enc, uint64_t value);
#else

/*
 * The hot path of every exit reads and writes a handful of fields, so each
 * access is one VMREAD/VMWRITE and one branch on CF|ZF ("below or equal":
 * either kind of VMfail).  Only on failure is the instruction repeated
 * through vmx_insn.h to learn which kind, for the report.
 */
static inline uint64_t vmcs_raw_read(uint32_t enc)
{
	uint64_t value;
	bool fail;

	__asm__ volatile("vmread %[enc], %[val]"
			 : "=@ccbe"(fail), [val] "=r"(value)
			 : [enc] "r"((uint64_t)enc) : "memory");
	if (__builtin_expect(fail, 0))
		vmcs_access_failed("VMREAD", enc, vmx_vmread(enc, &value));
	return value;
}

static inline void vmcs_raw_write(uint32_t enc, uint64_t value)
{
	bool fail;

	__asm__ volatile("vmwrite %[val], %[enc]"
			 : "=@ccbe"(fail)
			 : [enc] "r"((uint64_t)enc), [val] "r"(value) : "memory");
	if (__builtin_expect(fail, 0))
		vmcs_access_failed("VMWRITE", enc, vmx_vmwrite(enc, value));
}
#endif

/* ---- typed accessors: the only way the rest of skiff touches the VMCS ---- */

static inline uint16_t vmcs_read16(struct vmcs_field16 f)
{
	return (uint16_t)vmcs_raw_read(f.enc);
}

static inline uint64_t vmcs_read64(struct vmcs_field64 f)
{
	return vmcs_raw_read(f.enc);
}

static inline uint32_t vmcs_read32(struct vmcs_field32 f)
{
	return (uint32_t)vmcs_raw_read(f.enc);
}

static inline uint64_t vmcs_read_natural(struct vmcs_field_natural f)
{
	return vmcs_raw_read(f.enc);
}

static inline void vmcs_write16(struct vmcs_field16 f, uint16_t value)
{
	vmcs_raw_write(f.enc, value);
}

static inline void vmcs_write64(struct vmcs_field64 f, uint64_t value)
{
	vmcs_raw_write(f.enc, value);
}

static inline void vmcs_write32(struct vmcs_field32 f, uint32_t value)
{
	vmcs_raw_write(f.enc, value);
}

static inline void vmcs_write_natural(struct vmcs_field_natural f, uint64_t value)
{
	vmcs_raw_write(f.enc, value);
}

/* The width a field constant was declared with, from its type. */
#define vmcs_field_width(f)						\
	_Generic((f),							\
		 struct vmcs_field16: VMCS_WIDTH_16,			\
		 struct vmcs_field64: VMCS_WIDTH_64,			\
		 struct vmcs_field32: VMCS_WIDTH_32,			\
		 struct vmcs_field_natural: VMCS_WIDTH_NATURAL)

/* ---- the field table, for dumps, the entry checker and tests ---- */

struct vmcs_field_info {
	const char *name;	/* the constant's name, e.g. "GUEST_RIP" */
	uint32_t enc;
};

/* One table of SDM appendix B. */
struct vmcs_field_group {
	const char *title;		/* e.g. "B.4.3 natural-width guest-state" */
	enum vmcs_width width;
	enum vmcs_kind kind;
	const struct vmcs_field_info *fields;
	size_t count;
};

extern const struct vmcs_field_group vmcs_field_groups[];
extern const size_t vmcs_field_group_count;

/* The listed field with this encoding (the high half of a 64-bit field
 * finds the field itself), or NULL. */
const struct vmcs_field_info *vmcs_field_find(uint32_t enc);
/* Its name, or "unknown". */
const char *vmcs_field_name(uint32_t enc);
/* Whether enc is well formed per 25.11.2: reserved bits 0, and the high
 * access type only on a 64-bit field.  Says nothing of whether a CPU has it. */
bool vmcs_encoding_valid(uint32_t enc);

#endif
