/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Small utilities shared by every layer of the host: error reporting,
 * checked allocation, a growable byte buffer, clocks and file helpers.
 */
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>

#include <arpa/inet.h>
#include <netinet/in.h>

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "util.h"

static void
vreport(const char *prefix, const char *fmt, va_list ap)
{
	char msg[4096];

	vsnprintf(msg, sizeof(msg), fmt, ap);
	fprintf(stderr, "%s%s\n", prefix, msg);
}

int
error(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vreport("racerig: error: ", fmt, ap);
	va_end(ap);
	return -1;
}

void
warning(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vreport("racerig: warning: ", fmt, ap);
	va_end(ap);
}

void
fatal(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vreport("racerig: fatal: ", fmt, ap);
	va_end(ap);
	abort();
}

void *
xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);

	if (p == NULL)
		fatal("out of memory allocating %zu bytes", n);
	return p;
}

void *
xcalloc(size_t nmemb, size_t size)
{
	void *p = calloc(nmemb ? nmemb : 1, size ? size : 1);

	if (p == NULL)
		fatal("out of memory allocating %zu x %zu bytes", nmemb, size);
	return p;
}

void *
xrealloc(void *ptr, size_t n)
{
	void *p = realloc(ptr, n ? n : 1);

	if (p == NULL)
		fatal("out of memory allocating %zu bytes", n);
	return p;
}

char *
xstrdup(const char *s)
{
	char *p = strdup(s);

	if (p == NULL)
		fatal("out of memory duplicating a string");
	return p;
}

char *
xasprintf(const char *fmt, ...)
{
	va_list ap;
	char *p;

	va_start(ap, fmt);
	if (vasprintf(&p, fmt, ap) < 0)
		fatal("out of memory formatting a string");
	va_end(ap);
	return p;
}

/*
 * Copy the guest-supplied string src into dst (n bytes, n > 0) as plain
 * ASCII: control characters, DEL and bytes above it become '?', so that
 * nothing a guest sends can drive the terminal that prints it.  Returns
 * dst.
 */
char *
str_printable(char *dst, const char *src, size_t n)
{
	size_t i;

	for (i = 0; i + 1 < n && src[i] != '\0'; i++) {
		unsigned char c = (unsigned char)src[i];

		dst[i] = c < 0x20 || c >= 0x7f ? '?' : (char)c;
	}
	dst[i] = '\0';
	return dst;
}

void
buf_init(struct buf *b)
{
	b->data = NULL;
	b->len = 0;
	b->cap = 0;
}

void
buf_release(struct buf *b)
{
	free(b->data);
	buf_init(b);
}

void
buf_grow(struct buf *b, size_t extra)
{
	size_t need = b->len + extra + 1;

	if (need <= b->cap)
		return;
	if (b->cap == 0)
		b->cap = 64;
	while (b->cap < need)
		b->cap *= 2;
	b->data = xrealloc(b->data, b->cap);
}

void
buf_add(struct buf *b, const void *data, size_t n)
{
	buf_grow(b, n);
	memcpy(b->data + b->len, data, n);
	b->len += n;
	b->data[b->len] = '\0';
}

void
buf_addstr(struct buf *b, const char *s)
{
	buf_add(b, s, strlen(s));
}

void
buf_addf(struct buf *b, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0)
		fatal("bad format string '%s'", fmt);
	buf_grow(b, (size_t)n);
	va_start(ap, fmt);
	vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	b->len += (size_t)n;
}

void
buf_reset(struct buf *b)
{
	b->len = 0;
	if (b->data != NULL)
		b->data[0] = '\0';
}

double
now_mono(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

double
now_wall(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int
mkdir_p(const char *path, mode_t mode)
{
	char *p, *s;
	int rc = 0;

	p = xstrdup(path);
	for (s = p + 1; ; s++) {
		char c = *s;

		if (c != '/' && c != '\0')
			continue;
		*s = '\0';
		if (mkdir(p, mode) != 0 && errno != EEXIST) {
			rc = error("cannot create directory '%s': %s", p,
			    strerror(errno));
			break;
		}
		*s = c;
		if (c == '\0')
			break;
	}
	free(p);
	return rc;
}

/*
 * Read at most max bytes of path into b (appending).  Returns 0, or -1
 * with an error reported.  Files longer than max are an error, so that a
 * caller never works on a silently truncated file.
 */
int
read_file(const char *path, struct buf *b, size_t max)
{
	char chunk[65536];
	size_t total = 0;
	struct stat st;
	ssize_t n;
	int fd;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return error("cannot open '%s': %s", path, strerror(errno));
	/* one allocation for a file of known size, not a chain of them */
	if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode) &&
	    (unsigned long long)st.st_size <= max && st.st_size > 0) {
		buf_grow(b, (size_t)st.st_size);
		b->data[b->len] = '\0';	/* a file that shrank: still a string */
	}
	while ((n = read(fd, chunk, sizeof(chunk))) != 0) {
		if (n < 0) {
			if (errno == EINTR)
				continue;
			close(fd);
			return error("cannot read '%s': %s", path,
			    strerror(errno));
		}
		total += (size_t)n;
		if (total > max) {
			close(fd);
			return error("'%s' is larger than %zu bytes", path, max);
		}
		buf_add(b, chunk, (size_t)n);
	}
	close(fd);
	return 0;
}

