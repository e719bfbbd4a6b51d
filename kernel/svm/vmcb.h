/*
 * The virtual machine control block, AMD64 APM Vol. 2 appendix B ("Layout
 * of VMCB"): a 4 KiB page, the control area (Table B-1) in its first
 * 400h bytes and the state save area (Table B-2) after it.  Only the
 * fields skiff reads or writes are named; the gaps keep every offset
 * where the APM puts it, which the _Static_asserts below check against
 * the tables.  Memory, not a CPU structure behind instructions as the
 * VMCS is: host tests use the same struct.
 */
#ifndef SKIFF_SVM_VMCB_H
#define SKIFF_SVM_VMCB_H

#include <stddef.h>
#include <stdint.h>

/* ---- intercept vectors, Table B-1 ---- */
/* Offset 000h: CRn reads in bits 15:0, CRn writes in bits 31:16 */
#define SVM_INTERCEPT_CR_WRITE(n)	(1u << (16 + (n)))
/* Offset 00Ch (misc 1) */
#define SVM_INTERCEPT_INTR		(1u << 0)
#define SVM_INTERCEPT_NMI		(1u << 1)
#define SVM_INTERCEPT_SMI		(1u << 2)
#define SVM_INTERCEPT_INIT		(1u << 3)
#define SVM_INTERCEPT_VINTR		(1u << 4)
#define SVM_INTERCEPT_CPUID		(1u << 18)
#define SVM_INTERCEPT_IRET		(1u << 20)
#define SVM_INTERCEPT_INVD		(1u << 22)
#define SVM_INTERCEPT_HLT		(1u << 24)
#define SVM_INTERCEPT_INVLPGA		(1u << 26)
#define SVM_INTERCEPT_IOIO_PROT		(1u << 27)
#define SVM_INTERCEPT_MSR_PROT		(1u << 28)
#define SVM_INTERCEPT_SHUTDOWN		(1u << 31)
/* Offset 010h (misc 2) */
#define SVM_INTERCEPT_VMRUN		(1u << 0)
#define SVM_INTERCEPT_VMMCALL		(1u << 1)
#define SVM_INTERCEPT_VMLOAD		(1u << 2)
#define SVM_INTERCEPT_VMSAVE		(1u << 3)
#define SVM_INTERCEPT_STGI		(1u << 4)
#define SVM_INTERCEPT_CLGI		(1u << 5)
#define SVM_INTERCEPT_SKINIT		(1u << 6)
#define SVM_INTERCEPT_WBINVD		(1u << 9)

/* Offset 058h: TLB_CONTROL (bits 39:32 of the quadword), 15.16.1 */
#define SVM_TLB_CONTROL_NOTHING		0
#define SVM_TLB_CONTROL_FLUSH_ALL	1
/* Offset 060h: the virtual interrupt controls, 15.21 and Table B-1 */
#define SVM_VINTR_TPR_MASK		0xfull		/* V_TPR: the guest's CR8 */
#define SVM_VINTR_IRQ			(1ull << 8)	/* V_IRQ: one virtual interrupt pending */
#define SVM_VINTR_PRIO_SHIFT		16		/* V_INTR_PRIO, bits 19:16 */
#define SVM_VINTR_PRIO_MASK		(0xfull << 16)
#define SVM_VINTR_IGN_TPR		(1ull << 20)	/* V_IGN_TPR */
#define SVM_VINTR_MASKING		(1ull << 24)	/* V_INTR_MASKING */
#define SVM_VINTR_VECTOR_SHIFT		32		/* V_INTR_VECTOR, bits 39:32 */
#define SVM_VINTR_VECTOR_MASK		(0xffull << 32)
/* Offset 090h */
#define SVM_NP_ENABLE			(1ull << 0)
/* Offset 0A8h: EVENTINJ, 15.20 */
#define SVM_EVENTINJ_VECTOR_MASK	0xffull
#define SVM_EVENTINJ_TYPE_SHIFT		8		/* bits 10:8 */
#define SVM_EVENTINJ_TYPE_MASK		(7ull << 8)
#define SVM_EVENTINJ_TYPE_INTR		0
#define SVM_EVENTINJ_TYPE_NMI		2
#define SVM_EVENTINJ_TYPE_EXCEPTION	3
#define SVM_EVENTINJ_TYPE_SOFT_INT	4
#define SVM_EVENTINJ_EV			(1ull << 11)	/* error code valid */
#define SVM_EVENTINJ_VALID		(1ull << 31)

