/*
 * The guest's console output.  Bytes the guest writes (to the COM1 model or
 * with HC_CONSOLE_WRITE) are gathered into a line and handed on as whole
 * lines, so the guest's stream and skiff's own log never interleave
 * mid-line on a console they share.
 *
 * A line goes out through the output hook (in skiff: console_write() of
 * drivers/console.h) as one call that always ends in '\n':
 *   - when the guest writes '\n';
 *   - when a line outgrows GCONSOLE_LINE_MAX bytes: the first
 *     GCONSOLE_LINE_MAX bytes go out with a '\n' appended and the line goes
 *     on in a new one, so nothing is lost;
 *   - on gconsole_flush(), with a '\n' appended to a partial line.
 *
 * A guest must not be able to drive skiff's consoles (escape sequences,
 * cursor moves, clearing the screen), and those consoles are ASCII (the VGA
 * text and framebuffer fonts, the serial transcript matched by the boot
 * tests).  So only printable ASCII (0x20..0x7e) and '\t' pass as they are;
 * '\r' is dropped (a guest that writes "\r\n" gets one line end); every
 * other byte (controls, ESC, DEL, 0x80..0xff) shows as '?', so a
 * reader sees that something was there.
 *
 * Nor may the guest speak as skiff.  skiff's own lines start with "skiff"
 * (its name, then ": " or its version) or, in a report, with white space;
 * a guest line that starts either way goes out with GCONSOLE_MARK in
 * front ("guest| skiff: stopping ..."), every other guest line as it is.
 * So a line that starts with "skiff" or with white space is skiff's, and
 * no other is.  Each guest line starts a line of the console (a partial
 * one is ended before skiff prints), so the test sees the whole start.
 */
#ifndef SKIFF_VM_GCONSOLE_H
#define SKIFF_VM_GCONSOLE_H

#include <stdbool.h>
#include <stddef.h>

#define GCONSOLE_LINE_MAX	256	/* bytes of a line before it is broken */
#define GCONSOLE_UNPRINTABLE	'?'	/* shown for a byte that is not passed */
#define GCONSOLE_MARK		"guest| "	/* before a line that could pass for skiff's */
#define GCONSOLE_MARK_LEN	(sizeof(GCONSOLE_MARK) - 1)

/* Receives one whole line, '\n' included. */
typedef void (*gconsole_out_fn)(const char *s, size_t n);

struct gconsole {
	gconsole_out_fn out;
	size_t len;				/* bytes of the line held */
	/* GCONSOLE_MARK's room, then the line and the '\n' it ends with: a
	 * marked line too leaves in one call.  The line is at
	 * gconsole_line(). */
	char buf[GCONSOLE_MARK_LEN + GCONSOLE_LINE_MAX + 1];
};

static inline char *gconsole_line(struct gconsole *gc)
{
	return gc->buf + GCONSOLE_MARK_LEN;
}

/* Whether a guest line starting with these len bytes needs the mark. */
bool gconsole_needs_mark(const char *line, size_t len);

/* Starts with an empty line; out must not be NULL. */
void gconsole_init(struct gconsole *gc, gconsole_out_fn out);

/* One byte from the guest (the UART model's transmit path). */
void gconsole_putc(struct gconsole *gc, char c);

/* n bytes from the guest, already checked to be readable (HC_CONSOLE_WRITE).
 * Complete lines go out; a partial last line waits for its end or for
 * gconsole_flush(). */
void gconsole_write(struct gconsole *gc, const char *s, size_t n);

/* A byte that passes as it is (see above). */
static inline bool gconsole_shown(unsigned char c)
{
	return (c >= 0x20 && c <= 0x7e) || c == '\t';
}

/*
 * gconsole_write()'s common case, all or nothing: when the n bytes are all
 * shown and fit the current line, they join it and the result is true;
 * otherwise the line is as it was and the result false.  Each byte is read
 * once and the copy is what was checked (the bytes go into the line beyond
 * len, and len takes them in only at the end).  Inline and without calls,
 * for the VMCALL fast path (vmx/exit_fast.c).
 */
static inline bool gconsole_append(struct gconsole *gc, const char *s, size_t n)
{
	size_t len = gc->len;

	if (n > GCONSOLE_LINE_MAX - len)
		return false;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		if (!gconsole_shown(c))
			return false;
		gconsole_line(gc)[len + i] = (char)c;
	}
	gc->len = len + n;
	return true;
}

/* Sends a partial line out, ending it with '\n'; nothing when the line is
 * empty.  skiff calls it before it prints anything of its own while the
 * guest runs, and when the guest has ended. */
void gconsole_flush(struct gconsole *gc);

#endif
