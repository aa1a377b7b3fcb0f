/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Running a stress campaign: up to jobs VMs at once, each run a child
 * process (one run_scenario() each), every finished run recorded in the
 * database in one transaction, until the campaign's time is spent.
 *
 * Resuming after a kill: the campaign's elapsed time is in the database;
 * runs that finished (run.json written) but were not recorded yet are
 * recorded first; run directories of runs that never finished are
 * removed, so the database and the directories agree.
 */
#include <sys/prctl.h>
#include <sys/stat.h>
#include <ftw.h>
#include <sys/wait.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "host.h"

struct stress_slot {
	pid_t		 pid;
	long long	 seq;
	size_t		 scenario;
	int		 fd;		/* the child writes its run dir here */
};

struct stress_state {
	unsigned long long budget;	/* bytes of run directories kept */
	struct campaign	*c;
	struct db	*db;
	long long	 campaign_id;
	const char	*out;
	long long	 runs, crashes, buckets, new_buckets;
	double		 hits;		/* summed hits/s of finished runs */
	double		 t0, elapsed0;
	int		 tty;
	double		 last_line;
};

static void
stress_progress(struct stress_state *s, int running, int force)
{
	double el = s->elapsed0 + now_mono() - s->t0;
	double left = s->c->duration_s - el;

	if (left < 0)
		left = 0;
	if (s->tty) {
		fprintf(stderr, "\r\033[K[%s] %5.0fs elapsed, %5.0fs left: %lld "
		    "runs (%d running), %lld crashes, %lld buckets, %.1f hits/s",
		    s->c->name, el, left, s->runs, running, s->crashes,
		    s->buckets, s->runs ? s->hits / (double)s->runs : 0);
		fflush(stderr);
	} else if (force || now_mono() - s->last_line >= 30) {
		/* not a terminal: a plain line now and then */
		fprintf(stderr, "racerig: stress %s: %.0fs elapsed, %.0fs left, "
		    "%lld runs, %lld crashes, %lld buckets, %.1f hits/s\n",
		    s->c->name, el, left, s->runs, s->crashes, s->buckets,
		    s->runs ? s->hits / (double)s->runs : 0);
		s->last_line = now_mono();
	}
}

/* Record the run in dir (finished: it has run.json).  0 or -1. */
static int
stress_record(struct stress_state *s, long long seq, size_t scenario,
    const char *dir)
{
	char *path = xasprintf("%s/run.json", dir);
	json_error_t jerr;
	json_t *run = json_load_file(path, 0, &jerr);
	struct campaign_scenario *cs = &s->c->scenarios[scenario];
	double hits;
	int nb;

	free(path);
	if (run == NULL)
		return error("run '%s' left no readable run.json: %s", dir,
		    jerr.text);
	if (db_has_run(s->db, json_string_value(json_object_get(run, "id")))) {
		json_decref(run);
		return 0;
	}
	hits = campaign_hits(cs->hit_metric, dir, run);
	nb = db_add_run(s->db, s->campaign_id, seq, dir, run, hits);
	if (nb >= 0) {
		const char *o = json_string_value(json_object_get(run,
		    "outcome"));

		s->runs++;
		s->hits += hits;
		if (o != NULL && (strcmp(o, "crashed") == 0 ||
		    strcmp(o, "hung") == 0))
			s->crashes++;
		if (nb == 1) {
			s->buckets++;
			s->new_buckets++;
		}
		campaign_learn(cs, json_object_get(run, "params"), hits,
		    nb == 1);
	}
	json_decref(run);
	return nb < 0 ? -1 : 0;
}

static unsigned long long du_total;

static int
du_add(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)path;
	(void)flag;
	(void)ftw;
	du_total += (unsigned long long)st->st_blocks * 512;
	return 0;
}

/*
 * Keep the run directories within the disk budget: delete the vmcores,
 * then the logs, of runs that are not the first of their bucket, oldest
 * first.  The first vmcore and logs of every bucket are always kept.
 */
