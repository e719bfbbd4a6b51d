#include "support.h"

#include <string.h>

#include "config.h"
#include "cpu.h"
#include "drivers/lapic.h"
#include "lib/errno.h"
#include "smp.h"

/*
 * The pure parts of the AP start-up: the ICR values of INIT-SIPI-SIPI
 * (SDM Vol. 3A 11.6.1, 9.4.4.1), the CPU index from TR, the choice of the
 * trampoline's low page from a memory map, its parameter block, and the
 * boot line.
 */

#define T(f) cmocka_unit_test(f)

static void test_init_ipi_is_init_level_assert_edge_physical(void **state)
{
	(void)state;
	assert_int_equal(lapic_icr_init(), 0x4500);
}

static void test_startup_ipi_carries_the_page_number(void **state)
{
	(void)state;
	assert_int_equal(lapic_icr_startup(0x01), 0x4601);
	assert_int_equal(lapic_icr_startup(0x9f), 0x469f);
}

static void test_nmi_ipi_has_delivery_mode_nmi(void **state)
{
	(void)state;
	assert_int_equal(lapic_icr_nmi(), 0x4400);
}

static void test_destination_goes_to_the_mode_s_bits(void **state)
{
	(void)state;
	/* xAPIC: bits 63:56 (ICR_HIGH 31:24); x2APIC: bits 63:32. */
	assert_int_equal(lapic_icr_value(0x4500, 3, false), 0x0300000000004500ull);
	assert_int_equal(lapic_icr_value(0x4500, 0x1234, true), 0x0000123400004500ull);
}

static void test_each_cpu_has_its_own_tss_selector_and_finds_its_index(void **state)
{
	(void)state;
	assert_int_equal(cpu_tss_selector(0), SEL_TSS);
	assert_int_equal(cpu_tss_selector(1), SEL_TSS + 16);
	for (unsigned i = 0; i < CONFIG_MAX_CPUS; i++)
		assert_int_equal(cpu_index_from_tr(cpu_tss_selector(i)), i);
	assert_int_equal(cpu_index_from_tr(0), 0);	/* before gdt_init() */
	/* The whole GDT stays within a descriptor table's 64 KiB limit. */
	assert_true(cpu_tss_selector(CONFIG_MAX_CPUS - 1) + 16 <= 0x10000);
}

static const struct mem_range bochs_map[] = {
	{ 0x0, 0x9f000, MEM_USABLE },
	{ 0x9f000, 0x1000, MEM_RESERVED },
	{ 0xe8000, 0x18000, MEM_RESERVED },
	{ 0x100000, 0x1fef0000, MEM_USABLE },
};

static void test_the_lowest_free_page_above_page_0_is_taken(void **state)
{
	(void)state;
	assert_int_equal(smp_pick_trampoline_page(bochs_map, 4, NULL, 0), 0x1000);
}

static void test_pages_skiff_keeps_are_skipped(void **state)
{
	struct phys_range avoid[] = { { 0x1000, 0x3000 }, { 0x3800, 0x3900 } };

	(void)state;
	assert_int_equal(smp_pick_trampoline_page(bochs_map, 4, avoid, 2), 0x4000);
}

static void test_reserved_wins_over_usable_where_they_overlap(void **state)
{
	const struct mem_range map[] = {
		{ 0x0, 0x9f000, MEM_USABLE },
		{ 0x1800, 0x100, MEM_RESERVED },	/* inside page 0x1000 */
		{ 0x2000, 0x1000, MEM_ACPI_NVS },
	};

	(void)state;
	assert_int_equal(smp_pick_trampoline_page(map, 3, NULL, 0), 0x3000);
}

static void test_a_page_must_be_wholly_usable_and_below_640_kib(void **state)
{
	const struct mem_range half[] = {
		{ 0x1000, 0x800, MEM_USABLE },		/* half a page */
		{ 0x9f000, 0x1000, MEM_USABLE },	/* the last page below 640 KiB */
		{ 0xa0000, 0x20000, MEM_USABLE },	/* nonsense, and above the limit */
	};
	const struct mem_range none[] = { { 0x100000, 0x1000000, MEM_USABLE } };

	(void)state;
	assert_int_equal(smp_pick_trampoline_page(half, 3, NULL, 0), 0x9f000);
	assert_int_equal(smp_pick_trampoline_page(none, 1, NULL, 0), 0);
	assert_int_equal(smp_pick_trampoline_page(NULL, 0, NULL, 0), 0);
}

