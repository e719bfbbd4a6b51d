/*
 * The layout of the AP start-up page, shared by kernel/smp_trampoline.S
 * and kernel/smp_plan.c (which checks it against struct smp_tramp_params
 * at compile time).  Offsets are from the start of the page.
 */
#ifndef SKIFF_SMP_TRAMPOLINE_H
#define SKIFF_SMP_TRAMPOLINE_H

#define TRAMP_PARAMS		0x200	/* struct smp_tramp_params */
#define TP_CR3			0x00	/* skiff's PML4, below 4 GiB */
#define TP_CR4			0x08
#define TP_CR0			0x10	/* with PE and PG */
#define TP_EFER			0x18	/* LME, NXE as the BSP has them */
#define TP_BOOT			0x20	/* address of struct smp_ap_boot */
#define TP_PM_JUMP		0x28	/* far pointer m16:32 to the 32-bit code */
#define TP_LM_JUMP		0x30	/* far pointer m16:32 to the 64-bit code */
#define TP_GDTR			0x38	/* limit (2 bytes), base (4 bytes) */
#define TP_SIZE			0x40

#define TRAMP_GDT		0x280	/* four descriptors */
#define TRAMP_GDT_SIZE		32
#define TRAMP_SEL_CODE64	0x08	/* the same selectors as skiff's GDT */
#define TRAMP_SEL_DATA		0x10
#define TRAMP_SEL_CODE32	0x18

/* struct smp_ap_boot, in skiff's data: what differs from AP to AP. */
#define AB_STACK		0x00
#define AB_ENTRY		0x08
#define AB_INDEX		0x10

#endif
