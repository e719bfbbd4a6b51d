/* See cr_rules.h. */
#include "vm/cr_rules.h"

/*
 * VMXE is hidden: CPUID says the guest has no VMX, so setting it is #GP,
 * as it is on such a CPU; so is any bit the CPU does not support.  The
 * instruction's own rules too: in IA-32e mode PAE stays set (4.1.2) and
 * LA57 unchanged (4.1.1); PCIDE only in IA-32e mode, and set only with
 * CR3[11:0] = 0 (4.10.1); CET only with CR0.WP (2.5).
 */
bool vm_cr4_write_faults(const struct vm_cr_state *s, uint64_t value, uint64_t unsupported)
{
	uint64_t old = s->cr4;

	if (value & (CR4_VMXE | unsupported))
		return true;
	if (s->long_mode && (!(value & CR4_PAE) || ((old ^ value) & CR4_LA57)))
		return true;
	if ((value & CR4_PCIDE) &&
	    (!s->long_mode || (!(old & CR4_PCIDE) && (s->cr3 & 0xfff))))
		return true;
	return (value & CR4_CET) && !(s->cr0 & CR0_WP);
}

/* EFER bits a guest may set on Intel: SCE, LME, NXE (when CPUID offers
 * it), and LMA, which the write cannot change (SDM Vol. 3A 2.2.1).
 * Reserved bits, or LME changed while paging is on: #GP. */
bool vm_efer_write_faults(const struct vm_cr_state *s, uint64_t value, bool nx)
{
	uint64_t allowed = EFER_SCE | EFER_LME | EFER_LMA | (nx ? EFER_NXE : 0);

	return (value & ~allowed) || (((value ^ s->efer) & EFER_LME) && (s->cr0 & CR0_PG));
}

#define XCR0_X87	(1ull << 0)
#define XCR0_SSE	(1ull << 1)
#define XCR0_AVX	(1ull << 2)
#define XCR0_BNDREGS	(1ull << 3)
#define XCR0_BNDCSR	(1ull << 4)
#define XCR0_AVX512	(7ull << 5)

/* SDM Vol. 2 "XSETBV": bits the CPU does not support, x87 clear, AVX
 * without SSE, AVX-512 without AVX or not all three, MPX halves apart. */
bool vm_xcr0_valid(uint64_t v, uint64_t supported)
{
	if ((v & ~supported) || !(v & XCR0_X87))
		return false;
	if ((v & XCR0_AVX) && !(v & XCR0_SSE))
		return false;
	if ((v & XCR0_AVX512) && ((v & XCR0_AVX512) != XCR0_AVX512 || !(v & XCR0_AVX)))
		return false;
	return !(v & XCR0_BNDREGS) == !(v & XCR0_BNDCSR);
}