static void test_an_entry_that_wraps_is_clipped_not_trusted(void **state)
{
	const struct mem_range map[] = {
		{ 0x5000, ~0ull, MEM_USABLE },		/* wraps past 2^64 */
		{ 0x0, 0x5000, MEM_RESERVED },
	};

	(void)state;
	assert_int_equal(smp_pick_trampoline_page(map, 2, NULL, 0), 0x5000);
}

static void test_parameter_block_copies_the_bsp_s_paging(void **state)
{
	struct smp_cpu_regs r = {
		.cr0 = 0x80010033, .cr3 = 0x1eff9000,
		.cr4 = 0x20 | (1ull << 17) | (1ull << 13) | (1ull << 18),	/* PAE PCIDE VMXE OSXSAVE */
		.efer = 0xd01,	/* SCE LME LMA NXE */
	};
	struct smp_tramp_params p;

	(void)state;
	assert_int_equal(smp_tramp_params_fill(&p, 0x8000, &r, 0x24, 0x66, 0x1234560), 0);
	assert_int_equal(p.cr3, 0x1eff9000);
	assert_int_equal(p.cr0, 0x80010033);
	assert_int_equal(p.cr4, 0x20 | (1ull << 18));	/* no PCIDE outside IA-32e mode, no VMXE */
	assert_int_equal(p.efer, 0x900);		/* LME and NXE only */
	assert_int_equal(p.boot, 0x1234560);
	assert_int_equal(p.pm_jump.offset, 0x8024);
	assert_int_equal(p.pm_jump.selector, TRAMP_SEL_CODE32);
	assert_int_equal(p.lm_jump.offset, 0x8066);
	assert_int_equal(p.lm_jump.selector, TRAMP_SEL_CODE64);
	assert_int_equal(p.gdt_base, 0x8000 + TRAMP_GDT);
	assert_int_equal(p.gdt_limit, TRAMP_GDT_SIZE - 1);
}

static void test_parameter_block_refuses_what_32_bit_code_cannot_reach(void **state)
{
	struct smp_cpu_regs r = { .cr0 = 0x80000011, .cr3 = 0x100000000ull, .cr4 = 0x20 };
	struct smp_tramp_params p;

	(void)state;
	assert_int_equal(smp_tramp_params_fill(&p, 0x8000, &r, 0, 0, 0), -ERANGE);
	r.cr3 = 0x1000;
	assert_int_equal(smp_tramp_params_fill(&p, 0x8800, &r, 0, 0, 0), -ERANGE);
}

static void test_parked_line_names_the_aps(void **state)
{
	const uint32_t one[] = { 1 }, three[] = { 1, 2, 3 };
	char buf[128];

	(void)state;
	smp_format_parked(buf, sizeof(buf), SMP_HELD_VMX, one, 1);
	assert_string_equal(buf, "1 AP started and parked in VMX root (APIC IDs 1)");
	smp_format_parked(buf, sizeof(buf), SMP_HELD_VMX, three, 3);
	assert_string_equal(buf, "3 APs started and parked in VMX root (APIC IDs 1, 2, 3)");
	smp_format_parked(buf, sizeof(buf), SMP_HELD_SVM, one, 1);
	assert_string_equal(buf, "1 AP started and parked with SVM on and GIF clear (APIC IDs 1)");
}

static void test_parked_line_stays_within_its_buffer(void **state)
{
	uint32_t ids[CONFIG_MAX_CPUS];
	char buf[80];

	(void)state;
	for (unsigned i = 0; i < CONFIG_MAX_CPUS; i++)
		ids[i] = 1000 + i;
	smp_format_parked(buf, sizeof(buf), SMP_HELD_VMX, ids, CONFIG_MAX_CPUS - 1);
	assert_true(strlen(buf) < sizeof(buf));
	assert_non_null(strstr(buf, ", ...)"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_init_ipi_is_init_level_assert_edge_physical),
		T(test_startup_ipi_carries_the_page_number),
		T(test_nmi_ipi_has_delivery_mode_nmi),
		T(test_destination_goes_to_the_mode_s_bits),
		T(test_each_cpu_has_its_own_tss_selector_and_finds_its_index),
		T(test_the_lowest_free_page_above_page_0_is_taken),
		T(test_pages_skiff_keeps_are_skipped),
		T(test_reserved_wins_over_usable_where_they_overlap),
		T(test_a_page_must_be_wholly_usable_and_below_640_kib),
		T(test_an_entry_that_wraps_is_clipped_not_trusted),
		T(test_parameter_block_copies_the_bsp_s_paging),
		T(test_parameter_block_refuses_what_32_bit_code_cannot_reach),
		T(test_parked_line_names_the_aps),
		T(test_parked_line_stays_within_its_buffer),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
