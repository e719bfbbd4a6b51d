/* The guest's name from its module's command line; see guest_name.h. */
#include "vm/guest_name.h"

#include <stdbool.h>

#include "lib/printf.h"

static bool is_name_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       c == '.' || c == '_' || c == '-';
}

/* Length of the name args starts with, or 0 when its first word is none. */
static size_t name_length(const char *args)
{
	size_t n = 0;

	while (is_name_char(args[n]))
		n++;
	if (args[n] != '\0' && args[n] != ' ' && args[n] != '\t')
		return 0;	/* the word goes on with something else: '=', say */
	return n < GUEST_NAME_MAX ? n : 0;
}

void guest_name_of_module(const char *args, uint32_t index, char *buf, size_t size)
{
	size_t n;

	while (*args == ' ' || *args == '\t')
		args++;
	n = name_length(args);
	if (n == 0) {
		fmt_snprintf(buf, size, "module %u", index);
		return;
	}
	fmt_snprintf(buf, size, "%.*s", (int)n, args);
}
