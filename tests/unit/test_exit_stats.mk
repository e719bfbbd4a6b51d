# The exit-count table printed at the end of a guest's run.
test_exit_stats_SRCS := kernel/vm/exit_stats.c
