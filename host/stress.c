/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Running a stress campaign: up to jobs VMs at once, each run a child
 * process (one run_scenario() each), every finished run recorded in the
 * database in one transaction, until the campaign's time is spent.
 *
 * Resuming after a kill: the campaign's elapsed time is in the database;
 * runs that finished (run.json written) but were not recorded yet are
 * recorded first; run directories of runs that never finished are
 * removed, so the database and the directories agree.  Seqs below the
 * highest recorded one that have no run (runs finish out of order) are
 * run first.
 *
 * Multi-host campaigns (c->hosts) run each child on a libvirt host: the
 * least loaded one that is up and has a free slot.  A child whose host
 * went away (vm->host_lost) exits EXIT_INFRA and is not recorded; its
 * host is marked down for the rest of the campaign, its run directory
 * removed, and the same seq with the same draw is run on another host,
 * so the database holds every seq once.  Such reruns are made even when
 * the campaign's time is spent.  With every host down the campaign
 * stops with an error; what was recorded stays and --resume goes on.
 */
#include <sys/file.h>
#include <sys/stat.h>

#include <dirent.h>
#include <errno.h>
#include <stdarg.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "util.h"
#include "run.h"
#include "db.h"
#include "campaign.h"

/* A drawn run waiting for a slot: a rerun, or a seq a kill left out. */
struct stress_job {
	long long	 seq;
	struct campaign_draw d;
};

struct stress_slot {
	int		 busy;
	long		 child;		/* its run's index in the pool */
	struct stress_job job;	/* kept until reaped: a lost run reruns it */
	int		 host;		/* index in c->hosts; -1: local */
};

/* A libvirt host of the campaign, as the scheduler sees it. */
struct stress_host {
	const struct campaign_host *h;
	int		 running;
	int		 down;
	long long	 runs;		/* recorded, all sessions */
	long long	 rescheduled;	/* lost with it, rerun elsewhere */
	int		 errors;	/* "error" outcomes in a row there */
	/*
	 * Down because it was lost (not for errors): probed every
	 * STRESS_PROBE_S until it answers.  lost_ids: the runs lost with
	 * it, whose domains may still be there.
	 */
	int		 lost;
	double		 next_probe;
	struct host_probe *probe;
	char		**lost_ids;
	size_t		 nlost_ids;
};

/* How often a lost host is asked whether it is back. */
#define STRESS_PROBE_S		5

/*
 * A host whose daemon answers but where this many runs in a row could
 * not run a VM (outcome "error": the callback unreachable from it, the
 * kernel missing at its path) goes down too, rather than fill the
 * database with error runs.
 */
#define STRESS_HOST_MAX_ERRORS	3

struct stress_state {
	unsigned long long budget;	/* bytes of run directories kept */
	struct campaign	*c;
	struct db	*db;
	long long	 campaign_id;
	const char	*out;
	long long	 runs, crashes, buckets, new_buckets;
	long long	 findings;	/* distinct finding buckets */
	double		 hits;		/* summed hits/s of finished runs */
	double		 t0, elapsed0;
	int		 tty;
	double		 last_line;
	struct stress_host *hosts;	/* c->nhosts of them */
	int		 last_error;	/* the last recorded run was "error" */
	struct stress_job *pending;	/* run these first, lowest seq first */
	size_t		 npending;
	int		 lock_fd;	/* out/.lock, flocked while we run */
	struct run_pool	 pool;		/* the runs going on */
};

/* Per-host counts for the progress line ("" without hosts). */
static void
stress_host_counts(struct stress_state *s, struct buf *b)
{
	for (size_t i = 0; i < s->c->nhosts; i++) {
		struct stress_host *h = &s->hosts[i];

		buf_addf(b, "%s%s: %lld runs", i ? "; " : " [", h->h->label,
		    h->runs);
		if (h->down)
			buf_addstr(b, ", down");
		else
			buf_addf(b, ", %d running", h->running);
		if (h->rescheduled)
			buf_addf(b, ", %lld rescheduled", h->rescheduled);
	}
	if (s->c->nhosts > 0)
		buf_addstr(b, "]");
}

