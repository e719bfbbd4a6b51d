/*
 * madt_parse(), madt_format() and madt_init() against MADTs from the
 * input.  Byte 0 chooses how the rest is read:
 *
 *   bit 0 clear: the rest is the table itself, copied into a buffer of
 *               exactly its size (a read past it is an AddressSanitizer
 *               report).  Bit 1 sets the table's Length to the input's
 *               size, bit 2 fixes its checksum, so the fuzzer gets past
 *               both to the entries.
 *   bit 0 set:  the rest describes entries, and the harness builds a
 *               valid MADT from them (ACPI 6.4 5.2.12): per entry one
 *               byte kind (local APIC, x2APIC, I/O APIC, override, NMI
 *               source, local (x2)APIC NMI, address override, a type
 *               skiff skips), a u32 ID, a flags byte, and a byte of
 *               padding length (entries may be longer than their type).
 *               An ID already used or a CPU past CONFIG_MAX_CPUS is
 *               written as a disabled entry, and the first CPU is always
 *               enabled, so the table is always valid.
 *
 * Checked beyond "no crash": a table that parses has 1..CONFIG_MAX_CPUS
 * CPUs, each with a distinct APIC ID, exactly one of enabled and
 * online-capable, and counts that agree with the flags; the boot line is
 * under 100 characters and names the count; a table that fails says why
 * in the log and returns a documented error; madt_init() agrees with
 * madt_parse(); and a table the harness built parses, always, to exactly
 * the CPUs, I/O APICs, counts and address it put in.
 */
#include "fuzz_support.h"

#include <stdlib.h>
#include <string.h>

#include "drivers/acpi.h"
#include "drivers/madt.h"
#include "lib/errno.h"
#include "lib/printf.h"

#define MAX_TABLE	16384
#define LINE_SIZE	128

static uint8_t *cur_table;
static size_t cur_len;

/* madt_init()'s source: the table of the current input. */
int acpi_table(const char *sig, const void **table, size_t *avail)
{
	fuzz_check(memcmp(sig, "APIC", 4) == 0, "acpi_table(\"%.4s\")", sig);
	*table = cur_table;
	*avail = cur_len;
	return 0;
}

static void put32(uint8_t *p, uint32_t v)
{
	memcpy(p, &v, sizeof(v));
}

/* Field by field: padding bytes are nobody's business. */
static bool same_info(const struct madt_info *a, const struct madt_info *b)
{
	if (a->found != b->found || a->lapic_address != b->lapic_address ||
	    a->lapic_overridden != b->lapic_overridden || a->flags != b->flags ||
	    a->cpu_count != b->cpu_count || a->online_capable != b->online_capable ||
	    a->x2apic != b->x2apic || a->disabled != b->disabled ||
	    a->io_apic_count != b->io_apic_count || a->int_overrides != b->int_overrides ||
	    a->nmi_sources != b->nmi_sources || a->lapic_nmis != b->lapic_nmis ||
	    a->unknown != b->unknown)
		return false;
	for (uint32_t i = 0; i < a->cpu_count && i < CONFIG_MAX_CPUS; i++)
		if (a->cpus[i].apic_id != b->cpus[i].apic_id || a->cpus[i].uid != b->cpus[i].uid ||
		    a->cpus[i].flags != b->cpus[i].flags)
			return false;
	for (uint32_t i = 0; i < a->io_apic_count && i < MADT_MAX_IO_APICS; i++)
		if (a->io_apics[i].id != b->io_apics[i].id ||
		    a->io_apics[i].address != b->io_apics[i].address ||
		    a->io_apics[i].gsi_base != b->io_apics[i].gsi_base)
			return false;
	return true;
}

/* ---- the properties of any parse ---- */

