/*
 * What the exception floods need beyond the runtime's flat ring-0 world:
 * ring-3 segments, a TSS, a 16-bit stack segment, and an IDT of their own.
 * Descriptor formats: SDM Vol. 3A 3.4.5 (segments), 8.2.2 (TSS
 * descriptor), 8.2.1 (the 32-bit TSS), 6.11 (IDT gates).
 */
#include <stddef.h>

#include "attack.h"
#include "string.h"

#define GDT_ENTRIES		7
#define IDT_GATES		256
#define RING0_STACK_SIZE	4096

/* Access bytes: P, DPL, S and type (accessed bits preset, so the CPU never
 * writes them, 3.4.5.1). */
#define ACCESS_CODE0		0x9b	/* present, DPL 0, code, execute/read */
#define ACCESS_DATA0		0x93	/* present, DPL 0, data, read/write */
#define ACCESS_CODE3		0xfb	/* present, DPL 3, code, execute/read */
#define ACCESS_DATA3		0xf3	/* present, DPL 3, data, read/write */
#define ACCESS_TSS32		0x89	/* present, DPL 0, available 32-bit TSS */
/* Flags nibble: G (4 KiB granularity) and D/B (32-bit). */
#define FLAGS_FLAT32		0xc
#define FLAGS_BYTE16		0x0	/* byte granularity, B = 0: SP, not ESP */
#define LIMIT_4G		0xfffff	/* in 4 KiB units */
#define LIMIT_64K		0xffff

/* SDM Vol. 3A 8.2.1, figure 8-2: the 32-bit TSS. */
struct tss32 {
	uint32_t link;
	uint32_t esp0, ss0, esp1, ss1, esp2, ss2;
	uint32_t cr3, eip, eflags;
	uint32_t eax, ecx, edx, ebx, esp, ebp, esi, edi;
	uint32_t es, cs, ss, ds, fs, gs, ldt;
	uint16_t trap, iomap_base;
};

_Static_assert(sizeof(struct tss32) == 104, "SDM 8.2.1: a 32-bit TSS is 104 bytes");

struct idt_gate {
	uint16_t offset_low;
	uint16_t selector;
	uint8_t zero;
	uint8_t type_attr;
	uint16_t offset_high;
};

_Static_assert(sizeof(struct idt_gate) == 8, "SDM 6.11: gates are 8 bytes");

struct table_register {
	uint16_t limit;
	uint32_t base;
} __attribute__((packed));

/* LTR writes the busy bit into the TSS descriptor: the GDT is writable. */
static uint64_t gdt[GDT_ENTRIES] __attribute__((aligned(8)));
static struct tss32 tss __attribute__((aligned(16)));
static struct idt_gate ring3_idt[IDT_GATES] __attribute__((aligned(8)));
static uint8_t ring0_stack[RING0_STACK_SIZE] __attribute__((aligned(16)));

_Static_assert(SEL_STACK16 / 8 < GDT_ENTRIES, "every selector has its descriptor");

/* SDM Vol. 3A 3.4.5, figure 3-8: base, limit, access byte, flags. */
static uint64_t descriptor(uint32_t base, uint32_t limit, uint8_t access, uint8_t flags)
{
	return (uint64_t)(limit & 0xffff) | (uint64_t)(base & 0xffffff) << 16 |
	       (uint64_t)access << 40 | (uint64_t)((limit >> 16) & 0xf) << 48 |
	       (uint64_t)(flags & 0xf) << 52 | (uint64_t)(base >> 24) << 56;
}

static void gdt_load(void)
{
	struct table_register gdtr = { sizeof(gdt) - 1, (uint32_t)gdt };

	/* Reload every segment register: each caches its descriptor, and
	 * CS needs a far transfer to be reloaded at all. */
	asm volatile("lgdt %0\n\t"
		     "ljmp %1, $1f\n"
		     "1:\tmovw %2, %%ax\n\t"
		     "movw %%ax, %%ds\n\t"
		     "movw %%ax, %%es\n\t"
		     "movw %%ax, %%fs\n\t"
		     "movw %%ax, %%gs\n\t"
		     "movw %%ax, %%ss\n\t"
		     "ltr %w3"
		     : : "m"(gdtr), "i"(SEL_CODE0), "i"(SEL_DATA0), "r"(SEL_TSS)
		     : "eax", "memory");
}