static void
stress_progress(struct stress_state *s, int running, int force)
{
	double el = s->elapsed0 + now_mono() - s->t0;
	double left = s->c->duration_s - el;
	struct buf hosts = BUF_INIT;

	if (left < 0)
		left = 0;
	stress_host_counts(s, &hosts);
	if (s->tty) {
		fprintf(stderr, "\r\033[K[%s] %5.0fs elapsed, %5.0fs left: %lld "
		    "runs (%d running), %lld crashes, %lld buckets, %lld "
		    "findings, %.1f hits/s%s", s->c->name, el, left, s->runs,
		    running, s->crashes, s->buckets, s->findings, s->runs ?
		    s->hits / (double)s->runs : 0, hosts.data ? hosts.data :
		    "");
		fflush(stderr);
	} else if (force || now_mono() - s->last_line >= 30) {
		/* not a terminal: a plain line now and then */
		fprintf(stderr, "racerig: stress %s: %.0fs elapsed, %.0fs left, "
		    "%lld runs, %lld crashes, %lld buckets, %lld findings, "
		    "%.1f hits/s%s\n", s->c->name, el, left, s->runs,
		    s->crashes, s->buckets, s->findings, s->runs ? s->hits /
		    (double)s->runs : 0, hosts.data ? hosts.data : "");
		s->last_line = now_mono();
	}
	buf_release(&hosts);
}

/*
 * An event worth its own line (a host went down): on a terminal it
 * must not be overwritten by the next status line.
 */
