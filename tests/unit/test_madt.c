#include "support.h"

#include <stdbool.h>
#include <string.h>

#include "drivers/acpi.h"
#include "drivers/madt.h"
#include "lib/errno.h"

/*
 * MADTs built byte by byte from ACPI 6.4 5.2.12, parsed by madt_parse();
 * madt_init() is fed by the acpi_table() below, which hands out whatever
 * the test set up (or an error, as acpi.c would).
 */

static uint8_t tbl[16384];
static size_t tlen;
static struct madt_info m;

static int lookup_result;	/* what acpi_table() returns */

int acpi_table(const char *sig, const void **table, size_t *avail)
{
	assert_memory_equal(sig, "APIC", 4);
	if (lookup_result)
		return lookup_result;
	*table = tbl;
	*avail = tlen;
	return 0;
}

static void put32(size_t at, uint32_t v)
{
	memcpy(tbl + at, &v, sizeof(v));
}

static void put(const void *bytes, size_t n)
{
	memcpy(tbl + tlen, bytes, n);
	tlen += n;
}

/* The header, with the local APIC address; entries follow. */
static void begin(uint32_t lapic, uint32_t flags)
{
	memset(tbl, 0, sizeof(tbl));
	memcpy(tbl, "APIC", 4);
	tbl[8] = 5;				/* revision */
	memcpy(tbl + 10, "SKIFFT", 6);
	memcpy(tbl + 16, "UNITTEST", 8);
	put32(MADT_LAPIC_ADDR_OFFSET, lapic);
	put32(MADT_FLAGS_OFFSET, flags);
	tlen = MADT_HEADER_SIZE;
}

/* The length, then the checksum over it (5.2.6). */
static void finish_len(uint32_t len)
{
	uint8_t s = 0;

	put32(4, len);
	tbl[9] = 0;
	for (uint32_t i = 0; i < len; i++)
		s += tbl[i];
	tbl[9] = (uint8_t)(0 - s);
}

static void finish(void)
{
	finish_len((uint32_t)tlen);
}

static void lapic(uint8_t uid, uint8_t id, uint32_t flags)
{
	uint8_t e[8] = { MADT_TYPE_LOCAL_APIC, 8, uid, id };

	memcpy(e + 4, &flags, 4);
	put(e, sizeof(e));
}

static void x2apic(uint32_t id, uint32_t flags, uint32_t uid)
{
	uint8_t e[16] = { MADT_TYPE_LOCAL_X2APIC, 16 };

	memcpy(e + 4, &id, 4);
	memcpy(e + 8, &flags, 4);
	memcpy(e + 12, &uid, 4);
	put(e, sizeof(e));
}

static void io_apic(uint8_t id, uint32_t addr, uint32_t gsi)
{
	uint8_t e[12] = { MADT_TYPE_IO_APIC, 12, id };

	memcpy(e + 4, &addr, 4);
	memcpy(e + 8, &gsi, 4);
	put(e, sizeof(e));
}

static void addr_override(uint64_t addr)
{
	uint8_t e[12] = { MADT_TYPE_LAPIC_ADDR_OVERRIDE, 12 };

	memcpy(e + 4, &addr, 8);
	put(e, sizeof(e));
}

static int parse(void)
{
	return madt_parse(tbl, tlen, &m);
}

static void assert_line(const char *want)
{
	char line[128];

	madt_format(&m, line, sizeof(line));
	assert_string_equal(line, want);
}

/* The table as built, refused with err and a line that says why. */
#define assert_refused(err, message)	assert_refused_by(parse(), err, message)

static int setup(void **state)
{
	(void)state;
	memset(&m, 0xa5, sizeof(m));	/* parse must fill it all */
	lookup_result = 0;
	begin(0xfee00000, MADT_PCAT_COMPAT);
	log_reset();
	return 0;
}

/* ---- what is found ---- */

