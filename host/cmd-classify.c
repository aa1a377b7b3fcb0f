/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Classify a console log, dmesg, crash backtrace or run directory
 * ("racerig classify"): the title of the first crash on the first line
 * (nothing at all without a crash), then its details.
 */
#include <sys/stat.h>

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "util.h"
#include "report.h"
#include "cmd.h"

/* Logs are read up to this size: a crash report is near the start. */
#define CLASSIFY_MAX	(64u * 1024 * 1024)

/* Read at most CLASSIFY_MAX bytes of fp into b; the rest is ignored. */
static int
classify_read(FILE *fp, const char *name, struct buf *b)
{
	char chunk[65536];
	size_t n;

	while ((n = fread(chunk, 1, sizeof(chunk), fp)) > 0) {
		if (b->len < CLASSIFY_MAX)
			buf_add(b, chunk, b->len + n > CLASSIFY_MAX ?
			    CLASSIFY_MAX - b->len : n);
	}
	if (ferror(fp))
		return error("cannot read '%s': %s", name, strerror(errno));
	return 0;
}

static int
classify_input(const char *arg, struct buf *b)
{
	struct stat st;
	char *path = NULL;
	FILE *fp;
	int rc;

	if (strcmp(arg, "-") == 0)
		return classify_read(stdin, "standard input", b);
	if (stat(arg, &st) == 0 && S_ISDIR(st.st_mode)) {
		/* a run directory: the vmcore's log, else the console */
		path = xasprintf("%s/dmesg.txt", arg);
		if (access(path, R_OK) != 0) {
			free(path);
			path = xasprintf("%s/console.log", arg);
		}
		arg = path;
	}
	fp = fopen(arg, "re");
	if (fp == NULL) {
		rc = error("cannot open '%s': %s", arg, strerror(errno));
		free(path);
		return rc;
	}
	rc = classify_read(fp, arg, b);
	fclose(fp);
	free(path);
	return rc;
}

static void
classify_print(const struct report *r)
{
	printf("%s\n", r->title);
	printf("type: %s\n", r->type ? r->type : "");
	printf("frame: %s\n", r->frame ? r->frame : "");
	printf("frames:");
	for (size_t i = 0; i < r->nframes; i++)
		printf(" %s", r->frames[i]);
	printf("\ncorrupted: %s\n", r->corrupted ? "yes" : "no");
	printf("bucket: %s\n", r->bucket);
	printf("classes:");
	for (size_t i = 0; i < r->nclasses; i++)
		printf(" %s", r->classes[i]);
	printf("\n");
	for (size_t i = 0; i < r->nclasses; i++) {
		const char *e = report_class_explain(r->classes[i]);

		if (e != NULL)
			printf("%s: %s\n", r->classes[i], e);
	}
}

/*
 * Classify every file of dir in one process, n rounds, and print logs
 * per second: the classifier's speed without process start-up cost.
 */
static int
classify_bench(const char *dir, int rounds)
{
	char **names = NULL;
	struct buf *logs;
	size_t n = 0, found = 0;
	double t0, dt;
	struct dirent **ents;
	int nents;

	/* no shell: the directory's name is the user's, not a command */
	nents = scandir(dir, &ents, NULL, alphasort);
	if (nents < 0)
		return error("cannot list '%s': %s", dir, strerror(errno)),
		    EXIT_USAGE;
	for (int i = 0; i < nents; i++) {
		if (ents[i]->d_name[0] != '.') {
			names = xrealloc(names, (n + 1) * sizeof(char *));
			names[n++] = xasprintf("%s/%s", dir, ents[i]->d_name);
		}
		free(ents[i]);
	}
	free(ents);
	logs = xcalloc(n + 1, sizeof(*logs));
	for (size_t i = 0; i < n; i++) {
		if (classify_input(names[i], &logs[i]) != 0)
			return EXIT_INFRA;
	}
	t0 = now_mono();
	for (int k = 0; k < rounds; k++) {
		for (size_t i = 0; i < n; i++) {
			struct report r;

			if (report_parse(logs[i].data ? logs[i].data : "",
			    logs[i].len, &r) == 1)
				found++;
			report_release(&r);
		}
	}
	dt = now_mono() - t0;
	printf("classified %zu logs x %d rounds in %.3f s (%zu crashes)\n",
	    n, rounds, dt, found);
	printf("classify_logs_per_s: %.0f\n", (double)n * rounds / dt);
	for (size_t i = 0; i < n; i++) {
		buf_release(&logs[i]);
		free(names[i]);
	}
	free(logs);
	free(names);
	return EXIT_PASS;
}

