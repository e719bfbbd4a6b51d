/* skiff's command-line words and their check; see cmdline_words.h. */
#include "cmdline_words.h"

#include <stdbool.h>

#include "cmdline.h"
#include "config.h"
#include "lib/printf.h"
#include "lib/string.h"

/* The build's policy, by the word the command line uses for it. */
#define POLICY_WORD(p) \
	((p) == POLICY_HALT ? "halt" : (p) == POLICY_RESTART ? "restart" : "poweroff")

/* vm.c parse_policy() and main.c apply_cmdline() take exactly these. */
static const char *const policy_choices[] = { "poweroff", "halt", "restart", NULL };
static const char *const stop_choices[] = { "halt", "poweroff", NULL };
static const char *const entry_check_choices[] = { "first", NULL };
/* main.c give_com1(). */
static const char *const com1_choices[] = { "guest", NULL };
/* main.c guard_dma(). */
static const char *const iommu_choices[] = { "required", NULL };
/* debug.c debug_fault() and main.c guest_debug_requests(). */
static const char *const fault_choices[] = { "ud", "pf", "gp", "stack", "guest-state", "svm-locked",
					      NULL };
/* iommu_test.c iommu_test_run(). */
static const char *const iommu_test_choices[] = { "1", NULL };

#define CHOICE(k, c, keep)	{ .key = (k), .kind = CMDLINE_CHOICE, .choices = (c), .keeping = (keep) }
#define NUMBER(k, n)		{ .key = (k), .kind = CMDLINE_NUMBER, .keeping = "", .keeping_number = (n) }

/* In README.md's order, which is the order the "known:" list prints. */
const struct cmdline_word cmdline_words[] = {
	CHOICE("on_finish", policy_choices, POLICY_WORD(CONFIG_ON_GUEST_FINISH)),
	/* The older name of on_finish, still taken; on_finish wins. */
	CHOICE("on_exit", policy_choices, POLICY_WORD(CONFIG_ON_GUEST_FINISH)),
	CHOICE("on_crash", policy_choices, POLICY_WORD(CONFIG_ON_GUEST_CRASH)),
	CHOICE("on_hang", policy_choices, POLICY_WORD(CONFIG_ON_GUEST_HANG)),
	CHOICE("on_reboot", policy_choices, POLICY_WORD(CONFIG_ON_GUEST_REBOOT)),
	NUMBER("restarts", CONFIG_RESTART_LIMIT),
	NUMBER("backoff", CONFIG_RESTART_BACKOFF_MS),
	NUMBER("watchdog", CONFIG_WATCHDOG_MS),
	NUMBER("cpus", 0),	/* main.c cpus_wanted(); 0: every CPU */
	CHOICE("stop", stop_choices, "poweroff"),	/* power.c's stop_mode */
	CHOICE("com1", com1_choices, NULL),
	CHOICE("iommu", iommu_choices, NULL),
	CHOICE("entry_check", entry_check_choices, NULL),
	CHOICE("fault", fault_choices, NULL),
	NUMBER("trap_page", 0),	/* main.c trap_test_page(): KiB, 0: none */
	CHOICE("iommu_test", iommu_test_choices, NULL),
};
const size_t cmdline_words_count = sizeof(cmdline_words) / sizeof(cmdline_words[0]);

_Static_assert(CONFIG_RESTART_LIMIT <= CMDLINE_NUMBER_MAX &&
	       CONFIG_RESTART_BACKOFF_MS <= CMDLINE_NUMBER_MAX &&
	       CONFIG_WATCHDOG_MS <= CMDLINE_NUMBER_MAX,
	       "the build's numbers are ones the command line could give");

/* The longest list printed: every key, or every choice, ", "-separated. */
#define LIST_MAX	160

const struct cmdline_word *cmdline_word_find(const char *key, size_t len)
{
	for (size_t i = 0; i < cmdline_words_count; i++)
		if (strlen(cmdline_words[i].key) == len && strncmp(cmdline_words[i].key, key, len) == 0)
			return &cmdline_words[i];
	return NULL;
}

