/* The layout of start-ap's SIPI page (start_ap_payload.S, apic.c). */
#ifndef ATTACK_START_AP_H
#define ATTACK_START_AP_H

#define START_AP_PAGE		0x7000		/* SIPI vector 0x07 */
#define START_AP_MARK		0x50555041	/* "APUP" */
#define START_AP_RAN_OFF	0x800		/* the AP ran the guest's code */
#define START_AP_WROTE_OFF	0x804		/* ... and wrote skiff's memory */
#define START_AP_TARGET_OFF	0x808		/* where it writes: skiff's memory */
#define START_AP_GDTR_OFF	0x810		/* limit (2 bytes), base (4 bytes) */
#define START_AP_GDT_OFF	0x820

#endif
