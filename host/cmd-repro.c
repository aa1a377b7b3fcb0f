/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Reproduce a reported crash ("racerig repro REPORT"): classify it, pick
 * candidate scenarios, run them with rising effort until a crash
 * matches, measure its reliability and write a reproducer bundle.  The
 * search itself is repro_search() (repro.c); this file reads the report
 * and the options.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"
#include "repro.h"
#include "cmd.h"

static const struct option repro_options[] = {
	{ "kernel", required_argument, NULL, 'k' },
	{ "budget", required_argument, NULL, 'b' },
	{ "jobs", required_argument, NULL, 'j' },
	{ "runs", required_argument, NULL, 'n' },
	{ "out", required_argument, NULL, 'o' },
	{ "snapshot", no_argument, NULL, 's' },
	{ NULL, 0, NULL, 0 }
};

/* Defaults are cmd_repro_exec()'s. */
static const struct cmd_option_doc repro_docs[] = {
	{ "--kernel IMAGE", "$RACERIG_IMAGE, else Debian's default kernel",
	    "An image to try, in order; repeatable, up to 16." },
	{ "--budget S", "600",
	    "Seconds, 1..604800, to search for a matching crash before "
	    "giving up." },
	{ "--jobs N", "1", "Runs at once, in parallel VMs, 1..16." },
	{ "--runs N", "10",
	    "Runs, 1..1000, that measure the reliability once a crash "
	    "matched." },
	{ "--out DIR", "CACHE/repro/UNIX_TIME",
	    "Where the reproducer bundle is written." },
	{ "--snapshot", "off",
	    "Start runs from a boot-once snapshot of each image." },
	{ NULL, NULL, NULL }
};

static int
cmd_repro_exec(int argc, char **argv)
{
	const char *kernels[16], *out = NULL;
	size_t nk = 0, nc = 0;
	long budget = 600, v;
	int jobs = 1, nruns = 10, ch, rc = EXIT_INFRA, snapshot = 0;
	struct buf log = BUF_INIT;
	struct report want;
	struct repro_opts ro;
	char **cands = NULL;
	double t0 = now_mono();
	FILE *fp;

	memset(&want, 0, sizeof(want));
	optind = 1;
	while ((ch = getopt_long(argc, argv, "", repro_options, NULL)) != -1) {
		switch (ch) {
		case 'k':
			if (nk < ARRAY_SIZE(kernels))
				kernels[nk++] = optarg;
			break;
		case 's':
			snapshot = 1;
			break;
		case 'b':
			if (parse_long(optarg, 1, 7 * 86400, &budget) != 0)
				return error("--budget must be seconds"),
				    EXIT_USAGE;
			break;
		case 'j':
			if (parse_long(optarg, 1, 16, &v) != 0)
				return error("--jobs must be 1..16"),
				    EXIT_USAGE;
			jobs = (int)v;
			break;
		case 'n':
			if (parse_long(optarg, 1, 1000, &v) != 0)
				return error("--runs must be 1..1000"),
				    EXIT_USAGE;
			nruns = (int)v;
			break;
		case 'o':
			out = optarg;
			break;
		default:
			return EXIT_USAGE;
		}
	}
	if (optind != argc - 1) {
		error("give one crash report (console log, dmesg or crash bt)");
		return EXIT_USAGE;
	}
	fp = strcmp(argv[optind], "-") ? fopen(argv[optind], "re") : stdin;
	if (fp == NULL) {
		error("cannot open '%s'", argv[optind]);
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
		error("'%s' holds no kernel crash report", argv[optind]);
		rc = EXIT_USAGE;
		goto cleanup;
	}
	printf("report: %s\n  guilty frame: %s; bucket %s; classes:", want.title,
	    want.frame ? want.frame : "-", want.bucket);
	for (size_t i = 0; i < want.nclasses; i++)
		printf(" %s", want.classes[i]);
	printf("\nscenarios considered:\n");
	if (repro_candidates(&want, &cands, &nc, stdout) != 0)
		goto cleanup;
	if (nc == 0) {
		printf("no matching scenario: no scenario's bug class or "
		    "signature frames fit this report\n");
		rc = EXIT_VERDICT;
		goto cleanup;
	}
	if (nk == 0)
		kernels[nk++] = NULL;	/* the default image */
	memset(&ro, 0, sizeof(ro));
	ro.kernels = kernels;
	ro.nkernels = nk;
	ro.out = out;
	ro.budget = budget;
	ro.t0 = t0;
	ro.jobs = jobs;
	ro.nruns = nruns;
	ro.snapshot = snapshot;
	rc = repro_search(&want, cands, nc, &ro);
cleanup:
	for (size_t i = 0; i < nc; i++)
		free(cands[i]);
	free(cands);
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
	    "crash backtrace; - reads standard input), pick the scenarios "
	    "whose bug class or signature frames fit it, and run them on each "
	    "image with rising effort (the defaults, then softirq load, then "
	    "4 vCPUs) until a crash matches. Then measure how often it "
	    "reproduces and write a bundle: scenario.json, repro.json with "
	    "the exact parameters, seed and reliability, the console log, any "
	    "vmcore and a README with the command that reruns it.",
	.getopt = repro_options,
	.options = repro_docs,
	.exits = repro_exits,
	.examples = repro_examples,
};
