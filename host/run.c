/* SPDX-License-Identifier: GPL-2.0 */
/*
 * One run: boot a guest, run a scenario's steps through the agent, watch
 * console, agent and hypervisor at once, decide the outcome, capture a
 * vmcore on a crash or hang, classify, and leave a run directory:
 *
 *	console.log  the serial console (bounded; see console.c)
 *	steps.log    the steps' output lines, prefixed with the step number
 *	metrics.jsonl samples of /proc files the scenario asked for
 *	vmcore       kdump-compressed guest memory (crashed or hung runs)
 *	dmesg.txt    the kernel log extracted from the vmcore
 *	report.json  the classification of the first crash
 *	run.json     what ran, how it ended, and the timings
 *
 * Outcomes (enum run_outcome): ok, crashed, hung (no heartbeat, a
 * lockup or stall report before the panic it led to, or a guest that
 * stopped reading its agent channel), boot-failed, lost (QEMU died or
 * the guest went away unasked), failed (a step exited other than expected, or the agent
 * broke the protocol), workload-failed (a step marked "workload" died,
 * was OOM-killed or exited other than expected while the kernel stayed
 * up), error (racerig or the host).
 *
 * What runs was decided before: run_plan_make() (run-plan.c) checked the
 * scenario and expanded its steps.  How it ended is a struct run_record,
 * saved as run.json by run-record.c.
 */
#include <sys/random.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "util.h"
#include "report.h"
#include "scenario.h"
#include "image.h"
#include "vm.h"
#include "agent-chan.h"
#include "run.h"
#include "proto.h"

#define RUN_STEPS_LOG_LIMIT	(16u * 1024 * 1024)
#define RUN_METRICS_LIMIT	(16u * 1024 * 1024)
/* After an oops line with no panic event, how long before we call it. */
#define RUN_CRASH_SETTLE_S	10.0
/* In kdump mode, how long the capture kernel may take to save a vmcore. */
#define RUN_KDUMP_WAIT_S	120.0
/* After a step failed, how long to wait for a crash that explains it. */
#define RUN_FAIL_SETTLE_S	2.0
/*
 * After the agent channel broke, how long to wait for what explains it:
 * a panic, or the hypervisor's exit (QEMU killed: the channel's end comes
 * first, the exit a moment later).
 */
#define RUN_AGENT_SETTLE_S	1.0
/* Free space left beside a vmcore: run.json, logs, other users. */
#define RUN_DUMP_MARGIN_MB	64

/* State of one run while its loop turns. */
struct run_state {
	const struct run_opts	*opts;
	struct run_record	*res;
	const struct run_plan	*plan;
	const struct scenario	*sc;		/* &plan->sc */
	const struct param_values *vals;	/* &plan->vals */
	struct vm		*vm;
	const struct vm_ops	*vm_ops;
	struct agent_chan		 agent;
	int			 agent_ok;
	double			 t0;		/* vm start */
	double			 ready_at;	/* agent HELLO, 0 before */
	double			 last_hb;
	double			 crash_at;	/* first crash/panic line */
	double			 hang_at;	/* first lockup/stall line */
	double			 fail_at;	/* a step failed */
	double			 agent_broken_at; /* the channel broke */
	int			 fail_workload;	/* the failed step is one */
	/*
	 * What the agent said the foreground step left running when its
	 * time limit came (guest text, bounded): the first process and how
	 * many in all.
	 */
	char			 stuck_first[96];
	unsigned		 nstuck;
	double			 stalled_at;	/* a send stalled */
	size_t			 next_step;
	uint32_t		 fg_id;		/* running foreground step */
	double			 fg_deadline;
	uint32_t		*bg_ids;
	size_t			 nbg;
	int			 done;
	int			 kdump;		/* --dump kdump */
	char			*kdump_disk;
	char			*initrd;	/* the guest's programs came in */
	char			*snap_ram;	/* --snapshot: its files */
	char			*snap_state;
	int			 steps_fd;
	size_t			 steps_logged;
	int			 metrics_fd;
	size_t			 metrics_logged;
	json_t			*steps_json;	/* per-step results */
	json_t			*metrics_first;	/* first/last samples */
	json_t			*metrics_last;
};

