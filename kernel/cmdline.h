/* skiff's command line: space-separated words, each "key" or "key=value". */
#ifndef SKIFF_CMDLINE_H
#define SKIFF_CMDLINE_H

#include <stdbool.h>
#include <stddef.h>

/* True when key is present.  Its value (empty for a bare "key") is copied
 * into val, truncated to size - 1 bytes; val may be NULL.  The last
 * occurrence wins, as people expect when appending to a command line. */
bool cmdline_get(const char *cmdline, const char *key, char *val, size_t size);

/* True when key is present with exactly this value ("fault=guest-state"). */
bool cmdline_has_value(const char *cmdline, const char *key, const char *value);

/* The next word at or after p (spaces and tabs skip), with its length in
 * *len; NULL at the end of the line.  Walk a line with
 *   for (w = cmdline_next_word(line, &n); w; w = cmdline_next_word(w + n, &n)) */
const char *cmdline_next_word(const char *p, size_t *len);

/* The largest number a word takes ("restarts=", "watchdog=" in ms): a
 * billion, past any sensible count or period (11 days), and far inside
 * 32 bits. */
#define CMDLINE_NUMBER_MAX	1000000000u
#define CMDLINE_NUMBER_DIGITS	10

/* True with the value in *out when the n bytes at s are decimal digits
 * (one to CMDLINE_NUMBER_DIGITS) naming at most CMDLINE_NUMBER_MAX; no
 * sign, no spaces. */
bool cmdline_parse_number(const char *s, size_t n, unsigned *out);

/* Names every word of cmdline skiff will not act on, one console line
 * each, and returns how many; see cmdline_words.h (it lives there, with
 * the table of words). */
unsigned cmdline_check(const char *cmdline);

#endif
