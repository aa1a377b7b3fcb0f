/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A repro plan from the report itself: which source areas of the kernel
 * the report's frames are in, which scenarios exercise those areas (and
 * with which parameters), and which of the frames can widen a race
 * window by delay injection.
 *
 * A frame's area comes from the target kernel: a function of a module
 * is placed by the module's path (the image's module-symbols, written
 * by images/build-image from the modules' symbol tables); one of
 * vmlinux (System.map) or one the target kernel lacks by its name
 * (host/kernel-areas.rules).  Scenarios declare what they exercise
 * ("exercises" in scenario.json); the seed scenarios also score by bug
 * class and signature frames (repro_score(), repro.c).
 *
 * The report is untrusted text: its function names are only compared
 * with names from the kernel's own files and the rules, and only names
 * found in the target kernel become injection points.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "util.h"
#include "scenario.h"
#include "image.h"
#include "report.h"
#include "run.h"
#include "repro.h"

#define PLAN_MAX_FRAMES		160	/* of the report, every CPU's */
#define PLAN_MAX_CANDS		8	/* workload candidates kept */

/* Frames that say nothing about where a race is. */
static const char *const plan_generic[] = {
	"do_syscall_64", "entry_SYSCALL_64_after_hwframe", "entry_SYSCALL_64",
	"ret_from_fork", "ret_from_fork_asm", "kthread", "worker_thread",
	"process_one_work", "__warn", "warn_slowpath_fmt", "report_bug",
	"handle_bug", "exc_invalid_op", "asm_exc_invalid_op", "die",
	"oops_end", "page_fault_oops", "exc_page_fault", "asm_exc_page_fault",
	"do_user_addr_fault", "__do_softirq", "do_softirq", "irq_exit_rcu",
	"__irq_exit_rcu", "sysvec_apic_timer_interrupt",
	"asm_sysvec_apic_timer_interrupt", "dump_stack", "dump_stack_lvl",
	"panic", "__schedule", "schedule", "smpboot_thread_fn",
	"run_ksoftirqd", "exc_general_protection",
	"asm_exc_general_protection", "__x64_sys_ioctl", "x64_sys_call",
	NULL,
};

/* ... and the sanitizers' own reporting and bookkeeping. */
static const char *const plan_generic_prefix[] = {
	"kasan_", "__kasan_", "kcsan_", "__kcsan_", "ubsan_", "__ubsan_",
	"__asan_", "__tsan_", "print_report", "print_address_description",
	"check_memory_region", "__sysvec_", "sysvec_", "delay_tsc",
	"__const_udelay", "__udelay", NULL,
};

static int
plan_generic_frame(const char *fn)
{
	for (size_t i = 0; plan_generic[i] != NULL; i++) {
		if (strcmp(plan_generic[i], fn) == 0)
			return 1;
	}
	for (size_t i = 0; plan_generic_prefix[i] != NULL; i++) {
		if (strncmp(plan_generic_prefix[i], fn,
		    strlen(plan_generic_prefix[i])) == 0)
			return 1;
	}
	return 0;
}

/* Area rules: longest prefix wins. */
struct plan_rule {
	char	*area;
	char	*prefix;
};

static int
plan_rules_load(struct plan_rule **out, size_t *n)
{
	const char *env = getenv("RACERIG_AREAS");
	char *path = env ? xstrdup(env) : xasprintf("%s/host/kernel-areas.rules",
	    source_dir());
	FILE *f = fopen(path, "re");
	char line[2048];

	*out = NULL;
	*n = 0;
	if (f == NULL) {
		error("cannot read the kernel areas '%s'", path);
		free(path);
		return -1;
	}
	while (fgets(line, sizeof(line), f) != NULL) {
		char *save = NULL, *area = strtok_r(line, " \t\n", &save), *p;

		if (area == NULL || *area == '#')
			continue;
		while ((p = strtok_r(NULL, " \t\n", &save)) != NULL) {
			*out = xrealloc(*out, (*n + 1) * sizeof(**out));
			(*out)[*n].area = xstrdup(area);
			(*out)[(*n)++].prefix = xstrdup(p);
		}
	}
	fclose(f);
	free(path);
	return 0;
}

static void
plan_rules_release(struct plan_rule *r, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(r[i].area);
		free(r[i].prefix);
	}
	free(r);
}

