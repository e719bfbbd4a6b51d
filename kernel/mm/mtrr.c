/*
 * MTRR reader and memory-type resolver, from the Intel SDM Vol. 3A 12.11.
 *
 * A memory type is asked for whole ranges, because the EPT builder wants to
 * know whether a 1 GiB or 2 MiB page can carry a single type.  The range is
 * cut into naturally aligned power-of-two blocks; a variable range either
 * matches all of such a block, none of it, or (when its mask has bits
 * inside the block) some of it, and only then is the block halved.  So the
 * answer is exact and costs a few dozen steps even for a 1 GiB block.
 */
#include "mm/mtrr.h"

#include "lib/errno.h"
#include "lib/printf.h"
#include "lib/string.h"
#include "mm/range.h"

#ifndef SKIFF_HOST_TEST
#include "x86.h"
#endif

/* Physical-address width assumed when none is known: SDM Vol. 3A 4.1.4 says
 * 36 for processors with PAE but without CPUID leaf 80000008H. */
#define MTRR_DEFAULT_WIDTH	36
#define MTRR_NO_PAE_WIDTH	32
#define MTRR_MAX_WIDTH		52

/* Fixed-range layout, SDM Vol. 3A 12.11.2.2 (Table "Address Mapping for
 * Fixed-Range MTRRs"). */
#define FIX64K_BASE	0x00000ull
#define FIX16K_BASE	0x80000ull
#define FIX4K_BASE	0xC0000ull
#define FIX64K_FIRST	0	/* index of the first 64 KiB range */
#define FIX16K_FIRST	8
#define FIX4K_FIRST	24

bool mtrr_type_valid(int type)
{
	return type == MTRR_TYPE_UC || type == MTRR_TYPE_WC || type == MTRR_TYPE_WT ||
	       type == MTRR_TYPE_WP || type == MTRR_TYPE_WB;
}

/* WRMSR refuses reserved types (#GP), so only a hand-made state holds one;
 * uncacheable is the type that cannot corrupt anything. */
static int mtrr_sane_type(unsigned type)
{
	return mtrr_type_valid((int)type) ? (int)type : MTRR_TYPE_UC;
}

/* Bits (width-1):12, the address bits PhysBase and PhysMask hold. */
static uint64_t mtrr_addr_bits(unsigned width)
{
	if (width < 32 || width > MTRR_MAX_WIDTH)
		width = MTRR_DEFAULT_WIDTH;
	return ((1ull << width) - 1) & ~(PAGE_SIZE - 1);
}

const char *mtrr_type_name(int type)
{
	static const char *const names[] = {
		[MTRR_TYPE_UC] = "UC", [MTRR_TYPE_WC] = "WC", [MTRR_TYPE_WT] = "WT",
		[MTRR_TYPE_WP] = "WP", [MTRR_TYPE_WB] = "WB",
	};

	if (!mtrr_type_valid(type))
		return "??";
	return names[type];
}

void mtrr_state_init(struct mtrr_state *s, uint64_t mtrrcap, uint64_t def_type,
		     unsigned phys_addr_width)
{
	memset(s, 0, sizeof(*s));
	s->present = true;
	s->phys_addr_width = phys_addr_width;
	s->enabled = (def_type & MTRR_DEF_TYPE_E) != 0;
	/* FE has no effect while E is clear (SDM Vol. 3A 12.11.2.1). */
	s->fixed_enabled = s->enabled && (def_type & MTRR_DEF_TYPE_FE) &&
			   (mtrrcap & MTRRCAP_FIX);
	s->default_type = (uint8_t)(def_type & MTRR_DEF_TYPE_MASK);
}

void mtrr_set_fixed(struct mtrr_state *s, unsigned msr_index, uint64_t value)
{
	unsigned i;

	if (msr_index >= MTRR_FIXED_MSRS)
		return;
	for (i = 0; i < 8; i++)
		s->fixed[msr_index * 8 + i] = (uint8_t)(value >> (8 * i));
}

int mtrr_add_var(struct mtrr_state *s, uint64_t physbase, uint64_t physmask)
{
	uint64_t bits = mtrr_addr_bits(s->phys_addr_width);
	struct mtrr_var_range *r;

	if (!(physmask & MTRR_PHYSMASK_VALID))
		return 0;
	if (s->var_count >= MTRR_VAR_MAX)
		return -ENOSPC;
	r = &s->var[s->var_count++];
	r->base = physbase & bits;
	r->mask = physmask & bits;
	r->type = (uint8_t)(physbase & MTRR_PHYSBASE_TYPE_MASK);
	return 0;
}

/* Index in mtrr_state.fixed of the fixed range holding pa (< 1 MiB), and
 * the size of that range. */
static unsigned mtrr_fixed_index(uint64_t pa, uint64_t *unit)
{
	if (pa < FIX16K_BASE) {
		*unit = 0x10000;
		return FIX64K_FIRST + (unsigned)((pa - FIX64K_BASE) >> 16);
	}
	if (pa < FIX4K_BASE) {
		*unit = 0x4000;
		return FIX16K_FIRST + (unsigned)((pa - FIX16K_BASE) >> 14);
	}
	*unit = 0x1000;
	return FIX4K_FIRST + (unsigned)((pa - FIX4K_BASE) >> 12);
}