static void test_enabled_local_apics_are_the_cpus(void **state)
{
	(void)state;
	lapic(0, 0, MADT_LAPIC_ENABLED);
	lapic(1, 1, MADT_LAPIC_ENABLED);
	finish();
	assert_int_equal(parse(), 0);
	assert_true(m.found);
	assert_int_equal(m.cpu_count, 2);
	assert_int_equal(m.cpus[0].apic_id, 0);
	assert_int_equal(m.cpus[1].apic_id, 1);
	assert_int_equal(m.cpus[1].uid, 1);
	assert_int_equal(m.cpus[1].flags, MADT_CPU_ENABLED);
	assert_int_equal(m.online_capable + m.x2apic + m.disabled, 0);
	assert_int_equal(m.lapic_address, 0xfee00000);
	assert_false(m.lapic_overridden);
	assert_int_equal(m.flags, MADT_PCAT_COMPAT);
	assert_line("skiff: cpus: 2 in the MADT (APIC IDs 0, 1), local APIC at 0xfee00000");
	/* smp.c refuses to start APs when the BSP is not among them. */
	assert_true(madt_has_cpu(&m, 0));
	assert_true(madt_has_cpu(&m, 1));
	assert_false(madt_has_cpu(&m, 2));
}

static void test_online_capable_counts_and_disabled_does_not(void **state)
{
	(void)state;
	lapic(0, 0, MADT_LAPIC_ENABLED);
	lapic(1, 2, 0);				/* disabled: never used */
	lapic(2, 4, MADT_LAPIC_ONLINE_CAPABLE);
	lapic(3, 0, 0);				/* a disabled duplicate is no matter */
	finish();
	assert_int_equal(parse(), 0);
	assert_int_equal(m.cpu_count, 2);
	assert_int_equal(m.disabled, 2);
	assert_int_equal(m.online_capable, 1);
	assert_int_equal(m.cpus[1].apic_id, 4);
	assert_int_equal(m.cpus[1].uid, 2);
	assert_int_equal(m.cpus[1].flags, MADT_CPU_ONLINE_CAPABLE);
	assert_line("skiff: cpus: 2 in the MADT (APIC IDs 0, 4), local APIC at 0xfee00000");
}

static void test_x2apic_entries_are_cpus_too(void **state)
{
	(void)state;
	lapic(0, 0, MADT_LAPIC_ENABLED);
	x2apic(300, MADT_LAPIC_ENABLED, 77);
	x2apic(301, MADT_LAPIC_ONLINE_CAPABLE, 78);
	x2apic(302, 0, 79);
	finish();
	assert_int_equal(parse(), 0);
	assert_int_equal(m.cpu_count, 3);
	assert_int_equal(m.x2apic, 2);
	assert_int_equal(m.disabled, 1);
	assert_int_equal(m.cpus[1].apic_id, 300);
	assert_int_equal(m.cpus[1].uid, 77);
	assert_int_equal(m.cpus[1].flags, MADT_CPU_X2APIC | MADT_CPU_ENABLED);
	assert_int_equal(m.cpus[2].flags, MADT_CPU_X2APIC | MADT_CPU_ONLINE_CAPABLE);
	assert_line("skiff: cpus: 3 in the MADT (APIC IDs 0, 300, 301), local APIC at 0xfee00000");
}

static void test_address_override_replaces_the_header_address(void **state)
{
	(void)state;
	lapic(0, 0, MADT_LAPIC_ENABLED);
	addr_override(0x123fee00000ull);
	finish();
	assert_int_equal(parse(), 0);
	assert_true(m.lapic_overridden);
	assert_int_equal(m.lapic_address, 0x123fee00000ull);
	assert_line("skiff: cpus: 1 in the MADT (APIC IDs 0), local APIC at 0x123fee00000");
}