static void check_result(const struct madt_info *m, int rc)
{
	char line[LINE_SIZE], want[32];
	uint32_t online = 0, x2 = 0;

	if (rc != 0) {
		fuzz_check(rc == -EBADMSG || rc == -EINVAL || rc == -EEXIST || rc == -E2BIG,
			   "madt_parse(): undocumented result %d", rc);
		fuzz_check(fuzz_log_lines() > 0, "madt_parse() failed (%d) without a word", rc);
		return;
	}
	fuzz_check(m->found, "parsed, but not found");
	fuzz_check(m->cpu_count >= 1 && m->cpu_count <= CONFIG_MAX_CPUS, "%u CPUs", m->cpu_count);
	for (uint32_t i = 0; i < m->cpu_count; i++) {
		uint8_t f = m->cpus[i].flags;

		fuzz_check(!(f & MADT_CPU_ENABLED) != !(f & MADT_CPU_ONLINE_CAPABLE),
			   "CPU %u flags 0x%x: not exactly one of enabled, online-capable", i, f);
		fuzz_check(!(f & MADT_CPU_ASSUMED), "CPU %u assumed in a parsed table", i);
		online += !!(f & MADT_CPU_ONLINE_CAPABLE);
		x2 += !!(f & MADT_CPU_X2APIC);
		for (uint32_t j = 0; j < i; j++)
			fuzz_check(m->cpus[j].apic_id != m->cpus[i].apic_id,
				   "CPUs %u and %u both have APIC ID %u", j, i, m->cpus[i].apic_id);
	}
	fuzz_check(online == m->online_capable && x2 == m->x2apic,
		   "counts: %u online-capable (says %u), %u x2APIC (says %u)",
		   online, m->online_capable, x2, m->x2apic);
	madt_format(m, line, sizeof(line));
	fuzz_check(strlen(line) < 100, "boot line of %zu characters: %s", strlen(line), line);
	fmt_snprintf(want, sizeof(want), "skiff: cpus: %u in the MADT (", m->cpu_count);
	fuzz_check(strncmp(line, want, strlen(want)) == 0, "boot line: %s", line);
}

static void run_raw(const uint8_t *data, size_t size, uint8_t how)
{
	static struct madt_info m;
	int rc;

	cur_len = size;
	cur_table = malloc(size ? size : 1);
	memcpy(cur_table, data, size);
	if ((how & 2) && size >= 8)
		put32(cur_table + 4, (uint32_t)size);
	if ((how & 4) && size >= 10)
		fuzz_sdt_checksum(cur_table, size);
	rc = madt_parse(cur_table, cur_len, &m);
	check_result(&m, rc);
	fuzz_check(madt_init() == rc, "madt_init() disagrees with madt_parse() (%d)", rc);
	if (rc == 0)
		fuzz_check(same_info(madt_cpus(), &m), "madt_init() kept another result");
	free(cur_table);
}

/* ---- valid tables, built from the input ---- */

enum kind { K_LAPIC, K_X2APIC, K_IO_APIC, K_OVERRIDE, K_NMI_SOURCE, K_LAPIC_NMI,
	    K_X2APIC_NMI, K_ADDR_OVERRIDE, K_OTHER, K_KINDS };

static const uint8_t kind_type[K_KINDS] = { 0x0, 0x9, 0x1, 0x2, 0x3, 0x4, 0xa, 0x5, 0x0 };
static const uint8_t kind_len[K_KINDS] = { 8, 16, 12, 10, 8, 6, 12, 12, 2 };

struct expect {
	struct madt_info m;	/* what the table must parse to */
	size_t len;
};

static bool id_used(const struct madt_info *m, uint32_t id)
{
	for (uint32_t i = 0; i < m->cpu_count; i++)
		if (m->cpus[i].apic_id == id)
			return true;
	return false;
}

/* A CPU entry's flags as written, and what the parser must record. */
static uint32_t cpu_entry(struct expect *x, uint32_t id, uint32_t uid, uint8_t fl, bool is_x2)
{
	uint32_t lapic_flags = fl & 3;
	struct madt_cpu *c;

	if (x->m.cpu_count == 0)
		lapic_flags |= MADT_LAPIC_ENABLED;	/* skiff runs on one */
	if (lapic_flags & MADT_LAPIC_ENABLED)
		lapic_flags &= ~MADT_LAPIC_ONLINE_CAPABLE;	/* reserved then */
	if (id_used(&x->m, id) || x->m.cpu_count == CONFIG_MAX_CPUS)
		lapic_flags = 0;
	lapic_flags |= (uint32_t)(fl & 0xf0) << 24;		/* reserved bits */
	if (!(lapic_flags & 3)) {
		x->m.disabled++;
		return lapic_flags;
	}
	c = &x->m.cpus[x->m.cpu_count++];
	*c = (struct madt_cpu){ .apic_id = id, .uid = uid, .flags = is_x2 ? MADT_CPU_X2APIC : 0 };
	if (lapic_flags & MADT_LAPIC_ENABLED) {
		c->flags |= MADT_CPU_ENABLED;
	} else {
		c->flags |= MADT_CPU_ONLINE_CAPABLE;
		x->m.online_capable++;
	}
	x->m.x2apic += is_x2;
	return lapic_flags;
}

