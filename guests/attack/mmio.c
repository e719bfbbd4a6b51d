/*
 * The path of a store to a register skiff keeps in memory (skiff's
 * vm/platform.h; an ECAM window or a memory-mapped reset register on real
 * machines), tried on a page of guest RAM that skiff write-protects for the
 * test (its trap_page= word, here 0x300000).  Every store there is an EPT
 * violation: skiff reads the instruction through the guest's paging,
 * decodes it (vm/mmio_insn.h), does the store and moves the guest past it.
 * One check per MOV form, each store's bytes read back; then the same
 * through the guest's own page tables, at another linear address.
 */
#include "attack.h"
#include "printf.h"
#include "report.h"
#include "x86.h"

#define TRAP		0x00300000u	/* trap_page=3072 */
#define PAGE_SIZE	4096u
#define WINDOW_VIRT	0xc0000000u
#define PT_ENTRIES	1024
#define PAGE_PRESENT	(1u << 0)
#define PAGE_WRITABLE	(1u << 1)
#define PDE_PAGE_4M	(1u << 7)
#define CR0_PG		(1u << 31)
#define CR4_PSE		(1u << 4)

static volatile uint8_t *const trap = (volatile uint8_t *)TRAP;

static uint32_t read32(unsigned off)
{
	return *(volatile uint32_t *)(TRAP + off);
}

static void check32(const char *name, unsigned off, uint32_t want)
{
	uint32_t got = read32(off);

	report_detail(got == want, name, "read back 0x%08x at 0x%x, want 0x%08x", got, TRAP + off,
		      want);
}

static void store_forms(void)
{
	uint32_t base = TRAP, index = 3, value = 0x8899aabbu;

	/* C6 /0 ib: a byte immediate. */
	asm volatile("movb $0x5a, (%0)" : : "r"(base) : "memory");
	report_detail(trap[0] == 0x5a, "mmio-mov-c6-imm8", "read back 0x%02x", trap[0]);
	/* 66 C7 /0 iw, disp8. */
	asm volatile("movw $0x1234, 2(%0)" : : "r"(base) : "memory");
	check32("mmio-mov-66-c7-imm16", 0, 0x1234005au);
	/* C7 /0 id, disp32. */
	asm volatile("movl $0xcafef00d, 0x100(%0)" : : "r"(base) : "memory");
	check32("mmio-mov-c7-imm32", 0x100, 0xcafef00du);
	/* 89 /r with SIB: base + index * 4 + disp8. */
	asm volatile("movl %2, 8(%0,%1,4)" : : "r"(base), "r"(index), "r"(value) : "memory");
	check32("mmio-mov-89-sib", 8 + 12, value);
	/* 66 89 /r: a word from a register. */
	asm volatile("movw %w1, 0x200(%0)" : : "r"(base), "r"(0x4321u) : "memory");
	check32("mmio-mov-66-89", 0x200, 0x4321u);
	/* 88 /r from AH (reg 4 without REX: the high byte of AX). */
	asm volatile("movb %%ah, 0x300(%0)" : : "r"(base), "a"(0x7e00u) : "memory");
	report_detail(trap[0x300] == 0x7e, "mmio-mov-88-ah", "read back 0x%02x, want 0x7e",
		      trap[0x300]);
	/* A3: EAX to an absolute address (moffs32). */
	asm volatile("movl %0, %1" : : "a"(0x13579bdfu), "m"(*(volatile uint32_t *)(TRAP + 0x400))
		     : "memory");
	check32("mmio-mov-a3-moffs", 0x400, 0x13579bdfu);
}

static uint32_t page_directory[PT_ENTRIES] __attribute__((aligned(PAGE_SIZE)));
static uint32_t window_table[PT_ENTRIES] __attribute__((aligned(PAGE_SIZE)));

/* 32-bit paging: the first GiB identity-mapped with 4 MiB pages; linear
 * WINDOW_VIRT is the trapped page.  The store's instruction is read
 * through the guest's tables too. */
static void store_through_paging(void)
{
	for (uint32_t va = 0; va < (1u << 30); va += 1u << 22)
		page_directory[va >> 22] = va | PDE_PAGE_4M | PAGE_WRITABLE | PAGE_PRESENT;
	window_table[0] = TRAP | PAGE_WRITABLE | PAGE_PRESENT;
	page_directory[WINDOW_VIRT >> 22] = (uint32_t)window_table | PAGE_WRITABLE | PAGE_PRESENT;
	asm volatile("movl %0, %%cr3" : : "r"(page_directory) : "memory");
	write_cr4(read_cr4() | CR4_PSE);
	write_cr0(read_cr0() | CR0_PG);
	*(volatile uint32_t *)(WINDOW_VIRT + 0x500) = 0x600dcafeu;
	write_cr0(read_cr0() & ~CR0_PG);
	check32("mmio-store-through-paging", 0x500, 0x600dcafeu);
}

int attack_mmio_trap(void)
{
	printf("attack: mmio-trap: stores to the page at 0x%x\n", TRAP);
	store_forms();
	store_through_paging();
	printf("attack: %u of %u checks failed\n", report_failures(), report_total());
	return (int)report_failures();
}

/* An instruction skiff does not emulate (OR to memory, a read-modify-write)
 * on a trapped page: the guest's crash, explained with its bytes. */
void attack_mmio_rmw(void)
{
	printf("attack: mmio-rmw: orl $1 to 0x%x\n", TRAP);
	asm volatile("orl $1, (%0)" : : "r"(TRAP) : "memory");
	printf("attack: mmio-rmw: FAIL: still running\n");
}
