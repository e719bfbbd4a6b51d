/*
 * What the hypercall and ports harnesses check of every line gconsole
 * hands to skiff's console (kernel/vm/gconsole.h): it ends in '\n', holds
 * only bytes a console may show, and starts with GCONSOLE_MARK exactly
 * when the guest's line could otherwise pass for skiff's.  Returns the
 * guest's bytes in it (without the mark and the '\n').
 */
#ifndef FUZZ_GCONSOLE_H
#define FUZZ_GCONSOLE_H

#include <string.h>

#include "fuzz_support.h"
#include "vm/gconsole.h"

static inline size_t fuzz_gconsole_line(const char *s, size_t n)
{
	bool marked = n > GCONSOLE_MARK_LEN && memcmp(s, GCONSOLE_MARK, GCONSOLE_MARK_LEN) == 0;
	const char *line = marked ? s + GCONSOLE_MARK_LEN : s;
	size_t len = marked ? n - GCONSOLE_MARK_LEN : n;

	fuzz_check(len >= 1 && len <= GCONSOLE_LINE_MAX + 1 && line[len - 1] == '\n',
		   "gconsole handed out a line of %zu bytes not ending in '\\n'", n);
	for (size_t i = 0; i + 1 < len; i++) {
		unsigned char c = (unsigned char)line[i];

		fuzz_check((c >= 0x20 && c <= 0x7e) || c == '\t',
			   "byte 0x%02x reached skiff's console", c);
	}
	fuzz_check(marked == gconsole_needs_mark(line, len - 1),
		   "a guest line %s the mark: \"%.*s\"", marked ? "has" : "lacks", (int)(len - 1),
		   line);
	return len - 1;
}

#endif
