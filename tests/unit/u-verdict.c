/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Unit tests for a run's verdict (run.c's event loop, timers and
 * run_kernel_verdict) without QEMU: the scripted backend (vm-fake.h)
 * plays the VM and this file plays the guest's agent on the other end of
 * the channel, with real protocol frames (guest/agent/proto.h).  Each
 * case drives one outcome: ok, crashed, hung (hang marker; heartbeats
 * stop; stalled send), boot-failed, lost (agent end-of-file before or
 * after the process exit, or with a process that vanished), error with
 * host_lost, failed and workload-failed.
 *
 * run_scenario needs a scenario and an image but the fake boots nothing:
 * setup writes scenarios and an image of empty vmlinuz and initramfs
 * files (with a manifest) into a temporary directory, which is also the
 * cache and the runs' parent.
 */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "util.h"
#include "vm.h"
#include "vm-fake.h"
#include "run.h"
#include "proto.h"

static char tmp_dir[] = "/tmp/u-verdict-XXXXXX";

/* What one run ended as, and what it found beside. */
struct verdict {
	enum run_outcome outcome;
	char		 reason[512];
	int		 host_lost;
	char		 title[256];	/* the crash's; "" if none */
	size_t		 nfindings;
	char		 finding[256];	/* the first finding's title */
	unsigned long	 findings_total;
	unsigned long	 findings_dropped;
	long long	 json_bytes;	/* run.json's size */
};

/*
 * The one place that calls the run API: run scenario (a directory in
 * tmp_dir) on the fake backend playing script, and say how it ended.
 * Timeouts are short so that the timers, not the test's patience,
 * decide; dumps are off (the fake has none).
 */
static void
verdict_run(const char *scenario, const struct vm_fake_script *script,
    long boot_timeout_s, long heartbeat_timeout_s, struct verdict *v)
{
	struct run_opts o;
	struct run_record r;
	char *sc = xasprintf("%s/%s", tmp_dir, scenario);
	char *img = xasprintf("%s/image", tmp_dir);
	char *out = xasprintf("%s/runs", tmp_dir);

	run_opts_init(&o);
	o.scenario = sc;
	o.image = img;
	o.backend = "fake";
	o.out_dir = out;
	o.dump = "none";
	o.seed = 1;
	o.seed_set = 1;
	o.boot_timeout_s = boot_timeout_s;
	o.heartbeat_timeout_s = heartbeat_timeout_s;
	vm_fake_play(script);
	assert_int_equal(run_scenario(&o, &r), 0);
	v->outcome = r.outcome;
	snprintf(v->reason, sizeof(v->reason), "%s", r.reason);
	v->host_lost = r.host_lost;
	{
		struct run_crash crash;
		char *path = xasprintf("%s/run.json", r.dir);
		struct stat st;

		v->title[0] = '\0';
		if (run_record_crash(&r, &crash)) {
			snprintf(v->title, sizeof(v->title), "%s", crash.title);
			run_crash_release(&crash);
		}
		v->nfindings = r.nfindings;
		snprintf(v->finding, sizeof(v->finding), "%s",
		    r.nfindings > 0 ? r.findings[0].title : "");
		v->findings_total = r.findings_total;
		v->findings_dropped = r.findings_dropped;
		v->json_bytes = stat(path, &st) == 0 ? (long long)st.st_size :
		    -1;
		free(path);
	}
	print_message("# %s: %s: %s\n", scenario,
	    run_outcome_name(r.outcome), r.reason);
	run_record_release(&r);
	free(sc);
	free(img);
	free(out);
}

/*
 * The guest's agent as the test plays it: HELLO at once (unless
 * no_hello), heartbeats every 100 ms until hb_until_s, and an EXIT with
 * exit_status for every EXEC it reads (unless no_exit).
 */
struct guest {
	int		 no_hello;
	int		 no_exit;
	int		 exit_status;
	double		 exit_at_s;	/* the EXIT waits until then */
	double		 hb_until_s;
	long long	 pending;	/* an EXEC's id waiting for exit_at_s */
	int		 hello_sent;
	double		 last_hb;
	long		 seq;
	struct proto_reader rd;
};

