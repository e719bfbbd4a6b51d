/*
 * The guest model's run-time half: what each exit handler hands over (a
 * hypercall, a port access, a CPUID leaf of skiff's) and how a guest's run
 * ends (it exits, crashes or hangs) under the compiled-in policy.
 */
#include "cmdline.h"
#include "config.h"
#include "cpu.h"
#include "drivers/console.h"
#include "drivers/tsc.h"
#include "integrity.h"
#include "lib/string.h"
#include "mm/pmm.h"
#include "lib/printf.h"
#include "panic.h"
#include "power.h"
#include "version.h"
#include "vm/vm.h"

static void console_out(const char *s, size_t n)
{
	console_write(s, n);
}

void vm_init(struct vm *vm, const struct mm_layout *layout)
{
	vm->mem = (struct guest_mem){ .ranges = layout->guest, .count = layout->guest_count };
	gconsole_init(&vm->console, console_out);
	vm_ports_init(&vm->ports, &vm->console);
	vm->ports.com1.line_busy = &console_output_queued;
	vm->hc = (struct vm_hc_ctx){ .mem = &vm->mem, .console = &vm->console,
				     .boot_tsc = boot_tsc };
	vm->hc.stats = vm_arch_exit_stats(&vm->hc.stats_count);
	vm->incidents = 0;
}

void vm_console_flush(struct vm *vm)
{
	gconsole_flush(&vm->console);
}

/* The signature as three little-endian words, in EBX, ECX, EDX order. */
static uint32_t signature_word(unsigned i)
{
	const char *s = HV_SIGNATURE;

	return (uint32_t)(uint8_t)s[4 * i] | (uint32_t)(uint8_t)s[4 * i + 1] << 8 |
	       (uint32_t)(uint8_t)s[4 * i + 2] << 16 | (uint32_t)(uint8_t)s[4 * i + 3] << 24;
}

_Static_assert(sizeof(HV_SIGNATURE) == 13, "the signature fills EBX, ECX and EDX exactly");

/* Leaves 0x40000000-0x400000ff are the hypervisor's by convention; the
 * ones above skiff's last answer zeros, as a CPU does past its maximum. */
bool vm_cpuid(struct vm *vm, uint32_t leaf, uint32_t subleaf, struct cpuid_regs *r)
{
	(void)vm;
	(void)subleaf;
	if ((leaf & 0xffffff00u) != HV_CPUID_SIGNATURE)
		return false;
	*r = (struct cpuid_regs){ 0 };
	if (leaf == HV_CPUID_SIGNATURE) {
		r->eax = HV_CPUID_MAX;
		r->ebx = signature_word(0);
		r->ecx = signature_word(1);
		r->edx = signature_word(2);
	} else if (leaf == HV_CPUID_VERSION) {
		r->eax = (SKIFF_VERSION_MAJOR << 16) | SKIFF_VERSION_MINOR;
		r->ebx = HC_ABI_VERSION;
	}
	return true;
}

int64_t vm_hypercall_exit(struct vm *vm, uint64_t nr, uint64_t a0, uint64_t a1, uint64_t a2,
			  bool guest_64bit)
{
	int64_t ret = vm_hypercall(&vm->hc, nr, a0, a1, a2, guest_64bit);

	if (vm->hc.exited)
		vm_guest_exited(vm, vm->hc.exit_status);
	return ret;
}

void vm_port_io_exit(struct vm *vm, uint16_t port, unsigned size, bool in, uint32_t *value)
{
	int ret = vm_port_io(&vm->ports, port, size, in, value);

	if (ret == VM_PORT_EXIT)
		vm_guest_exited(vm, vm->ports.exit_status);
	/* Only the I/O bitmap's ports exit, with sizes 1, 2 or 4. */
	if (ret < 0)
		panic("vm: port 0x%x, size %u exited but is not one of skiff's ports (error %d)",
		      port, size, ret);
}

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
		.on_exit = parse_policy(cmdline, "on_exit", CONFIG_ON_GUEST_EXIT),
		.on_crash = parse_policy(cmdline, "on_crash", CONFIG_ON_GUEST_CRASH),
		.on_hang = parse_policy(cmdline, "on_hang", CONFIG_ON_GUEST_HANG),
		.restarts = parse_number(cmdline, "restarts", CONFIG_RESTART_LIMIT),
		.backoff_ms = parse_number(cmdline, "backoff", CONFIG_RESTART_BACKOFF_MS),
		.backoff_max_ms = CONFIG_RESTART_BACKOFF_MAX_MS,
		.watchdog_ms = parse_number(cmdline, "watchdog", CONFIG_WATCHDOG_MS),
	};
}