static const char *
plan_area_by_name(const struct plan_rule *r, size_t n, const char *fn)
{
	const char *best = NULL;
	size_t bestlen = 0;

	for (size_t i = 0; i < n; i++) {
		size_t l = strlen(r[i].prefix);

		if (l > bestlen && strncmp(fn, r[i].prefix, l) == 0) {
			best = r[i].area;
			bestlen = l;
		}
	}
	return best;
}

/* Is the image's System.map a real one (Debian ships a one-line stub)? */
static int
plan_real_map(const char *imgdir)
{
	char *path = xasprintf("%s/System.map", imgdir), line[256];
	FILE *f = fopen(path, "re");
	int n = 0;

	while (f != NULL && n < 1000 && fgets(line, sizeof(line), f) != NULL)
		n++;
	if (f != NULL)
		fclose(f);
	free(path);
	return n >= 1000;
}

/* A function name as a kernel prints it, and nothing else. */
static int
plan_ident(const char *s, size_t n)
{
	if (n == 0 || n > 127)
		return 0;
	for (size_t i = 0; i < n; i++) {
		if (!isalnum((unsigned char)s[i]) && s[i] != '_' && s[i] != '.')
			return 0;
	}
	return 1;
}

/*
 * imgdir/kallsyms, the names of vmlinux's functions one a line, read
 * off a guest of the image once (scenario kallsyms) and kept: Debian's
 * System.map is a stub.  The guest's lines are checked to be names.
 * 0, or -1 (reported).
 */
static int
plan_kallsyms(const char *imgdir, const char *image, FILE *out)
{
	char *path = xasprintf("%s/kallsyms", imgdir), *tmp, *log;
	struct run_child_result *res;
	struct run_opts o;
	char line[512];
	FILE *in, *w;
	size_t n, names = 0;
	int rc = -1;

	if (access(path, R_OK) == 0) {
		free(path);
		return 0;
	}
	fprintf(out, "reading the kernel's function names off a guest (the "
	    "image's System.map is a stub)\n");
	fflush(out);
	run_opts_init(&o);
	o.scenario = "kallsyms";
	o.image = image;
	n = run_pool_batch(&o, 1, &res);
	if (n != 1 || res[0].how != RUN_CHILD_DONE ||
	    res[0].rec.outcome != RUN_OK) {
		error("could not read the kernel's function names: the "
		    "kallsyms run did not end ok%s%s", n == 1 ? " in " : "",
		    n == 1 && res[0].rec.dir ? res[0].rec.dir : "");
		goto out;
	}
	log = xasprintf("%s/steps.log", res[0].rec.dir);
	in = fopen(log, "re");
	free(log);
	tmp = xasprintf("%s/.kallsyms.tmp", imgdir);
	w = fopen(tmp, "we");
	while (in != NULL && w != NULL && fgets(line, sizeof(line), in)) {
		size_t l = strcspn(line, "\n");

		if (strncmp(line, "[1:out] ", 8) == 0 &&
		    plan_ident(line + 8, l - 8)) {
			fprintf(w, "%.*s\n", (int)(l - 8), line + 8);
			names++;
		}
	}
	if (in != NULL)
		fclose(in);
	if (w == NULL || fclose(w) != 0 || names < 1000 ||
	    rename(tmp, path) != 0) {
		error("could not keep the kernel's function names in '%s' (%zu "
		    "read)", path, names);
		unlink(tmp);
	} else
		rc = 0;
	free(tmp);
out:
	for (size_t i = 0; i < n; i++)
		run_child_result_release(&res[i]);
	free(res);
	free(path);
	return rc;
}

/*
 * Where each frame is in the image's kernel: vmlinux's functions from
 * System.map ("ADDR T NAME") or, where that is a stub, kallsyms
 * ("NAME"); modules' from module-symbols ("NAME MODULE-PATH").  Each
 * file is read once, every frame looked up in each line.
 */