static void
stress_say(struct stress_state *s, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void
stress_say(struct stress_state *s, const char *fmt, ...)
{
	va_list ap;

	if (s->tty)
		fprintf(stderr, "\r\033[K");
	fprintf(stderr, "racerig: stress %s: ", s->c->name);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\n");
}

/* Record run, a finished run of the campaign's scenario.  0 or -1. */
static int
stress_record(struct stress_state *s, long long seq, size_t scenario,
    const struct run_record *run)
{
	struct campaign_scenario *cs = &s->c->scenarios[scenario];
	double hits;
	long long nf;
	int nb;

	switch (db_has_run(s->db, run->id)) {
	case 0:
		break;
	case 1:
		return 0;
	default:
		return -1;
	}
	/* finding buckets new to the campaign: asked before it records */
	nf = db_new_findings(s->db, s->campaign_id, run);
	if (cs->hit_metric != NULL &&
	    strcmp(cs->hit_metric, CAMPAIGN_NEW_FINDINGS) == 0)
		hits = nf > 0 ? (double)nf : 0;
	else
		hits = campaign_hits(cs->hit_metric, run);
	nb = db_add_run(s->db, s->campaign_id, seq, run, hits);
	if (nb >= 0) {
		s->runs++;
		s->hits += hits;
		s->last_error = run->outcome == RUN_ERROR;
		if (run->outcome == RUN_CRASHED || run->outcome == RUN_HUNG)
			s->crashes++;
		if (nb == 1) {
			s->buckets++;
			s->new_buckets++;
		}
		if (nf > 0)
			s->findings += nf;
		campaign_learn(cs, run->params, hits, nb == 1);
	}
	return nb < 0 ? -1 : 0;
}

/* What the recorded runs' directories hold: bytes, and vmcores. */
struct stress_du {
	unsigned long long total;
	unsigned long long vmcores;
};

/* Add path and, for a directory, all below it to *du (no symlinks). */
static void
stress_du_walk(const char *path, struct stress_du *du)
{
	const char *base = strrchr(path, '/');
	struct dirent *e;
	struct stat st;
	DIR *d;

	if (lstat(path, &st) != 0)
		return;
	du->total += (unsigned long long)st.st_blocks * 512;
	if (S_ISREG(st.st_mode) && strcmp(base ? base + 1 : path,
	    "vmcore") == 0)
		du->vmcores++;
	if (!S_ISDIR(st.st_mode) || (d = opendir(path)) == NULL)
		return;
	while ((e = readdir(d)) != NULL) {
		char *sub;

		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		sub = xasprintf("%s/%s", path, e->d_name);
		stress_du_walk(sub, du);
		free(sub);
	}
	closedir(d);
}

/* Over the budget in bytes, or (for vmcores) over the count? */
static int
stress_over(const struct stress_state *s, const struct stress_du *du,
    int vmcores)
{
	return du->total > s->budget ||
	    (vmcores && du->vmcores > s->c->max_vmcores);
}

/*
 * Delete file victim of each run in dirs, in order, while the campaign
 * is over its limits.
 */
static void
stress_prune_pass(struct stress_state *s, struct stress_du *du, json_t *dirs,
    const char *victim)
{
	int core = strcmp(victim, "vmcore") == 0;
	size_t i;
	json_t *d;

	json_array_foreach(dirs, i, d) {
		char *f;
		struct stat st;

		if (!stress_over(s, du, core))
			break;
		f = xasprintf("%s/%s", json_string_value(d), victim);
		if (lstat(f, &st) == 0 && S_ISREG(st.st_mode) &&
		    unlink(f) == 0) {
			unsigned long long sz =
			    (unsigned long long)st.st_blocks * 512;

			du->total = du->total > sz ? du->total - sz : 0;
			if (core && du->vmcores > 0)
				du->vmcores--;
		}
		free(f);
	}
}

/*
 * Keep the run directories within the disk budget and the vmcore cap:
 * delete the vmcores, then the logs, of runs that are not the first of
 * their bucket, oldest first; then, if that is not enough, those of the
 * first runs too, oldest first.  The cap is hard because a guest can
 * mint buckets: one that prints a new made-up title every run would
 * otherwise keep a vmcore per run.  run.json and report.json always
 * stay, so every run stays readable and recorded.  Only recorded runs
 * count: runs in progress cannot be pruned, and counting a dump being
 * written would sacrifice a bucket's first vmcore to a transient peak.
 * So the limits hold between runs, exceeded by at most the jobs runs
 * in progress.
 */
static void
stress_prune(struct stress_state *s)
{
	static const char *const victims[] = { "vmcore", "dmesg.txt",
	    "console.log", "metrics.jsonl", "steps.log", NULL };

	struct stress_du du = { 0, 0 };
	json_t *dirs[2];
	size_t i;
	json_t *d;

	dirs[0] = db_prunable_runs(s->db, s->campaign_id, 0);
	dirs[1] = db_prunable_runs(s->db, s->campaign_id, 1);
	for (int firsts = 0; firsts < 2; firsts++)
		json_array_foreach(dirs[firsts], i, d)
			stress_du_walk(json_string_value(d), &du);
	for (int firsts = 0; firsts < 2 && stress_over(s, &du, 1); firsts++)
		for (size_t v = 0; victims[v] != NULL; v++)
			stress_prune_pass(s, &du, dirs[firsts], victims[v]);
	json_decref(dirs[0]);
	json_decref(dirs[1]);
}

/*
 * Hold the campaign's lock (<out>/.lock) for the rest of the campaign:
 * two processes running one campaign would record its seqs twice and
 * the resume of one would delete the other's runs in progress.  The
 * kernel drops the lock when the process dies, however it dies.
 */
static int
stress_lock(struct stress_state *s)
{
	char *path = xasprintf("%s/.lock", s->out);

	s->lock_fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW,
	    0600);
	if (s->lock_fd < 0) {
		error("cannot open '%s': %s", path, strerror(errno));
		free(path);
		return -1;
	}
	if (flock(s->lock_fd, LOCK_EX | LOCK_NB) != 0) {
		if (errno == EWOULDBLOCK)
			error("campaign '%s' is running in another process "
			    "(it holds '%s')", s->c->name, path);
		else
			error("cannot lock '%s': %s", path, strerror(errno));
		close(s->lock_fd);
		s->lock_fd = -1;
		free(path);
		return -1;
	}
	free(path);
	return 0;
}

/*
 * Before resuming: record finished runs the kill left unrecorded, and
 * remove the directories of runs that never finished.
 */
