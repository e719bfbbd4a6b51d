/*
 * The one formatter behind kprintf() and fmt_snprintf(), written from the
 * C standard's description of fprintf (C11 7.21.6.1).  Beyond what
 * printf.h promises it also accepts the flags '+', ' ' and '#', a
 * precision on every conversion, and the lengths hh h j t: the compiler's
 * format checking accepts all of them, and printing one verbatim would
 * leave its argument unread and shift every later argument.
 */
#include "lib/printf.h"

#include <stdbool.h>
#include <stdint.h>

#include "lib/string.h"

/* Enough for a 64-bit value in decimal (20 digits) or hex (16). */
#define FMT_DIGITS_MAX 24
/* Largest width or precision taken from a format; stops int overflow. */
#define FMT_FIELD_MAX INT32_MAX
/* %p shows every nibble of the address, so values line up in a log. */
#define FMT_POINTER_DIGITS ((int)(2 * sizeof(uintptr_t)))

/* Each length modifier reads through one fixed C type (x86-64 LP64). */
_Static_assert(sizeof(int) == sizeof(int32_t), "FMT_FIELD_MAX is an int");
_Static_assert(sizeof(long long) == sizeof(intmax_t), "%j reads long long");
_Static_assert(sizeof(ptrdiff_t) == sizeof(size_t), "%zd reads ptrdiff_t");

enum fmt_length {
	FMT_LEN_INT,
	FMT_LEN_CHAR,		/* hh */
	FMT_LEN_SHORT,		/* h */
	FMT_LEN_LONG,		/* l */
	FMT_LEN_LONG_LONG,	/* ll */
	FMT_LEN_INTMAX,		/* j */
	FMT_LEN_SIZE,		/* z */
	FMT_LEN_PTRDIFF,	/* t */
};

/* One parsed conversion specification. */
struct fmt_spec {
	bool left;		/* '-' */
	bool zero;		/* '0' */
	bool plus;		/* '+' */
	bool space;		/* ' ' */
	bool alt;		/* '#' */
	int width;		/* 0 when none was given */
	int precision;		/* negative when none was given */
	enum fmt_length length;
	char conv;		/* NUL if the format ended inside the spec */
};

struct fmt_sink {
	fmt_emit_fn emit;
	void *ctx;
	size_t count;
};

static void sink_put(struct fmt_sink *out, char c)
{
	out->emit(out->ctx, c);
	out->count++;
}

static void sink_write(struct fmt_sink *out, const char *s, size_t n)
{
	while (n--)
		sink_put(out, *s++);
}

static void sink_repeat(struct fmt_sink *out, char c, size_t n)
{
	while (n--)
		sink_put(out, c);
}

/* Saturates rather than overflowing on an absurd field in a format. */
static const char *parse_decimal(const char *p, int *value)
{
	int n = 0;

	for (; *p >= '0' && *p <= '9'; p++) {
		int digit = *p - '0';

		n = n > (FMT_FIELD_MAX - digit) / 10 ? FMT_FIELD_MAX : n * 10 + digit;
	}
	*value = n;
	return p;
}

static const char *parse_flags(const char *p, struct fmt_spec *spec)
{
	for (;; p++) {
		switch (*p) {
		case '-': spec->left = true; break;
		case '0': spec->zero = true; break;
		case '+': spec->plus = true; break;
		case ' ': spec->space = true; break;
		case '#': spec->alt = true; break;
		default: return p;
		}
	}
}

/* A negative '*' width means left-aligned (C11 7.21.6.1p5). */
static const char *parse_width(const char *p, va_list *ap, struct fmt_spec *spec)
{
	int w;

	if (*p != '*')
		return parse_decimal(p, &spec->width);
	w = va_arg(*ap, int);
	if (w < 0) {
		spec->left = true;
		/* -INT_MIN does not fit in an int. */
		w = w < -FMT_FIELD_MAX ? FMT_FIELD_MAX : -w;
	}
	spec->width = w;
	return p + 1;
}

/* p is just past the '.'; a negative '*' precision counts as none. */
static const char *parse_precision(const char *p, va_list *ap, struct fmt_spec *spec)
{
	if (*p != '*')
		return parse_decimal(p, &spec->precision);
	spec->precision = va_arg(*ap, int);
	return p + 1;
}

