# The SVM exit table: every #VMEXIT code covered, slots, names.
test_svm_exit_table_SRCS := kernel/svm/exit_table.c kernel/svm/diag/exit_code_names.c