static void
stress_recover(struct stress_state *s)
{
	struct dirent *e;
	DIR *d = opendir(s->out);

	while (d != NULL && (e = readdir(d)) != NULL) {
		char *dir, *seqf;
		struct buf seqb = BUF_INIT;
		long seq = -1;
		struct stat st;
		int ours = 0;

		if (e->d_name[0] == '.')
			continue;
		/*
		 * Only directories named as this campaign's runs are named
		 * are touched: whatever else is here is not ours to delete.
		 */
		for (size_t i = 0; !ours && i < s->c->nscenarios; i++)
			ours = run_id_is(e->d_name, s->c->scenarios[i].name);
		if (!ours || fstatat(dirfd(d), e->d_name, &st,
		    AT_SYMLINK_NOFOLLOW) != 0 || !S_ISDIR(st.st_mode)) {
			warning("resume: leaving '%s/%s' alone: not a run "
			    "directory of campaign '%s'", s->out, e->d_name,
			    s->c->name);
			continue;
		}
		dir = xasprintf("%s/%s", s->out, e->d_name);
		seqf = xasprintf("%s/seq", dir);
		if (read_file(seqf, &seqb, 64) == 0 && seqb.data != NULL)
			parse_long(strtok(seqb.data, "\n"), 0, 1L << 40, &seq);
		buf_release(&seqb);
		if (run_record_exists(dir) && seq >= 0) {
			struct run_record run;

			/* an unreadable record stays, reported, for a person */
			if (run_record_load(dir, &run) == 0) {
				for (size_t i = 0; run.scenario != NULL &&
				    i < s->c->nscenarios; i++) {
					if (strcmp(s->c->scenarios[i].name,
					    run.scenario) == 0) {
						(void)stress_record(s, seq, i,
						    &run);
						break;
					}
				}
				run_record_release(&run);
			}
		} else {
			char *argv[] = { "rm", "-rf", dir, NULL };

			/* a run the kill interrupted: nothing to keep */
			(void)run_command(argv, NULL, NULL, NULL, 60, NULL, 0);
		}
		free(dir);
		free(seqf);
	}
	if (d != NULL)
		closedir(d);
}

/* Queue job to run before new seqs; the queue stays sorted by seq. */
static void
stress_push(struct stress_state *s, struct stress_job *job)
{
	size_t i = s->npending;

	s->pending = xrealloc(s->pending, (s->npending + 1) *
	    sizeof(*s->pending));
	while (i > 0 && s->pending[i - 1].seq > job->seq) {
		s->pending[i] = s->pending[i - 1];
		i--;
	}
	s->pending[i] = *job;
	s->npending++;
	memset(job, 0, sizeof(*job));
}

/*
 * The host for the next run: the up host with a free slot and the
 * smallest share of its capacity in use (the first listed on a tie).
 * -1 if there is none.
 */
static int
stress_pick_host(struct stress_state *s)
{
	int best = -1;

	for (size_t i = 0; i < s->c->nhosts; i++) {
		struct stress_host *h = &s->hosts[i];

		if (h->down || h->running >= h->h->capacity)
			continue;
		if (best < 0 || (double)h->running / h->h->capacity <
		    (double)s->hosts[best].running /
		    s->hosts[best].h->capacity)
			best = (int)i;
	}
	return best;
}

/*
 * Start job in a child process on host (-1: local QEMU).  The slot takes
 * the job over, also when the fork fails.
 */
static int
stress_start(struct stress_state *s, struct stress_job *job,
    struct stress_slot *slot, int host)
{
	struct campaign_draw *d = &job->d;
	struct campaign_scenario *cs = &s->c->scenarios[d->scenario];
	struct run_opts o;

	slot->job = *job;
	memset(job, 0, sizeof(*job));
	slot->host = host;
	run_opts_init(&o);
	o.scenario = cs->name;
	o.params = slot->job.d.params;
	o.nparams = slot->job.d.nparams;
	o.image = s->c->kernels[slot->job.d.kernel];
	o.smp = s->c->smp;
	o.duration_s = cs->duration_s;
	o.seed = slot->job.d.seed;
	o.seed_set = 1;
	o.out_dir = s->out;
	o.seq = slot->job.seq;
	o.in_campaign = 1;
	o.snapshot = s->c->snapshot;
	if (host >= 0) {
		o.backend = "libvirt";
		o.connect = s->c->hosts[host].uri;
		o.callback = s->c->hosts[host].callback;
		o.shared_storage = s->c->hosts[host].shared_storage;
	}
	slot->child = run_pool_start(&s->pool, &o);
	if (slot->child < 0)
		return -1;
	slot->busy = 1;
	if (host >= 0)
		s->hosts[host].running++;
	return 0;
}

/* Remove dir, a run directory of this campaign (checked: rm -rf). */
static void
stress_remove_run(struct stress_state *s, const char *dir)
{
	size_t n = strlen(s->out);
	char *argv[] = { "rm", "-rf", (char *)dir, NULL };

	if (strncmp(dir, s->out, n) != 0 || dir[n] != '/' ||
	    strchr(dir + n + 1, '/') != NULL || strstr(dir, "..") != NULL) {
		warning("not removing '%s': not a run directory of '%s'", dir,
		    s->out);
		return;
	}
	(void)run_command(argv, NULL, NULL, NULL, 60, NULL, 0);
}

