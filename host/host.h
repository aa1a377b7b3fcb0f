/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The orchestrator's one private header: types first, then prototypes
 * grouped under a banner per source file.
 *
 * Layers, lowest first; a file may only call into its own layer or lower
 * ones:  util -> report (text only) -> vm backends -> run -> repro/bisect
 * -> cmd-*.c.
 */
#ifndef RACERIG_HOST_H
#define RACERIG_HOST_H

#include <sys/types.h>

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#define RACERIG_VERSION "0.1"

/* Exit statuses, as in syzkaller's BootError/InfraError split. */
#define EXIT_PASS	0	/* kernel ok */
#define EXIT_VERDICT	1	/* kernel under test failed (crash, hang) */
#define EXIT_INFRA	2	/* racerig, QEMU or the host failed */
#define EXIT_USAGE	129	/* bad command line */

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* A growable, always NUL-terminated byte buffer (like git's strbuf). */
struct buf {
	char	*data;		/* NULL until the first add */
	size_t	 len;
	size_t	 cap;
};
#define BUF_INIT { NULL, 0, 0 }

/*
 * One subcommand.  cmd.c lists them all in cmd_table[]; the dispatcher in
 * racerig.c finds the entry, handles -h, and calls exec with argv[0] set
 * to the command name.  exec returns an EXIT_* status.
 */
struct cmd_entry {
	const char	*name;
	const char	*usage;		/* "racerig NAME ..." synopsis */
	const char	*help;		/* one line for "racerig help" */
	int		 flags;
#define CMD_HIDDEN	0x1		/* not listed by "racerig help" */
	int		(*exec)(int argc, char **argv);
};

/* util.c */
int		 error(const char *fmt, ...)
		     __attribute__((format(printf, 1, 2)));
void		 warning(const char *fmt, ...)
		     __attribute__((format(printf, 1, 2)));
void		 fatal(const char *fmt, ...)
		     __attribute__((format(printf, 1, 2), noreturn));
void		*xmalloc(size_t n);
void		*xcalloc(size_t nmemb, size_t size);
void		*xrealloc(void *ptr, size_t n);
char		*xstrdup(const char *s);
char		*xasprintf(const char *fmt, ...)
		     __attribute__((format(printf, 1, 2)));
void		 buf_init(struct buf *b);
void		 buf_release(struct buf *b);
void		 buf_grow(struct buf *b, size_t extra);
void		 buf_add(struct buf *b, const void *data, size_t n);
void		 buf_addstr(struct buf *b, const char *s);
void		 buf_addf(struct buf *b, const char *fmt, ...)
		     __attribute__((format(printf, 2, 3)));
void		 buf_reset(struct buf *b);
double		 now_mono(void);
double		 now_wall(void);
int		 mkdir_p(const char *path, mode_t mode);
int		 read_file(const char *path, struct buf *b, size_t max);
int		 write_all(int fd, const void *data, size_t n);
int		 write_file_atomic(const char *path, const void *data,
		     size_t n);
int		 parse_long(const char *s, long min, long max, long *out);
const char	*cache_dir(void);
const char	*source_dir(void);

/* cmd.c */
extern const struct cmd_entry *const cmd_table[];
const struct cmd_entry *cmd_find(const char *name);
void		 cmd_print_usage(const struct cmd_entry *entry, int to_stderr);

#endif
