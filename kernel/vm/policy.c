/* See policy.h. */
#include "cmdline.h"
#include "config.h"
#include "lib/string.h"
#include "vm/policy.h"

static int parse_policy(const char *cmdline, const char *key, int fallback)
{
	char val[16];

	if (!cmdline_get(cmdline, key, val, sizeof(val)))
		return fallback;
	if (strcmp(val, "poweroff") == 0)
		return POLICY_POWER_OFF;
	if (strcmp(val, "halt") == 0)
		return POLICY_HALT;
	if (strcmp(val, "restart") == 0)
		return POLICY_RESTART;
	return fallback;	/* cmdline_check() has said so */
}

static unsigned parse_number(const char *cmdline, const char *key, unsigned fallback)
{
	char val[16];
	unsigned n;

	if (!cmdline_get(cmdline, key, val, sizeof(val)) ||
	    !cmdline_parse_number(val, strlen(val), &n))
		return fallback;	/* cmdline_check() has said so */
	return n;
}

void vm_policy_init(struct vm_policy *p, const char *cmdline)
{
	*p = (struct vm_policy){
		.on_finish = parse_policy(cmdline, "on_finish",
					  parse_policy(cmdline, "on_exit", CONFIG_ON_GUEST_FINISH)),
		.on_crash = parse_policy(cmdline, "on_crash", CONFIG_ON_GUEST_CRASH),
		.on_hang = parse_policy(cmdline, "on_hang", CONFIG_ON_GUEST_HANG),
		.on_reboot = parse_policy(cmdline, "on_reboot", CONFIG_ON_GUEST_REBOOT),
		.restarts = parse_number(cmdline, "restarts", CONFIG_RESTART_LIMIT),
		.backoff_ms = parse_number(cmdline, "backoff", CONFIG_RESTART_BACKOFF_MS),
		.backoff_max_ms = CONFIG_RESTART_BACKOFF_MAX_MS,
		.watchdog_ms = parse_number(cmdline, "watchdog", CONFIG_WATCHDOG_MS),
	};
}

const char *vm_policy_name(int policy)
{
	return policy == POLICY_RESTART ? "restart" : policy == POLICY_HALT ? "halt" : "power off";
}

struct vm_decision vm_policy_decide(const struct vm_policy *p, int policy, unsigned restarts_done)
{
	struct vm_decision d = { .action = VM_DECIDE_STOP, .stop_policy = policy };
	unsigned backoff = p->backoff_ms;

	if (policy != POLICY_RESTART)
		return d;
	if (restarts_done >= p->restarts) {
		d.stop_policy = POLICY_POWER_OFF;
		d.limit_reached = true;
		return d;
	}
	d.action = VM_DECIDE_RESTART;
	d.restart = restarts_done + 1;
	for (unsigned i = 1; i < d.restart && backoff < p->backoff_max_ms; i++)
		backoff *= 2;
	d.backoff_ms = backoff > p->backoff_max_ms ? p->backoff_max_ms : backoff;
	return d;
}
