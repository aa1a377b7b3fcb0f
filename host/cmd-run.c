/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Run a scenario once in a fresh guest and print the outcome
 * ("racerig run"), and boot a guest to agent-ready ("racerig boot").
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "util.h"
#include "report.h"
#include "scenario.h"
#include "vm.h"
#include "run.h"
#include "db.h"
#include "cmd.h"

/* A live status line on a terminal: elapsed time and what is going on. */
static void
run_progress(void *arg, const struct run_record *r, double elapsed)
{
	double *last = arg;

	if (elapsed - *last < 1.0)
		return;
	*last = elapsed;
	fprintf(stderr, "\r\033[K[%6.1fs] %s", elapsed,
	    r->agent_ready_s > 0 ? "running scenario" : "booting");
	if (r->have_live && r->live.clash_per_s >= 0)
		fprintf(stderr, "  clashes %.0f/s", r->live.clash_per_s);
	if (r->have_live && r->live.net_rx_per_s >= 0)
		fprintf(stderr, "  NET_RX %.0f/s", r->live.net_rx_per_s);
	fflush(stderr);
}

/* run's options and what run and boot take besides them */
struct run_args {
	struct run_opts	 run;
	int		 json;		/* --json */
	int		 count;		/* --count */
	const char	*replay_id;	/* --replay */
	const char	*replay_db;	/* --db */
};

/* --seed: decimal or 0x hex; sets seed_set too */
static int
opt_seed(const char *arg, void *field, void *base)
{
	struct run_args *a = base;
	char *end;

	*(unsigned long long *)field = strtoull(arg, &end, 0);
	if (*arg == '\0' || *end != '\0')
		return -1;
	a->run.seed_set = 1;
	return 0;
}

/* --console-limit: a size_t, so not an OPT_LONG */
static int
opt_console_limit(const char *arg, void *field, void *base)
{
	long v;

	(void)base;
	if (parse_long(arg, 4096, 1L << 34, &v) != 0)
		return -1;
	*(size_t *)field = (size_t)v;
	return 0;
}

static int
opt_callback(const char *arg, void *field, void *base)
{
	struct sockaddr_storage ss;
	socklen_t sslen;

	(void)base;
	if (parse_ip(arg, &ss, &sslen) != 0)
		return -1;
	*(const char **)field = arg;
	return 0;
}

#define STR_(x)	#x
#define STR(x)	STR_(x)

/*
 * run and boot share the table.  The defaults are stored by
 * parse_options() where they are values; boot-timeout and
 * heartbeat-timeout are run_opts_init()'s (run.h's macros).
 */
