/*
 * Touching skiff's memory by its identity address, with paging off: the
 * guest-physical address is the pointer itself.  skiff's EPT leaves its
 * own pages out (docs/architecture.md, "The guest contract"), so each access
 * ends in an EPT violation (SDM Vol. 3C 29.3.3.2: an access to a
 * guest-physical address whose EPT entry is not present), which skiff must
 * report as a crash, naming the address and its owner, never emulate.
 */
#include "attack.h"
#include "mb2.h"
#include "printf.h"

#define POISON		0xdeadbeefu

static uint64_t entry_end(const struct mb2_mmap_entry *e)
{
	return e->base_addr + e->length;
}

/* Is there usable memory on both sides of entry r? */
static bool between_usable(const struct mb2_mmap_entry *r)
{
	const struct mb2_mmap_entry *e;
	bool below = false, above = false;

	for (e = mb2_mmap_next(attack_mbi, NULL); e; e = mb2_mmap_next(attack_mbi, e)) {
		if (e->type != MB2_MEMORY_AVAILABLE)
			continue;
		below |= entry_end(e) <= r->base_addr;
		above |= e->base_addr >= entry_end(r);
	}
	return below && above;
}

/* The highest reserved entry inside RAM below 4 GiB, or NULL. */
static const struct mb2_mmap_entry *skiff_entry(void)
{
	const struct mb2_mmap_entry *e, *best = NULL;

	for (e = mb2_mmap_next(attack_mbi, NULL); e; e = mb2_mmap_next(attack_mbi, e)) {
		if (e->type != MB2_MEMORY_RESERVED || e->length == 0 ||
		    e->base_addr < ONE_MIB || entry_end(e) > FOUR_GIB || !between_usable(e))
			continue;
		if (!best || e->base_addr > best->base_addr)
			best = e;
	}
	return best;
}

uint32_t skiff_address(void)
{
	const struct mb2_mmap_entry *e = skiff_entry();

	return e ? (uint32_t)e->base_addr : 0;
}

bool skiff_memory(const char *attack, uint32_t *addr)
{
	const struct mb2_mmap_entry *e = skiff_entry();

	if (!e) {
		printf("attack: %s: no reserved memory-map entry inside RAM: nothing to attack\n",
		       attack);
		return false;
	}
	*addr = (uint32_t)e->base_addr;
	printf("attack: %s: skiff's memory: reserved 0x%08x..0x%08x; target 0x%08x\n", attack,
	       (uint32_t)e->base_addr, (uint32_t)(entry_end(e) - 1), *addr);
	return true;
}

void attack_read_skiff(void)
{
	uint32_t addr, got;

	if (!skiff_memory("read-skiff", &addr))
		return;
	got = *(volatile uint32_t *)addr;
	printf("attack: read-skiff: read 0x%08x from skiff's memory\n", got);
}

void attack_write_skiff(void)
{
	uint32_t addr;

	if (!skiff_memory("write-skiff", &addr))
		return;
	*(volatile uint32_t *)addr = POISON;
	printf("attack: write-skiff: wrote 0x%08x into skiff's memory\n", POISON);
}

/* A call rather than a jump, so that, were skiff to let the fetch run
 * whatever is there, a RET there could bring the guest back to say so. */
void attack_exec_skiff(void)
{
	uint32_t addr;

	if (!skiff_memory("exec-skiff", &addr))
		return;
	asm volatile("call *%0" : : "r"(addr) : "memory", "eax", "ecx", "edx", "cc");
	printf("attack: exec-skiff: came back from skiff's memory\n");
}

/* The restart endurance test's guest: crash at once, every run. */
void attack_crash_loop(void)
{
	uint32_t addr;

	if (!skiff_memory("crash-loop", &addr))
		return;
	*(volatile uint32_t *)addr = POISON;
}
