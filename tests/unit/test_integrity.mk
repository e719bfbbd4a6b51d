test_integrity_SRCS := kernel/integrity.c
