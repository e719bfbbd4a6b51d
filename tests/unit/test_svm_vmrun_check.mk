# The software VMRUN consistency checker (APM 15.5.1) and the VMCB layout.
test_svm_vmrun_check_SRCS := kernel/svm/diag/vmrun_check.c
