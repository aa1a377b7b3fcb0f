/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Reproduce a reported crash ("racerig repro REPORT"): classify it, pick
 * candidate scenarios, run them with rising effort until a crash
 * matches, measure its reliability and write a reproducer bundle.  The
 * search itself is repro_search() (repro.c); this file reads the report
 * and the options.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"
#include "repro.h"
#include "cmd.h"

struct repro_cmd_opts {
	char		**kernels;
	size_t		 nkernels;
	long		 budget;
	int		 jobs;
	int		 runs;
	const char	*out;
	int		 snapshot;
	int		 widen_only;
};

static const struct cmd_opt repro_cmd_opts[] = {
	OPT_LIST(0, "kernel", "IMAGE", struct repro_cmd_opts, kernels,
	    nkernels, "$RACERIG_IMAGE, else Debian's default kernel",
	    "An image to try, in order; up to 16."),
	OPT_LONG(0, "budget", "S", struct repro_cmd_opts, budget, 1,
	    7 * 86400, "600",
	    "Seconds to search for a matching crash before giving up."),
	OPT_INT(0, "jobs", "N", struct repro_cmd_opts, jobs, 1, 16, "1",
	    "Runs at once, in parallel VMs."),
	OPT_INT(0, "runs", "N", struct repro_cmd_opts, runs, 1, 1000, "10",
	    "Runs that measure the reliability once a crash matched."),
	OPT_STRING(0, "out", "DIR", struct repro_cmd_opts, out,
	    "CACHE/repro/UNIX_TIME", "Where the reproducer bundle is written."),
	OPT_FLAG(0, "snapshot", struct repro_cmd_opts, snapshot,
	    "Start runs from a boot-once snapshot of each image."),
	OPT_FLAG(0, "widen-only", struct repro_cmd_opts, widen_only,
	    "Widen the race window of the plan's first candidate that can "
	    "take a delay at the report's frames, print the setting it "
	    "settles on, and stop (bench/auto-amplify)."),
	OPT_OPERANDS(1, 1, "REPORT"),
	OPT_END()
};

static int
cmd_repro_exec(int argc, char **argv)
{
	struct repro_cmd_opts o = { 0 };
	const char *kernels[16];
	size_t nk = 0;
	int first, rc = EXIT_INFRA;
	struct buf log = BUF_INIT;
	struct report want;
	struct repro_opts ro;
	struct repro_plan plan = { 0 };
	double t0 = now_mono();
	FILE *fp;

	memset(&want, 0, sizeof(want));
	first = parse_options(argc, argv, repro_cmd_opts, &o, 0);
	if (first < 0) {
		free(o.kernels);
		return EXIT_USAGE;
	}
	/* more than 16 images were always ignored */
	for (; nk < o.nkernels && nk < ARRAY_SIZE(kernels); nk++)
		kernels[nk] = o.kernels[nk];
	free(o.kernels);
	fp = strcmp(argv[first], "-") ? fopen(argv[first], "re") : stdin;
	if (fp == NULL) {
		error("cannot open '%s'", argv[first]);
		return EXIT_USAGE;
	}
	{
		char chunk[65536];
		size_t n;

		while ((n = fread(chunk, 1, sizeof(chunk), fp)) > 0 &&
		    log.len < (64u << 20))
			buf_add(&log, chunk, n);
		if (fp != stdin)
			fclose(fp);
	}
	if (report_parse(log.data ? log.data : "", log.len, &want) != 1) {
		error("'%s' holds no kernel crash report", argv[first]);
		rc = EXIT_USAGE;
		goto cleanup;
	}
	printf("report: %s\n  guilty frame: %s; bucket %s; classes:", want.title,
	    want.frame ? want.frame : "-", want.bucket);
	for (size_t i = 0; i < want.nclasses; i++)
		printf(" %s", want.classes[i]);
	printf("\n");
	if (nk == 0)
		kernels[nk++] = NULL;	/* the default image */
	/* the frames are placed in the first kernel to try */
	if (repro_plan_make(&want, log.data ? log.data : "", log.len,
	    kernels[0], &plan, stdout) != 0) {
		rc = EXIT_INFRA;
		goto cleanup;
	}
	if (plan.ncands == 0) {
		printf("no matching scenario: no scenario's bug class or "
		    "signature frames fit this report, and none exercises "
		    "where its frames are\n");
		rc = EXIT_VERDICT;
		goto cleanup;
	}
	memset(&ro, 0, sizeof(ro));
	ro.kernels = kernels;
	ro.nkernels = nk;
	ro.out = o.out;
	ro.budget = o.budget;
	ro.t0 = t0;
	ro.jobs = o.jobs;
	ro.nruns = o.runs;
	ro.snapshot = o.snapshot;
	ro.out_of_tree = report_out_of_tree(log.data ? log.data : "", log.len);
	printf("the report's kernel ran an out-of-tree module: %s\n",
	    ro.out_of_tree ? "yes (its taint flags or module list say so)" :
	    "no");
	if (o.widen_only) {
		struct repro_widened w;
		size_t k;

		for (k = 0; k < plan.ncands; k++) {
			size_t j;

			for (j = 0; j < plan.ninject &&
			    !plan.cands[k].inject_ok[j]; j++)
				;
			if (j < plan.ninject)
				break;
		}
		if (k == plan.ncands) {
			printf("settled: no injection (no candidate can take a "
			    "delay at the report's frames)\n");
			rc = EXIT_VERDICT;
			goto cleanup;
		}
		rc = repro_widen(&plan, &plan.cands[k], &ro, &w) == 1 ?
		    EXIT_PASS : EXIT_VERDICT;
		repro_widened_release(&w);
		goto cleanup;
	}
	rc = repro_search(&want, &plan, &ro);
cleanup:
	repro_plan_release(&plan);
	report_release(&want);
	buf_release(&log);
	return rc;
}

