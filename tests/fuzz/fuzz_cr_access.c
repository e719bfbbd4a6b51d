/*
 * The control-register-access exit, vmx_exit_cr_access() (kernel/vmx/
 * handlers.c) with exit.c's helpers, against the in-memory VMCS
 * (tests/unit/vmcs_fake.c), driven as one guest: the input gives the CPU's
 * fixed-bit MSRs, the guest's state as VM entry would accept it, then a
 * sequence of CR-access exits applied one after the other, state carried.
 *
 * Input, little-endian, read with fuzz_u8/u16/u32/u64 (zeros past the end):
 *   u8   caps   bits 1:0 IA32_VMX_CR0_FIXED0/1: 0 and 1 the pair every
 *               Intel CPU and Bochs report (0x80000021 / 0xffffffff), 2
 *               the same with ET fixed too, 3 raw: u32 extra fixed0 bits
 *               and u32 fixed1 bits 63:32 follow (FIXED0 always holds PE,
 *               NE, PG and is kept within FIXED1, whose bits 31:0 are all
 *               allowed, as on every CPU);
 *               bits 3:2 IA32_VMX_CR4_FIXED0/1: fixed0 0x2000 (VMXE) with
 *               fixed1 0x3727ff, 0x7727ff or 0x1727ff, or 3 raw: u32 fixed1
 *               and u32 extra fixed0 follow (VMXE always in both, fixed0
 *               within fixed1, bits 63:32 never allowed);
 *               bit 4 VPID in use (vpid 1, else 0)
 *   u8   mode   bits 1:0 0 real mode, 1 protected mode, 2 compatibility
 *               mode, 3 64-bit mode; bit 2 paging on in protected mode;
 *               bit 3 EFER.LME set while paging is off; bit 4 RFLAGS.TF;
 *               bit 5 IA32_DEBUGCTL.BTF; bit 6 EFER.SCE|NXE (bystanders)
 *   u32  CR0 bits the mode does not decide; u32 CR4 (within FIXED1, no
 *        VMXE, made consistent with the mode)
 *   u64  CR3, u64 RIP, u64 RSP (CR3 and RIP cut to 32 bits where VM entry
 *        requires it), u64 seed for the 15 general registers
 *   then up to MAX_EXITS exits, each:
 *   u8   how    bits 1:0 access type (table 28-3: MOV to CR, MOV from CR,
 *               CLTS, LMSW); bits 3:2 CR 0, 3, 4 or 8; bit 4 a raw
 *               qualification instead; bits 6:5 the value put in the
 *               register first: a u32, a u64, the CR's current value with
 *               one bit (u8) flipped, or with a u32 XORed in
 *   u8   reg    the general register (bits 3:0); LMSW's source is the
 *               value's low 16 bits
 *   ...  the value (u32, u64, u8 or u32 as how says), then with how bit 4
 *        the u64 qualification, whose register field names the register
 *   u8   ctl    bits 3:0 instruction length 1..15; bits 5:4 STI and MOV-SS
 *               blocking; bit 6 a far jump between compatibility and
 *               64-bit mode first (IA-32e mode only); bit 7 a WRMSR that
 *               flips EFER.LME first (paging off only)
 *
 * The model below is written from the SDM, not from the handler: Vol. 3A
 * "MOV—Move to/from Control Registers", "CLTS", "LMSW", 2.5 "Control
 * Registers", 4.1 (paging modes), 4.10.1 and 4.10.4.1 (PCIDs, TLB
 * invalidation), 11.8.5 "Initializing IA-32e Mode"; Vol. 3C 25.6.6 and 26.3
 * (guest/host masks and read shadows), 27.3.1.1 (CR0/CR4 with unrestricted
 * guest), 28.2.1 table 28-3 (the qualification).  After every exit exactly
 * one of these holds, and the whole VMCS is compared field by field with
 * what the model predicts (every field of vmcs.h's lists):
 *   - skipped: GUEST_RIP advanced by the length (EIP wraps at 4 GiB
 *     outside 64-bit mode), STI/MOV-SS blocking cleared, a single-step
 *     trap pending if RFLAGS.TF without DEBUGCTL.BTF, no event injected;
 *     the CR written as the instruction defines it (MOV takes 32 bits of
 *     the register outside 64-bit mode; CLTS clears TS only; LMSW loads
 *     bits 3:0 and cannot clear PE); the read shadow is the guest's value,
 *     GUEST_CR0/CR4 that value with the FIXED bits forced (PE, PG, CD, NW
 *     exempt for CR0), so the guest reads back what it wrote and never
 *     VMXE; EFER.LMA = CR0.PG && EFER.LME and the IA-32e-mode-guest entry
 *     control = LMA; MOV from CR3 puts CR3 (32 bits, zero-extended,
 *     outside 64-bit mode) in the register, RSP in GUEST_RSP;
 *   - #GP(0) injected (valid, hardware exception 13, error code 0 in
 *     protected mode, none in real mode as VM entry requires) and nothing
 *     else changed, for: CR0 bits 63:32, PG without PE, NW without CD, PG
 *     set with LME and no PAE, PG cleared in 64-bit mode or with PCIDE,
 *     WP cleared with CET; CR4 bits 63:32 or outside FIXED1, VMXE (the
 *     guest has no VMX), PAE cleared or LA57 changed in IA-32e mode,
 *     PCIDE set outside IA-32e mode or with CR3[11:0] != 0, CET without WP;
 *   - the guest-crash policy (vm_incident), only for accesses skiff never
 *     intercepts: MOV to/from CRs other than 0, 3, 4 and MOV from CR0/CR4.
 * Registers other than the destination never change.  With VPID the guest's
 * TLB must be flushed (INVVPID single- or all-context, of skiff's VPID)
 * where the instruction invalidates (4.10.4.1: MOV to CR3 unless PCIDE and
 * bit 63; CR4.PGE, PAE, PSE, SMEP or PCIDE changed; CR0.PG cleared);
 * without VPID INVVPID is never used.  The host cannot execute INVVPID: a
 * SIGILL handler decodes it, records its operands and steps over it.
 *
 * Not modelled: CR3 bits beyond MAXPHYADDR (the harness has no CPUID),
 * CR8, 16-bit code's IP wrap at 64 KiB, CPL (an exit at CPL > 0 cannot
 * happen: the privilege check comes first, SDM Vol. 3C 26.1.1).
 */
