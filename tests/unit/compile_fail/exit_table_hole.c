/*
 * Must NOT compile: an entry for a number the SDM leaves undefined (35,
 * here in place of PAUSE).  ENTRY() in exit_table.c refuses holes and
 * numbers past EXIT_REASON_MAX with a negative array size.
 * right-define: EXIT_TABLE_AS_IS
 * expect: size of unnamed array is negative
 */
#include "vmx/exit_reason.h"

#ifndef EXIT_TABLE_AS_IS
#define EXIT_REASON_PAUSE 35
#endif

#include "../../../kernel/vmx/exit_table.c"
