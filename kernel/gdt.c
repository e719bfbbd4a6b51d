/*
 * skiff's GDT: a flat 64-bit code and data segment and one TSS per CPU.
 * The TSS is needed for the interrupt stack table, and VM entry requires a
 * usable, non-zero host TR (SDM Vol. 3C 28.2.3).  All CPUs share the GDT
 * and the IDT; CPU i's TSS descriptor is at SEL_TSS + 16 * i, so a CPU
 * finds its own index from its TR (cpu_index()).  The BSP's stacks are in
 * skiff's image; an AP's come from the pool (cpu_ap_prepare()).
 */
#include <stddef.h>
#include <stdint.h>

#include "config.h"
#include "cpu.h"
#include "lib/errno.h"
#include "lib/string.h"
#include "mm/mm.h"
#include "x86.h"

/* Each stack of an AP (C, NMI, #DF, #MC): 8 KiB above its guard page. */
#define AP_STACK_PAGES	2

/* 64-bit TSS, SDM Vol. 3A 8.7 figure "64-Bit TSS Format". */
struct __attribute__((packed)) tss64 {
	uint32_t reserved0;
	uint64_t rsp[3];
	uint64_t reserved1;
	uint64_t ist[7];	/* IST1..IST7: ist[n - 1] */
	uint64_t reserved2;
	uint16_t reserved3;
	uint16_t iomap_base;
};
_Static_assert(sizeof(struct tss64) == 104, "64-bit TSS is 104 bytes");
_Static_assert(offsetof(struct tss64, ist) == 0x24, "IST1 at offset 0x24");

#define IST_STACK_SIZE	8192
#define GUARD_SIZE	4096

/* Each stack sits on a guard page that skiff's page tables leave unmapped. */
struct guarded_stack {
	uint8_t guard[GUARD_SIZE];
	uint8_t stack[IST_STACK_SIZE];
};

/* Every VM exit starts on this stack (HOST_RSP), empty each time: exit
 * handlers report guest crashes from here, so it is larger than an IST's. */
#define EXIT_STACK_SIZE	16384

struct guarded_exit_stack {
	uint8_t guard[GUARD_SIZE];
	uint8_t stack[EXIT_STACK_SIZE];
};

static struct tss64 tss[CONFIG_MAX_CPUS];
static struct guarded_stack ist_stacks[3] __attribute__((aligned(4096)));
static struct guarded_exit_stack exit_stack __attribute__((aligned(4096)));
_Static_assert(sizeof(struct guarded_stack) % 4096 == 0, "guards stay page-aligned");
_Static_assert(sizeof(struct guarded_exit_stack) % 4096 == 0, "guards stay page-aligned");

/* Descriptor bits, SDM Vol. 3A 3.4.5 */
#define DESC_P		(1ull << 47)
#define DESC_S		(1ull << 44)	/* code/data (not system) */
#define DESC_CODE	(1ull << 43)
#define DESC_RW		(1ull << 41)
#define DESC_L		(1ull << 53)	/* 64-bit code */
#define DESC_G		(1ull << 55)
#define DESC_TYPE_TSS_AVAIL	(9ull << 40)

#define GDT_ENTRIES	((SEL_TSS >> 3) + 2 * CONFIG_MAX_CPUS)

static uint64_t gdt[GDT_ENTRIES] __attribute__((aligned(16))) = {
	[0] = 0,
	[SEL_KERNEL_CS >> 3] = DESC_P | DESC_S | DESC_CODE | DESC_RW | DESC_L | DESC_G | 0xffff,
	[SEL_KERNEL_DS >> 3] = DESC_P | DESC_S | DESC_RW | DESC_G | (0xfull << 48) | 0xffff,
	/* from [3]: a 16-byte TSS descriptor per CPU, filled at run time */
};

/* 64-bit TSS descriptor, SDM Vol. 3A 8.2.3: 16 bytes, two GDT slots. */
static void gdt_set_tss(unsigned index)
{
	uint64_t base = (uint64_t)&tss[index];
	uint64_t limit = sizeof(tss[index]) - 1;
	unsigned slot = cpu_tss_selector(index) >> 3;

	gdt[slot] = (limit & 0xffff) | ((base & 0xffffff) << 16) |
		    DESC_TYPE_TSS_AVAIL | DESC_P |
		    ((limit >> 16) & 0xf) << 48 | ((base >> 24) & 0xff) << 56;
	gdt[slot + 1] = base >> 32;
}

/* The GDT, the flat segments and this CPU's TSS (it must be available, not
 * busy: LTR marks it busy, SDM Vol. 3A 8.2.4). */
static void gdt_load(unsigned index)
{
	struct desc_ptr ptr = { .limit = sizeof(gdt) - 1, .base = (uint64_t)gdt };

	lgdt(&ptr);
	load_segments(SEL_KERNEL_CS, SEL_KERNEL_DS);
	ltr(cpu_tss_selector(index));
}

void gdt_init(void)
{
	tss[0].ist[IST_DOUBLE_FAULT - 1] = (uint64_t)&ist_stacks[0].stack[IST_STACK_SIZE];
	tss[0].ist[IST_NMI - 1] = (uint64_t)&ist_stacks[1].stack[IST_STACK_SIZE];
	tss[0].ist[IST_MACHINE_CHECK - 1] = (uint64_t)&ist_stacks[2].stack[IST_STACK_SIZE];
	tss[0].iomap_base = sizeof(tss[0]);	/* no I/O permission bitmap */
	gdt_set_tss(0);
	gdt_load(0);
}

/* An AP's stacks: pool pages, each stack above a guard page that skiff's
 * page tables leave unmapped (mm_alloc_guarded_stack()). */
int cpu_ap_prepare(unsigned index, uint64_t *stack_top)
{
	uint64_t top[4];

	if (index == 0 || index >= CONFIG_MAX_CPUS)
		return -EINVAL;
	for (int i = 0; i < 4; i++) {
		top[i] = mm_alloc_guarded_stack(AP_STACK_PAGES);
		if (!top[i])
			return -ENOMEM;
	}
	memset(&tss[index], 0, sizeof(tss[index]));
	tss[index].ist[IST_DOUBLE_FAULT - 1] = top[0];
	tss[index].ist[IST_NMI - 1] = top[1];
	tss[index].ist[IST_MACHINE_CHECK - 1] = top[2];
	tss[index].iomap_base = sizeof(tss[index]);
	gdt_set_tss(index);
	*stack_top = top[3];
	return 0;
}

void cpu_ap_load(unsigned index)
{
	gdt_load(index);
	idt_load();
}

size_t cpu_stack_guards(uint64_t *out, size_t max)
{
	extern const char boot_stack_guard[];
	size_t n = 0;

	if (n < max)
		out[n++] = (uint64_t)boot_stack_guard;
	for (size_t i = 0; i < sizeof(ist_stacks) / sizeof(ist_stacks[0]) && n < max; i++)
		out[n++] = (uint64_t)ist_stacks[i].guard;
	if (n < max)
		out[n++] = (uint64_t)exit_stack.guard;
	return n;
}

uint64_t cpu_tss_base(unsigned index)
{
	return index < CONFIG_MAX_CPUS ? (uint64_t)&tss[index] : 0;
}

uint64_t cpu_exit_stack_top(void)
{
	return (uint64_t)&exit_stack.stack[EXIT_STACK_SIZE];
}
