/*
 * skiff's GDT: a flat 64-bit code and data segment and one TSS.  The TSS is
 * needed for the interrupt stack table, and VM entry requires a usable,
 * non-zero host TR (SDM Vol. 3C 28.2.3).
 */
#include <stddef.h>
#include <stdint.h>

#include "cpu.h"
#include "x86.h"

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

static struct tss64 tss;
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

static uint64_t gdt[5] __attribute__((aligned(16))) = {
	[0] = 0,
	[SEL_KERNEL_CS >> 3] = DESC_P | DESC_S | DESC_CODE | DESC_RW | DESC_L | DESC_G | 0xffff,
	[SEL_KERNEL_DS >> 3] = DESC_P | DESC_S | DESC_RW | DESC_G | (0xfull << 48) | 0xffff,
	/* [3], [4]: the 16-byte TSS descriptor, filled at run time */
};

static void gdt_set_tss(void)
{
	uint64_t base = (uint64_t)&tss;
	uint64_t limit = sizeof(tss) - 1;

	gdt[SEL_TSS >> 3] = (limit & 0xffff) | ((base & 0xffffff) << 16) |
			    DESC_TYPE_TSS_AVAIL | DESC_P |
			    ((limit >> 16) & 0xf) << 48 | ((base >> 24) & 0xff) << 56;
	gdt[(SEL_TSS >> 3) + 1] = base >> 32;
}

void gdt_init(void)
{
	struct desc_ptr ptr = { .limit = sizeof(gdt) - 1, .base = (uint64_t)gdt };

	tss.ist[IST_DOUBLE_FAULT - 1] = (uint64_t)&ist_stacks[0].stack[IST_STACK_SIZE];
	tss.ist[IST_NMI - 1] = (uint64_t)&ist_stacks[1].stack[IST_STACK_SIZE];
	tss.ist[IST_MACHINE_CHECK - 1] = (uint64_t)&ist_stacks[2].stack[IST_STACK_SIZE];
	tss.iomap_base = sizeof(tss);	/* no I/O permission bitmap */
	gdt_set_tss();

	lgdt(&ptr);
	load_segments(SEL_KERNEL_CS, SEL_KERNEL_DS);
	ltr(SEL_TSS);
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

uint64_t cpu_tss_base(void)
{
	return (uint64_t)&tss;
}

uint64_t cpu_exit_stack_top(void)
{
	return (uint64_t)&exit_stack.stack[EXIT_STACK_SIZE];
}
