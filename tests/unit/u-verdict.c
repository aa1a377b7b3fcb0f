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

/* What one run ended as. */
struct verdict {
	enum run_outcome outcome;
	char		 reason[512];
	int		 host_lost;
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
	double		 hb_until_s;
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
	while (reading && (n = read(fd, chunk, sizeof(chunk))) > 0) {
		for (size_t off = 0; off < (size_t)n;) {
			long took = proto_reader_feed(&g->rd, chunk + off,
			    (size_t)n - off);

			assert_true(took >= 0);
			off += (size_t)took;
			while (proto_reader_next(&g->rd, &hdr, &payload) == 1) {
				json_t *o = json_loadb((const char *)payload,
				    hdr.length, 0, NULL);

				if (hdr.type == PROTO_EXEC && !g->no_exit)
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
};

#define ALWAYS	1e9		/* heartbeats never stop */

static const struct verdict_case cases[] = {
	/* the agent says HELLO, the step exits 0 */
	{ "ok",
	    "fake-ok", { .hb_until_s = ALWAYS }, NO_STEPS, 5, 5,
	    RUN_OK, "all 1 steps finished as expected", 0 },
	/* an oops on the console, then the panic event: naming the oops */
	{ "crashed: oops then panic",
	    "fake-ok", { .no_exit = 1, .hb_until_s = ALWAYS }, STEPS(
	    { 300, VM_FAKE_CONSOLE, "BUG: kernel NULL pointer dereference, "
	    "address: 0000000000000000\n" },
	    { 400, VM_FAKE_CONSOLE, "Kernel panic - not syncing: Fatal "
	    "exception\n" },
	    { 450, VM_FAKE_PANIC, NULL }), 5, 5,
	    RUN_CRASHED, "guest panicked: BUG: kernel NULL pointer", 0 },
	/* a hung task before the panic it led to: hung, not crashed */
	{ "hung: hung task then panic",
	    "fake-ok", { .no_exit = 1, .hb_until_s = ALWAYS }, STEPS(
	    { 300, VM_FAKE_CONSOLE, "INFO: task sh:1 blocked for more than "
	    "122 seconds.\n" },
	    { 400, VM_FAKE_CONSOLE, "Kernel panic - not syncing: hung_task: "
	    "blocked tasks\n" },
	    { 450, VM_FAKE_PANIC, NULL }), 5, 5,
	    RUN_HUNG, "guest panicked after: INFO: task sh:1 blocked", 0 },
	/* heartbeats stop while a step runs */
	{ "hung: heartbeats stop",
	    "fake-ok", { .no_exit = 1, .hb_until_s = 0.3 }, NO_STEPS, 5, 1,
	    RUN_HUNG, "no heartbeat from the agent for 1 s", 0 },
	/*
	 * The guest stops reading while the host has steps to send; the
	 * heartbeat timeout is longer than the send's 10 s deadline.
	 */
	{ "hung: the guest stops reading",
	    "fake-stall", { .no_exit = 1, .hb_until_s = ALWAYS }, STEPS(
	    { 0, VM_FAKE_STOP_READING, NULL }), 5, 30,
	    RUN_HUNG, "the guest stopped reading its agent channel: sending "
	    "the exec frame stalled", 0 },
	/* the agent never says HELLO */
	{ "boot-failed: no HELLO",
	    "fake-ok", { .no_hello = 1 }, NO_STEPS, 1, 5,
	    RUN_BOOT_FAILED, "the agent was not ready within 1 s", 0 },
	/* the agent channel closes, then the process exits */
	{ "lost: agent EOF, then exit",
	    "fake-ok", { .no_exit = 1, .hb_until_s = ALWAYS }, STEPS(
	    { 300, VM_FAKE_AGENT_EOF, NULL },
	    { 500, VM_FAKE_EXIT, "QEMU killed by signal 9" }), 5, 5,
	    RUN_LOST, "QEMU killed by signal 9", 0 },
	/* the process exits, its channel closing with it */
	{ "lost: exit with agent EOF",
	    "fake-ok", { .no_exit = 1, .hb_until_s = ALWAYS }, STEPS(
	    { 300, VM_FAKE_EXIT, "QEMU exited with status 1" }), 5, 5,
	    RUN_LOST, "QEMU exited with status 1", 0 },
	/*
	 * The channel closes because the process died, before that death is
	 * an event: run.c asks alive() after the settle time, and the run is
	 * lost, not the guest's broken channel.
	 */
	{ "lost: process vanished, agent EOF",
	    "fake-ok", { .no_exit = 1, .hb_until_s = ALWAYS }, STEPS(
	    { 300, VM_FAKE_VANISH, "QEMU killed by signal 9" }), 5, 5,
	    RUN_LOST, "QEMU killed by signal 9 (the agent channel closed with "
	    "it)", 0 },
	/* the channel closes while the VM lives: the guest's fault */
	{ "failed: channel broke, VM alive",
	    "fake-ok", { .no_exit = 1, .hb_until_s = ALWAYS }, STEPS(
	    { 300, VM_FAKE_AGENT_EOF, NULL }), 5, 5,
	    RUN_FAILED, "agent channel broken", 0 },
	/* the VM host or its daemon goes away: no kernel verdict */
	{ "error: host lost",
	    "fake-ok", { .no_exit = 1, .hb_until_s = ALWAYS }, STEPS(
	    { 300, VM_FAKE_HOST_LOST, NULL }), 5, 5,
	    RUN_ERROR, "lost the VM host", 1 },
	/* a step exits 1 where 0 was expected */
	{ "failed: step status",
	    "fake-fail", { .exit_status = 1, .hb_until_s = ALWAYS }, NO_STEPS,
	    5, 5, RUN_FAILED, "step 1 (/bin/false) exited with an unexpected "
	    "status (status 1)", 0 },
	/* the same from a step marked workload */
	{ "workload-failed: workload step status",
	    "fake-workload", { .exit_status = 1, .hb_until_s = ALWAYS },
	    NO_STEPS, 5, 5, RUN_WORKLOAD_FAILED, "step 1 (stress-ng) exited "
	    "with an unexpected status (status 1)", 0 },
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
	static struct CMUnitTest tests[ARRAY_SIZE(cases) + 1];

	tests[0] = (struct CMUnitTest)cmocka_unit_test(test_every_outcome);
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		tests[i + 1] = (struct CMUnitTest)cmocka_unit_test_prestate(
		    test_verdict, (void *)&cases[i]);
		tests[i + 1].name = cases[i].name;
	}
	return _cmocka_run_group_tests("u-verdict", tests, ARRAY_SIZE(tests),
	    setup, teardown);
}