static const char *parse_length(const char *p, struct fmt_spec *spec)
{
	switch (*p) {
	case 'h':
		if (p[1] == 'h') {
			spec->length = FMT_LEN_CHAR;
			return p + 2;
		}
		spec->length = FMT_LEN_SHORT;
		return p + 1;
	case 'l':
		if (p[1] == 'l') {
			spec->length = FMT_LEN_LONG_LONG;
			return p + 2;
		}
		spec->length = FMT_LEN_LONG;
		return p + 1;
	case 'j': spec->length = FMT_LEN_INTMAX; return p + 1;
	case 'z': spec->length = FMT_LEN_SIZE; return p + 1;
	case 't': spec->length = FMT_LEN_PTRDIFF; return p + 1;
	default: return p;
	}
}

/* p is just past the '%'; returns a pointer to the conversion character. */
static const char *parse_spec(const char *p, va_list *ap, struct fmt_spec *spec)
{
	*spec = (struct fmt_spec){ .precision = -1 };
	p = parse_flags(p, spec);
	p = parse_width(p, ap, spec);
	if (*p == '.')
		p = parse_precision(p + 1, ap, spec);
	p = parse_length(p, spec);
	spec->conv = *p;
	return p;
}

/* Narrow lengths arrive promoted to int; the cast restores their range. */
static long long fetch_signed(va_list *ap, enum fmt_length length)
{
	switch (length) {
	case FMT_LEN_CHAR: return (signed char)va_arg(*ap, int);
	case FMT_LEN_SHORT: return (short)va_arg(*ap, int);
	case FMT_LEN_LONG: return va_arg(*ap, long);
	case FMT_LEN_LONG_LONG: return va_arg(*ap, long long);
	case FMT_LEN_INTMAX: return va_arg(*ap, intmax_t);
	case FMT_LEN_SIZE:
	case FMT_LEN_PTRDIFF: return va_arg(*ap, ptrdiff_t);
	default: return va_arg(*ap, int);
	}
}

static unsigned long long fetch_unsigned(va_list *ap, enum fmt_length length)
{
	switch (length) {
	case FMT_LEN_CHAR: return (unsigned char)va_arg(*ap, unsigned int);
	case FMT_LEN_SHORT: return (unsigned short)va_arg(*ap, unsigned int);
	case FMT_LEN_LONG: return va_arg(*ap, unsigned long);
	case FMT_LEN_LONG_LONG: return va_arg(*ap, unsigned long long);
	case FMT_LEN_INTMAX: return va_arg(*ap, uintmax_t);
	case FMT_LEN_SIZE:
	case FMT_LEN_PTRDIFF: return va_arg(*ap, size_t);
	default: return va_arg(*ap, unsigned int);
	}
}

/* Writes v's digits so they end just before end; returns how many. */
static size_t format_digits(unsigned long long v, unsigned int base, bool upper, char *end)
{
	/* LAB 1 BEGIN: format_digits(): the digits of v in base, written backwards to end */
	const char *set = upper ? "0123456789ABCDEF" : "0123456789abcdef";
	size_t n = 0;

	do {
		*--end = set[v % base];
		v /= base;
		n++;
	} while (v);
	return n;
	/* LAB 1 END */
}

/*
 * Lays out [spaces][prefix][zeros][digits][spaces].  A precision sets the
 * minimum digit count and, as C specifies, disables the '0' flag; the
 * zeros go after the sign so %05d of -42 is "-0042".
 */
static void emit_number(struct fmt_sink *out, const struct fmt_spec *spec,
			const char *prefix, const char *digits, size_t ndigits)
{
	size_t plen = strlen(prefix);
	size_t prec = spec->precision < 0 ? 0 : (size_t)spec->precision;
	size_t zeros = prec > ndigits ? prec - ndigits : 0;
	size_t body = plen + zeros + ndigits;
	size_t pad = (size_t)spec->width > body ? (size_t)spec->width - body : 0;

	if (spec->zero && !spec->left && spec->precision < 0) {
		zeros += pad;
		pad = 0;
	}
	if (!spec->left)
		sink_repeat(out, ' ', pad);
	sink_write(out, prefix, plen);
	sink_repeat(out, '0', zeros);
	sink_write(out, digits, ndigits);
	if (spec->left)
		sink_repeat(out, ' ', pad);
}

static void format_integer(struct fmt_sink *out, const struct fmt_spec *spec,
			   unsigned long long magnitude, const char *prefix)
{
	char buf[FMT_DIGITS_MAX];
	bool hex = spec->conv == 'x' || spec->conv == 'X' || spec->conv == 'p';
	size_t n = 0;

	/* C: zero converted with precision zero is no characters at all. */
	if (magnitude != 0 || spec->precision != 0)
		n = format_digits(magnitude, hex ? 16 : 10, spec->conv == 'X',
				  buf + sizeof(buf));
	emit_number(out, spec, prefix, buf + sizeof(buf) - n, n);
}