static void
plan_locate(const char *imgdir, int real_map, struct repro_frame *fr,
    size_t n)
{
	char *path = xasprintf("%s/%s", imgdir, real_map ? "System.map" :
	    "kallsyms"), line[512];
	FILE *f = fopen(path, "re");

	while (f != NULL && fgets(line, sizeof(line), f) != NULL) {
		char type = 'T', name[256];

		if (real_map ? sscanf(line, "%*s %c %255s", &type,
		    name) != 2 : sscanf(line, "%255s", name) != 1)
			continue;
		if (type != 't' && type != 'T')
			continue;
		for (size_t i = 0; i < n; i++) {
			if (!fr[i].located && strcmp(fr[i].fn, name) == 0) {
				fr[i].located = 1;
				snprintf(fr[i].where, sizeof(fr[i].where),
				    "vmlinux");
			}
		}
	}
	if (f != NULL)
		fclose(f);
	free(path);
	path = xasprintf("%s/module-symbols", imgdir);
	f = fopen(path, "re");
	while (f != NULL && fgets(line, sizeof(line), f) != NULL) {
		char name[256], mod[200];

		if (sscanf(line, "%255s %199s", name, mod) != 2)
			continue;
		for (size_t i = 0; i < n; i++) {
			const char *slash = strrchr(mod, '/');

			if (fr[i].located || strcmp(fr[i].fn, name) != 0)
				continue;
			fr[i].located = 1;
			snprintf(fr[i].module, sizeof(fr[i].module), "%.63s",
			    slash ? slash + 1 : mod);
			/* the module's directory is its area */
			snprintf(fr[i].area, sizeof(fr[i].area), "%.*s",
			    slash ? (int)(slash - mod) > 63 ? 63 :
			    (int)(slash - mod) : 0, mod);
			snprintf(fr[i].where, sizeof(fr[i].where),
			    "module %.63s", fr[i].module);
		}
	}
	if (f != NULL)
		fclose(f);
	free(path);
}

/* Add fn (a report frame) once; weight adds up over repeats. */
static void
plan_add_frame(struct repro_plan *p, const char *fn, int weight)
{
	for (size_t i = 0; i < p->nframes; i++) {
		if (strcmp(p->frames[i].fn, fn) == 0) {
			p->frames[i].weight += weight;
			return;
		}
	}
	if (p->nframes == PLAN_MAX_FRAMES || plan_generic_frame(fn))
		return;
	p->frames = xrealloc(p->frames, (p->nframes + 1) * sizeof(*p->frames));
	memset(&p->frames[p->nframes], 0, sizeof(*p->frames));
	snprintf(p->frames[p->nframes].fn, sizeof(p->frames[0].fn), "%s", fn);
	p->frames[p->nframes++].weight = weight;
}

/* Is area a the exercised area x, or inside it? */
static int
plan_area_in(const char *a, const char *x)
{
	size_t l = strlen(x);

	return strncmp(a, x, l) == 0 && (a[l] == '\0' || a[l] == '/');
}

/* Is module mod among a scenario image's "modules" (a JSON list)? */
static int
plan_loads(const json_t *modules, const char *mod)
{
	const json_t *m;
	size_t i;
	int yes = 0;

	json_array_foreach(modules, i, m) {
		const char *v = json_string_value(m);
		size_t k;

		/* names use _ or - alike */
		for (k = 0; v != NULL && v[k] && mod[k]; k++) {
			if (v[k] != mod[k] && !((v[k] == '_' || v[k] == '-') &&
			    (mod[k] == '_' || mod[k] == '-')))
				break;
		}
		if (v != NULL && v[k] == '\0' && mod[k] == '\0')
			yes = 1;
	}
	return yes;
}

static void
plan_add_cand(struct repro_plan *p, const char *scenario,
    char *const *params, size_t nparams, int score, const char *why)
{
	struct repro_cand *c;

	p->cands = xrealloc(p->cands, (p->ncands + 1) * sizeof(*p->cands));
	c = &p->cands[p->ncands++];
	memset(c, 0, sizeof(*c));
	c->scenario = xstrdup(scenario);
	c->params = xcalloc(nparams + 1, sizeof(char *));
	for (size_t i = 0; i < nparams; i++)
		c->params[c->nparams++] = xstrdup(params[i]);
	c->score = score;
	snprintf(c->why, sizeof(c->why), "%s", why);
}

/*
 * Does the plan have scenario with exactly params already (two areas a
 * scenario aims the same way, stress-ng's ipc and kernel/futex)?
 */
static int
plan_has(const struct repro_plan *p, const char *scenario, char *const *params,
    size_t nparams)
{
	for (size_t k = 0; k < p->ncands; k++) {
		const struct repro_cand *c = &p->cands[k];
		size_t i;

		if (strcmp(c->scenario, scenario) != 0 || c->nparams != nparams)
			continue;
		for (i = 0; i < nparams && strcmp(c->params[i], params[i]) == 0;
		    i++)
			;
		if (i == nparams)
			return 1;
	}
	return 0;
}