/* Writes entry e (its kind's bytes, then padding) and what it must give. */
static void add_entry(struct expect *x, uint8_t *t, struct fuzz_in *in)
{
	enum kind k = fuzz_u8(in) % K_KINDS;
	uint32_t id = fuzz_u32(in);
	uint8_t fl = fuzz_u8(in), pad = fuzz_u8(in) % 4;
	uint8_t *e = t + x->len;
	uint64_t addr = 0xfee00000ull + ((uint64_t)id << 12);

	if (k == K_ADDR_OVERRIDE && x->m.lapic_overridden)
		k = K_OTHER;			/* ACPI allows one */
	if (k == K_OTHER)
		e[0] = (uint8_t)(0x10 + (fl % 0x70));	/* a type skiff skips */
	else
		e[0] = kind_type[k];
	e[1] = (uint8_t)(kind_len[k] + pad);
	switch (k) {
	case K_LAPIC:
		e[2] = (uint8_t)(id >> 8);
		e[3] = (uint8_t)id;
		put32(e + 4, cpu_entry(x, (uint8_t)id, (uint8_t)(id >> 8), fl, false));
		break;
	case K_X2APIC:
		put32(e + 4, id);
		put32(e + 12, id ^ 0x5a5a);
		put32(e + 8, cpu_entry(x, id, id ^ 0x5a5a, fl, true));
		break;
	case K_IO_APIC:
		e[2] = fl;
		put32(e + 4, (uint32_t)addr);
		put32(e + 8, id >> 8);
		if (x->m.io_apic_count < MADT_MAX_IO_APICS)
			x->m.io_apics[x->m.io_apic_count] = (struct madt_io_apic){
				.id = fl, .address = (uint32_t)addr, .gsi_base = id >> 8 };
		x->m.io_apic_count++;
		break;
	case K_OVERRIDE:	x->m.int_overrides++; break;
	case K_NMI_SOURCE:	x->m.nmi_sources++; break;
	case K_LAPIC_NMI:
	case K_X2APIC_NMI:	x->m.lapic_nmis++; break;
	case K_ADDR_OVERRIDE:
		memcpy(e + 4, &addr, sizeof(addr));
		x->m.lapic_overridden = true;
		x->m.lapic_address = addr;
		break;
	default:		x->m.unknown++; break;
	}
	x->len += e[1];
}

static void run_built(struct fuzz_in *in)
{
	static uint8_t t[MAX_TABLE];
	static struct expect x;
	static struct madt_info m;
	uint32_t n;
	int rc;

	memset(t, 0, sizeof(t));
	memset(&x, 0, sizeof(x));
	memcpy(t, "APIC", 4);
	x.m.found = true;
	x.m.lapic_address = fuzz_u32(in);
	x.m.flags = fuzz_u32(in);
	put32(t + MADT_LAPIC_ADDR_OFFSET, (uint32_t)x.m.lapic_address);
	put32(t + MADT_FLAGS_OFFSET, x.m.flags);
	x.len = MADT_HEADER_SIZE;
	/* The first entry is always a CPU, so the table has one. */
	t[x.len] = MADT_TYPE_LOCAL_APIC;
	t[x.len + 1] = 8;
	t[x.len + 3] = fuzz_u8(in);
	put32(t + x.len + 4, cpu_entry(&x, t[x.len + 3], 0, MADT_LAPIC_ENABLED, false));
	x.len += 8;
	for (n = 0; in->n > 0 && x.len + 32 <= sizeof(t); n++)
		add_entry(&x, t, in);
	put32(t + 4, (uint32_t)x.len);
	fuzz_sdt_checksum(t, x.len);

	rc = madt_parse(t, x.len, &m);
	fuzz_check(rc == 0, "a valid table of %u entries refused (%d)", n + 1, rc);
	check_result(&m, rc);
	fuzz_check(m.cpu_count == x.m.cpu_count, "%u CPUs found, %u put in", m.cpu_count,
		   x.m.cpu_count);
	for (uint32_t i = 0; i < m.cpu_count; i++)
		fuzz_check(m.cpus[i].apic_id == x.m.cpus[i].apic_id &&
			   m.cpus[i].uid == x.m.cpus[i].uid && m.cpus[i].flags == x.m.cpus[i].flags,
			   "CPU %u: APIC ID %u uid %u flags 0x%x, put in %u %u 0x%x", i,
			   m.cpus[i].apic_id, m.cpus[i].uid, m.cpus[i].flags,
			   x.m.cpus[i].apic_id, x.m.cpus[i].uid, x.m.cpus[i].flags);
	fuzz_check(same_info(&m, &x.m), "the parse differs from what was put in "
		   "(address 0x%llx/0x%llx, I/O APICs %u/%u, unknown %u/%u)",
		   (unsigned long long)m.lapic_address, (unsigned long long)x.m.lapic_address,
		   m.io_apic_count, x.m.io_apic_count, m.unknown, x.m.unknown);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_in in = { data, size };
	uint8_t how = fuzz_u8(&in);

	fuzz_log_reset();
	if (how & 1)
		run_built(&in);
	else
		run_raw(in.p, in.n, how);
	return 0;
}
