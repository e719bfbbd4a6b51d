/*
 * serial_script: types lines into an emulator's serial port, as a person at
 * a terminal would, and copies everything the port says to a log.
 *
 *   serial_script -l LINK -o LOG -r REPORT [-p PROMPT]
 *                 [-T SECONDS | -w REGEX | -s LINE]... -- COMMAND [ARG...]
 *
 * It makes a pseudo-terminal, points LINK at its far end (the emulator is
 * told to use LINK as its serial port: Bochs's "com1: mode=term, dev=LINK"),
 * runs COMMAND (the emulator) in a process group of its own, and plays the
 * script while copying every byte the port sends to LOG:
 *   -w REGEX   wait until the output matches REGEX (a POSIX extended regex,
 *              matched within one line: ^ is a line's start, and $ a line's
 *              end only once its newline has arrived);
 *   -s LINE    type LINE and Enter (a carriage return, as a terminal sends);
 *              with -p PROMPT, wait for PROMPT (a regex) first;
 *   -T SECONDS how long each -w after it may wait (default 60), counted
 *              from the end of the step before.
 * Each wait starts where the previous match ended, so a line is never
 * matched twice and an answer is only looked for after its question.
 *
 * REPORT gets one line per step, with the time since the start. When a wait
 * runs out, or COMMAND ends before the script does, the last line of REPORT
 * (and of stderr) starts "FAIL step N/M" and says what it waited for; then
 * COMMAND's process group is killed. Exit status: COMMAND's (128 + signal if
 * a signal ended it), as the shell reports it, whatever the script did;
 * 125 when serial_script itself cannot run.
 *
 * Why a pseudo-terminal and not Bochs's TCP modes: tools/bochs.sh runs Bochs
 * in a network namespace of its own, whose loopback is down (see
 * docs/emulators.md), and a terminal needs no port, so cases that run at
 * the same time cannot take each other's.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <regex.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#define MAX_STEPS 256
#define LINE_CAP 65536		/* the unmatched output kept for matching */
#define POLL_MS 100
#define DEFAULT_WAIT_S 60
#define STATUS_OWN_ERROR 125

enum step_kind { STEP_WAIT, STEP_SEND };

struct step {
	enum step_kind kind;
	const char *text;
	regex_t re;		/* STEP_WAIT */
	int timeout_s;		/* STEP_WAIT */
	const char *after;	/* STEP_WAIT: the line typed before it, if any */
};

struct script {
	struct step steps[MAX_STEPS];
	int count;
	int next;		/* the step in progress */
	double step_start;	/* when it began, seconds since start */
};

/* Output not yet consumed by a match: carriage returns and NULs dropped,
 * and only the lines a match could still use (complete lines that did not
 * match are dropped). */
struct pending {
	char text[LINE_CAP + 1];
	size_t len;
	bool at_line_start;	/* text[0] begins a line */
};

static FILE *report;
static struct timespec t0;

static double now_s(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)(t.tv_sec - t0.tv_sec) + (double)(t.tv_nsec - t0.tv_nsec) / 1e9;
}

static void say(const char *fmt, ...)
{
	va_list ap;

	fprintf(report, "%7.1f s  ", now_s());
	va_start(ap, fmt);
	vfprintf(report, fmt, ap);
	va_end(ap);
	fputc('\n', report);
	fflush(report);
}