/* Take host h out of the campaign (once), saying why. */
static void
stress_host_down(struct stress_state *s, struct stress_host *h,
    const char *reason)
{
	size_t up = 0;

	if (h->down)
		return;
	h->down = 1;
	for (size_t i = 0; i < s->c->nhosts; i++)
		up += !s->hosts[i].down;
	stress_say(s, "host %s is down, no runs there for now, %zu host%s left: "
	    "%s", h->h->label, up, up == 1 ? "" : "s", reason);
}

/*
 * The run in slot lost its host: the host goes down, the run directory
 * goes, and the job is queued to run again elsewhere.
 */
static void
stress_lost(struct stress_state *s, struct stress_slot *slot,
    const struct run_record *run)
{
	struct stress_host *h = &s->hosts[slot->host];
	const char *base = strrchr(run->dir, '/');

	/* its domain may outlive the connection: destroyed when back */
	h->lost_ids = xrealloc(h->lost_ids, (h->nlost_ids + 1) *
	    sizeof(*h->lost_ids));
	h->lost_ids[h->nlost_ids++] = xstrdup(base ? base + 1 : run->dir);
	stress_remove_run(s, run->dir);
	stress_host_down(s, h, run->reason[0] ? run->reason : "lost");
	if (!h->lost) {
		h->lost = 1;
		h->next_probe = now_mono() + STRESS_PROBE_S;
	}
	h->rescheduled++;
	stress_say(s, "run %lld was lost with host %s: rescheduled (%lld "
	    "rescheduled from it so far)", slot->job.seq, h->h->label,
	    h->rescheduled);
	stress_push(s, &slot->job);
}

/* What a run on a host moved through libvirt storage, a line each. */
static void
stress_say_transfers(struct stress_state *s, const struct stress_host *h,
    const struct run_record *run)
{
	for (size_t i = 0; i < run->ntransfers; i++) {
		const struct vm_transfer *t = &run->transfers[i];

		stress_say(s, "%s %s %s (%.1f MiB) %s %s in %.2f s", t->up ?
		    "uploaded" : "downloaded", t->what, t->volume,
		    (double)t->bytes / 1048576, t->up ? "to" : "from",
		    h->h->label, t->seconds);
	}
}

/*
 * Lost hosts: start a probe when one is due, take the answers of those
 * that came.  A host that answers is back in the campaign, the domains
 * of its lost runs destroyed.
 */
static void
stress_probe_hosts(struct stress_state *s)
{
	for (size_t i = 0; i < s->c->nhosts; i++) {
		struct stress_host *h = &s->hosts[i];
		struct buf said = BUF_INIT;
		int back = 0;

		if (!h->lost)
			continue;
		if (h->probe == NULL && now_mono() >= h->next_probe) {
			h->probe = host_probe_start(h->h->uri, h->h->label,
			    h->lost_ids, h->nlost_ids);
			h->next_probe = now_mono() + STRESS_PROBE_S;
		}
		if (h->probe == NULL || host_probe_poll(h->probe, &back,
		    &said) == 0)
			continue;
		h->probe = NULL;
		for (char *line = said.data, *nl; line != NULL && *line;
		    line = nl + 1) {
			nl = strchr(line, '\n');
			if (nl == NULL)
				break;
			*nl = '\0';
			stress_say(s, "%s", line);
		}
		buf_release(&said);
		if (!back)
			continue;
		for (size_t k = 0; k < h->nlost_ids; k++)
			free(h->lost_ids[k]);
		h->nlost_ids = 0;
		h->lost = h->down = 0;
		h->errors = 0;
		stress_say(s, "host %s is back: runs go there again",
		    h->h->label);
	}
}

