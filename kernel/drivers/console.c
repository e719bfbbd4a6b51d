/*
 * The console multiplexer behind kprintf().  Every registered console gets
 * every byte.  A backlog keeps the log since power-on, so a console found
 * late (the framebuffer, known only after the boot information is parsed)
 * still shows everything from the first line: nothing is lost.
 */
#include <stdarg.h>

#include "cpu.h"
#include "drivers/console.h"
#include "lib/printf.h"
#include "lib/string.h"
#include "x86.h"

#define BACKLOG_SIZE	16384

bool console_output_queued;
static struct console *consoles;
static char backlog[BACKLOG_SIZE];
static size_t backlog_len;	/* stops growing when full: the start matters most */

/*
 * One CPU prints at a time, a whole kprintf() at once, so that lines from
 * several CPUs never mix.  The owner is the CPU's index + 1 (from its TR):
 * a CPU that faults while it prints (the panic report) takes the lock
 * again instead of waiting on itself.  Interrupts are off in skiff and no
 * NMI handler prints, so a holder always comes back.
 */
static unsigned console_owner;
static unsigned console_depth;

/* True with the lock taken (or held already by this CPU). */
static bool console_trylock(void)
{
	unsigned me = cpu_index_from_tr(str()) + 1, none = 0;

	if (__atomic_load_n(&console_owner, __ATOMIC_RELAXED) != me &&
	    !__atomic_compare_exchange_n(&console_owner, &none, me, false, __ATOMIC_ACQUIRE,
					 __ATOMIC_RELAXED))
		return false;
	console_depth++;
	return true;
}

static void console_lock(void)
{
	while (!console_trylock())
		pause();
}

static void console_unlock(void)
{
	if (--console_depth == 0)
		__atomic_store_n(&console_owner, 0, __ATOMIC_RELEASE);
}

void console_register(struct console *con)
{
	struct console **tail = &consoles;

	console_lock();
	while (*tail)
		tail = &(*tail)->next;
	con->next = NULL;
	*tail = con;
	con->write(con, backlog, backlog_len);
	console_unlock();
}

void console_write(const char *s, size_t n)
{
	size_t room, keep;

	console_lock();
	room = BACKLOG_SIZE - backlog_len;
	keep = n < room ? n : room;
	memcpy(backlog + backlog_len, s, keep);
	backlog_len += keep;
	for (struct console *con = consoles; con; con = con->next)
		con->write(con, s, n);
	console_unlock();
}

/* From the exit path: another CPU printing feeds the line itself. */
void console_pump(void)
{
	bool queued = false;

	if (!console_trylock())
		return;
	for (struct console *con = consoles; con; con = con->next)
		if (con->poll && con->poll(con))
			queued = true;
	console_output_queued = queued;
	console_unlock();
}

void console_flush(void)
{
	console_lock();
	for (struct console *con = consoles; con; con = con->next)
		if (con->flush)
			con->flush(con);
	console_output_queued = false;
	console_unlock();
}

void console_describe(char *buf, size_t size)
{
	size_t len = 0;

	if (size == 0)
		return;
	buf[0] = '\0';
	for (struct console *con = consoles; con; con = con->next)
		len += fmt_snprintf(buf + (len < size ? len : size - 1),
				    len < size ? size - len : 1, "%s%s",
				    len ? ", " : "", con->name);
	if (!consoles)
		fmt_snprintf(buf, size, "none");
}

/* kprintf collects a line before handing it to the consoles, so each
 * console sees whole strings rather than single bytes. */
struct line_buffer {
	char buf[128];
	size_t len;
};

static void line_emit(void *ctx, char c)
{
	struct line_buffer *lb = ctx;

	lb->buf[lb->len++] = c;
	if (c == '\n' || lb->len == sizeof(lb->buf)) {
		console_write(lb->buf, lb->len);
		lb->len = 0;
	}
}

int kvprintf(const char *fmt, va_list ap)
{
	struct line_buffer lb = { .len = 0 };
	int n;

	console_lock();
	n = fmt_vformat(line_emit, &lb, fmt, ap);
	if (lb.len)
		console_write(lb.buf, lb.len);
	console_unlock();
	return n;
}

int kprintf(const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = kvprintf(fmt, ap);
	va_end(ap);
	return n;
}
