# CR0/CR4 writes decoded from the guest's bytes (no decode assists).
test_svm_cr_insn_SRCS := kernel/svm/cr_insn.c