static const struct cmd_opt run_cmd_opts[] = {
	OPT_LIST('p', "param", "NAME=VALUE", struct run_args, run.params,
	    run.nparams, "the scenario's",
	    "Set a scenario parameter (\"racerig scenario show\" lists them "
	    "with their ranges)."),
	OPT_STRING(0, "image", "IMAGE", struct run_args, run.image,
	    "$RACERIG_IMAGE, else Debian's default kernel",
	    "The guest image: a name under the cache's images/ or a "
	    "directory."),
	OPT_INT(0, "smp", "N", struct run_args, run.smp, 1, 64,
	    "the scenario's", "Guest vCPUs."),
	OPT_INT(0, "mem", "MB", struct run_args, run.mem_mb, 128, 65536,
	    "the scenario's", "Guest memory in MiB."),
	OPT_LONG(0, "duration", "S", struct run_args, run.duration_s, 1,
	    7 * 24 * 3600, "the scenario's",
	    "How long the scenario runs, in seconds."),
	OPT_FUNC(0, "seed", "N", struct run_args, run.seed, opt_seed,
	    "a number", "random (recorded in run.json)",
	    "The seed the scenario's programs get, decimal or 0x hex, so a "
	    "run can be repeated."),
	OPT_STRING(0, "out", "DIR", struct run_args, run.out_dir, "CACHE/runs",
	    "Where the run directory is made (CACHE is $RACERIG_CACHE, else "
	    "~/.cache/racerig)."),
	OPT_CHOICE(0, "dump", struct run_args, run.dump, "qemu|kdump|none",
	    "qemu",
	    "How a crashed guest's memory is saved: QEMU's dump-guest-memory, "
	    "the guest's own kdump kernel, or not at all."),
	OPT_STRING(0, "cmdline", "WORDS", struct run_args, run.extra_cmdline,
	    "none", "Words appended to the guest kernel's command line."),
	OPT_STRING(0, "backend", "qemu|libvirt", struct run_args, run.backend,
	    "qemu", "Run the guest under QEMU directly or as a libvirt "
	    "domain."),
	OPT_CHOICE(0, "accel", struct run_args, run.accel, "kvm|tcg",
	    "kvm if /dev/kvm works, else tcg",
	    "QEMU's accelerator ($RACERIG_ACCEL sets the default)."),
	OPT_FLAG(0, "json", struct run_args, json,
	    "Print run.json instead of the summary (run only)."),
	OPT_FUNC(0, "console-limit", "BYTES", struct run_args,
	    run.console_limit, opt_console_limit, "bytes, at least 4096",
	    "16777216",
	    "Bytes of console output kept in console.log, at least 4096; the "
	    "tail past it is kept too."),
	OPT_LONG(0, "boot-timeout", "S", struct run_args, run.boot_timeout_s,
	    1, 3600, STR(RUN_BOOT_TIMEOUT_S),
	    "Seconds for the guest to boot to its agent; longer is "
	    "boot-failed."),
	OPT_LONG(0, "heartbeat-timeout", "S", struct run_args,
	    run.heartbeat_timeout_s, 1, 3600, STR(RUN_HEARTBEAT_TIMEOUT_S),
	    "Seconds without a heartbeat from the agent before the guest is "
	    "declared hung."),
	OPT_FLAG(0, "raw-channel", struct run_args, run.raw_channel,
	    "Give steps the agent's port as file descriptor 3 (tests of the "
	    "agent protocol)."),
	OPT_INT(0, "count", "N", struct run_args, count, 1, 1000, "1",
	    "Boot N times and print the median time to agent-ready (boot "
	    "only)."),
	OPT_STRING(0, "replay", "RUN_ID", struct run_args, replay_id,
	    "(no default)",
	    "Repeat a recorded campaign run: its scenario, image, parameters, "
	    "vCPUs, duration and seed (run only)."),
	OPT_STRING(0, "db", "FILE", struct run_args, replay_db,
	    "CACHE/results.db", "The results database --replay reads."),
	OPT_FLAG(0, "snapshot", struct run_args, run.snapshot,
	    "Boot once to agent-ready, save a snapshot, and start this and "
	    "later runs of the same image from it."),
	OPT_STRING(0, "connect", "URI", struct run_args, run.connect,
	    "qemu:///system", "The libvirt connection (--backend libvirt)."),
	OPT_FUNC(0, "callback", "IP", struct run_args, run.callback,
	    opt_callback, "an IP address of this machine",
	    "none: unix sockets, a local libvirtd only",
	    "This machine's address as a remote libvirt host sees it; the "
	    "guest's console and agent connect back to it."),
	OPT_FLAG('v', "verbose", struct run_args, run.verbose,
	    "Echo the steps' output to standard error."),
	OPT_END()
};

/*
 * Parse the options shared by run and boot into *a.  Returns the index
 * of the first operand, or -1 after reporting a usage error.
 */
static int
run_parse(int argc, char **argv, struct run_args *a)
{
	int first;

	memset(a, 0, sizeof(*a));
	run_opts_init(&a->run);
	if ((first = parse_options(argc, argv, run_cmd_opts, a, 0)) < 0) {
		free(a->run.params);
		return -1;
	}
	/*
	 * TCP channels are taken only from the libvirt host's addresses: a
	 * URI without a host part names none, and then any process that
	 * found a channel's port could pose as the guest.
	 */
	if (a->run.callback != NULL) {
		char host[256] = "";

		if (a->run.connect == NULL || vm_libvirt_uri_host(
		    a->run.connect, host, sizeof(host)) != 0 ||
		    host[0] == '\0') {
			free(a->run.params);
			return error("--callback needs a --connect URI that "
			    "names the libvirt host, such as qemu+tcp://HOST/"
			    "system: TCP channels are taken only from its "
			    "addresses (a local daemon uses unix sockets)");
		}
	}
	return first;
}

/*
 * The exit status for an outcome: 0 ok, 1 kernel verdict, 2 anything
 * else (infrastructure, a lost VM, a workload that died on its own).
 */