#include "fuzz_invvpid.h"
#include "fuzz_support.h"

#include <setjmp.h>
#include <stdio.h>
#include <string.h>

#include "vm/vm.h"
#include "vmcs_fake.h"
#include "vmx/exit.h"
#include "vmx/exit_table.h"
#include "vmx/vcpu.h"
#include "vmx/vmcs.h"
#include "x86.h"

#define MAX_EXITS	64

/* SDM Vol. 3A 2.5: CR4 bits x86.h has no use for. */
#define SDM_CR4_LA57	(1ull << 12)
#define SDM_CR4_CET	(1ull << 23)

/* SDM Vol. 3C 25.4.1: the L bit of the access rights, 64-bit code. */
#define AR_CODE64_L	(1u << 13)
#define AR_CODE		0xc09bu

#define CR0_TS_EM_MP_PE	0xfull
#define VMXE_ONLY	CR4_VMXE

/* ---- the CPU and the guest, as the model sees them ---- */

struct caps {
	uint64_t cr0_fixed0, cr0_fixed1, cr4_fixed0, cr4_fixed1;
	uint64_t cr0_mask, cr4_mask;
	uint16_t vpid;
};

struct guest {
	uint64_t cr0, cr3, cr4, efer;		/* as the guest reads them */
	bool cs_l;
	uint64_t rip, rsp, rflags, debugctl, pending_dbg;
	uint32_t intr;
	uint64_t gpr[GUEST_REGS];
};

static struct caps caps;
static struct vmx_vcpu vcpu;

static bool ia32e(const struct guest *g)
{
	return g->efer & EFER_LMA;
}