static void format_signed(struct fmt_sink *out, const struct fmt_spec *spec,
			  long long v)
{
	/* Negating in unsigned arithmetic keeps LLONG_MIN defined. */
	unsigned long long magnitude = v < 0 ? 0ULL - (unsigned long long)v
					     : (unsigned long long)v;
	const char *sign = v < 0 ? "-" : spec->plus ? "+" : spec->space ? " " : "";

	format_integer(out, spec, magnitude, sign);
}

static void format_unsigned(struct fmt_sink *out, const struct fmt_spec *spec,
			    unsigned long long v)
{
	const char *prefix = "";

	if (spec->alt && v != 0)
		prefix = spec->conv == 'X' ? "0X" : "0x";
	format_integer(out, spec, v, prefix);
}

static void format_pointer(struct fmt_sink *out, const struct fmt_spec *spec,
			   const void *p)
{
	struct fmt_spec fixed = *spec;

	fixed.precision = FMT_POINTER_DIGITS;
	format_integer(out, &fixed, (uintptr_t)p, "0x");
}

/* Pads with spaces only: C leaves '0' with %s and %c undefined. */
static void emit_text(struct fmt_sink *out, const struct fmt_spec *spec,
		      const char *s, size_t len)
{
	size_t pad = (size_t)spec->width > len ? (size_t)spec->width - len : 0;

	if (!spec->left)
		sink_repeat(out, ' ', pad);
	sink_write(out, s, len);
	if (spec->left)
		sink_repeat(out, ' ', pad);
}

/* With a precision the string need not be terminated: read no further. */
static void format_string(struct fmt_sink *out, const struct fmt_spec *spec,
			  const char *s)
{
	size_t len;

	if (!s)
		s = "(null)";
	if (spec->precision >= 0)
		len = strnlen(s, (size_t)spec->precision);
	else
		len = strlen(s);
	emit_text(out, spec, s, len);
}

/* Converts one spec starting at its '%'; returns where the format resumes. */
static const char *format_one(struct fmt_sink *out, const char *start, va_list *ap)
{
	struct fmt_spec spec;
	const char *p = parse_spec(start + 1, ap, &spec);
	char c;

	switch (spec.conv) {
	case 'd':
	case 'i': format_signed(out, &spec, fetch_signed(ap, spec.length)); break;
	case 'u':
	case 'x':
	case 'X': format_unsigned(out, &spec, fetch_unsigned(ap, spec.length)); break;
	case 'p': format_pointer(out, &spec, va_arg(*ap, const void *)); break;
	case 's': format_string(out, &spec, va_arg(*ap, const char *)); break;
	case 'c':
		c = (char)va_arg(*ap, int);
		emit_text(out, &spec, &c, 1);
		break;
	case '%': sink_put(out, '%'); break;
	case '\0':
		/* The format ended mid-spec: show what there was, read no further. */
		sink_write(out, start, (size_t)(p - start));
		return p;
	default:
		sink_write(out, start, (size_t)(p - start) + 1);
		break;
	}
	return p + 1;
}

int fmt_vformat(fmt_emit_fn emit, void *ctx, const char *fmt, va_list ap)
{
	struct fmt_sink out = { .emit = emit, .ctx = ctx, .count = 0 };
	va_list args;

	/* A copy gives the helpers a va_list they can take the address of. */
	va_copy(args, ap);
	while (*fmt) {
		if (*fmt == '%')
			fmt = format_one(&out, fmt, &args);
		else
			sink_put(&out, *fmt++);
	}
	va_end(args);
	return out.count > FMT_FIELD_MAX ? FMT_FIELD_MAX : (int)out.count;
}

struct fmt_buffer {
	char *buf;
	size_t size;
	size_t len;
};

/* Keeps the last byte for the terminator and drops what does not fit. */
static void buffer_emit(void *ctx, char c)
{
	struct fmt_buffer *b = ctx;

	if (b->len + 1 < b->size)
		b->buf[b->len] = c;
	b->len++;
}

int fmt_vsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
{
	struct fmt_buffer b = { .buf = buf, .size = size, .len = 0 };
	int n = fmt_vformat(buffer_emit, &b, fmt, ap);

	if (size > 0)
		buf[b.len < size ? b.len : size - 1] = '\0';
	return n;
}

int fmt_snprintf(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = fmt_vsnprintf(buf, size, fmt, ap);
	va_end(ap);
	return n;
}
