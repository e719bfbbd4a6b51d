# Fuzzing: clang libFuzzer harnesses for the parsers the guest or the
# firmware controls, built for the host with AddressSanitizer and UBSan.
# Included from GNUmakefile, which gives BUILD, .SECONDEXPANSION and the
# quiet-build helpers Q and say.
#
#   make fuzz          each harness for FUZZ_TIME seconds (default 60),
#                      from its seeds; findings in $(BUILD)/fuzz/findings/
#   make fuzz-smoke    each harness over its seeds and regressions plus a
#                      short fixed-seed mutation run (part of make test)
#
# tests/fuzz/fuzz_X.c is harness X; FUZZ_X_SRCS names the kernel sources
# it links.  tests/fuzz/run.sh runs them; tests/fuzz/README.md has the rest.

FUZZ_TIME ?= 60
FUZZ_CC   ?= clang

FUZZERS := bootinfo elf_load hypercall ports mb2_guest mb1_guest cmdline acpi madt dmar ivrs \
           cr_access mmio_insn guest_walk pci_filter linux_boot pvh

FUZZ_bootinfo_SRCS  := kernel/bootinfo.c
FUZZ_elf_load_SRCS  := kernel/vm/elf_load.c kernel/vm/guest_mem.c
FUZZ_hypercall_SRCS := kernel/vm/hypercall.c kernel/vm/guest_mem.c kernel/vm/gconsole.c
FUZZ_ports_SRCS     := kernel/vm/ports.c kernel/vm/uart_model.c kernel/vm/gconsole.c
FUZZ_mb2_guest_SRCS := kernel/vm/mb2_guest.c kernel/vm/guest_mem.c kernel/vm/guest_modules.c kernel/bootinfo.c
FUZZ_mb1_guest_SRCS := kernel/vm/mb1_load.c kernel/vm/mb1_guest.c kernel/vm/mb2_guest.c \
                       kernel/vm/elf_load.c kernel/vm/guest_mem.c kernel/vm/guest_modules.c
FUZZ_cmdline_SRCS   := kernel/cmdline.c kernel/cmdline_words.c kernel/lib/printf.c
FUZZ_acpi_SRCS      := kernel/drivers/acpi.c
FUZZ_madt_SRCS      := kernel/drivers/madt.c kernel/drivers/sdt.c kernel/lib/printf.c
FUZZ_dmar_SRCS      := kernel/drivers/dmar.c kernel/drivers/sdt.c kernel/lib/printf.c
FUZZ_ivrs_SRCS      := kernel/drivers/ivrs.c kernel/drivers/sdt.c kernel/lib/printf.c
FUZZ_mmio_insn_SRCS := kernel/vm/mmio_insn.c
FUZZ_guest_walk_SRCS := kernel/vm/guest_walk.c
FUZZ_linux_boot_SRCS := kernel/vm/linux_boot.c kernel/vm/guest_mem.c
FUZZ_pvh_SRCS       := kernel/vm/pvh.c
FUZZ_pci_filter_SRCS := kernel/vm/pci_filter.c kernel/drivers/pci.c kernel/lib/printf.c \
                        tests/fuzz/fuzz_pci_hooks.c
# The exit handlers live together in handlers.c and exit.c: what the
# CR-access path does not use is stubbed in fuzz_vmx_stubs.c.
FUZZ_cr_access_SRCS := kernel/vmx/handlers.c kernel/vmx/exit.c kernel/vmx/diag/report.c \
                       kernel/vm/cpuid.c kernel/vm/cr_rules.c kernel/vm/msr.c kernel/vm/verdict.c \
                       kernel/vm/exit_stats.c kernel/vm/platform.c kernel/vm/guest_walk.c \
                       kernel/vm/mmio_insn.c kernel/vmx/caps.c \
                       kernel/vmx/diag/vmcs_names.c kernel/vmx/exit_table.c kernel/vmx/diag/exit_reason_names.c \
                       kernel/vmx/diag/vm_error.c kernel/lib/printf.c tests/fuzz/fuzz_vmx_stubs.c tests/fuzz/fuzz_invvpid.c \
                       tests/unit/vmcs_fake.c

# -O1 -g as libFuzzer's documentation suggests; every sanitizer finding
# stops the run.  Kernel sources are built without -Werror: gcc enforces
# the warning set on them, and a warning only clang gives must not stop
# the fuzzing of code that is otherwise fine.  The harnesses use -Werror.
FUZZ_CFLAGS := -std=gnu11 -g -O1 -fsanitize=fuzzer,address,undefined \
               -fno-sanitize-recover=all -fno-omit-frame-pointer \
               -DSKIFF_HOST_TEST -Ikernel -Itests/fuzz -Itests/unit -MMD -MP
FUZZ_WARN   := -Wall -Wextra -Wshadow -Wundef
FUZZ_OBJ    := $(BUILD)/fuzz/obj
FUZZ_BINS   := $(patsubst %,$(BUILD)/fuzz/fuzz_%,$(FUZZERS))
fuzz_objs    = $(patsubst %.c,$(FUZZ_OBJ)/%.fo,tests/fuzz/fuzz_$(1).c tests/fuzz/fuzz_support.c $(FUZZ_$(1)_SRCS))

$(FUZZ_OBJ)/tests/fuzz/%.fo: tests/fuzz/%.c | deps-fuzz
	@mkdir -p $(dir $@)
	$(call say,FUZZCC,$<)
	$(Q)$(FUZZ_CC) $(FUZZ_CFLAGS) $(FUZZ_WARN) -Werror -c $< -o $@

# The host tests' VMCS (tests/unit/vmcs_fake.c), shared with the unit tests.
$(FUZZ_OBJ)/tests/unit/%.fo: tests/unit/%.c | deps-fuzz
	@mkdir -p $(dir $@)
	$(call say,FUZZCC,$<)
	$(Q)$(FUZZ_CC) $(FUZZ_CFLAGS) $(FUZZ_WARN) -Werror -c $< -o $@

$(FUZZ_OBJ)/kernel/%.fo: kernel/%.c | deps-fuzz
	@mkdir -p $(dir $@)
	$(call say,FUZZCC,$<)
	$(Q)$(FUZZ_CC) $(FUZZ_CFLAGS) $(FUZZ_WARN) -c $< -o $@

# Objects are shared between harnesses: keep them.
.SECONDARY: $(foreach f,$(FUZZERS),$(call fuzz_objs,$(f)))

$(BUILD)/fuzz/fuzz_%: $$(call fuzz_objs,$$*)
	$(call say,FUZZLD,$@)
	$(Q)$(FUZZ_CC) -fsanitize=fuzzer,address,undefined -o $@ $^

.PHONY: fuzz fuzz-smoke fuzz-build
fuzz-build: $(FUZZ_BINS)

fuzz: fuzz-build
	@BUILD=$(BUILD) tests/fuzz/run.sh fuzz $(FUZZ_TIME) $(FUZZERS)

fuzz-smoke: fuzz-build
	@BUILD=$(BUILD) tests/fuzz/run.sh smoke 0 $(FUZZERS)

-include $(shell find $(FUZZ_OBJ) -name '*.d' 2>/dev/null)
