# Guests: Multiboot2 kernels for i386 that skiff (or GRUB, on bare metal)
# boots, and one Multiboot 1 kernel, mb1 (in two forms: an ELF, and a flat
# binary for the a.out kludge).  Included from GNUmakefile, which gives BUILD, LD, WARNINGS and
# the quiet-build helpers Q and say.
#
# Each folder guests/<name>/ (except runtime/ and tools/) is one guest:
# its sources and those of guests/runtime/ link into $(BUILD)/guests/<name>.elf,
# an ELF32 executable loaded at 1 MiB (guests/runtime/linker.ld).  The
# image gets every guest at /boot/guests/<name>.elf, and the default guest
# (BUILTIN_GUEST) is also linked into skiff by kernel/vm/builtin_guest.S.

GUESTS        := $(filter-out runtime tools,$(notdir $(patsubst %/,%,$(wildcard guests/*/))))
# Multiboot 1 guests link guests/<name>/header.S instead of the runtime's
# Multiboot2 header, so a loader finds theirs only; mb2check skips them.
MB1_GUESTS    := mb1
MB2_GUESTS    := $(filter-out $(MB1_GUESTS),$(GUESTS))
GUEST_ELFS    := $(patsubst %,$(BUILD)/guests/%.elf,$(GUESTS))
# The same guests as flat binaries whose header asks for the a.out kludge:
# guests/<name>/header.S built with -DMB1_AOUT, the ELF objcopied.
GUEST_BINS    := $(patsubst %,$(BUILD)/guests/%-aout.bin,$(MB1_GUESTS))

# 32-bit, freestanding, general registers only (no x87/MMX/SSE state for
# the guest to manage), no PIC: a guest runs where it is linked.  -Ikernel
# for the two headers shared with skiff: boot/multiboot2.h and
# vm/hypercall_abi.h.
GUEST_CFLAGS  := -m32 -std=gnu11 -O2 -g $(WARNINGS) -ffreestanding -fno-builtin \
                 -fno-stack-protector -fno-pic -fno-pie -mgeneral-regs-only \
                 -mno-mmx -mno-sse -mno-sse2 -fno-omit-frame-pointer \
                 -fno-asynchronous-unwind-tables -fno-tree-loop-distribute-patterns \
                 -Iguests/runtime -Ikernel -MMD -MP
GUEST_ASFLAGS := $(GUEST_CFLAGS) -D__ASSEMBLY__
GUEST_LDFLAGS := -m elf_i386 -nostdlib -static -no-pie -z max-page-size=0x1000 \
                 -z noexecstack -T guests/runtime/linker.ld

guest_srcs     = $(sort $(wildcard guests/$(1)/*.c guests/$(1)/*.S))
guest_objs     = $(patsubst %,$(BUILD)/%.o,$(call guest_srcs,$(1)))
GUEST_RT_OBJS := $(call guest_objs,runtime)
MB2_HEADER_OBJ := $(BUILD)/guests/runtime/mb2_header.S.o
GUEST_RT_MB1_OBJS := $(filter-out $(MB2_HEADER_OBJ),$(GUEST_RT_OBJS))
GUEST_OBJS    := $(GUEST_RT_OBJS) $(foreach g,$(GUESTS),$(call guest_objs,$(g)))
aout_header   = $(BUILD)/guests/$(1)/header-aout.S.o
aout_objs     = $(call aout_header,$(1)) $(filter-out %/header.S.o,$(call guest_objs,$(1)))
MB2CHECK      := $(BUILD)/guests/mb2check

# Test fixtures, not guests (the boot cases use them; the image has none):
# mb1-aout.bin with its header's checksum zeroed, which skiff must refuse;
# the selftest linked at 16 MiB, where Linux and many Multiboot kernels
# load, and skiff's image used to lie; the selftest cut after 16 KiB, its
# segments' bytes missing, which skiff must refuse;
# pattern.bin, a module whose every byte a guest can check
# (guests/runtime/module_pattern.h): 3 MiB and a part page, big enough
# that GRUB's low placement of it reaches past 5 MiB, as a Linux initrd's
# does, and with a tail that is not a whole page.
PATTERN_SIZE  := 3146962
MKPATTERN     := $(BUILD)/guests/mkpattern
GUEST_FIXTURES := $(BUILD)/guests/mb1-badsum.bin $(BUILD)/guests/selftest-16m.elf \
                  $(BUILD)/guests/selftest-cut.elf $(BUILD)/guests/pattern.bin

.PHONY: guests
guests: $(GUEST_ELFS) $(GUEST_BINS) $(GUEST_FIXTURES)

# Static pattern rules, so the kernel's $(BUILD)/%.c.o rule (64-bit
# flags) never builds a guest object.
$(filter %.c.o,$(GUEST_OBJS)): $(BUILD)/%.c.o: %.c
	@mkdir -p $(dir $@)
	$(call say,CC,$<)
	$(Q)$(CC) $(GUEST_CFLAGS) -c $< -o $@

$(filter %.S.o,$(GUEST_OBJS)): $(BUILD)/%.S.o: %.S
	@mkdir -p $(dir $@)
	$(call say,AS,$<)
	$(Q)$(CC) $(GUEST_ASFLAGS) -c $< -o $@

# A guest links, then the host tool checks its ELF and Multiboot2 headers
# the way skiff's loader will; a broken header fails the build here.
# mb2check's summary of a good guest shows with V=1; its errors always.
define guest_rule
$(BUILD)/guests/$(1).elf: $(GUEST_RT_OBJS) $(call guest_objs,$(1)) guests/runtime/linker.ld $(MB2CHECK)
	$$(call say,LD,$$@)
	$$(Q)$$(LD) $$(GUEST_LDFLAGS) -o $$@.tmp $(GUEST_RT_OBJS) $(call guest_objs,$(1))
	$$(call say,MB2CHK,$$@)
	$$(Q)$(MB2CHECK) $$@.tmp $$(if $$(Q),>/dev/null)
	$$(Q)mv $$@.tmp $$@
endef
$(foreach g,$(MB2_GUESTS),$(eval $(call guest_rule,$(g))))

# A Multiboot 1 guest: no Multiboot2 header, no mb2check; skiff's loader
# checks its header (kernel/vm/mb1_load.c), and the boot cases run it.
define mb1_guest_rule
$(BUILD)/guests/$(1).elf: $(GUEST_RT_MB1_OBJS) $(call guest_objs,$(1)) guests/runtime/linker.ld
	$$(call say,LD,$$@)
	$$(Q)$$(LD) $$(GUEST_LDFLAGS) -o $$@ $(GUEST_RT_MB1_OBJS) $(call guest_objs,$(1))

$(call aout_header,$(1)): guests/$(1)/header.S
	@mkdir -p $$(dir $$@)
	$$(call say,AS,$$@)
	$$(Q)$$(CC) $$(GUEST_ASFLAGS) -DMB1_AOUT -c $$< -o $$@

$(BUILD)/guests/$(1)-aout.bin: $(GUEST_RT_MB1_OBJS) $(call aout_objs,$(1)) guests/runtime/linker.ld
	$$(call say,LD,$$@)
	$$(Q)$$(LD) $$(GUEST_LDFLAGS) -o $$(@:.bin=.elf.tmp) $(GUEST_RT_MB1_OBJS) $(call aout_objs,$(1))
	$$(Q)$$(OBJCOPY) -O binary $$(@:.bin=.elf.tmp) $$@
endef
$(foreach g,$(MB1_GUESTS),$(eval $(call mb1_guest_rule,$(g))))

# The header is the binary's first 12 bytes: the checksum is bytes 8..11.
$(BUILD)/guests/mb1-badsum.bin: $(BUILD)/guests/mb1-aout.bin
	$(call say,GEN,$@)
	$(Q)cp $< $@.tmp
	$(Q)printf '\000\000\000\000' | dd of=$@.tmp bs=1 seek=8 conv=notrunc status=none
	$(Q)mv $@.tmp $@

$(BUILD)/guests/selftest-16m.elf: $(GUEST_RT_OBJS) $(call guest_objs,selftest) guests/runtime/linker.ld $(MB2CHECK)
	$(call say,LD,$@)
	$(Q)$(LD) --defsym guest_link_base=0x1000000 $(GUEST_LDFLAGS) -o $@.tmp \
		$(GUEST_RT_OBJS) $(call guest_objs,selftest)
	$(Q)$(MB2CHECK) $@.tmp $(if $(Q),>/dev/null)
	$(Q)mv $@.tmp $@

$(BUILD)/guests/selftest-cut.elf: $(BUILD)/guests/selftest.elf
	$(call say,GEN,$@)
	$(Q)head -c 16384 $< >$@.tmp
	$(Q)mv $@.tmp $@

$(BUILD)/guests/pattern.bin: $(MKPATTERN)
	$(call say,GEN,$@)
	$(Q)$(MKPATTERN) $@.tmp $(PATTERN_SIZE)
	$(Q)mv $@.tmp $@

$(MKPATTERN): guests/tools/mkpattern.c guests/runtime/module_pattern.h
	@mkdir -p $(dir $@)
	$(call say,HOSTCC,$@)
	$(Q)$(HOSTCC) -std=gnu11 -O2 $(WARNINGS) -iquote guests/runtime -o $@ $<

$(MB2CHECK): guests/tools/mb2check.c kernel/boot/multiboot2.h
	@mkdir -p $(dir $@)
	$(call say,HOSTCC,$@)
	$(Q)$(HOSTCC) -std=gnu11 -O2 $(WARNINGS) -Ikernel -o $@ $<

# ---- the built-in guest, linked into skiff ----
# kernel/vm/builtin_guest.h names it; read the name from there so the two
# cannot disagree.  builtin_guest.S .incbins the ELF whose path it is given.
BUILTIN_GUEST := $(shell sed -n 's/^.define BUILTIN_GUEST_NAME[[:space:]]*"\(.*\)".*/\1/p' kernel/vm/builtin_guest.h)
BUILTIN_GUEST_ELF := $(BUILD)/guests/$(BUILTIN_GUEST).elf

$(BUILD)/kernel/vm/builtin_guest.S.o: $(BUILTIN_GUEST_ELF)
$(BUILD)/kernel/vm/builtin_guest.S.o: KASFLAGS += -DBUILTIN_GUEST_ELF='"$(abspath $(BUILTIN_GUEST_ELF))"'

-include $(GUEST_OBJS:.o=.d)