int
write_all(int fd, const void *data, size_t n)
{
	const char *p = data;

	while (n > 0) {
		ssize_t w = write(fd, p, n);

		if (w < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

/*
 * Create a fresh temporary file beside path (same directory, so a
 * rename() onto path is atomic): a random name made with O_EXCL, never
 * following a link someone placed there.  Returns its descriptor, mode
 * 0644, and its name in *tmp (caller frees), or -1 (reported).
 */
int
tmp_create_beside(const char *path, char **tmp)
{
	int fd;

	*tmp = xasprintf("%s.tmp.XXXXXX", path);
	fd = mkostemp(*tmp, O_CLOEXEC);
	if (fd < 0) {
		error("cannot create a temporary file for '%s': %s", path,
		    strerror(errno));
		free(*tmp);
		*tmp = NULL;
		return -1;
	}
	(void)fchmod(fd, 0644);
	return fd;
}

/*
 * Create path, which must not exist yet and is never followed if it is
 * a link, with mode (umask aside) and write data to it.  For files that
 * carry secrets or the means to reach a run (domain.xml, tokens): a
 * file someone planted first, or a link to elsewhere, makes this fail
 * rather than be written through.  0 or -1 (reported; a partly written
 * file is removed).
 */
int
write_file_excl(const char *path, const void *data, size_t n, mode_t mode)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW |
	    O_CLOEXEC, mode);

	if (fd < 0)
		return error("cannot create '%s': %s", path, strerror(errno));
	if (write_all(fd, data, n) != 0) {
		error("cannot write '%s': %s", path, strerror(errno));
		close(fd);
		unlink(path);
		return -1;
	}
	close(fd);
	return 0;
}

/*
 * Replace path with data atomically (write a temporary file beside it,
 * fsync, rename), so a reader or a crash never sees half a file.
 */
int
write_file_atomic(const char *path, const void *data, size_t n)
{
	char *tmp;
	int fd, rc = -1;

	fd = tmp_create_beside(path, &tmp);
	if (fd < 0)
		return -1;
	if (write_all(fd, data, n) != 0 || fsync(fd) != 0) {
		error("cannot write '%s': %s", tmp, strerror(errno));
		close(fd);
		unlink(tmp);
		goto cleanup;
	}
	close(fd);
	if (rename(tmp, path) != 0) {
		error("cannot rename '%s' to '%s': %s", tmp, path,
		    strerror(errno));
		unlink(tmp);
		goto cleanup;
	}
	rc = 0;
cleanup:
	free(tmp);
	return rc;
}

/* Write j to path atomically, indented; 0 or -1 (reported). */
int
json_write_atomic(const char *path, const json_t *j)
{
	char *text = json_dumps(j, JSON_INDENT(2));
	int rc;

	if (text == NULL)
		return error("cannot write '%s': out of memory", path);
	rc = write_file_atomic(path, text, strlen(text));
	free(text);
	return rc;
}

/*
 * Parse an IPv4 or IPv6 literal (no port, no brackets) into *ss with
 * port 0, and its length into *len.  0, or -1 without reporting if addr
 * is neither (callers know what the address was for).
 */
int
parse_ip(const char *addr, struct sockaddr_storage *ss, socklen_t *len)
{
	struct sockaddr_in *in4 = (struct sockaddr_in *)ss;
	struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)ss;

	memset(ss, 0, sizeof(*ss));
	if (inet_pton(AF_INET, addr, &in4->sin_addr) == 1) {
		in4->sin_family = AF_INET;
		*len = sizeof(*in4);
	} else if (inet_pton(AF_INET6, addr, &in6->sin6_addr) == 1) {
		in6->sin6_family = AF_INET6;
		*len = sizeof(*in6);
	} else
		return -1;
	return 0;
}

/*
 * Parse a decimal integer in [min, max] from the whole of s.  Returns 0,
 * or -1 without reporting (callers know what the number was for).
 */