static void
run_finish(struct run_state *rs, enum run_outcome o, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Set the outcome once: the first reason is the one that counts. */
static void
run_finish(struct run_state *rs, enum run_outcome o, const char *fmt, ...)
{
	va_list ap;

	if (rs->done)
		return;
	rs->done = 1;
	rs->res->outcome = o;
	va_start(ap, fmt);
	vsnprintf(rs->res->reason, sizeof(rs->res->reason), fmt, ap);
	va_end(ap);
	/* reasons quote guest text (console lines, agent errors) */
	str_printable(rs->res->reason, rs->res->reason,
	    sizeof(rs->res->reason));
}

static void
run_log_step(struct run_state *rs, uint32_t id, const char *tag,
    const char *data, size_t len)
{
	struct buf b = BUF_INIT;

	if (rs->steps_fd < 0 || rs->steps_logged >= RUN_STEPS_LOG_LIMIT)
		return;
	buf_addf(&b, "[%u:%s] ", id, tag);
	buf_add(&b, data, len);
	buf_addstr(&b, "\n");
	if (rs->steps_logged + b.len > RUN_STEPS_LOG_LIMIT) {
		buf_reset(&b);
		buf_addstr(&b, "[racerig: steps.log limit reached]\n");
	}
	(void)write_all(rs->steps_fd, b.data, b.len);
	rs->steps_logged += b.len;
	buf_release(&b);
}

/*
 * A send to the agent failed.  A stalled one is the guest's doing (it
 * stopped reading): noted, and judged in run_check_timers() with what
 * else comes; any other failure is the host's, an error.
 */
static void
run_send_failed(struct run_state *rs, const char *what)
{
	if (rs->agent.stalled) {
		if (rs->stalled_at == 0)
			rs->stalled_at = now_mono();
		return;
	}
	run_finish(rs, RUN_ERROR, "%s", what);
}

/*
 * The agent's "racerig-agent: at the time limit: pid N COMM state S wchan
 * W stack ..." lines on a timed-out step's stderr (guest/agent/stuck.c):
 * keep "COMM state S wchan W" of the first for the reason.
 */
#define RUN_STUCK_PREFIX	"racerig-agent: at the time limit: pid "

static void
run_note_stuck(struct run_state *rs, const char *data, size_t len)
{
	size_t plen = strlen(RUN_STUCK_PREFIX), n;
	const char *p, *end = data + len, *stack;

	if (len <= plen || memcmp(data, RUN_STUCK_PREFIX, plen) != 0)
		return;
	if (rs->nstuck++ > 0)
		return;
	p = memchr(data + plen, ' ', len - plen);	/* past the pid */
	if (p == NULL)
		return;
	p++;
	stack = memmem(p, (size_t)(end - p), " stack ", 7);
	n = (size_t)((stack != NULL ? stack : end) - p);
	if (n >= sizeof(rs->stuck_first))
		n = sizeof(rs->stuck_first) - 1;
	memcpy(rs->stuck_first, p, n);
	rs->stuck_first[n] = '\0';
	str_printable(rs->stuck_first, rs->stuck_first,
	    sizeof(rs->stuck_first));
}

/*
 * Start the next steps: every background step up to and including the
 * next foreground one.  Sets fg_id, or finishes the run with ok when no
 * step is left.
 */
static void
run_next_steps(struct run_state *rs)
{
	while (!rs->done && rs->fg_id == 0 &&
	    rs->next_step < rs->plan->nsteps) {
		const struct run_step *st = &rs->plan->steps[rs->next_step];
		uint32_t id = (uint32_t)++rs->next_step;
		json_t *sj;

		run_log_step(rs, id, "exec", st->command, strlen(st->command));
		sj = json_pack("{s:i,s:s,s:b,s:i}", "step", (int)id,
		    "command", st->command, "background", st->def->background,
		    "timeout_s", (int)st->timeout_s);
		json_array_append_new(rs->steps_json, sj);
		if (agent_exec(&rs->agent, id, st->argv, st->env, st->cpus,
		    st->ncpus, st->timeout_s * 1000, st->def->raw_channel ||
		    rs->opts->raw_channel) != 0) {
			char what[64];

			snprintf(what, sizeof(what), "cannot send step %u to "
			    "the agent", id);
			run_send_failed(rs, what);
		}
		if (rs->done || rs->stalled_at != 0)
			break;
		if (st->def->background) {
			rs->bg_ids = xrealloc(rs->bg_ids,
			    (rs->nbg + 1) * sizeof(*rs->bg_ids));
			rs->bg_ids[rs->nbg++] = id;
		} else {
			rs->fg_id = id;
			/* the agent enforces the limit; this is a backstop */
			rs->fg_deadline = now_mono() + st->timeout_s + 30;
		}
	}
	if (!rs->done && rs->stalled_at == 0 && rs->fg_id == 0 &&
	    rs->next_step >= rs->plan->nsteps)
		run_finish(rs, RUN_OK, "all %zu steps finished as expected",
		    rs->plan->nsteps);
}

static json_t *
run_step_json(struct run_state *rs, uint32_t id)
{
	if (id == 0 || id > json_array_size(rs->steps_json))
		return NULL;
	return json_array_get(rs->steps_json, id - 1);
}

static void
run_on_exit(struct run_state *rs, const struct agent_event *ev)
{
	const struct scenario_step *st;
	json_t *sj = run_step_json(rs, ev->id);
	char line[160];

	if (ev->id == 0 || ev->id > rs->sc->nsteps)
		return;
	st = &rs->sc->steps[ev->id - 1];
	snprintf(line, sizeof(line), "status=%d signal=%d timed_out=%d "
	    "duration_ms=%ld", ev->status, ev->signal, ev->timed_out,
	    ev->duration_ms);
	run_log_step(rs, ev->id, "exit", line, strlen(line));
	if (sj != NULL) {
		json_object_set_new(sj, "status", json_integer(ev->status));
		json_object_set_new(sj, "signal", json_integer(ev->signal));
		json_object_set_new(sj, "timed_out",
		    json_boolean(ev->timed_out));
		json_object_set_new(sj, "duration_ms",
		    json_integer(ev->duration_ms));
	}
	if (ev->id != rs->fg_id)
		return;		/* background steps may end as they like */
	rs->fg_id = 0;
	if (ev->timed_out || ev->signal != 0 || ev->status != st->expect_exit) {
		/* give a crash that caused this a moment to show itself */
		if (rs->fail_at == 0) {
			rs->fail_at = now_mono();
			rs->fail_workload = st->workload;
			snprintf(rs->res->reason, sizeof(rs->res->reason),
			    "step %u (%s) %s", ev->id, st->argv[0],
			    ev->timed_out ? "timed out" : ev->signal ?
			    "was killed by a signal" :
			    "exited with an unexpected status");
			if (ev->signal != 0 || !ev->timed_out)
				snprintf(rs->res->reason +
				    strlen(rs->res->reason),
				    sizeof(rs->res->reason) -
				    strlen(rs->res->reason), " (%s %d)",
				    ev->signal ? "signal" : "status",
				    ev->signal ? ev->signal : ev->status);
			if (ev->timed_out && rs->nstuck > 0)
				snprintf(rs->res->reason +
				    strlen(rs->res->reason),
				    sizeof(rs->res->reason) -
				    strlen(rs->res->reason), "; still running: "
				    "%s and %u more (steps.log)",
				    rs->stuck_first, rs->nstuck - 1);
		}
		return;
	}
	run_next_steps(rs);
}

static void
run_on_metrics(struct run_state *rs, const struct agent_event *ev)
{
	json_t *line = json_pack("{s:I,s:O}", "uptime_ms",
	    (json_int_t)ev->uptime_ms, "files", ev->files);
	char *text;

	if (line == NULL)
		return;
	/*
	 * The baseline is the first sample with the most files: counters
	 * of a module the scenario loads later (conntrack) appear late.
	 */
	if (rs->metrics_first == NULL ||
	    json_object_size(json_object_get(rs->metrics_first, "files")) <
	    json_object_size(ev->files)) {
		json_decref(rs->metrics_first);
		rs->metrics_first = json_incref(line);
	}
	if (rs->metrics_last != NULL) {
		metrics_rates(rs->metrics_last, line, &rs->res->live);
		rs->res->have_live = 1;
	}
	json_decref(rs->metrics_last);
	rs->metrics_last = json_incref(line);
	text = json_dumps(line, JSON_COMPACT);
	json_decref(line);
	if (text != NULL && rs->metrics_fd >= 0 &&
	    rs->metrics_logged < RUN_METRICS_LIMIT) {
		size_t n = strlen(text);

		(void)write_all(rs->metrics_fd, text, n);
		(void)write_all(rs->metrics_fd, "\n", 1);
		rs->metrics_logged += n + 1;
	}
	free(text);
}

static void
run_on_agent_event(struct run_state *rs, const struct agent_event *ev)
{
	switch (ev->type) {
	case AGENT_EV_HELLO:
		if (rs->ready_at != 0) {
			/*
			 * One HELLO per run (a restored guest's too): a
			 * later one is a guest talking out of turn.  It gets
			 * no answer, so a guest cannot make the host write
			 * without bound, and changes nothing.
			 */
			run_log_step(rs, 0, "agent-error", "HELLO out of turn "
			    "ignored", strlen("HELLO out of turn ignored"));
			break;
		}
		if (ev->proto != PROTO_VERSION) {
			run_finish(rs, RUN_FAILED, "agent speaks protocol %d, "
			    "the host speaks %d", ev->proto, PROTO_VERSION);
			return;
		}
		/*
		 * Steps pin to CPUs and scenarios size their load by --smp:
		 * a guest with other CPUs online would run another test.
		 */
		if (ev->ncpus != rs->res->smp) {
			run_finish(rs, RUN_BOOT_FAILED, "the guest has %d CPUs "
			    "online, the run asked for %d (--smp)", ev->ncpus,
			    rs->res->smp);
			return;
		}
		rs->ready_at = rs->last_hb = now_mono();
		rs->res->agent_ready_s = rs->ready_at - rs->t0;
		/* what the guest claims: recorded, printable, never trusted */
		if (ev->release != NULL)
			str_printable(rs->res->guest_release, ev->release,
			    sizeof(rs->res->guest_release));
		if (agent_send_hello(&rs->agent) != 0) {
			run_send_failed(rs, "cannot answer the agent");
			return;
		}
		if (rs->sc->nsample > 0 && agent_sample(&rs->agent,
		    rs->sc->sample, rs->sc->nsample, 1000) != 0) {
			run_send_failed(rs, "cannot ask the agent for samples");
			return;
		}
		if (rs->opts->boot_only) {
			run_finish(rs, RUN_OK, "agent ready");
			return;
		}
		run_next_steps(rs);
		break;
	case AGENT_EV_OUTPUT:
		run_log_step(rs, ev->id, ev->stream == 2 ? "err" : "out",
		    ev->data, ev->len);
		if (ev->id == rs->fg_id && ev->stream == 2)
			run_note_stuck(rs, ev->data, ev->len);
		if (rs->opts->verbose)
			fprintf(stderr, "[%u] %.*s\n", ev->id, (int)ev->len,
			    ev->data);
		break;
	case AGENT_EV_EXIT:
		run_on_exit(rs, ev);
		break;
	case AGENT_EV_HEARTBEAT:
		rs->last_hb = now_mono();
		break;
	case AGENT_EV_METRICS:
		run_on_metrics(rs, ev);
		break;
	case AGENT_EV_ERROR:
		run_log_step(rs, ev->id, "agent-error", ev->text ? ev->text :
		    "", ev->text ? strlen(ev->text) : 0);
		break;
	case AGENT_EV_STARTED:
	case AGENT_EV_REPLY:
		break;
	}
}

/* The outcome of a guest whose kernel reported trouble. */
static void
run_kernel_verdict(struct run_state *rs, const char *how)
{
	const struct console *c = &rs->vm->console;

	if (rs->hang_at != 0 && (rs->crash_at == 0 ||
	    rs->hang_at <= rs->crash_at))
		run_finish(rs, RUN_HUNG, "%s after: %s", how, c->first_line);
	else if (rs->ready_at == 0)
		run_finish(rs, RUN_BOOT_FAILED, "kernel crashed before the "
		    "agent was ready (%s): %s", how, c->first_line);
	else
		run_finish(rs, RUN_CRASHED, "%s%s%s", how,
		    c->first_line[0] ? ": " : "", c->first_line);
}

/*
 * A channel that broke or stalled because QEMU or its domain died says
 * nothing about the guest: if the VM is gone, end the run lost, naming
 * what the channel did (what), and return 1.  Only a channel that broke
 * while the VM lives is the guest's doing: then return 0.
 */
static int
run_lost_with_vm(struct run_state *rs, const char *what)
{
	char why[128] = "";

	if (vm_alive(rs->vm, why, sizeof(why)))
		return 0;
	run_finish(rs, RUN_LOST, "%s (%s)", why, what);
	return 1;
}

static void
run_check_timers(struct run_state *rs)
{
	double now = now_mono();
	const struct run_opts *o = rs->opts;

	if (rs->done)
		return;
	if (rs->kdump && rs->crash_at != 0) {
		/* the capture kernel boots and saves the vmcore: wait */
		if (rs->vm->console.flags & CONSOLE_KDUMP_SAVED)
			run_kernel_verdict(rs, "kernel crashed; kdump saved "
			    "a vmcore");
		else if (now - rs->crash_at > RUN_KDUMP_WAIT_S)
			run_kernel_verdict(rs, "kernel crashed; kdump did not "
			    "finish");
		return;
	}
	if (rs->crash_at != 0 && now - rs->crash_at > RUN_CRASH_SETTLE_S) {
		run_kernel_verdict(rs, "oops on the console, then silence");
		return;
	}
	/*
	 * A lockup or stall report alone ends nothing: the kernel goes on
	 * (it is one of the run's findings).  If the guest is stuck, the
	 * heartbeats stop; if a panic follows, the verdict is hung.
	 */
	if (rs->agent_broken_at != 0 && rs->crash_at == 0 && rs->hang_at == 0 &&
	    now - rs->agent_broken_at > RUN_AGENT_SETTLE_S) {
		if (!run_lost_with_vm(rs, "the agent channel closed with it"))
			run_finish(rs, RUN_FAILED, "agent channel broken: %s",
			    rs->res->agent_error);
		return;
	}
	if (rs->stalled_at != 0 && rs->crash_at == 0 && rs->hang_at == 0 &&
	    now - rs->stalled_at > RUN_AGENT_SETTLE_S) {
		if (!run_lost_with_vm(rs, "sends to the agent stalled"))
			run_finish(rs, RUN_HUNG, "the guest stopped reading "
			    "its agent channel: %s", rs->agent.stall_reason);
		return;
	}
	if (rs->fail_at != 0 && now - rs->fail_at > RUN_FAIL_SETTLE_S) {
		char reason[sizeof(rs->res->reason)];

		snprintf(reason, sizeof(reason), "%s", rs->res->reason);
		if (rs->fail_workload)
			run_finish(rs, RUN_WORKLOAD_FAILED, "%s%s", reason,
			    rs->vm->console.flags & CONSOLE_OOM ? "; the OOM "
			    "killer killed a process (see console.log)" : "");
		else
			run_finish(rs, RUN_FAILED, "%s", reason);
		return;
	}
	if (rs->ready_at == 0 && now - rs->t0 > o->boot_timeout_s) {
		run_finish(rs, RUN_BOOT_FAILED, "the agent was not ready "
		    "within %ld s", o->boot_timeout_s);
		return;
	}
	if (rs->ready_at != 0 && now - rs->last_hb > o->heartbeat_timeout_s) {
		run_finish(rs, RUN_HUNG, "no heartbeat from the agent for "
		    "%ld s", o->heartbeat_timeout_s);
		return;
	}
	if (rs->fg_id != 0 && now > rs->fg_deadline)
		run_finish(rs, RUN_HUNG, "step %u did not finish in time "
		    "and the agent did not end it", rs->fg_id);
}

static void
run_console_flags(struct run_state *rs)
{
	const struct console *c = &rs->vm->console;

	if ((c->flags & (CONSOLE_CRASH | CONSOLE_PANIC)) && rs->crash_at == 0)
		rs->crash_at = now_mono();
	if ((c->flags & CONSOLE_HANG) && rs->hang_at == 0)
		rs->hang_at = now_mono();
}

/* Take what the agent sent, a bounded number of frames at a time. */
static void
run_read_agent(struct run_state *rs)
{
	struct agent_event aev;
	int rc;

	/* bounded: a flood of frames must not starve the rest */
	for (int i = 0; i < 64 && rs->agent_ok && !rs->done; i++) {
		rc = agent_read(&rs->agent, &aev);
		if (rc == 0)
			break;
		if (rc < 0) {
			/* the verdict waits: see run_check_timers */
			rs->agent_ok = 0;
			rs->vm->agent_closed = 1;
			rs->res->agent_error = xstrdup(rs->agent.error);
			rs->agent_broken_at = now_mono();
			break;
		}
		run_on_agent_event(rs, &aev);
	}
}

static void
run_loop(struct run_state *rs)
{
	struct vm_event ev;

	while (!rs->done) {
		if (vm_next_event(rs->vm, &ev, 200) != 0) {
			if (rs->vm->host_lost)
				run_finish(rs, RUN_ERROR, "lost the VM host "
				    "'%s' (its daemon or the connection went "
				    "away)", rs->opts->connect ?
				    rs->opts->connect : "local");
			else
				run_finish(rs, RUN_ERROR, "lost contact with "
				    "the VM");
			break;
		}
		switch (ev.type) {
		case VM_EV_CONSOLE:
			run_console_flags(rs);
			break;
		case VM_EV_AGENT:
			run_read_agent(rs);
			break;
		case VM_EV_PANIC:
			run_console_flags(rs);
			run_kernel_verdict(rs, "guest panicked");
			break;
		case VM_EV_SHUTDOWN:
			run_console_flags(rs);
			if (rs->crash_at != 0 || rs->hang_at != 0)
				run_kernel_verdict(rs, ev.detail);
			else
				run_finish(rs, rs->ready_at ? RUN_LOST :
				    RUN_BOOT_FAILED, "guest stopped unasked: %s",
				    ev.detail);
			break;
		case VM_EV_EXITED:
			run_console_flags(rs);
			run_finish(rs, RUN_LOST, "%s", ev.detail);
			break;
		case VM_EV_TIMEOUT:
			break;
		}
		/* frames a send read ahead leave no readable channel behind */
		if (rs->agent_ok && !rs->done && agent_pending(&rs->agent))
			run_read_agent(rs);
		run_check_timers(rs);
		rs->res->findings_live = rs->vm->console.findings;
		if (rs->opts->progress != NULL)
			rs->opts->progress(rs->opts->progress_arg, rs->res,
			    now_mono() - rs->t0);
	}
}

/*
 * Is the run directory's filesystem too short of space for a vmcore?  A
 * dump writes up to guest memory twice (QEMU's flattened file, then the
 * rearranged one) plus the log read back from it; the margin leaves
 * room for run.json and for whatever else shares the disk.  Says why in
 * r->capture_error.
 */
static int
run_disk_short(struct run_record *r)
{
	struct statvfs sv;
	unsigned long long avail, need;

	if (statvfs(r->dir, &sv) != 0)
		return 0;	/* cannot tell: the dump reports its own error */
	avail = (unsigned long long)sv.f_bavail * sv.f_frsize;
	need = ((unsigned long long)r->mem_mb * 2 + RUN_DUMP_MARGIN_MB) << 20;
	if (avail >= need)
		return 0;
	free(r->capture_error);
	r->capture_error = xasprintf("vmcore not saved: %llu MiB free in "
	    "'%s', a dump of %d MiB of guest memory needs up to %llu MiB",
	    avail >> 20, r->dir, r->mem_mb, need >> 20);
	return 1;
}

/* Capture memory and the kernel log of a crashed or hung guest. */
static void
run_capture(struct run_state *rs)
{
	struct run_record *r = rs->res;
	char *vmcore = xasprintf("%s/vmcore", r->dir);
	char *dmesg = xasprintf("%s/dmesg.txt", r->dir);
	char release[128];
	double t = now_mono();

	if (rs->opts->dump != NULL && strcmp(rs->opts->dump, "none") == 0)
		goto cleanup;
	if (run_disk_short(r)) {
		r->dump_skipped = 1;
		goto cleanup;
	}
	if (rs->kdump && (rs->vm->console.flags & CONSOLE_KDUMP_SAVED)) {
		if (dump_from_kdump_disk(rs->kdump_disk, vmcore) != 0) {
			r->capture_error = xstrdup("kdump vmcore unreadable");
			goto cleanup;
		}
		snprintf(r->vmcore_source, sizeof(r->vmcore_source),
		    "kdump");
	} else {
		/* no in-guest dump: take one from outside, if QEMU lives */
		if (rs->vm->state == VM_EXITED || vm_dump(rs->vm, vmcore) != 0) {
			r->capture_error = xstrdup("memory dump failed");
			goto cleanup;
		}
		snprintf(r->vmcore_source, sizeof(r->vmcore_source),
		    "qemu");
	}
	r->dump_s = now_mono() - t;
	r->vmcore = xstrdup(vmcore);
	if (dump_vmcoreinfo_release(vmcore, release, sizeof(release)) != 0) {
		r->capture_error = xstrdup("vmcore carries no VMCOREINFO");
		goto cleanup;
	}
	str_printable(r->vmcore_release, release, sizeof(r->vmcore_release));
	if (dump_extract_dmesg(vmcore, dmesg) == 0)
		r->dmesg = xstrdup(dmesg);
	else
		r->capture_error = xstrdup("cannot extract dmesg from vmcore");
cleanup:
	free(vmcore);
	free(dmesg);
}

/*
 * Complete the record with what only the run's state knows (the
 * scenario, the parameters, the step and metrics logs, the rates) and
 * save it as run.json.
 */
static void
run_record_finish(struct run_state *rs)
{
	struct run_record *r = rs->res;
	struct rusage ru;

	r->scenario = xstrdup(rs->sc->name);
	r->params = json_object();
	for (size_t i = 0; rs->vals != NULL && i < rs->vals->n; i++)
		json_object_set_new(r->params, rs->vals->names[i],
		    json_string(rs->vals->values[i]));
	r->expect = xstrdup(rs->sc->expect);
	r->duration_s = rs->sc->duration_s;
	if (rs->sc->bug_class)
		r->expected_bug_class = xstrdup(rs->sc->bug_class);
	r->backend = xstrdup(rs->vm_ops->name);
	if (rs->opts->connect != NULL)
		r->connect = xstrdup(rs->opts->connect);
	r->steps = json_incref(rs->steps_json);
	if (rs->metrics_first != NULL) {
		r->metrics_first = json_incref(rs->metrics_first);
		r->metrics_last = json_incref(rs->metrics_last);
		metrics_rates(rs->metrics_first, rs->metrics_last, &r->rates);
		r->have_rates = 1;
	}
	/* the host's own peak memory: a flood must not raise it */
	if (getrusage(RUSAGE_SELF, &ru) == 0)
		r->peak_rss_kb = ru.ru_maxrss;
	if (run_record_save(r) != 0)
		warning("run.json of '%s' was not written", r->dir);
}

/*
 * Make the run directory and open the logs the loop writes.  0, or -1
 * after reporting.
 */
static int
run_prepare_dir(struct run_state *rs)
{
	const struct run_opts *o = rs->opts;
	struct run_record *r = rs->res;
	char *path;

	if (run_make_dir(o, rs->sc->name, r) != 0)
		return -1;
	path = xasprintf("%s/steps.log", r->dir);
	rs->steps_fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC |
	    O_NOFOLLOW, 0644);
	free(path);
	path = xasprintf("%s/metrics.jsonl", r->dir);
	if (rs->sc->nsample > 0)
		rs->metrics_fd = open(path, O_WRONLY | O_CREAT | O_TRUNC |
		    O_CLOEXEC | O_NOFOLLOW, 0644);
	free(path);
	return 0;
}

