/* The TSC's rate against the PIT; see tsc.h. */
#include <stdbool.h>

#include "cpu.h"
#include "drivers/console.h"
#include "drivers/tsc.h"
#include "lib/errno.h"
#include "lib/printf.h"
#include "x86.h"

/* The 8254 PIT's channel 2, whose gate and output the speaker port holds
 * (Intel 8254 data sheet; the PC's wiring of port 0x61). */
#define PIT_HZ			1193182u
#define PIT_CH2_DATA		0x42
#define PIT_COMMAND		0x43
#define PIT_CH2_MODE0		0xb0	/* channel 2, low then high byte, mode 0, binary */
#define PIT_CH2_LATCH		0x80	/* counter latch command, channel 2 */
#define PIT_COUNT_MAX		0xffff	/* 54.9 ms */
#define SPEAKER_PORT		0x61	/* bit 0: channel 2 gate, bit 1: speaker, bit 5: OUT2 */
#define SPEAKER_GATE2		0x01
#define SPEAKER_ON		0x02
#define SPEAKER_OUT2		0x20
/* The shortest window measured: 2 ms, so the PIT's tick (0.84 us) at each
 * end costs under 0.1% of accuracy. */
#define CALIBRATE_MIN_TICKS	(PIT_HZ / 500)
#define GUESS_HZ		1000000000ull
/* A PIT that never counts must not hang skiff: give up after this many
 * TSC ticks (about 2 s at 5 GHz). */
#define CALIBRATE_GIVE_UP	10000000000ull

static uint64_t hz = GUESS_HZ;

/* The measurement under way: the TSC and the channel's count at its start. */
static struct {
	bool open;
	bool failed;		/* the PIT did not count */
	uint8_t speaker;	/* port 0x61 as skiff found it */
	uint16_t count;
	uint64_t tsc;
} window;

/* The count of channel 2 now, and the TSC just before it was latched. */
static uint16_t pit_ch2_sample(uint64_t *tsc)
{
	uint8_t lo, hi;

	*tsc = rdtsc();
	outb(PIT_COMMAND, PIT_CH2_LATCH);
	lo = inb(PIT_CH2_DATA);
	hi = inb(PIT_CH2_DATA);
	return (uint16_t)(lo | hi << 8);
}

/*
 * Mode 0 from the largest count, gate on: the channel counts down once,
 * and OUT2 rises when it reaches zero.  The count is loaded on the PIT
 * clock after it is written and reads are undefined until then, so the
 * window starts at the first change seen, a load or a decrement.
 */
static int pit_window_open(void)
{
	uint8_t quiet = window.speaker & ~SPEAKER_ON;
	uint16_t first;
	uint64_t start;

	outb(SPEAKER_PORT, quiet & ~SPEAKER_GATE2);
	outb(PIT_COMMAND, PIT_CH2_MODE0);
	outb(PIT_CH2_DATA, PIT_COUNT_MAX & 0xff);
	outb(PIT_CH2_DATA, PIT_COUNT_MAX >> 8);
	outb(SPEAKER_PORT, quiet | SPEAKER_GATE2);
	first = pit_ch2_sample(&start);
	do {
		window.count = pit_ch2_sample(&window.tsc);
		if (window.tsc - start > CALIBRATE_GIVE_UP)
			return -ENODEV;
	} while (window.count == first);
	return 0;
}

void tsc_calibrate_start(void)
{
	window.speaker = inb(SPEAKER_PORT);
	window.open = true;
	window.failed = pit_window_open() < 0;
}

/* PIT ticks since the window opened, once at least CALIBRATE_MIN_TICKS;
 * *tsc gets the TSC at the end.  A window the channel outran (OUT2 high:
 * it passed zero, so how often is unknown) is opened again.  0 when the
 * PIT stops counting. */
static uint16_t pit_window_close(uint64_t *tsc)
{
	for (;;) {
		uint16_t count = pit_ch2_sample(tsc);
		uint16_t ticks = (uint16_t)(window.count - count);

		if (inb(SPEAKER_PORT) & SPEAKER_OUT2) {
			if (pit_window_open() < 0)
				return 0;
			continue;
		}
		if (ticks >= CALIBRATE_MIN_TICKS)
			return ticks;
		if (*tsc - window.tsc > CALIBRATE_GIVE_UP)
			return 0;
	}
}

int tsc_calibrate(void)
{
	uint16_t ticks = 0;
	uint32_t tenths_ms;
	uint64_t end;

	if (!window.open)
		tsc_calibrate_start();
	if (!window.failed)
		ticks = pit_window_close(&end);
	outb(SPEAKER_PORT, window.speaker);
	window.open = false;
	if (ticks == 0) {
		kprintf("skiff: tsc: the PIT does not count; assuming 1 GHz for times\n");
		return -ENODEV;
	}
	hz = (end - window.tsc) * PIT_HZ / ticks;
	if (hz == 0)
		hz = GUESS_HZ;
	tenths_ms = (ticks * 10000u + PIT_HZ / 2) / PIT_HZ;
	kprintf("skiff: tsc: %lu.%03lu MHz (measured against the PIT over %u.%u ms)\n",
		hz / 1000000, (hz / 1000) % 1000, tenths_ms / 10, tenths_ms % 10);
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

void tsc_delay_us(uint64_t us)
{
	uint64_t end = rdtsc() + us * (hz / 1000000 ? hz / 1000000 : 1);

	while (rdtsc() < end)
		pause();
}

void tsc_delay_ms(uint64_t ms)
{
	uint64_t end = rdtsc() + tsc_ticks_for_ms(ms);

	while (rdtsc() < end) {
		console_poll();	/* the wait is the serial line's time to catch up */
		pause();
	}
}