int
parse_long(const char *s, long min, long max, long *out)
{
	char *end;
	long v;

	if (s == NULL || *s == '\0')
		return -1;
	errno = 0;
	v = strtol(s, &end, 10);
	if (errno != 0 || *end != '\0' || v < min || v > max)
		return -1;
	*out = v;
	return 0;
}

/*
 * The root of racerig's git-ignored cache: $RACERIG_CACHE, else
 * $XDG_CACHE_HOME/racerig, else ~/.cache/racerig.  Returns a static string.
 */
const char *
cache_dir(void)
{
	static char path[4096];
	const char *e;

	if (path[0] != '\0')
		return path;
	if ((e = getenv("RACERIG_CACHE")) != NULL && *e != '\0')
		snprintf(path, sizeof(path), "%s", e);
	else if ((e = getenv("XDG_CACHE_HOME")) != NULL && *e != '\0')
		snprintf(path, sizeof(path), "%s/racerig", e);
	else if ((e = getenv("HOME")) != NULL && *e != '\0')
		snprintf(path, sizeof(path), "%s/.cache/racerig", e);
	else
		snprintf(path, sizeof(path), "/var/cache/racerig");
	return path;
}

/*
 * The top of the racerig source tree, where scenarios/, images/ and the
 * build output live: $RACERIG_ROOT, else the directory above the one
 * holding the racerig binary (build/racerig -> .).
 */
const char *
source_dir(void)
{
	static char path[4096];
	const char *e;
	char exe[4096];
	ssize_t n;
	char *slash;

	if (path[0] != '\0')
		return path;
	if ((e = getenv("RACERIG_ROOT")) != NULL && *e != '\0') {
		snprintf(path, sizeof(path), "%s", e);
		return path;
	}
	n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (n <= 0) {
		snprintf(path, sizeof(path), ".");
		return path;
	}
	exe[n] = '\0';
	/* strip the binary name, then the build directory */
	for (int i = 0; i < 2; i++) {
		slash = strrchr(exe, '/');
		if (slash == NULL || slash == exe)
			break;
		*slash = '\0';
	}
	snprintf(path, sizeof(path), "%s", exe);
	return path;
}

/*
 * Run argv (no shell: argv[0] is looked up in PATH) and wait for it, at
 * most timeout_s seconds (<= 0: no limit), then SIGKILL its process group.
 * stdin comes from in_path (or /dev/null), stdout goes to out_path if set,
 * else is captured into *output (at most max_output bytes; the rest is
 * read and dropped) if output is set, else to /dev/null; stderr follows
 * stdout unless err_path is set ("-": left as racerig's own).  Returns the exit status (128+signal if
 * killed, 124 on timeout like timeout(1)), or -1 if it could not run
 * (reported).
 */
int
run_command(char *const argv[], const char *in_path, const char *out_path,
    const char *err_path, double timeout_s, struct buf *output,
    size_t max_output)
{
	int pipefd[2] = { -1, -1 };
	double deadline = timeout_s > 0 ? now_mono() + timeout_s : 0;
	int status, timed_out = 0;
	pid_t pid;

	if (output != NULL && out_path == NULL &&
	    pipe2(pipefd, O_CLOEXEC) != 0)
		return error("cannot create a pipe: %s", strerror(errno));
	pid = fork();
	if (pid < 0) {
		error("cannot fork to run '%s': %s", argv[0], strerror(errno));
		if (pipefd[0] >= 0) {
			close(pipefd[0]);
			close(pipefd[1]);
		}
		return -1;
	}
	if (pid == 0) {
		int in, out, err;

		setpgid(0, 0);
		in = open(in_path ? in_path : "/dev/null", O_RDONLY);
		if (out_path != NULL)
			out = open(out_path, O_WRONLY | O_CREAT | O_TRUNC,
			    0644);
		else if (pipefd[1] >= 0)
			out = pipefd[1];
		else
			out = open("/dev/null", O_WRONLY);
		if (err_path != NULL && strcmp(err_path, "-") == 0)
			err = 2;	/* inherited */
		else
			err = err_path ? open(err_path, O_WRONLY | O_CREAT |
			    O_TRUNC, 0644) : out;
		if (in < 0 || out < 0 || err < 0) {
			perror("racerig: run_command");
			_exit(127);
		}
		dup2(in, 0);
		dup2(out, 1);
		dup2(err, 2);
		execvp(argv[0], argv);
		fprintf(stderr, "racerig: cannot run '%s': %s\n", argv[0],
		    strerror(errno));
		_exit(127);
	}
	setpgid(pid, pid);
	if (pipefd[1] >= 0)
		close(pipefd[1]);

	for (;;) {
		pid_t w;

		if (pipefd[0] >= 0) {
			struct pollfd pfd = { .fd = pipefd[0], .events = POLLIN };
			char chunk[65536];
			ssize_t n;

			if (poll(&pfd, 1, 50) > 0) {
				n = read(pipefd[0], chunk, sizeof(chunk));
				if (n > 0) {
					size_t room = output->len < max_output ?
					    max_output - output->len : 0;
					buf_add(output, chunk, (size_t)n < room ?
					    (size_t)n : room);
				} else if (n == 0) {
					close(pipefd[0]);
					pipefd[0] = -1;
				}
			}
		} else
			usleep(10000);
		w = waitpid(pid, &status, WNOHANG);
		if (w == pid)
			break;
		if (deadline > 0 && now_mono() > deadline && !timed_out) {
			kill(-pid, SIGKILL);
			timed_out = 1;
		}
	}
	if (pipefd[0] >= 0) {
		/* what the child wrote just before it exited */
		char chunk[65536];
		struct pollfd pfd = { .fd = pipefd[0], .events = POLLIN };
		ssize_t n;

		while (poll(&pfd, 1, 0) > 0 &&
		    (n = read(pipefd[0], chunk, sizeof(chunk))) > 0) {
			size_t room = output->len < max_output ?
			    max_output - output->len : 0;

			buf_add(output, chunk, (size_t)n < room ? (size_t)n :
			    room);
		}
		close(pipefd[0]);
	}
	if (timed_out)
		return 124;
	if (WIFEXITED(status))
		return WEXITSTATUS(status);
	return 128 + WTERMSIG(status);
}