static const struct cmd_exit_doc repro_exits[] = {
	{ EXIT_PASS, "Reproduced; the bundle's path is printed." },
	{ EXIT_VERDICT, "Not reproduced within the budget, or no scenario "
	    "fits the report." },
	{ EXIT_INFRA, "racerig or the host failed." },
	{ EXIT_USAGE, "A bad command line, or the report holds no crash." },
	{ 0, NULL }
};

static const struct cmd_example repro_examples[] = {
	{ "racerig repro tests/data/reports/conntrack-clash-kasan-6.1.log "
	    "--budget 1800 --jobs 2", "Reproduce a reported conntrack crash, "
	    "two VMs at a time, for at most half an hour." },
	{ NULL, NULL }
};

const struct cmd_entry cmd_repro_entry = {
	.name = "repro",
	.usage = "racerig repro REPORT [--kernel K ...] [--budget S] "
	    "[--jobs N] [--runs N] [--out DIR] [--snapshot]",
	.help = "make a reported crash happen here and measure how often",
	.exec = cmd_repro_exec,
	.description = "Classify the crash report (a console log, dmesg or "
	    "crash backtrace; - reads standard input) and plan from its "
	    "frames: each is placed in the first image's kernel (a module's "
	    "function by the module's path, one of vmlinux by "
	    "host/kernel-areas.rules), the scenarios whose bug class or "
	    "signature frames fit come first, then the general workloads "
	    "whose declared areas hold the most frames, aimed there, each "
	    "also tried with a delay injected at up to 3 of the frames the "
	    "kernel has. A scenario that counts its race's hits (hit_metric) "
	    "and did not match as it is has its window widened: a delay at "
	    "each of those frames, on entry and on return, against none; "
	    "the setting that raised the hits most (1.5x at least) is tried "
	    "next. The plan is printed with its reasons, then run on "
	    "each image with rising effort (the defaults, then softirq load, "
	    "then 4 vCPUs for a seed scenario) until a crash matches or the "
	    "budget is spent; no run is started that could not end within "
	    "it. Then measure how often it "
	    "reproduces and write a bundle: scenario.json, repro.json with "
	    "the exact parameters, seed and reliability, the console log, any "
	    "vmcore and a README with the command that reruns it. Each run "
	    "is printed with its level of match (same title, same bug "
	    "class, similar: the same guilty frame or data-race pair), and "
	    "the verdict counts each. A scenario that plants its bug "
	    "(a model) reproduces a report only if the report points at "
	    "such code (an out-of-tree module for rcu-peer-update); "
	    "otherwise the verdict says the crash is the model's.",
	.opts = repro_cmd_opts,
	.exits = repro_exits,
	.examples = repro_examples,
};
