/*
 * The pure parts of the AP start-up (smp.h): which low page the
 * trampoline takes, its parameter block, and the report line.
 */
#include <stddef.h>

#include "lib/errno.h"
#include "lib/printf.h"
#include "lib/string.h"
#include "smp.h"

_Static_assert(offsetof(struct smp_tramp_params, cr3) == TP_CR3, "smp_trampoline.h: CR3");
_Static_assert(offsetof(struct smp_tramp_params, cr4) == TP_CR4, "smp_trampoline.h: CR4");
_Static_assert(offsetof(struct smp_tramp_params, cr0) == TP_CR0, "smp_trampoline.h: CR0");
_Static_assert(offsetof(struct smp_tramp_params, efer) == TP_EFER, "smp_trampoline.h: EFER");
_Static_assert(offsetof(struct smp_tramp_params, boot) == TP_BOOT, "smp_trampoline.h: boot");
_Static_assert(offsetof(struct smp_tramp_params, pm_jump) == TP_PM_JUMP, "smp_trampoline.h: PM jump");
_Static_assert(offsetof(struct smp_tramp_params, lm_jump) == TP_LM_JUMP, "smp_trampoline.h: LM jump");
_Static_assert(offsetof(struct smp_tramp_params, gdt_limit) == TP_GDTR, "smp_trampoline.h: GDTR");
_Static_assert(sizeof(struct smp_tramp_params) == TP_SIZE, "smp_trampoline.h: size");
_Static_assert(offsetof(struct smp_ap_boot, stack) == AB_STACK, "smp_trampoline.h: stack");
_Static_assert(offsetof(struct smp_ap_boot, entry) == AB_ENTRY, "smp_trampoline.h: entry");
_Static_assert(offsetof(struct smp_ap_boot, index) == AB_INDEX, "smp_trampoline.h: index");
_Static_assert(TRAMP_GDT >= TRAMP_PARAMS + TP_SIZE && TRAMP_GDT + TRAMP_GDT_SIZE <= 4096,
	       "the trampoline fits its page");

#define TRAMP_PAGE	4096ull
#define CR4_PCIDE_BIT	(1ull << 17)	/* needs IA-32e mode (SDM Vol. 3A 4.10.1) */
#define CR4_VMXE_BIT	(1ull << 13)	/* set by the AP itself before VMXON */
#define EFER_LME_BIT	(1ull << 8)
#define EFER_NXE_BIT	(1ull << 11)

static bool overlaps(uint64_t a, uint64_t a_end, uint64_t b, uint64_t b_end)
{
	return a < b_end && b < a_end;
}

static bool page_is_free(const struct mem_range *mmap, uint32_t count,
			 const struct phys_range *avoid, size_t navoid, uint64_t page)
{
	uint64_t end = page + TRAMP_PAGE;
	bool usable = false;

	for (uint32_t i = 0; i < count; i++) {
		uint64_t b = mmap[i].base;
		uint64_t e = mmap[i].length > ~0ull - b ? ~0ull : b + mmap[i].length;

		if (!overlaps(page, end, b, e))
			continue;
		if (mmap[i].type != MEM_USABLE)
			return false;	/* where types disagree, reserved wins */
		if (b <= page && end <= e)
			usable = true;
	}
	for (size_t i = 0; usable && i < navoid; i++)
		if (overlaps(page, end, avoid[i].base, avoid[i].end))
			return false;
	return usable;
}

uint64_t smp_pick_trampoline_page(const struct mem_range *mmap, uint32_t count,
				  const struct phys_range *avoid, size_t navoid)
{
	for (uint64_t page = SMP_TRAMP_LOWEST; page + TRAMP_PAGE <= SMP_TRAMP_LIMIT; page += TRAMP_PAGE)
		if (page_is_free(mmap, count, avoid, navoid, page))
			return page;
	return 0;
}

int smp_tramp_params_fill(struct smp_tramp_params *p, uint64_t page, const struct smp_cpu_regs *r,
			  uint32_t pm_off, uint32_t lm_off, uint64_t boot)
{
	if (r->cr3 >> 32 || page >> 32 || page & (TRAMP_PAGE - 1))
		return -ERANGE;
	memset(p, 0, sizeof(*p));
	p->cr3 = r->cr3;
	p->cr4 = r->cr4 & ~(CR4_PCIDE_BIT | CR4_VMXE_BIT);
	p->cr0 = r->cr0;
	p->efer = r->efer & (EFER_LME_BIT | EFER_NXE_BIT);
	p->boot = boot;
	p->pm_jump = (struct smp_far_ptr){ (uint32_t)page + pm_off, TRAMP_SEL_CODE32, 0 };
	p->lm_jump = (struct smp_far_ptr){ (uint32_t)page + lm_off, TRAMP_SEL_CODE64, 0 };
	p->gdt_limit = TRAMP_GDT_SIZE - 1;
	p->gdt_base = (uint32_t)page + TRAMP_GDT;
	return 0;
}

void smp_format_parked(char *buf, size_t size, const char *held, const uint32_t *ids, size_t n)
{
	size_t len;

	fmt_snprintf(buf, size, "%zu AP%s started and %s (APIC IDs", n, n == 1 ? "" : "s", held);
	for (size_t i = 0; i < n; i++) {
		char one[16];

		fmt_snprintf(one, sizeof(one), "%s%u", i ? ", " : " ", ids[i]);
		len = strlen(buf);
		if (len + strlen(one) + 5 >= size) {
			fmt_snprintf(buf + len, size - len, ", ...");
			break;
		}
		fmt_snprintf(buf + len, size - len, "%s", one);
	}
	len = strlen(buf);
	fmt_snprintf(buf + len, size - len, ")");
}
