/*
 * What this CPU's AMD-V offers, read once where the CPU has no VT-x.  As
 * with vmx_probe(), a missing requirement is explained on the console
 * (what is missing, what the user can do) and skiff stops cleanly.
 */
#ifndef SKIFF_SVM_PROBE_H
#define SKIFF_SVM_PROBE_H

#include "svm/caps.h"

/*
 * 0 when skiff can run a guest with SVM here; a negative error (reported)
 * otherwise: -ENODEV when the CPU lacks SVM or a feature skiff needs, or
 * the firmware forbids it; -ENOTSUP when everything is there but skiff has
 * no SVM run path yet.
 */
int svm_probe(struct svm_caps *caps);

#endif
