#include <stdarg.h>

#include "lib/printf.h"
#include "panic.h"
#include "power.h"

void panic(const char *fmt, ...)
{
	va_list ap;

	kprintf("\nskiff: PANIC: ");
	va_start(ap, fmt);
	kvprintf(fmt, ap);
	va_end(ap);
	kprintf("\nskiff: this is a bug in skiff itself (caller %p)\n", __builtin_return_address(0));
	system_stop(STOP_STATUS_PANIC);
}
