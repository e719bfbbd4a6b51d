/*
 * The privileged instructions guests use, one static inline wrapper each,
 * for 32-bit protected mode.  Register and bit names follow the SDM.
 * Wrappers that may fault on purpose (the selftest's) live in fault.h.
 */
#ifndef GUEST_X86_H
#define GUEST_X86_H

#include <stdint.h>

/* EFLAGS (SDM Vol. 1 3.4.3) */
#define EFLAGS_TF		(1u << 8)
#define EFLAGS_IF		(1u << 9)

/* Control registers (SDM Vol. 3A 2.5) */
#define CR0_NE			(1u << 5)
#define CR4_OSFXSR		(1u << 9)
#define CR4_VMXE		(1u << 13)
#define CR4_OSXSAVE		(1u << 18)

/* CPUID.1:ECX (SDM Vol. 2A, CPUID, table 3-10) */
#define CPUID_1_ECX_VMX		(1u << 5)
#define CPUID_1_ECX_XSAVE	(1u << 26)
#define CPUID_1_ECX_HYPERVISOR	(1u << 31)	/* reserved for hypervisors */

/* MSRs (SDM Vol. 4) */
#define MSR_IA32_APIC_BASE	0x1b
#define MSR_IA32_FEATURE_CONTROL 0x3a
#define MSR_IA32_SYSENTER_CS	0x174
#define MSR_IA32_VMX_BASIC	0x480	/* first VMX capability MSR */
#define MSR_IA32_VMX_VMFUNC	0x491	/* last one */
#define MSR_IA32_EFER		0xc0000080

struct cpuid_regs {
	uint32_t eax, ebx, ecx, edx;
};

static inline struct cpuid_regs cpuid(uint32_t leaf, uint32_t subleaf)
{
	struct cpuid_regs r;

	asm volatile("cpuid"
		     : "=a"(r.eax), "=b"(r.ebx), "=c"(r.ecx), "=d"(r.edx)
		     : "a"(leaf), "c"(subleaf));
	return r;
}

/* The time-stamp counter (SDM Vol. 2B RDTSC); under skiff the guest's own,
 * offset as it set it. */
static inline uint64_t rdtsc(void)
{
	uint32_t lo, hi;

	asm volatile("rdtsc" : "=a"(lo), "=d"(hi));
	return ((uint64_t)hi << 32) | lo;
}

static inline void outb(uint16_t port, uint8_t value)
{
	asm volatile("outb %0, %1" : : "a"(value), "Nd"(port));
}

static inline uint8_t inb(uint16_t port)
{
	uint8_t value;

	asm volatile("inb %1, %0" : "=a"(value) : "Nd"(port));
	return value;
}

static inline void outw(uint16_t port, uint16_t value)
{
	asm volatile("outw %0, %1" : : "a"(value), "Nd"(port));
}

static inline uint16_t inw(uint16_t port)
{
	uint16_t value;

	asm volatile("inw %1, %0" : "=a"(value) : "Nd"(port));
	return value;
}

static inline void outl(uint16_t port, uint32_t value)
{
	asm volatile("outl %0, %1" : : "a"(value), "Nd"(port));
}

static inline uint32_t inl(uint16_t port)
{
	uint32_t value;

	asm volatile("inl %1, %0" : "=a"(value) : "Nd"(port));
	return value;
}

static inline uint64_t rdmsr(uint32_t msr)
{
	uint32_t lo, hi;

	asm volatile("rdmsr" : "=a"(lo), "=d"(hi) : "c"(msr));
	return ((uint64_t)hi << 32) | lo;
}

static inline void wrmsr(uint32_t msr, uint64_t value)
{
	asm volatile("wrmsr"
		     : : "c"(msr), "a"((uint32_t)value), "d"((uint32_t)(value >> 32))
		     : "memory");
}

static inline uint32_t read_cr0(void)
{
	uint32_t v;

	asm volatile("movl %%cr0, %0" : "=r"(v));
	return v;
}

static inline void write_cr0(uint32_t v)
{
	asm volatile("movl %0, %%cr0" : : "r"(v) : "memory");
}

static inline uint32_t read_cr4(void)
{
	uint32_t v;

	asm volatile("movl %%cr4, %0" : "=r"(v));
	return v;
}

static inline void write_cr4(uint32_t v)
{
	asm volatile("movl %0, %%cr4" : : "r"(v) : "memory");
}

static inline uint64_t xgetbv(uint32_t xcr)
{
	uint32_t lo, hi;

	asm volatile("xgetbv" : "=a"(lo), "=d"(hi) : "c"(xcr));
	return ((uint64_t)hi << 32) | lo;
}

/* A spin-wait hint (SDM Vol. 2B, PAUSE): spares power and the other
 * hyperthread, and is a NOP to CPUs before the Pentium 4. */
static inline void cpu_pause(void)
{
	asm volatile("pause" : : : "memory");
}

static inline void cli(void)
{
	asm volatile("cli" : : : "memory");
}

/* MMIO with paging off: a physical address is the pointer itself. */
static inline uint32_t mmio_read32(uint32_t addr)
{
	return *(volatile uint32_t *)addr;
}

static inline void mmio_write32(uint32_t addr, uint32_t value)
{
	*(volatile uint32_t *)addr = value;
}

/* Parks the CPU for good: nothing but an NMI or SMI wakes it. */
static inline __attribute__((noreturn)) void halt_forever(void)
{
	for (;;)
		asm volatile("cli; hlt");
}

#endif
