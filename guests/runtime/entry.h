/*
 * What entry.S leaves for a guest besides the call to runtime_main().
 */
#ifndef GUEST_ENTRY_H
#define GUEST_ENTRY_H

#include <stdint.h>

/* The TSC read by _start's second instruction, before anything else the
 * guest does.  With skiff's own first TSC (HC_BOOT_TSC) it gives the cost
 * of booting skiff up to its guest; in Bochs, where the TSC counts
 * instructions, that is an instruction count (guests/bench). */
extern uint64_t guest_entry_tsc;

#endif