/* 64-bit mode is IA-32e mode with CS.L = 1; with CS.L = 0 it is
 * compatibility mode, which runs 32-bit code (SDM Vol. 3A 2.2.1). */
static bool mode64(const struct guest *g)
{
	return ia32e(g) && g->cs_l;
}

/* 27.3.1.1 with unrestricted guest: FIXED0 bits 1, bits outside FIXED1 0,
 * except PE and PG (the guest's own) and CD and NW (never checked). */
static uint64_t real_cr0(uint64_t v)
{
	uint64_t exempt = CR0_PE | CR0_PG | CR0_CD | CR0_NW;

	return (v | (caps.cr0_fixed0 & ~exempt)) & (caps.cr0_fixed1 | exempt);
}

static uint64_t real_cr4(uint64_t v)
{
	return (v | caps.cr4_fixed0) & caps.cr4_fixed1;
}

/* 26.3: a guest read of CR0/CR4 takes the masked bits from the shadow. */
static uint64_t guest_view(uint64_t real, uint64_t shadow, uint64_t mask)
{
	return (real & ~mask) | (shadow & mask);
}

/* ---- the fixed-bit MSRs ---- */

static const struct { uint64_t fixed0, fixed1; } cr0_known[] = {
	{ 0x80000021, 0xffffffff },	/* every Intel CPU, Bochs */
	{ 0x80000021, 0xffffffff },
	{ 0x80000031, 0xffffffff },	/* ET fixed as well */
};

static const uint64_t cr4_known_fixed1[] = { 0x3727ff, 0x7727ff, 0x1727ff };

static void take_caps(struct fuzz_in *in)
{
	uint8_t c = fuzz_u8(in);

	if ((c & 3) < 3) {
		caps.cr0_fixed0 = cr0_known[c & 3].fixed0;
		caps.cr0_fixed1 = cr0_known[c & 3].fixed1;
	} else {
		caps.cr0_fixed0 = (fuzz_u32(in) & ~(CR0_CD | CR0_NW)) | CR0_PE | CR0_NE | CR0_PG;
		caps.cr0_fixed1 = 0xffffffffull | (uint64_t)fuzz_u32(in) << 32;
	}
	if (((c >> 2) & 3) < 3) {
		caps.cr4_fixed0 = VMXE_ONLY;
		caps.cr4_fixed1 = cr4_known_fixed1[(c >> 2) & 3];
	} else {
		caps.cr4_fixed1 = fuzz_u32(in) | VMXE_ONLY;
		caps.cr4_fixed0 = (fuzz_u32(in) & caps.cr4_fixed1) | VMXE_ONLY;
	}
	caps.vpid = c & 0x10 ? 1 : 0;
	/* skiff's policy (vmx_choose_cr_masks): it owns the bits VMX fixes
	 * but PE, PG, CD, NW (the guest's with unrestricted guest). */
	caps.cr0_mask = (caps.cr0_fixed0 | ~caps.cr0_fixed1) &
			~(CR0_PE | CR0_PG | CR0_CD | CR0_NW);
	caps.cr4_mask = caps.cr4_fixed0 | ~caps.cr4_fixed1;
}

/* ---- the guest's first state, as VM entry accepts it ---- */

