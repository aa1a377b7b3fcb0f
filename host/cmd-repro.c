/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Reproduce a reported crash ("racerig repro REPORT"): classify it, pick
 * candidate scenarios, run them with rising effort until a crash
 * matches, measure its reliability and write a reproducer bundle.
 */
#include <sys/stat.h>

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "util.h"
#include "scenario.h"
#include "run.h"
#include "repro.h"
#include "cmd.h"

/* One effort level: extra parameters and vCPUs over the defaults. */
struct effort {
	const char	*name;
	const char	*param;		/* "k=v" if the scenario has k */
	int		 smp;		/* 0: the scenario's */
};

static const struct effort efforts[] = {
	{ "defaults", NULL, 0 },
	{ "softirq load", "softirq_load=1", 0 },
	{ "softirq load", "load=1", 0 },
	{ "4 vCPUs", NULL, 4 },
};

/*
 * How the run res is a match of the reported crash, or NULL; *ttc gets
 * its time to crash after the scenario started.
 */
static const char *
repro_check(const struct report *want, const struct run_child_result *res,
    double *ttc)
{
	const char *how;

	if (res->how != RUN_CHILD_DONE)
		return NULL;
	how = repro_match(want, res->rec.report);
	if (how != NULL && ttc != NULL)
		*ttc = res->rec.crash_s - res->rec.agent_ready_s;
	return how;
}

static void
repro_results_release(struct run_child_result *res, size_t n)
{
	for (size_t i = 0; i < n; i++)
		run_child_result_release(&res[i]);
	free(res);
}

static int
copy_file(const char *from, const char *to)
{
	char *argv[] = { "cp", "--reflink=auto", (char *)from, (char *)to,
	    NULL };

	return run_command(argv, NULL, NULL, NULL, 300, NULL, 0) == 0 ? 0 : -1;
}

/* Write the bundle: scenario, exact parameters, evidence, rerun line. */
static int
repro_bundle(const char *out, const char *scenario, const char *image,
    const struct run_opts *o, const char *dir, const char *how, int k,
    int n, double ttc_med, const struct report *want)
{
	struct scenario s;
	double lo, hi;
	struct buf cmd = BUF_INIT;
	json_t *j, *params = json_object();
	char *f;
	struct run_record run;
	const char *k2;
	json_t *v;
	FILE *fp;

	/* a bundle without the run's own record would not repeat it */
	if (run_record_load(dir, &run) != 0) {
		json_decref(params);
		return -1;
	}
	/* the image the run really used, by name */
	if (image == NULL) {
		const char *dirp = run.image;

		image = dirp && strrchr(dirp, '/') ? strrchr(dirp, '/') + 1 :
		    "default";
	}
	if (mkdir_p(out, 0755) != 0 || scenario_load(scenario, &s) != 0) {
		run_record_release(&run);
		json_decref(params);
		return -1;
	}
	f = xasprintf("%s/scenario.json", out);
	copy_file(s.file, f);
	free(f);
	scenario_release(&s);
	json_object_foreach(run.params, k2, v)
		json_object_set(params, k2, v);
	buf_addf(&cmd, "racerig run %s --image %s --smp %d --duration %lld "
	    "--seed %llu", scenario, image, run.smp, (long long)run.duration_s,
	    run.seed);
	json_object_foreach(params, k2, v)
		buf_addf(&cmd, " --param %s=%s", k2, json_string_value(v));
	if (o->snapshot)
		buf_addstr(&cmd, " --snapshot");
	repro_wilson(k, n, &lo, &hi);
	j = json_pack("{s:s,s:s,s:s,s:O,s:I,s:i,s:i,s:i,s:f,s:f,s:f,s:s,s:s,"
	    "s:s}", "report_title", want->title, "scenario", scenario,
	    "kernel", image, "params", params, "seed", (json_int_t)run.seed,
	    "smp", run.smp, "matching_runs", k, "runs", n,
	    "reliability_ci95_low", lo, "reliability_ci95_high", hi,
	    "time_to_crash_median_s", ttc_med, "match", how, "rerun", cmd.data,
	    "run_dir", dir);
	f = xasprintf("%s/repro.json", out);
	(void)json_write_atomic(f, j);
	free(f);
	f = xasprintf("%s/console.log", dir);
	{
		char *to = xasprintf("%s/console.log", out);

		copy_file(f, to);
		free(to);
	}
	free(f);
	f = xasprintf("%s/vmcore", dir);
	if (access(f, R_OK) == 0) {
		char *to = xasprintf("%s/vmcore", out);

		copy_file(f, to);
		free(to);
	}
	free(f);
	f = xasprintf("%s/README.txt", out);
	fp = fopen(f, "we");
	if (fp != NULL) {
		fprintf(fp, "Reproducer for: %s\n\nscenario %s on %s (%s)\n"
		    "reliability: %d of %d runs (95%% CI %.0f%%-%.0f%%)\n"
		    "median time to crash after the scenario starts: %.2f s\n"
		    "\nrerun:\n  %s\n", want->title, scenario, image, how, k, n,
		    lo * 100, hi * 100, ttc_med, cmd.data);
		fclose(fp);
	}
	free(f);
	printf("reliability: %d of %d runs (95%% CI %.0f%%-%.0f%%), median "
	    "time to crash %.2f s\nrerun: %s\nbundle: %s\n", k, n, lo * 100,
	    hi * 100, ttc_med, cmd.data, out);
	json_decref(j);
	json_decref(params);
	run_record_release(&run);
	buf_release(&cmd);
	return 0;
}

