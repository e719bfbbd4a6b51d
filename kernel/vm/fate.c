/*
 * One guest, one fate: however many vCPUs the guest has, its end (it
 * finished, crashed or hung) is decided once, by the vCPU that found it,
 * with every other vCPU out of the guest.  See vm.h for the calls.
 *
 * The protocol.  vm->fate is even while the guest runs.  The deciding
 * vCPU (the leader) makes it odd with one compare-and-swap: a second
 * vCPU that finds an end at the same moment loses the swap and is held
 * like the rest, so there is one report.  The leader then sends an NMI to
 * the CPU of every vCPU that runs (VCPU_RUNNING).  NMI exiting is on
 * (vmx/vmcs_setup.c), so the NMI takes that vCPU out of the guest at
 * once; one that arrives while the CPU is in skiff is held (idt.c) and
 * makes the fast paths decline.  Either way the exit path reaches
 * vm_fate_check() before its next VM entry and the vCPU waits in
 * vm_fate_hold().  An NMI can arrive just after that check, in which case
 * the vCPU re-enters the guest: so the leader sends again every
 * FATE_KICK_MS until each vCPU is held or waiting for a SIPI, at most
 * FATE_WAIT_MS.  A vCPU in wait-for-SIPI runs nothing and stays there:
 * that is where a restart puts an AP anyway.  The stop NMI is skiff's own:
 * a restart forgets the NMIs of the old guest (vm->arch->start), and a stop
 * ends everything.
 *
 * The decision made, a restart bumps vm->fate to the next even number
 * (the held vCPUs start again through vm_run(), the BSP's at the guest's
 * entry, the APs' in wait-for-SIPI), and a stop sets vm->stopped (they
 * halt).
 *
 * Why vm_vcpu_started() stores before it loads: a vCPU leaving
 * wait-for-SIPI and a leader claiming the fate race.  The vCPU stores
 * RUNNING then loads fate; the leader stores fate then loads the state
 * (all sequentially consistent).  One of them sees the other's store: the
 * leader sends its NMI, or the vCPU holds itself.
 */
#include "drivers/lapic.h"
#include "drivers/tsc.h"
#include "lib/printf.h"
#include "vm/ipi.h"
#include "vm/vm.h"
#include "x86.h"

#define FATE_KICK_MS	1	/* NMIs again after this long */
#define FATE_WAIT_MS	1000	/* a vCPU not out by then is reported */

static int state_of(const struct vcpu *w)
{
	return __atomic_load_n(&w->run_state, __ATOMIC_SEQ_CST);
}

/* Sends the stop NMI to every other vCPU that still runs; true when none
 * does. */
static bool kick_running(struct vm *vm, const struct vcpu *leader)
{
	bool all_out = true;

	for (unsigned i = 0; i < vm->vcpu_count; i++) {
		struct vcpu *w = vm->vcpus[i];

		if (w == leader || state_of(w) != VCPU_RUNNING)
			continue;
		all_out = false;
		vm_kick(w);
	}
	return all_out;
}

bool vm_kick(struct vcpu *w)
{
	__atomic_add_fetch(&w->skiff_nmis, 1, __ATOMIC_SEQ_CST);
	if (lapic_send_ipi(w->apic_id, lapic_icr_nmi()))
		return true;
	__atomic_sub_fetch(&w->skiff_nmis, 1, __ATOMIC_SEQ_CST);
	return false;
}

void vm_vcpu_init(struct vcpu *v, struct vm *vm, unsigned index, uint32_t apic_id,
		  const struct hc_exit_stat *exit_stats, size_t count)
{
	v->self = v;
	v->vm = vm;
	v->index = index;
	v->apic_id = apic_id;
	v->exit_stats = exit_stats;
	v->exit_stats_count = count;
	v->run_state = index == 0 ? VCPU_RUNNING : VCPU_WAIT_SIPI;
}

void vm_take_held_nmi(struct vcpu *v)
{
	if (!__atomic_exchange_n(&v->nmi_held, false, __ATOMIC_SEQ_CST))
		return;
	if (vm_take_kick(v))
		v->kicks_in_root++;
	else
		v->nmi_pending = true;
}

bool vm_take_kick(struct vcpu *v)
{
	unsigned n = __atomic_load_n(&v->skiff_nmis, __ATOMIC_SEQ_CST);

	while (n)
		if (__atomic_compare_exchange_n(&v->skiff_nmis, &n, n - 1, false, __ATOMIC_SEQ_CST,
						__ATOMIC_SEQ_CST))
			return true;
	return false;
}

