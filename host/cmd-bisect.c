/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Find which kernel or module version introduced a crash
 * ("racerig bisect" over an ordered list of images) and decide one
 * version for "git bisect run" ("racerig bisect-step": exit 0 good,
 * 1 bad, 125 skip).
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"
#include "bisect.h"
#include "cmd.h"

enum {
	OPT_SCENARIO = 256, OPT_SMP, OPT_DURATION, OPT_CLASS, OPT_TITLE,
	OPT_BUCKET, OPT_CONF, OPT_PRIOR, OPT_MAXRUNS, OPT_JOBS, OPT_STATE,
	OPT_LOG, OPT_IMAGES, OPT_IMAGE, OPT_MODSRC, OPT_KTREE, OPT_KERNEL,
	OPT_OUT, OPT_SNAPSHOT,
};

static const struct option bisect_options[] = {
	{ "scenario", required_argument, NULL, OPT_SCENARIO },
	{ "param", required_argument, NULL, 'p' },
	{ "smp", required_argument, NULL, OPT_SMP },
	{ "duration", required_argument, NULL, OPT_DURATION },
	{ "target-class", required_argument, NULL, OPT_CLASS },
	{ "target-title", required_argument, NULL, OPT_TITLE },
	{ "target-bucket", required_argument, NULL, OPT_BUCKET },
	{ "confidence", required_argument, NULL, OPT_CONF },
	{ "prior-rate", required_argument, NULL, OPT_PRIOR },
	{ "max-runs", required_argument, NULL, OPT_MAXRUNS },
	{ "jobs", required_argument, NULL, OPT_JOBS },
	{ "state", required_argument, NULL, OPT_STATE },
	{ "log", required_argument, NULL, OPT_LOG },
	{ "images", required_argument, NULL, OPT_IMAGES },
	{ "image", required_argument, NULL, OPT_IMAGE },
	{ "modules-src", required_argument, NULL, OPT_MODSRC },
	{ "kernel-tree", required_argument, NULL, OPT_KTREE },
	{ "kernel", required_argument, NULL, OPT_KERNEL },
	{ "out", required_argument, NULL, OPT_OUT },
	{ "snapshot", no_argument, NULL, OPT_SNAPSHOT },
	{ NULL, 0, NULL, 0 }
};

/* bisect_options documented; the defaults are bisect_parse()'s. */
static const struct cmd_option_doc bisect_docs[] = {
	{ "--images A,B,...", "(required by bisect)",
	    "The images to search, oldest first, comma-separated; the "
	    "newest must be bad (bisect only)." },
	{ "--image IMAGE", "$RACERIG_IMAGE, else Debian's default kernel",
	    "The image to decide (bisect-step only)." },
	{ "--modules-src DIR", "(no default)",
	    "Build an image with the guest modules from DIR, the module tree "
	    "being bisected, and decide it (bisect-step only)." },
	{ "--kernel-tree DIR", "(no default)",
	    "Build the kernel in DIR in place, then an image of it, and "
	    "decide it (bisect-step only)." },
	{ "--kernel RELEASE", "Debian's default cloud kernel",
	    "The Debian kernel of the image that --modules-src builds "
	    "(bisect-step only)." },
	{ "--scenario NAME", "(required)", "The scenario that triggers the "
	    "crash." },
	{ "-p, --param NAME=VALUE", "the scenario's",
	    "Set a scenario parameter; repeatable." },
	{ "--smp N", "the scenario's", "Guest vCPUs, 1..64." },
	{ "--duration S", "the scenario's",
	    "Seconds each run lasts, 1..86400." },
	{ "--target-class CLASS", "(no default)",
	    "Only a crash with this bug class counts as bad. One of "
	    "--target-class, --target-title and --target-bucket is required; "
	    "other crashes are neither good nor bad." },
	{ "--target-title TITLE", "(no default)",
	    "Only a crash with exactly this title counts as bad." },
	{ "--target-bucket BUCKET", "(no default)",
	    "Only a crash in this bucket counts as bad." },
	{ "--confidence C", "0.95",
	    "In (0, 1): a version is good after enough clean runs that a bug "
	    "at the estimated rate would have shown with this probability." },
	{ "--prior-rate P", "0.5",
	    "In (0, 1]: the reproduction rate assumed until a bad version "
	    "was seen." },
	{ "--max-runs N", "30",
	    "At most N runs, 1..10000, per version; too few clean ones is "
	    "skip." },
	{ "--jobs N", "1", "Runs at once, in parallel VMs, 1..16." },
	{ "--state FILE", "bisect: none; bisect-step: "
	    "$GIT_DIR/racerig-bisect.json",
	    "Where the rate estimate is kept between steps." },
	{ "--log FILE", "bisect: none; bisect-step: "
	    "$GIT_DIR/racerig-bisect.log",
	    "Append each step's verdict and why to FILE." },
	{ "--out DIR", "CACHE/runs", "Where run directories are made." },
	{ "--snapshot", "off",
	    "Boot each version once and start its runs from a snapshot." },
	{ NULL, NULL, NULL }
};

