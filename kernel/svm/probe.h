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

#endif