/* [start, end) lies below 1 MiB and the fixed ranges are enabled. */
static int mtrr_fixed_type(const struct mtrr_state *s, uint64_t start, uint64_t end)
{
	int type = MTRR_MIXED;
	uint64_t pa, unit;

	for (pa = start; pa < end; pa = align_down(pa, unit) + unit) {
		int t = mtrr_sane_type(s->fixed[mtrr_fixed_index(pa, &unit)]);

		if (type != MTRR_MIXED && t != type)
			return MTRR_MIXED;
		type = t;
	}
	return type;
}

/*
 * The type of an address that the variable ranges of the set 'seen' (bit
 * t: a range of type t matches) all match, SDM Vol. 3A 12.11.4.1.
 */
static int mtrr_resolve(const struct mtrr_state *s, unsigned seen)
{
	if (seen == 0)
		return mtrr_sane_type(s->default_type);
	if (seen & (1u << MTRR_TYPE_UC))
		return MTRR_TYPE_UC;
	if ((seen & (seen - 1)) == 0)		/* one type, however many ranges */
		return __builtin_ctz(seen);
	if (seen == ((1u << MTRR_TYPE_WT) | (1u << MTRR_TYPE_WB)))
		return MTRR_TYPE_WT;
	return MTRR_TYPE_UC;	/* "undefined" by the SDM: take the safe type */
}

static int mtrr_block_type(const struct mtrr_state *s, uint64_t base, unsigned order);

/* Both halves of the block, or MTRR_MIXED when they differ. */
static int mtrr_split_type(const struct mtrr_state *s, uint64_t base, unsigned order)
{
	int low = mtrr_block_type(s, base, order - 1);

	if (low == MTRR_MIXED)
		return low;
	if (mtrr_block_type(s, base + (1ull << (order - 1)), order - 1) != low)
		return MTRR_MIXED;
	return low;
}

/* Variable ranges over the aligned block [base, base + 2^order). */
static int mtrr_var_type(const struct mtrr_state *s, uint64_t base, unsigned order)
{
	uint64_t bits = mtrr_addr_bits(s->phys_addr_width);
	uint64_t inside = (1ull << order) - 1;	/* address bits that vary */
	unsigned i, seen = 0;
	bool partial = false;

	for (i = 0; i < s->var_count; i++) {
		const struct mtrr_var_range *r = &s->var[i];
		uint64_t mask = r->mask & bits;

		/* addr matches when (addr & mask) == (PhysBase & mask). */
		if (((base ^ r->base) & mask & ~inside) != 0)
			continue;		/* matches nothing in the block */
		if (mask & inside)
			partial = true;		/* matches part of the block */
		else
			seen |= 1u << mtrr_sane_type(r->type);
	}
	/* Masks hold no bits below 12: a 4 KiB block is never partial. */
	if (partial)
		return mtrr_split_type(s, base, order);
	return mtrr_resolve(s, seen);
}

static int mtrr_block_type(const struct mtrr_state *s, uint64_t base, unsigned order)
{
	uint64_t end = base + (1ull << order);

	if (s->fixed_enabled && base < MTRR_FIXED_END) {
		if (end <= MTRR_FIXED_END)
			return mtrr_fixed_type(s, base, end);
		return mtrr_split_type(s, base, order);
	}
	return mtrr_var_type(s, base, order);
}

/* log2 of the largest naturally aligned block at start that fits in len
 * (both multiples of 4 KiB, len not 0). */
static unsigned mtrr_block_order(uint64_t start, uint64_t len)
{
	unsigned fits = 63 - (unsigned)__builtin_clzll(len);
	unsigned align = start ? (unsigned)__builtin_ctzll(start) : fits;

	return align < fits ? align : fits;
}

int mtrr_type_of_range(const struct mtrr_state *s, uint64_t base, uint64_t len)
{
	uint64_t start, end, limit = 1ull << MTRR_MAX_WIDTH;
	int type = MTRR_MIXED;

	if (len == 0 || base >= limit || len > limit - base)
		return -EINVAL;
	if (!s->present)
		return MTRR_TYPE_WB;
	if (!s->enabled)
		return MTRR_TYPE_UC;	/* SDM Vol. 3A 12.11.2.1: E clear => UC */
	start = align_down(base, PAGE_SIZE);
	end = align_up(base + len, PAGE_SIZE);
	while (start < end) {
		unsigned order = mtrr_block_order(start, end - start);
		int t = mtrr_block_type(s, start, order);

		if (t == MTRR_MIXED || (type != MTRR_MIXED && t != type))
			return MTRR_MIXED;
		type = t;
		start += 1ull << order;
	}
	return type;
}

