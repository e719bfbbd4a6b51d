/*
 * attack: a guest that attacks skiff on purpose, so that skiff's boot
 * tests can check it contains each attack: it reports the incident, keeps
 * its own memory intact and applies its policy.  attack=<name> on the
 * command line chooses one; the guest prints
 *	attack: <name>: <what it does>
 * and does it.  Without a known name it lists the attacks and exits with
 * status ATTACK_EXIT_USAGE.
 */
#include <stddef.h>

#include "attack.h"
#include "mb2.h"
#include "printf.h"
#include "runtime.h"
#include "string.h"

#define ATTACK_KEY		"attack="
#define ATTACK_NAME_MAX		32
#define ATTACK_EXIT_USAGE	2

const char guest_name[] = "attack";
const struct mb2_info *attack_mbi;

struct attack {
	const char *name;
	const char *what;
	void (*run)(void);	/* fatal: returns only if skiff let it go on */
	int (*check)(void);	/* non-fatal: returns the exit status */
};

static const struct attack attacks[] = {
	{ "read-skiff", "read skiff's memory at its identity address: an EPT violation",
	  .run = attack_read_skiff },
	{ "write-skiff", "write to skiff's memory at its identity address: an EPT violation",
	  .run = attack_write_skiff },
	{ "exec-skiff", "jump into skiff's memory at its identity address: an EPT violation",
	  .run = attack_exec_skiff },
	{ "paging-read-skiff", "own page tables map a virtual page to skiff's memory; "
	  "read through it: an EPT violation", .run = attack_paging_read_skiff },
	{ "paging-write-skiff", "own page tables map a virtual page to skiff's memory; "
	  "write through it: an EPT violation", .run = attack_paging_write_skiff },
	{ "triple", "IDT of not-present gates, then UD2: #UD, #NP, #DF, shutdown: a triple fault",
	  .run = attack_triple },
	{ "cli-loop", "CLI, then a jump to itself: no VM exit ever again", .run = attack_cli_loop },
	{ "timer-off", "mask, stop and out-prioritize every timer the guest can reach, disable "
	  "its APIC; then CLI and a jump to itself", .run = attack_timer_off },
	{ "ac-flood", "CVE-2015-5307: ring-3 #AC handler, misaligned ring-3 stack: "
	  "#AC recurs in its own delivery", .run = attack_ac_flood },
	{ "db-flood", "CVE-2015-8104: data breakpoint on the #DB gate of the IDT: "
	  "#DB recurs after its own delivery", .run = attack_db_flood },
	{ "init-self", "INIT to its own local APIC (assert, then de-assert)",
	  .run = attack_init_self },
	{ "sipi-self", "a lone SIPI, then INIT and SIPI to its own local APIC",
	  .run = attack_sipi_self },
	{ "nonfatal", "what skiff must refuse without ending the run; one line per check",
	  .check = attack_nonfatal },
	{ "nmi-storm", "NMIs to its own local APIC while looping on CPUID: one by one, then "
	  "a burst", .check = attack_nmi_storm },
	{ "start-ap", "INIT-SIPI-SIPI to the other APIC IDs with code that writes skiff's "
	  "memory; then an NMI to APIC ID 1", .check = attack_start_ap },
	{ "ap-read-skiff", "start the second CPU; it reads skiff's memory while "
	  "the first loops on CPUID", .run = attack_ap_read_skiff },
	{ "ap-write-skiff", "start the second CPU; it writes skiff's memory while "
	  "the first loops on CPUID", .run = attack_ap_write_skiff },
	{ "ap-exec-skiff", "start the second CPU; it jumps into skiff's memory "
	  "while the first loops on CPUID", .run = attack_ap_exec_skiff },
	{ "ap-triple", "start the second CPU; it triple-faults (IDT limit 0, INT3) while the "
	  "first loops on CPUID", .run = attack_ap_triple },
	{ "ap-flood", "start the second CPU; it floods #AC as ac-flood does while the first "
	  "loops on CPUID", .run = attack_ap_flood },
	{ "ap-loop", "start the second CPU looping on CPUID; then the first triple-faults",
	  .run = attack_ap_loop },
	{ "ap-cli-loop", "start the second CPU; it loops with interrupts off while the first "
	  "loops on CPUID", .run = attack_ap_cli_loop },
	{ "ap-init-bsp", "start the second CPU; it sends INIT to the first through its x2APIC",
	  .run = attack_ap_init_bsp },
	{ "ap-mtrr", "both CPUs rewrite their variable MTRRs at once, over guest RAM and "
	  "skiff's image", .check = attack_ap_mtrr },
	{ "both-triple", "start the second CPU; both triple-fault at the same moment",
	  .run = attack_both_triple },
	{ "reset-kbc", "reset the machine through the keyboard controller (0xfe to port 0x64)",
	  .run = attack_reset_kbc },
	{ "reset-kbc-output", "reset the machine through the keyboard controller's output port "
	  "(0xd1 to port 0x64, then bit 0 clear to port 0x60)", .run = attack_reset_kbc_output },
	{ "reset-92", "reset the machine through port 0x92 (bit 0)", .run = attack_reset_92 },
	{ "reset-cf9", "reset the machine through the reset control register (0xcf9)",
	  .run = attack_reset_cf9 },
	{ "acpi-off", "power the machine off: SLP_EN in the FADT's PM1a_CNT",
	  .run = attack_acpi_off },
	{ "forge-skiff", "print skiff's lines for a clean end, then power off as acpi-off does",
	  .run = attack_forge_skiff },
	{ "mmio-trap", "stores of each MOV form to a page skiff traps (trap_page=3072), read "
	  "back; then through the guest's paging", .check = attack_mmio_trap },
	{ "mmio-rmw", "an OR to memory on a page skiff traps (trap_page=3072)",
	  .run = attack_mmio_rmw },
	{ "pci-bar", "move the PCI VGA's memory BAR over skiff's memory through 0xcf8/0xcfc; "
	  "then read skiff's memory, and finish on the restart", .check = attack_pci_bar },
	{ "pci-host-bridge", "write the i440FX's PAM, SMRAM and DRB registers and the PIIX4's "
	  "PMBA; then SLP_EN at the FADT's PM1a_CNT", .check = attack_pci_host_bridge },
	{ "pci-ecam", "through the MCFG's ECAM window: move the PCI VGA's memory BAR over "
	  "skiff's memory, size it, close the window (Q35's PCIEXBAR)", .check = attack_pci_ecam },
	{ "iommu-dma", "aim the AHCI disk's DMA at skiff's memory; move or switch off the "
	  "IOMMU through its PCI function", .check = attack_iommu_dma },
	{ "crash-loop", "write to skiff's memory at once (for the restart policy)",
	  .run = attack_crash_loop },
	{ "mtrr-crash", "a 4 KiB write-combining MTRR range, then a triple fault (for the "
	  "restart policy)", .run = attack_mtrr_crash },
};

