# The SVM exit handlers against a VMCB in memory, kernel/vm stood in.
test_svm_handlers_SRCS := kernel/svm/handlers.c kernel/svm/msr.c kernel/svm/exit.c kernel/svm/insn_len.c \
                          kernel/svm/cr.c kernel/svm/cr_insn.c \
                          kernel/svm/exit_table.c kernel/svm/nmi.c kernel/svm/diag/exit_code_names.c kernel/vm/cpuid.c \
                          kernel/vm/msr.c kernel/vm/cr_rules.c kernel/vm/verdict.c kernel/lib/printf.c