static void take_guest(struct fuzz_in *in, struct guest *g)
{
	uint8_t mode = fuzz_u8(in);
	unsigned m = mode & 3;
	uint64_t seed;

	memset(g, 0, sizeof(*g));
	g->cr0 = fuzz_u32(in) & ~(CR0_PE | CR0_PG);
	if (m >= 1)
		g->cr0 |= CR0_PE;
	if (m >= 2 || (m == 1 && (mode & 4)))
		g->cr0 |= CR0_PG;
	if ((g->cr0 & CR0_NW) && !(g->cr0 & CR0_CD))
		g->cr0 &= ~CR0_NW;
	g->cr4 = fuzz_u32(in) & caps.cr4_fixed1 & ~CR4_VMXE;
	if (m >= 2)
		g->cr4 |= CR4_PAE;
	else
		g->cr4 &= ~CR4_PCIDE;
	if ((g->cr4 & SDM_CR4_CET) && !(g->cr0 & CR0_WP))
		g->cr4 &= ~SDM_CR4_CET;
	if (m >= 2)
		g->efer = EFER_LME | EFER_LMA;
	else if ((mode & 8) && !(g->cr0 & CR0_PG))
		g->efer = EFER_LME;
	if (mode & 0x40)
		g->efer |= EFER_SCE | EFER_NXE;
	g->cs_l = m == 3;
	g->rflags = RFLAGS_FIXED | (mode & 0x10 ? RFLAGS_TF : 0);
	g->debugctl = mode & 0x20 ? 2 : 0;	/* BTF */
	g->cr3 = fuzz_u64(in) & ((1ull << 52) - 1);
	g->rip = fuzz_u64(in);
	g->rsp = fuzz_u64(in);
	/* 27.3.1.4: RIP bits 63:32 are 0 unless in 64-bit mode. */
	if (!mode64(g))
		g->rip = (uint32_t)g->rip;
	if (!ia32e(g))
		g->cr3 = (uint32_t)g->cr3;
	seed = fuzz_u64(in);
	for (unsigned i = 0; i < GUEST_REGS; i++)
		g->gpr[i] = seed * (2 * i + 1) ^ ((uint64_t)i << 56);
}

/* ---- the VMCS, field by field ---- */

#define MAX_FIELDS	256

static uint32_t field_enc[MAX_FIELDS];
static const char *field_name[MAX_FIELDS];
static size_t nfields;

static void list_fields(void)
{
	if (nfields)
		return;
	for (size_t i = 0; i < vmcs_field_group_count; i++) {
		const struct vmcs_field_group *grp = &vmcs_field_groups[i];

		for (size_t k = 0; k < grp->count; k++) {
			fuzz_check(nfields < MAX_FIELDS, "more than %d VMCS fields", MAX_FIELDS);
			field_enc[nfields] = grp->fields[k].enc;
			field_name[nfields++] = grp->fields[k].name;
		}
	}
}

static void snapshot(uint64_t *v)
{
	for (size_t i = 0; i < nfields; i++)
		v[i] = vmcs_raw_read(field_enc[i]);
}

static void expect(uint64_t *want, uint32_t enc, uint64_t value)
{
	for (size_t i = 0; i < nfields; i++) {
		if (field_enc[i] == enc) {
			want[i] = value;
			return;
		}
	}
	fuzz_fail(__FILE__, __LINE__, "field 0x%x is not in vmcs.h's lists", enc);
}

/* The VMCS as VM entry would find the model's guest.  The fields the
 * handler must not touch keep whatever the previous exits left. */
static void load_guest(const struct guest *g, uint32_t entry_base)
{
	vmcs_write_natural(GUEST_CR0, real_cr0(g->cr0));
	vmcs_write_natural(CR0_READ_SHADOW, g->cr0);
	vmcs_write_natural(CR0_GUEST_HOST_MASK, caps.cr0_mask);
	vmcs_write_natural(GUEST_CR4, real_cr4(g->cr4));
	vmcs_write_natural(CR4_READ_SHADOW, g->cr4);
	vmcs_write_natural(CR4_GUEST_HOST_MASK, caps.cr4_mask);
	vmcs_write_natural(GUEST_CR3, g->cr3);
	vmcs_write64(GUEST_IA32_EFER, g->efer);
	vmcs_write32(VM_ENTRY_CONTROLS, entry_base | (ia32e(g) ? VM_ENTRY_IA32E_MODE_GUEST : 0));
	vmcs_write32(GUEST_CS_ACCESS_RIGHTS, AR_CODE | (g->cs_l ? AR_CODE64_L : 0));
	vmcs_write_natural(GUEST_RIP, g->rip);
	vmcs_write_natural(GUEST_RSP, g->rsp);
	vmcs_write_natural(GUEST_RFLAGS, g->rflags);
	vmcs_write64(GUEST_IA32_DEBUGCTL, g->debugctl);
	vmcs_write32(GUEST_INTERRUPTIBILITY_STATE, g->intr);
	vmcs_write_natural(GUEST_PENDING_DBG_EXCEPTIONS, g->pending_dbg);
	memcpy(vcpu.vcpu.regs.gpr, g->gpr, sizeof(g->gpr));
}

