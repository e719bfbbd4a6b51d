/*
 * Must NOT compile: an entry for a code the APM does not define (A7h,
 * one past the last of the first run, here in place of IDLE_HLT).  ENTRY()
 * in kernel/svm/exit_table.c refuses it with a negative array size.
 * right-define: SVM_EXIT_TABLE_AS_IS
 * expect: size of unnamed array is negative
 */
#include "svm/exit_code.h"

#ifndef SVM_EXIT_TABLE_AS_IS
#define SVM_EXIT_IDLE_HLT 0xa7
#endif

#include "../../../kernel/svm/exit_table.c"