/*
 * Check uri as a libvirt QEMU URI: qemu[+TRANSPORT]://[USER@]HOST[:PORT]
 * /system or /session, an optional ?query, nothing a shell or XML would
 * read specially.  On success puts the host part in host ("" for a local
 * URI) and returns 0; returns -1 without a message otherwise, since the
 * caller knows which file and field to name.  Plain text: both the
 * libvirt backend and campaign files check URIs with it.
 */
int
uri_host(const char *uri, char *host, size_t n)
{
	static const char *const transports[] = { "tcp", "tls", "ssh",
	    "libssh", "libssh2", "unix" };
	const char *p, *auth, *end, *h, *he;
	size_t tl;
	int ok = 0;

	if (n == 0 || strlen(uri) > 512)
		return -1;
	host[0] = '\0';
	for (p = uri; *p; p++) {
		if ((unsigned char)*p <= ' ' || *p == 0x7f || *p == '\'' ||
		    *p == '"' || *p == '<' || *p == '>' || *p == '\\' ||
		    *p == '`')
			return -1;
	}
	if (strncmp(uri, "qemu", 4) != 0)
		return -1;
	p = uri + 4;
	if (*p == '+') {
		tl = strcspn(++p, ":");
		for (size_t i = 0; i < ARRAY_SIZE(transports) && !ok; i++)
			ok = strlen(transports[i]) == tl &&
			    strncmp(p, transports[i], tl) == 0;
		if (!ok)
			return -1;
		p += tl;
	}
	if (strncmp(p, "://", 3) != 0)
		return -1;
	auth = p + 3;
	end = auth + strcspn(auth, "/?#");
	if (*end != '/' || (strncmp(end, "/system", 7) != 0 &&
	    strncmp(end, "/session", 8) != 0))
		return -1;
	p = end + (end[1] == 's' && end[2] == 'y' ? 7 : 8);
	if (*p != '\0' && *p != '?')
		return -1;
	/* the authority: [user@]host[:port], host maybe [IPv6] */
	h = memchr(auth, '@', (size_t)(end - auth));
	h = h ? h + 1 : auth;
	if (*h == '[') {
		he = memchr(h, ']', (size_t)(end - h));
		if (he == NULL)
			return -1;
		h++;
		p = he + 1;
	} else {
		he = h + strcspn(h, ":/");
		if (he > end)
			he = end;
		p = he;
	}
	for (const char *c = h; c < he; c++) {
		if (!(*c >= 'a' && *c <= 'z') && !(*c >= 'A' && *c <= 'Z') &&
		    !(*c >= '0' && *c <= '9') && *c != '.' && *c != '-' &&
		    *c != ':' && *c != '_')
			return -1;
	}
	if (p < end) {
		long port;
		char num[8];

		if (*p != ':' || (size_t)(end - p - 1) >= sizeof(num) ||
		    end - p < 2)
			return -1;
		memcpy(num, p + 1, (size_t)(end - p - 1));
		num[end - p - 1] = '\0';
		if (parse_long(num, 1, 65535, &port) != 0)
			return -1;
	}
	if ((size_t)(he - h) >= n)
		return -1;
	memcpy(host, h, (size_t)(he - h));
	host[he - h] = '\0';
	return 0;
}
