/* The guest's console output, gathered into whole lines; see gconsole.h. */
#include <stdbool.h>

#include "lib/string.h"
#include "vm/gconsole.h"

void gconsole_init(struct gconsole *gc, gconsole_out_fn out)
{
	gc->out = out;
	gc->len = 0;
}

#define SKIFF_NAME	"skiff"

bool gconsole_needs_mark(const char *line, size_t len)
{
	size_t name = sizeof(SKIFF_NAME) - 1;

	if (len && (line[0] == ' ' || line[0] == '\t'))
		return true;
	return len >= name && memcmp(line, SKIFF_NAME, name) == 0;
}

/* The line has one byte more than GCONSOLE_LINE_MAX, so the '\n' always
 * fits, and the mark's room lies right before it: a line leaves in a
 * single call of the hook, marked or not. */
static void emit_line(struct gconsole *gc)
{
	char *line = gconsole_line(gc);
	bool mark = gconsole_needs_mark(line, gc->len);

	line[gc->len++] = '\n';
	if (mark) {
		memcpy(gc->buf, GCONSOLE_MARK, GCONSOLE_MARK_LEN);
		gc->out(gc->buf, GCONSOLE_MARK_LEN + gc->len);
	} else {
		gc->out(line, gc->len);
	}
	gc->len = 0;
}

/* A full line is broken only when one more byte arrives, not as soon as it
 * fills: a line of exactly GCONSOLE_LINE_MAX bytes and its '\n' then come
 * out as one line, not as that line and an empty one. */
static inline void put_shown(struct gconsole *gc, char c)
{
	if (gc->len == GCONSOLE_LINE_MAX)
		emit_line(gc);
	gconsole_line(gc)[gc->len++] = c;
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
	if (gconsole_shown((unsigned char)c))
		put_shown(gc, c);
	else
		put_other(gc, (unsigned char)c);
}

void gconsole_putc(struct gconsole *gc, char c)
{
	put_byte(gc, c);
}

/* A write gconsole_append() does not take whole (a line end, a byte to
 * replace, a line that fills) goes byte by byte, from its first byte:
 * append changed nothing. */
void gconsole_write(struct gconsole *gc, const char *s, size_t n)
{
	if (gconsole_append(gc, s, n))
		return;
	for (size_t i = 0; i < n; i++)
		put_byte(gc, s[i]);
}

void gconsole_flush(struct gconsole *gc)
{
	if (gc->len)
		emit_line(gc);
}
