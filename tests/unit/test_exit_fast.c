/*
 * The fast paths of CPUID and VMCALL (kernel/vmx/exit_fast.c) against the
 * in-memory VMCS: what they do when they take an exit, and that they change
 * nothing at all (registers, VMCS, console, statistics) when they leave it
 * to the generic path.  CPUID runs on the host's CPU, so the test compares
 * with the host's own answer.
 */
#include "support.h"

#include <string.h>

#include "vm/cpuid.h"
#include "vm/vm.h"
#include "vmcs_fake.h"
#include "vmx/exit.h"
#include "vmx/exit_stub.h"
#include "vmx/vcpu.h"

/* The vCPU the fast paths find through GS in the kernel (VMX_THIS_VCPU),
 * and the console flag drivers/uart.c defines. */
static struct vmx_vcpu vcpu;
struct vmx_vcpu *vmx_host_test_vcpu = &vcpu;
bool console_output_queued;

#define RIP		0x1000ull
#define RAM_SIZE	0x2000

static struct vm vm;
static char ram[RAM_SIZE];
static const struct phys_range ram_ranges[] = { { 0, RAM_SIZE } };
static int setup(void **state)
{
	(void)state;
	vmcs_fake_reset();
	memset(&vcpu, 0, sizeof(vcpu));
	memset(ram, 'R', sizeof(ram));
	vcpu.vcpu.streak.count = 3;
	console_output_queued = false;
	vm = (struct vm){ .mem = { ram_ranges, 1, (uintptr_t)ram } };
	gconsole_init(&vm.console, lines_capture);
	vm.hc = (struct vm_hc_ctx){ .mem = &vm.mem, .console = &vm.console, .lock = &vm.lock };
	vcpu.vcpu.vm = &vm;
	lines_reset();
	/* A guest at RIP, the exit's instruction 2 bytes (CPUID, VMCALL is 3). */
	vmcs_write_natural(GUEST_RIP, RIP);
	vmcs_write32(VM_EXIT_INSTRUCTION_LEN, 2);
	vmcs_write_natural(GUEST_RFLAGS, RFLAGS_IF | 2);
	vmcs_fake_writes = 0;
	return 0;
}

/* Between two exits of one test: the counts the next one is judged by
 * start again. */
static void next_exit(uint64_t rip)
{
	vmcs_write_natural(GUEST_RIP, rip);
	memset(vcpu.exit_stats, 0, sizeof(vcpu.exit_stats));
	vcpu.vcpu.streak.count = 3;
	vmcs_fake_writes = 0;
}

static uint64_t *reg(unsigned n)
{
	return &vcpu.vcpu.regs.gpr[n];
}

/* Nothing the generic path would see differently: the VMCS, the
 * registers, the statistics, the streak. */
static void assert_declined(bool handled, const struct guest_regs *before)
{
	assert_false(handled);
	assert_int_equal(vmcs_fake_writes, 0);
	assert_memory_equal(&vcpu.vcpu.regs, before, sizeof(*before));
	for (unsigned i = 0; i <= EXIT_REASON_COUNT; i++)
		assert_int_equal(vcpu.exit_stats[i].count, 0);
	assert_int_equal(vcpu.vcpu.streak.count, 3);
}

/* ---- CPUID ---- */

static bool cpuid_exit(uint64_t rax, uint64_t rcx)
{
	*reg(GUEST_REG_RAX) = rax;
	*reg(GUEST_REG_RCX) = rcx;
	return vmx_exit_cpuid_fast();
}

static void assert_cpuid_declined(uint64_t leaf)
{
	struct guest_regs before;
	bool handled;

	*reg(GUEST_REG_RAX) = leaf;
	before = vcpu.vcpu.regs;
	handled = vmx_exit_cpuid_fast();
	assert_declined(handled, &before);
}

static void assert_host_answer(uint32_t leaf, uint32_t sub)
{
	struct cpuid_regs want = cpuid(leaf, sub);

	assert_int_equal(*reg(GUEST_REG_RAX), want.eax);
	assert_int_equal(*reg(GUEST_REG_RBX), want.ebx);
	assert_int_equal(*reg(GUEST_REG_RCX), want.ecx);
	assert_int_equal(*reg(GUEST_REG_RDX), want.edx);
}

static void test_cpuid_answers_as_the_cpu_and_moves_on(void **state)
{
	(void)state;
	/* Junk in the upper halves: CPUID clears them. */
	*reg(GUEST_REG_RBX) = *reg(GUEST_REG_RDX) = ~0ull;
	assert_true(cpuid_exit(0xffffffff00000000ull, 0xffffffff00000000ull));
	assert_host_answer(0, 0);
	assert_int_equal(vmcs_read_natural(GUEST_RIP), RIP + 2);
	assert_int_equal(vcpu.exit_stats[EXIT_REASON_CPUID].count, 1);
	assert_int_equal(vcpu.vcpu.streak.count, 0);
}