static void
guest_send(int fd, unsigned type, const char *fmt, ...)
{
	unsigned char frame[PROTO_HDR_SIZE + 512];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf((char *)frame + PROTO_HDR_SIZE, 512, fmt, ap);
	va_end(ap);
	assert_true(n > 0 && n < 512);
	proto_hdr_encode(frame, type, (uint32_t)n);
	/* small frames into a socket the host drains: they fit */
	assert_int_equal(write(fd, frame, PROTO_HDR_SIZE + (size_t)n),
	    PROTO_HDR_SIZE + n);
}

static void
guest_agent(int fd, int reading, double t, void *arg)
{
	struct guest *g = arg;
	unsigned char chunk[65536];
	struct proto_hdr hdr;
	const unsigned char *payload;
	ssize_t n;

	if (!g->no_hello && !g->hello_sent) {
		guest_send(fd, PROTO_HELLO, "{\"proto\":%d,\"release\":"
		    "\"6.1.0-fake\",\"ncpus\":1}", PROTO_VERSION);
		g->hello_sent = 1;
	}
	if (g->hello_sent && t < g->hb_until_s && t - g->last_hb >= 0.1) {
		guest_send(fd, PROTO_HEARTBEAT, "{\"seq\":%ld,\"uptime_ms\":"
		    "%ld}", ++g->seq, (long)(t * 1000));
		g->last_hb = t;
	}
	if (g->pending != 0 && t >= g->exit_at_s) {
		guest_send(fd, PROTO_EXIT, "{\"id\":%lld,\"status\":%d,"
		    "\"signal\":0,\"timed_out\":false,\"duration_ms\":1}",
		    g->pending, g->exit_status);
		g->pending = 0;
	}
	while (reading && (n = read(fd, chunk, sizeof(chunk))) > 0) {
		for (size_t off = 0; off < (size_t)n;) {
			long took = proto_reader_feed(&g->rd, chunk + off,
			    (size_t)n - off);

			assert_true(took >= 0);
			off += (size_t)took;
			while (proto_reader_next(&g->rd, &hdr, &payload) == 1) {
				json_t *o = json_loadb((const char *)payload,
				    hdr.length, 0, NULL);

				if (hdr.type == PROTO_EXEC && !g->no_exit &&
				    t < g->exit_at_s)
					g->pending = json_integer_value(
					    json_object_get(o, "id"));
				else if (hdr.type == PROTO_EXEC && !g->no_exit)
					guest_send(fd, PROTO_EXIT, "{\"id\":%lld,"
					    "\"status\":%d,\"signal\":0,"
					    "\"timed_out\":false,"
					    "\"duration_ms\":1}",
					    (long long)json_integer_value(
					    json_object_get(o, "id")),
					    g->exit_status);
				json_decref(o);
				proto_reader_consume(&g->rd);
			}
		}
	}
}

/* Run scenario with the agent g and the VM steps; the verdict in v. */
static void
verdict_play(const char *scenario, struct guest *g,
    const struct vm_fake_step *steps, long boot_timeout_s,
    long heartbeat_timeout_s, struct verdict *v)
{
	struct vm_fake_script script = { steps, guest_agent, g };

	assert_int_equal(proto_reader_init(&g->rd), 0);
	verdict_run(scenario, &script, boot_timeout_s, heartbeat_timeout_s,
	    v);
	proto_reader_release(&g->rd);
}

static void
write_text(const char *dir, const char *name, const char *text)
{
	char *path = xasprintf("%s/%s", dir, name);

	assert_int_equal(mkdir_p(dir, 0755), 0);
	assert_int_equal(write_file_atomic(path, text, strlen(text)), 0);
	free(path);
}