/*
 * Classify each of files[0..n) and print one line per file:
 * "FILE<tab>BUCKET<tab>TITLE", the last two empty without a crash.  For
 * grading many logs in one process (tests/grade-titles --each): a file
 * name holding a tab or newline is refused, so lines stay parseable.
 */
static int
classify_each(char **files, int n)
{
	int rc = EXIT_PASS;

	for (int i = 0; i < n; i++) {
		struct buf log = BUF_INIT;
		struct report r;

		if (strpbrk(files[i], "\t\n") != NULL) {
			error("file name '%s' holds a tab or newline", files[i]);
			return EXIT_USAGE;
		}
		if (classify_input(files[i], &log) != 0) {
			rc = EXIT_INFRA;
			continue;
		}
		if (report_parse(log.data ? log.data : "", log.len, &r) == 1)
			printf("%s\t%s\t%s\n", files[i], r.bucket, r.title);
		else
			printf("%s\t\t\n", files[i]);
		report_release(&r);
		buf_release(&log);
	}
	return rc;
}

struct classify_opts {
	int		 json;
	const char	*rules;
	const char	*bench;
	int		 each;
};

static const struct cmd_opt classify_opts[] = {
	OPT_FLAG(0, "json", struct classify_opts, json, "Print the report "
	    "as JSON, or null when the log holds no crash."),
	OPT_STRING(0, "rules", "FILE", struct classify_opts, rules,
	    "$RACERIG_RULES, else host/bug-classes.rules",
	    "The rules that map crash signatures to bug classes."),
	OPT_STRING(0, "bench", "DIR", struct classify_opts, bench,
	    "(no default)", "Classify every file in DIR five times over in one "
	    "process and print logs per second (the classifier's speed)."),
	OPT_FLAG(0, "each", struct classify_opts, each, "Classify each FILE "
	    "named after the options and print one line per file: FILE, "
	    "bucket and title separated by tabs, the last two empty without a "
	    "crash (for grading many logs in one process)."),
	OPT_END()
};

static int
cmd_classify_exec(int argc, char **argv)
{
	struct classify_opts o = { 0 };
	struct buf log = BUF_INIT;
	struct report r;
	int first, rc;

	if ((first = parse_options(argc, argv, classify_opts, &o, 0)) < 0)
		return EXIT_USAGE;
	if (o.rules != NULL) {
		report_set_rules(o.rules);
		if (report_load_rules() != 0)
			return EXIT_USAGE;
	}
	if (o.bench != NULL)
		return classify_bench(o.bench, 5);
	if (o.each)
		return classify_each(argv + first, argc - first);
	if (first != argc - 1) {
		error("give one file, run directory or '-'");
		return EXIT_USAGE;
	}
	if (classify_input(argv[first], &log) != 0) {
		buf_release(&log);
		return EXIT_INFRA;
	}
	rc = report_parse(log.data ? log.data : "", log.len, &r);
	if (rc == 1) {
		if (o.json) {
			json_t *j = report_to_json(&r);
			char *text = j ? json_dumps(j, JSON_INDENT(2)) : NULL;

			printf("%s\n", text ? text : "{}");
			free(text);
			json_decref(j);
		} else
			classify_print(&r);
	} else if (o.json)
		printf("null\n");
	report_release(&r);
	buf_release(&log);
	return EXIT_PASS;
}

static const struct cmd_example classify_examples[] = {
	{ "racerig classify tests/data/reports/conntrack-clash-kasan-6.1.log",
	    "Name the crash in a saved console log." },
	{ "dmesg | racerig classify --json -", "The first crash in this "
	    "machine's kernel log, as JSON." },
	{ NULL, NULL }
};

const struct cmd_entry cmd_classify_entry = {
	.name = "classify",
	.usage = "racerig classify [--json] [--rules FILE] FILE|RUN_DIR|-\n"
	    "       racerig classify --each FILE...",
	.help = "name the first crash in a log the way syzkaller does",
	.exec = cmd_classify_exec,
	.description = "Read a console log, a dmesg, a crash(8) backtrace, a "
	    "run directory (its dmesg.txt, else its console.log) or standard "
	    "input (-), and name its first crash the way syzkaller does: the "
	    "title on the first line, then the crash type, guilty frame, "
	    "frames, bucket and bug classes with their explanations. A log "
	    "without a crash prints nothing and still exits 0. Logs are read "
	    "up to 64 MiB.",
	.opts = classify_opts,
	.examples = classify_examples,
};
