/*
 * Every privileged or special x86 instruction skiff uses outside its
 * assembly files, each as a static inline wrapper (docs/style.md rule 4).
 * Register and bit names follow the Intel SDM, Vol. 3A chapter 2.
 */
#ifndef SKIFF_X86_H
#define SKIFF_X86_H

#include <stdint.h>

/* CR0 bits, SDM Vol. 3A 2.5 */
#define CR0_PE		(1ull << 0)
#define CR0_MP		(1ull << 1)
#define CR0_EM		(1ull << 2)
#define CR0_TS		(1ull << 3)
#define CR0_ET		(1ull << 4)
#define CR0_NE		(1ull << 5)
#define CR0_WP		(1ull << 16)
#define CR0_AM		(1ull << 18)
#define CR0_NW		(1ull << 29)
#define CR0_CD		(1ull << 30)
#define CR0_PG		(1ull << 31)

/* CR4 bits, SDM Vol. 3A 2.5 */
#define CR4_VME		(1ull << 0)
#define CR4_PVI		(1ull << 1)
#define CR4_TSD		(1ull << 2)
#define CR4_DE		(1ull << 3)
#define CR4_PSE		(1ull << 4)
#define CR4_PAE		(1ull << 5)
#define CR4_MCE		(1ull << 6)
#define CR4_PGE		(1ull << 7)
#define CR4_PCE		(1ull << 8)
#define CR4_OSFXSR	(1ull << 9)
#define CR4_OSXMMEXCPT	(1ull << 10)
#define CR4_UMIP	(1ull << 11)
#define CR4_LA57	(1ull << 12)
#define CR4_VMXE	(1ull << 13)
#define CR4_SMXE	(1ull << 14)
#define CR4_FSGSBASE	(1ull << 16)
#define CR4_PCIDE	(1ull << 17)
#define CR4_OSXSAVE	(1ull << 18)
#define CR4_SMEP	(1ull << 20)
#define CR4_SMAP	(1ull << 21)
#define CR4_PKE		(1ull << 22)
#define CR4_CET		(1ull << 23)

/* RFLAGS bits, SDM Vol. 1 3.4.3 */
#define RFLAGS_CF	(1ull << 0)
#define RFLAGS_FIXED	(1ull << 1)	/* reserved, always 1 */
#define RFLAGS_TF	(1ull << 8)
#define RFLAGS_IF	(1ull << 9)
#define RFLAGS_DF	(1ull << 10)
#define RFLAGS_IOPL	(3ull << 12)
#define RFLAGS_NT	(1ull << 14)
#define RFLAGS_RF	(1ull << 16)
#define RFLAGS_VM	(1ull << 17)
#define RFLAGS_AC	(1ull << 18)
#define RFLAGS_ZF	(1ull << 6)

/* Architectural MSRs, SDM Vol. 4 chapter 2 */
#define MSR_IA32_APIC_BASE		0x0000001b
#define MSR_IA32_FEATURE_CONTROL	0x0000003a
#define MSR_IA32_MTRRCAP		0x000000fe
#define MSR_IA32_SYSENTER_CS		0x00000174
#define MSR_IA32_SYSENTER_ESP		0x00000175
#define MSR_IA32_SYSENTER_EIP		0x00000176
#define MSR_IA32_DEBUGCTL		0x000001d9
#define MSR_IA32_MTRR_PHYSBASE0		0x00000200
#define MSR_IA32_MTRR_PHYSMASK0		0x00000201
#define MSR_IA32_MTRR_FIX64K_00000	0x00000250
#define MSR_IA32_MTRR_FIX16K_80000	0x00000258
#define MSR_IA32_MTRR_FIX16K_A0000	0x00000259
#define MSR_IA32_MTRR_FIX4K_C0000	0x00000268
#define MSR_IA32_PAT			0x00000277
#define MSR_IA32_MTRR_DEF_TYPE		0x000002ff
#define MSR_IA32_EFER			0xc0000080
#define MSR_IA32_TSC			0x00000010
#define MSR_IA32_TSC_ADJUST		0x0000003b
#define MSR_IA32_STAR			0xc0000081
#define MSR_IA32_LSTAR			0xc0000082
#define MSR_IA32_FMASK			0xc0000084
#define MSR_IA32_FS_BASE		0xc0000100
#define MSR_IA32_GS_BASE		0xc0000101
#define MSR_IA32_KERNEL_GS_BASE		0xc0000102

