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

#endif
