/*
 * Time from the TSC: its rate is measured once against the 8254 PIT
 * (1.193182 MHz, present on PCs and emulated by firmware and emulators),
 * so skiff can say "N ms after boot" and run its watchdog in milliseconds.
 * In Bochs the TSC counts instructions and the PIT runs in virtual time,
 * so the rate found is Bochs's instructions per virtual second.
 */
#ifndef SKIFF_DRIVERS_TSC_H
#define SKIFF_DRIVERS_TSC_H

#include <stdint.h>

/*
 * The measurement runs while skiff boots: tsc_calibrate_start() starts the
 * PIT counting, and tsc_calibrate() reads how far it got, waiting only if
 * that is under 2 ms (or measuring 2 ms afresh if the boot took longer than
 * the PIT's 54.9 ms reach), then reports the rate.  Until then times use a
 * 1 GHz guess.  tsc_calibrate() returns 0, or negative (reported) when the
 * PIT does not count, and the guess stays.  Without tsc_calibrate_start()
 * it measures on its own.
 */
void tsc_calibrate_start(void);
int tsc_calibrate(void);

/* Milliseconds since skiff's first instruction. */
uint64_t tsc_ms_since_boot(void);

/* TSC ticks in ms milliseconds. */
uint64_t tsc_ticks_for_ms(uint64_t ms);

/* Busy-waits us microseconds, without feeding the console. */
void tsc_delay_us(uint64_t us);

/* Busy-waits ms milliseconds. */
void tsc_delay_ms(uint64_t ms);

#endif