/* IA32_EFER bits */
#define EFER_SCE	(1ull << 0)
#define EFER_LME	(1ull << 8)
#define EFER_LMA	(1ull << 10)
#define EFER_NXE	(1ull << 11)

struct cpuid_regs {
	uint32_t eax, ebx, ecx, edx;
};

static inline struct cpuid_regs cpuid(uint32_t leaf, uint32_t subleaf)
{
	struct cpuid_regs r;

	__asm__ volatile("cpuid"
			 : "=a"(r.eax), "=b"(r.ebx), "=c"(r.ecx), "=d"(r.edx)
			 : "a"(leaf), "c"(subleaf));
	return r;
}

/* CPUID with its results stored as 64-bit registers (a guest's, say): the
 * instruction clears bits 63:32 of RAX, RBX, RCX and RDX in 64-bit mode
 * (SDM Vol. 2A, CPUID), so they need no zero-extending on the way. */
static inline void cpuid_to_gprs(uint32_t leaf, uint32_t subleaf, uint64_t *rax, uint64_t *rbx,
				 uint64_t *rcx, uint64_t *rdx)
{
	__asm__ volatile("cpuid"
			 : "=a"(*rax), "=b"(*rbx), "=c"(*rcx), "=d"(*rdx)
			 : "a"(leaf), "c"(subleaf));
}

static inline uint64_t rdmsr(uint32_t msr)
{
	uint32_t lo, hi;

	__asm__ volatile("rdmsr" : "=a"(lo), "=d"(hi) : "c"(msr));
	return ((uint64_t)hi << 32) | lo;
}

static inline void wrmsr(uint32_t msr, uint64_t value)
{
	__asm__ volatile("wrmsr"
			 : : "c"(msr), "a"((uint32_t)value), "d"((uint32_t)(value >> 32))
			 : "memory");
}

static inline uint64_t rdtsc(void)
{
	uint32_t lo, hi;

	__asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
	return ((uint64_t)hi << 32) | lo;
}

static inline void outb(uint16_t port, uint8_t v)
{
	__asm__ volatile("outb %0, %1" : : "a"(v), "Nd"(port));
}

static inline void outw(uint16_t port, uint16_t v)
{
	__asm__ volatile("outw %0, %1" : : "a"(v), "Nd"(port));
}

static inline void outl(uint16_t port, uint32_t v)
{
	__asm__ volatile("outl %0, %1" : : "a"(v), "Nd"(port));
}

static inline uint8_t inb(uint16_t port)
{
	uint8_t v;

	__asm__ volatile("inb %1, %0" : "=a"(v) : "Nd"(port));
	return v;
}

static inline uint16_t inw(uint16_t port)
{
	uint16_t v;

	__asm__ volatile("inw %1, %0" : "=a"(v) : "Nd"(port));
	return v;
}

static inline uint32_t inl(uint16_t port)
{
	uint32_t v;

	__asm__ volatile("inl %1, %0" : "=a"(v) : "Nd"(port));
	return v;
}

