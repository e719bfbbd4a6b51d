/*
 * The MADT (ACPI 6.4 5.2.12): every CPU the firmware lists, the local
 * APIC's address, the I/O APICs, and counts of the interrupt wiring
 * entries later work will need.  madt_parse() reads only the bytes it is
 * given; madt_init() gets them from acpi_table() and prints the boot line.
 *
 * The firmware's bytes are untrusted: the length, the checksum and every
 * entry's length are checked before anything is read, and a table that
 * breaks a rule is refused with the rule named, never half-used (a CPU
 * skiff misses is a CPU the guest can take).
 */
#include "drivers/madt.h"

#include "drivers/acpi.h"
#include "drivers/sdt.h"
#include "lib/errno.h"
#include "lib/printf.h"
#include "lib/string.h"

/* The boot line stays under 100 characters, however many CPUs. */
#define MADT_LINE_SIZE		100
#define MADT_MORE		", ..."

static struct madt_info madt;

static uint32_t rd32(const uint8_t *p)
{
	uint32_t v;

	memcpy(&v, p, sizeof(v));
	return v;
}

static uint64_t rd64(const uint8_t *p)
{
	uint64_t v;

	memcpy(&v, p, sizeof(v));
	return v;
}

/* The length each known structure has (ACPI 6.4 5.2.12.2 - 5.2.12.13),
 * and its name in messages.  Unknown types need only the entry header. */
static const struct madt_type {
	uint8_t length;
	const char *name;
} madt_types[] = {
	[MADT_TYPE_LOCAL_APIC]		= { 8, "Processor Local APIC" },
	[MADT_TYPE_IO_APIC]		= { 12, "I/O APIC" },
	[MADT_TYPE_INT_OVERRIDE]	= { 10, "Interrupt Source Override" },
	[MADT_TYPE_NMI_SOURCE]		= { 8, "NMI Source" },
	[MADT_TYPE_LOCAL_APIC_NMI]	= { 6, "Local APIC NMI" },
	[MADT_TYPE_LAPIC_ADDR_OVERRIDE]	= { 12, "Local APIC Address Override" },
	[MADT_TYPE_LOCAL_X2APIC]	= { 16, "Processor Local x2APIC" },
	[MADT_TYPE_LOCAL_X2APIC_NMI]	= { 12, "Local x2APIC NMI" },
};

static struct madt_type madt_type(uint8_t type)
{
	if (type < sizeof(madt_types) / sizeof(madt_types[0]) && madt_types[type].name)
		return madt_types[type];
	return (struct madt_type){ MADT_ENTRY_HEADER_SIZE, "a type skiff skips" };
}

/* ---- The table and its entries ---- */

/* The SDT header's checks (drivers/sdt.h): the length covers the fixed
 * fields and fits what was mapped, and the table sums to zero. */
static int madt_check_table(const uint8_t *t, size_t avail, uint32_t *len)
{
	return sdt_check(t, avail, MADT_SIGNATURE, MADT_HEADER_SIZE, "madt", len);
}

/* Entry index at off: its Type and Length are there, its Length covers
 * what its type needs and stays inside the table (5.2.12). */
static int madt_check_entry(const uint8_t *t, uint32_t len, uint32_t off, uint32_t index)
{
	struct madt_type ty;
	uint8_t elen;

	if (len - off < MADT_ENTRY_HEADER_SIZE) {
		kprintf("skiff: madt: entry %u at offset 0x%x runs past the table's "
			"end at 0x%x\n", index, off, len);
		return -EBADMSG;
	}
	ty = madt_type(t[off]);
	elen = t[off + 1];
	if (elen == 0) {
		kprintf("skiff: madt: entry %u (type %u, %s) at offset 0x%x has length 0\n",
			index, t[off], ty.name, off);
		return -EBADMSG;
	}
	if (elen < ty.length) {
		kprintf("skiff: madt: entry %u (type %u, %s) at offset 0x%x has length %u, "
			"shorter than the %u its type needs\n",
			index, t[off], ty.name, off, elen, ty.length);
		return -EBADMSG;
	}
	if (elen > len - off) {
		kprintf("skiff: madt: entry %u (type %u, %s) at offset 0x%x has length %u "
			"and runs past the table's end at 0x%x\n",
			index, t[off], ty.name, off, elen, len);
		return -EBADMSG;
	}
	return 0;
}