/* A scenario named name in tmp_dir with the given JSON steps (and params). */
static void
write_scenario(const char *name, const char *params, const char *steps)
{
	char *dir = xasprintf("%s/%s", tmp_dir, name);
	char *text = xasprintf("{ \"name\": \"%s\", \"description\": \"u-verdict\","
	    " \"bug_class\": null, \"expect\": \"ok\", \"vm\": { \"smp\": 1,"
	    " \"mem_mb\": 256, \"cmdline\": [] }, \"image\": { \"modules\": [],"
	    " \"guest_modules\": [], \"binaries\": [] }, \"params\": { %s },"
	    " \"duration_s\": 5, \"steps\": [ %s ] }\n", name, params, steps);

	write_text(dir, "scenario.json", text);
	free(text);
	free(dir);
}

static int
setup(void **state)
{
	struct buf steps = BUF_INIT, pad = BUF_INIT, params = BUF_INIT;
	char *img;

	(void)state;
	if (mkdtemp(tmp_dir) == NULL)
		return -1;
	setenv("RACERIG_CACHE", tmp_dir, 1);
	unsetenv("RACERIG_ACCEL");
	vm_backend_register(&vm_fake_ops);
	img = xasprintf("%s/image", tmp_dir);
	write_text(img, "manifest.json", "{\"kernel_release\":\"6.1.0-fake\"}");
	write_text(img, "vmlinuz", "");
	write_text(img, "initramfs.cpio", "");
	free(img);
	write_scenario("fake-ok", "", "{ \"argv\": [\"/bin/true\"], "
	    "\"timeout_s\": 10 }");
	write_scenario("fake-fail", "", "{ \"argv\": [\"/bin/false\"], "
	    "\"timeout_s\": 10 }");
	write_scenario("fake-long", "", "{ \"argv\": [\"/bin/true\"], "
	    "\"timeout_s\": 30 }");
	write_scenario("fake-workload", "", "{ \"argv\": [\"stress-ng\"], "
	    "\"workload\": true, \"timeout_s\": 10 }");
	/*
	 * As scenarios/agent-stall: 25 background steps of 128 KiB each,
	 * far more than the channel's socket buffers hold.
	 */
	for (int i = 0; i < 4096; i++)
		buf_addstr(&pad, "x");
	buf_addf(&params, "\"pad\": { \"type\": \"choice\", \"default\": "
	    "\"%s\", \"values\": [\"%s\"] }", pad.data, pad.data);
	for (int i = 0; i < 25; i++) {
		buf_addstr(&steps, "{ \"argv\": [\"/bin/true\", \"");
		for (int k = 0; k < 32; k++)
			buf_addstr(&steps, "${pad}");
		buf_addstr(&steps, "\"], \"background\": true, "
		    "\"timeout_s\": 10 }, ");
	}
	buf_addstr(&steps, "{ \"argv\": [\"/bin/true\"], \"timeout_s\": 10 }");
	write_scenario("fake-stall", params.data, steps.data);
	buf_release(&steps);
	buf_release(&pad);
	buf_release(&params);
	return 0;
}

static int
teardown(void **state)
{
	char *argv[] = { "rm", "-rf", tmp_dir, NULL };

	(void)state;
	return run_command(argv, NULL, NULL, NULL, 60, NULL, 0);
}

#define STEPS(...) ((const struct vm_fake_step[]){ __VA_ARGS__, \
	{ 0, VM_FAKE_END, NULL } })
#define NO_STEPS ((const struct vm_fake_step[]){ { 0, VM_FAKE_END, NULL } })

/*
 * One verdict to drive: the scenario, how the guest's agent behaves, what
 * the VM does when, the run's timeouts, and the outcome and a piece of
 * the reason it must end with.
 */
struct verdict_case {
	const char		*name;
	const char		*scenario;
	struct guest		 guest;
	const struct vm_fake_step *steps;
	long			 boot_timeout_s;
	long			 heartbeat_timeout_s;
	enum run_outcome	 outcome;
	const char		*reason;
	int			 host_lost;
	/* when set: a piece of the crash's title ("" none), the findings */
	const char		*title;
	const char		*finding;	/* in the first one's title */
	size_t			 nfindings;
};