/*
 * With --dump kdump: the capture kernel's sparse disk, its initramfs
 * and command line in *cfg.  0, or -1 after reporting.
 */
static int
run_prepare_kdump(struct run_state *rs, const struct image *img,
    struct vm_config *cfg)
{
	struct run_record *r = rs->res;
	char *c;

	if (img->kdump_initramfs == NULL)
		return error("image '%s' has no kdump variant (rebuild it)",
		    img->dir);
	if (r->mem_mb < 1024)
		return error("--dump kdump needs at least 1024 MiB "
		    "(crashkernel=192M is reserved)");
	rs->kdump = 1;
	if (run_make_kdump_disk(r->dir, r->mem_mb, &rs->kdump_disk) != 0)
		return -1;
	cfg->initrd = rs->sc->workload_image ?
	    img->kdump_workload_initramfs : img->kdump_initramfs;
	if (cfg->initrd == NULL)
		return error("image '%s' has no kdump variant with the "
		    "workload archive (rebuild it)", img->dir);
	cfg->disk = rs->kdump_disk;
	/*
	 * crash_kexec_post_notifiers: panic() kexecs after its notifiers
	 * and after the other CPUs' backtraces (panic_print=0x40, see
	 * run_cmdline()), not before, so a kdump run shows them too.  The
	 * price is that the notifiers run in the crashed kernel first.
	 */
	c = xasprintf("%s crashkernel=192M racerig.kdump=load "
	    "crash_kexec_post_notifiers", r->cmdline);
	free(r->cmdline);
	r->cmdline = c;
	return 0;
}

