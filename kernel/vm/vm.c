/*
 * The guest model's run-time half: what each exit handler hands over (a
 * hypercall, a port access, a CPUID leaf of skiff's) and how a guest's run
 * ends (it exits, crashes or hangs) under the compiled-in policy.
 */
#include "config.h"
#include "cpu.h"
#include "drivers/console.h"
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

__attribute__((noreturn))
static void apply_policy(int policy, int status)
{
	if (policy == POLICY_HALT)
		power_set_mode(STOP_HALT);
	system_stop(status);
}

void vm_guest_exited(struct vm *vm, int status)
{
	vm_console_flush(vm);
	kprintf("skiff: the guest (%s) exited with status %d\n", vm->guest_name, status);
	vm_arch_print_exit_stats();
	apply_policy(CONFIG_ON_GUEST_EXIT, status);
}

void vm_incident(struct vm *vm, const struct vm_incident *inc)
{
	vm->incidents++;
	kprintf("skiff: incident %u: guest %s: %s at RIP 0x%lx, TSC %lu after boot\n",
		vm->incidents, inc->kind == VM_INCIDENT_HANG ? "hang" : "crash", inc->what,
		inc->rip, rdtsc());
	vm_arch_print_exit_stats();
	apply_policy(inc->kind == VM_INCIDENT_HANG ? CONFIG_ON_GUEST_HANG : CONFIG_ON_GUEST_CRASH,
		     STOP_STATUS_GUEST_CRASH);
}

void vm_entry_failed(struct vm *vm, uint64_t rip)
{
	(void)vm;
	kprintf("skiff: the guest could not be entered (at RIP 0x%lx); this is skiff's fault, "
		"not the guest's\n", rip);
	system_stop(STOP_STATUS_PANIC);
}