/*
 * INIT for the guest's vCPUs (vm/ipi.h).  The bootstrap processor first:
 * an INIT that reaches it ends the guest, whatever else it reaches.  An
 * AP that runs takes it at its next exit, which the kick forces; one that
 * waits for a SIPI is where INIT would put it, and the SIPI that starts
 * it clears the mark (an INIT before the SIPI has done its work then).
 */
/*
 * A SIPI where the hardware has no wait-for-SIPI state (sipi_by_skiff):
 * skiff's to deliver, as the hardware would: to a vCPU that waits for
 * one, the first SIPI after its INIT starts it (SDM Vol. 3A 9.4.4.1: a
 * second, sent in case the first was lost, finds it running and is
 * dropped); a running CPU drops it; and a CPU that is not the guest's
 * never sees it.
 */
static void deliver_sipi(struct vcpu *v, const struct vm_icr *d, uint8_t vector)
{
	struct vm *vm = v->vm;

	for (unsigned i = 1; i < vm->vcpu_count; i++) {
		struct vcpu *w = vm->vcpus[i];
		unsigned none = 0;

		if (w == v || !vm_icr_reaches(d, v->apic_id, w->apic_id) ||
		    state_of(w) != VCPU_WAIT_SIPI)
			continue;
		__atomic_compare_exchange_n(&w->sipi, &none, VCPU_SIPI_PENDING | vector, false,
					    __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST);
	}
}

bool vm_take_sipi(struct vcpu *v, uint8_t *vector)
{
	unsigned s = __atomic_exchange_n(&v->sipi, 0, __ATOMIC_SEQ_CST);

	*vector = (uint8_t)s;
	return s & VCPU_SIPI_PENDING;
}

enum vm_ipi_action vm_guest_icr_write(struct vcpu *v, uint64_t icr)
{
	struct vm_icr d = vm_icr_decode(icr);
	struct vm *vm = v->vm;
	enum vm_ipi_action act = VM_IPI_DONE;

	if (d.mode == ICR_MODE_STARTUP && vm->arch->sipi_by_skiff) {
		deliver_sipi(v, &d, (uint8_t)icr);
		return VM_IPI_DONE;
	}
	if (d.mode != ICR_MODE_INIT)
		return VM_IPI_PASS;
	if (d.init_deassert)
		return VM_IPI_DONE;	/* no effect on a CPU since the Pentium 4 */
	if (vm_icr_reaches(&d, v->apic_id, vm->vcpus[0]->apic_id))
		return VM_IPI_INIT_BSP;
	for (unsigned i = 1; i < vm->vcpu_count; i++) {
		struct vcpu *w = vm->vcpus[i];

		if (!vm_icr_reaches(&d, v->apic_id, w->apic_id))
			continue;
		if (w == v) {
			act = VM_IPI_INIT_SELF;
			continue;
		}
		__atomic_store_n(&w->init_pending, true, __ATOMIC_SEQ_CST);
		if (state_of(w) == VCPU_RUNNING)
			vm_kick(w);
	}
	return act;
}

/* With sipi_by_skiff no INIT or SIPI may reach the hardware (a physical
 * INIT would reset a CPU that runs skiff), and one to a logical xAPIC
 * destination names CPUs by registers skiff does not model: dropped,
 * and said. */
static enum vm_ipi_action refuse_logical(struct vcpu *v, uint64_t icr)
{
	vm_refused(v, "xAPIC INIT or SIPI to a logical destination", icr,
		   "skiff delivers INIT and SIPI itself here and names their targets by APIC "
		   "ID only; not sent");
	return VM_IPI_DONE;
}

enum vm_ipi_action vm_xapic_write(struct vcpu *v, uint64_t gpa, unsigned size, uint64_t value)
{
	uint64_t offset = gpa & (XAPIC_REGS_SIZE - 1);
	enum vm_ipi_action act = VM_IPI_PASS;