static void test_cpuid_passes_the_subleaf(void **state)
{
	(void)state;
	/* Leaf 4 (cache parameters) differs by subleaf on Intel, and holds
	 * nothing that differs between the host's CPUs. */
	assert_true(cpuid_exit(4, 1));
	assert_host_answer(4, 1);
	assert_true(cpuid_exit(0x80000002, 0));
	assert_host_answer(0x80000002, 0);
}

static void test_cpuid_prefixes_count_in_the_length(void **state)
{
	(void)state;
	vmcs_write32(VM_EXIT_INSTRUCTION_LEN, 5);	/* e.g. 3e 3e 3e 0f a2 */
	assert_true(cpuid_exit(0, 0));
	assert_int_equal(vmcs_read_natural(GUEST_RIP), RIP + 5);
}

/* The leaves of vm/cpuid.h's one list, and skiff's own. */
#define LEAF(l)	(l),
static const uint32_t edited[] = {
	VM_CPUID_EDITED_LEAVES(LEAF) 0x40000000, 0x40000001, 0x400000ff,
};

static void test_cpuid_leaves_skiff_edits_take_the_generic_path(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(edited) / sizeof(edited[0]); i++)
		assert_cpuid_declined(edited[i]);
}

static bool is_edited(uint32_t leaf)
{
	for (size_t i = 0; i < sizeof(edited) / sizeof(edited[0]); i++)
		if (edited[i] == leaf)
			return true;
	return (leaf & 0xffffff00u) == 0x40000000u;
}

/* The neighbours of every edited leaf that are not edited themselves,
 * and a few far ones. */
static void test_cpuid_leaves_next_to_edited_ones_are_fast(void **state)
{
	uint32_t plain[2 * sizeof(edited) / sizeof(edited[0]) + 5];
	size_t n = 0;

	(void)state;
	for (size_t i = 0; i < sizeof(edited) / sizeof(edited[0]); i++) {
		if (!is_edited(edited[i] - 1))
			plain[n++] = edited[i] - 1;
		if (!is_edited(edited[i] + 1))
			plain[n++] = edited[i] + 1;
	}
	plain[n++] = 0;
	plain[n++] = 0x1f;
	plain[n++] = 0x20;
	plain[n++] = 0x3fffffff;
	plain[n++] = 0x40000100;
	assert_true(n > 10);
	for (size_t i = 0; i < n; i++) {
		next_exit(RIP);
		assert_true(cpuid_exit(plain[i], 0));
		assert_int_equal(vmcs_read_natural(GUEST_RIP), RIP + 2);
		assert_int_equal(vcpu.exit_stats[EXIT_REASON_CPUID].count, 1);
	}
}

/* ---- what a skip owes beyond RIP: the generic path's business ---- */

static void test_sti_and_mov_ss_blocking_decline(void **state)
{
	(void)state;
	vmcs_write32(GUEST_INTERRUPTIBILITY_STATE, GUEST_INTR_BLOCK_STI);
	next_exit(RIP);
	assert_cpuid_declined(0);
	vmcs_write32(GUEST_INTERRUPTIBILITY_STATE, GUEST_INTR_BLOCK_MOV_SS);
	next_exit(RIP);
	assert_cpuid_declined(0);
}

static void test_nmi_blocking_is_not_a_skip_matter(void **state)
{
	(void)state;
	vmcs_write32(GUEST_INTERRUPTIBILITY_STATE, GUEST_INTR_BLOCK_NMI);
	assert_true(cpuid_exit(0, 0));
	assert_int_equal(vmcs_read32(GUEST_INTERRUPTIBILITY_STATE), GUEST_INTR_BLOCK_NMI);
}

static void test_single_step_declines(void **state)
{
	(void)state;
	vmcs_write_natural(GUEST_RFLAGS, RFLAGS_TF | 2);
	next_exit(RIP);
	assert_cpuid_declined(0);
}

static void test_eip_wrap_declines(void **state)
{
	(void)state;
	next_exit(0xfffffffeull);
	assert_cpuid_declined(0);

	/* Up to the last byte below 4 GiB is still the simple case. */
	next_exit(0xfffffffdull);
	assert_true(cpuid_exit(0, 0));
	assert_int_equal(vmcs_read_natural(GUEST_RIP), 0xffffffffull);
}

