/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The guest agent's private header: state shared by its files.
 *
 * The agent is PID 1 of the guest.  It must never exit (the kernel
 * would panic and the run would look like a crash), so every failure is
 * reported and survived.
 *
 * Calls run one way: agent.c (main, dispatch) -> child.c, setup.c,
 * kdump.c -> query.c -> channel.c -> util.c (clock, log).
 */
#ifndef RACERIG_AGENT_H
#define RACERIG_AGENT_H

#include <sys/types.h>

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "proto.h"

#define AGENT_MAX_CHILDREN	64
#define AGENT_LINE		4096	/* output is sent in lines this long */
#define AGENT_MAX_SAMPLES	16

/* One program started by EXEC. */
struct child {
	uint32_t	 id;		/* 0: slot free */
	pid_t		 pid;
	int		 out_fd;	/* -1 once closed */
	int		 err_fd;
	char		 out_line[AGENT_LINE];
	size_t		 out_len;
	char		 err_line[AGENT_LINE];
	size_t		 err_len;
	long long	 start_ms;
	long long	 deadline_ms;	/* 0: none */
	int		 timed_out;
	int		 exited;
	int		 status;	/* wait status once exited */
};

struct agent {
	int		 port_fd;
	int		 serve_only;	/* --serve-fd: no PID-1 setup */
	struct proto_reader reader;
	struct child	 children[AGENT_MAX_CHILDREN];
	char		*samples[AGENT_MAX_SAMPLES];
	size_t		 nsamples;
	long long	 sample_interval_ms;
	long long	 next_sample_ms;
	long long	 next_heartbeat_ms;
	long		 heartbeat_seq;
	int		 hello_done;
	/*
	 * A test of the host (scenario agent-stall): with
	 * racerig.agent_test=stop-reading the agent reads nothing after the
	 * host's HELLO, while it goes on writing, as a guest that stopped
	 * reading its channel does.
	 */
	int		 test_stop_reading;
	int		 reading_stopped;
};

/* util.c: the bottom layer, calls no other agent file */
long long	 agent_now_ms(void);
void		 agent_log(const char *fmt, ...)
		     __attribute__((format(printf, 1, 2)));

/* channel.c */
int		 channel_send(struct agent *a, unsigned type,
		     const void *payload, size_t len);
int		 channel_send_json(struct agent *a, unsigned type, json_t *obj);
int		 channel_send_error(struct agent *a, uint32_t id,
		     const char *fmt, ...)
		     __attribute__((format(printf, 3, 4)));

/* setup.c */
void		 setup_system(void);
void		 setup_load_modules(const char *list);
int		 setup_open_port(const char *name);
int		 setup_cmdline_get(const char *key, char *out, size_t n);

/* kdump.c */
const char	*kdump_mode(void);
void		 kdump_load(void);
void		 kdump_capture(void);

/* stuck.c: what a timed-out program left running, one line each */
typedef void	(*stuck_emit_fn)(void *arg, const char *line, size_t len);
void		 stuck_describe(pid_t sid, stuck_emit_fn emit, void *arg);

/* child.c */
void		 child_exec(struct agent *a, json_t *req, int raw_fd);
void		 child_kill(struct agent *a, uint32_t id);
int		 child_collect_output(struct agent *a, struct child *c,
		     int stream);
void		 child_reap(struct agent *a);
void		 child_check_deadlines(struct agent *a);

/* query.c */
void		 query_answer(struct agent *a, json_t *req);
void		 query_set_sample(struct agent *a, json_t *req);
void		 query_send_metrics(struct agent *a);
int		 query_path_allowed(const char *path);
int		 query_read_file(const char *path, char *buf, size_t cap,
		     size_t *len);

#endif
