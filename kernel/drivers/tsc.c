/* The TSC's rate against the PIT; see tsc.h. */
#include "cpu.h"
#include "drivers/console.h"
#include "drivers/tsc.h"
#include "lib/errno.h"
#include "lib/printf.h"
#include "x86.h"

#define PIT_HZ			1193182u
#define PIT_CH2_DATA		0x42
#define PIT_COMMAND		0x43
#define PIT_CH2_MODE0		0xb0	/* channel 2, low then high byte, mode 0, binary */
#define SPEAKER_PORT		0x61	/* bit 0: channel 2 gate, bit 1: speaker, bit 5: OUT2 */
#define SPEAKER_GATE2		0x01
#define SPEAKER_ON		0x02
#define SPEAKER_OUT2		0x20
#define CALIBRATE_MS		10
#define GUESS_HZ		1000000000ull
/* A PIT that never counts down must not hang skiff: give up after this
 * many TSC ticks (about 2 s at 5 GHz). */
#define CALIBRATE_GIVE_UP	10000000000ull

static uint64_t hz = GUESS_HZ;

/* Mode 0: OUT2 goes low when the count is written and high when it
 * reaches zero; the gate (port 0x61 bit 0) lets it count. */
int tsc_calibrate(void)
{
	uint16_t count = PIT_HZ / (1000 / CALIBRATE_MS);
	uint8_t saved = inb(SPEAKER_PORT);
	uint64_t start, now;

	outb(SPEAKER_PORT, (saved & ~SPEAKER_ON) & ~SPEAKER_GATE2);
	outb(PIT_COMMAND, PIT_CH2_MODE0);
	outb(PIT_CH2_DATA, count & 0xff);
	outb(PIT_CH2_DATA, count >> 8);
	outb(SPEAKER_PORT, (saved & ~SPEAKER_ON) | SPEAKER_GATE2);
	start = rdtsc();
	do {
		now = rdtsc();
		if (now - start > CALIBRATE_GIVE_UP) {
			outb(SPEAKER_PORT, saved);
			kprintf("skiff: tsc: the PIT does not count; assuming 1 GHz for times\n");
			return -ENODEV;
		}
	} while (!(inb(SPEAKER_PORT) & SPEAKER_OUT2));
	outb(SPEAKER_PORT, saved);
	hz = (now - start) * (1000 / CALIBRATE_MS);
	if (hz == 0)
		hz = GUESS_HZ;
	kprintf("skiff: tsc: %lu.%03lu MHz (measured against the PIT)\n", hz / 1000000,
		(hz / 1000) % 1000);
	return 0;
}

uint64_t tsc_ticks_for_ms(uint64_t ms)
{
	return ms * (hz / 1000);
}

uint64_t tsc_ms_since_boot(void)
{
	return (rdtsc() - boot_tsc) / (hz / 1000);
}

void tsc_delay_ms(uint64_t ms)
{
	uint64_t end = rdtsc() + tsc_ticks_for_ms(ms);

	while (rdtsc() < end) {
		console_poll();	/* the wait is the serial line's time to catch up */
		pause();
	}
}
