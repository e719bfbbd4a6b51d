test_paging_SRCS := kernel/mm/paging.c
