/*
 * The layout of the AP trampoline page (ap_trampoline.S, smp.c), shared by
 * the assembly and C.  The code sits at the start of the page, where a
 * SIPI's vector points (CS = vector << 8, IP = 0; SDM Vol. 3A 9.4.4.1);
 * the parameters smp.c fills in for each start lie at fixed offsets after
 * it.
 */
#ifndef GUEST_AP_TRAMPOLINE_H
#define GUEST_AP_TRAMPOLINE_H

#define AP_TRAMPOLINE_PAGE	0x8000		/* below 1 MiB, page-aligned */
#define AP_TRAMPOLINE_PARAMS	0xf00		/* the code and GDT end before it */
#define AP_PARAM_CPU		(AP_TRAMPOLINE_PARAMS + 0)	/* the cpu number */
#define AP_PARAM_STACK		(AP_TRAMPOLINE_PARAMS + 4)	/* its stack's top */

/* entry.S's selectors, which the trampoline's own GDT repeats. */
#define AP_GDT_CODE		0x08
#define AP_GDT_DATA		0x10

#endif