/*
 * The VM's configuration for the run into *cfg, from its image, the
 * options and the plan.  0, or -1 after reporting.
 */
static int
run_prepare_vm(struct run_state *rs, const struct image *img,
    struct vm_config *cfg)
{
	const struct run_opts *o = rs->opts;
	struct run_record *r = rs->res;

	memset(cfg, 0, sizeof(*cfg));
	cfg->kernel = img->vmlinuz;
	cfg->initrd = rs->sc->workload_image ? img->workload_initramfs :
	    img->initramfs;
	if (cfg->initrd == NULL)
		return error("image '%s' has no workload archive, which "
		    "scenario '%s' needs (rebuild it with 'racerig image "
		    "build')", img->dir, rs->sc->name);
	if (o->dump != NULL && strcmp(o->dump, "kdump") == 0 &&
	    run_prepare_kdump(rs, img, cfg) != 0)
		return -1;
	rs->initrd = xstrdup(cfg->initrd);
	cfg->cmdline = r->cmdline;
	cfg->smp = r->smp;
	cfg->mem_mb = r->mem_mb;
	cfg->dir = r->dir;
	cfg->accel = o->accel;
	cfg->connect = o->connect;
	cfg->callback = o->callback;
	/* a remote host sees none of this machine's files, unless told */
	cfg->volumes = o->callback != NULL && !o->shared_storage;
	cfg->console_limit = o->console_limit ? o->console_limit :
	    16u * 1024 * 1024;
	if (o->snapshot) {
		if (rs->kdump)
			return error("--snapshot and --dump kdump do not go "
			    "together");
		if (snapshot_prepare(rs->vm_ops, cfg, &rs->snap_ram,
		    &rs->snap_state) != 0)
			return -1;
		cfg->mem_file = rs->snap_ram;
		cfg->mem_shared = 0;
		cfg->incoming = rs->snap_state;
		r->restored = 1;
	}
	return 0;
}

