/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The host end of the agent channel (agent-chan.c): decoded messages
 * from the guest agent and the frames sent to it.  The guest's own
 * struct agent is another thing, in guest/agent/agent.h.
 */
#ifndef RACERIG_AGENT_CHAN_H
#define RACERIG_AGENT_CHAN_H

#include "util.h"

/*
 * One decoded message from the guest agent (agent-chan.c).  Pointers point
 * into the agent's buffers and stay valid until the next agent_read().
 */
enum agent_event_type {
	AGENT_EV_HELLO,
	AGENT_EV_STARTED,
	AGENT_EV_OUTPUT,
	AGENT_EV_EXIT,
	AGENT_EV_HEARTBEAT,
	AGENT_EV_REPLY,
	AGENT_EV_METRICS,
	AGENT_EV_ERROR,
};

struct agent_event {
	enum agent_event_type type;
	uint32_t	 id;		/* STARTED, OUTPUT, EXIT, REPLY */
	/* HELLO */
	int		 proto;
	const char	*release;
	int		 ncpus;
	/* EXIT */
	int		 status;
	int		 signal;
	int		 timed_out;
	long		 duration_ms;
	/* OUTPUT: stream 1 or 2, data/len the bytes (not NUL-terminated) */
	int		 stream;
	const char	*data;
	size_t		 len;
	/* HEARTBEAT, HELLO, METRICS */
	long		 seq;
	long		 uptime_ms;
	/* REPLY: ok, data/len; ERROR and failed REPLY: text */
	int		 ok;
	const char	*text;
	/* METRICS: borrowed JSON object of path -> contents */
	json_t		*files;
};

/*
 * The host side of the agent channel.  broken is set after the first
 * protocol violation; error then says what it was, and the channel is
 * never read again.
 *
 * Sends are whole frames that wait for the channel to drain, up to
 * send_timeout_ms each (AGENT_SEND_TIMEOUT_MS unless a test lowers it).
 * A frame that cannot go out by then sets stalled, says which in
 * stall_reason, and nothing is sent again: the guest stopped reading,
 * and a frame after a partly sent one would be garbage to it.
 */
#define AGENT_SEND_TIMEOUT_MS	10000

struct agent_chan {
	int		 fd;
	int		 broken;
	char		 error[256];
	int		 stalled;
	char		 stall_reason[160];
	int		 send_timeout_ms;
	/* private to agent-chan.c */
	void		*priv;
};

/*
 * agent-chan.c: interface used by run.c.  agent_read() returns 1 with *ev set,
 * 0 if no complete message is available without blocking, -1 when the
 * channel is broken (a->error says why) or closed.  agent_pending() is
 * 1 when bytes read while a send waited are not decoded yet: the channel
 * need not poll readable for them.  The senders return 0, or -1: with
 * a->stalled set when the guest stopped reading (not reported: the run
 * decides what that means), reported otherwise.
 */
int		 agent_init(struct agent_chan *a, int fd);
void		 agent_release(struct agent_chan *a);
int		 agent_read(struct agent_chan *a, struct agent_event *ev);
int		 agent_pending(const struct agent_chan *a);
int		 agent_send_hello(struct agent_chan *a);
int		 agent_send_resume(struct agent_chan *a, const unsigned char *seed,
		     size_t n, long long realtime_ns);
int		 agent_exec(struct agent_chan *a, uint32_t id, char *const *argv,
		     char *const *env, const int *cpus, size_t ncpus,
		     long timeout_ms, int raw_channel);
int		 agent_kill(struct agent_chan *a, uint32_t id);
int		 agent_query(struct agent_chan *a, uint32_t id, const char *what,
		     const char *path);
int		 agent_sample(struct agent_chan *a, char *const *paths,
		     size_t npaths, long interval_ms);

#endif
