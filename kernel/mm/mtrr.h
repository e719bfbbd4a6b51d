/*
 * The memory type range registers (MTRRs): what the firmware says each
 * physical address is (write-back RAM, uncached MMIO, write-protected ROM).
 * Under EPT the MTRRs no longer apply to the guest (SDM Vol. 3C 29.3.7.2:
 * the EPT memory type takes their place), so skiff reads them once and
 * copies their verdict into its EPT.  SDM Vol. 3A 12.11 throughout.
 */
#ifndef SKIFF_MM_MTRR_H
#define SKIFF_MM_MTRR_H

#include <stdbool.h>
#include <stdint.h>

/* Memory types, SDM Vol. 3A 12.3 and 12.11.1.  The EPT memory type field
 * and the EPTP use the same encodings (Vol. 3C 29.3.7.2, 25.6.11). */
#define MTRR_TYPE_UC	0	/* uncacheable */
#define MTRR_TYPE_WC	1	/* write combining */
#define MTRR_TYPE_WT	4	/* write-through */
#define MTRR_TYPE_WP	5	/* write-protected */
#define MTRR_TYPE_WB	6	/* write-back */

/* mtrr_type_of_range(): the range holds more than one memory type. */
#define MTRR_MIXED	(-1)

/* IA32_MTRRCAP, SDM Vol. 3A 12.11.1 */
#define MTRRCAP_VCNT_MASK	0xffull		/* number of variable ranges */
#define MTRRCAP_FIX		(1ull << 8)	/* fixed ranges supported */
#define MTRRCAP_WC		(1ull << 10)	/* WC type supported */
#define MTRRCAP_SMRR		(1ull << 11)

/* IA32_MTRR_DEF_TYPE, SDM Vol. 3A 12.11.2.1 */
#define MTRR_DEF_TYPE_MASK	0xffull		/* default memory type */
#define MTRR_DEF_TYPE_FE	(1ull << 10)	/* fixed-range MTRRs enable */
#define MTRR_DEF_TYPE_E		(1ull << 11)	/* MTRR enable */

/* IA32_MTRR_PHYSBASEn / IA32_MTRR_PHYSMASKn, SDM Vol. 3A 12.11.2.3 */
#define MTRR_PHYSBASE_TYPE_MASK	0xffull
#define MTRR_PHYSMASK_VALID	(1ull << 11)

/* Fixed ranges, SDM Vol. 3A 12.11.2.2: 11 MSRs of 8 one-byte types,
 * 8 x 64 KiB from 0, 16 x 16 KiB from 0x80000, 64 x 4 KiB from 0xC0000. */
#define MTRR_FIXED_MSRS		11
#define MTRR_FIXED_RANGES	(MTRR_FIXED_MSRS * 8)
#define MTRR_FIXED_END		0x100000ull	/* they cover the first MiB */

/* Variable ranges skiff keeps; IA32_MTRRCAP.VCNT is 8 to 10 on real CPUs. */
#define MTRR_VAR_MAX		16

struct mtrr_var_range {
	uint64_t base;		/* PhysBase: bits (width-1):12 */
	uint64_t mask;		/* PhysMask: bits (width-1):12 */
	uint8_t type;
};

struct mtrr_state {
	bool present;		/* CPUID.01H:EDX.MTRR[bit 12] */
	bool enabled;		/* IA32_MTRR_DEF_TYPE.E; clear => all UC */
	bool fixed_enabled;	/* .FE, and IA32_MTRRCAP.FIX, and .E */
	uint8_t default_type;
	/* Types of the fixed ranges in address order: index 0 is
	 * [0, 64 KiB), index 87 is [0xFF000, 0x100000). */
	uint8_t fixed[MTRR_FIXED_RANGES];
	struct mtrr_var_range var[MTRR_VAR_MAX];	/* valid ones only */
	unsigned var_count;
	unsigned phys_addr_width;	/* MAXPHYADDR, CPUID.80000008H:EAX[7:0] */
};

