/*
 * What this CPU's VT-x offers, read once before anything else touches VMX.
 * A missing requirement is explained on the console (what is missing, and
 * what the user can do about it); skiff then stops cleanly.
 */
#ifndef SKIFF_VMX_PROBE_H
#define SKIFF_VMX_PROBE_H

#include <stdbool.h>
#include <stdint.h>

#include "mm/ept.h"
#include "vmx/caps.h"

struct vmx_features {
	struct vmx_basic basic;
	uint64_t basic_msr;
	uint64_t procbased_ctls;	/* TRUE variant when available */
	uint64_t procbased_ctls2;
	uint64_t ept_vpid_cap;
	struct ept_caps ept;
	bool vpid;			/* optional: without it, TLBs flush on every exit */
};

/* 0 when skiff can run a guest here; -ENODEV (reported) otherwise, or
 * -ENXIO (reported) when the CPU has no VT-x at all. */
int vmx_probe(struct vmx_features *f);

#endif
