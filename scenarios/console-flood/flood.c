// SPDX-License-Identifier: GPL-2.0
/*
 * flood: write N MiB of hostile bytes to the first serial port (the
 * console racerig logs), straight to the UART's transmit register.
 *
 * The tty layer and the 8250 driver cost several port accesses and an
 * interrupt per few bytes, which under TCG holds a flood to about
 * 0.3 MiB/s; here each byte is one status read and one write, so the
 * host sees the same hostile stream (it cannot tell how it was made) in
 * a fraction of the time.  "tty" writes through /dev/ttyS0 in raw mode
 * instead, the way a runaway program would.
 *
 * FILL is what the bytes are: random, or one byte over and over
 * (newline: millions of empty lines; nul; cr), the shapes that make a
 * line-oriented parser on the host work hardest; or "findings", KCSAN
 * data-race reports and WARNINGs as the kernel prints them, each of a
 * pair of functions no other has, so that every one is a new finding.  With "crash" the
 * kernel is crashed through sysrq after the flood, so the host must
 * classify a console log made of it.
 *
 *	flood MIB [uart|tty] [random|newline|nul|cr|findings] [crash]
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/io.h>
#include <sys/random.h>
#include <termios.h>
#include <unistd.h>

#define COM1		0x3f8
#define UART_LSR	5	/* line status register */
#define UART_LSR_THRE	0x20	/* transmit holding register empty */

static void
uart_write(const unsigned char *p, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		while (!(inb(COM1 + UART_LSR) & UART_LSR_THRE))
			;
		outb(p[i], COM1);
	}
}

/*
 * Fill buf with whole made-up reports (up to n bytes, the rest
 * newlines): a KCSAN data race between reader_K and writer_K, and every
 * fourth a WARNING in warn_K, K counting on across calls.
 */
static void
fill_findings(unsigned char *buf, size_t n)
{
	static unsigned long k;
	char one[1024];
	size_t off = 0;

	for (;;) {
		int len;

		if (k % 4 == 3)
			len = snprintf(one, sizeof(one),
			    "------------[ cut here ]------------\n"
			    "WARNING: CPU: 1 PID: 1 at lib/flood.c:%lu "
			    "warn_%lu+0x1/0x10\nModules linked in:\n"
			    "RIP: 0010:warn_%lu+0x1/0x10\nCall Trace:\n"
			    " <TASK>\n caller_%lu+0x2/0x20\n </TASK>\n"
			    "---[ end trace 0000000000000000 ]---\n",
			    k, k, k, k);
		else
			len = snprintf(one, sizeof(one),
			    "==================================="
			    "===============================\n"
			    "BUG: KCSAN: data-race in reader_%lu / "
			    "writer_%lu\n\nwrite to 0xffff888004f2a0c8 of 8 "
			    "bytes by task 1 on cpu 1:\n writer_%lu+0x1/0x10\n"
			    " do_syscall_64+0x3b/0x90\n\nread to "
			    "0xffff888004f2a0c8 of 8 bytes by task 2 on cpu "
			    "0:\n reader_%lu+0x1/0x10\n do_syscall_64+0x3b/"
			    "0x90\n\nReported by Kernel Concurrency Sanitizer "
			    "on:\nCPU: 0 PID: 2 Comm: flood Not tainted\n"
			    "==================================="
			    "===============================\n", k, k, k, k);
		if (len < 0 || off + (size_t)len > n)
			break;
		memcpy(buf + off, one, (size_t)len);
		off += (size_t)len;
		k++;
	}
	memset(buf + off, '\n', n - off);
}

static int
tty_write(int fd, const unsigned char *p, size_t n)
{
	while (n > 0) {
		ssize_t w = write(fd, p, n);

		if (w < 0)
			return -1;
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

int
main(int argc, char **argv)
{
	static unsigned char buf[65536];
	int tty = -1;
	long long left;
	char *end;

	const char *fill = argc >= 4 ? argv[3] : "random";
	int crash = argc == 5 && strcmp(argv[4], "crash") == 0;
	int byte = -1;

	if (argc < 2 || argc > 5 ||
	    (left = strtoll(argv[1], &end, 10)) < 1 || *end ||
	    (argc >= 3 && strcmp(argv[2], "uart") && strcmp(argv[2], "tty")) ||
	    (argc == 5 && !crash && strcmp(argv[4], "none")))
		return fprintf(stderr, "usage: flood MIB [uart|tty] "
		    "[random|newline|nul|cr|findings] [crash|none]\n"), 2;
	int findings = strcmp(fill, "findings") == 0;

	if (findings)
		;
	else if (strcmp(fill, "newline") == 0)
		byte = '\n';
	else if (strcmp(fill, "nul") == 0)
		byte = 0;
	else if (strcmp(fill, "cr") == 0)
		byte = '\r';
	else if (strcmp(fill, "random") != 0)
		return fprintf(stderr, "flood: unknown fill '%s'\n", fill), 2;
	if (byte >= 0)
		memset(buf, byte, sizeof(buf));
	if (argc >= 3 && strcmp(argv[2], "tty") == 0) {
		struct termios t;

		tty = open("/dev/ttyS0", O_WRONLY | O_NOCTTY);
		if (tty < 0 || tcgetattr(tty, &t) != 0)
			return perror("flood: /dev/ttyS0"), 1;
		cfmakeraw(&t);
		if (tcsetattr(tty, TCSANOW, &t) != 0)
			return perror("flood: raw mode"), 1;
	} else if (ioperm(COM1, 8, 1) != 0) {
		return perror("flood: ioperm"), 1;
	}
	left *= 1048576;
	while (left > 0) {
		size_t n = left < (long long)sizeof(buf) ?
		    (size_t)left : sizeof(buf);

		if (findings)
			fill_findings(buf, n);
		else if (byte < 0 && getrandom(buf, n, 0) != (ssize_t)n)
			return perror("flood: getrandom"), 1;
		if (tty < 0)
			uart_write(buf, n);
		else if (tty_write(tty, buf, n) != 0)
			return perror("flood: /dev/ttyS0"), 1;
		left -= (long long)n;
	}
	if (crash) {
		int fd = open("/proc/sysrq-trigger", O_WRONLY);

		if (fd < 0 || write(fd, "c", 1) != 1)
			return perror("flood: /proc/sysrq-trigger"), 1;
	}
	return 0;
}
