/* See exit_stats.h. */
#include "lib/printf.h"
#include "vm/exit_stats.h"
#include "vm/vm.h"

static void print_stat(const char *name, const struct hc_exit_stat *s)
{
	kprintf("  %-28s %10lu %14lu %8lu\n", name, s->count, s->cycles, s->cycles / s->count);
}

void vm_print_exit_stats(const struct hc_exit_stat *st, size_t count,
			 const char *(*name)(uint32_t reason), unsigned runs)
{
	uint64_t total = 0;

	for (size_t i = 0; i < count; i++)
		total += st[i].count;
	if (runs > 1)
		kprintf("skiff: %lu VM exits by reason in all %u runs of the guest "
			"(TSC cycles in skiff, exit to entry):\n", total, runs);
	else
		kprintf("skiff: %lu VM exits by reason (TSC cycles in skiff, exit to entry):\n", total);
	kprintf("  %-28s %10s %14s %8s\n", "reason", "count", "cycles", "each");
	for (size_t i = 0; i + 1 < count; i++)
		if (st[i].count)
			print_stat(name((uint32_t)i), &st[i]);
	if (count && st[count - 1].count)
		print_stat("(beyond the known list)", &st[count - 1]);
}

void vm_sum_exit_stats(const struct vm *vm, struct hc_exit_stat *sum, size_t count)
{
	for (size_t i = 0; i < count; i++)
		sum[i] = (struct hc_exit_stat){ 0 };
	for (unsigned c = 0; c < vm->vcpu_count; c++) {
		const struct vcpu *v = vm->vcpus[c];

		for (size_t i = 0; i < count && i < v->exit_stats_count; i++) {
			sum[i].count += v->exit_stats[i].count;
			sum[i].cycles += v->exit_stats[i].cycles;
		}
	}
}