/*
 * A Processor Local APIC or x2APIC entry.  A CPU counts when Enabled, or
 * Online Capable (ACPI 6.4 table "Local APIC Flags": it may be enabled at
 * run time, and skiff must hold it then too); neither means OSPM must not
 * use it.  An APIC ID names one CPU: seen twice, the table is wrong,
 * x2APIC and local APIC entries alike (5.2.12.12).
 */
static int madt_add_cpu(struct madt_info *m, uint32_t apic_id, uint32_t uid,
			uint32_t lapic_flags, bool x2apic, uint32_t index)
{
	struct madt_cpu *c;
	uint32_t i;

	if (!(lapic_flags & (MADT_LAPIC_ENABLED | MADT_LAPIC_ONLINE_CAPABLE))) {
		m->disabled++;
		return 0;
	}
	for (i = 0; i < m->cpu_count; i++) {
		if (m->cpus[i].apic_id == apic_id) {
			kprintf("skiff: madt: APIC ID %u is listed twice (again in entry %u)\n",
				apic_id, index);
			return -EEXIST;
		}
	}
	if (m->cpu_count == CONFIG_MAX_CPUS) {
		kprintf("skiff: madt: more than %u CPUs (CONFIG_MAX_CPUS): entry %u "
			"(APIC ID %u) is one too many\n", CONFIG_MAX_CPUS, index, apic_id);
		return -E2BIG;
	}
	c = &m->cpus[m->cpu_count++];
	c->apic_id = apic_id;
	c->uid = uid;
	c->flags = x2apic ? MADT_CPU_X2APIC : 0;
	if (lapic_flags & MADT_LAPIC_ENABLED) {
		c->flags |= MADT_CPU_ENABLED;
	} else {
		c->flags |= MADT_CPU_ONLINE_CAPABLE;
		m->online_capable++;
	}
	if (x2apic)
		m->x2apic++;
	return 0;
}

static void madt_add_io_apic(struct madt_info *m, const uint8_t *e)
{
	/* 5.2.12.3: ID, reserved, address, global system interrupt base. */
	if (m->io_apic_count < MADT_MAX_IO_APICS)
		m->io_apics[m->io_apic_count] = (struct madt_io_apic){
			.id = e[2], .address = rd32(e + 4), .gsi_base = rd32(e + 8),
		};
	m->io_apic_count++;
}

/* One checked entry e, the index-th of the table. */
static int madt_entry(struct madt_info *m, const uint8_t *e, uint32_t index)
{
	switch (e[0]) {
	case MADT_TYPE_LOCAL_APIC:	/* 5.2.12.2: UID, APIC ID, flags */
		return madt_add_cpu(m, e[3], e[2], rd32(e + 4), false, index);
	case MADT_TYPE_LOCAL_X2APIC:	/* 5.2.12.12: reserved, ID, flags, UID */
		return madt_add_cpu(m, rd32(e + 4), rd32(e + 12), rd32(e + 8), true, index);
	case MADT_TYPE_IO_APIC:
		madt_add_io_apic(m, e);
		return 0;
	case MADT_TYPE_INT_OVERRIDE:
		m->int_overrides++;
		return 0;
	case MADT_TYPE_NMI_SOURCE:
		m->nmi_sources++;
		return 0;
	case MADT_TYPE_LOCAL_APIC_NMI:
	case MADT_TYPE_LOCAL_X2APIC_NMI:
		m->lapic_nmis++;
		return 0;
	case MADT_TYPE_LAPIC_ADDR_OVERRIDE:
		/* 5.2.12.8: at most one; its 64-bit address replaces the
		 * header's for every local APIC. */
		if (m->lapic_overridden) {
			kprintf("skiff: madt: entry %u is a second Local APIC Address "
				"Override; ACPI allows one\n", index);
			return -EEXIST;
		}
		m->lapic_overridden = true;
		m->lapic_address = rd64(e + 4);
		return 0;
	default:			/* a newer type: skipped by its length */
		m->unknown++;
		return 0;
	}
}

