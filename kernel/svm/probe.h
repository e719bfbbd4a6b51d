/*
 * What this CPU's AMD-V offers, read once where the CPU has no VT-x.  As
 * with vmx_probe(), a missing requirement is explained on the console
 * (what is missing, what the user can do) and skiff stops cleanly.
 */
#ifndef SKIFF_SVM_PROBE_H
#define SKIFF_SVM_PROBE_H

#include "svm/caps.h"

/*
 * 0 when this CPU's SVM has all skiff needs (described on the console);
 * -ENODEV (reported) when the CPU lacks SVM or a feature skiff needs, or
 * the firmware forbids it.
 */
int svm_probe(struct svm_caps *caps);

/*
 * fault=svm-locked (debug.c): VM_CR reads as value, as if the firmware
 * had left it so.  Neither emulator here has a VM_CR to lock, so this is
 * how the firmware-lock path, message and stop are seen in a real boot;
 * only the MSR read is replaced.
 */
void svm_probe_pretend_vm_cr(uint64_t value);

#endif