static const char *policy_name(int policy)
{
	return policy == POLICY_RESTART ? "restart" : policy == POLICY_HALT ? "halt" : "power off";
}

/* Proof for the restart endurance test: restarting takes nothing from
 * skiff's pool (its only heap). */
static void restart_check(struct vm *vm)
{
	size_t free = pmm_free_count(pmm_global());
	size_t used = pmm_total_count(pmm_global()) - free;
	size_t used0 = pmm_total_count(pmm_global()) - vm->pool_free_at_start;

	kprintf("skiff: restart check: pool %lu pages free, heap %lu bytes in use: %s\n", free,
		(unsigned long)(used * PAGE_SIZE), free == vm->pool_free_at_start ? "same as before the first start" :
		"DIFFERENT from before the first start");
	if (free != vm->pool_free_at_start)
		kprintf("skiff: restart check: before the first start: %lu pages free, %lu bytes in use\n",
			vm->pool_free_at_start, (unsigned long)(used0 * PAGE_SIZE));
}

__attribute__((noreturn))
static void stop(int policy, int status)
{
	if (policy == POLICY_HALT)
		power_set_mode(STOP_HALT);
	system_stop(status);
}

/* The policy for what happened: stop, or restart (with back-off, within
 * the limit; past it, power off). */
__attribute__((noreturn))
static void apply_policy(struct vm *vm, int policy, const char *what, int status)
{
	unsigned backoff;

	if (policy != POLICY_RESTART) {
		kprintf("skiff: policy: %s -> %s\n", what, policy_name(policy));
		stop(policy, status);
	}
	if (vm->restarts >= vm->policy.restarts) {
		kprintf("skiff: policy: %s -> restart, but the restart limit of %u reached; powering off\n",
			what, vm->policy.restarts);
		restart_check(vm);
		stop(POLICY_POWER_OFF, status);
	}
	vm->restarts++;
	backoff = vm->policy.backoff_ms;
	for (unsigned i = 1; i < vm->restarts && backoff < vm->policy.backoff_max_ms; i++)
		backoff *= 2;
	if (backoff > vm->policy.backoff_max_ms)
		backoff = vm->policy.backoff_max_ms;
	kprintf("skiff: policy: %s -> restart %u of %u (back-off %u ms)\n", what, vm->restarts,
		vm->policy.restarts, backoff);
	tsc_delay_ms(backoff);
	if (vm_reload(vm) < 0) {
		kprintf("skiff: policy: the guest's image no longer loads; powering off\n");
		stop(POLICY_POWER_OFF, STOP_STATUS_GUEST_CRASH);
	}
	vm_arch_restart(vm);
}

void vm_start(struct vm *vm)
{
	vm->pool_free_at_start = pmm_free_count(pmm_global());
	integrity_baseline();
}

void vm_guest_exited(struct vm *vm, int status)
{
	vm_console_flush(vm);
	kprintf("skiff: the guest (%s) exited with status %d\n", vm->guest_name, status);
	vm_arch_print_exit_stats();
	apply_policy(vm, vm->policy.on_exit, "guest exit", status);
}

void vm_incident(struct vm *vm, const struct vm_incident *inc)
{
	const char *kind = inc->kind == VM_INCIDENT_HANG ? "guest hang" : "guest crash";

	vm->incidents++;
	kprintf("skiff: incident %u: %s: %s at RIP 0x%lx, %lu ms after boot\n", vm->incidents, kind,
		inc->what, inc->rip, tsc_ms_since_boot());
	integrity_check();
	vm_arch_print_exit_stats();
	apply_policy(vm, inc->kind == VM_INCIDENT_HANG ? vm->policy.on_hang : vm->policy.on_crash,
		     kind, STOP_STATUS_GUEST_CRASH);
}

void vm_entry_failed(struct vm *vm, uint64_t rip)
{
	(void)vm;
	kprintf("skiff: the guest could not be entered (at RIP 0x%lx); this is skiff's fault, "
		"not the guest's\n", rip);
	system_stop(STOP_STATUS_PANIC);
}