/* A KCSAN report and a WARNING as 6.1 prints them: findings. */
#define KCSAN_REPORT \
	"[   12.100000] ==========================================" \
	"========================\n" \
	"[   12.100001] BUG: KCSAN: data-race in pipe_poll / pipe_write\n" \
	"[   12.100002] \n" \
	"[   12.100003] write to 0xffff888004f2a0c8 of 4 bytes by task 210 " \
	"on cpu 1:\n" \
	"[   12.100004]  pipe_write+0x2f4/0x9a0\n" \
	"[   12.100005]  vfs_write+0x3c5/0x5d0\n" \
	"[   12.100006]  ksys_write+0x9a/0x140\n" \
	"[   12.100007]  do_syscall_64+0x3b/0x90\n" \
	"[   12.100008]  entry_SYSCALL_64_after_hwframe+0x63/0xcd\n" \
	"[   12.100009] \n" \
	"[   12.100010] read to 0xffff888004f2a0c8 of 4 bytes by task 211 " \
	"on cpu 0:\n" \
	"[   12.100011]  pipe_poll+0xd5/0x230\n" \
	"[   12.100012]  do_sys_poll+0x2e8/0x6d0\n" \
	"[   12.100013]  __x64_sys_poll+0x6d/0x1e0\n" \
	"[   12.100014]  do_syscall_64+0x3b/0x90\n" \
	"[   12.100015]  entry_SYSCALL_64_after_hwframe+0x63/0xcd\n" \
	"[   12.100016] \n" \
	"[   12.100017] value changed: 0x00000001 -> 0x00000002\n" \
	"[   12.100018] \n" \
	"[   12.100019] Reported by Kernel Concurrency Sanitizer on:\n" \
	"[   12.100020] CPU: 0 PID: 211 Comm: stress-ng Not tainted " \
	"6.1.192 #1\n" \
	"[   12.100021] ==========================================" \
	"========================\n"
#define WARNING_REPORT \
	"[   13.200000] ------------[ cut here ]------------\n" \
	"[   13.200001] WARNING: CPU: 1 PID: 77 at net/core/dev.c:1234 " \
	"dev_watchdog+0x12/0x40\n" \
	"[   13.200002] Modules linked in:\n" \
	"[   13.200003] CPU: 1 PID: 77 Comm: kworker/1:1 Not tainted 6.1.0 #1\n" \
	"[   13.200004] RIP: 0010:dev_watchdog+0x12/0x40\n" \
	"[   13.200005] Call Trace:\n" \
	"[   13.200006]  <TASK>\n" \
	"[   13.200007]  call_timer_fn+0x22/0x120\n" \
	"[   13.200008]  run_timer_softirq+0x1c1/0x4a0\n" \
	"[   13.200009]  </TASK>\n" \
	"[   13.200010] ---[ end trace 0000000000000000 ]---\n"
#define OOPS_REPORT \
	"[   14.300000] BUG: kernel NULL pointer dereference, address: " \
	"0000000000000008\n" \
	"[   14.300001] #PF: supervisor read access in kernel mode\n" \
	"[   14.300002] Oops: 0000 [#1] PREEMPT SMP NOPTI\n" \
	"[   14.300003] CPU: 0 PID: 5 Comm: kworker/0:0 Not tainted 6.1.0 #1\n" \
	"[   14.300004] RIP: 0010:nf_ct_deliver_cached_events+0x2c/0x130\n" \
	"[   14.300005] Call Trace:\n" \
	"[   14.300006]  <IRQ>\n" \
	"[   14.300007]  nf_conntrack_confirm+0x55/0x70\n" \
	"[   14.300008]  nf_reinject+0x1b6/0x200\n" \
	"[   14.300009]  </IRQ>\n" \
	"[   14.300010] Kernel panic - not syncing: Fatal exception in " \
	"interrupt\n"

#define ALWAYS	1e9		/* heartbeats never stop */

