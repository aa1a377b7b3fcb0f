/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The run record (struct run_record): what one run was and how it ended.
 * struct run_record, a run directory's run.json and the database's runs
 * row are one record under three names.  This file is the only one that
 * knows run.json's keys: run.c fills a record and saves it here, and
 * stress, campaign, bisect, repro and the database load it back as a
 * struct.
 *
 * The on-disk format is stable (tests and users read it): keys are
 * written in the order below, "report" is the classifier's own JSON
 * (report_to_json(), the report layer's format), and "steps" and
 * "metrics" are the run's logs, kept as they were produced.
 *
 * A run.json is written by racerig, but what is in it came partly from
 * the guest.  Loading is strict about what readers decide on (the id and
 * a known outcome) and names the file on any error; it never changes or
 * removes the file, so nothing already recorded is lost.
 */
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "util.h"
#include "run.h"

#define RUN_RECORD_FILE		"run.json"
/* where a record no campaign may count waits for the pool to read it */
#define RUN_RECORD_ASIDE	"lost.json"
/* run.json holds the console-less record; a bigger one is not ours */
#define RUN_RECORD_MAX		(64u * 1024 * 1024)

static const char *const run_outcome_names[] = {
	[RUN_OK] = "ok",
	[RUN_CRASHED] = "crashed",
	[RUN_HUNG] = "hung",
	[RUN_BOOT_FAILED] = "boot-failed",
	[RUN_LOST] = "lost",
	[RUN_FAILED] = "failed",
	[RUN_ERROR] = "error",
	[RUN_WORKLOAD_FAILED] = "workload-failed",
};

const char *
run_outcome_name(enum run_outcome o)
{
	if ((size_t)o >= ARRAY_SIZE(run_outcome_names) ||
	    run_outcome_names[o] == NULL)
		return "unknown";
	return run_outcome_names[o];
}

/* The outcome called name into *o: 0, or -1 (not reported) if none is. */
int
run_outcome_parse(const char *name, enum run_outcome *o)
{
	for (size_t i = 0; name != NULL && i < ARRAY_SIZE(run_outcome_names);
	    i++) {
		if (run_outcome_names[i] != NULL &&
		    strcmp(run_outcome_names[i], name) == 0) {
			*o = (enum run_outcome)i;
			return 0;
		}
	}
	return -1;
}

/* The rates' names in run.json's "rates" and the database's metrics. */
static const struct {
	const char	*name;
	size_t		 off;
} run_rate_fields[] = {
	{ "guest_seconds", offsetof(struct metrics_rates, seconds) },
	{ "clash_per_s", offsetof(struct metrics_rates, clash_per_s) },
	{ "insert_failed_per_s",
	    offsetof(struct metrics_rates, insert_failed_per_s) },
	{ "net_rx_per_s", offsetof(struct metrics_rates, net_rx_per_s) },
};

/*
 * The whole-run rate called name (as run.json's "rates" names it) into
 * *v: 0, or -1 if the run has no such rate.
 */
int
run_record_rate(const struct run_record *r, const char *name, double *v)
{
	if (!r->have_rates || name == NULL)
		return -1;
	for (size_t i = 0; i < ARRAY_SIZE(run_rate_fields); i++) {
		if (strcmp(run_rate_fields[i].name, name) == 0) {
			*v = *(const double *)((const char *)&r->rates +
			    run_rate_fields[i].off);
			return 0;
		}
	}
	return -1;
}

/* Call fn for each whole-run rate, in run.json's order. */
void
run_record_each_rate(const struct run_record *r,
    void (*fn)(void *arg, const char *name, double v), void *arg)
{
	double v;

	for (size_t i = 0; i < ARRAY_SIZE(run_rate_fields); i++) {
		if (run_record_rate(r, run_rate_fields[i].name, &v) == 0)
			fn(arg, run_rate_fields[i].name, v);
	}
}

static const char *
str_or_empty(const char *s)
{
	return s != NULL ? s : "";
}

/*
 * "findings": [{"title", "bucket", "text", "count", "uptime_s"}], in the
 * order first seen; uptime_s only when the report had a printk time.
 */
static json_t *
run_findings_to_json(const struct run_record *r)
{
	json_t *a = json_array();

	for (size_t i = 0; i < r->nfindings; i++) {
		const struct run_finding *f = &r->findings[i];
		json_t *o = json_pack("{s:s,s:s,s:s,s:I}", "title", f->title,
		    "bucket", f->bucket, "text", f->text,
		    "count", (json_int_t)f->count);

		if (o == NULL)
			continue;
		if (f->uptime_s >= 0)
			json_object_set_new(o, "uptime_s",
			    json_real(f->uptime_s));
		json_array_append_new(a, o);
	}
	return a;
}

/*
 * Read run.json's findings back: at most RUN_FINDINGS_MAX, and an entry
 * without a string title, bucket and text is skipped (a record written
 * by a racerig without findings has none).
 */
static void
run_findings_from_json(const json_t *j, struct run_record *r)
{
	const json_t *a = json_object_get(j, "findings");
	const json_t *n = json_object_get(j, "findings_count");
	const json_t *o;
	size_t i;

	json_array_foreach(a, i, o) {
		const char *t = json_string_value(json_object_get(o, "title"));
		const char *b = json_string_value(json_object_get(o, "bucket"));
		const char *x = json_string_value(json_object_get(o, "text"));
		const json_t *up = json_object_get(o, "uptime_s");
		json_int_t c = json_integer_value(json_object_get(o, "count"));
		struct run_finding *f;

		if (t == NULL || b == NULL || x == NULL ||
		    r->nfindings == RUN_FINDINGS_MAX)
			continue;
		if (r->findings == NULL)
			r->findings = xcalloc(RUN_FINDINGS_MAX,
			    sizeof(*r->findings));
		f = &r->findings[r->nfindings++];
		f->title = xstrdup(t);
		f->bucket = xstrdup(b);
		f->text = xstrdup(x);
		f->count = c > 0 ? (unsigned long)c : 1;
		f->uptime_s = json_is_number(up) ? json_number_value(up) : -1;
		r->findings_total += f->count;
	}
	if (json_is_object(n)) {
		json_int_t t = json_integer_value(json_object_get(n,
		    "reports"));
		json_int_t d = json_integer_value(json_object_get(n,
		    "dropped"));

		if (t > 0)
			r->findings_total = (unsigned long)t;
		if (d > 0)
			r->findings_dropped = (unsigned long)d;
	}
}

/* The record as run.json has it; NULL only if out of memory. */
json_t *
run_record_to_json(const struct run_record *r)
{
	json_t *j;

	j = json_pack("{s:s,s:s,s:s,s:s,s:o,s:I,s:i,s:i,s:s,s:s,s:s}",
	    "id", str_or_empty(r->id), "scenario", str_or_empty(r->scenario),
	    "image", str_or_empty(r->image),
	    "kernel_release", r->image_release,
	    "params", r->params != NULL ? json_incref(r->params) :
	    json_object(),
	    "seed", (json_int_t)r->seed,
	    "smp", r->smp, "mem_mb", r->mem_mb,
	    "outcome", run_outcome_name(r->outcome), "reason", r->reason,
	    "cmdline", str_or_empty(r->cmdline));
	if (j == NULL)
		return NULL;
	/* the image's manifest names the kernel; the guest only claims */
	if (r->guest_release[0] != '\0')
		json_object_set_new(j, "guest_release",
		    json_string(r->guest_release));
	json_object_set_new(j, "expect", json_string(str_or_empty(r->expect)));
	json_object_set_new(j, "duration_s", json_integer(r->duration_s));
	if (r->expected_bug_class != NULL)
		json_object_set_new(j, "expected_bug_class",
		    json_string(r->expected_bug_class));
	json_object_set_new(j, "timings", json_pack("{s:f,s:f,s:f,s:f}",
	    "agent_ready_s", r->agent_ready_s, "total_s", r->total_s,
	    "dump_s", r->dump_s, "crash_s", r->crash_s));
	json_object_set_new(j, "started_at", json_real(r->started_at));
	json_object_set_new(j, "accel", json_string(str_or_empty(r->accel)));
	json_object_set_new(j, "backend", json_string(str_or_empty(
	    r->backend)));
	if (r->connect != NULL)
		json_object_set_new(j, "connect", json_string(r->connect));
	if (r->ntransfers > 0) {
		json_t *a = json_array();

		for (size_t i = 0; i < r->ntransfers; i++) {
			const struct vm_transfer *t = &r->transfers[i];

			json_array_append_new(a, json_pack("{s:s,s:s,s:s,s:I,"
			    "s:f}", "what", t->what, "direction", t->up ?
			    "up" : "down", "volume", t->volume, "bytes",
			    (json_int_t)t->bytes, "seconds", t->seconds));
		}
		json_object_set_new(j, "transfers", a);
	}
	json_object_set_new(j, "restored_from_snapshot",
	    json_boolean(r->restored));
	json_object_set_new(j, "steps", r->steps != NULL ?
	    json_incref(r->steps) : json_array());
	if (r->vmcore != NULL) {
		json_object_set_new(j, "vmcore", json_pack("{s:s,s:s,s:s}",
		    "file", "vmcore", "source", r->vmcore_source,
		    "release", r->vmcore_release));
	}
	if (r->capture_error != NULL)
		json_object_set_new(j, "capture_error",
		    json_string(r->capture_error));
	if (r->dump_skipped)
		json_object_set_new(j, "dump_skipped", json_string("disk "
		    "short"));
	if (r->agent_error != NULL)
		json_object_set_new(j, "agent_error",
		    json_string(r->agent_error));
	json_object_set_new(j, "console", json_pack("{s:I,s:I,s:I}",
	    "bytes", (json_int_t)r->console_bytes,
	    "logged", (json_int_t)r->console_logged,
	    "dropped", (json_int_t)r->console_dropped));
	if (r->metrics_first != NULL && r->metrics_last != NULL)
		json_object_set_new(j, "metrics", json_pack("{s:O,s:O}",
		    "first", r->metrics_first, "last", r->metrics_last));
	if (r->have_rates) {
		json_t *rates = json_object();

		for (size_t i = 0; i < ARRAY_SIZE(run_rate_fields); i++)
			json_object_set_new(rates, run_rate_fields[i].name,
			    json_real(*(const double *)((const char *)
			    &r->rates + run_rate_fields[i].off)));
		json_object_set_new(j, "rates", rates);
	}
	if (r->report != NULL)
		json_object_set(j, "report", r->report);
	json_object_set_new(j, "findings", run_findings_to_json(r));
	if (r->findings_total > 0)
		json_object_set_new(j, "findings_count", json_pack("{s:I,s:I}",
		    "reports", (json_int_t)r->findings_total,
		    "dropped", (json_int_t)r->findings_dropped));
	if (r->peak_rss_kb > 0)
		json_object_set_new(j, "host", json_pack("{s:I}",
		    "peak_rss_kb", (json_int_t)r->peak_rss_kb));
	return j;
}

/*
 * The crash of r as its report names it (the classifier's "report"
 * object): 1 and *c filled if r has one, 0 and *c empty if not.  The
 * strings are r's; run_crash_release() frees only *c's own array.
 */
int
run_record_crash(const struct run_record *r, struct run_crash *c)
{
	const json_t *classes = json_object_get(r->report, "classes");
	size_t i;
	json_t *v;

	memset(c, 0, sizeof(*c));
	if (!json_is_object(r->report))
		return 0;
	c->title = json_string_value(json_object_get(r->report, "title"));
	c->bucket = json_string_value(json_object_get(r->report, "bucket"));
	c->type = json_string_value(json_object_get(r->report, "type"));
	c->frame = json_string_value(json_object_get(r->report, "frame"));
	c->corrupted = json_is_true(json_object_get(r->report, "corrupted"));
	c->classes = xcalloc(json_array_size(classes) + 1, sizeof(char *));
	json_array_foreach(classes, i, v) {
		if (json_is_string(v))
			c->classes[c->nclasses++] = json_string_value(v);
	}
	return 1;
}

void
run_crash_release(struct run_crash *c)
{
	free(c->classes);
	memset(c, 0, sizeof(*c));
}

static char *
dup_key(const json_t *j, const char *key)
{
	const char *s = json_string_value(json_object_get(j, key));

	return s != NULL ? xstrdup(s) : NULL;
}

static void
copy_key(const json_t *j, const char *key, char *dst, size_t n)
{
	snprintf(dst, n, "%s", str_or_empty(json_string_value(
	    json_object_get(j, key))));
}

/* "transfers": what run_record_save() wrote; entries not so are left out */
static void
run_record_load_transfers(const json_t *a, struct run_record *r)
{
	size_t i;
	json_t *e;

	if (!json_is_array(a))
		return;
	json_array_foreach(a, i, e) {
		struct vm_transfer *t;

		if (r->ntransfers == VM_TRANSFERS_MAX)
			break;
		if (!json_is_string(json_object_get(e, "what")) ||
		    !json_is_integer(json_object_get(e, "bytes")))
			continue;
		t = &r->transfers[r->ntransfers++];
		copy_key(e, "what", t->what, sizeof(t->what));
		copy_key(e, "volume", t->volume, sizeof(t->volume));
		t->up = json_is_string(json_object_get(e, "direction")) &&
		    strcmp(json_string_value(json_object_get(e,
		    "direction")), "up") == 0;
		t->bytes = (unsigned long long)json_integer_value(
		    json_object_get(e, "bytes"));
		t->seconds = json_number_value(json_object_get(e, "seconds"));
	}
}

static json_t *
ref_key(const json_t *j, const char *key)
{
	json_t *v = json_object_get(j, key);

	return v != NULL ? json_incref(v) : NULL;
}

/*
 * Fill *r from j, a run.json read from dir (which where names in
 * errors).  0, or -1 after reporting; *r then holds nothing to release.
 */
int
run_record_from_json(const json_t *j, const char *dir, const char *where,
    struct run_record *r)
{
	const json_t *t, *v;
	const char *outcome;

	memset(r, 0, sizeof(*r));
	if (!json_is_object(j))
		return error("'%s': not a run record (not a JSON object)",
		    where);
	if (!json_is_string(json_object_get(j, "id")))
		return error("'%s': not a run record (no run id)", where);
	outcome = json_string_value(json_object_get(j, "outcome"));
	if (outcome == NULL)
		return error("'%s': not a run record (no outcome)", where);
	if (run_outcome_parse(outcome, &r->outcome) != 0)
		return error("'%s': unknown outcome '%s'", where, outcome);

	r->id = dup_key(j, "id");
	r->dir = xstrdup(dir);
	r->scenario = dup_key(j, "scenario");
	r->params = json_is_object(json_object_get(j, "params")) ?
	    ref_key(j, "params") : json_object();
	r->expect = dup_key(j, "expect");
	r->duration_s = (long)json_integer_value(json_object_get(j,
	    "duration_s"));
	r->expected_bug_class = dup_key(j, "expected_bug_class");
	copy_key(j, "reason", r->reason, sizeof(r->reason));
	r->image = dup_key(j, "image");
	copy_key(j, "kernel_release", r->image_release,
	    sizeof(r->image_release));
	copy_key(j, "guest_release", r->guest_release,
	    sizeof(r->guest_release));
	r->cmdline = dup_key(j, "cmdline");
	r->accel = dup_key(j, "accel");
	r->backend = dup_key(j, "backend");
	r->connect = dup_key(j, "connect");
	run_record_load_transfers(json_object_get(j, "transfers"), r);
	r->smp = (int)json_integer_value(json_object_get(j, "smp"));
	r->mem_mb = (int)json_integer_value(json_object_get(j, "mem_mb"));
	r->seed = (unsigned long long)json_integer_value(json_object_get(j,
	    "seed"));
	r->started_at = json_number_value(json_object_get(j, "started_at"));
	r->restored = json_is_true(json_object_get(j,
	    "restored_from_snapshot"));
	t = json_object_get(j, "timings");
	r->agent_ready_s = json_number_value(json_object_get(t,
	    "agent_ready_s"));
	r->total_s = json_number_value(json_object_get(t, "total_s"));
	r->dump_s = json_number_value(json_object_get(t, "dump_s"));
	r->crash_s = json_number_value(json_object_get(t, "crash_s"));
	t = json_object_get(j, "console");
	r->console_bytes = (unsigned long long)json_integer_value(
	    json_object_get(t, "bytes"));
	r->console_logged = (unsigned long long)json_integer_value(
	    json_object_get(t, "logged"));
	r->console_dropped = (unsigned long long)json_integer_value(
	    json_object_get(t, "dropped"));
	t = json_object_get(j, "vmcore");
	if (json_is_object(t)) {
		r->vmcore = xasprintf("%s/%s", dir, str_or_empty(
		    json_string_value(json_object_get(t, "file"))));
		copy_key(t, "source", r->vmcore_source,
		    sizeof(r->vmcore_source));
		copy_key(t, "release", r->vmcore_release,
		    sizeof(r->vmcore_release));
	}
	r->capture_error = dup_key(j, "capture_error");
	r->dump_skipped = json_object_get(j, "dump_skipped") != NULL;
	r->agent_error = dup_key(j, "agent_error");
	r->steps = ref_key(j, "steps");
	t = json_object_get(j, "metrics");
	r->metrics_first = ref_key(t, "first");
	r->metrics_last = ref_key(t, "last");
	t = json_object_get(j, "rates");
	if (json_is_object(t)) {
		r->have_rates = 1;
		for (size_t i = 0; i < ARRAY_SIZE(run_rate_fields); i++) {
			v = json_object_get(t, run_rate_fields[i].name);
			*(double *)((char *)&r->rates +
			    run_rate_fields[i].off) = json_is_number(v) ?
			    json_number_value(v) : -1;
		}
	}
	r->report = ref_key(j, "report");
	run_findings_from_json(j, r);
	r->peak_rss_kb = (long long)json_integer_value(json_object_get(
	    json_object_get(j, "host"), "peak_rss_kb"));
	return 0;
}

static char *
run_record_path(const char *dir)
{
	return xasprintf("%s/" RUN_RECORD_FILE, dir);
}

static int run_record_load_file(const char *dir, char *path,
    struct run_record *r);

/* Write r as r->dir's run.json, atomically.  0, or -1 after reporting. */
int
run_record_save(const struct run_record *r)
{
	char *path = run_record_path(r->dir);
	json_t *j = run_record_to_json(r);
	int rc;

	rc = j != NULL ? json_write_atomic(path, j) :
	    error("cannot write '%s': out of memory", path);
	json_decref(j);
	free(path);
	return rc;
}

/*
 * Read dir's run.json into *r.  0, or -1 after reporting an error that
 * names the file (missing, unreadable, truncated, not a run record).
 */
int
run_record_load(const char *dir, struct run_record *r)
{
	return run_record_load_file(dir, run_record_path(dir), r);
}

/* Read dir's record set aside by run_record_set_aside() into *r. */
int
run_record_load_set_aside(const char *dir, struct run_record *r)
{
	return run_record_load_file(dir, xasprintf("%s/" RUN_RECORD_ASIDE,
	    dir), r);
}

/* Read path, the record of the run in dir, into *r; frees path. */
static int
run_record_load_file(const char *dir, char *path, struct run_record *r)
{
	struct buf b = BUF_INIT;
	json_error_t jerr;
	json_t *j = NULL;
	int rc = -1;

	memset(r, 0, sizeof(*r));
	if (read_file(path, &b, RUN_RECORD_MAX) != 0)
		goto out;	/* reported, with the path */
	j = json_loadb(b.data ? b.data : "", b.len, 0, &jerr);
	if (j == NULL) {
		error("'%s': not a run record: %s (line %d)", path, jerr.text,
		    jerr.line);
		goto out;
	}
	rc = run_record_from_json(j, dir, path, r);
out:
	json_decref(j);
	buf_release(&b);
	free(path);
	return rc;
}

/* Has dir a run.json, i.e. did its run finish? */
int
run_record_exists(const char *dir)
{
	char *path = run_record_path(dir);
	int rc = access(path, R_OK) == 0;

	free(path);
	return rc;
}

/*
 * Set dir's run.json aside: a run that must never be recorded, not even
 * by a resumed campaign (its VM host went away), whose record is still
 * to be read (run_record_load_set_aside()).  0, or -1 after reporting.
 */
int
run_record_set_aside(const char *dir)
{
	char *path = run_record_path(dir);
	char *aside = xasprintf("%s/" RUN_RECORD_ASIDE, dir);
	int rc = 0;

	if (rename(path, aside) != 0)
		rc = error("cannot rename '%s': %s", path, strerror(errno));
	free(path);
	free(aside);
	return rc;
}

/* Copy dir's run.json to f as it is on disk.  0, or -1 after reporting. */
int
run_record_print(const char *dir, FILE *f)
{
	char *path = run_record_path(dir);
	struct buf b = BUF_INIT;
	int rc = read_file(path, &b, RUN_RECORD_MAX);

	if (rc == 0 && b.len > 0)
		fwrite(b.data, 1, b.len, f);
	buf_release(&b);
	free(path);
	return rc;
}

void
run_record_release(struct run_record *r)
{
	free(r->id);
	free(r->dir);
	free(r->scenario);
	json_decref(r->params);
	free(r->expect);
	free(r->expected_bug_class);
	free(r->image);
	free(r->cmdline);
	free(r->accel);
	free(r->backend);
	free(r->connect);
	free(r->vmcore);
	free(r->dmesg);
	free(r->capture_error);
	free(r->agent_error);
	json_decref(r->steps);
	json_decref(r->metrics_first);
	json_decref(r->metrics_last);
	json_decref(r->report);
	run_findings_release(r);
	memset(r, 0, sizeof(*r));
}