struct vmcb_control {
	uint32_t intercept_cr;		/* 000h: reads 15:0, writes 31:16 */
	uint32_t intercept_dr;		/* 004h */
	uint32_t intercept_exceptions;	/* 008h */
	uint32_t intercept_misc1;	/* 00Ch */
	uint32_t intercept_misc2;	/* 010h */
	uint32_t intercept_misc3;	/* 014h */
	uint8_t reserved_018[0x03c - 0x018];
	uint16_t pause_filter_threshold;	/* 03Ch */
	uint16_t pause_filter_count;	/* 03Eh */
	uint64_t iopm_base_pa;		/* 040h */
	uint64_t msrpm_base_pa;		/* 048h */
	uint64_t tsc_offset;		/* 050h */
	uint32_t guest_asid;		/* 058h */
	uint8_t tlb_control;		/* 05Ch */
	uint8_t reserved_05d[3];
	uint64_t vintr;			/* 060h: V_TPR, V_IRQ, V_INTR_MASKING, ... (SVM_VINTR_*) */
	uint64_t interrupt_shadow;	/* 068h */
	uint64_t exitcode;		/* 070h */
	uint64_t exitinfo1;		/* 078h */
	uint64_t exitinfo2;		/* 080h */
	uint64_t exitintinfo;		/* 088h */
	uint64_t np_control;		/* 090h: NP_ENABLE, SEV, SEV-ES, ... */
	uint64_t avic_apic_bar;		/* 098h */
	uint64_t ghcb_pa;		/* 0A0h */
	uint64_t eventinj;		/* 0A8h */
	uint64_t n_cr3;			/* 0B0h */
	uint64_t lbr_virt_control;	/* 0B8h */
	uint32_t clean_bits;		/* 0C0h */
	uint32_t reserved_0c4;
	uint64_t next_rip;		/* 0C8h: with NRIP save */
	uint8_t bytes_fetched;		/* 0D0h: with decode assists */
	uint8_t guest_bytes[15];	/* 0D1h */
	uint8_t reserved_0e0[0x400 - 0x0e0];
};

/* A segment register as the VMCB holds it (Table B-2): the attributes
 * compressed to 12 bits (type 3:0, S 4, DPL 6:5, P 7, AVL 8, L 9, D/B 10,
 * G 11). */
struct vmcb_segment {
	uint16_t selector;
	uint16_t attrib;
	uint32_t limit;
	uint64_t base;
};

#define VMCB_ATTR_S		(1u << 4)
#define VMCB_ATTR_P		(1u << 7)
#define VMCB_ATTR_L		(1u << 9)
#define VMCB_ATTR_DB		(1u << 10)
#define VMCB_ATTR_G		(1u << 11)

struct vmcb_save {
	struct vmcb_segment es, cs, ss, ds, fs, gs;	/* 000h-05Fh */
	struct vmcb_segment gdtr, ldtr, idtr, tr;	/* 060h-09Fh */
	uint8_t reserved_0a0[0x0cb - 0x0a0];
	uint8_t cpl;			/* 0CBh */
	uint32_t reserved_0cc;
	uint64_t efer;			/* 0D0h */
	uint8_t reserved_0d8[0x148 - 0x0d8];
	uint64_t cr4;			/* 148h */
	uint64_t cr3;			/* 150h */
	uint64_t cr0;			/* 158h */
	uint64_t dr7;			/* 160h */
	uint64_t dr6;			/* 168h */
	uint64_t rflags;		/* 170h */
	uint64_t rip;			/* 178h */
	uint8_t reserved_180[0x1d8 - 0x180];
	uint64_t rsp;			/* 1D8h */
	uint64_t s_cet, ssp, isst_addr;	/* 1E0h-1F7h */
	uint64_t rax;			/* 1F8h */
	uint64_t star, lstar, cstar, sfmask;	/* 200h-21Fh */
	uint64_t kernel_gs_base;	/* 220h */
	uint64_t sysenter_cs, sysenter_esp, sysenter_eip;	/* 228h-23Fh */
	uint64_t cr2;			/* 240h */
	uint8_t reserved_248[0x268 - 0x248];
	uint64_t g_pat;			/* 268h */
	uint64_t dbgctl;		/* 270h */
	uint8_t reserved_278[0xc00 - 0x278];
};

