# Intercepted instructions' lengths for CPUs without NRIP save.
test_svm_insn_len_SRCS := kernel/svm/insn_len.c
