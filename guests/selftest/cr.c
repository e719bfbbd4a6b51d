/*
 * Control registers and XCR0.  VMX operation forces some CR0 and CR4 bits
 * (SDM Vol. 3C 24.8, appendix A.7 and A.8: CR0.NE and CR4.VMXE must be 1
 * in non-root mode), so skiff owns those bits and shows the guest its own
 * view through the read shadows: CR0 reads exactly what the guest wrote,
 * CR4.VMXE reads 0 and cannot be set, and any other bit behaves as on the
 * CPU.  XSETBV always exits (SDM Vol. 3C 26.1.2); skiff must apply the
 * instruction's own #GP rules (SDM Vol. 2C, XSETBV).
 */
#include "fault.h"
#include "hypercall.h"
#include "selftest.h"
#include "string.h"
#include "x86.h"

#define XCR0		0
#define XCR0_X87	(1u << 0)
#define XCR0_SSE	(1u << 1)
#define XCR_NOT_XCR0	1	/* XSETBV takes ECX = 0 only */
#define QEMU_TCG_SIGNATURE "TCGTCGTCGTCG"

static enum result cr0_ne_shadow(void)
{
	uint32_t saved = read_cr0();
	uint32_t with_ne, without_ne;

	write_cr0(saved | CR0_NE);
	with_ne = read_cr0();
	write_cr0(saved & ~CR0_NE);
	without_ne = read_cr0();
	write_cr0(saved);
	if (with_ne != (saved | CR0_NE))
		return fail("wrote 0x%08x, read 0x%08x", saved | CR0_NE, with_ne);
	if (without_ne != (saved & ~CR0_NE))
		return fail("wrote 0x%08x, read 0x%08x", saved & ~CR0_NE, without_ne);
	return PASS;
}

static enum result cr4_hides_vmxe(void)
{
	uint32_t cr4 = read_cr4();

	if (cr4 & CR4_VMXE)
		return fail("CR4 = 0x%08x has VMXE (bit 13)", cr4);
	return PASS;
}

/* QEMU's TCG (at least 7.2) handles a CR4 write with a reserved bit as an
 * SVM #VMEXIT even outside an SVM guest, and the CPU never gets past the
 * instruction: on bare metal in TCG, reserved CR4 bits cannot be tried. */
static bool under_qemu_tcg(void)
{
	return strcmp(hv_boot_info()->signature, QEMU_TCG_SIGNATURE) == 0;
}

static enum result cr4_vmxe_gp(void)
{
	uint32_t saved = read_cr4();
	int vec;

	if (under_qemu_tcg())
		return fail("not run: QEMU TCG hangs on a reserved CR4 bit instead of #GP");
	vec = write_cr4_safe(saved | CR4_VMXE);

	if (vec == FAULT_NONE) {
		write_cr4(saved);
		return fail("setting VMXE did not fault");
	}
	if (vec != VEC_GP)
		return fail("setting VMXE raised %s, not #GP", fault_name(vec));
	return PASS;
}

static enum result cr4_osfxsr(void)
{
	uint32_t saved = read_cr4();
	uint32_t got;
	int vec = write_cr4_safe(saved | CR4_OSFXSR);

	if (vec != FAULT_NONE)
		return fail("setting OSFXSR raised %s", fault_name(vec));
	got = read_cr4();
	write_cr4(saved);
	if (!(got & CR4_OSFXSR))
		return fail("wrote 0x%08x, read 0x%08x", saved | CR4_OSFXSR, got);
	return PASS;
}

/* The three XSETBV rules, once CR4.OSXSAVE allows the instruction. */
static enum result xsetbv_rules(void)
{
	uint64_t xcr0;
	int vec;

	vec = xsetbv_safe(XCR0, XCR0_X87 | XCR0_SSE);
	if (vec != FAULT_NONE)
		return fail("XCR0 = 3 raised %s", fault_name(vec));
	xcr0 = xgetbv(XCR0);
	if (xcr0 != (XCR0_X87 | XCR0_SSE))
		return fail("XCR0 = 3 read back 0x%08x", (uint32_t)xcr0);
	vec = xsetbv_safe(XCR0, XCR0_SSE);
	if (vec != VEC_GP)
		return fail("XCR0 = 2 (no x87) raised %s, not #GP", fault_name(vec));
	vec = xsetbv_safe(XCR_NOT_XCR0, XCR0_X87 | XCR0_SSE);
	if (vec != VEC_GP)
		return fail("XSETBV with ECX = 1 raised %s, not #GP", fault_name(vec));
	return PASS;
}

static enum result xsetbv(void)
{
	uint32_t saved;
	enum result r;
	int vec;

	if (!(cpuid(1, 0).ecx & CPUID_1_ECX_XSAVE))
		return skip("not offered");
	saved = read_cr4();
	vec = write_cr4_safe(saved | CR4_OSXSAVE);
	if (vec != FAULT_NONE)
		return fail("setting CR4.OSXSAVE raised %s", fault_name(vec));
	r = xsetbv_rules();
	write_cr4(saved);
	return r;
}

const struct check cr_checks[] = {
	{ .name = "cr0-ne-shadow", .run = cr0_ne_shadow },
	{ .name = "cr4-hides-vmxe", .run = cr4_hides_vmxe },
	{ .name = "cr4-vmxe-gp", .run = cr4_vmxe_gp },
	{ .name = "cr4-osfxsr", .run = cr4_osfxsr },
	{ .name = "xsetbv", .run = xsetbv },
	{ .name = NULL },
};