static void test_io_apics_and_interrupt_wiring_are_recorded(void **state)
{
	static const uint8_t iso[10] = { MADT_TYPE_INT_OVERRIDE, 10, 0, 0, 2 };
	static const uint8_t nmi_src[8] = { MADT_TYPE_NMI_SOURCE, 8, 0, 0, 9 };
	static const uint8_t lnmi[6] = { MADT_TYPE_LOCAL_APIC_NMI, 6, 0xff, 5, 0, 1 };
	static const uint8_t x2nmi[12] = { MADT_TYPE_LOCAL_X2APIC_NMI, 12, 5, 0, 0xff, 0xff,
					   0xff, 0xff, 1 };

	(void)state;
	lapic(0, 0, MADT_LAPIC_ENABLED);
	for (uint8_t i = 0; i < MADT_MAX_IO_APICS + 1; i++)
		io_apic(i + 1, 0xfec00000 + i * 0x1000u, i * 24u);
	put(iso, sizeof(iso));
	put(iso, sizeof(iso));
	put(nmi_src, sizeof(nmi_src));
	put(lnmi, sizeof(lnmi));
	put(x2nmi, sizeof(x2nmi));
	finish();
	assert_int_equal(parse(), 0);
	assert_int_equal(m.io_apic_count, MADT_MAX_IO_APICS + 1);
	assert_int_equal(m.io_apics[0].id, 1);
	assert_int_equal(m.io_apics[0].address, 0xfec00000);
	assert_int_equal(m.io_apics[0].gsi_base, 0);
	assert_int_equal(m.io_apics[MADT_MAX_IO_APICS - 1].gsi_base, (MADT_MAX_IO_APICS - 1) * 24);
	assert_int_equal(m.int_overrides, 2);
	assert_int_equal(m.nmi_sources, 1);
	assert_int_equal(m.lapic_nmis, 2);
	assert_int_equal(m.cpu_count, 1);
}

/* A type ACPI adds later, or a longer version of a known one, is
 * stepped over by its length and what follows is still read. */
static void test_unknown_and_longer_entries_are_skipped_by_length(void **state)
{
	static const uint8_t future[5] = { 0x7f, 5, 0xde, 0xad, 0xff };
	uint8_t longer[10] = { MADT_TYPE_LOCAL_APIC, 10, 1, 1, MADT_LAPIC_ENABLED, 0, 0, 0, 0xaa, 0xbb };

	(void)state;
	lapic(0, 0, MADT_LAPIC_ENABLED);
	put(future, sizeof(future));
	put(longer, sizeof(longer));
	lapic(2, 2, MADT_LAPIC_ENABLED);
	finish();
	assert_int_equal(parse(), 0);
	assert_int_equal(m.unknown, 1);
	assert_int_equal(m.cpu_count, 3);
	assert_int_equal(m.cpus[2].apic_id, 2);
}

static void test_boot_line_stays_under_100_characters(void **state)
{
	char line[256];

	(void)state;
	for (uint32_t i = 0; i < CONFIG_MAX_CPUS; i++)
		x2apic(4000000000u + i, MADT_LAPIC_ENABLED, i);
	addr_override(0xfffffffffffff000ull);
	finish();
	assert_int_equal(parse(), 0);
	madt_format(&m, line, sizeof(line));
	assert_true(strlen(line) < 100);
	assert_string_equal(line, "skiff: cpus: 64 in the MADT (APIC IDs 4000000000, ...), "
			    "local APIC at 0xfffffffffffff000");

	begin(0xfee00000, 0);
	for (uint32_t i = 0; i < CONFIG_MAX_CPUS; i++)
		lapic((uint8_t)i, (uint8_t)i, MADT_LAPIC_ENABLED);
	finish();
	assert_int_equal(parse(), 0);
	assert_line("skiff: cpus: 64 in the MADT (APIC IDs 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, "
		    "...), local APIC at 0xfee00000");
}

/* ---- malformed tables: named, and refused ---- */

static void test_bad_checksum_is_refused(void **state)
{
	(void)state;
	lapic(0, 0, MADT_LAPIC_ENABLED);
	finish();
	tbl[12] ^= 0x40;	/* 'I' of the OEM ID becomes 0x09: 0x40 less */
	assert_refused(-EBADMSG, "skiff: madt: checksum bad (the 52 bytes sum to 0xc0, not 0)");
}

static void test_bad_table_lengths_are_refused(void **state)
{
	(void)state;
	finish_len(40);
	assert_refused(-EINVAL, "skiff: madt: length 40 is shorter than its 44-byte header");

	lapic(0, 0, MADT_LAPIC_ENABLED);
	finish_len(60);
	assert_refused(-EINVAL, "skiff: madt: length 60 runs past the 52 bytes mapped");

	log_reset();
	assert_int_equal(madt_parse(tbl, 20, &m), -EINVAL);
	assert_log_contains("skiff: madt: 20 bytes, shorter than its 44-byte header");

	memcpy(tbl, "APIX", 4);
	finish();
	assert_refused(-EINVAL, "skiff: madt: the table's signature is not \"APIC\"");
}

