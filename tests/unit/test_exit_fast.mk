# The CPUID fast path (kernel/vmx/exit_fast.c) against tests/unit/vmcs_fake.c.
test_exit_fast_SRCS := kernel/vmx/exit_fast.c kernel/vmx/vmcs.c tests/unit/vmcs_fake.c
