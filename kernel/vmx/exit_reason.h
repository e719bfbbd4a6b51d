/*
 * VM-exit reasons: the exit-reason field (SDM Vol. 3C 25.9.1 "Basic VM-Exit
 * Information", 24.9.1 in older editions) and the basic exit reasons
 * of Vol. 3D appendix C ("VMX Basic Exit Reasons", Table C-1).
 */
#ifndef SKIFF_VMX_EXIT_REASON_H
#define SKIFF_VMX_EXIT_REASON_H

#include <stdbool.h>
#include <stdint.h>

/*
 * Basic exit reasons, SDM Vol. 3D Table C-1.  The SDM assigns no reason to
 * 35, 38 and 42: they are holes, named here only in comments, and
 * exit_reason_defined() says false for them.  The numbers from about 65 on
 * appear only in recent editions, with the features that cause them.
 */
enum exit_reason {
	EXIT_REASON_EXCEPTION_NMI		= 0,
	EXIT_REASON_EXTERNAL_INTERRUPT		= 1,
	EXIT_REASON_TRIPLE_FAULT		= 2,
	EXIT_REASON_INIT			= 3,
	EXIT_REASON_SIPI			= 4,
	EXIT_REASON_IO_SMI			= 5,
	EXIT_REASON_OTHER_SMI			= 6,
	EXIT_REASON_INTERRUPT_WINDOW		= 7,
	EXIT_REASON_NMI_WINDOW			= 8,
	EXIT_REASON_TASK_SWITCH			= 9,
	EXIT_REASON_CPUID			= 10,
	EXIT_REASON_GETSEC			= 11,
	EXIT_REASON_HLT				= 12,
	EXIT_REASON_INVD			= 13,
	EXIT_REASON_INVLPG			= 14,
	EXIT_REASON_RDPMC			= 15,
	EXIT_REASON_RDTSC			= 16,
	EXIT_REASON_RSM				= 17,
	EXIT_REASON_VMCALL			= 18,
	EXIT_REASON_VMCLEAR			= 19,
	EXIT_REASON_VMLAUNCH			= 20,
	EXIT_REASON_VMPTRLD			= 21,
	EXIT_REASON_VMPTRST			= 22,
	EXIT_REASON_VMREAD			= 23,
	EXIT_REASON_VMRESUME			= 24,
	EXIT_REASON_VMWRITE			= 25,
	EXIT_REASON_VMXOFF			= 26,
	EXIT_REASON_VMXON			= 27,
	EXIT_REASON_CR_ACCESS			= 28,
	EXIT_REASON_DR_ACCESS			= 29,
	EXIT_REASON_IO_INSTRUCTION		= 30,
	EXIT_REASON_RDMSR			= 31,
	EXIT_REASON_WRMSR			= 32,
	EXIT_REASON_INVALID_GUEST_STATE		= 33,	/* VM-entry failure */
	EXIT_REASON_MSR_LOADING			= 34,	/* VM-entry failure */
	/* 35: not defined */
	EXIT_REASON_MWAIT			= 36,
	EXIT_REASON_MONITOR_TRAP_FLAG		= 37,
	/* 38: not defined */
	EXIT_REASON_MONITOR			= 39,
	EXIT_REASON_PAUSE			= 40,
	EXIT_REASON_MACHINE_CHECK_DURING_ENTRY	= 41,	/* VM-entry failure */
	/* 42: not defined */
	EXIT_REASON_TPR_BELOW_THRESHOLD		= 43,
	EXIT_REASON_APIC_ACCESS			= 44,
	EXIT_REASON_VIRTUALIZED_EOI		= 45,
	EXIT_REASON_GDTR_IDTR_ACCESS		= 46,
	EXIT_REASON_LDTR_TR_ACCESS		= 47,
	EXIT_REASON_EPT_VIOLATION		= 48,
	EXIT_REASON_EPT_MISCONFIG		= 49,
	EXIT_REASON_INVEPT			= 50,
	EXIT_REASON_RDTSCP			= 51,
	EXIT_REASON_PREEMPTION_TIMER		= 52,
	EXIT_REASON_INVVPID			= 53,
	EXIT_REASON_WBINVD			= 54,	/* WBINVD or WBNOINVD */
	EXIT_REASON_XSETBV			= 55,
	EXIT_REASON_APIC_WRITE			= 56,
	EXIT_REASON_RDRAND			= 57,
	EXIT_REASON_INVPCID			= 58,
	EXIT_REASON_VMFUNC			= 59,
	EXIT_REASON_ENCLS			= 60,
	EXIT_REASON_RDSEED			= 61,
	EXIT_REASON_PML_FULL			= 62,
	EXIT_REASON_XSAVES			= 63,
	EXIT_REASON_XRSTORS			= 64,
	EXIT_REASON_PCONFIG			= 65,
	EXIT_REASON_SPP_EVENT			= 66,
	EXIT_REASON_UMWAIT			= 67,
	EXIT_REASON_TPAUSE			= 68,
	EXIT_REASON_LOADIWKEY			= 69,
	EXIT_REASON_ENCLV			= 70,
	EXIT_REASON_SGX_CONFLICT		= 71,
	EXIT_REASON_ENQCMD_PASID_FAILURE	= 72,
	EXIT_REASON_ENQCMDS_PASID_FAILURE	= 73,
	EXIT_REASON_BUS_LOCK			= 74,
	EXIT_REASON_INSTRUCTION_TIMEOUT		= 75,
	EXIT_REASON_SEAMCALL			= 76,
	EXIT_REASON_TDCALL			= 77,
	EXIT_REASON_RDMSRLIST			= 78,
	EXIT_REASON_WRMSRLIST			= 79,

