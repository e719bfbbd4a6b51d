# The SVM I/O and MSR permission maps from the rules of kernel/vm.
test_svm_perm_maps_SRCS := kernel/svm/perm_maps.c kernel/vm/msr.c
