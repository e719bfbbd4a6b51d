/*
 * Must NOT compile: a #VMEXIT code listed twice in the SVM exit table
 * (here PAUSE's line made a second HLT line, leaving PAUSE without an
 * entry while the count of entries stays right).  -Woverride-init (part of
 * -Wextra, an error under -Werror) is one half of kernel/svm/exit_table.c's
 * completeness proof; its entry count is the other.
 * right-define: SVM_EXIT_TABLE_AS_IS
 * expect: initialized field overwritten
 */
#include "svm/exit_code.h"

#ifndef SVM_EXIT_TABLE_AS_IS
#define SVM_EXIT_PAUSE SVM_EXIT_HLT
#endif

#include "../../../kernel/svm/exit_table.c"
