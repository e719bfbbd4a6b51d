# The CPUID and VMCALL fast paths (kernel/vmx/exit_fast.c) against
# tests/unit/vmcs_fake.c, with the guest model's console and memory checks.
test_exit_fast_SRCS := kernel/vmx/exit_fast.c kernel/vmx/diag/vmcs_names.c kernel/vm/gconsole.c \
                       tests/unit/vmcs_fake.c