/* The fields a skipped instruction and the CR model decide. */
static void expect_guest(uint64_t *want, const struct guest *g, uint32_t entry_base)
{
	expect(want, GUEST_CR0.enc, real_cr0(g->cr0));
	expect(want, CR0_READ_SHADOW.enc, g->cr0);
	expect(want, GUEST_CR4.enc, real_cr4(g->cr4));
	expect(want, CR4_READ_SHADOW.enc, g->cr4);
	expect(want, GUEST_CR3.enc, g->cr3);
	expect(want, GUEST_IA32_EFER.enc, g->efer);
	expect(want, VM_ENTRY_CONTROLS.enc,
	       entry_base | (ia32e(g) ? VM_ENTRY_IA32E_MODE_GUEST : 0));
	expect(want, GUEST_RIP.enc, g->rip);
	expect(want, GUEST_RSP.enc, g->rsp);
	expect(want, GUEST_INTERRUPTIBILITY_STATE.enc, g->intr);
	expect(want, GUEST_PENDING_DBG_EXCEPTIONS.enc, g->pending_dbg);
}

/* ---- the guest-crash policy ---- */

static jmp_buf crash_jmp;

void vm_incident(struct vcpu *v, const struct vm_incident *inc)
{
	(void)v;
	fuzz_check(inc->kind == VM_INCIDENT_CRASH, "incident of kind %d, not a crash", inc->kind);
	longjmp(crash_jmp, 1);
}

/* ---- the model of one exit ---- */

enum outcome { SKIP, INJECT_GP, CRASH };

static const char *const outcome_name[] = { "skip the instruction", "inject #GP(0)",
					    "guest crash" };

struct effect {
	enum outcome outcome;
	bool flush;		/* the TLB must be flushed (VPID in use) */
};

/* MOV to CR0: the #GP(0) conditions of the instruction, then IA-32e mode
 * activation or deactivation (11.8.5). */
static struct effect model_write_cr0(struct guest *g, uint64_t v)
{
	struct effect e = { INJECT_GP, false };
	bool pg_on = !(g->cr0 & CR0_PG) && (v & CR0_PG), pg_off = (g->cr0 & CR0_PG) && !(v & CR0_PG);

	if ((v >> 32) || ((v & CR0_PG) && !(v & CR0_PE)) || ((v & CR0_NW) && !(v & CR0_CD)))
		return e;
	if (pg_on && (g->efer & EFER_LME) && !(g->cr4 & CR4_PAE))
		return e;			/* 4.1.2 */
	if (pg_off && (mode64(g) || (g->cr4 & CR4_PCIDE)))
		return e;			/* 64-bit mode exceptions; 4.10.1 */
	if (!(v & CR0_WP) && (g->cr4 & SDM_CR4_CET))
		return e;			/* 2.5, CR4.CET */
	g->cr0 = v;
	if ((v & CR0_PG) && (g->efer & EFER_LME))
		g->efer |= EFER_LMA;
	else
		g->efer &= ~EFER_LMA;
	e.outcome = SKIP;
	e.flush = pg_off;		/* 4.10.4.1 */
	return e;
}

static struct effect model_write_cr4(struct guest *g, uint64_t v)
{
	struct effect e = { INJECT_GP, false };
	uint64_t old = g->cr4;
	/* 4.10.4.1: what MOV to CR4 invalidates the TLB for. */
	uint64_t tlb = CR4_PGE | CR4_PAE | CR4_PSE | CR4_SMEP | CR4_PCIDE;