static const struct verdict_case cases[] = {
	/* the agent says HELLO, the step exits 0 */
	{ "ok",
	    "fake-ok", { .hb_until_s = ALWAYS }, NO_STEPS, 5, 5,
	    RUN_OK, "all 1 steps finished as expected", 0, NULL, NULL, 0 },
	/* an oops on the console, then the panic event: naming the oops */
	{ "crashed: oops then panic",
	    "fake-ok", { .no_exit = 1, .hb_until_s = ALWAYS }, STEPS(
	    { 300, VM_FAKE_CONSOLE, "BUG: kernel NULL pointer dereference, "
	    "address: 0000000000000000\n" },
	    { 400, VM_FAKE_CONSOLE, "Kernel panic - not syncing: Fatal "
	    "exception\n" },
	    { 450, VM_FAKE_PANIC, NULL }), 5, 5,
	    RUN_CRASHED, "guest panicked: BUG: kernel NULL pointer", 0, NULL, NULL, 0 },
	/* a hung task before the panic it led to: hung, not crashed */
	{ "hung: hung task then panic",
	    "fake-ok", { .no_exit = 1, .hb_until_s = ALWAYS }, STEPS(
	    { 300, VM_FAKE_CONSOLE, "INFO: task sh:1 blocked for more than "
	    "122 seconds.\n" },
	    { 400, VM_FAKE_CONSOLE, "Kernel panic - not syncing: hung_task: "
	    "blocked tasks\n" },
	    { 450, VM_FAKE_PANIC, NULL }), 5, 5,
	    RUN_HUNG, "guest panicked after: INFO: task sh:1 blocked", 0, NULL, NULL, 0 },
	/* heartbeats stop while a step runs */
	{ "hung: heartbeats stop",
	    "fake-ok", { .no_exit = 1, .hb_until_s = 0.3 }, NO_STEPS, 5, 1,
	    RUN_HUNG, "no heartbeat from the agent for 1 s", 0, NULL, NULL, 0 },
	/*
	 * The guest stops reading while the host has steps to send; the
	 * heartbeat timeout is longer than the send's 10 s deadline.
	 */
	{ "hung: the guest stops reading",
	    "fake-stall", { .no_exit = 1, .hb_until_s = ALWAYS }, STEPS(
	    { 0, VM_FAKE_STOP_READING, NULL }), 5, 30,
	    RUN_HUNG, "the guest stopped reading its agent channel: sending "
	    "the exec frame stalled", 0, NULL, NULL, 0 },
	/* the agent never says HELLO */
	{ "boot-failed: no HELLO",
	    "fake-ok", { .no_hello = 1 }, NO_STEPS, 1, 5,
	    RUN_BOOT_FAILED, "the agent was not ready within 1 s", 0, NULL, NULL, 0 },
	/* the agent channel closes, then the process exits */
	{ "lost: agent EOF, then exit",
	    "fake-ok", { .no_exit = 1, .hb_until_s = ALWAYS }, STEPS(
	    { 300, VM_FAKE_AGENT_EOF, NULL },
	    { 500, VM_FAKE_EXIT, "QEMU killed by signal 9" }), 5, 5,
	    RUN_LOST, "QEMU killed by signal 9", 0, NULL, NULL, 0 },
	/* the process exits, its channel closing with it */
	{ "lost: exit with agent EOF",
	    "fake-ok", { .no_exit = 1, .hb_until_s = ALWAYS }, STEPS(
	    { 300, VM_FAKE_EXIT, "QEMU exited with status 1" }), 5, 5,
	    RUN_LOST, "QEMU exited with status 1", 0, NULL, NULL, 0 },
	/*
	 * The channel closes because the process died, before that death is
	 * an event: run.c asks alive() after the settle time, and the run is
	 * lost, not the guest's broken channel.
	 */
	{ "lost: process vanished, agent EOF",
	    "fake-ok", { .no_exit = 1, .hb_until_s = ALWAYS }, STEPS(
	    { 300, VM_FAKE_VANISH, "QEMU killed by signal 9" }), 5, 5,
	    RUN_LOST, "QEMU killed by signal 9 (the agent channel closed with "
	    "it)", 0, NULL, NULL, 0 },
	/* the channel closes while the VM lives: the guest's fault */
	{ "failed: channel broke, VM alive",
	    "fake-ok", { .no_exit = 1, .hb_until_s = ALWAYS }, STEPS(
	    { 300, VM_FAKE_AGENT_EOF, NULL }), 5, 5,
	    RUN_FAILED, "agent channel broken", 0, NULL, NULL, 0 },
	/* the VM host or its daemon goes away: no kernel verdict */
	{ "error: host lost",
	    "fake-ok", { .no_exit = 1, .hb_until_s = ALWAYS }, STEPS(
	    { 300, VM_FAKE_HOST_LOST, NULL }), 5, 5,
	    RUN_ERROR, "lost the VM host", 1, NULL, NULL, 0 },
	/*
	 * reports the kernel goes on from: the run is ok, and they are its
	 * findings, the same WARNING twice in one bucket
	 */
	{ "ok: findings beside the outcome",
	    "fake-ok", { .exit_at_s = 1.0, .hb_until_s = ALWAYS }, STEPS(
	    { 200, VM_FAKE_CONSOLE, KCSAN_REPORT },
	    { 300, VM_FAKE_CONSOLE, WARNING_REPORT },
	    { 400, VM_FAKE_CONSOLE, WARNING_REPORT }), 5, 5,
	    RUN_OK, "all 1 steps finished as expected", 0,
	    "", "KCSAN: data-race in pipe_poll / pipe_write", 2 },
	/*
	 * a soft lockup the guest recovers from is no hang, however long
	 * the run goes on after it (past the 10 s a crash settles in)
	 */
	{ "ok: a soft lockup is a finding",
	    "fake-long", { .exit_at_s = 11.0, .hb_until_s = ALWAYS }, STEPS(
	    { 200, VM_FAKE_CONSOLE, "[   22.000000] watchdog: BUG: soft "
	    "lockup - CPU#0 stuck for 22s! [sh:1]\n[   22.000001] Modules "
	    "linked in:\n[   22.000001] CPU: 0 PID: 1 Comm: sh Not tainted "
	    "6.1.0 #1\n[   22.000001] RIP: 0010:rcu_peer_spin+0x10/0x20\n[   22.000002] Call Trace:\n"
	    "[   22.000003]  <TASK>\n[   22.000004]  "
	    "rcu_peer_update+0x40/0x90\n[   22.000005]  </TASK>\n" }), 5, 5,
	    RUN_OK, "all 1 steps finished as expected", 0,
	    "", "BUG: soft lockup in ", 1 },
	/* after a finding, the oops is the crash: not the finding */
	{ "crashed: the oops after a finding",
	    "fake-ok", { .no_exit = 1, .hb_until_s = ALWAYS }, STEPS(
	    { 200, VM_FAKE_CONSOLE, KCSAN_REPORT },
	    { 300, VM_FAKE_CONSOLE, OOPS_REPORT },
	    { 350, VM_FAKE_PANIC, NULL }), 5, 5,
	    RUN_CRASHED, "guest panicked: [   14.300000] BUG: kernel NULL", 0,
	    "nf_ct_deliver_cached_events",
	    "KCSAN: data-race in pipe_poll / pipe_write", 1 },
	/* a step exits 1 where 0 was expected */
	{ "failed: step status",
	    "fake-fail", { .exit_status = 1, .hb_until_s = ALWAYS }, NO_STEPS,
	    5, 5, RUN_FAILED, "step 1 (/bin/false) exited with an unexpected "
	    "status (status 1)", 0, NULL, NULL, 0 },
	/* the same from a step marked workload */
	{ "workload-failed: workload step status",
	    "fake-workload", { .exit_status = 1, .hb_until_s = ALWAYS },
	    NO_STEPS, 5, 5, RUN_WORKLOAD_FAILED, "step 1 (stress-ng) exited "
	    "with an unexpected status (status 1)", 0, NULL, NULL, 0 },
};

