/*
 * The VM-exit counts a vCPU keeps, printed at the end of a guest's run
 * (its finish or an incident).  The counts are the backend's, indexed by
 * its exit reasons; the table is the same for every backend.
 */
#ifndef SKIFF_VM_EXIT_STATS_H
#define SKIFF_VM_EXIT_STATS_H

#include <stddef.h>
#include <stdint.h>

#include "vm/hypercall_abi.h"

/* st[0 .. count - 2] by exit reason, named by name(); st[count - 1] for
 * reasons beyond the backend's list.  runs: how many runs of the guest
 * the counts cover (restarts keep them): above 1, the heading says so. */
void vm_print_exit_stats(const struct hc_exit_stat *st, size_t count,
			 const char *(*name)(uint32_t reason), unsigned runs);

/* Every vCPU's counts (its exit_stats, vm/vcpu.h) added up, slot by slot,
 * into sum[0 .. count - 1], which starts at zero. */
struct vm;
void vm_sum_exit_stats(const struct vm *vm, struct hc_exit_stat *sum, size_t count);

#endif