/* The runtime's IDT, copied so that its gates stay for every vector the
 * caller does not change (an unexpected fault is still reported). */
static void idt_copy_and_load(void)
{
	struct table_register idtr;
	size_t bytes;

	asm volatile("sidt %0" : "=m"(idtr));
	bytes = (size_t)idtr.limit + 1;
	if (bytes > sizeof(ring3_idt))
		bytes = sizeof(ring3_idt);
	memcpy(ring3_idt, (const void *)idtr.base, bytes);
	idtr = (struct table_register){ sizeof(ring3_idt) - 1, (uint32_t)ring3_idt };
	asm volatile("lidt %0" : : "m"(idtr) : "memory");
}

void ring3_setup(uint32_t stack16_base)
{
	gdt[SEL_CODE0 / 8] = descriptor(0, LIMIT_4G, ACCESS_CODE0, FLAGS_FLAT32);
	gdt[SEL_DATA0 / 8] = descriptor(0, LIMIT_4G, ACCESS_DATA0, FLAGS_FLAT32);
	gdt[SEL_CODE3 / 8] = descriptor(0, LIMIT_4G, ACCESS_CODE3, FLAGS_FLAT32);
	gdt[SEL_DATA3 / 8] = descriptor(0, LIMIT_4G, ACCESS_DATA3, FLAGS_FLAT32);
	gdt[SEL_TSS / 8] = descriptor((uint32_t)&tss, sizeof(tss) - 1, ACCESS_TSS32, 0);
	gdt[SEL_STACK16 / 8] = descriptor(stack16_base, LIMIT_64K, ACCESS_DATA0, FLAGS_BYTE16);

	/* A fault at ring 3 whose gate leads to ring 0 switches to this
	 * stack (6.12.1); no I/O bitmap: the map base lies past the limit. */
	tss = (struct tss32){
		.esp0 = (uint32_t)ring0_stack + sizeof(ring0_stack),
		.ss0 = SEL_DATA0,
		.iomap_base = sizeof(tss),
	};
	gdt_load();
	idt_copy_and_load();
}

void ring3_set_gate(unsigned vector, uint16_t selector, uint32_t offset, uint8_t type_attr)
{
	if (vector >= IDT_GATES)
		return;
	ring3_idt[vector] = (struct idt_gate){
		.offset_low = offset & 0xffff,
		.selector = selector,
		.type_attr = type_attr,
		.offset_high = offset >> 16,
	};
}

uint32_t ring3_gate_address(unsigned vector)
{
	return (uint32_t)&ring3_idt[vector < IDT_GATES ? vector : 0];
}

/*
 * IRET to an outer privilege level pops EIP, CS, EFLAGS, ESP and SS
 * (SDM Vol. 2A, IRET, "RETURN-TO-OUTER-PRIVILEGE-LEVEL").  DS and ES are
 * loaded with the ring-3 data segment first: IRET would null a data
 * segment whose DPL is below the new CPL.
 */
void ring3_enter(uint32_t eip, uint32_t esp, uint32_t eflags)
{
	asm volatile("movw %[ds], %%ax\n\t"
		     "movw %%ax, %%ds\n\t"
		     "movw %%ax, %%es\n\t"
		     "movw %%ax, %%fs\n\t"
		     "movw %%ax, %%gs\n\t"
		     "pushl %[ss]\n\t"
		     "pushl %[esp]\n\t"
		     "pushl %[eflags]\n\t"
		     "pushl %[cs]\n\t"
		     "pushl %[eip]\n\t"
		     "iret"
		     : : [ds] "i"(SEL_DATA3), [ss] "i"(SEL_DATA3), [cs] "i"(SEL_CODE3),
		       [esp] "r"(esp), [eflags] "r"(eflags), [eip] "r"(eip)
		     : "eax", "memory");
	__builtin_unreachable();
}