static void test_64bit_rip_above_4gib(void **state)
{
	(void)state;
	vmcs_write_natural(GUEST_RIP, 0x100000000ull);
	assert_true(cpuid_exit(0, 0));
	assert_int_equal(vmcs_read_natural(GUEST_RIP), 0x100000002ull);

	/* Crossing a 4 GiB line is left to the general skip. */
	next_exit(0x1ffffffffull);
	assert_cpuid_declined(0);
}

/* ---- VMCALL ---- */

#define BUF		0x100ull

static bool vmcall_exit(uint64_t nr, uint64_t rdi, uint64_t rsi)
{
	*reg(GUEST_REG_RAX) = nr;
	*reg(GUEST_REG_RDI) = rdi;
	*reg(GUEST_REG_RSI) = rsi;
	return vmx_exit_vmcall_fast();
}

static void assert_vmcall_declined(uint64_t nr, uint64_t rdi, uint64_t rsi)
{
	struct guest_regs before;
	size_t len = vm.console.len;
	bool handled;

	*reg(GUEST_REG_RAX) = nr;
	*reg(GUEST_REG_RDI) = rdi;
	*reg(GUEST_REG_RSI) = rsi;
	before = vcpu.vcpu.regs;
	handled = vmx_exit_vmcall_fast();
	assert_declined(handled, &before);
	assert_int_equal(vm.console.len, len);
	assert_int_equal(lines_out_count, 0);
}

static void test_vmcall_console_write_joins_the_line(void **state)
{
	(void)state;
	memcpy(ram + BUF, "hi there", 8);
	vmcs_write32(VM_EXIT_INSTRUCTION_LEN, 3);
	assert_true(vmcall_exit(HC_CONSOLE_WRITE, BUF, 8));
	assert_int_equal(*reg(GUEST_REG_RAX), 8);
	assert_int_equal(vmcs_read_natural(GUEST_RIP), RIP + 3);
	assert_int_equal(vm.console.len, 8);
	assert_memory_equal(gconsole_line(&vm.console), "hi there", 8);
	assert_int_equal(vcpu.exit_stats[EXIT_REASON_VMCALL].count, 1);
	assert_int_equal(vcpu.vcpu.streak.count, 0);
}

/* While skiff's serial output is queued, the generic path feeds the line
 * on its way back: both fast paths leave the exit to it. */
static void test_queued_console_output_declines(void **state)
{
	(void)state;
	console_output_queued = true;
	assert_cpuid_declined(0);
	assert_vmcall_declined(HC_VERSION, 0, 0);
	console_output_queued = false;
	assert_true(cpuid_exit(0, 0));
}

/* An NMI that came while skiff ran waits for no exit: both fast paths
 * leave the exit to the generic path, which hands the NMI over. */
static void test_held_nmi_declines(void **state)
{
	(void)state;
	vcpu.vcpu.nmi_held = true;
	assert_cpuid_declined(0);
	assert_vmcall_declined(HC_VERSION, 0, 0);
	assert_true(vcpu.vcpu.nmi_held);	/* still the generic path's to take */
	vcpu.vcpu.nmi_held = false;
	assert_true(cpuid_exit(0, 0));
}

/* Another vCPU in the guest's devices: the VMCALL fast path does not
 * wait for it, it leaves the call to the generic path. */
static void test_busy_devices_decline_vmcall(void **state)
{
	(void)state;
	vm.lock.locked = true;
	assert_vmcall_declined(HC_CONSOLE_WRITE, BUF, 8);
	assert_true(vmcall_exit(HC_VERSION, 0, 0));	/* touches no device */
	vm.lock.locked = false;
	assert_true(vmcall_exit(HC_CONSOLE_WRITE, BUF, 8));
}

static void test_vmcall_version(void **state)
{
	(void)state;
	assert_true(vmcall_exit(HC_VERSION, 0, 0));
	assert_int_equal(*reg(GUEST_REG_RAX), HC_ABI_VERSION);
}

static void test_vmcall_from_user_mode_declines(void **state)
{
	(void)state;
	vmcs_write32(GUEST_SS_ACCESS_RIGHTS, 3u << 5);	/* DPL 3 */
	next_exit(RIP);
	assert_vmcall_declined(HC_VERSION, 0, 0);
}

