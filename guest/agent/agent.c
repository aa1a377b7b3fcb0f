/* SPDX-License-Identifier: GPL-2.0 */
/*
 * racerig-agent: the guest's PID 1.  Sets the guest up, says HELLO to
 * the host over the virtio-serial port and then serves EXEC, KILL, QUERY
 * and SAMPLE requests, with a HEARTBEAT every second (see proto.h).
 *
 * "racerig-agent --serve-fd N" skips the PID-1 setup and serves on fd N:
 * that is how the host's tests drive the agent without a VM.
 *
 * This file is only main and the dispatch loop, the top of the agent:
 * it calls the request handlers (child.c, query.c, setup.c, kdump.c,
 * channel.c), they call util.c, and nothing calls back up into here.
 */
#include <sys/ioctl.h>
#include <sys/reboot.h>
#include <sys/utsname.h>
#include <sys/wait.h>

#include <linux/random.h>

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "agent.h"

/* what the port needs, loaded before HELLO */
#define AGENT_BOOT_MODULES	"/etc/racerig/boot-modules"
/* dumps and panic events, loaded right after HELLO, before any step */
#define AGENT_LATE_MODULES	"/etc/racerig/late-modules"

/*
 * racerig.auth=fw_cfg: the host takes this channel only from a guest
 * that presents the run's token first (see proto.h), which QEMU hands
 * over as a fw_cfg file.  The fw_cfg driver probes asynchronously, so
 * its file is waited for (5 s).  Returns 0 once AUTH is sent, -1
 * (logged) without a token: the host then never answers, and the run
 * ends when its boot timeout does.
 */
static int
agent_auth(struct agent *a)
{
	const char *path = "/sys/firmware/qemu_fw_cfg/by_name/"
	    PROTO_TOKEN_FW_CFG "/raw";
	char token[PROTO_TOKEN_LEN + 1];
	size_t len = 0;

	for (int i = 0; i < 500 && access(path, R_OK) != 0; i++)
		usleep(10000);
	if (query_read_file(path, token, PROTO_TOKEN_LEN, &len) != 0 ||
	    len != PROTO_TOKEN_LEN) {
		agent_log("no channel token in %s (%zu bytes read): the host "
		    "will not take this channel", path, len);
		return -1;
	}
	token[len] = '\0';
	return channel_send_json(a, PROTO_AUTH, json_pack("{s:s}", "token",
	    token));
}

static void
agent_hello(struct agent *a)
{
	struct utsname u;
	char boot_id[64] = "";
	size_t len = 0;
	struct timespec ts;

	uname(&u);
	if (query_read_file("/proc/sys/kernel/random/boot_id", boot_id,
	    sizeof(boot_id) - 1, &len) == 0)
		boot_id[len] = '\0';
	boot_id[strcspn(boot_id, "\n")] = '\0';
	clock_gettime(CLOCK_BOOTTIME, &ts);
	channel_send_json(a, PROTO_HELLO, json_pack("{s:i,s:s,s:i,s:I,s:s}",
	    "proto", PROTO_VERSION, "release", u.release,
	    "ncpus", (int)sysconf(_SC_NPROCESSORS_ONLN),
	    "uptime_ms", (json_int_t)(ts.tv_sec * 1000 + ts.tv_nsec / 1000000),
	    "boot_id", boot_id));
}

/*
 * A restored snapshot: every run from one snapshot starts with the same
 * kernel random state and clock.  Mix the host's seed into the pool
 * (credited, then a reseed of the CRNG so the next read already
 * differs) and take the host's time.
 */
static void
agent_resume(struct agent *a, json_t *resume)
{
	const char *hex = json_string_value(json_object_get(resume, "seed"));
	json_t *rt = json_object_get(resume, "realtime_ns");
	struct {
		struct rand_pool_info info;
		unsigned char buf[64];
	} seed;
	size_t n = 0;
	int fd;

	memset(&seed, 0, sizeof(seed));
	for (; hex != NULL && n < sizeof(seed.buf) && isxdigit(
	    (unsigned char)hex[2 * n]) && isxdigit((unsigned char)hex[2 * n +
	    1]); n++) {
		char byte[3] = { hex[2 * n], hex[2 * n + 1], '\0' };

		seed.buf[n] = (unsigned char)strtoul(byte, NULL, 16);
	}
	fd = open("/dev/urandom", O_WRONLY | O_CLOEXEC);
	if (n > 0 && fd >= 0) {
		seed.info.entropy_count = (int)(8 * n);
		seed.info.buf_size = (int)n;
		if (ioctl(fd, RNDADDENTROPY, &seed.info) != 0 ||
		    ioctl(fd, RNDRESEEDCRNG) != 0)
			channel_send_error(a, 0, "cannot reseed the kernel's "
			    "random pool: %s", strerror(errno));
	} else
		channel_send_error(a, 0, "resume without a usable seed");
	if (fd >= 0)
		close(fd);
	if (json_is_integer(rt)) {
		long long ns = (long long)json_integer_value(rt);
		struct timespec ts = { .tv_sec = ns / 1000000000LL,
		    .tv_nsec = ns % 1000000000LL };

		if (clock_settime(CLOCK_REALTIME, &ts) != 0)
			channel_send_error(a, 0, "cannot set the clock: %s",
			    strerror(errno));
	}
	agent_log("resumed from a snapshot");
}

