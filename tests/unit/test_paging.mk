test_paging_SRCS := kernel/mm/paging.c kernel/mm/pt.c kernel/mm/table_tree.c
