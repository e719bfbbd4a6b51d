/*
 * skiff's proof that a guest did not touch it: a checksum over what must
 * never change while guests come and go (skiff's code and read-only data,
 * the guest's pristine image, the memory layout, skiff's own page tables
 * and the guest's EPT), taken before the guest first starts and compared
 * after every incident.
 */
#ifndef SKIFF_INTEGRITY_H
#define SKIFF_INTEGRITY_H

#include <stddef.h>
#include <stdint.h>

struct ept;
struct npt;
struct paging;
struct pt_tree;

/* A 64-bit multiply-xor hash over 8-byte words in four interleaved lanes
 * (fast enough for the boot budget), folded to 32 bits.  Bytes past the
 * last whole word count too. */
uint32_t integrity_hash(const void *p, size_t n, uint64_t seed);

/* Registers a region to watch; at most INTEGRITY_MAX_REGIONS items, a
 * region or a tree of tables each. */
#define INTEGRITY_MAX_REGIONS	12
void integrity_watch(const char *name, const void *p, size_t n);

/* Registers a tree of page tables to watch as one item: every table page
 * reachable from its root, found anew at each check (so a table added
 * later shows), entry by entry less the accessed and dirty flags the CPU
 * sets (mm's ept_walk_tables() and paging_walk_tables() say which). */
void integrity_watch_ept(const char *name, const struct ept *e);
void integrity_watch_paging(const char *name, const struct paging *p);
void integrity_watch_pt(const char *name, const struct pt_tree *t);
/* AMD-V's nested page tables, without the accessed and dirty bits. */
void integrity_watch_npt(const char *name, const struct npt *n);

/* Takes the baseline and prints it. */
void integrity_baseline(void);

/* Compares with the baseline and prints "unchanged" or, per region, what
 * changed.  Returns 0 when unchanged. */
int integrity_check(void);

/*
 * For a watched tree that skiff itself changes while the guest runs (the
 * EPT, when the guest's MTRRs retype its memory): integrity_verify_tree()
 * compares that tree alone with its baseline, reports a change as
 * integrity_check() does and returns -EIO, 0 when unchanged (or not
 * watched); integrity_rebaseline_tree() makes what it holds now its
 * baseline.  A change found before skiff's own stays reported: skiff then
 * leaves the baseline alone.
 */
int integrity_verify_tree(const void *tree);
void integrity_rebaseline_tree(const void *tree);

#ifdef SKIFF_HOST_TEST
/* Forgets every watched item, so that each host test starts afresh. */
void integrity_unwatch_all(void);
#endif

#endif
