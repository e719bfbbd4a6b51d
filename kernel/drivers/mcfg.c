/* See mcfg.h. */
#include "drivers/mcfg.h"

#include "lib/bytes.h"
#include "lib/errno.h"
#include "lib/printf.h"
#include "lib/string.h"

#ifndef SKIFF_HOST_TEST
#include "drivers/acpi.h"
#endif


int mcfg_parse(const void *table, size_t len, struct mcfg_window *out, size_t max)
{
	const uint8_t *t = table;
	size_t n, i, kept = 0;

	if (len > MCFG_HEADER_SIZE + (size_t)MCFG_ENTRIES_MAX * MCFG_ENTRY_SIZE) {
		kprintf("skiff: mcfg: a table of %zu bytes is longer than any real one\n", len);
		return -EINVAL;
	}

	if (len < MCFG_HEADER_SIZE || (len - MCFG_HEADER_SIZE) % MCFG_ENTRY_SIZE) {
		kprintf("skiff: mcfg: a table of %zu bytes is not a header (%u) and whole "
			"%u-byte entries\n", len, MCFG_HEADER_SIZE, MCFG_ENTRY_SIZE);
		return -EINVAL;
	}
	n = (len - MCFG_HEADER_SIZE) / MCFG_ENTRY_SIZE;
	for (i = 0; i < n; i++) {
		const uint8_t *e = t + MCFG_HEADER_SIZE + i * MCFG_ENTRY_SIZE;
		uint64_t bus0 = le_load(e, 8);
		struct mcfg_window w = {
			.segment = (uint16_t)le_load(e + 8, 2), .start_bus = e[10], .end_bus = e[11],
		};

		if (w.end_bus < w.start_bus || bus0 & ((1ull << MCFG_BUS_SHIFT) - 1)) {
			kprintf("skiff: mcfg: entry %zu (segment %u, buses %u-%u, base 0x%llx) is "
				"malformed\n", i, w.segment, w.start_bus, w.end_bus,
				(unsigned long long)bus0);
			return -EINVAL;
		}
		/* The base is that of bus 0 (4.1.2, table 4-3), even when the
		 * window starts further on. */
		w.base = bus0 + ((uint64_t)w.start_bus << MCFG_BUS_SHIFT);
		w.size = ((uint64_t)w.end_bus - w.start_bus + 1) << MCFG_BUS_SHIFT;
		if (w.base < bus0 || w.base + w.size < w.base) {
			kprintf("skiff: mcfg: entry %zu wraps the address space\n", i);
			return -EINVAL;
		}
		if (kept < max)
			out[kept++] = w;
	}
	return (int)n;
}

#ifndef SKIFF_HOST_TEST
int mcfg_windows(struct mcfg_window *out, size_t max)
{
	const void *table;
	size_t avail;
	int err = acpi_table(MCFG_SIGNATURE, &table, &avail);

	if (err == -ENOENT || err == -ENODEV)
		return 0;
	if (err < 0)
		return err;
	return mcfg_parse(table, avail, out, max);
}
#endif