	if ((v >> 32) || (v & ~caps.cr4_fixed1) || (v & CR4_VMXE))
		return e;
	if (ia32e(g) && (!(v & CR4_PAE) || ((v ^ old) & SDM_CR4_LA57)))
		return e;			/* 4.1.2, 4.1.1 */
	if ((v & CR4_PCIDE) && (!ia32e(g) || (!(old & CR4_PCIDE) && (g->cr3 & 0xfff))))
		return e;			/* 4.10.1 */
	if ((v & SDM_CR4_CET) && !(g->cr0 & CR0_WP))
		return e;			/* 2.5 */
	g->cr4 = v;
	e.outcome = SKIP;
	e.flush = (old ^ v) & tlb;
	return e;
}

struct access {
	unsigned cr, type, reg;		/* table 28-3, decoded here again */
	uint16_t lmsw;
};

static uint64_t *reg_slot(struct guest *g, unsigned reg)
{
	return reg == GUEST_REG_RSP ? &g->rsp : &g->gpr[reg];
}

static struct effect model(struct guest *g, const struct access *a)
{
	struct effect e = { SKIP, false };
	uint64_t src = *reg_slot(g, a->reg);

	if (!mode64(g))
		src = (uint32_t)src;	/* 32-bit operand outside 64-bit mode */
	switch (a->type) {
	case 0:				/* MOV to CR */
		if (a->cr == 0)
			return model_write_cr0(g, src);
		if (a->cr == 4)
			return model_write_cr4(g, src);
		if (a->cr != 3)
			break;
		/* 4.10.4.1: with PCIDE, bit 63 says "keep the TLB" and is
		 * not stored. */
		e.flush = !((g->cr4 & CR4_PCIDE) && (src >> 63));
		g->cr3 = g->cr4 & CR4_PCIDE ? src & ~(1ull << 63) : src;
		return e;
	case 1:				/* MOV from CR */
		if (a->cr != 3)
			break;
		*reg_slot(g, a->reg) = mode64(g) ? g->cr3 : (uint32_t)g->cr3;
		return e;
	case 2:				/* CLTS */
		g->cr0 &= ~CR0_TS;
		return e;
	default:			/* LMSW: PE can be set, not cleared */
		g->cr0 = (g->cr0 & ~CR0_TS_EM_MP_PE) | (a->lmsw & CR0_TS_EM_MP_PE) |
			 (g->cr0 & CR0_PE);
		return e;
	}
	e.outcome = CRASH;
	return e;
}

/* ---- one exit ---- */

struct exit_in {
	uint64_t qual, value;
	uint32_t len;
	struct access a;
};

static const unsigned cr_pick[] = { 0, 3, 4, 8 };

static uint64_t current_cr(const struct guest *g, unsigned cr)
{
	return cr == 3 ? g->cr3 : cr == 4 ? g->cr4 : g->cr0;
}

/* Reads one exit; what happens between exits (a far jump, a WRMSR) is
 * applied to g here, before the exit's state goes into the VMCS. */
static struct exit_in take_exit(struct fuzz_in *in, struct guest *g)
{
	uint8_t how = fuzz_u8(in), reg = fuzz_u8(in) & 15, ctl;
	struct exit_in x = { 0 };
	unsigned type = how & 3, cr = type >= 2 ? 0 : cr_pick[(how >> 2) & 3];

	switch ((how >> 5) & 3) {
	case 0: x.value = fuzz_u32(in); break;
	case 1: x.value = fuzz_u64(in); break;
	case 2: x.value = current_cr(g, cr) ^ (1ull << (fuzz_u8(in) & 63)); break;
	default: x.value = current_cr(g, cr) ^ fuzz_u32(in); break;
	}
	x.qual = how & 0x10 ? fuzz_u64(in) :
		 cr | type << 4 | (uint64_t)reg << 8 | (type == 3 ? (x.value & 0xffff) << 16 : 0);
	ctl = fuzz_u8(in);
	x.len = 1 + (ctl & 15) % 15;
	g->intr = (ctl >> 4) & (GUEST_INTR_BLOCK_STI | GUEST_INTR_BLOCK_MOV_SS);
	if ((ctl & 0x40) && ia32e(g)) {
		g->cs_l = !g->cs_l;
		if (!g->cs_l)
			g->rip = (uint32_t)g->rip;
	}
	if ((ctl & 0x80) && !(g->cr0 & CR0_PG))
		g->efer ^= EFER_LME;
	/* Table 28-3, read again: CR 3:0, type 5:4, register 11:8, LMSW
	 * source 31:16. */
	x.a = (struct access){ (unsigned)(x.qual & 15), (unsigned)(x.qual >> 4) & 3,
			       (unsigned)(x.qual >> 8) & 15, (uint16_t)(x.qual >> 16) };
	*reg_slot(g, x.a.reg) = x.value;
	return x;
}