/* A restored agent waits for fresh randomness and the time: send them. */
static void
run_resume_agent(struct run_state *rs)
{
	unsigned char seed[32];
	struct timespec now;

	if (getrandom(seed, sizeof(seed), 0) != sizeof(seed)) {
		for (size_t i = 0; i < sizeof(seed); i++)
			seed[i] = (unsigned char)(rs->res->seed >>
			    (8 * (i % 8)) ^ i);
	}
	clock_gettime(CLOCK_REALTIME, &now);
	if (agent_send_resume(&rs->agent, seed, sizeof(seed),
	    (long long)now.tv_sec * 1000000000LL + now.tv_nsec) != 0)
		run_send_failed(rs, "cannot resume the agent");
}

/* Start the VM and the agent channel, then turn the loop to the end. */
static void
run_boot(struct run_state *rs, const struct vm_config *cfg,
    const char *release)
{
	const struct run_opts *o = rs->opts;
	struct run_record *r = rs->res;

	rs->vm = vm_new(rs->vm_ops, cfg);
	if (vm_start(rs->vm) != 0) {
		if (rs->vm->host_lost)
			run_finish(rs, RUN_ERROR, "the VM did not start: "
			    "cannot reach or lost the VM host '%s'", o->connect ?
			    o->connect : "local");
		else
			run_finish(rs, RUN_ERROR, "the VM did not start");
		return;
	}
	/* the backend chose the accelerator as it started */
	r->accel = xstrdup(rs->vm->accel);
	if (o->progress != NULL)
		fprintf(stderr, "racerig: run %s: booting %s (%d vCPUs, %s)\n",
		    r->id, release, r->smp, r->accel);
	rs->t0 = rs->vm->t_start;
	if (agent_init(&rs->agent, rs->vm->agent_fd) == 0)
		rs->agent_ok = 1;
	else
		run_finish(rs, RUN_ERROR, "cannot set up the agent");
	if (rs->agent_ok && r->restored)
		run_resume_agent(rs);	/* then it says HELLO */
	run_loop(rs);
}

