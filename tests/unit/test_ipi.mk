test_ipi_SRCS := kernel/vm/ipi.c
