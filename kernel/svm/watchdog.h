/*
 * The watchdog on AMD-V: a vCPU that runs a whole watchdog period
 * (watchdog=, vm/policy.h) without one #VMEXIT and with interrupts off is
 * the guest's hang, as on VT-x; here the other vCPUs find it (watchdog.c).
 */
#ifndef SKIFF_SVM_WATCHDOG_H
#define SKIFF_SVM_WATCHDOG_H

#include <stdbool.h>
#include <stdint.h>

#include "svm/vcpu.h"

struct vm;

/* SVM_WATCH_FAST_EVERY (run_offsets.h, for run.S): every how many
 * fast-path exits (CPUID, VMMCALL) one takes the generic path, where
 * svm_watchdog_look() runs. */
#include "svm/run_offsets.h"

/* The vCPUs watch each other (watchdog= and more than one vCPU): the fast
 * paths then leave every SVM_WATCH_FAST_EVERY-th exit to the generic path.
 * Set once, by svm_watchdog_describe(). */
extern bool svm_watch_active;

/* The boot line: the period and who watches (the other vCPUs, or with one
 * skiff's own timer, own_timer.h), or why nothing does (own_timer_off: why
 * skiff could not take the timer, or NULL); sets svm_watch_active. */
void svm_watchdog_describe(const struct vm *vm, const char *own_timer_off);

/* Before v's first VMRUN of a start (restarts too): no kick owed, and a
 * whole period from its first look on, not from TSC 0. */
void svm_watchdog_start(struct svm_vcpu *v);

/* On an exit of v at TSC now, at most every quarter period: the other
 * running vCPUs' exit counts; one with none for a whole period is sent an
 * NMI (a kick) and marked. */
void svm_watchdog_look(struct svm_vcpu *v, uint64_t now);

/* On an exit of v (the kick's, or one that came first): if v was marked,
 * a hang when it made no exit for the whole period with interrupts off
 * (the guest's incident; does not return); otherwise nothing. */
void svm_watchdog_judge(struct svm_vcpu *v, uint64_t now);

#endif
