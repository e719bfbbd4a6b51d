/*
 * A small printf for guests.  Conversions: %s %c %d %i %u %x %X %p %%,
 * with the flags '-' and '0' and a field width (%08x, %-12s); 'l' is
 * accepted and ignored (long is 32 bits here).  There is no 64-bit
 * conversion: print a uint64_t as two %08x halves.
 *
 * printf() writes to COM1 through uart.c, turning "\n" into "\r\n".
 */
#ifndef GUEST_PRINTF_H
#define GUEST_PRINTF_H

#include <stdarg.h>
#include <stddef.h>

int printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
int vprintf(const char *fmt, va_list ap);

/* Formats into buf, always NUL-terminated when size > 0; returns the
 * length the whole output would have had. */
int snprintf(char *buf, size_t size, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
int vsnprintf(char *buf, size_t size, const char *fmt, va_list ap);

#endif
