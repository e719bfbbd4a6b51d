test_hypercall_SRCS := kernel/vm/hypercall.c kernel/vm/guest_mem.c kernel/vm/gconsole.c