void mtrr_describe(const struct mtrr_state *s)
{
	unsigned i;

	if (!s->present) {
		kprintf("skiff: mtrr: none (CPUID.01H:EDX.MTRR clear); RAM taken as WB\n");
		return;
	}
	if (!s->enabled) {
		kprintf("skiff: mtrr: disabled by the firmware: all memory is UC\n");
		return;
	}
	kprintf("skiff: mtrr: default %s, fixed ranges %s, %u variable range%s, %u-bit addresses\n",
		mtrr_type_name(s->default_type), s->fixed_enabled ? "on" : "off",
		s->var_count, s->var_count == 1 ? "" : "s", s->phys_addr_width);
	for (i = 0; i < s->var_count; i++)
		kprintf("skiff: mtrr:   base 0x%llx mask 0x%llx %s\n",
			(unsigned long long)s->var[i].base,
			(unsigned long long)s->var[i].mask, mtrr_type_name(s->var[i].type));
}

unsigned mtrr_regs_var_count(const struct mtrr_regs *r)
{
	unsigned vcnt = r->cap & MTRRCAP_VCNT_MASK;

	return vcnt < MTRR_VAR_MAX ? vcnt : MTRR_VAR_MAX;
}

void mtrr_state_from_regs(struct mtrr_state *s, const struct mtrr_regs *r)
{
	unsigned i;

	if (!r->present) {
		memset(s, 0, sizeof(*s));
		s->phys_addr_width = r->phys_addr_width;
		return;
	}
	mtrr_state_init(s, r->cap, r->def_type, r->phys_addr_width);
	if (r->cap & MTRRCAP_FIX)
		for (i = 0; i < MTRR_FIXED_MSRS; i++)
			mtrr_set_fixed(s, i, r->fixed[i]);
	for (i = 0; i < mtrr_regs_var_count(r); i++)
		mtrr_add_var(s, r->base[i], r->mask[i]);
}

#ifndef SKIFF_HOST_TEST

#define CPUID_1_EDX_PAE		(1u << 6)
#define CPUID_1_EDX_MTRR	(1u << 12)
#define CPUID_EXT_MAX		0x80000000u
#define CPUID_EXT_ADDR_SIZES	0x80000008u
#define CPUID_EXT_PHYS_BITS	0xffu		/* EAX[7:0] of leaf 80000008H */

/* MAXPHYADDR, SDM Vol. 3A 4.1.4. */
static unsigned mtrr_cpu_phys_addr_width(void)
{
	if (cpuid(CPUID_EXT_MAX, 0).eax >= CPUID_EXT_ADDR_SIZES)
		return cpuid(CPUID_EXT_ADDR_SIZES, 0).eax & CPUID_EXT_PHYS_BITS;
	return (cpuid(1, 0).edx & CPUID_1_EDX_PAE) ? MTRR_DEFAULT_WIDTH : MTRR_NO_PAE_WIDTH;
}

/* Fixed-range MSRs in the order of mtrr_state.fixed; the eight 4 KiB ones
 * are consecutive (SDM Vol. 4 Table 2-2). */
uint32_t mtrr_fixed_msr(unsigned i)
{
	if (i == 0)
		return MSR_IA32_MTRR_FIX64K_00000;
	if (i == 1)
		return MSR_IA32_MTRR_FIX16K_80000;
	if (i == 2)
		return MSR_IA32_MTRR_FIX16K_A0000;
	return MSR_IA32_MTRR_FIX4K_C0000 + (i - 3);
}

void mtrr_regs_read(struct mtrr_regs *r)
{
	unsigned i, vcnt;

	memset(r, 0, sizeof(*r));
	r->phys_addr_width = mtrr_cpu_phys_addr_width();
	if (!(cpuid(1, 0).edx & CPUID_1_EDX_MTRR))
		return;
	r->present = true;
	r->cap = rdmsr(MSR_IA32_MTRRCAP);
	r->def_type = rdmsr(MSR_IA32_MTRR_DEF_TYPE);
	if (r->cap & MTRRCAP_FIX)
		for (i = 0; i < MTRR_FIXED_MSRS; i++)
			r->fixed[i] = rdmsr(mtrr_fixed_msr(i));
	vcnt = r->cap & MTRRCAP_VCNT_MASK;
	for (i = 0; i < vcnt; i++) {
		uint64_t base = rdmsr(MSR_IA32_MTRR_PHYSBASE0 + 2 * i);
		uint64_t mask = rdmsr(MSR_IA32_MTRR_PHYSMASK0 + 2 * i);

		if (i < MTRR_VAR_MAX) {
			r->base[i] = base;
			r->mask[i] = mask;
		} else if (mask & MTRR_PHYSMASK_VALID) {
			kprintf("skiff: mtrr: more than %u variable ranges; "
				"IA32_MTRR_PHYSBASE%u (in use) is ignored\n", MTRR_VAR_MAX, i);
		}
	}
}

void mtrr_read(struct mtrr_state *s)
{
	struct mtrr_regs r;

	mtrr_regs_read(&r);
	mtrr_state_from_regs(s, &r);
}

#endif