/* Act on one frame from the host.  Bad frames are answered, not fatal. */
static void
agent_dispatch(struct agent *a, const struct proto_hdr *hdr,
    const unsigned char *payload)
{
	json_error_t jerr;
	json_t *req;

	req = json_loadb((const char *)payload, hdr->length, 0, &jerr);
	if (req == NULL || !json_is_object(req)) {
		channel_send_error(a, 0, "malformed %s frame: %s",
		    proto_type_name(hdr->type), req ? "not an object" :
		    jerr.text);
		json_decref(req);
		return;
	}
	switch (hdr->type) {
	case PROTO_HELLO: {
		json_t *v = json_object_get(req, "proto");
		json_t *resume = json_object_get(req, "resume");

		if (!json_is_integer(v) ||
		    json_integer_value(v) != PROTO_VERSION)
			channel_send_error(a, 0, "host speaks another "
			    "protocol version");
		a->hello_done = 1;
		if (a->test_stop_reading) {
			agent_log("test: no longer reading the channel");
			a->reading_stopped = 1;
		}
		if (json_is_object(resume)) {
			agent_resume(a, resume);
			agent_hello(a);
		}
		break;
	}
	case PROTO_EXEC:
		child_exec(a, req, a->port_fd);
		break;
	case PROTO_KILL: {
		json_t *v = json_object_get(req, "id");

		if (json_is_integer(v))
			child_kill(a, (uint32_t)json_integer_value(v));
		break;
	}
	case PROTO_QUERY:
		query_answer(a, req);
		break;
	case PROTO_SAMPLE:
		query_set_sample(a, req);
		break;
	default:
		channel_send_error(a, 0, "unexpected %s frame from the host",
		    proto_type_name(hdr->type));
	}
	json_decref(req);
}

/*
 * Read from the port and act on complete frames.  Returns -1 when the
 * host broke the framing or the port failed; the agent then stops
 * reading (a PID 1 cannot exit) but keeps its children reaped.
 */
static int
agent_read_port(struct agent *a)
{
	unsigned char chunk[65536];
	ssize_t n;

	n = read(a->port_fd, chunk, sizeof(chunk));
	if (n < 0)
		return (errno == EAGAIN || errno == EINTR) ? 0 : -1;
	if (n == 0)
		return a->serve_only ? -1 : 0;	/* host not connected yet */
	for (size_t off = 0; off < (size_t)n;) {
		struct proto_hdr hdr;
		const unsigned char *payload;
		long took = proto_reader_feed(&a->reader, chunk + off,
		    (size_t)n - off);

		if (took < 0) {
			agent_log("host broke the protocol: %s",
			    a->reader.error);
			return -1;
		}
		off += (size_t)took;
		while (!a->reading_stopped &&
		    proto_reader_next(&a->reader, &hdr, &payload) == 1) {
			agent_dispatch(a, &hdr, payload);
			proto_reader_consume(&a->reader);
		}
	}
	return 0;
}

