/*
 * One formatter, format(), feeds characters to a sink: the UART for
 * printf, a buffer for snprintf.
 */
#include <stdbool.h>
#include <stdint.h>

#include "printf.h"
#include "uart.h"

struct sink {
	void (*put)(struct sink *s, char c);
	char *buf;		/* snprintf only */
	size_t size;
	size_t len;		/* characters produced so far */
};

struct spec {
	bool left;		/* '-': pad on the right */
	char pad;		/* ' ' or '0' */
	int width;
};

static void emit(struct sink *s, char c)
{
	s->put(s, c);
	s->len++;
}

/* Emits str (n characters) padded to the field width. */
static void emit_field(struct sink *s, const struct spec *sp, const char *str, int n)
{
	int fill = sp->width > n ? sp->width - n : 0;

	if (!sp->left)
		while (fill-- > 0)
			emit(s, sp->pad);
	while (n-- > 0)
		emit(s, *str++);
	while (fill-- > 0)
		emit(s, ' ');
}

static void emit_number(struct sink *s, struct spec sp, uint32_t value,
			unsigned base, bool negative, bool upper)
{
	const char *digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
	char tmp[12];
	int n = sizeof(tmp);

	do {
		tmp[--n] = digits[value % base];
		value /= base;
	} while (value);
	if (negative) {
		if (sp.pad == '0' && sp.width > 0) {
			/* "-0042": the sign goes before the zeros. */
			emit(s, '-');
			sp.width--;
		} else {
			tmp[--n] = '-';
		}
	}
	emit_field(s, &sp, tmp + n, (int)sizeof(tmp) - n);
}

/* Reads flags and width after '%'; returns where the conversion is. */
static const char *parse_spec(const char *f, struct spec *sp)
{
	*sp = (struct spec){ .left = false, .pad = ' ', .width = 0 };
	for (;; f++) {
		if (*f == '-')
			sp->left = true;
		else if (*f == '0')
			sp->pad = '0';
		else
			break;
	}
	while (*f >= '0' && *f <= '9')
		sp->width = sp->width * 10 + (*f++ - '0');
	while (*f == 'l')
		f++;
	if (sp->left)
		sp->pad = ' ';
	return f;
}

static void format(struct sink *s, const char *f, va_list ap)
{
	for (; *f; f++) {
		struct spec sp;

		if (*f != '%') {
			emit(s, *f);
			continue;
		}
		f = parse_spec(f + 1, &sp);
		switch (*f) {
		case 'd':
		case 'i': {
			int32_t v = va_arg(ap, int32_t);

			emit_number(s, sp, v < 0 ? -(uint32_t)v : (uint32_t)v, 10, v < 0, false);
			break;
		}
		case 'u':
			emit_number(s, sp, va_arg(ap, uint32_t), 10, false, false);
			break;
		case 'x':
		case 'X':
			emit_number(s, sp, va_arg(ap, uint32_t), 16, false, *f == 'X');
			break;
		case 'p':
			emit(s, '0');
			emit(s, 'x');
			sp.pad = '0';
			sp.width = 8;
			emit_number(s, sp, (uint32_t)va_arg(ap, void *), 16, false, false);
			break;
		case 'c': {
			char c = (char)va_arg(ap, int);

			emit_field(s, &sp, &c, 1);
			break;
		}
		case 's': {
			const char *str = va_arg(ap, const char *);
			int n = 0;

			if (!str)
				str = "(null)";
			while (str[n])
				n++;
			emit_field(s, &sp, str, n);
			break;
		}
		case '%':
			emit(s, '%');
			break;
		case '\0':
			return;		/* a lone '%' at the end */
		default:		/* unknown: show it as written */
			emit(s, '%');
			emit(s, *f);
			break;
		}
	}
}

static void put_console(struct sink *s, char c)
{
	(void)s;
	if (c == '\n')
		uart_putc('\r');
	uart_putc(c);
}

static void put_buffer(struct sink *s, char c)
{
	if (s->len + 1 < s->size)
		s->buf[s->len] = c;
}

int vprintf(const char *fmt, va_list ap)
{
	struct sink s = { .put = put_console };

	format(&s, fmt, ap);
	return (int)s.len;
}

int printf(const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vprintf(fmt, ap);
	va_end(ap);
	return n;
}

int vsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
{
	struct sink s = { .put = put_buffer, .buf = buf, .size = size };

	format(&s, fmt, ap);
	if (size)
		buf[s.len < size ? s.len : size - 1] = '\0';
	return (int)s.len;
}

int snprintf(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, size, fmt, ap);
	va_end(ap);
	return n;
}
