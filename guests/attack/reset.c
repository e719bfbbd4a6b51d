/*
 * The machine's reset and power-off paths, as a guest that owns the
 * devices would use them (vm/platform.h in skiff): each must end in
 * skiff's report and policy, never in a reset or power-off skiff did not
 * see.  After the write the guest reports that it is still running: it
 * should not be.
 */
#include "acpi.h"
#include "attack.h"
#include "printf.h"
#include "x86.h"

#define KBC_COMMAND		0x64
#define KBC_PULSE_RESET		0xfe	/* pulse output line 0: CPU reset */
#define SYSTEM_CONTROL_A	0x92
#define FAST_RESET		0x01
#define RESET_CONTROL		0xcf9
#define RESET_CPU_FULL		0x06	/* SYS_RST | RST_CPU */
#define FADT_PM1A_CNT_BLK	64	/* offset in the FADT (ACPI 6.4 5.2.9) */
#define PM1_SLP_EN		(1u << 13)

static void still_running(const char *attack)
{
	printf("attack: %s: FAIL: still running after the write\n", attack);
}

void attack_reset_kbc(void)
{
	printf("attack: reset-kbc: 0x%02x to port 0x%x\n", KBC_PULSE_RESET, KBC_COMMAND);
	outb(KBC_COMMAND, KBC_PULSE_RESET);
	still_running("reset-kbc");
}

/* 0xd1 "write output port", then the output port with bit 0 (the CPU
 * reset line, active low) clear and A20 (bit 1) on. */
#define KBC_DATA		0x60
#define KBC_WRITE_OUTPUT	0xd1
#define KBC_OUTPUT_RESET	0xde

void attack_reset_kbc_output(void)
{
	printf("attack: reset-kbc-output: 0x%02x to port 0x%x, then 0x%02x to port 0x%x\n",
	       KBC_WRITE_OUTPUT, KBC_COMMAND, KBC_OUTPUT_RESET, KBC_DATA);
	outb(KBC_COMMAND, KBC_WRITE_OUTPUT);
	outb(KBC_DATA, KBC_OUTPUT_RESET);
	still_running("reset-kbc-output");
}

void attack_reset_92(void)
{
	uint8_t v = inb(SYSTEM_CONTROL_A);

	printf("attack: reset-92: port 0x%x bit 0 set (0x%02x)\n", SYSTEM_CONTROL_A,
	       v | FAST_RESET);
	outb(SYSTEM_CONTROL_A, v | FAST_RESET);
	still_running("reset-92");
}

void attack_reset_cf9(void)
{
	printf("attack: reset-cf9: 0x%02x to port 0x%x\n", RESET_CPU_FULL, RESET_CONTROL);
	outb(RESET_CONTROL, RESET_CPU_FULL);
	still_running("reset-cf9");
}

/* SLP_EN with SLP_TYP 0 into PM1a_CNT, the port the FADT names. */
static void acpi_off(const char *attack)
{
	const struct acpi_header *fadt = acpi_find_table(attack_mbi, "FACP");
	uint32_t port;

	if (!fadt || fadt->length < FADT_PM1A_CNT_BLK + 4) {
		printf("attack: %s: no FADT\n", attack);
		return;
	}
	port = *(const uint32_t *)((const uint8_t *)fadt + FADT_PM1A_CNT_BLK);
	printf("attack: %s: SLP_EN to PM1a_CNT at port 0x%x\n", attack, port);
	outw((uint16_t)port, (uint16_t)(inw((uint16_t)port) | PM1_SLP_EN));
	still_running(attack);
}

void attack_acpi_off(void)
{
	acpi_off("acpi-off");
}

/* skiff's own words for a clean end, then a power-off: the transcript
 * must still tell the two apart (gconsole.h: the guest's lines that could
 * pass for skiff's are marked). */
void attack_forge_skiff(void)
{
	printf("skiff: the guest (hello) exited with status 0\n");
	printf("  CPUID                                  1            100      100\n");
	printf("skiff: policy: guest exit -> power off\n");
	printf("skiff: stopping with status 0: powering off\n");
	acpi_off("forge-skiff");
}