/* The run in slot ended as res says: record or reschedule it. */
static void
stress_reap(struct stress_state *s, struct stress_slot *slot,
    const struct run_child_result *res)
{
	if (slot->host >= 0) {
		s->hosts[slot->host].running--;
		stress_say_transfers(s, &s->hosts[slot->host], &res->rec);
	}
	if (slot->host >= 0 && res->how == RUN_CHILD_LOST)
		stress_lost(s, slot, &res->rec);
	else if (res->how == RUN_CHILD_DONE) {
		long long before = s->runs;

		(void)stress_record(s, slot->job.seq, slot->job.d.scenario,
		    &res->rec);
		if (slot->host >= 0) {
			struct stress_host *h = &s->hosts[slot->host];

			h->runs += s->runs - before;
			h->errors = s->runs > before && s->last_error ?
			    h->errors + 1 : 0;
			if (h->errors >= STRESS_HOST_MAX_ERRORS)
				stress_host_down(s, h, "the last runs there "
				    "could not run a VM (outcome error; see "
				    "their run directories)");
		}
		stress_prune(s);
	} else
		warning("run %lld of campaign '%s' ended without a result",
		    slot->job.seq, s->c->name);
	campaign_draw_release(&slot->job.d);
	slot->busy = 0;
}

/*
 * Start runs in free slots: queued jobs first (even when the time is
 * spent: they were started within it), then new seqs while time is
 * left.  Returns how many were started.
 */
static int
stress_fill(struct stress_state *s, struct stress_slot *slots, int nslots,
    long long *seq, double el)
{
	int started = 0;

	for (int i = 0; i < nslots; i++) {
		struct stress_job job;
		int host = -1;

		if (slots[i].busy)
			continue;
		if (s->npending == 0 && el >= s->c->duration_s)
			break;
		if (s->c->nhosts > 0 && (host = stress_pick_host(s)) < 0)
			break;
		if (s->npending > 0) {
			job = s->pending[0];
			memmove(s->pending, s->pending + 1, (s->npending - 1) *
			    sizeof(*s->pending));
			s->npending--;
		} else {
			job.seq = (*seq)++;
			campaign_draw(s->c, job.seq, &job.d);
		}
		if (stress_start(s, &job, &slots[i], host) == 0)
			started++;
		else {
			/* no pipe or no fork: try it again later */
			stress_push(s, &slots[i].job);
			slots[i].busy = 0;
			break;
		}
	}
	return started;
}

/* Are all hosts down (never, without hosts)? */
static int
stress_all_down(struct stress_state *s)
{
	for (size_t i = 0; i < s->c->nhosts; i++) {
		if (!s->hosts[i].down)
			return 0;
	}
	return s->c->nhosts > 0;
}

/*
 * Run (or resume) campaign c, recording into db.  Returns the number of
 * new buckets found (>= 0) or -1 (reported), also when every host of a
 * multi-host campaign went down: what was recorded stays, and --resume
 * continues it.
 */