static void
stress_prune(struct stress_state *s)
{
	static const char *const victims[] = { "vmcore", "dmesg.txt",
	    "console.log", "metrics.jsonl", NULL };

	du_total = 0;
	if (nftw(s->out, du_add, 16, FTW_PHYS) != 0 || du_total <= s->budget)
		return;
	for (size_t v = 0; victims[v] != NULL && du_total > s->budget; v++) {
		json_t *dirs = db_prunable_runs(s->db, s->campaign_id);
		size_t i;
		json_t *d;

		json_array_foreach(dirs, i, d) {
			char *f = xasprintf("%s/%s", json_string_value(d),
			    victims[v]);
			struct stat st;

			if (stat(f, &st) == 0 && unlink(f) == 0) {
				unsigned long long sz =
				    (unsigned long long)st.st_blocks * 512;

				du_total = du_total > sz ? du_total - sz : 0;
			}
			free(f);
			if (du_total <= s->budget)
				break;
		}
		json_decref(dirs);
	}
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
		char *dir, *json, *seqf;
		struct buf seqb = BUF_INIT;
		long seq = -1;

		if (e->d_name[0] == '.')
			continue;
		dir = xasprintf("%s/%s", s->out, e->d_name);
		json = xasprintf("%s/run.json", dir);
		seqf = xasprintf("%s/seq", dir);
		if (read_file(seqf, &seqb, 64) == 0 && seqb.data != NULL)
			parse_long(strtok(seqb.data, "\n"), 0, 1L << 40, &seq);
		buf_release(&seqb);
		if (access(json, R_OK) == 0 && seq >= 0) {
			json_error_t jerr;
			json_t *run = json_load_file(json, 0, &jerr);
			const char *sc = json_string_value(json_object_get(run,
			    "scenario"));

			for (size_t i = 0; sc != NULL &&
			    i < s->c->nscenarios; i++) {
				if (strcmp(s->c->scenarios[i].name, sc) == 0) {
					(void)stress_record(s, seq, i, dir);
					break;
				}
			}
			json_decref(run);
		} else {
			char *argv[] = { "rm", "-rf", dir, NULL };

			/* a run the kill interrupted: nothing to keep */
			(void)run_command(argv, NULL, NULL, NULL, 60, NULL, 0);
		}
		free(dir);
		free(json);
		free(seqf);
	}
	if (d != NULL)
		closedir(d);
}

/* Start run seq in a child process. */
static int
stress_start(struct stress_state *s, long long seq, struct stress_slot *slot)
{
	struct campaign_draw d;
	int pfd[2];
	pid_t pid;

	campaign_draw(s->c, seq, &d);
	if (pipe(pfd) != 0) {
		campaign_draw_release(&d);
		return error("cannot create a pipe: %s", strerror(errno));
	}
	fflush(NULL);
	pid = fork();
	if (pid == 0) {
		struct campaign_scenario *cs = &s->c->scenarios[d.scenario];
		struct run_opts o;
		struct run_result r;
		int devnull = open("/dev/null", O_WRONLY);

		close(pfd[0]);
		/* if the campaign is killed, its runs die with it */
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		if (getppid() == 1)
			_exit(EXIT_INFRA);
		/* the parent owns the terminal; children's chatter goes */
		if (devnull >= 0)
			dup2(devnull, 2);
		memset(&o, 0, sizeof(o));
		o.scenario = cs->name;
		o.params = d.params;
		o.nparams = d.nparams;
		o.image = s->c->kernels[d.kernel];
		o.smp = s->c->smp;
		o.duration_s = cs->duration_s;
		o.seed = d.seed;
		o.seed_set = 1;
		o.out_dir = s->out;
		o.boot_timeout_s = 120;
		o.heartbeat_timeout_s = 30;
		o.seq = seq;
		o.in_campaign = 1;
		if (run_scenario(&o, &r) != 0)
			_exit(EXIT_INFRA);
		dprintf(pfd[1], "%s\n", r.dir);
		_exit(0);
	}
	close(pfd[1]);
	campaign_draw_release(&d);
	if (pid < 0) {
		close(pfd[0]);
		return error("cannot fork: %s", strerror(errno));
	}
	slot->pid = pid;
	slot->seq = seq;
	slot->scenario = d.scenario;
	slot->fd = pfd[0];
	return 0;
}

