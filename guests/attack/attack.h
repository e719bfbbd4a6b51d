/*
 * The attack guest: misbehaves on purpose, one way per run, so that skiff's
 * boot tests can watch it contain each attack.  attack=<name> on the
 * Multiboot2 command line chooses the attack (main.c has the table); the
 * guest prints "attack: <name>: <what it does>" and then does it.
 *
 * A fatal attack does not return when skiff contains it (the run ends in a
 * reported crash or hang); if it returns, it failed to end the run, which
 * main.c reports.  The one that does return, nonfatal, gives the number
 * of failed checks as the exit status.
 */
#ifndef ATTACK_H
#define ATTACK_H

/* Selectors of the GDT ring3_setup() installs.  0x08 and 0x10 are the
 * runtime's own (entry.S), so its IDT gates stay valid. */
#define SEL_CODE0	0x08
#define SEL_DATA0	0x10
#define SEL_CODE3	(0x18 | 3)
#define SEL_DATA3	(0x20 | 3)
#define SEL_TSS		0x28
#define SEL_STACK16	0x30	/* ring-0 data, 16-bit (B = 0), 64 KiB */

/* Gate types and attributes, SDM Vol. 3A 6.11, figure 6-2. */
#define GATE_PRESENT		0x80
#define GATE_DPL3		0x60
#define GATE_INTERRUPT32	0x0e

#ifndef __ASSEMBLY__

#include <stdbool.h>
#include <stdint.h>

#include "boot/multiboot2.h"

/* Guest-physical addresses the attacks need. */
#define ONE_MIB			0x100000ull
#define FOUR_GIB		0x100000000ull

/* The boot information, for the attacks that read the memory map. */
extern const struct mb2_info *attack_mbi;

/*
 * Where skiff's own memory is, as the memory map shows it: the highest
 * reserved (type 2) entry inside RAM, i.e. with usable entries below and
 * above it, below 4 GiB.  skiff loads itself as high as it can, so that
 * is most often its image, but any of its ranges will do: the EPT leaves
 * them all out.  *addr gets the entry's base, the address to attack.
 * False (and a line saying so) when the map has no such entry.
 */
bool skiff_memory(const char *attack, uint32_t *addr);

/* The same address without a line; 0 when the map shows none. */
uint32_t skiff_address(void);

/* The attacks.  Each prints what it is about to touch, then does it. */
void attack_read_skiff(void);
void attack_write_skiff(void);
void attack_exec_skiff(void);
void attack_crash_loop(void);
void attack_paging_read_skiff(void);
void attack_paging_write_skiff(void);
void attack_triple(void);
void attack_mtrr_crash(void);
void attack_cli_loop(void);
void attack_timer_off(void);
void attack_ac_flood(void);
void attack_db_flood(void);
void attack_init_self(void);
void attack_sipi_self(void);
void attack_ap_read_skiff(void);	/* ap.c: from the second CPU */
void attack_ap_write_skiff(void);
void attack_ap_exec_skiff(void);
void attack_ap_triple(void);
void attack_ap_flood(void);
void attack_ap_loop(void);
void attack_ap_cli_loop(void);
void attack_ap_init_bsp(void);
void attack_reset_kbc(void);	/* reset.c: the machine's reset and power paths */
void attack_reset_92(void);
void attack_reset_kbc_output(void);
void attack_reset_cf9(void);
void attack_acpi_off(void);
void attack_forge_skiff(void);
void attack_both_triple(void);
int attack_nonfatal(void);	/* the number of failed checks */
int attack_nmi_storm(void);	/* the number of failed parts */
int attack_start_ap(void);	/* 0 when no AP started */
int attack_mmio_trap(void);	/* the number of failed checks */
int attack_ap_mtrr(void);	/* 0 when both CPUs got through */
void attack_mmio_rmw(void);
int attack_pci_bar(void);	/* pci.c: the number of failed checks */
int attack_pci_host_bridge(void);
int attack_pci_ecam(void);	/* ecam.c */
int attack_iommu_dma(void);	/* dma.c: the number of failed checks */

/* The checks of nonfatal, by subject (nonfatal_*.c); each prints one
 * report() line per check. */
void nonfatal_vmx_checks(void);
void nonfatal_msr_checks(void);
void nonfatal_hypercall_checks(void);
void nonfatal_port_checks(void);

/* ---- ring 3, for the floods (ring3.c) ---- */

/*
 * Installs a GDT with ring-3 code and data, a 32-bit TSS whose ring-0
 * stack catches any unexpected fault from ring 3 (so the runtime reports
 * it), and a 16-bit stack segment based at stack16_base; loads TR.  Also
 * copies the runtime's IDT into one the caller may change (ring3_idt) and
 * loads it.
 */
void ring3_setup(uint32_t stack16_base);

/* Sets IDT gate vector of ring3_idt. */
void ring3_set_gate(unsigned vector, uint16_t selector, uint32_t offset, uint8_t type_attr);

/* The address of gate vector in ring3_idt (for a breakpoint on it). */
uint32_t ring3_gate_address(unsigned vector);

/* IRET to ring 3 at eip with stack esp and EFLAGS eflags. */
__attribute__((noreturn)) void ring3_enter(uint32_t eip, uint32_t esp, uint32_t eflags);

#endif /* __ASSEMBLY__ */

#endif
