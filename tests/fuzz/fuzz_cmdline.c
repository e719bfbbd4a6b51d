/*
 * cmdline_get() and cmdline_has_value(), with the command line (it comes
 * from the boot loader's configuration, which whoever controls the boot
 * medium writes) from the input, and the key and value asked for too:
 *
 *   byte 0   the size of the value buffer
 *   then     the key, up to a NUL; the value for cmdline_has_value(), up
 *            to a NUL; the command line, the rest
 *
 * Each string sits in a heap block of exactly its length plus the NUL, and
 * the value buffer is exactly size bytes, so a read or write past any of
 * them is an AddressSanitizer report.
 *
 * The answers must be cmdline.h's rule, modelled here: words separated by
 * spaces and tabs, each "key" or "key=value"; the last occurrence wins;
 * the value copied truncated to size - 1 bytes and always terminated;
 * cmdline_has_value() true when the value is exactly the one asked for.
 * skiff asks with short constants ("guest-state"); cmdline_has_value()
 * reads the value into 32 bytes, so values asked for are kept to the 30
 * characters within which "exactly" holds.
 *
 * cmdline_check() runs over the same command line: it must print exactly
 * one line for each word the model below refuses (a key not in
 * cmdline_words[], or a value that is not one of the word's choices or
 * not a decimal of one to ten digits up to CMDLINE_NUMBER_MAX), and
 * return that count.
 */
#include "fuzz_support.h"

#include <stdlib.h>
#include <string.h>

#include "cmdline.h"
#include "cmdline_words.h"

static char *dup_bytes(const uint8_t *p, size_t n)
{
	char *s = malloc(n + 1);

	fuzz_check(s != NULL, "out of memory");
	memcpy(s, p, n);
	s[n] = '\0';
	return s;
}

static bool is_space(char c)
{
	return c == ' ' || c == '\t';
}

/* The model's words: the next one at or after p (NULL at the end), its
 * length in *w. */
static const char *next_word(const char *p, size_t *w)
{
	while (is_space(*p))
		p++;
	if (!*p)
		return NULL;
	for (*w = 0; p[*w] && !is_space(p[*w]); (*w)++)
		;
	return p;
}

/* The rule, with the value's place and length in the command line. */
static bool model(const char *cmd, const char *key, const char **val, size_t *vlen)
{
	size_t klen = strlen(key), w;
	bool found = false;

	for (const char *p = cmd; (p = next_word(p, &w)) != NULL; p += w) {
		if (w >= klen && memcmp(p, key, klen) == 0 && (w == klen || p[klen] == '=')) {
			found = true;
			*val = w == klen ? p + w : p + klen + 1;
			*vlen = (size_t)(p + w - *val);
		}
	}
	return found;
}

static bool model_number(const char *v, size_t n)
{
	unsigned long long x = 0;

	if (n == 0 || n > 10)
		return false;
	for (size_t i = 0; i < n; i++) {
		if (v[i] < '0' || v[i] > '9')
			return false;
		x = x * 10 + (unsigned)(v[i] - '0');
	}
	return x <= CMDLINE_NUMBER_MAX;
}

/* Whether cmdline_check() should report the word of length w at p. */
static bool model_refuses(const char *p, size_t w)
{
	const char *eq = memchr(p, '=', w);
	size_t klen = eq ? (size_t)(eq - p) : w, vlen = eq ? w - klen - 1 : 0;

	for (size_t i = 0; i < cmdline_words_count; i++) {
		const struct cmdline_word *cw = &cmdline_words[i];

		if (strlen(cw->key) != klen || memcmp(cw->key, p, klen) != 0)
			continue;
		if (!eq)
			return true;
		if (cw->kind == CMDLINE_NUMBER)
			return !model_number(eq + 1, vlen);
		for (const char *const *c = cw->choices; *c; c++)
			if (strlen(*c) == vlen && memcmp(*c, eq + 1, vlen) == 0)
				return false;
		return true;
	}
	return true;
}

static unsigned model_check(const char *cmd)
{
	unsigned refused = 0;
	size_t w;

	for (const char *p = cmd; (p = next_word(p, &w)) != NULL; p += w)
		refused += model_refuses(p, w);
	return refused;
}

/* The next string of the input, up to a NUL or its end. */
static char *take_string(const uint8_t **p, size_t *n)
{
	const uint8_t *nul = memchr(*p, 0, *n);
	size_t len = nul ? (size_t)(nul - *p) : *n;
	char *s = dup_bytes(*p, len);

	*p += len + (nul != NULL);
	*n -= len + (nul != NULL);
	return s;
}

#define HAS_VALUE_MAX	30

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	size_t vsize, want_len = 0;
	char *key, *value, *cmd, *val;
	const char *want = NULL;
	bool found, expect;
	unsigned reports, expect_reports;

	if (size < 1)
		return 0;
	vsize = data[0];
	data++;
	size--;
	key = take_string(&data, &size);
	value = take_string(&data, &size);
	cmd = dup_bytes(data, size);
	if (strlen(value) > HAS_VALUE_MAX)
		value[HAS_VALUE_MAX] = '\0';
	val = vsize ? malloc(vsize) : NULL;
	fuzz_check(!vsize || val, "out of memory");
	fuzz_log_reset();

	expect = model(cmd, key, &want, &want_len);
	found = cmdline_get(cmd, key, val, vsize);
	fuzz_check(found == expect, "key \"%s\": found %d, the rule says %d", key, found, expect);
	if (found && val) {
		size_t n = want_len < vsize - 1 ? want_len : vsize - 1;

		fuzz_check(memchr(val, 0, vsize) != NULL && strlen(val) == n &&
			   memcmp(val, want, n) == 0,
			   "key \"%s\": value \"%.*s\", the rule says \"%.*s\"", key,
			   (int)strnlen(val, vsize), val, (int)n, want);
	}
	/* Without a buffer only the presence is answered. */
	fuzz_check(cmdline_get(cmd, key, NULL, 0) == expect, "presence without a buffer");
	fuzz_check(cmdline_has_value(cmd, key, value) ==
		   (expect && want_len == strlen(value) && memcmp(want, value, want_len) == 0),
		   "key \"%s\": cmdline_has_value(\"%s\") wrong", key, value);

	fuzz_log_reset();
	expect_reports = model_check(cmd);
	reports = cmdline_check(cmd);
	fuzz_check(reports == expect_reports, "cmdline_check() reported %u words, the rule says %u",
		   reports, expect_reports);
	fuzz_check(fuzz_log_lines() == reports, "%u words reported in %lu lines", reports,
		   fuzz_log_lines());
	free(val);
	free(cmd);
	free(value);
	free(key);
	return 0;
}
