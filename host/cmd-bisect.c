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
#include <unistd.h>

#include "host.h"

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
	a->o.run.boot_timeout_s = 120;
	a->o.run.heartbeat_timeout_s = 30;
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

/* The git directory of the current tree, or NULL. */
static char *
git_dir(void)
{
	char *argv[] = { "git", "rev-parse", "--absolute-git-dir", NULL };
	struct buf out = BUF_INIT;
	char *dir = NULL;

	if (run_command(argv, NULL, NULL, "/dev/null", 10, &out, 4096) == 0 &&
	    out.len > 1) {
		out.data[strcspn(out.data, "\n")] = '\0';
		dir = xstrdup(out.data);
	}
	buf_release(&out);
	return dir;
}

static int
cmd_bisect_step_exec(int argc, char **argv)
{
	struct bisect_args a;
	struct bisect_verdict v;
	char *gd = NULL, *state = NULL, *log = NULL, *name = NULL;
	const char *image;
	int rc;

	if (bisect_parse(argc, argv, &a) != 0)
		return EXIT_USAGE;
	gd = git_dir();
	if (a.o.state_path == NULL && gd != NULL)
		a.o.state_path = state = xasprintf("%s/racerig-bisect.json", gd);
	if (a.o.log_path == NULL && gd != NULL)
		a.o.log_path = log = xasprintf("%s/racerig-bisect.log", gd);
	image = a.image;
	if (a.modules_src != NULL || a.kernel_tree != NULL) {
		char *cwd = getcwd(NULL, 0);
		unsigned long h = 5381;

		/* one image directory per tree being bisected */
		for (const char *p = cwd ? cwd : ""; *p; p++)
			h = h * 33 + (unsigned char)*p;
		name = xasprintf("bisect-%08lx", h & 0xffffffffUL);
		free(cwd);
		/* bisection builds an image per step: no kdump variant */
		setenv("RR_KDUMP", "0", 1);
		if (a.kernel_tree != NULL) {
			/* the step's kernel, incrementally in the tree */
			char *kargs[] = { "--in-place", (char *)a.kernel_tree,
			    NULL };
			char *tree = NULL;

			if (kernel_build(kargs, &tree) != 0) {
				bisect_log(&a.o, "kernel build failed: "
				    "skipping this version");
				rc = BISECT_SKIP;
				goto cleanup;
			}
			free(tree);
		}
		if (image_build(a.kernel, a.kernel_tree, 0, name,
		    a.modules_src) != 0) {
			bisect_log(&a.o, "build failed: skipping this version");
			rc = BISECT_SKIP;
			goto cleanup;
		}
		image = name;
	}
	rc = bisect_step(&a.o, image, &v);
	if (rc < 0)
		rc = BISECT_SKIP;	/* infrastructure: cannot test */
	printf("%s: %d runs, %d matching, %d clean of %d needed, %d other "
	    "crashes, rate %.2f\n", rc == BISECT_BAD ? "bad" :
	    rc == BISECT_GOOD ? "good" : "skip", v.runs, v.matching, v.clean,
	    v.needed, v.other_crashes, v.rate);
cleanup:
	free(name);
	free(gd);
	free(state);
	free(log);
	free(a.o.run.params);
	return rc;
}

static int
cmd_bisect_exec(int argc, char **argv)
{
	struct bisect_args a;
	struct bisect_verdict v;
	char **imgs = NULL, *list, *tok, *save = NULL;
	int n = 0, lo, hi, rc = EXIT_INFRA, *verdict;

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
	verdict = xcalloc((size_t)n, sizeof(int));
	for (int i = 0; i < n; i++) {
		struct image img;

		verdict[i] = -1;
		if (image_open(imgs[i], &img) != 0)
			goto cleanup;
		image_release(&img);
	}
	if (n < 2) {
		error("bisect needs at least two images");
		goto cleanup;
	}
	/* the newest must be bad and the oldest good, or there is no edge */
	verdict[n - 1] = bisect_step(&a.o, imgs[n - 1], &v);
	if (verdict[n - 1] != BISECT_BAD) {
		printf("the newest image %s is not bad: nothing to bisect\n",
		    imgs[n - 1]);
		rc = EXIT_VERDICT;
		goto cleanup;
	}
	verdict[0] = bisect_step(&a.o, imgs[0], &v);
	if (verdict[0] == BISECT_BAD) {
		printf("first bad image: %s (already bad at the oldest)\n",
		    imgs[0]);
		rc = EXIT_PASS;
		goto cleanup;
	}
	if (verdict[0] != BISECT_GOOD) {
		printf("the oldest image %s cannot be tested\n", imgs[0]);
		goto cleanup;
	}
	lo = 0;
	hi = n - 1;
	while (hi - lo > 1) {
		int mid = lo + (hi - lo) / 2;

		verdict[mid] = bisect_step(&a.o, imgs[mid], &v);
		if (verdict[mid] == BISECT_BAD)
			hi = mid;
		else if (verdict[mid] == BISECT_GOOD)
			lo = mid;
		else {
			printf("image %s cannot be tested: stopping between "
			    "%s (good) and %s (bad)\n", imgs[mid], imgs[lo],
			    imgs[hi]);
			goto cleanup;
		}
	}
	printf("first bad image: %s (last good: %s)\n", imgs[hi], imgs[lo]);
	for (int i = 0; i < n; i++)
		printf("  %-40s %s\n", imgs[i], verdict[i] == BISECT_BAD ?
		    "bad" : verdict[i] == BISECT_GOOD ? "good" :
		    verdict[i] == BISECT_SKIP ? "skip" : "-");
	if (a.o.log_path != NULL)
		printf("log: %s\n", a.o.log_path);
	rc = EXIT_PASS;
cleanup:
	free(verdict);
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

const struct cmd_entry cmd_bisect_entry = {
	.name = "bisect",
	.usage = "racerig bisect --images OLDEST,...,NEWEST " BISECT_USAGE,
	.help = "find the first image in which a crash appears",
	.exec = cmd_bisect_exec,
};

const struct cmd_entry cmd_bisect_step_entry = {
	.name = "bisect-step",
	.usage = "racerig bisect-step [--modules-src DIR | --kernel-tree DIR | "
	    "--image I] " BISECT_USAGE,
	.help = "decide one version for git bisect run (0 good, 1 bad, 125 "
	    "skip)",
	.exec = cmd_bisect_step_exec,
};
