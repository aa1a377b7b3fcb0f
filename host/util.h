/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The bottom layer of the orchestrator (util.c): exit statuses, the
 * growable buffer, allocation that never returns NULL, error reporting,
 * files, numbers, addresses and child processes.  Everything else
 * includes this; this includes no other racerig header.
 *
 * Layers, lowest first; a file may only include and call its own layer
 * or lower ones:
 *
 *   util.h
 *   report.h  scenario.h  image.h        text in, records out; no VMs
 *   vm.h  agent-chan.h                   guests and their channels
 *   run.h                                one run, start to verdict
 *   db.h  campaign.h  bisect.h  repro.h  many runs
 *   cmd.h                                the command line
 */
#ifndef RACERIG_UTIL_H
#define RACERIG_UTIL_H

#include <sys/socket.h>
#include <sys/types.h>

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <jansson.h>

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
char		*str_printable(char *dst, const char *src, size_t n);
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
int		 tmp_create_beside(const char *path, char **tmp);
int		 write_file_atomic(const char *path, const void *data,
		     size_t n);
int		 write_file_excl(const char *path, const void *data,
		     size_t n, mode_t mode);
int		 json_write_atomic(const char *path, const json_t *j);
int		 parse_long(const char *s, long min, long max, long *out);
int		 uri_host(const char *uri, char *host, size_t n);
int		 parse_ip(const char *addr, struct sockaddr_storage *ss,
		     socklen_t *len);
const char	*cache_dir(void);
const char	*source_dir(void);
int		 run_command(char *const argv[], const char *in_path,
		     const char *out_path, const char *err_path, double timeout_s,
		     struct buf *output, size_t max_output);
#endif