static void test_entry_of_length_zero_is_refused(void **state)
{
	static const uint8_t zero[8] = { MADT_TYPE_LOCAL_APIC, 0 };

	(void)state;
	lapic(0, 0, MADT_LAPIC_ENABLED);
	put(zero, sizeof(zero));
	finish();
	assert_refused(-EBADMSG, "skiff: madt: entry 1 (type 0, Processor Local APIC) at offset 0x34 "
		       "has length 0");
}

static void test_entry_shorter_than_its_type_is_refused(void **state)
{
	static const uint8_t short_lapic[6] = { MADT_TYPE_LOCAL_APIC, 6, 0, 0, 1, 0 };
	static const uint8_t short_x2[12] = { MADT_TYPE_LOCAL_X2APIC, 12 };
	static const uint8_t one[2] = { 0x42, 1 };

	(void)state;
	put(short_lapic, sizeof(short_lapic));
	finish();
	assert_refused(-EBADMSG, "skiff: madt: entry 0 (type 0, Processor Local APIC) at offset 0x2c "
		       "has length 6, shorter than the 8 its type needs");

	begin(0xfee00000, 0);
	lapic(0, 0, MADT_LAPIC_ENABLED);
	put(short_x2, sizeof(short_x2));
	finish();
	assert_refused(-EBADMSG, "skiff: madt: entry 1 (type 9, Processor Local x2APIC) at offset "
		       "0x34 has length 12, shorter than the 16 its type needs");

	begin(0xfee00000, 0);
	put(one, sizeof(one));
	finish();
	assert_refused(-EBADMSG, "skiff: madt: entry 0 (type 66, a type skiff skips) at offset 0x2c "
		       "has length 1, shorter than the 2 its type needs");
}

static void test_entry_past_the_end_is_refused(void **state)
{
	(void)state;
	lapic(0, 0, MADT_LAPIC_ENABLED);
	io_apic(1, 0xfec00000, 0);
	finish_len((uint32_t)tlen - 4);
	tlen -= 4;
	assert_refused(-EBADMSG, "skiff: madt: entry 1 (type 1, I/O APIC) at offset 0x34 has length 12 "
		       "and runs past the table's end at 0x3c");
}

static void test_entry_header_past_the_end_is_refused(void **state)
{
	static const uint8_t tail[1] = { MADT_TYPE_LOCAL_APIC };

	(void)state;
	lapic(0, 0, MADT_LAPIC_ENABLED);
	put(tail, sizeof(tail));
	finish();
	assert_refused(-EBADMSG, "skiff: madt: entry 1 at offset 0x34 runs past the table's end at 0x35");
}

static void test_same_apic_id_twice_is_refused(void **state)
{
	(void)state;
	lapic(0, 0, MADT_LAPIC_ENABLED);
	lapic(1, 3, MADT_LAPIC_ENABLED);
	lapic(2, 3, MADT_LAPIC_ONLINE_CAPABLE);
	finish();
	assert_refused(-EEXIST, "skiff: madt: APIC ID 3 is listed twice (again in entry 2)");

	/* The same CPU as a local APIC and as an x2APIC entry (5.2.12.12). */
	begin(0xfee00000, 0);
	lapic(0, 7, MADT_LAPIC_ENABLED);
	x2apic(7, MADT_LAPIC_ENABLED, 0);
	finish();
	assert_refused(-EEXIST, "skiff: madt: APIC ID 7 is listed twice (again in entry 1)");
}

static void test_more_cpus_than_the_build_holds_are_refused(void **state)
{
	(void)state;
	for (uint32_t i = 0; i <= CONFIG_MAX_CPUS; i++)
		x2apic(i, MADT_LAPIC_ENABLED, i);
	finish();
	assert_refused(-E2BIG, "skiff: madt: more than 64 CPUs (CONFIG_MAX_CPUS): entry 64 "
		       "(APIC ID 64) is one too many");

	/* Disabled entries past the limit are no CPUs. */
	begin(0xfee00000, 0);
	for (uint32_t i = 0; i < CONFIG_MAX_CPUS; i++)
		x2apic(i, MADT_LAPIC_ENABLED, i);
	x2apic(CONFIG_MAX_CPUS, 0, 0);
	finish();
	assert_int_equal(parse(), 0);
	assert_int_equal(m.cpu_count, CONFIG_MAX_CPUS);
}

