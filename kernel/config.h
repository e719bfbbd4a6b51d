/*
 * The build's policy, compiled in (docs/architecture.md
 * "What is compiled in").  Every value is checked below at compile time.
 */
#ifndef SKIFF_CONFIG_H
#define SKIFF_CONFIG_H

/*
 * Memory skiff keeps for itself beyond its image, its page pool, sized at
 * boot from what it holds (mm_pool_size()); everything else that is usable
 * RAM goes to the guest.  In pages:
 *  - CONFIG_POOL_BASE_PAGES for what every machine needs: skiff's own page
 *    tables, the MSR and I/O bitmaps, the IOMMU's root and context tables;
 *  - CONFIG_POOL_CPU_PAGES per CPU the MADT lists: VMXON region, VMCS, the
 *    exit, NMI and fault stacks with their guard pages;
 *  - CONFIG_POOL_GIB_PAGES per GiB of physical address space (at least
 *    4 GiB): skiff's map, the EPT and the IOMMU's tables each need a page
 *    per GiB with 2 MiB pages, and a few splits;
 *  - CONFIG_POOL_RETYPE_PAGES for the tables the guest's MTRRs make the
 *    EPT split into (vm/mtrr_view.h): 16 variable ranges, two edges each.
 * Measured at the guest's start (Bochs, 512 MiB): 76 KiB with one CPU,
 * 60 KiB more for each further CPU (the "skiff: pool:" line).
 */
#define CONFIG_POOL_BASE_PAGES		128
#define CONFIG_POOL_CPU_PAGES		32
#define CONFIG_POOL_GIB_PAGES		4
#define CONFIG_POOL_RETYPE_PAGES	128

/* Smallest usable RAM the guest must get, or skiff refuses to start it. */
#define CONFIG_GUEST_MIN_MEMORY	(4ull << 20)

/* What skiff does when its guest ends: POLICY_POWER_OFF (the status is
 * the guest's, or STOP_STATUS_GUEST_CRASH), POLICY_HALT (the report stays
 * on every console) or POLICY_RESTART (the guest starts again from the
 * pristine image skiff keeps, at most CONFIG_RESTART_LIMIT times in a run,
 * waiting CONFIG_RESTART_BACKOFF_MS before the first restart and twice as
 * long before each next one, up to CONFIG_RESTART_BACKOFF_MAX_MS; past the
 * limit skiff powers off).  The command line may override each for a run:
 * on_finish=, on_crash=, on_hang= (poweroff, halt, restart), restarts=,
 * backoff=, watchdog= (ms, 0 = off); stop=halt chooses halt at the end. */
#define POLICY_POWER_OFF	1
#define POLICY_HALT		2
#define POLICY_RESTART		3
#define CONFIG_ON_GUEST_FINISH	POLICY_POWER_OFF	/* it finished by itself */
#define CONFIG_ON_GUEST_CRASH	POLICY_POWER_OFF	/* triple fault, unhandled exit, EPT violation */
#define CONFIG_ON_GUEST_HANG	POLICY_POWER_OFF	/* HLT with interrupts off, watchdog */
#define CONFIG_ON_GUEST_REBOOT	POLICY_RESTART		/* it reset the machine (vm/platform.h) */
#define CONFIG_RESTART_LIMIT	3
#define CONFIG_RESTART_BACKOFF_MS	100
#define CONFIG_RESTART_BACKOFF_MAX_MS	10000

/* Watchdog: a guest that runs this long with interrupts off and without a
 * single VM exit has hung (VMX preemption timer).  0 turns it off. */
#define CONFIG_WATCHDOG_MS	1000

/* The same exception reflected this many times in a row, with no other
 * exit between, is a guest stuck in its own exception delivery (the #AC
 * and #DB loops of CVE-2015-5307 and CVE-2015-8104): a hang. */
#define CONFIG_EXCEPTION_FLOOD	10000

/* The most CPUs skiff holds.  A machine whose MADT lists more (enabled or
 * online-capable) is refused at boot: a CPU skiff does not hold is a CPU
 * the guest can start outside VMX. */
#define CONFIG_MAX_CPUS		64

_Static_assert(CONFIG_POOL_BASE_PAGES >= 64 && CONFIG_POOL_CPU_PAGES >= 16,
	       "the pool holds at least skiff's tables and one CPU's pages");
_Static_assert((CONFIG_POOL_BASE_PAGES + 4 * CONFIG_POOL_CPU_PAGES + 4 * CONFIG_POOL_GIB_PAGES +
		CONFIG_POOL_RETYPE_PAGES) * 4096ull <= (2ull << 20),
	       "4 CPUs and 4 GiB fit the 2 MiB budget");
_Static_assert(CONFIG_GUEST_MIN_MEMORY % 4096 == 0, "guest minimum is whole pages");
#define CONFIG_POLICY_VALID(p)	((p) == POLICY_POWER_OFF || (p) == POLICY_HALT || (p) == POLICY_RESTART)
_Static_assert(CONFIG_POLICY_VALID(CONFIG_ON_GUEST_FINISH), "guest exit policy: power off, halt or restart");
_Static_assert(CONFIG_POLICY_VALID(CONFIG_ON_GUEST_CRASH), "guest crash policy: power off, halt or restart");
_Static_assert(CONFIG_POLICY_VALID(CONFIG_ON_GUEST_HANG), "guest hang policy: power off, halt or restart");
_Static_assert(CONFIG_POLICY_VALID(CONFIG_ON_GUEST_REBOOT), "guest reboot policy: power off, halt or restart");
_Static_assert(CONFIG_RESTART_LIMIT <= 100000, "a restart limit, not an endless loop");
_Static_assert(CONFIG_RESTART_BACKOFF_MS <= CONFIG_RESTART_BACKOFF_MAX_MS, "back-off grows up to its maximum");
_Static_assert(CONFIG_RESTART_BACKOFF_MAX_MS <= 3600000, "back-off of at most an hour");
_Static_assert(CONFIG_WATCHDOG_MS == 0 || CONFIG_WATCHDOG_MS >= 10, "a watchdog period of at least 10 ms");
_Static_assert(CONFIG_EXCEPTION_FLOOD >= 100, "a flood is more than a few nested exceptions");
_Static_assert(CONFIG_MAX_CPUS >= 1 && CONFIG_MAX_CPUS <= 1024, "1 to 1024 CPUs: each costs pages of the pool");

#endif
