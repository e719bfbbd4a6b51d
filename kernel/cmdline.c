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
