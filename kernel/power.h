/* How a run of skiff ends. */
#ifndef SKIFF_POWER_H
#define SKIFF_POWER_H

#include <stdbool.h>

/* Statuses skiff itself stops with; a guest's exit status passes through. */
#define STOP_STATUS_OK		0
#define STOP_STATUS_BOOT_ERROR	0x7d	/* bad boot information, missing hardware */
#define STOP_STATUS_GUEST_CRASH	0x7e	/* the guest crashed or hung */
#define STOP_STATUS_PANIC	0x7f	/* a broken invariant of skiff */

enum stop_mode {
	STOP_POWER_OFF,		/* emulator exit port, then ACPI S5, then halt */
	STOP_HALT,		/* leave the report on screen and halt */
};

/* Set once from the command line ("stop=halt") or the build's policy. */
void power_set_mode(enum stop_mode mode);
/* Whether the emulator exit ports may be written (only when ACPI says we
 * run in QEMU or Bochs: on real hardware those ports may belong to a device). */
void power_allow_emulator_exit(bool allow);

/* Says how and why skiff stops, then stops.  Never returns. */
__attribute__((noreturn)) void system_stop(int status);

#endif
