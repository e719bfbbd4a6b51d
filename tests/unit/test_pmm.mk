test_pmm_SRCS := kernel/mm/pmm.c
