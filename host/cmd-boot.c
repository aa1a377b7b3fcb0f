/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Boot a guest to agent-ready, N times, and print the times ("racerig
 * boot").  It takes run's options (cmd-run-opts.c).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"
#include "run.h"
#include "cmd.h"
#include "cmd-run.h"

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
