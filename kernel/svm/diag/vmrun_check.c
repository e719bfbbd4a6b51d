/* See vmrun_check.h.  Each check cites its line of APM Vol. 2 15.5.1. */
#include "svm/caps.h"
#include "svm/diag/vmrun_check.h"
#include "svm/perm_maps.h"
#include "x86.h"

#define CR0_PE		(1ull << 0)
#define CR0_NW		(1ull << 29)
#define CR0_CD		(1ull << 30)
#define CR0_PG		(1ull << 31)
#define CR4_PAE		(1ull << 5)
#define HIGH32		0xffffffff00000000ull

struct checker {
	svm_check_fail_fn fail;
	void *arg;
	unsigned failed;
};

static void rule(struct checker *c, bool broken, const char *what)
{
	if (!broken)
		return;
	c->failed++;
	if (c->fail)
		c->fail(c->arg, what);
}

/* Bits at and above MAXPHYADDR, which no physical address may have. */
static uint64_t beyond(const struct svm_vmrun_limits *l)
{
	return l->phys_addr_width >= 64 ? 0 : ~0ull << l->phys_addr_width;
}

bool svm_vmrun_cr3_mbz(const struct vmcb_save *s, const struct svm_vmrun_limits *l)
{
	return s->cr3 & ((s->efer & EFER_LME) ? beyond(l) : HIGH32);
}

static void check_control_registers(struct checker *c, const struct vmcb_save *s,
				    const struct svm_vmrun_limits *l)
{
	bool lme = s->efer & EFER_LME, paging = s->cr0 & CR0_PG;

	rule(c, !(s->efer & EFER_SVME), "EFER.SVME is zero");
	rule(c, !(s->cr0 & CR0_CD) && (s->cr0 & CR0_NW), "CR0.CD is zero and CR0.NW is set");
	rule(c, s->cr0 & HIGH32, "CR0[63:32] are not zero");
	rule(c, svm_vmrun_cr3_mbz(s, l), "an MBZ bit of CR3 is set");
	rule(c, s->cr4 & ~l->cr4_defined, "an MBZ bit of CR4 is set");
	rule(c, s->dr6 & HIGH32, "DR6[63:32] are not zero");
	rule(c, s->dr7 & HIGH32, "DR7[63:32] are not zero");
	rule(c, s->efer & ~l->efer_defined, "an MBZ bit of EFER is set");
	rule(c, (s->efer & (EFER_LME | EFER_LMA)) && !l->long_mode,
	     "EFER.LMA or EFER.LME is set and this CPU has no long mode");
	rule(c, lme && paging && !(s->cr4 & CR4_PAE), "EFER.LME and CR0.PG are set and CR4.PAE is zero");
	rule(c, lme && paging && !(s->cr0 & CR0_PE), "EFER.LME and CR0.PG are set and CR0.PE is zero");
	rule(c, lme && paging && (s->cr4 & CR4_PAE) && (s->cs.attrib & VMCB_ATTR_L) &&
		(s->cs.attrib & VMCB_ATTR_DB),
	     "EFER.LME, CR0.PG, CR4.PAE, CS.L and CS.D are all set");
}

/* 15.20: the event types 1, 5, 6 and 7 are reserved; an exception cannot
 * have vector 2 (NMI) or one above 31. */
static bool eventinj_illegal(uint64_t e)
{
	unsigned type = (unsigned)((e & SVM_EVENTINJ_TYPE_MASK) >> SVM_EVENTINJ_TYPE_SHIFT);
	unsigned vector = (unsigned)(e & SVM_EVENTINJ_VECTOR_MASK);

	if (!(e & SVM_EVENTINJ_VALID))
		return false;
	if (type != SVM_EVENTINJ_TYPE_INTR && type != SVM_EVENTINJ_TYPE_NMI &&
	    type != SVM_EVENTINJ_TYPE_EXCEPTION && type != SVM_EVENTINJ_TYPE_SOFT_INT)
		return true;
	return type == SVM_EVENTINJ_TYPE_EXCEPTION && (vector == 2 || vector > 31);
}

/* 15.25.8 with APM Vol. 2 7.8.1: each of G_PAT's eight bytes a type PAT
 * allows (UC 0, WC 1, WT 4, WP 5, WB 6, UC- 7), its bits 7:3 zero. */
static bool g_pat_invalid(uint64_t pat)
{
	for (unsigned i = 0; i < 8; i++) {
		uint8_t t = (uint8_t)(pat >> (8 * i));

		if (t > 7 || t == 2 || t == 3)
			return true;
	}
	return false;
}

static void check_controls(struct checker *c, const struct vmcb *v, const struct svm_vmrun_limits *l)
{
	const struct vmcb_control *k = &v->control;

	rule(c, !(k->intercept_misc2 & SVM_INTERCEPT_VMRUN), "the VMRUN intercept bit is clear");
	rule(c, ((k->msrpm_base_pa + SVM_MSRPM_SIZE - 1) & beyond(l)) != 0,
	     "the MSR permission map extends beyond the largest physical address");
	rule(c, ((k->iopm_base_pa + SVM_IOPM_SIZE - 1) & beyond(l)) != 0,
	     "the I/O permission map extends beyond the largest physical address");
	rule(c, eventinj_illegal(k->eventinj), "EVENTINJ is illegal (15.20)");
	rule(c, k->guest_asid == 0, "the guest ASID is zero (the host's)");
	rule(c, (k->np_control & SVM_NP_ENABLE) && g_pat_invalid(v->save.g_pat),
	     "nested paging is on and G_PAT has a reserved type or bit");
}

unsigned svm_vmrun_check(const struct vmcb *v, const struct svm_vmrun_limits *l,
			 svm_check_fail_fn fail, void *arg)
{
	struct checker c = { .fail = fail, .arg = arg };

	check_control_registers(&c, &v->save, l);
	check_controls(&c, v, l);
	return c.failed;
}
