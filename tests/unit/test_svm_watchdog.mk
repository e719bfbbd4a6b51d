# The AMD-V watchdog (kernel/svm/watchdog.c): vCPUs in memory, the kick stood in.
test_svm_watchdog_SRCS := kernel/svm/watchdog.c kernel/vm/verdict.c kernel/lib/printf.c