static const char *describe(const struct guest *g, const struct exit_in *x)
{
	static char buf[256];

	snprintf(buf, sizeof(buf), "qual 0x%llx value 0x%llx in %s mode, CR0 0x%llx CR4 0x%llx "
		 "CR3 0x%llx EFER 0x%llx", (unsigned long long)x->qual,
		 (unsigned long long)x->value, mode64(g) ? "64-bit" : ia32e(g) ? "compatibility" :
		 g->cr0 & CR0_PE ? "protected" : "real", (unsigned long long)g->cr0,
		 (unsigned long long)g->cr4, (unsigned long long)g->cr3,
		 (unsigned long long)g->efer);
	return buf;
}

/* The skip the model expects (exit.c's contract, SDM Vol. 3C 25.4.2). */
static void model_skip(struct guest *g, uint32_t len)
{
	g->rip += len;
	if (!mode64(g))
		g->rip = (uint32_t)g->rip;
	g->intr &= ~(GUEST_INTR_BLOCK_STI | GUEST_INTR_BLOCK_MOV_SS);
	if ((g->rflags & RFLAGS_TF) && !(g->debugctl & 2))
		g->pending_dbg |= GUEST_PENDING_DBG_BS;
}

static void check_fields(const uint64_t *want, const char *what)
{
	for (size_t i = 0; i < nfields; i++) {
		uint64_t got = vmcs_raw_read(field_enc[i]);

		fuzz_check(got == want[i], "%s: %s is 0x%llx, the model says 0x%llx", what,
			   field_name[i], (unsigned long long)got, (unsigned long long)want[i]);
	}
}

/* An INVVPID that drops every translation of skiff's VPID (31.3). */
static bool flushed_all(void)
{
	const struct fuzz_invvpid_log *log = &fuzz_invvpid_log;

	for (unsigned i = 0; i < log->count && i < FUZZ_INVVPID_MAX; i++)
		if (log->op[i].type == INVVPID_ALL_CONTEXT ||
		    (log->op[i].type == INVVPID_SINGLE_CONTEXT && log->op[i].vpid == caps.vpid))
			return true;
	return false;
}

static void check_flush(const struct effect *e, const char *what)
{
	if (!caps.vpid) {
		fuzz_check(fuzz_invvpid_log.count == 0, "%s: INVVPID without VPID", what);
		return;
	}
	fuzz_check(!e->flush || e->outcome != SKIP || flushed_all(),
		   "%s: the instruction invalidates the guest's TLB, skiff did no INVVPID "
		   "of all of VPID %u (%u done)", what, caps.vpid, fuzz_invvpid_log.count);
}

/* Runs one exit through the handler and checks it; false once the guest
 * has crashed. */
