/*
 * The SVM I/O and MSR permission maps (AMD64 APM Vol. 2 15.10.1 "I/O
 * Permissions Map" and 15.11 "MSR Intercepts"), built from the same rules
 * as VT-x's bitmaps: the ports of vm/ports.h and vm/platform.h, and the
 * MSR allow-list of vm/msr.h.  A set bit intercepts.  Pure code over
 * memory the caller provides (physically contiguous, for the VMCB's
 * IOPM_BASE_PA and MSRPM_BASE_PA): the host tests run it.
 */
#ifndef SKIFF_SVM_PERM_MAPS_H
#define SKIFF_SVM_PERM_MAPS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "vm/ports.h"

#define SVM_IOPM_SIZE		(3 * 4096)	/* 12 KiB: a bit per port, and past 0xffff */
#define SVM_IOPM_PORTS		0x10000u
#define SVM_MSRPM_SIZE		(2 * 4096)	/* 8 KiB: three 2 KiB vectors and one reserved */

/* What the allow-list cannot say for SVM, from CPUID 8000_000Ah. */
struct svm_msrpm_opts {
	/* LBR virtualization (EDX.LbrVirt, enabled in the VMCB): the VMCB
	 * switches DEBUGCTL; without it the guest's value would stay in
	 * force while skiff runs, so DEBUGCTL is intercepted. */
	bool lbr_virt;
};

/* Every port passes (the guest owns the devices), except that an access
 * reaching past port 0xffff is intercepted, as VT-x's bitmaps make it
 * exit.  Then svm_iopm_intercept() for the ports skiff keeps. */
void svm_iopm_init(uint8_t *iopm);
void svm_iopm_intercept(uint8_t *iopm, const struct vm_port_range *r, size_t n);

/* Whether the CPU intercepts an access of size bytes at port: any of
 * the bits of the bytes it touches set (15.10.1). */
bool svm_iopm_intercepts(const uint8_t *iopm, uint16_t port, unsigned size);

/* Every MSR intercepted but those the allow-list passes (VM_MSR_PASS),
 * except: PAT, whose guest value is the VMCB's G_PAT with nested paging
 * (15.25.8), kept there by the exit handler; EFER reads, since the
 * guest's EFER carries SVME, which VMRUN requires (15.5.1) and CPUID
 * hides; DEBUGCTL without LBR virtualization. */
void svm_msrpm_build(uint8_t *msrpm, const struct svm_msrpm_opts *o);

/* Whether the CPU intercepts RDMSR (write false) or WRMSR of msr; MSRs
 * outside the map's three ranges always are (15.11). */
bool svm_msrpm_intercepts(const uint8_t *msrpm, uint32_t msr, bool write);

#endif
