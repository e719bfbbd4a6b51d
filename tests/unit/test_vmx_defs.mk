# VMCS encodings and accessors (against tests/unit/vmcs_fake.c), exit
# reasons, VM-instruction errors, capability MSR decoding.
test_vmx_defs_SRCS := kernel/vmx/diag/exit_reason_names.c kernel/vmx/diag/vm_error.c kernel/vmx/caps.c \
                      kernel/vmx/diag/vmcs_names.c tests/unit/vmcs_fake.c
