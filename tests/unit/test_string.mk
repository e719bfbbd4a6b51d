# The test builds kernel/lib/string.c into itself under other names (the
# host's memcpy and friends must stay the C library's), so it is listed as
# a prerequisite, not as a source to link.
test_string_SRCS :=
$(BUILD)/unit/test_string: kernel/lib/string.c