static bool run_exit(struct guest *g, const struct exit_in *x, uint32_t entry_base)
{
	static uint64_t want[MAX_FIELDS];
	struct guest before = *g;
	const char *what = describe(g, x);
	volatile bool crashed = false;
	struct effect e;
	bool injected;

	vmcs_write32(VM_ENTRY_INTR_INFO, 0);		/* consumed by the last entry */
	vmcs_write32(VM_ENTRY_EXCEPTION_ERROR_CODE, 0xdead);
	vmcs_write_natural(EXIT_QUALIFICATION, x->qual);
	vmcs_write32(VM_EXIT_INSTRUCTION_LEN, x->len);
	load_guest(g, entry_base);
	snapshot(want);
	memset(&fuzz_invvpid_log, 0, sizeof(fuzz_invvpid_log));
	if (setjmp(crash_jmp) == 0)
		vmx_exit_cr_access(&vcpu);
	else
		crashed = true;
	e = model(g, &x->a);
	injected = vmcs_read32(VM_ENTRY_INTR_INFO) & INTR_INFO_VALID;
	fuzz_check(e.outcome == (crashed ? CRASH : injected ? INJECT_GP : SKIP),
		   "%s: the handler did \"%s\", the model says \"%s\"", what,
		   outcome_name[crashed ? CRASH : injected ? INJECT_GP : SKIP],
		   outcome_name[e.outcome]);
	if (crashed)
		return false;
	check_flush(&e, what);
	if (e.outcome == INJECT_GP) {
		bool pe = before.cr0 & CR0_PE;

		*g = before;
		expect(want, VM_ENTRY_INTR_INFO.enc, INTR_INFO_VALID |
		       (uint32_t)INTR_TYPE_HW_EXCEPTION << INTR_INFO_TYPE_SHIFT | VECTOR_GP |
		       (pe ? INTR_INFO_ERROR_CODE : 0));
		if (pe)
			expect(want, VM_ENTRY_EXCEPTION_ERROR_CODE.enc, 0);
	} else {
		model_skip(g, x->len);
		expect_guest(want, g, entry_base);
	}
	check_fields(want, what);
	fuzz_check(memcmp(vcpu.vcpu.regs.gpr, g->gpr, sizeof(g->gpr)) == 0,
		   "%s: a general register other than the destination changed", what);
	fuzz_check(!(guest_view(vmcs_read_natural(GUEST_CR4), vmcs_read_natural(CR4_READ_SHADOW),
				caps.cr4_mask) & CR4_VMXE), "%s: the guest sees CR4.VMXE", what);
	fuzz_check(guest_view(vmcs_read_natural(GUEST_CR0), vmcs_read_natural(CR0_READ_SHADOW),
			      caps.cr0_mask) == g->cr0 &&
		   guest_view(vmcs_read_natural(GUEST_CR4), vmcs_read_natural(CR4_READ_SHADOW),
			      caps.cr4_mask) == g->cr4, "%s: the guest reads other CRs", what);
	fuzz_check(!!(g->efer & EFER_LMA) == ((g->cr0 & CR0_PG) && (g->efer & EFER_LME)),
		   "%s: the model broke LMA = PG && LME", what);
	return true;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_in in = { data, size };
	/* What vmx_choose_controls asks of every CPU: EFER switched. */
	const uint32_t entry_base = VM_ENTRY_LOAD_DEBUG_CONTROLS | VM_ENTRY_LOAD_IA32_EFER;
	struct guest g;

	fuzz_log_reset();
	fuzz_invvpid_trap();
	list_fields();
	vmcs_fake_reset();
	take_caps(&in);
	take_guest(&in, &g);
	memset(&vcpu, 0, sizeof(vcpu));
	vcpu.cr0_fixed0 = caps.cr0_fixed0;
	vcpu.cr0_fixed1 = caps.cr0_fixed1;
	vcpu.cr4_fixed0 = caps.cr4_fixed0;
	vcpu.cr4_fixed1 = caps.cr4_fixed1;
	vcpu.cr0_mask = caps.cr0_mask;
	vcpu.cr4_mask = caps.cr4_mask;
	vcpu.vpid = caps.vpid;
	vcpu.proc2 = SECONDARY_EXEC_ENABLE_EPT | SECONDARY_EXEC_UNRESTRICTED_GUEST |
			 (caps.vpid ? SECONDARY_EXEC_ENABLE_VPID : 0);
	vmcs_write32(SECONDARY_VM_EXEC_CONTROL, vcpu.proc2);
	vmcs_write16(VIRTUAL_PROCESSOR_ID, caps.vpid);
	vmcs_write32(VM_EXIT_REASON, EXIT_REASON_CR_ACCESS);
	for (int i = 0; i < MAX_EXITS && in.n > 0; i++) {
		struct exit_in x = take_exit(&in, &g);

		if (!run_exit(&g, &x, entry_base))
			break;
	}
	return 0;
}
