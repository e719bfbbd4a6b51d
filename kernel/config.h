/*
 * The build's policy, compiled in (ARCHITECTURE.md "What is compiled in").
 * Every value is checked below at compile time; tests/unit/test_config.c
 * checks the same rules on the host.
 */
#ifndef SKIFF_CONFIG_H
#define SKIFF_CONFIG_H

/* Memory skiff keeps for itself beyond its image: page tables, EPT tables,
 * VMCS and VMXON regions, bitmaps, stacks to come.  Everything else that is
 * usable RAM goes to the guest. */
#define CONFIG_POOL_SIZE	(16ull << 20)

/* Smallest usable RAM the guest must get, or skiff refuses to start it. */
#define CONFIG_GUEST_MIN_MEMORY	(4ull << 20)

/* What skiff does when its guest ends: POLICY_POWER_OFF (the status is
 * the guest's, or STOP_STATUS_GUEST_CRASH) or POLICY_HALT (the report stays
 * on every console).  The command line's stop=halt also chooses halt. */
#define POLICY_POWER_OFF	1
#define POLICY_HALT		2
#define CONFIG_ON_GUEST_EXIT	POLICY_POWER_OFF	/* it exited by itself */
#define CONFIG_ON_GUEST_CRASH	POLICY_POWER_OFF	/* triple fault, unhandled exit, EPT violation */
#define CONFIG_ON_GUEST_HANG	POLICY_POWER_OFF	/* HLT with interrupts off */

_Static_assert(CONFIG_POOL_SIZE % 4096 == 0, "pool is whole pages");
_Static_assert(CONFIG_POOL_SIZE >= (1ull << 20), "pool of at least 1 MiB: page and EPT tables need it");
_Static_assert(CONFIG_POOL_SIZE <= (1ull << 30), "a pool over 1 GiB is not thin");
_Static_assert(CONFIG_GUEST_MIN_MEMORY % 4096 == 0, "guest minimum is whole pages");
#define CONFIG_POLICY_VALID(p)	((p) == POLICY_POWER_OFF || (p) == POLICY_HALT)
_Static_assert(CONFIG_POLICY_VALID(CONFIG_ON_GUEST_EXIT), "guest exit policy: power off or halt");
_Static_assert(CONFIG_POLICY_VALID(CONFIG_ON_GUEST_CRASH), "guest crash policy: power off or halt");
_Static_assert(CONFIG_POLICY_VALID(CONFIG_ON_GUEST_HANG), "guest hang policy: power off or halt");

#endif
