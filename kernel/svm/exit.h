/*
 * The SVM exit path: after each #VMEXIT, svm_exit_table[] by
 * svm_exit_index(EXITCODE); and what handlers use to complete, refuse or
 * end what the guest did.
 */
#ifndef SKIFF_SVM_EXIT_H
#define SKIFF_SVM_EXIT_H

#include <stdbool.h>
#include <stdint.h>

#include "svm/insn_len.h"
#include "svm/vcpu.h"
#include "vm/guest_walk.h"
#include "vm/vm.h"

/*
 * The misc-1 intercepts (APM Vol. 2 appendix B, offset 00Ch) of every
 * VMRUN but one: after an intercepted HLT with interrupts on, the VMRUN
 * that runs it again swaps the HLT intercept for INTR's (svm_exit_hlt()).
 * Every exit puts HLT's back and takes INTR's away, the fast paths too
 * (run_offsets.h), and leaves the ones a vCPU adds for itself alone: NMI's
 * with more than one vCPU, IRET's while the guest handles an NMI (nmi.c).
 * While skiff owns the guest's interrupts (own_timer.h), INTR's stays:
 * svm_intr_always.
 */
#define SVM_MISC1_INTERCEPTS	(SVM_INTERCEPT_INIT | SVM_INTERCEPT_CPUID |		\
				 SVM_INTERCEPT_INVD | SVM_INTERCEPT_HLT |		\
				 SVM_INTERCEPT_INVLPGA | SVM_INTERCEPT_IOIO_PROT |	\
				 SVM_INTERCEPT_MSR_PROT | SVM_INTERCEPT_SHUTDOWN)
extern uint32_t svm_intr_always;	/* own_timer.h */
#define SVM_MISC1_AFTER_EXIT(m)	(((m) & ~SVM_INTERCEPT_INTR) | SVM_INTERCEPT_HLT | svm_intr_always)

/* Handles the #VMEXIT in v->vmcb through the table (returns to VMRUN). */
void svm_exit_dispatch(struct svm_vcpu *v);

/* run.S calls the fast paths with the guest's registers live: they save
 * every register they use (host tests call them as plain C). */
#ifdef SKIFF_HOST_TEST
#define SVM_EXIT_FAST_PATH
#else
#define SVM_EXIT_FAST_PATH	__attribute__((no_caller_saved_registers))
#endif

/* The hypercalls that need nothing out of line (vm_handle_hypercall_fast())
 * made with VMMCALL, done without the exit table: a0 and a1 the guest's
 * RDI and RSI, regs its vCPU's (where the rest are not yet).  True when
 * done; false, having changed nothing, for svm_exit_dispatch() to do. */
SVM_EXIT_FAST_PATH bool svm_exit_vmmcall_fast(uint64_t a0, uint64_t a1, struct guest_regs *regs);

/* The RIP past the intercepted instruction insn: the CPU's next RIP
 * where it saves one, else from its length found in the guest's bytes
 * (insn_len.h); bytes that are not insn are the guest's crash, never a
 * guess.  Valid only at insn's own intercept (NEXT_RIP is the exit's). */
uint64_t svm_insn_end(struct svm_vcpu *v, enum svm_insn insn);

/* Past the intercepted instruction insn (svm_insn_end()), completed. */
void svm_skip(struct svm_vcpu *v, enum svm_insn insn);

/* An instruction completed for the guest, RIP now rip: its interrupt
 * shadow ended and a single step's #DB owed, as svm_skip() does. */
void svm_complete_at(struct svm_vcpu *v, uint64_t rip);

/* Past an instruction skiff decoded itself, len bytes long: the CPU's
 * next RIP where it saves one, else len. */
void svm_skip_len(struct svm_vcpu *v, unsigned len);

/* Past an instruction skiff emulated on an exit that is not the
 * instruction's own intercept (a nested page fault), len bytes long: the
 * CPU saves no next RIP there (APM Vol. 2 15.7.1). */
void svm_skip_emulated(struct svm_vcpu *v, unsigned len);

/* An exception for the guest at its next VMRUN (APM 15.20, EVENTINJ). */
void svm_inject_exception(struct svm_vcpu *v, uint8_t vector);

/* #GP(0) for the guest at its next VMRUN. */
void svm_inject_gp(struct svm_vcpu *v);

/* The guest in 64-bit mode: EFER.LMA and CS.L (APM Vol. 2 4.8.1). */
bool svm_guest_64bit(const struct svm_vcpu *v);

/* The guest's paging in *p, the linear address of CS:RIP in *linear, and
 * its code size, for reading and decoding the instruction there. */
struct guest_paging;
enum mmio_mode svm_code_mode(const struct svm_vcpu *v, struct guest_paging *p, uint64_t *linear);

/* Up to n bytes of the guest's instruction stream at CS:RIP; how many. */
size_t svm_fetch_insn(const struct svm_vcpu *v, uint8_t *buf, size_t n);

/* ---- NMIs (svm/nmi.c) ---- */

/* v's pending NMI into the guest at its next VMRUN, where nothing stands
 * in the way (an NMI it still handles, another event); otherwise later. */
void svm_deliver_nmi(struct svm_vcpu *v);

/* ---- APs (svm/ap.c) ---- */

/* v, an AP's vCPU, after INIT: it runs nothing until the guest's SIPI. */
void svm_ap_init(struct svm_vcpu *v);

/* v waits in skiff for the guest's SIPI, then is set up to start at its
 * vector in real mode (or is held, or halts, as the guest's fate says). */
void svm_ap_wait_sipi(struct svm_vcpu *v);

/* guest_fetch() through m with the conventional memory below 640 KiB
 * added, where an AP's first instructions and its trampoline's page
 * tables lie (ap.c); 0 if skiff keeps any of it. */
size_t svm_fetch_with_low_memory(const struct guest_mem *m, const struct guest_paging *p,
				 uint64_t linear, uint8_t *buf, size_t n);

/* What is left of an IPI once vm_guest_icr_write() or vm_xapic_write()
 * has done its part, VM_IPI_PASS aside: an INIT to the bootstrap
 * processor ends the guest; to v itself, v is reset, and false says the
 * instruction is not to be skipped.  True otherwise. */
bool svm_finish_ipi(struct svm_vcpu *v, enum vm_ipi_action act);

/* The guest's incident: reported with the exit, then the crash or hang
 * policy (vm_incident()). */
__attribute__((noreturn)) void svm_guest_crash(struct svm_vcpu *v, const char *what, const char *detail);
__attribute__((noreturn)) void svm_guest_hang(struct svm_vcpu *v, const char *what);

#endif
