/*
 * Deliberate misbehaviour, chosen by crash=<mode> on the command line, so
 * skiff's boot tests can watch it handle each fatal path.  Each mode says
 * what it is about to do, then does it.
 */
#include "mb2.h"
#include "printf.h"
#include "runtime.h"
#include "selftest.h"
#include "string.h"
#include "vm/hypercall_abi.h"
#include "x86.h"

#define CRASH_PORT_STATUS	7
#define EPT_POISON		0xdeadbeefu

struct crash {
	const char *mode;
	const char *what;
	void (*run)(void);
};

/* With an IDT limit of 0 no vector has a gate: INT3 raises #GP, whose
 * delivery raises #DF, whose delivery shuts the CPU down (SDM Vol. 3A
 * 6.15, interrupt 8). */
static void crash_triple(void)
{
	static const struct {
		uint16_t limit;
		uint32_t base;
	} __attribute__((packed)) empty_idt = { 0, 0 };

	asm volatile("lidt %0\n\t"
		     "int3" : : "m"(empty_idt) : "memory");
}

static void crash_ept(void)
{
	const struct mb2_mmap_entry *e = mmap_skiff_memory();

	if (!e) {
		printf("selftest: crash=ept: no reserved memory-map entry inside RAM\n");
		return;
	}
	printf("selftest: crash=ept: writing to 0x%08x\n", (uint32_t)e->base_addr);
	*(volatile uint32_t *)(uint32_t)e->base_addr = EPT_POISON;
}

static void crash_hlt(void)
{
	halt_forever();
}

static void crash_port(void)
{
	outb(HV_PORT_FINISH, CRASH_PORT_STATUS);
}

static void crash_shutdown(void)
{
	for (const char *p = "Shutdown"; *p; p++)
		outb(HV_PORT_BOCHS_SHUTDOWN, (uint8_t)*p);
}

static const struct crash crashes[] = {
	{ "triple", "empty IDT, then INT3: a triple fault", crash_triple },
	{ "ept", "write to skiff's memory (the first reserved map entry inside RAM): "
		 "an EPT violation", crash_ept },
	{ "hlt", "CLI then HLT: halted with interrupts off", crash_hlt },
	{ "port", "write 7 to port 0xf4: exit status 7", crash_port },
	{ "shutdown", "write \"Shutdown\" to port 0x8900: exit status 0", crash_shutdown },
};

void crash_run(const char *mode)
{
	for (size_t i = 0; i < sizeof(crashes) / sizeof(crashes[0]); i++) {
		if (strcmp(mode, crashes[i].mode) != 0)
			continue;
		printf("selftest: crash=%s: %s\n", mode, crashes[i].what);
		crashes[i].run();
		printf("selftest: crash=%s: still running, so it did not end the run\n", mode);
		return;
	}
	printf("selftest: crash=%s: no such mode (triple, ept, hlt, port, shutdown)\n", mode);
}

