/*
 * Attacks from an AP: the guest starts its second CPU with INIT-SIPI-SIPI
 * (runtime/smp.c), as on bare metal, and that CPU does the harm while the
 * BSP runs on.  Under skiff the AP is a vCPU of the same guest: whatever
 * it does must meet the same containment as on the BSP, and the whole
 * guest shares one fate (the run ends for every vCPU, not only the one
 * that misbehaved).  The AP prints what it is about to do, then does it;
 * the BSP meanwhile loops on CPUID (an exit each time, so skiff's BSP
 * gets to act) until the AP's function returns, which means the attack did
 * not end the run: a FAIL line and a non-zero status (main.c).
 *
 * ap-loop turns it around: the AP loops on CPUID for good, and the BSP
 * triple-faults while it does.
 */
#include "attack.h"
#include "printf.h"
#include "smp.h"
#include "x86.h"

#define AP_CPU			1		/* the number the AP runs as */
#define POISON			0xdeadbeefu
#define BSP_POLL_SPINS		1000		/* PAUSEs between two CPUIDs */

/* For ap-loop: the AP says it is looping, so that the BSP prints after it. */
static volatile uint32_t ap_looping;

/* The first APIC ID of the MADT that is not the calling CPU's; false
 * (and a line saying why) when there is none. */
static bool second_cpu(const char *attack, uint32_t *apic_id)
{
	uint32_t ids[SMP_MAX_CPUS], self;
	unsigned n = smp_cpus(attack_mbi, ids, SMP_MAX_CPUS);

	if (!smp_self_apic_id(&self)) {
		printf("attack: %s: the BSP's xAPIC cannot be used\n", attack);
		return false;
	}
	for (unsigned i = 0; i < n && i < SMP_MAX_CPUS; i++) {
		if (ids[i] != self) {
			*apic_id = ids[i];
			return true;
		}
	}
	printf("attack: %s: the MADT lists no CPU but this one (%u in all)\n", attack, n);
	return false;
}

static bool start_ap(const char *attack, void (*fn)(unsigned cpu, void *arg))
{
	uint32_t id;

	if (!second_cpu(attack, &id))
		return false;
	printf("attack: %s: starting cpu %u (APIC ID %u)\n", attack, AP_CPU, id);
	if (smp_start_ap(id, fn, AP_CPU, (void *)attack))
		return true;
	printf("attack: %s: cpu %u (APIC ID %u) did not start\n", attack, AP_CPU, id);
	return false;
}

/* Starts the AP on fn and loops on CPUID until fn returns (no printf
 * meanwhile: runtime/smp.h); returns only then, with a FAIL line. */
static void run_on_ap(const char *attack, void (*fn)(unsigned cpu, void *arg))
{
	if (!start_ap(attack, fn))
		return;
	while (!smp_wait_ap(AP_CPU, BSP_POLL_SPINS))
		cpuid(0, 0);
	printf("attack: %s: FAIL: cpu %u's attack returned: it did not end the run\n", attack,
	       AP_CPU);
}

/* skiff's memory, as the memory map shows it (memory.c), or 0 after a
 * line saying the map shows none. */
static uint32_t ap_target(const char *attack)
{
	uint32_t addr = skiff_address();

	if (!addr)
		printf("attack: %s: no reserved memory-map entry inside RAM: nothing to attack\n",
		       attack);
	return addr;
}

static void ap_read(unsigned cpu, void *arg)
{
	const char *attack = arg;
	uint32_t addr = ap_target(attack), got;

	if (!addr)
		return;
	printf("attack: %s: cpu %u reads skiff's memory at 0x%08x\n", attack, cpu, addr);
	got = *(volatile uint32_t *)addr;
	printf("attack: %s: cpu %u read 0x%08x from skiff's memory\n", attack, cpu, got);
}

static void ap_write(unsigned cpu, void *arg)
{
	const char *attack = arg;
	uint32_t addr = ap_target(attack);

	if (!addr)
		return;
	printf("attack: %s: cpu %u writes skiff's memory at 0x%08x\n", attack, cpu, addr);
	*(volatile uint32_t *)addr = POISON;
	printf("attack: %s: cpu %u wrote 0x%08x into skiff's memory\n", attack, cpu, POISON);
}