int
stress_run(struct campaign *c, struct db *db, const char *out_root,
    int resume)
{
	struct stress_state s;
	struct stress_slot *slots = NULL;
	unsigned long long seed;
	long long seq, *missing;
	size_t nmissing;
	int resumed, running = 0, nslots = 0, rc = -1;

	memset(&s, 0, sizeof(s));
	run_pool_init(&s.pool, RUN_POOL_QUIET | RUN_POOL_SET_ASIDE_LOST);
	s.lock_fd = -1;
	s.c = c;
	s.db = db;
	s.budget = c->disk_budget_mb ? c->disk_budget_mb << 20 :
	    4ULL << 30;
	/* campaign_load() checked it; the directory below relies on it */
	if (!campaign_name_ok(c->name))
		return error("bad campaign name '%s'", c->name);
	s.out = xasprintf("%s/%s", out_root, c->name);
	if (mkdir_p(s.out, 0755) != 0 || stress_lock(&s) != 0) {
		free((char *)s.out);
		return -1;
	}
	s.campaign_id = db_campaign(db, c->name, c->file, c->seed,
	    c->duration_s, c->mode, &resumed, &s.elapsed0, &seed);
	if (s.campaign_id < 0)
		goto cleanup;
	if (resumed && !resume) {
		error("campaign '%s' exists in the database: use --resume to "
		    "continue it", c->name);
		goto cleanup;
	}
	c->seed = seed;
	if (resumed)
		stress_recover(&s);
	/* what was recorded before counts towards the totals shown */
	s.runs = db_campaign_runs(db, s.campaign_id, &seq, &missing,
	    &nmissing);
	if (s.runs < 0)
		goto cleanup;
	s.findings = db_campaign_findings(db, s.campaign_id);
	if (s.findings < 0)
		s.findings = 0;
	for (size_t i = 0; i < nmissing; i++) {
		struct stress_job job;

		job.seq = missing[i];
		campaign_draw(c, job.seq, &job.d);
		stress_push(&s, &job);
	}
	free(missing);
	if (c->nhosts > 0) {
		s.hosts = xcalloc(c->nhosts, sizeof(*s.hosts));
		json_t *done = summary_hosts(db, s.campaign_id), *e;
		size_t k;

		for (size_t i = 0; i < c->nhosts; i++) {
			s.hosts[i].h = &c->hosts[i];
			nslots += c->hosts[i].capacity;
			/* a resumed campaign counts what it ran before */
			json_array_foreach(done, k, e) {
				if (strcmp(json_string_value(json_object_get(e,
				    "host")), c->hosts[i].uri) == 0)
					s.hosts[i].runs = json_integer_value(
					    json_object_get(e, "runs"));
			}
		}
		json_decref(done);
	} else {
		if (c->jobs < 1)
			c->jobs = 1;
		if (c->jobs > 16)
			c->jobs = 16;
		nslots = c->jobs;
	}
	slots = xcalloc((size_t)nslots, sizeof(*slots));
	s.t0 = now_mono();
	s.tty = isatty(2);
	if (c->nhosts > 0)
		fprintf(stderr, "racerig: stress %s: %s, %zu kernels x %zu "
		    "scenarios, %zu libvirt hosts, %d runs at once, %.0f s%s\n",
		    c->name, c->mode, c->nkernels, c->nscenarios, c->nhosts,
		    nslots, c->duration_s - s.elapsed0, resumed ?
		    " left (resumed)" : "");
	else
		fprintf(stderr, "racerig: stress %s: %s, %zu kernels x %zu "
		    "scenarios, %d jobs, %.0f s%s\n", c->name, c->mode,
		    c->nkernels, c->nscenarios, c->jobs, c->duration_s -
		    s.elapsed0, resumed ? " left (resumed)" : "");
	if (nmissing > 0)
		fprintf(stderr, "racerig: stress %s: %zu seq%s below %lld "
		    "had no recorded run: run first\n", c->name, nmissing,
		    nmissing == 1 ? "" : "s", seq);
	for (;;) {
		double el = s.elapsed0 + now_mono() - s.t0;
		struct run_child_result res;

		stress_probe_hosts(&s);
		if (!stress_all_down(&s))
			running += stress_fill(&s, slots, nslots, &seq, el);
		if (running == 0)
			break;
		if (run_pool_reap(&s.pool, 0, &res) == 1) {
			for (int i = 0; i < nslots; i++) {
				if (slots[i].busy && slots[i].child ==
				    res.index) {
					stress_reap(&s, &slots[i], &res);
					running--;
				}
			}
			run_child_result_release(&res);
		} else
			usleep(200000);
		(void)db_campaign_progress(db, s.campaign_id,
		    el < c->duration_s ? el : c->duration_s, 0);
		stress_progress(&s, running, 0);
	}
	if (s.tty)
		fprintf(stderr, "\n");
	if (stress_all_down(&s)) {
		double el = s.elapsed0 + now_mono() - s.t0;

		(void)db_campaign_progress(db, s.campaign_id,
		    el < c->duration_s ? el : c->duration_s, 0);
		stress_progress(&s, 0, 1);
		error("campaign '%s': every host is down; %lld runs are "
		    "recorded, %zu lost runs were not run again (--resume "
		    "goes on when a host is back)", c->name, s.runs,
		    s.npending);
		goto cleanup;
	}
	(void)db_campaign_progress(db, s.campaign_id, c->duration_s, 1);
	stress_progress(&s, 0, 1);
	rc = (int)s.new_buckets;
cleanup:
	for (size_t i = 0; i < s.npending; i++)
		campaign_draw_release(&s.pending[i].d);
	free(s.pending);
	for (size_t i = 0; s.hosts != NULL && i < c->nhosts; i++) {
		host_probe_abandon(s.hosts[i].probe);
		for (size_t k = 0; k < s.hosts[i].nlost_ids; k++)
			free(s.hosts[i].lost_ids[k]);
		free(s.hosts[i].lost_ids);
	}
	free(s.hosts);
	free(slots);
	run_pool_release(&s.pool);
	free((char *)s.out);
	if (s.lock_fd >= 0)
		close(s.lock_fd);
	return rc;
}