static _Noreturn void die(const char *fmt, ...)
{
	va_list ap;

	fputs("serial_script: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(STATUS_OWN_ERROR);
}

static void usage(void)
{
	die("usage: serial_script -l LINK -o LOG -r REPORT [-p PROMPT] "
	    "[-T SECONDS | -w REGEX | -s LINE]... -- COMMAND [ARG...]");
}

static struct step *add_step(struct script *s, enum step_kind kind, const char *text)
{
	if (s->count == MAX_STEPS)
		die("more than %d steps", MAX_STEPS);
	struct step *st = &s->steps[s->count++];
	st->kind = kind;
	st->text = text;
	st->after = NULL;
	return st;
}

static void add_wait(struct script *s, const char *pattern, int timeout_s)
{
	struct step *st = add_step(s, STEP_WAIT, pattern);
	char why[200];
	int err;

	if (strchr(pattern, '\n'))
		die("-w %s: a pattern is matched within one line; it cannot hold a newline", pattern);
	err = regcomp(&st->re, pattern, REG_EXTENDED | REG_NEWLINE);
	if (err) {
		regerror(err, &st->re, why, sizeof(why));
		die("-w %s: %s", pattern, why);
	}
	st->timeout_s = timeout_s;
	for (int i = s->count - 2; i >= 0 && !st->after; i--)
		if (s->steps[i].kind == STEP_SEND)
			st->after = s->steps[i].text;
}

struct options {
	const char *link, *log, *report;
	char **command;
};

static void parse(int argc, char **argv, struct options *o, struct script *s)
{
	const char *prompt = NULL;
	int timeout_s = DEFAULT_WAIT_S, c;
	char *end;

	/* "+": options in order, stopping at the first non-option (COMMAND). */
	while ((c = getopt(argc, argv, "+l:o:r:p:T:w:s:")) != -1) {
		switch (c) {
		case 'l': o->link = optarg; break;
		case 'o': o->log = optarg; break;
		case 'r': o->report = optarg; break;
		case 'p': prompt = optarg; break;
		case 'T':
			timeout_s = (int)strtol(optarg, &end, 10);
			if (*end || timeout_s <= 0 || timeout_s > 86400)
				die("-T %s: seconds, 1 to 86400", optarg);
			break;
		case 'w': add_wait(s, optarg, timeout_s); break;
		case 's':
			if (prompt)
				add_wait(s, prompt, timeout_s);
			add_step(s, STEP_SEND, optarg);
			break;
		default: usage();
		}
	}
	if (!o->link || !o->log || !o->report || optind >= argc)
		usage();
	o->command = argv + optind;
}

/* The pseudo-terminal: its master for us, LINK naming its slave for the
 * emulator. We keep the slave open too, so that the master never sees a
 * hang-up, before the emulator opens it or after it closes it. The slave is
 * raw: no echo of what we type, no line editing, no CR/NL mapping; anything
 * echoed back must come from the guest. */
static int make_terminal(const char *link, int *slave_out)
{
	struct termios t;
	int master = posix_openpt(O_RDWR | O_NOCTTY);
	const char *name;

	if (master < 0 || grantpt(master) || unlockpt(master) || !(name = ptsname(master)))
		die("cannot make a pseudo-terminal: %s", strerror(errno));
	*slave_out = open(name, O_RDWR | O_NOCTTY);
	if (*slave_out < 0 || tcgetattr(*slave_out, &t))
		die("%s: %s", name, strerror(errno));
	cfmakeraw(&t);
	if (tcsetattr(*slave_out, TCSANOW, &t))
		die("%s: %s", name, strerror(errno));
	if ((unlink(link) && errno != ENOENT) || symlink(name, link))
		die("%s: %s", link, strerror(errno));
	if (fcntl(master, F_SETFL, fcntl(master, F_GETFL) | O_NONBLOCK))
		die("%s: %s", name, strerror(errno));
	return master;
}

static pid_t start_command(char **command, int master, int slave)
{
	pid_t pid = fork();

	if (pid < 0)
		die("fork: %s", strerror(errno));
	if (pid == 0) {
		close(master);
		close(slave);
		setpgid(0, 0);
		execvp(command[0], command);
		fprintf(stderr, "serial_script: %s: %s\n", command[0], strerror(errno));
		_exit(127);
	}
	setpgid(pid, pid);	/* both sides, so a kill cannot miss the group */
	return pid;
}

static void pending_add(struct pending *p, const char *buf, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (buf[i] == '\r' || buf[i] == '\0')
			continue;
		if (p->len == LINE_CAP) {
			/* A "line" this long is noise: keep its second half. */
			memmove(p->text, p->text + LINE_CAP / 2, LINE_CAP / 2);
			p->len = LINE_CAP / 2;
			p->at_line_start = false;
		}
		p->text[p->len++] = buf[i];
	}
	p->text[p->len] = '\0';
}

static void pending_drop(struct pending *p, size_t n)
{
	if (n == 0)
		return;
	p->at_line_start = p->text[n - 1] == '\n';
	memmove(p->text, p->text + n, p->len - n + 1);
	p->len -= n;
}

/* Does the pending output match? If so, consume it up to the match's end;
 * if not, drop the complete lines, which can never match later. */
