/* See guest_walk.h. */
#include "vm/guest_walk.h"

#include "lib/string.h"

#define CR0_PG		(1ull << 31)
#define CR4_PSE		(1ull << 4)
#define CR4_PAE		(1ull << 5)
#define CR4_LA57	(1ull << 12)
#define EFER_LMA	(1ull << 10)

#define PTE_P		(1ull << 0)
#define PTE_PS		(1ull << 7)
#define ADDR_52		0x000ffffffffff000ull	/* bits 51:12, the widest MAXPHYADDR */
#define PAGE_4K		0x1000ull

/* One entry of a table at table_pa; 0 (not present) outside guest RAM. */
static uint64_t entry(const struct guest_mem *m, uint64_t table_pa, uint64_t index, size_t size)
{
	const void *p = guest_mem_ptr(m, table_pa + index * size, size);
	uint64_t e = 0;

	if (p)
		memcpy(&e, p, size);
	return e;
}

/* 4.5: four or five levels of 8-byte entries, 512 each; a PS entry at
 * level 3 maps 1 GiB, at level 2 2 MiB. */
static int walk_long(const struct guest_mem *m, const struct guest_paging *p, uint64_t lin,
		     uint64_t *gpa)
{
	int level = (p->cr4 & CR4_LA57) ? 5 : 4;
	uint64_t table = p->cr3 & ADDR_52;

	for (; level >= 1; level--) {
		unsigned shift = 12 + 9 * (unsigned)(level - 1);
		uint64_t e = entry(m, table, (lin >> shift) & 511, 8);

		if (!(e & PTE_P))
			return -1;
		if (level == 1 || ((level == 2 || level == 3) && (e & PTE_PS))) {
			uint64_t span = 1ull << shift;

			*gpa = (e & ADDR_52 & ~(span - 1)) | (lin & (span - 1));
			return 0;
		}
		table = e & ADDR_52;
	}
	return -1;
}

/* 4.4: four PDPTEs at CR3 (bits 31:5), then 8-byte PDEs and PTEs. */
static int walk_pae(const struct guest_mem *m, const struct guest_paging *p, uint32_t lin,
		    uint64_t *gpa)
{
	uint64_t pdpte = entry(m, p->cr3 & 0xffffffe0u, lin >> 30, 8), pde, pte;

	if (!(pdpte & PTE_P))
		return -1;
	pde = entry(m, pdpte & ADDR_52, (lin >> 21) & 511, 8);
	if (!(pde & PTE_P))
		return -1;
	if (pde & PTE_PS) {
		*gpa = (pde & ADDR_52 & ~0x1fffffull) | (lin & 0x1fffff);
		return 0;
	}
	pte = entry(m, pde & ADDR_52, (lin >> 12) & 511, 8);
	if (!(pte & PTE_P))
		return -1;
	*gpa = (pte & ADDR_52) | (lin & 0xfff);
	return 0;
}

/* 4.3: 4-byte entries; a PS PDE (with CR4.PSE) maps 4 MiB, its bits 20:13
 * giving physical bits 39:32 (PSE-36). */
static int walk_32(const struct guest_mem *m, const struct guest_paging *p, uint32_t lin,
		   uint64_t *gpa)
{
	uint64_t pde = entry(m, p->cr3 & 0xfffff000u, lin >> 22, 4), pte;

	if (!(pde & PTE_P))
		return -1;
	if ((pde & PTE_PS) && (p->cr4 & CR4_PSE)) {
		*gpa = (pde & 0xffc00000u) | ((pde >> 13 & 0xff) << 32) | (lin & 0x3fffff);
		return 0;
	}
	pte = entry(m, pde & 0xfffff000u, (lin >> 12) & 1023, 4);
	if (!(pte & PTE_P))
		return -1;
	*gpa = (pte & 0xfffff000u) | (lin & 0xfff);
	return 0;
}

int guest_linear_to_phys(const struct guest_mem *m, const struct guest_paging *p,
			 uint64_t linear, uint64_t *gpa)
{
	if (!(p->cr0 & CR0_PG)) {
		*gpa = (uint32_t)linear;	/* no paging: only in legacy modes */
		return 0;
	}
	if (p->efer & EFER_LMA)
		return walk_long(m, p, linear, gpa);
	if (p->cr4 & CR4_PAE)
		return walk_pae(m, p, (uint32_t)linear, gpa);
	return walk_32(m, p, (uint32_t)linear, gpa);
}

size_t guest_fetch(const struct guest_mem *m, const struct guest_paging *p, uint64_t linear,
		   uint8_t *buf, size_t n)
{
	size_t done = 0;

	while (done < n) {
		uint64_t lin = linear + done, gpa;
		size_t chunk = (size_t)(PAGE_4K - (lin & (PAGE_4K - 1)));
		const void *src;

		if (chunk > n - done)
			chunk = n - done;
		if (guest_linear_to_phys(m, p, lin, &gpa) < 0)
			break;
		src = guest_mem_ptr(m, gpa, chunk);
		if (!src)
			break;
		memcpy(buf + done, src, chunk);
		done += chunk;
	}
	return done;
}