static void
stress_reap(struct stress_state *s, struct stress_slot *slot)
{
	char line[1024] = "";
	ssize_t n = read(slot->fd, line, sizeof(line) - 1);

	if (n > 0) {
		line[n] = '\0';
		line[strcspn(line, "\n")] = '\0';
		(void)stress_record(s, slot->seq, slot->scenario, line);
		stress_prune(s);
	} else
		warning("run %lld of campaign '%s' ended without a result",
		    slot->seq, s->c->name);
	close(slot->fd);
	slot->pid = 0;
}

/*
 * Run (or resume) campaign c, recording into db.  Returns the number of
 * new buckets found (>= 0) or -1 (reported).
 */
int
stress_run(struct campaign *c, struct db *db, const char *out_root,
    int resume)
{
	struct stress_state s;
	struct stress_slot slots[16];
	unsigned long long seed;
	long long seq;
	int resumed, running = 0;

	memset(&s, 0, sizeof(s));
	memset(slots, 0, sizeof(slots));
	s.c = c;
	s.db = db;
	s.budget = c->disk_budget_mb ? c->disk_budget_mb << 20 :
	    4ULL << 30;
	s.campaign_id = db_campaign(db, c->name, c->file, c->seed,
	    c->duration_s, c->mode, &resumed, &s.elapsed0, &seed);
	if (s.campaign_id < 0)
		return -1;
	if (resumed && !resume)
		return error("campaign '%s' exists in the database: use "
		    "--resume to continue it", c->name);
	c->seed = seed;
	s.out = xasprintf("%s/%s", out_root, c->name);
	if (mkdir_p(s.out, 0755) != 0)
		return -1;
	if (resumed)
		stress_recover(&s);
	seq = db_campaign_runs(db, s.campaign_id);
	/* what was recorded before counts towards the totals shown */
	s.runs = seq;
	if (c->jobs < 1)
		c->jobs = 1;
	if (c->jobs > 16)
		c->jobs = 16;
	s.t0 = now_mono();
	s.tty = isatty(2);
	fprintf(stderr, "racerig: stress %s: %s, %zu kernels x %zu scenarios, "
	    "%d jobs, %.0f s%s\n", c->name, c->mode, c->nkernels,
	    c->nscenarios, c->jobs, c->duration_s - s.elapsed0,
	    resumed ? " left (resumed)" : "");
	for (;;) {
		double el = s.elapsed0 + now_mono() - s.t0;
		int st;
		pid_t pid;

		for (int i = 0; i < c->jobs && el < c->duration_s; i++) {
			if (slots[i].pid == 0 &&
			    stress_start(&s, seq, &slots[i]) == 0) {
				seq++;
				running++;
			}
		}
		if (running == 0)
			break;
		pid = waitpid(-1, &st, WNOHANG);
		if (pid > 0) {
			for (int i = 0; i < c->jobs; i++) {
				if (slots[i].pid == pid) {
					stress_reap(&s, &slots[i]);
					running--;
				}
			}
		} else
			usleep(200000);
		(void)db_campaign_progress(db, s.campaign_id,
		    el < c->duration_s ? el : c->duration_s, 0);
		stress_progress(&s, running, 0);
	}
	(void)db_campaign_progress(db, s.campaign_id, c->duration_s, 1);
	if (s.tty)
		fprintf(stderr, "\n");
	stress_progress(&s, 0, 1);
	free((char *)s.out);
	return (int)s.new_buckets;
}