/* names joined by ", " into buf (LIST_MAX bytes), cut short if need be. */
static const char *join(char *buf, const char *const *names, size_t count)
{
	size_t used = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < count; i++) {
		const char *sep = i ? ", " : "";
		size_t n = strlen(sep) + strlen(names[i]);

		if (used + n >= LIST_MAX)
			break;
		used += (size_t)fmt_snprintf(buf + used, LIST_MAX - used, "%s%s", sep, names[i]);
	}
	return buf;
}

static size_t key_length(const char *word, size_t len)
{
	size_t n = 0;

	while (n < len && word[n] != '=')
		n++;
	return n;
}

/* True when no later word of the line has the same key. */
static bool is_last(const char *word, size_t len)
{
	size_t klen = key_length(word, len), n;

	for (const char *w = cmdline_next_word(word + len, &n); w; w = cmdline_next_word(w + n, &n))
		if (key_length(w, n) == klen && strncmp(w, word, klen) == 0)
			return false;
	return true;
}

static bool value_ok(const struct cmdline_word *cw, const char *val, size_t vlen)
{
	unsigned number;

	if (cw->kind == CMDLINE_NUMBER)
		return cmdline_parse_number(val, vlen, &number);
	for (const char *const *c = cw->choices; *c; c++)
		if (strlen(*c) == vlen && strncmp(*c, val, vlen) == 0)
			return true;
	return false;
}

static void report_unknown(const char *word, size_t len)
{
	const char *keys[sizeof(cmdline_words) / sizeof(cmdline_words[0])];
	char list[LIST_MAX];

	for (size_t i = 0; i < cmdline_words_count; i++)
		keys[i] = cmdline_words[i].key;
	kprintf("skiff: command line: unknown word \"%.*s\" (ignored); known: %s\n",
		(int)len, word, join(list, keys, cmdline_words_count));
}

/* "keeping poweroff", "keeping 3", "ignored", or the later word's say. */
static void report_value(const struct cmdline_word *cw, const char *word, size_t len)
{
	size_t klen = key_length(word, len), count = 0;
	char choices[LIST_MAX], list[LIST_MAX + 8], then[48];

	if (!is_last(word, len))
		fmt_snprintf(then, sizeof(then), "a later %s word decides", cw->key);
	else if (!cw->keeping)
		fmt_snprintf(then, sizeof(then), "ignored");
	else if (cw->kind == CMDLINE_NUMBER)
		fmt_snprintf(then, sizeof(then), "keeping %u", cw->keeping_number);
	else
		fmt_snprintf(then, sizeof(then), "keeping %s", cw->keeping);
	if (cw->kind == CMDLINE_NUMBER) {
		fmt_snprintf(list, sizeof(list), "a number from 0 to %u", CMDLINE_NUMBER_MAX);
	} else {
		while (cw->choices[count])
			count++;
		fmt_snprintf(list, sizeof(list), "one of %s", join(choices, cw->choices, count));
	}
	if (klen == len)
		kprintf("skiff: command line: %.*s without a value is not %s; %s\n",
			(int)len, word, list, then);
	else
		kprintf("skiff: command line: %.*s is not %s; %s\n", (int)len, word, list, then);
}

unsigned cmdline_check(const char *cmdline)
{
	unsigned reported = 0;
	size_t len;

	for (const char *w = cmdline_next_word(cmdline, &len); w; w = cmdline_next_word(w + len, &len)) {
		size_t klen = key_length(w, len);
		const struct cmdline_word *cw = cmdline_word_find(w, klen);

		if (!cw)
			report_unknown(w, len);
		else if (klen == len || !value_ok(cw, w + klen + 1, len - klen - 1))
			report_value(cw, w, len);
		else
			continue;
		reported++;
	}
	return reported;
}
