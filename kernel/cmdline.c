#include "cmdline.h"
#include "lib/string.h"

static const char *skip_spaces(const char *p)
{
	while (*p == ' ' || *p == '\t')
		p++;
	return p;
}

static size_t word_length(const char *p)
{
	size_t n = 0;

	while (p[n] && p[n] != ' ' && p[n] != '\t')
		n++;
	return n;
}

const char *cmdline_next_word(const char *p, size_t *len)
{
	p = skip_spaces(p);
	if (!*p)
		return NULL;
	*len = word_length(p);
	return p;
}

bool cmdline_parse_number(const char *s, size_t n, unsigned *out)
{
	unsigned v = 0;

	/* Ten digits at most, leading zeros included: a longer value would
	 * not survive the 16-byte buffers callers read values into whole. */
	if (n == 0 || n > CMDLINE_NUMBER_DIGITS)
		return false;
	for (size_t i = 0; i < n; i++) {
		unsigned digit = (unsigned)(s[i] - '0');

		if (s[i] < '0' || s[i] > '9' ||
		    v > (CMDLINE_NUMBER_MAX - digit) / 10)
			return false;
		v = v * 10 + digit;
	}
	*out = v;
	return true;
}

bool cmdline_get(const char *cmdline, const char *key, char *val, size_t size)
{
	size_t klen = strlen(key);
	bool found = false;

	for (const char *p = skip_spaces(cmdline); *p; p = skip_spaces(p)) {
		size_t wlen = word_length(p);

		if (wlen >= klen && strncmp(p, key, klen) == 0 &&
		    (wlen == klen || p[klen] == '=')) {
			found = true;
			if (val && size) {
				const char *v = wlen == klen ? p + wlen : p + klen + 1;
				size_t vlen = (size_t)(p + wlen - v);
				size_t n = vlen < size - 1 ? vlen : size - 1;

				memcpy(val, v, n);
				val[n] = '\0';
			}
		}
		p += wlen;
	}
	return found;
}

bool cmdline_has_value(const char *cmdline, const char *key, const char *value)
{
	char val[64];

	/* A value that could fill val could match a longer one cut to fit. */
	if (strlen(value) >= sizeof(val) - 1)
		return false;
	return cmdline_get(cmdline, key, val, sizeof(val)) && strcmp(val, value) == 0;
}