static int
cmp_d(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

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
	for (size_t ci = 0; ci < nc; ci++) {
		struct scenario s;

		if (scenario_load(cands[ci], &s) != 0)
			continue;
		for (size_t ki = 0; ki < nk; ki++) {
			for (size_t e = 0; e < ARRAY_SIZE(efforts); e++) {
				const struct effort *ef = &efforts[e];
				char *pv = ef->param ? xstrdup(ef->param) : NULL;
				char *params[1];
				struct run_opts o;
				struct run_child_result *res;
				const char *how = NULL;
				char *match_dir = NULL;
				size_t n;

				if (pv != NULL) {
					*strchr(pv, '=') = '\0';
					if (scenario_param(&s, pv) == NULL) {
						free(pv);
						continue;
					}
					free(pv);
				}
				if (now_mono() - t0 > budget)
					break;
				run_opts_init(&o);
				o.scenario = cands[ci];
				o.image = kernels[ki];
				o.smp = ef->smp;
				o.snapshot = snapshot;
				o.out_dir = NULL;
				if (ef->param != NULL) {
					params[0] = (char *)ef->param;
					o.params = params;
					o.nparams = 1;
				}
				printf("trying %s on %s (%s)\n", cands[ci],
				    kernels[ki] ? kernels[ki] : "the default "
				    "image", ef->name);
				fflush(stdout);
				n = run_pool_batch(&o, (size_t)jobs, &res);
				for (size_t i = 0; match_dir == NULL &&
				    i < n; i++) {
					how = repro_check(&want, &res[i], NULL);
					if (how != NULL)
						match_dir = xstrdup(
						    res[i].rec.dir);
				}
				repro_results_release(res, n);
				if (match_dir != NULL) {
					double ttc[1000];
					int k = 0, total = 0;
					char *bundle;

					printf("match (%s) in %s\nmeasuring "
					    "reliability over %d runs\n", how,
					    match_dir, nruns);
					while (total < nruns) {
						struct run_child_result *r2;
						size_t m = run_pool_batch(&o,
						    (size_t)(nruns - total <
						    jobs ? nruns - total : jobs),
						    &r2);

						for (size_t q = 0; q < m; q++) {
							double t;

							if (repro_check(&want,
							    &r2[q], &t))
								ttc[k++] = t;
							total++;
						}
						repro_results_release(r2, m);
						if (m == 0)
							break;
					}
					qsort(ttc, (size_t)k, sizeof(double),
					    cmp_d);
					bundle = out ? xstrdup(out) : xasprintf(
					    "%s/repro/%ld", cache_dir(),
					    (long)time(NULL));
					repro_bundle(bundle, cands[ci],
					    kernels[ki], &o, match_dir, how, k,
					    total, k ? ttc[k / 2] : -1, &want);
					free(bundle);
					free(match_dir);
					scenario_release(&s);
					rc = EXIT_PASS;
					goto cleanup;
				}
			}
		}
		scenario_release(&s);
	}
	printf("not reproduced within %ld s\n", budget);
	rc = EXIT_VERDICT;
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
