#ifndef SKIFF_DEBUG_H
#define SKIFF_DEBUG_H

/* Raises the named CPU exception in skiff itself ("ud", "pf", "gp"). */
void debug_fault(const char *kind);

#endif
