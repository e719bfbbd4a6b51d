/* Consoles: every registered console receives every byte skiff prints. */
#ifndef SKIFF_DRIVERS_CONSOLE_H
#define SKIFF_DRIVERS_CONSOLE_H

#include <stddef.h>

struct console {
	const char *name;
	void (*write)(struct console *con, const char *s, size_t n);
	struct console *next;	/* owned by console.c */
};

void console_register(struct console *con);
void console_write(const char *s, size_t n);
/* Names of the registered consoles, for the boot log ("serial, framebuffer"). */
void console_describe(char *buf, size_t size);

#endif