static void
agent_loop(struct agent *a)
{
	struct pollfd pfd[1 + 2 * AGENT_MAX_CHILDREN];
	struct child *owner[1 + 2 * AGENT_MAX_CHILDREN];
	int streams[1 + 2 * AGENT_MAX_CHILDREN];
	int port_ok = 1;

	for (;;) {
		long long now = agent_now_ms();
		int n = 0, timeout;

		if (now >= a->next_heartbeat_ms) {
			struct timespec ts;

			clock_gettime(CLOCK_BOOTTIME, &ts);
			channel_send_json(a, PROTO_HEARTBEAT, json_pack(
			    "{s:I,s:I}", "seq", (json_int_t)++a->heartbeat_seq,
			    "uptime_ms", (json_int_t)(ts.tv_sec * 1000 +
			    ts.tv_nsec / 1000000)));
			a->next_heartbeat_ms = now + 1000;
		}
		if (a->nsamples > 0 && now >= a->next_sample_ms) {
			query_send_metrics(a);
			a->next_sample_ms = now + a->sample_interval_ms;
		}
		child_check_deadlines(a);

		pfd[n] = (struct pollfd){ .fd = port_ok && !a->reading_stopped ?
		    a->port_fd : -1, .events = POLLIN };
		owner[n++] = NULL;
		for (int i = 0; i < AGENT_MAX_CHILDREN; i++) {
			struct child *c = &a->children[i];

			if (c->id == 0)
				continue;
			if (c->out_fd >= 0) {
				pfd[n] = (struct pollfd){ .fd = c->out_fd,
				    .events = POLLIN };
				streams[n] = 1;
				owner[n++] = c;
			}
			if (c->err_fd >= 0) {
				pfd[n] = (struct pollfd){ .fd = c->err_fd,
				    .events = POLLIN };
				streams[n] = 2;
				owner[n++] = c;
			}
		}
		/* wake for the heartbeat, and often enough to reap */
		timeout = (int)(a->next_heartbeat_ms - agent_now_ms());
		if (timeout > 50)
			timeout = 50;
		if (timeout < 0)
			timeout = 0;
		if (poll(pfd, (nfds_t)n, timeout) > 0) {
			if (pfd[0].revents & (POLLIN | POLLHUP | POLLERR)) {
				if (agent_read_port(a) != 0) {
					port_ok = 0;
					if (a->serve_only)
						return;
				}
			}
			for (int i = 1; i < n; i++) {
				if (pfd[i].revents & (POLLIN | POLLHUP))
					child_collect_output(a, owner[i],
					    streams[i]);
			}
		}
		child_reap(a);
	}
}

int
main(int argc, char **argv)
{
	static struct agent a;
	int late_loaded = 0;

	memset(&a, 0, sizeof(a));
	a.port_fd = -1;
	if (proto_reader_init(&a.reader) != 0)
		return 1;
	signal(SIGPIPE, SIG_IGN);
	if (argc == 3 && strcmp(argv[1], "--serve-fd") == 0) {
		a.serve_only = 1;
		a.port_fd = atoi(argv[2]);
		fcntl(a.port_fd, F_SETFL, O_NONBLOCK);
		fcntl(a.port_fd, F_SETFD, FD_CLOEXEC);
	} else {
		if (getpid() != 1)
			fprintf(stderr, "racerig-agent: not PID 1; use "
			    "--serve-fd N to serve on a given fd\n");
		setup_system();
		setup_load_modules(AGENT_BOOT_MODULES);
		if (strcmp(kdump_mode(), "capture") == 0)
			kdump_capture();	/* does not return */
		if (strcmp(kdump_mode(), "load") == 0)
			kdump_load();
		a.port_fd = setup_open_port(PROTO_PORT_NAME);
		if (a.port_fd < 0) {
			/* without a channel the host can only time out */
			agent_log("giving up: powering off");
			sync();
			reboot(RB_POWER_OFF);
			for (;;)
				pause();
		}
	}
	if (!a.serve_only) {
		char v[32];

		if (setup_cmdline_get("racerig.agent_test", v, sizeof(v)) ==
		    0 && strcmp(v, "stop-reading") == 0)
			a.test_stop_reading = 1;
		if (setup_cmdline_get("racerig.auth", v, sizeof(v)) == 0 &&
		    strcmp(v, "fw_cfg") == 0) {
			/* the token comes through fw_cfg: its driver first */
			setup_load_modules(AGENT_LATE_MODULES);
			late_loaded = 1;
			(void)agent_auth(&a);
		}
	}
	agent_hello(&a);
	/*
	 * While the host answers: VMCOREINFO for dumps and the pvpanic
	 * driver.  Both are in place before the first request is read.
	 */
	if (!a.serve_only) {
		if (!late_loaded)
			setup_load_modules(AGENT_LATE_MODULES);
		/*
		 * fw_cfg probes asynchronously and hands QEMU the VMCOREINFO
		 * address when it does: a crash before that gives a dump
		 * tools cannot read, so no step starts until it is there.
		 */
		for (int i = 0; i < 300 &&
		    access("/sys/firmware/qemu_fw_cfg/rev", F_OK) != 0; i++)
			usleep(10000);
	}
	agent_log("ready");
	agent_loop(&a);
	proto_reader_release(&a.reader);
	return 0;
}
