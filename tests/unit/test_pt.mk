# The page-table engine with the real formats: paging.c and ept.c hold them.
test_pt_SRCS := kernel/mm/pt.c kernel/mm/paging.c kernel/mm/ept.c kernel/mm/mtrr.c kernel/mm/table_tree.c
