/*
 * The name skiff gives a guest from its GRUB module's command line (the
 * words after "guest"): the first word when it is a name, else the
 * module's number.
 */
#include "support.h"

#include <string.h>

#include "vm/guest_name.h"

static const char *name_of(const char *args, uint32_t index)
{
	static char buf[GUEST_NAME_MAX];

	memset(buf, 'X', sizeof(buf));
	guest_name_of_module(args, index, buf, sizeof(buf));
	return buf;
}

static void test_first_word_names_the_guest(void **state)
{
	(void)state;
	assert_string_equal(name_of("selftest", 0), "selftest");
	assert_string_equal(name_of("selftest crash=ept", 0), "selftest");
	assert_string_equal(name_of("  my-os_2.1\tquiet", 3), "my-os_2.1");
}

/* "guest crash=ept": the first word is a setting for the guest. */
static void test_a_setting_is_not_a_name(void **state)
{
	(void)state;
	assert_string_equal(name_of("crash=ept", 0), "module 0");
	assert_string_equal(name_of("attack=nonfatal", 2), "module 2");
	assert_string_equal(name_of("=x", 1), "module 1");
}

static void test_no_words_no_name(void **state)
{
	(void)state;
	assert_string_equal(name_of("", 0), "module 0");
	assert_string_equal(name_of("   ", 7), "module 7");
}

/* A name goes into skiff's messages between parentheses and quotes. */
static void test_odd_characters_are_no_name(void **state)
{
	(void)state;
	assert_string_equal(name_of("\"selftest\"", 0), "module 0");
	assert_string_equal(name_of("a(b)", 0), "module 0");
	assert_string_equal(name_of("x\x1b[2J", 0), "module 0");
	assert_string_equal(name_of("/boot/guests/selftest.elf", 0), "module 0");
}

static void test_longest_name(void **state)
{
	char word[GUEST_NAME_MAX + 1];

	(void)state;
	memset(word, 'n', GUEST_NAME_MAX - 1);
	word[GUEST_NAME_MAX - 1] = '\0';
	assert_string_equal(name_of(word, 0), word);	/* 31 characters: kept whole */
	memset(word, 'n', GUEST_NAME_MAX);
	word[GUEST_NAME_MAX] = '\0';
	assert_string_equal(name_of(word, 4), "module 4");	/* never cut short */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_first_word_names_the_guest),
		cmocka_unit_test(test_a_setting_is_not_a_name),
		cmocka_unit_test(test_no_words_no_name),
		cmocka_unit_test(test_odd_characters_are_no_name),
		cmocka_unit_test(test_longest_name),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
