/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The serial console of a guest: logged to console.log as it streams,
 * split into bounded lines and watched for the markers that decide a
 * run's outcome (oops, panic, lockup, stall, hung task, agent ready) and
 * count the reports it goes on from (findings).
 *
 * Console bytes are guest-controlled.  Memory is bounded by the line
 * buffer and the tail ring; the file by log_limit.  Bytes past the limit
 * are counted and dropped, except that the last CONSOLE_TAIL bytes are
 * kept and appended at close, because the end of a flood is where a crash
 * report would be.
 */
#include <sys/stat.h>

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "util.h"
#include "vm.h"

struct console_marker {
	const char	*needle;
	unsigned	 flag;
	int		 header;	/* begins a report: counted */
};

/*
 * Markers looked for anywhere in a line.  They only decide that
 * something happened and when; the classifier later titles the reports
 * from the whole log.
 *
 * CONSOLE_CRASH is what kills the task it hit (an oops, a BUG(), a fault
 * the kernel cannot handle): with oops=panic the guest goes down.
 * CONSOLE_FINDING is a report the kernel prints and goes on from: a
 * WARNING, a KCSAN data race, a KASAN or UBSAN report, lockdep, list
 * corruption, a stall or a lockup.  It ends a run only through what
 * follows (panic_on_warn=1 makes most of them panic; a hang stops the
 * heartbeat), and is listed in the run's findings.
 */
static const struct console_marker console_markers[] = {
	{ "Oops: ",				CONSOLE_CRASH, 1 },
	{ "general protection fault",		CONSOLE_CRASH, 1 },
	{ "kernel BUG at ",			CONSOLE_CRASH, 1 },
	{ "BUG: unable to handle ",		CONSOLE_CRASH, 1 },
	{ "BUG: kernel NULL pointer",		CONSOLE_CRASH, 1 },
	{ "Unable to handle kernel",		CONSOLE_CRASH, 1 },
	{ "invalid opcode: ",			CONSOLE_CRASH, 1 },
	{ "divide error: ",			CONSOLE_CRASH, 1 },
	{ "stack segment: ",			CONSOLE_CRASH, 1 },
	{ "double fault: ",			CONSOLE_CRASH, 1 },
	{ "BUG: ",				CONSOLE_FINDING, 1 },
	/*
	 * A WARN() splat, not any line that starts so: "WARNING: The mand
	 * mount option has been deprecated" is a pr_warn() that trinity's
	 * mount calls print, and it is no finding.  3.x and later print
	 * "WARNING: CPU: N PID: N at ...", 2.6 "WARNING: at ...", lockdep
	 * "WARNING: possible ..." and the like.
	 */
	{ "WARNING: CPU: ",			CONSOLE_FINDING, 1 },
	{ "WARNING: at ",			CONSOLE_FINDING, 1 },
	{ "WARNING: possible ",			CONSOLE_FINDING, 1 },
	{ "WARNING: inconsistent lock state",	CONSOLE_FINDING, 1 },
	{ "WARNING: suspicious RCU usage",	CONSOLE_FINDING, 1 },
	{ "WARNING: bad unlock balance",	CONSOLE_FINDING, 1 },
	{ "KASAN: ",				CONSOLE_FINDING, 0 },
	{ "UBSAN: ",				CONSOLE_FINDING, 1 },
	{ "list_del corruption",		CONSOLE_FINDING, 0 },
	{ "list_add corruption",		CONSOLE_FINDING, 0 },
	{ "Kernel panic - not syncing",		CONSOLE_PANIC, 1 },
	{ "soft lockup - CPU#",			CONSOLE_HANG | CONSOLE_FINDING, 0 },
	{ "detected stall",			CONSOLE_HANG | CONSOLE_FINDING, 1 },
	{ "detected stalls on CPUs",		CONSOLE_HANG | CONSOLE_FINDING, 0 },
	{ "blocked for more than",		CONSOLE_HANG | CONSOLE_FINDING, 1 },
	{ "hard LOCKUP",			CONSOLE_HANG | CONSOLE_FINDING, 1 },
	{ "Out of memory: Killed process",	CONSOLE_OOM, 0 },
	{ "Memory cgroup out of memory: Killed",	CONSOLE_OOM, 0 },
	{ "racerig-agent: ready",		CONSOLE_AGENT_READY, 0 },
	{ "racerig-kdump: saved",		CONSOLE_KDUMP_SAVED, 0 },
};

/*
 * The CONSOLE_* markers of one line of a console log; *header (if not
 * NULL) set when the line begins a report.
 */
unsigned
console_line_markers(const char *line, size_t len, int *header)
{
	unsigned flags = 0;
	int h = 0;

	for (size_t i = 0; i < ARRAY_SIZE(console_markers); i++) {
		const struct console_marker *m = &console_markers[i];

		if (memmem(line, len, m->needle, strlen(m->needle)) == NULL)
			continue;
		flags |= m->flag;
		h |= m->header;
	}
	/*
	 * A line that kills is no finding, whatever else it matches:
	 * "BUG: unable to handle page fault" is also "BUG: ".
	 */
	if (flags & CONSOLE_CRASH)
		flags &= ~CONSOLE_FINDING;
	if (header != NULL)
		*header = h;
	return flags;
}

