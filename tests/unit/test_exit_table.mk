# The exit dispatch table's coverage, and the exit-information decoders.
test_exit_table_SRCS := kernel/vmx/exit_table.c kernel/vmx/diag/exit_reason_names.c