/* A call, as exec-skiff's (memory.c): a RET there would come back. */
static void ap_exec(unsigned cpu, void *arg)
{
	const char *attack = arg;
	uint32_t addr = ap_target(attack);

	if (!addr)
		return;
	printf("attack: %s: cpu %u jumps to skiff's memory at 0x%08x\n", attack, cpu, addr);
	asm volatile("call *%0"
		     : : "r"(addr) : "memory", "eax", "ecx", "edx", "cc");
	printf("attack: %s: cpu %u came back from skiff's memory\n", attack, cpu);
}

/* With an IDT limit of 0 no vector has a gate: INT3 raises #GP, whose
 * delivery raises #DF, whose delivery shuts the CPU down (SDM Vol. 3A
 * 6.15, interrupt 8, table 6-5): a triple fault, which in non-root mode
 * is a VM exit (SDM Vol. 3C 26.2). */
static void ap_triple(unsigned cpu, void *arg)
{
	static const struct {
		uint16_t limit;
		uint32_t base;
	} __attribute__((packed)) empty_idt = { 0, 0 };
	const char *attack = arg;

	printf("attack: %s: cpu %u loads an IDT of limit 0, then INT3\n", attack, cpu);
	asm volatile("lidt %0\n\t"
		     "int3" : : "m"(empty_idt) : "memory");
}

/* ac-flood (flood.c) on the AP: its own GDT, TSS and IDT copy, ring 3 on
 * a misaligned stack; #AC recurs inside its own delivery. */
static void ap_flood(unsigned cpu, void *arg)
{
	const char *attack = arg;

	printf("attack: %s: cpu %u floods #AC from ring 3 (CVE-2015-5307, as ac-flood)\n",
	       attack, cpu);
	attack_ac_flood();
}

static void ap_loop(unsigned cpu, void *arg)
{
	const char *attack = arg;

	printf("attack: %s: cpu %u loops on CPUID\n", attack, cpu);
	ap_looping = 1;
	for (;;)
		cpuid(0, 0);
}

/* Interrupts off, no exit ever: only the AP's own watchdog (its vCPU's
 * preemption timer) can see it. */
static void ap_cli_loop(unsigned cpu, void *arg)
{
	const char *attack = arg;

	printf("attack: %s: cpu %u loops with interrupts off, making no VM exit\n", attack, cpu);
	asm volatile("cli\n\t"
		     "1: jmp 1b" ::: "memory");
}

void attack_ap_cli_loop(void)
{
	run_on_ap("ap-cli-loop", ap_cli_loop);
}

/*
 * INIT to the BSP from the AP, through the x2APIC ICR (SDM Vol. 3A
 * 11.12.9): the CPU the guest booted on reset, which skiff treats as the
 * guest's crash whoever sent it (vm/ipi.h).  The AP's APIC is put in
 * x2APIC mode first (11.12.5), where the ICR is the MSR skiff sees.
 */
#define MSR_APIC_BASE		0x1b
#define APIC_BASE_X2APIC	(1u << 10)
#define MSR_X2APIC_ICR		0x830
#define ICR_INIT_ASSERT		(5u << 8 | 1u << 14)

static uint32_t bsp_apic_id;

static void ap_init_bsp(unsigned cpu, void *arg)
{
	const char *attack = arg;

	printf("attack: %s: cpu %u sends INIT to the BSP (APIC ID %u) through its x2APIC\n",
	       attack, cpu, bsp_apic_id);
	wrmsr(MSR_APIC_BASE, rdmsr(MSR_APIC_BASE) | APIC_BASE_X2APIC);
	wrmsr(MSR_X2APIC_ICR, (uint64_t)bsp_apic_id << 32 | ICR_INIT_ASSERT);
}

void attack_ap_init_bsp(void)
{
	if (!smp_self_apic_id(&bsp_apic_id)) {
		printf("attack: ap-init-bsp: the BSP's APIC ID cannot be read\n");
		return;
	}
	run_on_ap("ap-init-bsp", ap_init_bsp);
}