#define ATTACK_COUNT	(sizeof(attacks) / sizeof(attacks[0]))

/* Copies the value of the first "attack=" word of cmdline into buf;
 * false when there is none. */
static bool attack_name(const char *cmdline, char *buf, size_t size)
{
	const size_t key_len = sizeof(ATTACK_KEY) - 1;
	const char *p = cmdline;

	while (p && *p) {
		while (*p == ' ')
			p++;
		if (strncmp(p, ATTACK_KEY, key_len) == 0) {
			size_t n = 0;

			p += key_len;
			while (p[n] && p[n] != ' ' && n + 1 < size) {
				buf[n] = p[n];
				n++;
			}
			buf[n] = '\0';
			return true;
		}
		while (*p && *p != ' ')
			p++;
	}
	return false;
}

static int usage(const char *given)
{
	if (given)
		printf("attack: no attack named \"%s\"; choose one of:", given);
	else
		printf("attack: no attack=<name> on the command line; choose one of:");
	for (size_t i = 0; i < ATTACK_COUNT; i++)
		printf(" %s", attacks[i].name);
	printf("\n");
	return ATTACK_EXIT_USAGE;
}

int guest_main(const struct mb2_info *mbi)
{
	char name[ATTACK_NAME_MAX];

	attack_mbi = mbi;
	if (!attack_name(mb2_cmdline(mbi), name, sizeof(name)))
		return usage(NULL);
	for (size_t i = 0; i < ATTACK_COUNT; i++) {
		const struct attack *a = &attacks[i];

		if (strcmp(name, a->name) != 0)
			continue;
		printf("attack: %s: %s\n", a->name, a->what);
		if (a->check)
			return a->check();
		a->run();
		printf("attack: %s: still running, so it did not end the run\n", a->name);
		return GUEST_EXIT_FATAL;
	}
	return usage(name);
}