int
console_open(struct console *c, const char *path, size_t log_limit)
{
	memset(c, 0, sizeof(*c));
	c->log_fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC |
	    O_NOFOLLOW, 0644);
	if (c->log_fd < 0)
		return error("cannot create '%s': %s", path, strerror(errno));
	c->log_limit = log_limit;
	c->tail = xmalloc(CONSOLE_TAIL);
	return 0;
}

/*
 * Flush the tail ring after a note saying how much was dropped, then
 * close the log.  Safe to call twice and on a console never opened.
 */
void
console_close(struct console *c)
{
	if (c->log_fd >= 0 && c->tail != NULL && c->dropped > 0) {
		char note[160];
		size_t keep = c->tail_len < CONSOLE_TAIL ? c->tail_len :
		    CONSOLE_TAIL;
		size_t start = (c->tail_pos + CONSOLE_TAIL - keep) %
		    CONSOLE_TAIL;
		int n = snprintf(note, sizeof(note),
		    "\n[racerig: console.log limit of %zu bytes reached; "
		    "%llu bytes dropped; the last %zu follow]\n",
		    c->log_limit, (unsigned long long)c->dropped, keep);

		(void)write_all(c->log_fd, note, (size_t)n);
		if (start + keep <= CONSOLE_TAIL)
			(void)write_all(c->log_fd, c->tail + start, keep);
		else {
			(void)write_all(c->log_fd, c->tail + start,
			    CONSOLE_TAIL - start);
			(void)write_all(c->log_fd, c->tail,
			    keep - (CONSOLE_TAIL - start));
		}
	}
	if (c->log_fd >= 0)
		close(c->log_fd);
	c->log_fd = -1;
	free(c->tail);
	c->tail = NULL;
}

static void
console_tail_add(struct console *c, const char *data, size_t n)
{
	if (n > CONSOLE_TAIL) {
		data += n - CONSOLE_TAIL;
		n = CONSOLE_TAIL;
	}
	for (size_t i = 0; i < n; i++) {
		c->tail[c->tail_pos] = data[i];
		c->tail_pos = (c->tail_pos + 1) % CONSOLE_TAIL;
	}
	c->tail_len += n;
}

static void
console_line(struct console *c, const char *line, size_t len)
{
	int header;
	unsigned flags = console_line_markers(line, len, &header);

	/* a report begun: what the run shows as findings so far */
	if ((flags & CONSOLE_FINDING) && header)
		c->findings++;
	for (unsigned bit = 0; bit < CONSOLE_NFLAGS; bit++) {
		unsigned flag = 1u << bit;

		if (!(flags & flag) || (c->flags & flag))
			continue;
		c->flags |= flag;
		c->first_time[bit] = now_mono();
	}
	/* the line that ends the run: not a finding it goes on from */
	if ((flags & (CONSOLE_CRASH | CONSOLE_PANIC | CONSOLE_HANG)) &&
	    c->first_line[0] == '\0') {
		size_t k = len < sizeof(c->first_line) - 1 ? len :
		    sizeof(c->first_line) - 1;

		memcpy(c->first_line, line, k);
		c->first_line[k] = '\0';
		/* keep it printable: it ends up in run.json */
		for (size_t j = 0; j < k; j++) {
			unsigned char ch = c->first_line[j];
			if (ch < 0x20 || ch >= 0x7f)
				c->first_line[j] = '?';
		}
	}
	c->lines++;
}

/*
 * Read what fd (a console stream) has and take it as console_feed()
 * does.  Returns the bytes read, 0 if none were ready, -1 at EOF or on a
 * read error (the caller closes fd).
 */
ssize_t
console_read(struct console *c, int fd)
{
	char chunk[65536];
	ssize_t n = read(fd, chunk, sizeof(chunk));

	if (n < 0)
		return (errno == EAGAIN || errno == EINTR) ? 0 : -1;
	if (n == 0)
		return -1;
	console_feed(c, chunk, (size_t)n);
	return n;
}

/*
 * Take n console bytes: log them (within the limit) and run the markers
 * over each completed line.  Lines longer than CONSOLE_LINE are cut into
 * pieces; a marker split across such a cut is missed, which only affects
 * lines no kernel prints.
 */
void
console_feed(struct console *c, const char *data, size_t n)
{
	size_t room;

	c->total += n;
	room = c->logged < c->log_limit ? c->log_limit - c->logged : 0;
	if (room > 0 && c->log_fd >= 0) {
		size_t w = n < room ? n : room;

		if (write_all(c->log_fd, data, w) != 0 && !c->write_failed) {
			c->write_failed = 1;
			error("cannot write console log: %s", strerror(errno));
		}
		c->logged += w;
		if (w < n) {
			c->dropped += n - w;
			console_tail_add(c, data + w, n - w);
		}
	} else {
		c->dropped += n;
		console_tail_add(c, data, n);
	}

	for (size_t i = 0; i < n; i++) {
		char ch = data[i];

		if (ch == '\n' || c->line_len == CONSOLE_LINE) {
			console_line(c, c->line, c->line_len);
			c->line_len = 0;
			if (ch == '\n')
				continue;
		}
		if (ch == '\r' || ch == '\0')
			continue;
		c->line[c->line_len++] = ch;
	}
}