static void test_second_address_override_is_refused(void **state)
{
	(void)state;
	lapic(0, 0, MADT_LAPIC_ENABLED);
	addr_override(0xfee00000);
	addr_override(0xfed00000);
	finish();
	assert_refused(-EEXIST, "skiff: madt: entry 2 is a second Local APIC Address Override; "
		       "ACPI allows one");
}

static void test_table_without_a_usable_cpu_is_refused(void **state)
{
	(void)state;
	lapic(0, 0, 0);
	finish();
	assert_refused(-EINVAL, "skiff: madt: no CPU is enabled or online-capable (1 disabled)");
}

/* ---- at boot ---- */

static void test_boot_prints_the_cpus(void **state)
{
	(void)state;
	lapic(0, 0, MADT_LAPIC_ENABLED);
	lapic(1, 1, MADT_LAPIC_ONLINE_CAPABLE);
	finish();
	assert_int_equal(madt_init(), 0);
	assert_log_contains("skiff: cpus: 2 in the MADT (APIC IDs 0, 1), local APIC at 0xfee00000\n");
	assert_log_contains("skiff: cpus: 1 of them online-capable: not enabled now, the firmware "
			    "may bring them online later\n");
	assert_int_equal(madt_cpus()->cpu_count, 2);
}

static void test_no_madt_or_no_acpi_is_one_cpu(void **state)
{
	static const int why[] = { -ENOENT, -ENODEV };

	(void)state;
	for (size_t i = 0; i < sizeof(why) / sizeof(why[0]); i++) {
		log_reset();
		lookup_result = why[i];
		assert_int_equal(madt_init(), 0);
		assert_string_equal(unit_log, "skiff: cpus: no MADT; assuming one CPU\n");
		assert_false(madt_cpus()->found);
		assert_int_equal(madt_cpus()->cpu_count, 1);
		assert_int_equal(madt_cpus()->cpus[0].flags, MADT_CPU_ENABLED | MADT_CPU_ASSUMED);
	}
}

static void test_bad_madt_at_boot_stops(void **state)
{
	(void)state;
	lapic(0, 0, MADT_LAPIC_ENABLED);
	finish();
	tbl[9] ^= 1;
	assert_int_equal(madt_init(), -EBADMSG);
	assert_log_contains("skiff: madt: checksum bad");
	assert_log_contains("skiff: cpus: bad MADT; stopping: a CPU skiff does not hold is a CPU "
			    "the guest can take\n");
	assert_false(log_contains("skiff: cpus: 1 in the MADT"));

	/* Listed, but acpi.c could not map it: no guessing either. */
	log_reset();
	lookup_result = -EFAULT;
	assert_int_equal(madt_init(), -EFAULT);
	assert_log_contains("skiff: cpus: bad MADT; stopping");
}

#define T(fn) cmocka_unit_test_setup(fn, setup)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_enabled_local_apics_are_the_cpus),
		T(test_online_capable_counts_and_disabled_does_not),
		T(test_x2apic_entries_are_cpus_too),
		T(test_address_override_replaces_the_header_address),
		T(test_io_apics_and_interrupt_wiring_are_recorded),
		T(test_unknown_and_longer_entries_are_skipped_by_length),
		T(test_boot_line_stays_under_100_characters),
		T(test_bad_checksum_is_refused),
		T(test_bad_table_lengths_are_refused),
		T(test_entry_of_length_zero_is_refused),
		T(test_entry_shorter_than_its_type_is_refused),
		T(test_entry_past_the_end_is_refused),
		T(test_entry_header_past_the_end_is_refused),
		T(test_same_apic_id_twice_is_refused),
		T(test_more_cpus_than_the_build_holds_are_refused),
		T(test_second_address_override_is_refused),
		T(test_table_without_a_usable_cpu_is_refused),
		T(test_boot_prints_the_cpus),
		T(test_no_madt_or_no_acpi_is_one_cpu),
		T(test_bad_madt_at_boot_stops),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
