/* The guest's console output, gathered into whole lines; see gconsole.h. */
#include <stdbool.h>

#include "vm/gconsole.h"

void gconsole_init(struct gconsole *gc, gconsole_out_fn out)
{
	gc->out = out;
	gc->len = 0;
}

/* line[] has one byte more than GCONSOLE_LINE_MAX, so the '\n' always fits
 * and a line leaves in a single call of the hook. */
static void emit_line(struct gconsole *gc)
{
	gc->line[gc->len++] = '\n';
	gc->out(gc->line, gc->len);
	gc->len = 0;
}

/* A full line is broken only when one more byte arrives, not as soon as it
 * fills: a line of exactly GCONSOLE_LINE_MAX bytes and its '\n' then come
 * out as one line, not as that line and an empty one. */
static inline void put_shown(struct gconsole *gc, char c)
{
	if (gc->len == GCONSOLE_LINE_MAX)
		emit_line(gc);
	gc->line[gc->len++] = c;
}

static inline bool is_shown(unsigned char c)
{
	return (c >= 0x20 && c <= 0x7e) || c == '\t';
}

/* Everything but a shown byte: rare, so kept out of the copy loop. */
static void put_other(struct gconsole *gc, unsigned char c)
{
	if (c == '\n')
		emit_line(gc);
	else if (c != '\r')
		put_shown(gc, GCONSOLE_UNPRINTABLE);
}

static inline void put_byte(struct gconsole *gc, char c)
{
	if (is_shown((unsigned char)c))
		put_shown(gc, c);
	else
		put_other(gc, (unsigned char)c);
}

void gconsole_putc(struct gconsole *gc, char c)
{
	put_byte(gc, c);
}

/* What the fast loop below leaves, byte by byte.  Kept out of line so the
 * fast loop needs no saved registers. */
static __attribute__((noinline)) void write_rest(struct gconsole *gc,
						 const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		put_byte(gc, s[i]);
}

/* The HC_CONSOLE_WRITE path is counted in instructions (a one-byte write
 * has a budget for the whole VM exit).  So the common case, shown bytes
 * that fit the line, is a loop that copies with no call; from the first
 * line end, byte to replace or full line on, write_rest() takes over
 * (typically for the '\n' at the end). */
void gconsole_write(struct gconsole *gc, const char *s, size_t n)
{
	size_t len = gc->len;
	size_t i;

	for (i = 0; i < n; i++) {
		unsigned char c = s[i];

		if (!is_shown(c) || len == GCONSOLE_LINE_MAX)
			break;
		gc->line[len++] = (char)c;
	}
	gc->len = len;
	if (i < n)
		write_rest(gc, s + i, n - i);
}

void gconsole_flush(struct gconsole *gc)
{
	if (gc->len)
		emit_line(gc);
}
