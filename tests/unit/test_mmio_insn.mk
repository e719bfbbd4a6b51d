test_mmio_insn_SRCS := kernel/vm/mmio_insn.c