	EXIT_REASON_MAX				= EXIT_REASON_WRMSRLIST,
};

/* Entries in a table indexed by basic exit reason (holes included). */
#define EXIT_REASON_COUNT	(EXIT_REASON_MAX + 1)

/* The numbers the SDM leaves undefined, as a constant expression for
 * compile-time checks, and how many reasons it does define. */
#define EXIT_REASON_IS_HOLE(r)	((r) == 35 || (r) == 38 || (r) == 42)
#define EXIT_REASON_HOLES	3
#define EXIT_REASONS_DEFINED	(EXIT_REASON_COUNT - EXIT_REASON_HOLES)

/*
 * The exit-reason field, SDM Vol. 3C 25.9.1 (Table "Format of Exit Reason"):
 *   bits 15:0  basic exit reason
 *   bit 27     the exit came from enclave mode
 *   bit 28     a pending MTF VM exit
 *   bit 29     the exit came from VMX root operation (SMM transfer monitor)
 *   bit 31     VM-entry failure: the guest never ran; the basic reason is
 *              33, 34 or 41 and most of the VMCS exit information is stale
 * Check bit 31 before treating the exit as one of the guest's (an entry
 * failure reads 0x80000021 on Bochs for a bad VMCS link pointer).
 */
#define EXIT_REASON_BASIC_MASK		0xffffu
#define EXIT_REASON_ENCLAVE_MODE	(1u << 27)
#define EXIT_REASON_PENDING_MTF		(1u << 28)
#define EXIT_REASON_FROM_VMX_ROOT	(1u << 29)
#define EXIT_REASON_ENTRY_FAILURE	(1u << 31)

static inline uint16_t exit_reason_basic(uint32_t reason)
{
	return (uint16_t)(reason & EXIT_REASON_BASIC_MASK);
}

static inline bool exit_reason_is_entry_failure(uint32_t reason)
{
	return (reason & EXIT_REASON_ENTRY_FAILURE) != 0;
}

/* Whether the SDM defines this basic exit reason (false for holes and
 * anything past EXIT_REASON_MAX). */
bool exit_reason_defined(uint32_t basic);

/* A short SDM name ("CPUID", "EPT violation"); "unknown" for holes and
 * out-of-range numbers.  Takes the basic reason, not the whole field. */
const char *exit_reason_name(uint32_t basic);

#endif