static void
test_verdict(void **state)
{
	const struct verdict_case *c = *state;
	struct guest g = c->guest;
	struct verdict v;

	verdict_play(c->scenario, &g, c->steps, c->boot_timeout_s,
	    c->heartbeat_timeout_s, &v);
	assert_string_equal(run_outcome_name(v.outcome),
	    run_outcome_name(c->outcome));
	assert_non_null(strstr(v.reason, c->reason));
	assert_int_equal(v.host_lost, c->host_lost);
	if (c->title != NULL && c->title[0] == '\0')
		assert_string_equal(v.title, "");
	else if (c->title != NULL)
		assert_non_null(strstr(v.title, c->title));
	if (c->finding != NULL) {
		assert_non_null(strstr(v.finding, c->finding));
		assert_int_equal(v.nfindings, c->nfindings);
	}
}

/*
 * A guest that prints reports without end: the record keeps
 * RUN_FINDINGS_MAX buckets of bounded text and counts the rest, and
 * run.json stays small however many there were.
 */
static void
test_findings_flood(void **state)
{
	enum { N = 3000 };
	struct buf flood = BUF_INIT;
	struct guest g = { .exit_at_s = 1.5, .hb_until_s = ALWAYS };
	struct vm_fake_step steps[3];
	struct verdict v;

	(void)state;
	for (int i = 0; i < N; i++) {
		buf_addf(&flood, "[%5d.000000] BUG: KCSAN: data-race in "
		    "reader_%d / writer_%d\n\nwrite to 0xffff888004f2a0c8 of "
		    "8 bytes by task 1 on cpu 1:\n writer_%d+0x1/0x2\n"
		    " do_syscall_64+0x3b/0x90\n\nread to 0xffff888004f2a0c8 "
		    "of 8 bytes by task 2 on cpu 0:\n reader_%d+0x1/0x2\n"
		    " do_syscall_64+0x3b/0x90\n\nReported by Kernel "
		    "Concurrency Sanitizer on:\n============================="
		    "=====\n", i, i, i, i, i);
		/* one line of a report as long as the console takes */
		if (i == 7) {
			buf_addstr(&flood, "[    7.5] WARNING: CPU: 0 PID: 1 at "
			    "a.c:1 huge+0x1/0x2\nRIP: 0010:huge+0x1/0x2\n"
			    "Call Trace:\n");
			for (int k = 0; k < 2000; k++)
				buf_addstr(&flood, " huge_frame+0x1/0x2\n");
			buf_addstr(&flood, "---[ end trace 0 ]---\n");
		}
	}
	steps[0] = (struct vm_fake_step){ 200, VM_FAKE_CONSOLE, flood.data };
	steps[1] = (struct vm_fake_step){ 0, VM_FAKE_END, NULL };
	verdict_play("fake-ok", &g, steps, 5, 5, &v);
	assert_int_equal(v.outcome, RUN_OK);
	assert_int_equal(v.nfindings, RUN_FINDINGS_MAX);
	assert_int_equal(v.findings_total, N + 1);
	assert_int_equal(v.findings_dropped, N + 1 - RUN_FINDINGS_MAX);
	assert_string_equal(v.finding, "KCSAN: data-race in reader_0 / "
	    "writer_0");
	/* 64 texts of at most RUN_FINDING_TEXT bytes, and the rest */
	assert_true(v.json_bytes > 0 && v.json_bytes < RUN_FINDINGS_MAX *
	    (RUN_FINDING_TEXT + 1024) + 65536);
	buf_release(&flood);
}

/* Every outcome of the verdict logic is one of the cases. */
static void
test_every_outcome(void **state)
{
	(void)state;
	for (int o = RUN_OK; o <= RUN_WORKLOAD_FAILED; o++) {
		int found = 0;

		for (size_t i = 0; i < ARRAY_SIZE(cases); i++)
			found |= cases[i].outcome == (enum run_outcome)o;
		if (!found)
			fail_msg("no case ends %s", run_outcome_name(o));
	}
}

int
main(void)
{
	static struct CMUnitTest tests[ARRAY_SIZE(cases) + 2];

	tests[0] = (struct CMUnitTest)cmocka_unit_test(test_every_outcome);
	tests[ARRAY_SIZE(cases) + 1] =
	    (struct CMUnitTest)cmocka_unit_test(test_findings_flood);
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		tests[i + 1] = (struct CMUnitTest)cmocka_unit_test_prestate(
		    test_verdict, (void *)&cases[i]);
		tests[i + 1].name = cases[i].name;
	}
	return _cmocka_run_group_tests("u-verdict", tests, ARRAY_SIZE(tests),
	    setup, teardown);
}
