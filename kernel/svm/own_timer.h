/*
 * The watchdog of a guest with one vCPU on AMD-V: skiff takes the local
 * APIC timer for itself and passes the guest's interrupts on (own_timer.c).
 *
 * AMD-V has no preemption timer, and with one vCPU no other vCPU can watch
 * (watchdog.h).  So skiff keeps a timer of its own, the local APIC's, and
 * gives the guest one in software (vm/apic_timer.h) in its place.  For
 * skiff's timer to end a guest that spins with interrupts off, physical
 * interrupts must exit whatever the guest's RFLAGS.IF: V_INTR_MASKING with
 * the INTR intercept (APM Vol. 2 15.21.1).  Every physical interrupt then
 * comes to skiff, which accepts it and injects it into the guest when the
 * guest can take it.
 */
#ifndef SKIFF_SVM_OWN_TIMER_H
#define SKIFF_SVM_OWN_TIMER_H

#include <stdbool.h>
#include <stdint.h>

#include "svm/vcpu.h"

struct vm;

/* skiff's own timer is on: set once at boot (svm_own_timer_choose()),
 * read by run.S, which runs the guest with RFLAGS.IF set so that its
 * physical interrupts exit. */
extern bool svm_own_interrupts;
/* SVM_INTERCEPT_INTR while svm_own_interrupts, else 0: what
 * SVM_MISC1_AFTER_EXIT() (exit.h) and run.S's fast path keep set. */
extern uint32_t svm_intr_always;

/*
 * At boot, before the NPT is built: whether skiff takes the timer, for a
 * guest of vcpus vCPUs with watchdog_ms (0: no watchdog).  Only with one
 * vCPU, a watchdog, and this CPU's APIC in xAPIC mode (the guest's page is
 * then hidden in the NPT and every access to it emulated).  Measures the
 * timer's rate against the TSC.  False, with the reason in *why, when not.
 */
bool svm_own_timer_choose(unsigned watchdog_ms, unsigned vcpus, const char **why);

/* At every start of the guest: its timer as after reset, the APIC's
 * interrupts of the guest before accepted and never injected given back,
 * skiff's timer armed, the VMCB's interrupt controls set. */
void svm_own_timer_start(struct svm_vcpu *v);

/* At the start of every exit the generic path takes: the interrupts that
 * made it (an INTR exit) or came meanwhile, accepted and held. */
void svm_own_timer_accept(struct svm_vcpu *v);

/* At the end of every exit the generic path takes: the guest's timer and
 * skiff's ticks (the watchdog's look), then the highest interrupt the
 * guest is owed, injected or waited for. */
void svm_own_timer_exit(struct svm_vcpu *v);

/* The guest can take an interrupt skiff holds for it: an HLT is over. */
bool svm_own_timer_wakes(const struct svm_vcpu *v);

/* A load or store of the guest's at gpa in its local APIC page: done for
 * it (the timer, TPR and SVR in software, the rest on the real APIC). */
void svm_own_timer_xapic(struct svm_vcpu *v, uint64_t gpa);

/* Whether IA32_APIC_BASE may take value: the APIC stays enabled and in
 * xAPIC mode while skiff's timer runs in it. */
bool svm_own_timer_apic_base_ok(uint64_t value);

#endif
