test_smp_SRCS := kernel/smp_plan.c kernel/lib/printf.c kernel/lib/string.c