int madt_parse(const void *table, size_t avail, struct madt_info *out)
{
	const uint8_t *t = table;
	uint32_t len, off, index;
	int err;

	memset(out, 0, sizeof(*out));
	err = madt_check_table(t, avail, &len);
	if (err)
		return err;
	out->found = true;
	out->lapic_address = rd32(t + MADT_LAPIC_ADDR_OFFSET);
	out->flags = rd32(t + MADT_FLAGS_OFFSET);
	for (off = MADT_HEADER_SIZE, index = 0; off < len; off += t[off + 1], index++) {
		err = madt_check_entry(t, len, off, index);
		if (!err)
			err = madt_entry(out, t + off, index);
		if (err)
			return err;
	}
	/* skiff itself runs on a CPU: a table that lists none is wrong. */
	if (out->cpu_count == 0) {
		kprintf("skiff: madt: no CPU is enabled or online-capable (%u disabled)\n",
			out->disabled);
		return -EINVAL;
	}
	return 0;
}

bool madt_has_cpu(const struct madt_info *m, uint32_t apic_id)
{
	for (uint32_t i = 0; i < m->cpu_count; i++)
		if (m->cpus[i].apic_id == apic_id)
			return true;
	return false;
}

void madt_assume_one_cpu(struct madt_info *out)
{
	memset(out, 0, sizeof(*out));
	out->cpu_count = 1;
	/* The one skiff runs on; its APIC ID and the local APIC's address
	 * (0 here) are the CPU's own to read (IA32_APIC_BASE, CPUID). */
	out->cpus[0].flags = MADT_CPU_ENABLED | MADT_CPU_ASSUMED;
}

/* ---- The boot line ---- */

void madt_format(const struct madt_info *m, char *buf, size_t size)
{
	char tail[48];
	size_t tail_len, room, pos;
	uint32_t i;

	if (!m->found) {
		fmt_snprintf(buf, size, "skiff: cpus: no MADT; assuming one CPU");
		return;
	}
	tail_len = (size_t)fmt_snprintf(tail, sizeof(tail), "), local APIC at 0x%llx",
					(unsigned long long)m->lapic_address);
	room = size < MADT_LINE_SIZE ? size : MADT_LINE_SIZE;
	pos = (size_t)fmt_snprintf(buf, room, "skiff: cpus: %u in the MADT (APIC IDs ",
				   m->cpu_count);
	/* Each ID while the rest still fits: the tail, and ", ..." unless
	 * this is the last ID. */
	for (i = 0; i < m->cpu_count && pos < room; i++) {
		char id[16];
		size_t n = (size_t)fmt_snprintf(id, sizeof(id), "%s%u", i ? ", " : "",
						 m->cpus[i].apic_id);
		size_t more = i + 1 < m->cpu_count ? sizeof(MADT_MORE) - 1 : 0;

		if (pos + n + more + tail_len >= room) {
			pos += (size_t)fmt_snprintf(buf + pos, room - pos, "%s",
						    i ? MADT_MORE : "...");
			break;
		}
		memcpy(buf + pos, id, n + 1);
		pos += n;
	}
	if (pos < room)
		fmt_snprintf(buf + pos, room - pos, "%s", tail);
}

/* ---- At boot ---- */

int madt_init(void)
{
	char line[MADT_LINE_SIZE];
	const void *table;
	size_t avail;
	int err = acpi_table(MADT_SIGNATURE, &table, &avail);

	if (err == -ENODEV || err == -ENOENT) {
		madt_assume_one_cpu(&madt);
		err = 0;
	} else if (err == 0) {
		err = madt_parse(table, avail, &madt);
	}
	if (err) {
		kprintf("skiff: cpus: bad MADT; stopping: a CPU skiff does not hold "
			"is a CPU the guest can take\n");
		return err;
	}
	madt_format(&madt, line, sizeof(line));
	kprintf("%s\n", line);
	if (madt.online_capable)
		kprintf("skiff: cpus: %u of them online-capable: not enabled now, "
			"the firmware may bring them online later\n", madt.online_capable);
	return 0;
}

const struct madt_info *madt_cpus(void)
{
	return &madt;
}