/*
 * After the loop: capture a crashed or hung guest, end background steps,
 * take the totals, let the VM go and classify the crash.
 */
static void
run_teardown(struct run_state *rs)
{
	struct run_record *r = rs->res;

	if (rs->crash_at != 0)
		r->crash_s = rs->crash_at - rs->t0;
	if (r->outcome == RUN_CRASHED || r->outcome == RUN_HUNG ||
	    r->outcome == RUN_BOOT_FAILED) {
		if (rs->vm->state != VM_EXITED || rs->kdump)
			run_capture(rs);
	}
	/* end background steps politely; the VM goes away next anyway */
	for (size_t i = 0; rs->agent_ok && !rs->agent.stalled &&
	    !rs->vm->host_lost && i < rs->nbg; i++)
		(void)agent_kill(&rs->agent, rs->bg_ids[i]);
	r->total_s = now_mono() - (rs->t0 ? rs->t0 : now_mono());
	r->console_bytes = rs->vm->console.total;
	r->console_logged = rs->vm->console.logged;
	r->console_dropped = rs->vm->console.dropped;
	r->host_lost = r->outcome == RUN_ERROR && rs->vm->host_lost;
	memcpy(r->transfers, rs->vm->transfers, sizeof(r->transfers));
	r->ntransfers = rs->vm->ntransfers;
	vm_free(rs->vm);
	rs->vm = NULL;
	run_classify(r, &(struct run_programs){ rs->sc, rs->initrd });
}