/* both-triple: the two CPUs triple-fault at (nearly) the same instant,
 * the AP the moment it sees the BSP's go.  skiff must report one incident
 * per run, whichever vCPU it names. */
static volatile uint32_t both_go;

static void ap_triple_on_go(unsigned cpu, void *arg)
{
	(void)arg;
	(void)cpu;
	while (!both_go)
		cpu_pause();
	attack_triple();
}

void attack_both_triple(void)
{
	if (!start_ap("both-triple", ap_triple_on_go))
		return;
	printf("attack: both-triple: cpu 0 and cpu %u triple-fault together\n", AP_CPU);
	both_go = 1;
	attack_triple();
}

void attack_ap_read_skiff(void)
{
	run_on_ap("ap-read-skiff", ap_read);
}

void attack_ap_write_skiff(void)
{
	run_on_ap("ap-write-skiff", ap_write);
}

void attack_ap_exec_skiff(void)
{
	run_on_ap("ap-exec-skiff", ap_exec);
}

void attack_ap_triple(void)
{
	run_on_ap("ap-triple", ap_triple);
}

void attack_ap_flood(void)
{
	run_on_ap("ap-flood", ap_flood);
}

/* The AP loops; once it said so, the BSP triple-faults (cpu.c's triple). */
void attack_ap_loop(void)
{
	if (!start_ap("ap-loop", ap_loop))
		return;
	while (!ap_looping)
		cpu_pause();
	printf("attack: ap-loop: cpu 0 triple-faults while cpu %u loops\n", AP_CPU);
	attack_triple();
}

/*
 * Both CPUs rewrite their MTRRs at once (SDM Vol. 3A 12.11.8 asks them to
 * hold the same, but a guest need not): the AP flips variable range 7
 * between write-combining and uncacheable over one page of guest RAM and
 * over skiff's image, the BSP range 6 over another page, MTRR_ROUNDS times
 * each.  Each write that changes a type retypes the shared EPT while the
 * other vCPU runs on it.  skiff's pages must stay out of the EPT
 * throughout, and the CPU's MTRRs skiff's: the end of the run says so.
 */
#define MSR_MTRR_PHYSBASE0	0x200
#define MTRR_VALID		(1u << 11)
#define MTRR_MASK_4K		0xffffff000ull
#define MTRR_ROUNDS		100

static void mtrr_flip(unsigned range, uint32_t page, unsigned round)
{
	wrmsr(MSR_MTRR_PHYSBASE0 + 2 * range, page | (round % 2 ? 1u : 0u));	/* WC, UC */
	wrmsr(MSR_MTRR_PHYSBASE0 + 2 * range + 1, MTRR_MASK_4K | MTRR_VALID);
}

static void ap_mtrr(unsigned cpu, void *arg)
{
	uint32_t skiff = skiff_address() & ~0xfffu;

	(void)cpu;
	(void)arg;
	for (unsigned i = 0; i < MTRR_ROUNDS; i++)
		mtrr_flip(7, i % 4 || !skiff ? 0x00601000u : skiff, i);
	wrmsr(MSR_MTRR_PHYSBASE0 + 2 * 7 + 1, 0);
}

int attack_ap_mtrr(void)
{
	volatile uint32_t *probe = (volatile uint32_t *)0x00602000u;
	bool done;

	if (!start_ap("ap-mtrr", ap_mtrr))
		return 1;
	for (unsigned i = 0; i < MTRR_ROUNDS; i++) {
		mtrr_flip(6, 0x00602000u, i);
		*probe = i;
	}
	wrmsr(MSR_MTRR_PHYSBASE0 + 2 * 6 + 1, 0);
	done = smp_wait_ap(AP_CPU, 100000000ul);
	printf("attack: ap-mtrr: %u rounds on each CPU; cpu %u %s; guest RAM read back %s\n",
	       MTRR_ROUNDS, AP_CPU, done ? "done" : "NOT done",
	       *probe == MTRR_ROUNDS - 1 ? "ok" : "WRONG");
	return done && *probe == MTRR_ROUNDS - 1 ? 0 : 1;
}