struct vmcb {
	struct vmcb_control control;
	struct vmcb_save save;
};

#define VMCB_CHECK(type, field, off) \
	_Static_assert(offsetof(type, field) == (off), #type "." #field " is at " #off " (APM appendix B)")
VMCB_CHECK(struct vmcb_control, intercept_misc1, 0x00c);
VMCB_CHECK(struct vmcb_control, intercept_misc3, 0x014);
VMCB_CHECK(struct vmcb_control, pause_filter_threshold, 0x03c);
VMCB_CHECK(struct vmcb_control, iopm_base_pa, 0x040);
VMCB_CHECK(struct vmcb_control, msrpm_base_pa, 0x048);
VMCB_CHECK(struct vmcb_control, tsc_offset, 0x050);
VMCB_CHECK(struct vmcb_control, guest_asid, 0x058);
VMCB_CHECK(struct vmcb_control, tlb_control, 0x05c);
VMCB_CHECK(struct vmcb_control, vintr, 0x060);
VMCB_CHECK(struct vmcb_control, interrupt_shadow, 0x068);
VMCB_CHECK(struct vmcb_control, exitcode, 0x070);
VMCB_CHECK(struct vmcb_control, exitinfo1, 0x078);
VMCB_CHECK(struct vmcb_control, exitinfo2, 0x080);
VMCB_CHECK(struct vmcb_control, exitintinfo, 0x088);
VMCB_CHECK(struct vmcb_control, np_control, 0x090);
VMCB_CHECK(struct vmcb_control, eventinj, 0x0a8);
VMCB_CHECK(struct vmcb_control, n_cr3, 0x0b0);
VMCB_CHECK(struct vmcb_control, lbr_virt_control, 0x0b8);
VMCB_CHECK(struct vmcb_control, clean_bits, 0x0c0);
VMCB_CHECK(struct vmcb_control, next_rip, 0x0c8);
VMCB_CHECK(struct vmcb_control, bytes_fetched, 0x0d0);
VMCB_CHECK(struct vmcb_control, guest_bytes, 0x0d1);
VMCB_CHECK(struct vmcb_save, cs, 0x010);
VMCB_CHECK(struct vmcb_save, gdtr, 0x060);
VMCB_CHECK(struct vmcb_save, tr, 0x090);
VMCB_CHECK(struct vmcb_save, cpl, 0x0cb);
VMCB_CHECK(struct vmcb_save, efer, 0x0d0);
VMCB_CHECK(struct vmcb_save, cr4, 0x148);
VMCB_CHECK(struct vmcb_save, cr3, 0x150);
VMCB_CHECK(struct vmcb_save, cr0, 0x158);
VMCB_CHECK(struct vmcb_save, dr7, 0x160);
VMCB_CHECK(struct vmcb_save, dr6, 0x168);
VMCB_CHECK(struct vmcb_save, rflags, 0x170);
VMCB_CHECK(struct vmcb_save, rip, 0x178);
VMCB_CHECK(struct vmcb_save, rsp, 0x1d8);
VMCB_CHECK(struct vmcb_save, rax, 0x1f8);
VMCB_CHECK(struct vmcb_save, star, 0x200);
VMCB_CHECK(struct vmcb_save, kernel_gs_base, 0x220);
VMCB_CHECK(struct vmcb_save, sysenter_cs, 0x228);
VMCB_CHECK(struct vmcb_save, cr2, 0x240);
VMCB_CHECK(struct vmcb_save, g_pat, 0x268);
VMCB_CHECK(struct vmcb_save, dbgctl, 0x270);
VMCB_CHECK(struct vmcb, save, 0x400);
_Static_assert(sizeof(struct vmcb) == 4096, "a VMCB is one 4 KiB page");
#undef VMCB_CHECK

#endif