static void
run_state_release(struct run_state *rs)
{
	if (rs->agent_ok || rs->agent.priv != NULL)
		agent_release(&rs->agent);
	if (rs->steps_fd >= 0)
		close(rs->steps_fd);
	if (rs->metrics_fd >= 0)
		close(rs->metrics_fd);
	if (rs->kdump_disk != NULL) {
		unlink(rs->kdump_disk);	/* the vmcore was copied out */
		free(rs->kdump_disk);
	}
	free(rs->initrd);
	free(rs->snap_ram);
	free(rs->snap_state);
	json_decref(rs->steps_json);
	json_decref(rs->metrics_first);
	json_decref(rs->metrics_last);
	free(rs->bg_ids);
}

/*
 * Carry out the run p plans, as o says, and fill *r.  Returns 0 when the
 * run was carried out and recorded (whatever the kernel did), -1
 * (reported) when it could not be: no backend, no image, no VM; *r then
 * holds nothing to release.
 */
int
run_planned(const struct run_opts *o, const struct run_plan *p,
    struct run_record *r)
{
	struct run_state rs;
	struct image img;
	struct vm_config cfg;
	int rc = -1;

	memset(r, 0, sizeof(*r));
	memset(&rs, 0, sizeof(rs));
	memset(&img, 0, sizeof(img));
	rs.steps_fd = rs.metrics_fd = -1;
	rs.opts = o;
	rs.res = r;
	rs.plan = p;
	rs.sc = &p->sc;
	rs.vals = &p->vals;
	rs.steps_json = json_array();
	rs.vm_ops = vm_backend(o->backend);
	if (rs.vm_ops == NULL || image_open(o->image, &img) != 0)
		goto out;
	r->smp = p->smp;
	r->mem_mb = p->mem_mb;
	r->seed = p->seed;
	if (run_prepare_dir(&rs) != 0)
		goto out;
	r->image = xstrdup(img.dir);
	snprintf(r->image_release, sizeof(r->image_release), "%s",
	    img.release);
	r->cmdline = run_cmdline(o, rs.sc, img.cmdline);
	r->started_at = now_wall();
	if (run_prepare_vm(&rs, &img, &cfg) != 0)
		goto out;
	run_boot(&rs, &cfg, img.release);
	run_teardown(&rs);
	run_record_finish(&rs);
	rc = 0;
out:
	run_state_release(&rs);
	image_release(&img);
	if (rc != 0)
		run_record_release(r);	/* callers release only results */
	return rc;
}

/* Plan and carry out one run: run_plan_make(), then run_planned(). */
int
run_scenario(const struct run_opts *o, struct run_record *r)
{
	struct run_plan p;
	int rc;

	memset(r, 0, sizeof(*r));
	if (run_plan_make(o, &p) != 0)
		return -1;
	rc = run_planned(o, &p, r);
	run_plan_release(&p);
	return rc;
}
