/*
 * Talking to skiff: detecting it, and its hypercalls.
 *
 * A hypervisor that wants to be found sets CPUID.1:ECX[31] and answers
 * the leaves from 0x40000000; skiff's signature there is HV_SIGNATURE.
 * Hypercalls are VMCALL with the call number in EAX and arguments in EDI,
 * ESI, EDX; the result comes back in EAX, negative on failure
 * (vm/hypercall_abi.h).  On bare metal VMCALL raises #UD, so the hc_*
 * wrappers must only be called under skiff: check under_skiff() first.
 */
#ifndef GUEST_HYPERCALL_H
#define GUEST_HYPERCALL_H

#include <stdbool.h>
#include <stdint.h>

#include "vm/hypercall_abi.h"

struct hv_info {
	bool present;		/* CPUID.1:ECX[31]: some hypervisor is there */
	bool skiff;		/* ... and its signature is HV_SIGNATURE */
	char signature[13];	/* CPUID 0x40000000 EBX:ECX:EDX, NUL-ended */
	uint32_t max_leaf;	/* CPUID 0x40000000 EAX */
	uint32_t version;	/* skiff only: CPUID 0x40000001 EAX */
	uint32_t abi;		/* skiff only: CPUID 0x40000001 EBX */
};

/* Asks CPUID; fills *hv (all zero when no hypervisor is present). */
void hv_detect(struct hv_info *hv);

/* runtime_main() calls this once; the two below answer from it. */
void hv_detect_boot(void);

/* True when skiff runs this guest. */
bool under_skiff(void);
const struct hv_info *hv_boot_info(void);

static inline int32_t hc_call(uint32_t nr, uint32_t a0, uint32_t a1, uint32_t a2)
{
	int32_t ret;

	asm volatile("vmcall"
		     : "=a"(ret)
		     : "a"(nr), "D"(a0), "S"(a1), "d"(a2)
		     : "memory");
	return ret;
}

/* HC_ABI_VERSION of the running skiff. */
int32_t hc_version(void);

/* Writes len bytes at guest-physical buf to skiff's console; returns the
 * count written or -HC_EFAULT / -HC_EINVAL.  buf is passed as it is, so a
 * test can hand over a bad pointer on purpose. */
int32_t hc_console_write(const void *buf, uint32_t len);

/* Ends the guest with status 0..255; returns only on failure. */
int32_t hc_exit(uint32_t status);

/* hc_console_write for any length, in HC_CONSOLE_MAX pieces: the count
 * written, the first error, or -HC_ENOSYS when not under skiff. */
int32_t hv_console_write(const char *buf, uint32_t len);

#endif
