/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Find which kernel or module version introduced a crash
 * ("racerig bisect" over an ordered list of images) and decide one
 * version for "git bisect run" ("racerig bisect-step": exit 0 good,
 * 1 bad, 125 skip).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"
#include "bisect.h"
#include "cmd.h"
#include "cmd-run.h"

struct bisect_args {
	struct bisect_opts o;
	const char	*images;
	const char	*image;
	const char	*modules_src;
	const char	*kernel_tree;
	const char	*kernel;
};

/* --confidence: a probability in (0, 1) */
static int
opt_confidence(const char *arg, void *field, void *base)
{
	double v = atof(arg);

	(void)base;
	if (v <= 0 || v >= 1)
		return -1;
	*(double *)field = v;
	return 0;
}

/* --prior-rate: a rate in (0, 1] */
static int
opt_prior_rate(const char *arg, void *field, void *base)
{
	double v = atof(arg);

	(void)base;
	if (v <= 0 || v > 1)
		return -1;
	*(double *)field = v;
	return 0;
}

/* bisect and bisect-step share the table; bisect_parse() sets 0.95, 0.5 */
static const struct cmd_opt bisect_cmd_opts[] = {
	OPT_STRING(0, "images", "A,B,...", struct bisect_args, images,
	    "(no default)",
	    "The images to search, oldest first, comma-separated; the "
	    "newest must be bad (bisect only, and required)."),
	OPT_STRING(0, "image", "IMAGE", struct bisect_args, image,
	    "$RACERIG_IMAGE, else Debian's default kernel",
	    "The image to decide (bisect-step only)."),
	OPT_STRING(0, "modules-src", "DIR", struct bisect_args, modules_src,
	    "(no default)",
	    "Build an image with the guest modules from DIR, the module tree "
	    "being bisected, and decide it (bisect-step only)."),
	OPT_STRING(0, "kernel-tree", "DIR", struct bisect_args, kernel_tree,
	    "(no default)",
	    "Build the kernel in DIR in place, then an image of it, and "
	    "decide it (bisect-step only)."),
	OPT_STRING(0, "kernel", "RELEASE", struct bisect_args, kernel,
	    "Debian's default cloud kernel",
	    "The Debian kernel of the image that --modules-src builds "
	    "(bisect-step only)."),
	OPT_STRING(0, "scenario", "NAME", struct bisect_args, o.run.scenario,
	    "(no default)", "The scenario that triggers the crash; "
	    "required."),
	OPT_RUN_PARAM(struct bisect_args, o.run),
	OPT_RUN_SMP(struct bisect_args, o.run),
	OPT_LONG(0, "duration", "S", struct bisect_args, o.run.duration_s, 1,
	    86400, "the scenario's", "Seconds each run lasts."),
	OPT_STRING(0, "target-class", "CLASS", struct bisect_args,
	    o.target_class, "(no default)",
	    "Only a crash with this bug class counts as bad. One of "
	    "--target-class, --target-title and --target-bucket is required; "
	    "other crashes are neither good nor bad."),
	OPT_STRING(0, "target-title", "TITLE", struct bisect_args,
	    o.target_title, "(no default)",
	    "Only a crash with exactly this title counts as bad."),
	OPT_STRING(0, "target-bucket", "BUCKET", struct bisect_args,
	    o.target_bucket, "(no default)",
	    "Only a crash in this bucket counts as bad."),
	OPT_FUNC(0, "confidence", "C", struct bisect_args, o.confidence,
	    opt_confidence, "in (0, 1)", "0.95",
	    "In (0, 1): a version is good after enough clean runs that a bug "
	    "at the estimated rate would have shown with this probability."),
	OPT_FUNC(0, "prior-rate", "P", struct bisect_args, o.prior_rate,
	    opt_prior_rate, "in (0, 1]", "0.5",
	    "In (0, 1]: the reproduction rate assumed until a bad version "
	    "was seen."),
	OPT_INT(0, "max-runs", "N", struct bisect_args, o.max_runs, 1, 10000,
	    "30", "At most N runs per version; too few clean ones is skip."),
	OPT_INT(0, "jobs", "N", struct bisect_args, o.jobs, 1, 16, "1",
	    "Runs at once, in parallel VMs."),
	OPT_STRING(0, "state", "FILE", struct bisect_args, o.state_path,
	    "bisect: none; bisect-step: $GIT_DIR/racerig-bisect.json",
	    "Where the rate estimate is kept between steps."),
	OPT_STRING(0, "log", "FILE", struct bisect_args, o.log_path,
	    "bisect: none; bisect-step: $GIT_DIR/racerig-bisect.log",
	    "Append each step's verdict and why to FILE."),
	OPT_STRING(0, "out", "DIR", struct bisect_args, o.run.out_dir,
	    "CACHE/runs", "Where run directories are made."),
	/* one boot per version, then every run restores */
	OPT_FLAG(0, "snapshot", struct bisect_args, o.run.snapshot,
	    "Boot each version once and start its runs from a snapshot."),
	OPT_END()
};

static int
bisect_parse(int argc, char **argv, struct bisect_args *a)
{
	memset(a, 0, sizeof(*a));
	a->o.confidence = 0.95;
	a->o.prior_rate = 0.5;
	run_opts_init(&a->o.run);
	if (parse_options(argc, argv, bisect_cmd_opts, a, 0) < 0) {
		free(a->o.run.params);
		return -1;
	}
	if (a->o.run.scenario == NULL) {
		free(a->o.run.params);
		return error("--scenario is required");
	}
	if (a->o.target_class == NULL && a->o.target_title == NULL &&
	    a->o.target_bucket == NULL) {
		free(a->o.run.params);
		return error("give --target-class, --target-title or "
		    "--target-bucket: only that crash counts as bad");
	}
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
	.opts = bisect_cmd_opts,
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
	.opts = bisect_cmd_opts,
	.exits = bisect_step_exits,
	.examples = bisect_step_examples,
};
