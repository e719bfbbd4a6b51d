/*
 * The guest's policy: what skiff does when the guest finishes, crashes
 * or hangs (config.h's defaults, overridden by the command line), and the
 * decision that follows an incident or the guest's finish.  Pure, apart
 * from the messages about malformed command-line values.
 */
#ifndef SKIFF_VM_POLICY_H
#define SKIFF_VM_POLICY_H

#include <stdbool.h>

/* The policy in force: config.h's, or the command line's for this run. */
struct vm_policy {
	int on_finish, on_crash, on_hang, on_reboot;	/* POLICY_* */
	unsigned restarts;			/* at most this many restarts */
	unsigned backoff_ms, backoff_max_ms;
	unsigned watchdog_ms;			/* 0: no watchdog */
};

/* config.h's policy, overridden by the command line's words. */
void vm_policy_init(struct vm_policy *p, const char *cmdline);

/* What happens next. */
struct vm_decision {
	enum { VM_DECIDE_STOP, VM_DECIDE_RESTART } action;
	int stop_policy;	/* STOP: POLICY_POWER_OFF or POLICY_HALT */
	bool limit_reached;	/* STOP: a restart was due, but the limit is reached */
	unsigned restart;	/* RESTART: its number, 1 for the first */
	unsigned backoff_ms;	/* RESTART: the wait before it */
};

/* The decision for policy (POLICY_*) after restarts_done restarts: a
 * restart within the limit waits backoff_ms, doubled for each restart
 * before it, at most backoff_max_ms. */
struct vm_decision vm_policy_decide(const struct vm_policy *p, int policy, unsigned restarts_done);

const char *vm_policy_name(int policy);

#endif
