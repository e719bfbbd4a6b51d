/* See mtrr_view.h. */
#include "vm/mtrr_view.h"

#include "lib/string.h"

/* IA32_MTRR_DEF_TYPE: type (7:0), FE (10), E (11); the rest reserved. */
#define DEF_TYPE_DEFINED	(MTRR_DEF_TYPE_MASK | MTRR_DEF_TYPE_FE | MTRR_DEF_TYPE_E)
/* PHYSBASE bits 11:8 and PHYSMASK bits 10:0 are reserved (12.11.2.3). */
#define PHYSBASE_RESERVED_LOW	0xf00ull
#define PHYSMASK_RESERVED_LOW	0x7ffull
#define VAR_MSR_COUNT(view)	(2 * mtrr_regs_var_count(view))

void vm_mtrr_view_init(struct mtrr_regs *view, const struct mtrr_regs *cpu)
{
	*view = *cpu;
	view->cap &= ~MTRRCAP_SMRR;
	if ((view->cap & MTRRCAP_VCNT_MASK) > MTRR_VAR_MAX)
		view->cap = (view->cap & ~MTRRCAP_VCNT_MASK) | MTRR_VAR_MAX;
}

/* The fixed-range MSR index of msr (mtrr_set_fixed()'s order), or -1. */
static int fixed_index(uint32_t msr)
{
	if (msr == 0x250)
		return 0;
	if (msr == 0x258 || msr == 0x259)
		return 1 + (int)(msr - 0x258);
	if (msr >= 0x268 && msr <= VM_MSR_MTRR_FIX_LAST)
		return 3 + (int)(msr - 0x268);
	return -1;
}

/* Where msr lives in the view, or NULL when the view has no such MTRR. */
static uint64_t *view_reg(struct mtrr_regs *view, uint32_t msr)
{
	int fixed = fixed_index(msr);

	if (!view->present)
		return NULL;
	if (msr == VM_MSR_MTRRCAP)
		return &view->cap;
	if (msr == VM_MSR_MTRR_DEF_TYPE)
		return &view->def_type;
	if (fixed >= 0)
		return (view->cap & MTRRCAP_FIX) ? &view->fixed[fixed] : NULL;
	if (msr >= VM_MSR_MTRR_VAR_FIRST && msr < VM_MSR_MTRR_VAR_FIRST + VAR_MSR_COUNT(view)) {
		unsigned n = msr - VM_MSR_MTRR_VAR_FIRST;

		return n % 2 ? &view->mask[n / 2] : &view->base[n / 2];
	}
	return NULL;
}

int vm_mtrr_read(const struct mtrr_regs *view, uint32_t msr, uint64_t *value)
{
	uint64_t *reg = view_reg((struct mtrr_regs *)view, msr);

	if (!reg)
		return -1;
	*value = *reg;
	return 0;
}

/* A type the view may hold: defined, and WC only where IA32_MTRRCAP says. */
static bool type_ok(const struct mtrr_regs *view, uint64_t type)
{
	if (type == MTRR_TYPE_WC && !(view->cap & MTRRCAP_WC))
		return false;
	return type <= 0xff && mtrr_type_valid((int)type);
}

/* Bits at and above MAXPHYADDR are reserved in PHYSBASE and PHYSMASK. */
static uint64_t above_width(const struct mtrr_regs *view)
{
	unsigned w = view->phys_addr_width;

	return w >= 32 && w < 64 ? ~0ull << w : ~0ull << 36;
}

static bool write_ok(const struct mtrr_regs *view, uint32_t msr, uint64_t value)
{
	unsigned i;

	if (msr == VM_MSR_MTRRCAP)
		return false;				/* read-only */
	if (msr == VM_MSR_MTRR_DEF_TYPE)
		return !(value & ~DEF_TYPE_DEFINED) && type_ok(view, value & MTRR_DEF_TYPE_MASK);
	if (fixed_index(msr) >= 0) {
		for (i = 0; i < 8; i++)
			if (!type_ok(view, (value >> (8 * i)) & 0xff))
				return false;
		return true;
	}
	if ((msr - VM_MSR_MTRR_VAR_FIRST) % 2 == 0)	/* PHYSBASEn */
		return !(value & (PHYSBASE_RESERVED_LOW | above_width(view))) &&
		       type_ok(view, value & MTRR_PHYSBASE_TYPE_MASK);
	return !(value & (PHYSMASK_RESERVED_LOW | above_width(view)));	/* PHYSMASKn */
}

int vm_mtrr_write(struct mtrr_regs *view, uint32_t msr, uint64_t value)
{
	uint64_t *reg = view_reg(view, msr);

	if (!reg || !write_ok(view, msr, value))
		return VM_MTRR_GP;
	if (*reg == value)
		return VM_MTRR_SAME;
	*reg = value;
	return VM_MTRR_RETYPE;
}

bool vm_mtrr_view_equal(const struct mtrr_regs *a, const struct mtrr_regs *b)
{
	return a->present == b->present && a->cap == b->cap && a->def_type == b->def_type &&
	       !memcmp(a->fixed, b->fixed, sizeof(a->fixed)) &&
	       !memcmp(a->base, b->base, sizeof(a->base)) &&
	       !memcmp(a->mask, b->mask, sizeof(a->mask));
}
