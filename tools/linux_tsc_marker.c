/*
 * The init marker of `make bench`'s Linux row: a program in the test
 * Linux's initramfs (tools/linux.sh) that reads the TSC and prints
 *   skiff-bench: init tsc=N
 * then exits 0.  Its /init runs it when the kernel's command line says
 * skiff_test=bench.  The line goes to the kernel's log (/dev/kmsg), which
 * the kernel prints on its console in one piece: written to the tty, it
 * could be cut by a kernel message printed at the same time (a driver
 * probing in the background).  Without /dev/kmsg, to standard output.
 *
 * In Bochs the TSC counts the instructions CPU 0 executed since power-on
 * (and idle time at the emulated rate), and skiff leaves the guest's TSC
 * offset at 0, so N is comparable between Linux on bare Bochs and Linux
 * under skiff: tools/bench.sh compares the two.
 *
 * Freestanding, without libc, so that it is one static binary of a few
 * hundred bytes built by the host's gcc: Linux's x86-64 system call ABI
 * (write = 1, open = 2, exit = 60; arguments in RDI, RSI, RDX; RCX and
 * R11 clobbered) is all it uses.
 */
#include <stdint.h>

#define SYS_WRITE	1
#define SYS_OPEN	2
#define SYS_EXIT	60
#define STDOUT		1
#define O_WRONLY	1

void marker_main(void) __attribute__((noreturn));

/*
 * The process's entry: the kernel leaves RSP 16-byte aligned at argc, but
 * a C function expects RSP + 8 aligned, as after a CALL.
 */
__asm__(".globl _start\n"
	"_start:\n"
	"	xor %ebp, %ebp\n"
	"	and $-16, %rsp\n"
	"	call marker_main\n"
	"	ud2\n");

static long sys_call3(long nr, long a, long b, long c)
{
	long ret;

	__asm__ volatile("syscall"
			 : "=a"(ret)
			 : "a"(nr), "D"(a), "S"(b), "d"(c)
			 : "rcx", "r11", "memory");
	return ret;
}

static uint64_t rdtsc(void)
{
	uint32_t lo, hi;

	__asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
	return (uint64_t)hi << 32 | lo;
}

/* Appends VALUE in decimal at P; returns the end. */
static char *put_decimal(char *p, uint64_t value)
{
	char digits[20];
	int n = 0;

	do {
		digits[n++] = (char)('0' + value % 10);
		value /= 10;
	} while (value);
	while (n)
		*p++ = digits[--n];
	return p;
}

void marker_main(void)
{
	static const char prefix[] = "skiff-bench: init tsc=";
	uint64_t tsc = rdtsc();	/* first, before anything else runs */
	char line[sizeof(prefix) + 24];
	char *p = line;
	long fd;

	for (const char *s = prefix; *s; s++)
		*p++ = *s;
	p = put_decimal(p, tsc);
	*p++ = '\n';
	fd = sys_call3(SYS_OPEN, (long)"/dev/kmsg", O_WRONLY, 0);
	sys_call3(SYS_WRITE, fd < 0 ? STDOUT : fd, (long)line, p - line);
	sys_call3(SYS_EXIT, 0, 0, 0);
	__builtin_unreachable();
}
