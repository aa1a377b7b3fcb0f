/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Run a stress campaign ("racerig stress CAMPAIGN [--resume]"), on local
 * QEMU or on the libvirt hosts the campaign lists.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "util.h"
#include "db.h"
#include "campaign.h"
#include "cmd.h"

/* Default jobs: one VM per host core, and no more than memory allows. */
static int
stress_default_jobs(int smp)
{
	long cores = sysconf(_SC_NPROCESSORS_ONLN);
	long pages = sysconf(_SC_PHYS_PAGES), psize = sysconf(_SC_PAGESIZE);
	long mem_mb = pages > 0 && psize > 0 ? pages / 1024 * psize / 1024 : 0;
	long by_mem = mem_mb > 0 ? (mem_mb - 2048) / 1536 : 1;
	/* TCG vCPUs are host threads: two per core is still useful */
	long jobs = cores * 2 / (smp > 0 ? smp : 2);

	if (jobs > by_mem)
		jobs = by_mem;
	return jobs < 1 ? 1 : (int)jobs;
}

char *
stress_db_path(const char *arg)
{
	return arg != NULL ? xstrdup(arg) :
	    xasprintf("%s/results.db", cache_dir());
}

struct stress_opts {
	int		 resume;
	const char	*db;
	const char	*out;
	int		 jobs;
	long		 duration;
};

/* Defaults are cmd_stress_exec()'s, after the campaign file's. */
static const struct cmd_opt stress_opts[] = {
	OPT_FLAG(0, "resume", struct stress_opts, resume,
	    "Go on with a campaign that stopped: record the runs that "
	    "finished, remove those that never did, and go on for the rest "
	    "of its time."),
	OPT_STRING(0, "db", "FILE", struct stress_opts, db,
	    "the campaign's \"db\", else CACHE/results.db",
	    "The results database runs are recorded in."),
	OPT_STRING(0, "out", "DIR", struct stress_opts, out, "CACHE/campaigns",
	    "Where the campaign's run directories are made."),
	OPT_INT(0, "jobs", "N", struct stress_opts, jobs, 1, 16,
	    "the campaign's \"jobs\", else from host cores and memory",
	    "Runs at once; not with a campaign of libvirt hosts (their "
	    "capacities add up)."),
	OPT_LONG(0, "duration", "S", struct stress_opts, duration, 1,
	    7 * 86400, "the campaign's \"duration_s\"",
	    "How long the campaign runs, in seconds."),
	OPT_OPERANDS(1, 1, "CAMPAIGN.json"),
	OPT_END()
};

static int
cmd_stress_exec(int argc, char **argv)
{
	struct stress_opts o = { 0 };
	struct campaign c;
	struct db *db;
	char *dbp, *outp;
	int first, rc;

	if ((first = parse_options(argc, argv, stress_opts, &o, 0)) < 0)
		return EXIT_USAGE;
	if (campaign_load(argv[first], &c) != 0)
		return EXIT_USAGE;
	if (o.jobs > 0 && c.nhosts > 0) {
		error("--jobs does not go with a campaign of hosts (runs at "
		    "once are the sum of their capacities)");
		campaign_release(&c);
		return EXIT_USAGE;
	}
	if (o.jobs > 0)
		c.jobs = o.jobs;
	if (c.jobs == 0 && c.nhosts == 0)
		c.jobs = stress_default_jobs(c.smp ? c.smp : 2);
	if (o.duration > 0)
		c.duration_s = (double)o.duration;
	dbp = stress_db_path(o.db ? o.db : c.db_path);
	outp = o.out ? xstrdup(o.out) : xasprintf("%s/campaigns", cache_dir());
	if ((db = db_open(dbp)) == NULL) {
		rc = EXIT_INFRA;
		goto cleanup;
	}
	rc = stress_run(&c, db, outp, o.resume);
	if (rc >= 0)
		printf("campaign %s: done; %d new bucket%s; database %s\n",
		    c.name, rc, rc == 1 ? "" : "s", dbp);
	rc = rc < 0 ? EXIT_INFRA : EXIT_PASS;
	db_close(db);
cleanup:
	free(dbp);
	free(outp);
	campaign_release(&c);
	return rc;
}

static const struct cmd_example stress_examples[] = {
	{ "racerig stress ci/nightly-campaign.json --duration 3600",
	    "Run the nightly campaign for an hour." },
	{ "racerig stress ci/nightly-campaign.json --resume",
	    "Finish it after an interruption." },
	{ NULL, NULL }
};

const struct cmd_entry cmd_stress_entry = {
	.name = "stress",
	.usage = "racerig stress CAMPAIGN.json [--resume] [--db FILE] "
	    "[--out DIR] [--jobs N] [--duration S]",
	.help = "run a campaign of parameter-fuzzed runs in parallel VMs",
	.exec = cmd_stress_exec,
	.description = "Run the campaign file: for its duration, runs of its "
	    "scenarios on its kernels with parameters drawn from their ranges "
	    "(random mode) or mutated from the parameter sets that raised "
	    "the race-hit metric or found a bucket (guided mode), in parallel "
	    "VMs on this machine or on the libvirt hosts the file lists. "
	    "Every run is recorded in the database with its seed and "
	    "parameters, so \"racerig run --replay\" repeats it; crashes are "
	    "bucketed, and disk_budget_mb and max_vmcores bound what the run "
	    "directories keep. See host/campaign.c for the file's fields. "
	    "Exits 0 when the campaign ran, whatever it found: \"racerig "
	    "report\" tells.",
	.opts = stress_opts,
	.examples = stress_examples,
};
