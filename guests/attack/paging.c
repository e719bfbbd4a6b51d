/*
 * Reaching skiff's memory through the guest's own page tables.  With
 * paging on, the guest chooses which guest-physical page a linear address
 * reaches, so it can map any page it likes under any virtual address; EPT
 * still translates the result (SDM Vol. 3C 29.3.1), and skiff's pages are
 * absent there whatever the guest's tables say.
 *
 * 32-bit paging (SDM Vol. 3A 4.3): one page directory identity-maps the
 * first GiB with 4 MiB pages (CR4.PSE, table 4-4), which holds the guest's
 * code, data, stack and these tables; the directory entry for
 * WINDOW_VIRT points to a page table whose first 4 KiB entry (table 4-6)
 * maps skiff's page.  Then CR3, CR4.PSE and CR0.PG (PE is on already),
 * and one access through WINDOW_VIRT.
 */
#include "attack.h"
#include "printf.h"
#include "x86.h"

#define PAGE_SIZE		4096u
#define PT_ENTRIES		1024
#define PDE_SHIFT		22		/* each PDE maps 4 MiB */
#define IDENTITY_BYTES		(1u << 30)	/* the first GiB */
#define WINDOW_VIRT		0xc0000000u	/* far above the identity map */
#define PAGE_PRESENT		(1u << 0)
#define PAGE_WRITABLE		(1u << 1)
#define PDE_PAGE_4M		(1u << 7)	/* PS: the PDE maps a 4 MiB page */
#define CR0_PG			(1u << 31)
#define CR4_PSE			(1u << 4)
#define POISON			0xdeadbeefu

_Static_assert(WINDOW_VIRT >= IDENTITY_BYTES, "the window lies outside the identity map");

static uint32_t page_directory[PT_ENTRIES] __attribute__((aligned(PAGE_SIZE)));
static uint32_t window_table[PT_ENTRIES] __attribute__((aligned(PAGE_SIZE)));

/* Builds the tables, turns paging on and returns the linear address at
 * which skiff's byte phys appears. */
static volatile uint32_t *map_skiff(uint32_t phys)
{
	for (uint32_t va = 0; va < IDENTITY_BYTES; va += 1u << PDE_SHIFT)
		page_directory[va >> PDE_SHIFT] = va | PDE_PAGE_4M | PAGE_WRITABLE | PAGE_PRESENT;
	window_table[0] = (phys & ~(PAGE_SIZE - 1)) | PAGE_WRITABLE | PAGE_PRESENT;
	page_directory[WINDOW_VIRT >> PDE_SHIFT] = (uint32_t)window_table | PAGE_WRITABLE |
						   PAGE_PRESENT;

	asm volatile("movl %0, %%cr3" : : "r"(page_directory) : "memory");
	write_cr4(read_cr4() | CR4_PSE);
	write_cr0(read_cr0() | CR0_PG);
	return (volatile uint32_t *)(WINDOW_VIRT + (phys & (PAGE_SIZE - 1)));
}

void attack_paging_read_skiff(void)
{
	volatile uint32_t *p;
	uint32_t addr, got;

	if (!skiff_memory("paging-read-skiff", &addr))
		return;
	printf("attack: paging-read-skiff: reading linear 0x%08x, mapped to 0x%08x\n",
	       WINDOW_VIRT + (addr & (PAGE_SIZE - 1)), addr);
	p = map_skiff(addr);
	got = *p;
	printf("attack: paging-read-skiff: read 0x%08x from skiff's memory\n", got);
}

void attack_paging_write_skiff(void)
{
	volatile uint32_t *p;
	uint32_t addr;

	if (!skiff_memory("paging-write-skiff", &addr))
		return;
	printf("attack: paging-write-skiff: writing linear 0x%08x, mapped to 0x%08x\n",
	       WINDOW_VIRT + (addr & (PAGE_SIZE - 1)), addr);
	p = map_skiff(addr);
	*p = POISON;
	printf("attack: paging-write-skiff: wrote 0x%08x into skiff's memory\n", POISON);
}