	if (size == sizeof(uint32_t) && offset == XAPIC_ICR_HIGH)
		v->xapic_icr_high = (uint32_t)value;
	if (size == sizeof(uint32_t) && offset == XAPIC_ICR_LOW) {
		uint64_t icr = vm_icr_from_xapic((uint32_t)value, v->xapic_icr_high);
		struct vm_icr d = vm_icr_decode(icr);

		/* A logical destination is out of skiff's view (vm/ipi.h). */
		if (!(d.logical && d.shorthand == ICR_TO_DEST))
			act = vm_guest_icr_write(v, icr);
		else if (v->vm->arch->sipi_by_skiff &&
			 (d.mode == ICR_MODE_INIT || d.mode == ICR_MODE_STARTUP))
			act = refuse_logical(v, icr);
	}
	if (act == VM_IPI_PASS)		/* ICR_HIGH is as the guest wrote it */
		vm_mmio_store(gpa, size, value);
	return act == VM_IPI_PASS ? VM_IPI_DONE : act;
}

static bool others_out(const struct vm *vm, const struct vcpu *leader)
{
	for (unsigned i = 0; i < vm->vcpu_count; i++)
		if (vm->vcpus[i] != leader && state_of(vm->vcpus[i]) == VCPU_RUNNING)
			return false;
	return true;
}

static void stop_the_others(struct vm *vm, struct vcpu *leader)
{
	uint64_t deadline = rdtsc() + tsc_ticks_for_ms(FATE_WAIT_MS);

	while (!kick_running(vm, leader)) {
		uint64_t next = rdtsc() + tsc_ticks_for_ms(FATE_KICK_MS);

		while (rdtsc() < next && !others_out(vm, leader))
			pause();
		if (others_out(vm, leader))
			return;
		if (rdtsc() > deadline)
			break;
	}
	if (others_out(vm, leader))
		return;
	vm->stray = true;
	for (unsigned i = 0; i < vm->vcpu_count; i++)
		if (vm->vcpus[i] != leader && state_of(vm->vcpus[i]) == VCPU_RUNNING)
			kprintf("skiff: fate: vCPU %u (APIC ID %u) did not leave the guest within "
				"%u ms of skiff's NMIs; the guest cannot be restarted safely\n",
				vm->vcpus[i]->index, vm->vcpus[i]->apic_id, FATE_WAIT_MS);
}

void vm_fate_claim(struct vcpu *v)
{
	struct vm *vm = v->vm;
	unsigned fate = __atomic_load_n(&vm->fate, __ATOMIC_SEQ_CST);

	if ((fate & 1) && __atomic_load_n(&vm->leader, __ATOMIC_SEQ_CST) == v)
		return;		/* claimed already: the report, then the policy */
	if ((fate & 1) || !__atomic_compare_exchange_n(&vm->fate, &fate, fate + 1, false,
						       __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST))
		vm_fate_hold(v);
	__atomic_store_n(&vm->leader, v, __ATOMIC_SEQ_CST);
	if (vm->vcpu_count > 1)
		stop_the_others(vm, v);
}

void vm_fate_hold(struct vcpu *v)
{
	struct vm *vm = v->vm;
	unsigned fate = __atomic_load_n(&vm->fate, __ATOMIC_SEQ_CST);

	__atomic_store_n(&v->run_state, VCPU_HELD, __ATOMIC_SEQ_CST);
	while ((fate & 1) && __atomic_load_n(&vm->fate, __ATOMIC_SEQ_CST) == fate) {
		if (__atomic_load_n(&vm->stopped, __ATOMIC_SEQ_CST))
			halt_forever();
		pause();
	}
	vm_run(v);
}

void vm_fate_release(struct vm *vm)
{
	/* A SIPI the old guest sent is not the new guest's. */
	for (unsigned i = 0; i < vm->vcpu_count; i++)
		__atomic_store_n(&vm->vcpus[i]->sipi, 0, __ATOMIC_SEQ_CST);
	__atomic_store_n(&vm->leader, NULL, __ATOMIC_SEQ_CST);
	__atomic_add_fetch(&vm->fate, 1, __ATOMIC_SEQ_CST);
}

void vm_fate_stop(struct vm *vm)
{
	__atomic_store_n(&vm->stopped, true, __ATOMIC_SEQ_CST);
}

void vm_vcpu_started(struct vcpu *v)
{
	__atomic_store_n(&v->init_pending, false, __ATOMIC_SEQ_CST);
	__atomic_store_n(&v->run_state, VCPU_RUNNING, __ATOMIC_SEQ_CST);
	vm_fate_check(v);
}

void vm_vcpu_parked(struct vcpu *v)
{
	__atomic_store_n(&v->sipi, 0, __ATOMIC_SEQ_CST);	/* one sent before the INIT */
	__atomic_store_n(&v->run_state, VCPU_WAIT_SIPI, __ATOMIC_SEQ_CST);
}
