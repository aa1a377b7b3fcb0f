/* SPDX-License-Identifier: GPL-2.0 */
/*
 * libFuzzer target for the console feed: any bytes as a guest's serial
 * console, fed to console_feed() (host/console.c) with a log limit of a
 * few KiB, so that both the log and the tail ring past it are used.
 *
 * Beyond "no crash": the bytes are fed twice, in one piece and in pieces
 * of a size the input chooses, and both consoles must end the same
 * (markers, line count, first line, the line in progress), since reads
 * split the stream anywhere; the counts add up; the first line is
 * printable.  The piecewise console logs nowhere (log_fd -1, all of it
 * counted as dropped into the tail ring): a write per piece made
 * system calls 60 % of the time.
 */
#include <assert.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "util.h"
#include "vm.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define LOG_LIMIT	4096

static struct console whole, split;

/*
 * Opened once: the tail ring is 1 MiB, and allocating two per input
 * (mmap under ASan) cost 99 % of the time.  Each input starts from what
 * console_open() leaves.
 */
int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	if (console_open(&whole, "/dev/null", LOG_LIMIT) != 0 ||
	    console_open(&split, "/dev/null", LOG_LIMIT) != 0)
		abort();
	close(split.log_fd);
	split.log_fd = -1;
	return 0;
}

static void
console_reset(struct console *c)
{
	int fd = c->log_fd;
	char *tail = c->tail;

	memset(c, 0, sizeof(*c));
	c->log_fd = fd;
	c->tail = tail;
	c->log_limit = LOG_LIMIT;
}

static void
check(const struct console *c)
{
	assert(c->total == c->logged + c->dropped);
	assert(c->logged <= LOG_LIMIT);
	assert(c->tail_len == (c->log_fd >= 0 ? c->dropped : c->total));
	assert(c->line_len <= CONSOLE_LINE);
	assert((c->flags & ~((1u << CONSOLE_NFLAGS) - 1)) == 0);
	for (const char *p = c->first_line; *p != '\0'; p++)
		assert(*p >= 0x20 && *p < 0x7f);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *text;
	size_t step;

	if (size < 1)
		return 0;
	step = 1 + data[0];
	text = (const char *)data + 1;
	size--;
	console_reset(&whole);
	console_reset(&split);
	console_feed(&whole, text, size);
	for (size_t off = 0; off < size; off += step)
		console_feed(&split, text + off,
		    size - off < step ? size - off : step);
	check(&whole);
	check(&split);
	assert(whole.flags == split.flags && whole.lines == split.lines);
	assert(whole.line_len == split.line_len);
	assert(memcmp(whole.line, split.line, whole.line_len) == 0);
	assert(strcmp(whole.first_line, split.first_line) == 0);
	assert(split.logged == 0 && split.total == size);
	return 0;
}