static bool pending_match(struct pending *p, const regex_t *re)
{
	regmatch_t m;
	int flags = REG_NOTEOL | (p->at_line_start ? 0 : REG_NOTBOL);
	char *last_nl;

	if (regexec(re, p->text, 1, &m, flags) == 0) {
		pending_drop(p, (size_t)m.rm_eo);
		return true;
	}
	last_nl = strrchr(p->text, '\n');
	if (last_nl)
		pending_drop(p, (size_t)(last_nl - p->text) + 1);
	return false;
}

static void write_all(int fd, const char *buf, size_t n)
{
	while (n > 0) {
		ssize_t k = write(fd, buf, n);

		if (k < 0 && errno == EAGAIN) {
			struct pollfd pfd = { .fd = fd, .events = POLLOUT };
			poll(&pfd, 1, POLL_MS);
			continue;
		}
		if (k < 0)
			die("write: %s", strerror(errno));
		buf += k;
		n -= (size_t)k;
	}
}

/* Runs every step that can run now: the sends, and the waits whose pattern
 * the pending output already matches. */
static void advance(struct script *s, struct pending *p, int master)
{
	while (s->next < s->count) {
		struct step *st = &s->steps[s->next];

		if (st->kind == STEP_SEND) {
			write_all(master, st->text, strlen(st->text));
			write_all(master, "\r", 1);
			say("step %d/%d: typed '%s'", s->next + 1, s->count, st->text);
		} else if (pending_match(p, &st->re)) {
			say("step %d/%d: saw /%s/", s->next + 1, s->count, st->text);
		} else {
			return;
		}
		s->next++;
		s->step_start = now_s();
	}
}

static void fail(const struct script *s, const char *fmt, ...)
{
	const struct step *st = &s->steps[s->next];
	char why[300], after[300] = "";
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(why, sizeof(why), fmt, ap);
	va_end(ap);
	if (st->after)
		snprintf(after, sizeof(after), " after typing '%s'", st->after);
	say("FAIL step %d/%d: no /%s/%s: %s", s->next + 1, s->count, st->text, after, why);
	fprintf(stderr, "serial_script: FAIL step %d/%d: no /%s/%s: %s\n",
		s->next + 1, s->count, st->text, after, why);
}

/* Copies what the port says to the log and the matcher; false once no more
 * is waiting to be read. */
static bool copy_output(int master, int log, struct pending *p)
{
	char buf[4096];
	ssize_t n = read(master, buf, sizeof(buf));

	if (n <= 0)
		return false;
	write_all(log, buf, (size_t)n);
	pending_add(p, buf, (size_t)n);
	return true;
}

static int status_of(int wstatus)
{
	return WIFSIGNALED(wstatus) ? 128 + WTERMSIG(wstatus) : WEXITSTATUS(wstatus);
}

static int run(struct script *s, int master, int log, pid_t child)
{
	static struct pending p = { .at_line_start = true };
	int wstatus;

	for (;;) {
		struct pollfd pfd = { .fd = master, .events = POLLIN };

		advance(s, &p, master);
		if (poll(&pfd, 1, POLL_MS) > 0)
			while (copy_output(master, log, &p))
				;
		if (waitpid(child, &wstatus, WNOHANG) == child) {
			while (copy_output(master, log, &p))
				;
			advance(s, &p, master);
			if (s->next < s->count)
				fail(s, "the emulator ended first (status %d)", status_of(wstatus));
			else
				say("all %d steps done; the emulator ended with status %d",
				    s->count, status_of(wstatus));
			return status_of(wstatus);
		}
		if (s->next < s->count && now_s() - s->step_start > s->steps[s->next].timeout_s) {
			fail(s, "waited %d s", s->steps[s->next].timeout_s);
			kill(-child, SIGKILL);
			waitpid(child, &wstatus, 0);
			while (copy_output(master, log, &p))
				;
			return status_of(wstatus);
		}
	}
}

int main(int argc, char **argv)
{
	static struct script s;
	struct options o = { 0 };
	int master, slave, log;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	parse(argc, argv, &o, &s);
	report = fopen(o.report, "w");
	if (!report)
		die("%s: %s", o.report, strerror(errno));
	log = open(o.log, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (log < 0)
		die("%s: %s", o.log, strerror(errno));
	master = make_terminal(o.link, &slave);
	say("%d steps; %s is the serial port", s.count, o.link);
	return run(&s, master, log, start_command(o.command, master, slave));
}
