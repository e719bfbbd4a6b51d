/* Broken invariants of skiff itself.  Anything a guest or the firmware can
 * cause is a reported outcome instead, never a panic (docs/style.md rule 7). */
#ifndef SKIFF_PANIC_H
#define SKIFF_PANIC_H

__attribute__((noreturn, format(printf, 1, 2)))
void panic(const char *fmt, ...);

#endif
