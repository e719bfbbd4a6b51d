/* Consoles: every registered console receives every byte skiff prints. */
#ifndef SKIFF_DRIVERS_CONSOLE_H
#define SKIFF_DRIVERS_CONSOLE_H

#include <stdbool.h>
#include <stddef.h>

/*
 * write() must not lose a byte.  A console whose device is slower than
 * skiff (the 115200-baud serial line: 87 us a byte) may queue what it
 * cannot send at once, so that skiff never waits on the wire while it
 * boots or handles an exit; it then provides
 *   poll():  send what the device takes now, without waiting; returns
 *            whether output is still queued;
 *   flush(): send everything and wait until it is out (skiff is about to
 *            stop, or power goes off).
 */
struct console {
	const char *name;
	void (*write)(struct console *con, const char *s, size_t n);
	bool (*poll)(struct console *con);	/* optional */
	void (*flush)(struct console *con);	/* optional */
	struct console *next;	/* owned by console.c */
};

/* True while some console has output queued; set by that console's
 * write(), recomputed by console_pump(). */
extern bool console_output_queued;

void console_register(struct console *con);
void console_write(const char *s, size_t n);
/* Names of the registered consoles, for the boot log ("serial, framebuffer"). */
void console_describe(char *buf, size_t size);

/* Moves queued output on, without waiting (console_poll: a test and
 * nothing more while nothing is queued, cheap enough for every VM exit). */
void console_pump(void);
static inline void console_poll(void)
{
	if (console_output_queued)
		console_pump();
}

/* Waits until every console has sent everything. */
void console_flush(void);

#endif
