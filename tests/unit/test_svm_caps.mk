# The SVM capability decision: CPUID, VM_CR, and what each verdict says.
test_svm_caps_SRCS := kernel/svm/caps.c