static int
run_exit_status(enum run_outcome o)
{
	switch (o) {
	case RUN_OK:
		return EXIT_PASS;
	case RUN_CRASHED:
	case RUN_HUNG:
	case RUN_BOOT_FAILED:
	case RUN_FAILED:
		return EXIT_VERDICT;
	case RUN_LOST:
	case RUN_ERROR:
	case RUN_WORKLOAD_FAILED:	/* not the kernel's doing either */
		break;
	}
	return EXIT_INFRA;
}

/*
 * Print "label value" where value may come from the guest (a reason, a
 * title read off its console): printable ASCII only.
 */
static void
run_print_field(const char *label, const char *value)
{
	char clean[512];

	printf("%-10s %s\n", label, str_printable(clean, value ? value : "",
	    sizeof(clean)));
}

/*
 * "other CPUs at the crash" and each one's innermost frames, so that the
 * racing partner shows next to the title (which names the crashing
 * CPU's stack).  Frame names came from the guest's console.
 */
#define RUN_PRINT_FRAMES 4
static void
run_print_cpus(const json_t *rep)
{
	struct report_cpus oc;
	char clean[160];

	if (report_cpus_from_json(rep, &oc) > 0) {
		if (oc.crash_cpu >= 0)
			printf("other CPUs at the crash (CPU %d crashed):\n",
			    oc.crash_cpu);
		else
			printf("other CPUs at the crash:\n");
	}
	for (size_t i = 0; i < oc.n; i++) {
		const struct report_cpu *c = &oc.cpu[i];

		printf("  cpu %-4d", c->cpu);
		for (size_t k = 0; k < c->nframes && k < RUN_PRINT_FRAMES; k++)
			printf("%s%s", k > 0 ? " < " : " ", str_printable(clean,
			    c->frames[k], sizeof(clean)));
		printf("%s\n", c->nframes == 0 ? (c->user ?
		    " (in user space)" : " (no frames)") :
		    c->nframes > RUN_PRINT_FRAMES ? " < ..." : "");
	}
	report_cpus_release(&oc);
}

static void
run_print(const struct run_record *r)
{
	struct run_crash crash;

	printf("run:       %s\n", r->id);
	printf("outcome:   %s\n", run_outcome_name(r->outcome));
	run_print_field("reason:", r->reason);
	if (run_record_crash(r, &crash)) {
		run_print_field("title:", crash.title);
		run_print_field("bucket:", crash.bucket);
		for (size_t i = 0; i < crash.nclasses; i++)
			run_print_field("bug class:", crash.classes[i]);
		run_print_cpus(r->report);
		run_crash_release(&crash);
	}
	if (r->guest_release[0] != '\0' &&
	    strcmp(r->guest_release, r->image_release) != 0)
		printf("kernel:    %s (the guest claims %s)\n",
		    r->image_release, r->guest_release);
	/* A rate the guest gave no counters for is -1: leave it out. */
	if (r->rates.seconds > 0 && r->rates.clash_per_s >= 0)
		printf("rates:     %.1f conntrack clashes/s over %.1f s of "
		    "guest time\n", r->rates.clash_per_s, r->rates.seconds);
	if (r->rates.seconds > 0 && r->rates.net_rx_per_s >= 0)
		printf("rates:     %.0f NET_RX softirqs/s over %.1f s of "
		    "guest time\n", r->rates.net_rx_per_s, r->rates.seconds);
	if (r->vmcore != NULL)
		printf("vmcore:    %s/vmcore (%s dump, %s)\n", r->dir,
		    r->vmcore_source, r->vmcore_release);
	if (r->capture_error != NULL)
		printf("capture:   %s\n", r->capture_error);
	printf("time:      agent ready %.2f s, total %.2f s\n",
	    r->agent_ready_s, r->total_s);
	printf("dir:       %s\n", r->dir);
}

/* What --replay read from the database; owns the strings o points to. */
struct replay {
	char	*scenario;
	char	*image;
	char	**params;
	size_t	 nparams;
};

/*
 * Fill o from the recorded run run_id: scenario, image, vCPUs, seed and
 * every parameter, so the run repeats exactly.
 */
static int
replay_load(const char *db_arg, const char *run_id, struct run_opts *o,
    struct replay *rp)
{
	char *dbp = stress_db_path(db_arg);
	struct db db;
	struct run_record row;
	int rc = -1;

