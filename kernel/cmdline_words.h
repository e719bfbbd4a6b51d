/*
 * The words skiff's own command line knows (README.md "Command line"), with
 * the values each accepts, and the check that names every word skiff will
 * not act on.
 *
 * What happens to a word the check reports: nothing.  An unknown word (a
 * typo, or a word from a newer skiff) is ignored; a known word with a value
 * it does not accept leaves the setting as the build made it.  The run goes
 * on either way: a typo in a boot menu should cost a line on the console,
 * not the machine.  Each word is looked up where it is used (cmdline_get());
 * this table is what those users accept, stated once.
 */
#ifndef SKIFF_CMDLINE_WORDS_H
#define SKIFF_CMDLINE_WORDS_H

#include <stddef.h>

enum cmdline_value_kind {
	CMDLINE_CHOICE,		/* one of the words in choices */
	CMDLINE_NUMBER,		/* cmdline_parse_number()'s decimal */
};

struct cmdline_word {
	const char *key;
	enum cmdline_value_kind kind;
	const char *const *choices;	/* CMDLINE_CHOICE: NULL-terminated */
	/* What a refused value leaves in place, said after "keeping": the
	 * build's choice or number.  NULL: nothing happens ("ignored"). */
	const char *keeping;
	unsigned keeping_number;	/* CMDLINE_NUMBER */
};

extern const struct cmdline_word cmdline_words[];
extern const size_t cmdline_words_count;

/* The entry for key (the part of a word before its '='), or NULL. */
const struct cmdline_word *cmdline_word_find(const char *key, size_t len);

/*
 * Checks every word of cmdline against the table and prints one line per
 * word skiff will not act on:
 *   skiff: command line: unknown word "on_crah=restart" (ignored); known: on_finish, on_exit, ...
 *   skiff: command line: stop=hlt is not one of halt, poweroff; keeping poweroff
 *   skiff: command line: restarts=x is not a number from 0 to 1000000000; keeping 3
 * A bad value of a word given again later is said to be overridden (the
 * last occurrence wins).  Returns the number of lines printed; prints
 * nothing for a line whose words are all fine.
 */
unsigned cmdline_check(const char *cmdline);

#endif
