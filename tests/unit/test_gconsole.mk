test_gconsole_SRCS := kernel/vm/gconsole.c