	memset(rp, 0, sizeof(*rp));
	if (db_open(&db, dbp) != 0) {
		free(dbp);
		return -1;
	}
	switch (db_run(&db, run_id, &row)) {
	case 1:
		error("no run '%s' in '%s'", run_id, dbp);
		break;
	case 0: {
		const char *k;
		json_t *v;

		rp->scenario = xstrdup(row.scenario);
		rp->image = xstrdup(row.image);
		rp->params = xcalloc(json_object_size(row.params) + 1,
		    sizeof(char *));
		json_object_foreach(row.params, k, v)
			rp->params[rp->nparams++] = xasprintf("%s=%s", k,
			    json_string_value(v) ?: "");
		o->scenario = rp->scenario;
		o->image = rp->image;
		o->params = rp->params;
		o->nparams = rp->nparams;
		o->seed = row.seed;
		o->seed_set = 1;
		if (o->smp == 0)
			o->smp = row.smp;
		if (o->duration_s == 0)
			o->duration_s = row.duration_s;
		printf("replaying %s: %s on %s, seed %llu\n", run_id,
		    rp->scenario, rp->image, o->seed);
		rc = 0;
		break;
	}
	}
	run_record_release(&row);
	db_close(&db);
	free(dbp);
	return rc;
}

static void
replay_release(struct replay *rp)
{
	for (size_t i = 0; i < rp->nparams; i++)
		free(rp->params[i]);
	free(rp->params);
	free(rp->scenario);
	free(rp->image);
}

static int
cmd_run_exec(int argc, char **argv)
{
	struct run_record r;
	struct replay replay = { 0 };
	struct run_plan plan;
	double last = 0;
	struct run_args a;
	struct run_opts o;
	int first, rc;

	if ((first = run_parse(argc, argv, &a)) < 0)
		return EXIT_USAGE;
	o = a.run;
	if (a.replay_id != NULL) {
		/* the recorded scenario, kernel, parameters and seed */
		if (first != argc || o.nparams > 0 || o.seed_set) {
			free(o.params);
			error("--replay takes the run's own scenario, "
			    "parameters and seed");
			return EXIT_USAGE;
		}
		if (replay_load(a.replay_db, a.replay_id, &o, &replay) != 0) {
			free(o.params);
			return EXIT_USAGE;
		}
	} else if (first != argc - 1) {
		free(o.params);
		error("give exactly one scenario (see 'racerig run -h')");
		return EXIT_USAGE;
	} else
		o.scenario = argv[first];
	/* bad scenarios and parameters are usage errors, found before boot */
	if (run_plan_make(&o, &plan) != 0) {
		if (a.replay_id == NULL)
			free(o.params);
		replay_release(&replay);
		return EXIT_USAGE;
	}
	if (isatty(2) && !o.verbose) {
		o.progress = run_progress;
		o.progress_arg = &last;
	}
	rc = run_planned(&o, &plan, &r);
	run_plan_release(&plan);
	if (o.progress != NULL)
		fprintf(stderr, "\r\033[K");
	if (a.replay_id == NULL)
		free(o.params);
	replay_release(&replay);
	if (rc != 0)
		return EXIT_INFRA;
	if (a.json)
		(void)run_record_print(r.dir, stdout);
	else
		run_print(&r);
	rc = run_exit_status(r.outcome);
	run_record_release(&r);
	return rc;
}

static int
cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static int
cmd_boot_exec(int argc, char **argv)
{
	struct run_record r;
	double *times;
	struct run_args a;
	struct run_opts o;
	int first, rc = EXIT_PASS, ok = 0;

	if ((first = run_parse(argc, argv, &a)) < 0)
		return EXIT_USAGE;
	o = a.run;
	if (a.replay_id != NULL || a.replay_db != NULL) {
		free(o.params);
		error("--replay and --db are for 'racerig run' (boot repeats "
		    "no recorded run)");
		return EXIT_USAGE;
	}
	if (first != argc) {
		free(o.params);
		error("boot takes no arguments (see 'racerig boot -h')");
		return EXIT_USAGE;
	}
	o.scenario = "noop";
	o.boot_only = 1;
	o.dump = o.dump ? o.dump : "qemu";
	times = xcalloc((size_t)a.count, sizeof(double));
	for (int i = 0; i < a.count; i++) {
		if (run_scenario(&o, &r) != 0) {
			rc = EXIT_INFRA;
			break;
		}
		if (r.outcome != RUN_OK) {
			printf("boot %d: %s: %s (%s)\n", i + 1,
			    run_outcome_name(r.outcome), r.reason, r.dir);
			rc = run_exit_status(r.outcome);
			run_record_release(&r);
			break;
		}
		times[ok++] = r.agent_ready_s;
		/* guest_release is what the guest claims, made printable */
		printf("boot %d: agent ready in %.3f s (%s, %d vCPUs, %s)\n",
		    i + 1, r.agent_ready_s, r.image_release, r.smp, r.accel);
		if (strcmp(r.guest_release, r.image_release) != 0)
			printf("boot %d: the guest claims kernel %s\n", i + 1,
			    r.guest_release);
		run_record_release(&r);
	}
	if (ok == a.count && a.count > 1) {
		qsort(times, (size_t)ok, sizeof(double), cmp_double);
		printf("boot_to_agent_median_s: %.3f\n", ok % 2 ? times[ok / 2] :
		    (times[ok / 2 - 1] + times[ok / 2]) / 2);
	}
	free(times);
	free(o.params);
	return rc;
}

