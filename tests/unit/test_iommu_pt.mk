test_iommu_pt_SRCS := kernel/mm/iommu_pt.c kernel/mm/pt.c kernel/mm/range.c kernel/mm/table_tree.c
