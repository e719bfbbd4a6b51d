/*
 * An in-memory VMCS for host tests: what vmcs_raw_read()/vmcs_raw_write()
 * (kernel/vmx/vmcs.h) use when built with SKIFF_HOST_TEST.  It behaves as
 * VMREAD/VMWRITE do on a 64-bit host (SDM Vol. 3C 31.3): a 16- or 32-bit
 * field keeps only its low bits, the high access type of a 64-bit field
 * reads and writes bits 63:32.  Unlike hardware it lets tests write the
 * read-only fields (as a CPU with IA32_VMX_MISC bit 29 does) and it knows
 * every field of appendix B.  A malformed encoding fails the test.
 */
#ifndef SKIFF_TESTS_VMCS_FAKE_H
#define SKIFF_TESTS_VMCS_FAKE_H

#include <stdint.h>

/* Zeroes every field and the access counters. */
void vmcs_fake_reset(void);

/* How many raw reads and writes went through the indirection since reset. */
extern unsigned vmcs_fake_reads, vmcs_fake_writes;

#endif