/*
 * Scenario s's exercises that hold frames of the plan, each a candidate
 * scored by the frame weight in its area, each frame counting as many
 * times as the area is deep ("net/netfilter" twice, "net" once), with a
 * reason naming the frames.  Returns how many were added; why (n bytes)
 * gets the best one's reason.
 */
static int
plan_add_exercises(struct repro_plan *p, const struct scenario *s, char *why,
    size_t n)
{
	int added = 0, top = 0;

	for (size_t x = 0; x < s->nexercises; x++) {
		const struct scenario_exercise *e = &s->exercises[x];
		int w = 0, depth = 1, shown = 0;
		char reason[256];
		struct buf b = BUF_INIT;

		for (const char *c = e->area; *c; c++)
			depth += *c == '/';
		for (size_t i = 0; i < p->nframes; i++) {
			if (p->frames[i].area[0] == '\0' ||
			    !plan_area_in(p->frames[i].area, e->area))
				continue;
			w += p->frames[i].weight;
			if (shown++ < 3)
				buf_addf(&b, "%s%s", shown > 1 ? ", " : "",
				    p->frames[i].fn);
		}
		if (w > 0) {
			snprintf(reason, sizeof(reason), "exercises %s, where "
			    "%d of the report's frames %s (%s%s)", e->area,
			    shown, shown == 1 ? "is" : "are", b.data,
			    shown > 3 ? ", ..." : "");
			if (w * depth * 10 + depth > top) {
				top = w * depth * 10 + depth;
				snprintf(why, n, "%s", reason);
			}
			/* a deeper area aims closer */
			if (!plan_has(p, s->name, e->params, e->nparams)) {
				plan_add_cand(p, s->name, e->params,
				    e->nparams, w * depth * 10 + depth,
				    reason);
				added++;
			}
		}
		buf_release(&b);
	}
	return added;
}

