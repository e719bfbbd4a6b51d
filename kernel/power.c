/*
 * The end of a run.  In an emulator the exit ports end it with a status the
 * test runner reads: QEMU's isa-debug-exit at 0xf4 exits with (status << 1) | 1,
 * and Bochs stops when "Shutdown" is written to port 0x8900.  On real
 * hardware ACPI S5 powers off; if that fails, the CPU halts with the report
 * still on every console.
 */
#include <stdbool.h>
#include <stdint.h>

#include "drivers/acpi.h"
#include "drivers/console.h"
#include "lib/printf.h"
#include "power.h"
#include "x86.h"

#define QEMU_DEBUG_EXIT_PORT	0xf4
#define BOCHS_SHUTDOWN_PORT	0x8900

static enum stop_mode stop_mode = STOP_POWER_OFF;
static bool emulator_exit_allowed;

void power_set_mode(enum stop_mode mode)
{
	stop_mode = mode;
}

void power_allow_emulator_exit(bool allow)
{
	emulator_exit_allowed = allow;
}

static void emulator_exit(int status)
{
	static const char shutdown[] = "Shutdown";

	outl(QEMU_DEBUG_EXIT_PORT, (uint32_t)status);
	for (const char *p = shutdown; *p; p++)
		outb(BOCHS_SHUTDOWN_PORT, (uint8_t)*p);
}

void system_stop(int status)
{
	int err;

	cli();
	if (stop_mode == STOP_HALT) {
		kprintf("skiff: stopped with status %d; halted (stop=halt)\n", status);
		console_flush();
		halt_forever();
	}
	kprintf("skiff: stopping with status %d: powering off\n", status);
	console_flush();	/* the queued log must reach the wire before power goes */
	if (emulator_exit_allowed)
		emulator_exit(status);
	err = acpi_power_off();
	kprintf("skiff: ACPI power off failed (error %d); halted\n", err);
	console_flush();
	halt_forever();
}