#define DEFINE_CR_ACCESSORS(n)						\
static inline uint64_t read_cr##n(void)					\
{									\
	uint64_t v;							\
	__asm__ volatile("mov %%cr" #n ", %0" : "=r"(v));		\
	return v;							\
}									\
static inline void write_cr##n(uint64_t v)				\
{									\
	__asm__ volatile("mov %0, %%cr" #n : : "r"(v) : "memory");	\
}
DEFINE_CR_ACCESSORS(0)
DEFINE_CR_ACCESSORS(2)
DEFINE_CR_ACCESSORS(3)
DEFINE_CR_ACCESSORS(4)
#undef DEFINE_CR_ACCESSORS

static inline uint64_t read_rflags(void)
{
	uint64_t v;

	__asm__ volatile("pushfq; popq %0" : "=r"(v));
	return v;
}

static inline void cli(void) { __asm__ volatile("cli" ::: "memory"); }
static inline void sti(void) { __asm__ volatile("sti" ::: "memory"); }
static inline void hlt(void) { __asm__ volatile("hlt" ::: "memory"); }
static inline void pause(void) { __asm__ volatile("pause"); }
/* The global interrupt flag (AMD64 APM Vol. 2 15.17; #UD without
 * EFER.SVME): clear, it holds interrupts, NMI, SMI and INIT pending. */
static inline void clgi(void) { __asm__ volatile("clgi" ::: "memory"); }
static inline void stgi(void) { __asm__ volatile("stgi" ::: "memory"); }

/* Writes back and invalidates every cache of this CPU (SDM Vol. 2B
 * "WBINVD"): for tables a device walks without snooping them. */
static inline void wbinvd(void) { __asm__ volatile("wbinvd" ::: "memory"); }

static inline void invlpg(uint64_t addr)
{
	__asm__ volatile("invlpg (%0)" : : "r"(addr) : "memory");
}

struct __attribute__((packed)) desc_ptr {
	uint16_t limit;
	uint64_t base;
};

static inline void lgdt(const struct desc_ptr *p)
{
	__asm__ volatile("lgdt %0" : : "m"(*p));
}

static inline void lidt(const struct desc_ptr *p)
{
	__asm__ volatile("lidt %0" : : "m"(*p));
}

static inline void ltr(uint16_t sel)
{
	__asm__ volatile("ltr %0" : : "r"(sel));
}

static inline void sgdt(struct desc_ptr *p)
{
	__asm__ volatile("sgdt %0" : "=m"(*p));
}

static inline void sidt(struct desc_ptr *p)
{
	__asm__ volatile("sidt %0" : "=m"(*p));
}

static inline uint16_t str(void)
{
	uint16_t sel;

	__asm__ volatile("str %0" : "=r"(sel));
	return sel;
}

/* Reloads CS with a far return and the data segment registers. */
static inline void load_segments(uint16_t cs, uint16_t ds)
{
	__asm__ volatile("pushq %q0\n\t"
			 "leaq 1f(%%rip), %%rax\n\t"
			 "pushq %%rax\n\t"
			 "lretq\n"
			 "1:\n\t"
			 "movw %w1, %%ds\n\t"
			 "movw %w1, %%es\n\t"
			 "movw %w1, %%ss"
			 : : "r"((uint64_t)cs), "r"(ds) : "rax", "memory");
}

/*
 * IRET to the next instruction, on the same stack and segments: the one
 * way to end NMI blocking without an NMI handler (SDM Vol. 3A 6.7.1).
 * After a VM exit caused by an NMI the CPU blocks NMIs in root mode;
 * Bochs keeps them blocked even after VM entry with "virtual NMIs"
 * (docs/emulators.md, quirks), where the SDM has none (Vol. 3C, VM
 * entry, "Interruptibility State").
 * An NMI held meanwhile arrives right after the IRET.
 */
static inline void unblock_nmis(uint16_t cs, uint16_t ss)
{
	__asm__ volatile("movq %%rsp, %%rax\n\t"
			 "pushq %q1\n\t"
			 "pushq %%rax\n\t"
			 "pushfq\n\t"
			 "pushq %q0\n\t"
			 "leaq 1f(%%rip), %%rax\n\t"
			 "pushq %%rax\n\t"
			 "iretq\n"
			 "1:"
			 : : "r"((uint64_t)cs), "r"((uint64_t)ss) : "rax", "memory", "cc");
}

/* kernel/safe_insn.S: RDMSR, WRMSR and XSETBV with operands the guest
 * chose.  0, or -1 when the CPU raised #GP (nothing changed then). */
int rdmsr_safe(uint32_t msr, uint64_t *value);
int wrmsr_safe(uint32_t msr, uint64_t value);
int xsetbv_safe(uint32_t xcr, uint64_t value);

/* Stops this CPU for good: interrupts off, then HLT forever (an NMI or SMI
 * may wake it; it halts again). */
static inline __attribute__((noreturn)) void halt_forever(void)
{
	for (;;)
		__asm__ volatile("cli; hlt" ::: "memory");
}

#endif