int
repro_plan_make(const struct report *r, const char *log, size_t len,
    const char *image, struct repro_plan *p, FILE *out)
{
	struct plan_rule *rules;
	struct image img;
	char **names, why[256];
	size_t nrules, nnames;
	int real_map;

	memset(p, 0, sizeof(*p));
	if (plan_rules_load(&rules, &nrules) != 0)
		return -1;
	if (image_open(image, &img) != 0) {
		plan_rules_release(rules, nrules);
		return -1;
	}
	/*
	 * The guilty frame counts three times; the stack's frames (all of
	 * them, not only those the title needed) and other CPUs' once.
	 */
	if (r->frame != NULL)
		plan_add_frame(p, r->frame, 2);
	for (size_t i = 0; i < r->nframes; i++)
		plan_add_frame(p, r->frames[i], 1);
	{
		char (*fns)[128] = xcalloc(PLAN_MAX_FRAMES, 128);
		size_t nf = report_span_frames(log, len, r->start, r->end, fns,
		    PLAN_MAX_FRAMES);

		for (size_t i = 0; i < nf; i++) {
			size_t k;

			/* the report's own frames were counted already */
			for (k = 0; k < r->nframes && strcmp(r->frames[k],
			    fns[i]) != 0; k++)
				;
			if (k == r->nframes)
				plan_add_frame(p, fns[i], 1);
		}
		free(fns);
	}
	for (size_t c = 0; c < r->others.n; c++) {
		for (size_t i = 0; !r->others.cpu[c].user &&
		    i < r->others.cpu[c].nframes; i++)
			plan_add_frame(p, r->others.cpu[c].frames[i], 1);
	}
	real_map = plan_real_map(img.dir);
	/* without the names, vmlinux's frames stay unplaced: a poorer plan */
	if (!real_map && plan_kallsyms(img.dir, image, out) != 0)
		fprintf(out, "(the kernel's own functions are not known: its "
		    "frames are placed by name only, and none is an injection "
		    "point)\n");
	plan_locate(img.dir, real_map, p->frames, p->nframes);
	fprintf(out, "frames (where they are in %s):\n", img.release);
	for (size_t i = 0; i < p->nframes; i++) {
		struct repro_frame *f = &p->frames[i];
		const char *a;

		if (f->area[0] == '\0' && (a = plan_area_by_name(rules, nrules,
		    f->fn)) != NULL)
			snprintf(f->area, sizeof(f->area), "%s", a);
		fprintf(out, "  %-32s %-24s %s\n", f->fn, f->area[0] ? f->area :
		    "-", f->located ? f->where : "not in the target kernel");
		/* injection points: in the kernel, in a known area */
		if (f->located && f->area[0] != '\0' &&
		    p->ninject < REPRO_PLAN_MAX_INJECT)
			p->inject[p->ninject++] = f;
	}
	plan_rules_release(rules, nrules);
	fprintf(out, "scenarios considered:\n");
	if (scenario_list(&names, &nnames) != 0) {
		image_release(&img);
		return -1;
	}
	for (size_t i = 0; i < nnames; i++) {
		struct scenario s;
		int seed = repro_score(r, names[i], why, sizeof(why));

		if (seed > 0) {
			plan_add_cand(p, names[i], NULL, 0, 1000 + seed, why);
			fprintf(out, "  %-20s candidate: %s\n", names[i], why);
			continue;
		}
		if (seed < 0 || scenario_load(names[i], &s) != 0) {
			fprintf(out, "  %-20s rejected: %s\n", names[i], why);
			continue;
		}
		if (plan_add_exercises(p, &s, why, sizeof(why)) > 0)
			fprintf(out, "  %-20s candidate: %s\n", names[i], why);
		else
			fprintf(out, "  %-20s rejected: %s\n", names[i],
			    s.nexercises > 0 ? "exercises none of the "
			    "report's areas" : why);
		scenario_release(&s);
	}
	for (size_t i = 0; i < nnames; i++)
		free(names[i]);
	free(names);
	/* best first */
	for (size_t i = 1; i < p->ncands; i++) {
		for (size_t j = i; j > 0 && p->cands[j].score >
		    p->cands[j - 1].score; j--) {
			struct repro_cand t = p->cands[j];

			p->cands[j] = p->cands[j - 1];
			p->cands[j - 1] = t;
		}
	}
	while (p->ncands > PLAN_MAX_CANDS)
		repro_cand_release(&p->cands[--p->ncands]);
	/* an injection point in a module serves the scenarios loading it */
	for (size_t k = 0; k < p->ncands; k++) {
		struct scenario s;
		json_t *root;

		if (scenario_load(p->cands[k].scenario, &s) != 0)
			continue;
		p->cands[k].injectable = scenario_param(&s, "inject_symbol") !=
		    NULL;
		/* scenario.c leaves "image" to image.c: read its modules here */
		root = json_load_file(s.file, 0, NULL);
		for (size_t j = 0; j < p->ninject; j++)
			p->cands[k].inject_ok[j] = p->cands[k].injectable &&
			    (p->inject[j]->module[0] == '\0' ||
			    plan_loads(json_object_get(json_object_get(root,
			    "image"), "modules"), p->inject[j]->module));
		json_decref(root);
		scenario_release(&s);
	}
	image_release(&img);
	repro_plan_print(p, out);
	return 0;
}

void
repro_plan_print(const struct repro_plan *p, FILE *out)
{
	if (p->ncands == 0)
		return;
	fprintf(out, "plan:\n");
	for (size_t k = 0; k < p->ncands; k++) {
		const struct repro_cand *c = &p->cands[k];

		fprintf(out, "  %zu. %s", k + 1, c->scenario);
		for (size_t i = 0; i < c->nparams; i++)
			fprintf(out, " %s", c->params[i]);
		fprintf(out, ": %s\n", c->why);
		for (size_t j = 0; j < p->ninject; j++) {
			if (c->inject_ok[j])
				fprintf(out, "     then with a delay injected "
				    "at %s (entry, %d us, 1 call in %d)\n",
				    p->inject[j]->fn, REPRO_INJECT_DELAY_US,
				    1000 / REPRO_INJECT_PERMILLE);
		}
	}
}

void
repro_cand_release(struct repro_cand *c)
{
	free(c->scenario);
	for (size_t i = 0; i < c->nparams; i++)
		free(c->params[i]);
	free(c->params);
	memset(c, 0, sizeof(*c));
}

void
repro_plan_release(struct repro_plan *p)
{
	for (size_t i = 0; i < p->ncands; i++)
		repro_cand_release(&p->cands[i]);
	free(p->cands);
	free(p->frames);
	memset(p, 0, sizeof(*p));
}
