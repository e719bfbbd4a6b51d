/* The guest's paging walked in software (vm/guest_walk.h): each paging
 * mode of SDM Vol. 3A chapter 4, large pages, entries not present, and
 * tables or pages outside guest RAM, which must never be read. */
#include "support.h"

#include <stdlib.h>
#include <string.h>

#include "vm/guest_walk.h"

#define MEM_BYTES	(4u << 20)	/* guest RAM: 0 .. 4 MiB, then a hole */
#define CR0_PG		(1ull << 31)
#define CR4_PSE		(1ull << 4)
#define CR4_PAE		(1ull << 5)
#define EFER_LMA	(1ull << 10)
#define P		1ull
#define RW		2ull
#define PS		0x80ull

static uint8_t *ram;
static const struct phys_range ranges[] = { { .base = 0, .end = MEM_BYTES } };
static struct guest_mem mem;

static int setup(void **state)
{
	(void)state;
	ram = calloc(1, MEM_BYTES);
	assert_non_null(ram);
	mem = (struct guest_mem){ .ranges = ranges, .count = 1, .bias = (uintptr_t)ram };
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	free(ram);
	return 0;
}

static void put64(uint64_t gpa, uint64_t v)
{
	memcpy(ram + gpa, &v, 8);
}

static void put32(uint64_t gpa, uint32_t v)
{
	memcpy(ram + gpa, &v, 4);
}

static uint64_t walk(const struct guest_paging *p, uint64_t lin)
{
	uint64_t gpa = 0;

	assert_int_equal(guest_linear_to_phys(&mem, p, lin, &gpa), 0);
	return gpa;
}

static void test_no_paging_is_the_identity(void **state)
{
	struct guest_paging p = { 0 };

	(void)state;
	assert_int_equal(walk(&p, 0x12345), 0x12345);
	assert_int_equal(walk(&p, 0x100000000ull + 5), 5);	/* 32-bit linear addresses */
}

/* 4-level: PML4 at 0x1000, PDPT 0x2000, PD 0x3000, PT 0x4000. */
static void test_four_level(void **state)
{
	struct guest_paging p = { .cr0 = CR0_PG, .cr3 = 0x1000, .cr4 = CR4_PAE, .efer = EFER_LMA };
	uint64_t lin = 0x00007f8040201000ull;	/* indices 255, 1, 1, 1 */
	uint64_t gpa;

	(void)state;
	put64(0x1000 + 255 * 8, 0x2000 | P | RW);
	put64(0x2000 + 1 * 8, 0x3000 | P | RW);
	put64(0x3000 + 1 * 8, 0x4000 | P | RW);
	put64(0x4000 + 1 * 8, 0x00234000 | P | RW);
	assert_int_equal(walk(&p, lin + 0x123), 0x00234123);
	/* A 2 MiB page in PD entry 2. */
	put64(0x3000 + 2 * 8, 0x00200000 | P | PS);
	assert_int_equal(walk(&p, 0x00007f8040400000ull + 0x1234), 0x00201234);
	/* A 1 GiB page in PDPT entry 2. */
	put64(0x2000 + 2 * 8, 0x40000000 | P | PS);
	assert_int_equal(walk(&p, 0x00007f8080000000ull + 0x5678), 0x40005678);
	/* Not present. */
	assert_int_equal(guest_linear_to_phys(&mem, &p, 0x00007f8040203000ull, &gpa), -1);
	/* A table outside guest RAM (CR3 at 16 MiB) is never read. */
	p.cr3 = 0x1000000;
	assert_int_equal(guest_linear_to_phys(&mem, &p, lin, &gpa), -1);
}

/* PAE: four PDPTEs at CR3 0x5020, PD at 0x6000, PT at 0x7000. */
static void test_pae(void **state)
{
	struct guest_paging p = { .cr0 = CR0_PG, .cr3 = 0x5020, .cr4 = CR4_PAE };
	uint64_t gpa;

	(void)state;
	put64(0x5020 + 3 * 8, 0x6000 | P);
	put64(0x6000 + 5 * 8, 0x7000 | P | RW);
	put64(0x7000 + 7 * 8, 0x00345000 | P);
	assert_int_equal(walk(&p, 0xc0a07abcu), 0x00345abc);	/* 3, 5, 7 */
	put64(0x6000 + 6 * 8, 0x00200000 | P | PS);
	assert_int_equal(walk(&p, 0xc0c12345u), 0x00212345);
	assert_int_equal(guest_linear_to_phys(&mem, &p, 0x00000000u, &gpa), -1);
}

/* 32-bit paging: PD at 0x8000, PT at 0x9000; a 4 MiB page with PSE. */
static void test_32_bit(void **state)
{
	struct guest_paging p = { .cr0 = CR0_PG, .cr3 = 0x8000 };
	uint64_t gpa;

	(void)state;
	put32(0x8000 + 0x300 * 4, 0x9000 | P);
	put32(0x9000 + 0x12 * 4, 0x00356000 | P);
	assert_int_equal(walk(&p, 0xc0012345u), 0x00356345);
	put32(0x8000 + 0x301 * 4, 0x00400000 | P | PS | (1u << 13));	/* PSE-36: bit 32 */
	p.cr4 = CR4_PSE;
	assert_int_equal(walk(&p, 0xc0412345u), 0x100412345ull);
	p.cr4 = 0;	/* without CR4.PSE, PS is ignored: a page table at 0x400000, not RAM */
	assert_int_equal(guest_linear_to_phys(&mem, &p, 0xc0412345u, &gpa), -1);
}

/* A fetch crosses pages that are not adjacent in guest-physical memory,
 * and stops where a page does not translate or is not guest RAM. */
static void test_fetch_across_pages(void **state)
{
	struct guest_paging p = { .cr0 = CR0_PG, .cr3 = 0x8000 };
	uint8_t buf[15];

	(void)state;
	put32(0x8000, 0x9000 | P);
	put32(0x9000 + 1 * 4, 0x00100000 | P);	/* linear 0x1000 -> 1 MiB */
	put32(0x9000 + 2 * 4, 0x00300000 | P);	/* linear 0x2000 -> 3 MiB */
	put32(0x9000 + 3 * 4, 0x01000000 | P);	/* linear 0x3000 -> 16 MiB: not RAM */
	memset(ram + 0x00100ffa, 0xaa, 6);
	memset(ram + 0x00300000, 0xbb, 9);
	assert_int_equal(guest_fetch(&mem, &p, 0x1ffa, buf, sizeof(buf)), 15);
	assert_int_equal(buf[5], 0xaa);
	assert_int_equal(buf[6], 0xbb);
	assert_int_equal(buf[14], 0xbb);
	assert_int_equal(guest_fetch(&mem, &p, 0x2ffc, buf, sizeof(buf)), 4);
	assert_int_equal(guest_fetch(&mem, &p, 0x4000, buf, sizeof(buf)), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_no_paging_is_the_identity, setup, teardown),
		cmocka_unit_test_setup_teardown(test_four_level, setup, teardown),
		cmocka_unit_test_setup_teardown(test_pae, setup, teardown),
		cmocka_unit_test_setup_teardown(test_32_bit, setup, teardown),
		cmocka_unit_test_setup_teardown(test_fetch_across_pages, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
