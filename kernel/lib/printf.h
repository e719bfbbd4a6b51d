/* Formatted output: one formatter shared by the kernel consoles and the host tests. */
#ifndef SKIFF_LIB_PRINTF_H
#define SKIFF_LIB_PRINTF_H

#include <stdarg.h>
#include <stddef.h>

/* Receives each formatted character in order; ctx is the caller's. */
typedef void (*fmt_emit_fn)(void *ctx, char c);

/*
 * Formats like C's printf, restricted to what skiff needs:
 * conversions %d %i %u %x %X %p %s %c %%, length modifiers l ll z,
 * flags '-' (left-align) and '0' (zero pad), a decimal field width or '*'.
 * An unknown conversion is printed verbatim so a mistake shows in the log.
 * Returns the number of characters emitted.
 */
int fmt_vformat(fmt_emit_fn emit, void *ctx, const char *fmt, va_list ap);

/* Bounded string output; always NUL-terminates when size > 0.  Returns
 * the length the full output would have had (as C's snprintf does). */
int fmt_snprintf(char *buf, size_t size, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
int fmt_vsnprintf(char *buf, size_t size, const char *fmt, va_list ap);

/* Writes to every console present (kernel); host tests supply their own. */
int kprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
int kvprintf(const char *fmt, va_list ap);

#endif