static void test_vmcall_other_calls_decline(void **state)
{
	(void)state;
	assert_vmcall_declined(HC_FINISH, 0, 0);
	assert_vmcall_declined(HC_EXIT_STATS, BUF, 16);
	assert_vmcall_declined(HC_BOOT_TSC, BUF, 0);
	assert_vmcall_declined(HC_CALLS, 0, 0);
	/* Upper halves set: only the generic path knows the guest's mode. */
	assert_vmcall_declined(HC_VERSION | 1ull << 32, 0, 0);
	assert_vmcall_declined(HC_CONSOLE_WRITE, BUF | 1ull << 32, 1);
	assert_vmcall_declined(HC_CONSOLE_WRITE, BUF, 1 | 1ull << 32);
}

static void test_vmcall_writes_the_fast_path_leaves(void **state)
{
	(void)state;
	memcpy(ram + BUF, "ab\ncd", 5);
	assert_vmcall_declined(HC_CONSOLE_WRITE, BUF, 5);		/* a line end */
	assert_vmcall_declined(HC_CONSOLE_WRITE, BUF, GCONSOLE_LINE_MAX + 1);
	assert_vmcall_declined(HC_CONSOLE_WRITE, RAM_SIZE - 1, 2);	/* past RAM */
	assert_vmcall_declined(HC_CONSOLE_WRITE, BUF, HC_CONSOLE_MAX + 1);
	/* A zero length outside RAM, even just at its end: the generic path
	 * answers -HC_EFAULT. */
	assert_vmcall_declined(HC_CONSOLE_WRITE, RAM_SIZE, 0);
	assert_vmcall_declined(HC_CONSOLE_WRITE, 0x10000, 0);
}

static void test_vmcall_zero_length_in_ram(void **state)
{
	(void)state;
	vmcs_write32(VM_EXIT_INSTRUCTION_LEN, 3);
	assert_true(vmcall_exit(HC_CONSOLE_WRITE, RAM_SIZE - 1, 0));
	assert_int_equal(*reg(GUEST_REG_RAX), 0);
	assert_int_equal(vm.console.len, 0);
	assert_int_equal(vmcs_read_natural(GUEST_RIP), RIP + 3);
}

static void test_vmcall_fills_a_line_but_does_not_break_it(void **state)
{
	(void)state;
	memset(ram + BUF, 'x', GCONSOLE_LINE_MAX);
	assert_true(vmcall_exit(HC_CONSOLE_WRITE, BUF, GCONSOLE_LINE_MAX - 1));
	next_exit(RIP);
	assert_true(vmcall_exit(HC_CONSOLE_WRITE, BUF, 1));
	assert_int_equal(vm.console.len, GCONSOLE_LINE_MAX);
	/* One byte more breaks the line: the generic path prints it. */
	next_exit(RIP);
	assert_vmcall_declined(HC_CONSOLE_WRITE, BUF, 1);
}

static void test_vmcall_skip_rules_decline(void **state)
{
	(void)state;
	memcpy(ram + BUF, "a", 1);
	vmcs_write_natural(GUEST_RFLAGS, RFLAGS_TF | 2);
	next_exit(RIP);
	assert_vmcall_declined(HC_CONSOLE_WRITE, BUF, 1);
	vmcs_write_natural(GUEST_RFLAGS, 2);
	vmcs_write32(GUEST_INTERRUPTIBILITY_STATE, GUEST_INTR_BLOCK_STI);
	next_exit(RIP);
	assert_vmcall_declined(HC_CONSOLE_WRITE, BUF, 1);
}

int main(void)
{
#define T(name)	cmocka_unit_test_setup(name, setup)
	const struct CMUnitTest tests[] = {
		T(test_cpuid_answers_as_the_cpu_and_moves_on),
		T(test_cpuid_passes_the_subleaf),
		T(test_cpuid_prefixes_count_in_the_length),
		T(test_cpuid_leaves_skiff_edits_take_the_generic_path),
		T(test_cpuid_leaves_next_to_edited_ones_are_fast),
		T(test_sti_and_mov_ss_blocking_decline),
		T(test_nmi_blocking_is_not_a_skip_matter),
		T(test_single_step_declines),
		T(test_eip_wrap_declines),
		T(test_64bit_rip_above_4gib),
		T(test_vmcall_console_write_joins_the_line),
		T(test_vmcall_version),
		T(test_queued_console_output_declines),
		T(test_vmcall_from_user_mode_declines),
		T(test_vmcall_other_calls_decline),
		T(test_vmcall_writes_the_fast_path_leaves),
		T(test_vmcall_zero_length_in_ram),
		T(test_vmcall_fills_a_line_but_does_not_break_it),
		T(test_vmcall_skip_rules_decline),
		T(test_held_nmi_declines),
		T(test_busy_devices_decline_vmcall),
	};
#undef T
	return cmocka_run_group_tests(tests, NULL, NULL);
}