/*
 * The MTRRs as their MSRs hold them: what a CPU has, or what a guest sees
 * of its own (vm/mtrr_view.h).  present is CPUID.01H:EDX.MTRR; without it
 * the other fields are 0.  Variable ranges beyond MTRR_VAR_MAX are not kept.
 */
struct mtrr_regs {
	bool present;
	unsigned phys_addr_width;	/* MAXPHYADDR */
	uint64_t cap, def_type;
	uint64_t fixed[MTRR_FIXED_MSRS];	/* in mtrr_set_fixed()'s order */
	uint64_t base[MTRR_VAR_MAX], mask[MTRR_VAR_MAX];
};

/* The number of variable ranges regs holds: IA32_MTRRCAP.VCNT, at most
 * MTRR_VAR_MAX. */
unsigned mtrr_regs_var_count(const struct mtrr_regs *r);

/* The state the registers describe; a variable range beyond what the state
 * keeps cannot happen (both hold MTRR_VAR_MAX). */
void mtrr_state_from_regs(struct mtrr_state *s, const struct mtrr_regs *r);

#ifndef SKIFF_HOST_TEST
/* The MSR number of fixed-range MSR i (0..10, mtrr_set_fixed()'s order). */
uint32_t mtrr_fixed_msr(unsigned i);

/* Reads the MTRRs of this CPU as registers.  More variable ranges than
 * MTRR_VAR_MAX are reported, and the extra ones left out. */
void mtrr_regs_read(struct mtrr_regs *r);

/*
 * Reads the MTRRs of this CPU.  Without MTRRs (CPUID.01H:EDX.MTRR clear)
 * the state says so (present false) and callers type memory themselves:
 * write-back for RAM.  More valid variable ranges than MTRR_VAR_MAX are
 * reported and the extra ones ignored.
 */
void mtrr_read(struct mtrr_state *s);
#endif

/*
 * Building a state from raw MSR values, as mtrr_read() does; pure, so host
 * tests describe a machine by the values its firmware would program.
 */
/* Starts a state of a CPU with MTRRs: nothing but the default type yet. */
void mtrr_state_init(struct mtrr_state *s, uint64_t mtrrcap, uint64_t def_type,
		     unsigned phys_addr_width);
/* Fills the 8 fixed ranges of fixed-range MSR number msr_index: 0 is
 * IA32_MTRR_FIX64K_00000, 1 and 2 FIX16K_80000/A0000, 3..10 FIX4K_C0000
 * to FIX4K_F8000.  Byte i of value types the i-th range of that MSR. */
void mtrr_set_fixed(struct mtrr_state *s, unsigned msr_index, uint64_t value);
/* Adds one variable range; one whose PHYSMASK.V is clear is ignored.
 * Returns 0, or -ENOSPC when MTRR_VAR_MAX ranges are already kept. */
int mtrr_add_var(struct mtrr_state *s, uint64_t physbase, uint64_t physmask);

/*
 * The memory type of every byte of [base, base + len), with the SDM's
 * rules (Vol. 3A 12.11.4.1): MTRRs disabled => UC; below 1 MiB the fixed
 * ranges when enabled; elsewhere the variable ranges that match, UC winning
 * any overlap, WT winning over WB, any other mix undefined and taken as UC;
 * no match => the default type.  Without MTRRs (present false) it is WB.
 * Returns the type, MTRR_MIXED when the range is not of one type (the EPT
 * builder then tries smaller pages), or -EINVAL for an empty range or one
 * beyond 2^52.  Granularity is 4 KiB: base and end are rounded outward.
 */
int mtrr_type_of_range(const struct mtrr_state *s, uint64_t base, uint64_t len);

/* True for the five encodings above; the others are reserved. */
bool mtrr_type_valid(int type);
/* "UC", "WC", "WT", "WP", "WB", or "??" for a reserved encoding. */
const char *mtrr_type_name(int type);
/* One line per fact for the boot log, each starting "skiff: mtrr: ". */
void mtrr_describe(const struct mtrr_state *s);

#endif
