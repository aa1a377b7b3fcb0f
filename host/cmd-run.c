/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Run a scenario once in a fresh guest and print the outcome
 * ("racerig run"), or repeat a recorded run (--replay).  The options are
 * cmd-run-opts.c's, shared with "racerig boot" (cmd-boot.c); the summary
 * is run-print.c's.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "util.h"
#include "run.h"
#include "db.h"
#include "cmd.h"
#include "cmd-run.h"

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
	struct db *db;
	struct run_record row;
	int rc = -1;

	memset(rp, 0, sizeof(*rp));
	if ((db = db_open(dbp)) == NULL) {
		free(dbp);
		return -1;
	}
	switch (db_run(db, run_id, &row)) {
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
	db_close(db);
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
		o.progress = run_print_progress;
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
	    "bug classes) and the guest's memory saved as a vmcore. Reports "
	    "the kernel printed and went on from (KCSAN data races, WARNINGs "
	    "under panic_on_warn=0, lockdep, stalls) are the run's findings, "
	    "titled and bucketed the same way and listed beside the outcome."
	    "\n\n"
	    "Everything the run produced goes into a new run directory: "
	    "run.json, console.log, the steps' output and any vmcore. "
	    "Scenario and parameters are checked before anything boots.",
	.opts = run_cmd_opts,
	.exits = run_exits,
	.examples = run_examples,
};