#define RUN_OPTIONS_USAGE \
	"[--image IMAGE] [--smp N] [--mem MB] [--seed N] [--out DIR]\n" \
	"           [--dump qemu|kdump|none] [--cmdline WORDS] [--accel kvm|tcg]\n" \
	"           [--console-limit BYTES] [--boot-timeout S]\n" \
	"           [--heartbeat-timeout S] [--snapshot]\n" \
	"           [--backend qemu|libvirt] [--connect URI] [--callback IP]"

/* Kernel verdicts apart from everything else, as run_exit_status() does. */
static const struct cmd_exit_doc run_exits[] = {
	{ EXIT_PASS, "The outcome is ok." },
	{ EXIT_VERDICT, "A kernel verdict: crashed, hung, boot-failed, or a "
	    "scenario step failed." },
	{ EXIT_INFRA, "No verdict: racerig or the host failed (error), the "
	    "VM or its host was lost (lost), or a workload step died on its "
	    "own (workload-failed)." },
	{ EXIT_USAGE, "A bad command line, scenario or parameter, found "
	    "before anything boots." },
	{ 0, NULL }
};

static const struct cmd_example run_examples[] = {
	{ "racerig run sysrq-crash", "Crash a guest on purpose and show the "
	    "classified crash and where its vmcore is." },
	{ "racerig run nfqueue-udp-clash --param queues=4 --smp 4 "
	    "--duration 60", "Run a race for a minute with more queues and "
	    "vCPUs than the scenario's defaults." },
	{ "racerig run --replay 20261202-140512-nfqueue-udp-clash-3f2a",
	    "Repeat a campaign's run exactly: same scenario, image, "
	    "parameters and seed." },
	{ NULL, NULL }
};

const struct cmd_entry cmd_run_entry = {
	.name = "run",
	.usage = "racerig run SCENARIO [--param NAME=VALUE ...] "
	    "[--duration S] [--json] [-v]\n"
	    "       racerig run --replay RUN_ID [--db FILE]\n           "
	    RUN_OPTIONS_USAGE,
	.help = "run a scenario once in a fresh guest and print the outcome",
	.exec = cmd_run_exec,
	.description = "Boot the image in a fresh guest, run the scenario's "
	    "steps through the guest agent, and decide one outcome: ok, "
	    "crashed, hung, boot-failed, failed (a step failed), lost, "
	    "workload-failed or error. A crash is classified (title, bucket, "
	    "bug classes) and the guest's memory saved as a vmcore.\n\n"
	    "Everything the run produced goes into a new run directory: "
	    "run.json, console.log, the steps' output and any vmcore. "
	    "Scenario and parameters are checked before anything boots.",
	.opts = run_cmd_opts,
	.exits = run_exits,
	.examples = run_examples,
};

static const struct cmd_example boot_examples[] = {
	{ "racerig boot", "Boot the default image once and print the time to "
	    "agent-ready." },
	{ "racerig boot --count 10 --accel tcg", "Measure the median boot "
	    "time over ten boots without KVM." },
	{ NULL, NULL }
};

const struct cmd_entry cmd_boot_entry = {
	.name = "boot",
	.usage = "racerig boot [--count N] " RUN_OPTIONS_USAGE,
	.help = "boot a guest and report the time to agent-ready",
	.exec = cmd_boot_exec,
	.description = "Boot the image to agent-ready (the noop scenario) and "
	    "stop, N times; print each boot's time and, for more than one, "
	    "the median. It takes run's options; those that only matter to a "
	    "scenario are ignored.",
	.opts = run_cmd_opts,
	.exits = run_exits,
	.examples = boot_examples,
};
