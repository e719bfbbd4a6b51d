/*
 * Must NOT compile: GUEST_RIP is a natural-width field, and the 32-bit
 * accessor refuses it at compile time (kernel/vmx/vmcs.h).  The build
 * checks both halves of that claim:
 *   - with -DVMCS_RIGHT_WIDTH this file compiles, so the failure below is
 *     the width check and not a broken include;
 *   - without it, compiling fails with "incompatible type for argument 1
 *     of 'vmcs_read32'".
 * right-define: VMCS_RIGHT_WIDTH
 * expect: incompatible type for argument 1 of 'vmcs_read32'
 */
#include "vmx/vmcs.h"

uint32_t read_guest_rip_low(void);

uint32_t read_guest_rip_low(void)
{
#ifdef VMCS_RIGHT_WIDTH
	return (uint32_t)vmcs_read_natural(GUEST_RIP);
#else
	return vmcs_read32(GUEST_RIP);
#endif
}
