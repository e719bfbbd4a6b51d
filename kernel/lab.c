/* See lab.h: what a student tree says where an exercise is not done yet. */
#include <stdbool.h>

#include "drivers/console.h"
#include "lab.h"
#include "lib/string.h"
#include "power.h"
#include "x86.h"

static void say(const char *s)
{
	console_write(s, strlen(s));
}

void lab_missing(const char *lab, const char *func, const char *what)
{
	static bool stopping;

	if (stopping) {
		/* skiff's own stop needed the missing code (lab 1's printf): the
		 * line above is the whole story. */
		say("lab ");
		say(lab);
		say(": skiff's stop needs it too; halted\n");
		console_flush();
		halt_forever();
	}
	stopping = true;
	say("lab ");
	say(lab);
	say(": ");
	say(func);
	say(" is not written yet: ");
	say(what);
	say("\n");
	system_stop(STOP_STATUS_BOOT_ERROR);
}
