/*
 * The formats of the VM-exit information fields and of the values skiff
 * writes for event injection (SDM Vol. 3C 28.2 "Recording VM-Exit
 * Information" and 25.8.3 "VM-Entry Controls for Event Injection"), and of
 * the guest's non-register state (25.4.2).  Pure bit layouts and small
 * decoders, host-tested.
 */
#ifndef SKIFF_VMX_EXIT_INFO_H
#define SKIFF_VMX_EXIT_INFO_H

#include <stdbool.h>
#include <stdint.h>

/* ---- activity and interruptibility state, 25.4.2 ---- */
#define GUEST_ACTIVITY_ACTIVE		0
#define GUEST_ACTIVITY_HLT		1
#define GUEST_ACTIVITY_SHUTDOWN		2
#define GUEST_ACTIVITY_WAIT_SIPI	3

#define GUEST_INTR_BLOCK_STI		(1u << 0)
#define GUEST_INTR_BLOCK_MOV_SS		(1u << 1)
#define GUEST_INTR_BLOCK_SMI		(1u << 2)
#define GUEST_INTR_BLOCK_NMI		(1u << 3)

/* Pending debug exceptions, 25.4.2: BS = a single-step trap is pending. */
#define GUEST_PENDING_DBG_BS		(1ull << 14)

/* ---- interruption information (exit, IDT vectoring, entry), 25.8.3, 28.2.2 ---- */
#define INTR_INFO_VECTOR_MASK		0xffu
#define INTR_INFO_TYPE_SHIFT		8
#define INTR_INFO_TYPE_MASK		(7u << 8)
#define INTR_INFO_ERROR_CODE		(1u << 11)	/* deliver an error code */
#define INTR_INFO_NMI_UNBLOCKED_IRET	(1u << 12)	/* exit info only */
#define INTR_INFO_VALID			(1u << 31)

enum intr_type {
	INTR_TYPE_EXTERNAL		= 0,
	INTR_TYPE_NMI			= 2,
	INTR_TYPE_HW_EXCEPTION		= 3,
	INTR_TYPE_SW_INTERRUPT		= 4,	/* INT n */
	INTR_TYPE_PRIV_SW_EXCEPTION	= 5,	/* INT1 (ICEBP) */
	INTR_TYPE_SW_EXCEPTION		= 6,	/* INT3, INTO */
	INTR_TYPE_OTHER			= 7,	/* MTF */
};

static inline enum intr_type intr_info_type(uint32_t info)
{
	return (enum intr_type)((info & INTR_INFO_TYPE_MASK) >> INTR_INFO_TYPE_SHIFT);
}

static inline uint8_t intr_info_vector(uint32_t info)
{
	return (uint8_t)(info & INTR_INFO_VECTOR_MASK);
}

/* The value for VM_ENTRY_INTR_INFO. */
static inline uint32_t intr_info_make(uint8_t vector, enum intr_type type, bool error_code)
{
	return INTR_INFO_VALID | ((uint32_t)type << INTR_INFO_TYPE_SHIFT) | vector |
	       (error_code ? INTR_INFO_ERROR_CODE : 0);
}

/* Whether an injected event of this type needs VM_ENTRY_INSTRUCTION_LEN
 * (25.8.3: software interrupts and exceptions, privileged ones included). */
static inline bool intr_type_has_length(enum intr_type type)
{
	return type == INTR_TYPE_SW_INTERRUPT || type == INTR_TYPE_PRIV_SW_EXCEPTION ||
	       type == INTR_TYPE_SW_EXCEPTION;
}

/* Exceptions VM entry lets skiff inject with an error code in protected
 * mode (SDM Vol. 3C 27.2.1.3): #DF, #TS, #NP, #SS, #GP, #PF, #AC.  (#CP
 * pushes one too, but entry accepts it only with IA32_VMX_BASIC[56].) */
static inline bool exception_has_error_code(uint8_t vector)
{
	return vector == 8 || (vector >= 10 && vector <= 14) || vector == 17;
}

/* ---- exit qualification for control-register accesses, table 28-3 ---- */
enum cr_access_type {
	CR_ACCESS_MOV_TO_CR	= 0,
	CR_ACCESS_MOV_FROM_CR	= 1,
	CR_ACCESS_CLTS		= 2,
	CR_ACCESS_LMSW		= 3,
};

struct cr_access {
	unsigned cr;			/* 0, 3, 4 or 8 */
	enum cr_access_type type;
	unsigned reg;			/* general register number, MOV only */
	uint16_t lmsw_source;		/* LMSW only */
};

static inline struct cr_access cr_access_decode(uint64_t qual)
{
	return (struct cr_access){
		.cr = (unsigned)(qual & 0xf),
		.type = (enum cr_access_type)((qual >> 4) & 3),
		.reg = (unsigned)((qual >> 8) & 0xf),
		.lmsw_source = (uint16_t)(qual >> 16),
	};
}

/* ---- exit qualification for I/O instructions, table 28-5 ---- */
struct io_access {
	uint16_t port;
	unsigned size;			/* 1, 2 or 4 bytes */
	bool in;
	bool string;			/* INS/OUTS */
	bool rep;
};

static inline struct io_access io_access_decode(uint64_t qual)
{
	/* LAB 7 BEGIN: io_access_decode(): the I/O exit qualification (SDM Vol. 3C table 28-5) */
	return (struct io_access){
		.port = (uint16_t)(qual >> 16),
		.size = (unsigned)(qual & 7) + 1,
		.in = (qual >> 3) & 1,
		.string = (qual >> 4) & 1,
		.rep = (qual >> 5) & 1,
	};
	/* LAB 7 END */
}

/* ---- exit qualification for EPT violations, table 28-7 ---- */
#define EPT_VIOL_READ			(1ull << 0)
#define EPT_VIOL_WRITE			(1ull << 1)
#define EPT_VIOL_FETCH			(1ull << 2)
#define EPT_VIOL_READABLE		(1ull << 3)	/* what the entry allowed */
#define EPT_VIOL_WRITABLE		(1ull << 4)
#define EPT_VIOL_EXECUTABLE		(1ull << 5)
#define EPT_VIOL_LINEAR_VALID		(1ull << 7)
#define EPT_VIOL_TRANSLATED		(1ull << 8)	/* the access itself, not a walk */

/* "write", "read", "instruction fetch": the access that faulted. */
static inline const char *ept_violation_access(uint64_t qual)
{
	if (qual & EPT_VIOL_FETCH)
		return "instruction fetch";
	if (qual & EPT_VIOL_WRITE)
		return "write";
	return "read";
}

#endif