struct bisect_args {
	struct bisect_opts o;
	const char	*images;
	const char	*image;
	const char	*modules_src;
	const char	*kernel_tree;
	const char	*kernel;
};

static int
bisect_parse(int argc, char **argv, struct bisect_args *a)
{
	long v;
	int c;

	memset(a, 0, sizeof(*a));
	a->o.confidence = 0.95;
	a->o.prior_rate = 0.5;
	a->o.max_runs = 30;
	a->o.jobs = 1;
	run_opts_init(&a->o.run);
	optind = 1;
	while ((c = getopt_long(argc, argv, "p:", bisect_options, NULL)) != -1) {
		switch (c) {
		case OPT_SCENARIO:
			a->o.run.scenario = optarg;
			break;
		case 'p':
			a->o.run.params = xrealloc(a->o.run.params,
			    (a->o.run.nparams + 1) * sizeof(char *));
			a->o.run.params[a->o.run.nparams++] = optarg;
			break;
		case OPT_SMP:
			if (parse_long(optarg, 1, 64, &v) != 0)
				return error("--smp must be 1..64"), -1;
			a->o.run.smp = (int)v;
			break;
		case OPT_DURATION:
			if (parse_long(optarg, 1, 86400, &v) != 0)
				return error("--duration must be seconds"), -1;
			a->o.run.duration_s = v;
			break;
		case OPT_SNAPSHOT:
			/* one boot per version, then every run restores */
			a->o.run.snapshot = 1;
			break;
		case OPT_CLASS:
			a->o.target_class = optarg;
			break;
		case OPT_TITLE:
			a->o.target_title = optarg;
			break;
		case OPT_BUCKET:
			a->o.target_bucket = optarg;
			break;
		case OPT_CONF:
			a->o.confidence = atof(optarg);
			if (a->o.confidence <= 0 || a->o.confidence >= 1)
				return error("--confidence must be in (0, 1)"),
				    -1;
			break;
		case OPT_PRIOR:
			a->o.prior_rate = atof(optarg);
			if (a->o.prior_rate <= 0 || a->o.prior_rate > 1)
				return error("--prior-rate must be in (0, 1]"),
				    -1;
			break;
		case OPT_MAXRUNS:
			if (parse_long(optarg, 1, 10000, &v) != 0)
				return error("--max-runs must be 1..10000"), -1;
			a->o.max_runs = (int)v;
			break;
		case OPT_JOBS:
			if (parse_long(optarg, 1, 16, &v) != 0)
				return error("--jobs must be 1..16"), -1;
			a->o.jobs = (int)v;
			break;
		case OPT_STATE:
			a->o.state_path = optarg;
			break;
		case OPT_LOG:
			a->o.log_path = optarg;
			break;
		case OPT_IMAGES:
			a->images = optarg;
			break;
		case OPT_IMAGE:
			a->image = optarg;
			break;
		case OPT_MODSRC:
			a->modules_src = optarg;
			break;
		case OPT_KTREE:
			a->kernel_tree = optarg;
			break;
		case OPT_KERNEL:
			a->kernel = optarg;
			break;
		case OPT_OUT:
			a->o.run.out_dir = optarg;
			break;
		default:
			return -1;
		}
	}
	if (a->o.run.scenario == NULL)
		return error("--scenario is required"), -1;
	if (a->o.target_class == NULL && a->o.target_title == NULL &&
	    a->o.target_bucket == NULL)
		return error("give --target-class, --target-title or "
		    "--target-bucket: only that crash counts as bad"), -1;
	return 0;
}

static int
cmd_bisect_step_exec(int argc, char **argv)
{
	struct bisect_args a;
	struct bisect_verdict v;
	char *state = NULL, *log = NULL, *name = NULL;
	const char *image;
	int rc;

	if (bisect_parse(argc, argv, &a) != 0)
		return EXIT_USAGE;
	bisect_default_paths(&a.o, &state, &log);
	rc = bisect_step_image(&a.o, a.kernel, a.kernel_tree, a.modules_src,
	    &name);
	if (rc != 0)
		goto cleanup;
	image = name != NULL ? name : a.image;
	rc = bisect_step(&a.o, image, &v);
	if (rc < 0)
		rc = BISECT_SKIP;	/* infrastructure: cannot test */
	printf("%s: %d runs, %d matching, %d clean of %d needed, %d other "
	    "crashes, rate %.2f\n", rc == BISECT_BAD ? "bad" :
	    rc == BISECT_GOOD ? "good" : "skip", v.runs, v.matching, v.clean,
	    v.needed, v.other_crashes, v.rate);
cleanup:
	free(name);
	free(state);
	free(log);
	free(a.o.run.params);
	return rc;
}

