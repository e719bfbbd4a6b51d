/*
 * Must NOT compile: an exit reason listed twice in the exit table (here
 * PAUSE's line made a second MWAIT line, leaving PAUSE without an entry).
 * -Woverride-init (part of -Wextra, an error under -Werror) is one half of
 * exit_table.c's completeness proof; its entry count is the other.
 * right-define: EXIT_TABLE_AS_IS
 * expect: initialized field overwritten
 */
#include "vmx/exit_reason.h"

#ifndef EXIT_TABLE_AS_IS
#define EXIT_REASON_PAUSE EXIT_REASON_MWAIT
#endif

#include "../../../kernel/vmx/exit_table.c"