static int
cmd_bisect_exec(int argc, char **argv)
{
	struct bisect_args a;
	char **imgs = NULL, *list, *tok, *save = NULL;
	int n = 0, rc;

	if (bisect_parse(argc, argv, &a) != 0)
		return EXIT_USAGE;
	if (a.images == NULL) {
		error("--images A,B,C... (oldest first) is required");
		free(a.o.run.params);
		return EXIT_USAGE;
	}
	list = xstrdup(a.images);
	for (tok = strtok_r(list, ",", &save); tok; tok = strtok_r(NULL, ",",
	    &save)) {
		imgs = xrealloc(imgs, (size_t)(n + 1) * sizeof(char *));
		imgs[n++] = tok;
	}
	rc = bisect_images(&a.o, imgs, n);
	free(imgs);
	free(list);
	free(a.o.run.params);
	return rc;
}

#define BISECT_USAGE \
	"--scenario S [--param K=V ...] (--target-class C | --target-title T" \
	" | --target-bucket B)\n           [--confidence 0.95] " \
	"[--prior-rate P] [--max-runs N] [--jobs N] [--smp N]\n" \
	"           [--duration S] [--state FILE] [--log FILE] [--out DIR] " \
	"[--snapshot]"

static const struct cmd_exit_doc bisect_exits[] = {
	{ EXIT_PASS, "The first bad image was found (and printed)." },
	{ EXIT_VERDICT, "The newest image is not bad: nothing to bisect." },
	{ EXIT_INFRA, "An image could not be tested (skip), or racerig or "
	    "the host failed." },
	{ EXIT_USAGE, "A bad command line." },
	{ 0, NULL }
};

static const struct cmd_example bisect_examples[] = {
	{ "racerig bisect --images old,mid,new --scenario nfqueue-udp-clash "
	    "--target-class nf-conntrack-clash-uaf", "Find the first of three "
	    "images (built with image build --name) in which the conntrack "
	    "clash use-after-free appears." },
	{ NULL, NULL }
};

const struct cmd_entry cmd_bisect_entry = {
	.name = "bisect",
	.usage = "racerig bisect --images OLDEST,...,NEWEST " BISECT_USAGE,
	.help = "find the first image in which a crash appears",
	.exec = cmd_bisect_exec,
	.description = "Binary search over images, oldest first, for the "
	    "first in which the scenario produces the target crash. A "
	    "version is bad at its first matching crash and good only after "
	    "enough clean runs for the confidence asked, given the crash's "
	    "reproduction rate as estimated from the bad versions so far: a "
	    "flaky race asks for more runs. A version that cannot be decided "
	    "stops the search.",
	.getopt = bisect_options,
	.options = bisect_docs,
	.exits = bisect_exits,
	.examples = bisect_examples,
};

/* git bisect run's conventions: 125 skip, 128 and up would abort it. */
static const struct cmd_exit_doc bisect_step_exits[] = {
	{ BISECT_GOOD, "Good: enough clean runs." },
	{ BISECT_BAD, "Bad: a run crashed with the target crash." },
	{ BISECT_SKIP, "Skip: the version did not build, boot or run "
	    "cleanly often enough to decide, or the host failed." },
	{ EXIT_USAGE, "A bad command line; stops \"git bisect run\"." },
	{ 0, NULL }
};

static const struct cmd_example bisect_step_examples[] = {
	{ "git bisect run racerig bisect-step --kernel-tree . --scenario "
	    "nfqueue-udp-clash --target-class nf-conntrack-clash-uaf "
	    "--prior-rate 0.8", "In a kernel tree: build each version git "
	    "picks and decide it." },
	{ "git bisect run racerig bisect-step --modules-src . --scenario "
	    "rcu-peer-update --target-class rcu-callback-double-queue "
	    "--jobs 2", "In a tree of the guest modules: build them against "
	    "the default kernel and decide each version." },
	{ NULL, NULL }
};

const struct cmd_entry cmd_bisect_step_entry = {
	.name = "bisect-step",
	.usage = "racerig bisect-step [--modules-src DIR | --kernel-tree DIR | "
	    "--image I] " BISECT_USAGE,
	.help = "decide one version for git bisect run (0 good, 1 bad, 125 "
	    "skip)",
	.exec = cmd_bisect_step_exec,
	.description = "Decide the version checked out in the current tree "
	    "the way bisect decides one image, and exit as \"git bisect run\" "
	    "expects. With --kernel-tree or --modules-src it first builds the "
	    "version (a failed build is skip). The rate estimate and the log "
	    "are kept in the git directory, so later steps learn from "
	    "earlier ones.",
	.getopt = bisect_options,
	.options = bisect_docs,
	.exits = bisect_step_exits,
	.examples = bisect_step_examples,
};
