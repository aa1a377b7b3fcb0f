/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Campaigns (campaign.c, stress.c): kernels x scenarios x parameter
 * ranges, their draws, and the loop that runs them.
 */
#ifndef RACERIG_CAMPAIGN_H
#define RACERIG_CAMPAIGN_H

#include "util.h"

struct run_record;

struct db;

/* A campaign (campaign.c): kernels x scenarios x parameter ranges. */
#define CAMPAIGN_CORPUS	16	/* parameter sets kept per scenario */

struct campaign_kept {
	json_t		*params;	/* {"k": "v"} */
	double		 hits;
};

/* The hit metric that counts a run's finding buckets new to its campaign. */
#define CAMPAIGN_NEW_FINDINGS	"new_findings"

struct campaign_scenario {
	char		*name;
	json_t		*params;	/* specs: [min, max], [values], value */
	long		 duration_s;	/* 0: the scenario's */
	char		*hit_metric;	/* NULL: none; CAMPAIGN_NEW_FINDINGS */
	struct campaign_kept *corpus;	/* guided mode */
	size_t		 ncorpus;
};

/*
 * A libvirt host of a multi-host campaign.  label is the URI's host part
 * (or the whole URI of a local one), for progress lines.
 */
struct campaign_host {
	char		*uri;
	char		*callback;	/* NULL: unix sockets (local URI) */
	char		*label;
	int		 capacity;	/* runs at once */
	int		 shared_storage;	/* "storage": "shared" */
};

#define CAMPAIGN_MAX_CAPACITY	32	/* per host */
#define CAMPAIGN_NAME_MAX	64	/* characters of a campaign's name */
#define CAMPAIGN_SMP_MAX	64	/* vCPUs of a campaign's guests */
#define CAMPAIGN_DURATION_MAX	(366 * 86400)	/* seconds */
/* disk_budget_mb << 20 must not overflow: 16 TiB at most */
#define CAMPAIGN_BUDGET_MAX_MB	(1LL << 24)
#define CAMPAIGN_VMCORES_DEFAULT 64	/* vmcores a campaign keeps */
#define CAMPAIGN_VMCORES_MAX	100000
#define CAMPAIGN_MAX_SLOTS	64	/* runs at once, all hosts */
#define CAMPAIGN_MAX_FILE	(1024 * 1024)	/* bytes of a campaign file */

struct campaign {
	char		*name;
	char		*file;
	double		 duration_s;
	int		 jobs;		/* 0: from host cores and memory */
	int		 smp;		/* 0: the scenario's */
	unsigned long long seed;
	char		*mode;		/* random or guided */
	char		*db_path;
	char		*out_dir;
	unsigned long long disk_budget_mb;	/* 0: 4 GiB */
	unsigned long long max_vmcores;	/* vmcores kept at most */
	char		**kernels;
	size_t		 nkernels;
	struct campaign_scenario *scenarios;
	size_t		 nscenarios;
	struct campaign_host *hosts;	/* none: local QEMU, jobs VMs */
	size_t		 nhosts;
	int		 snapshot;	/* runs start from a snapshot */
};

/* One run's draw from a campaign. */
struct campaign_draw {
	size_t		 scenario;
	size_t		 kernel;
	unsigned long long seed;
	char		**params;	/* "k=v" */
	size_t		 nparams;
	int		 guided;	/* mutated from a kept set */
};

/* campaign.c */
unsigned long long campaign_rand(unsigned long long *state);
int		 campaign_name_ok(const char *name);
int		 campaign_load(const char *path, struct campaign *c);
int		 campaign_parse(const char *path, const char *text, size_t len,
		     struct campaign *c);
void		 campaign_release(struct campaign *c);
void		 campaign_draw(struct campaign *c, long long seq,
		     struct campaign_draw *d);
void		 campaign_draw_release(struct campaign_draw *d);
double		 campaign_hits(const char *metric,
		     const struct run_record *run);
void		 campaign_learn(struct campaign_scenario *cs, json_t *params,
		     double hits, int new_bucket);

/*
 * stress-probe.c: is a lost libvirt host back?  Asked on a thread;
 * host_probe_poll() returns 1 once answered (then *back, and what the
 * probe did in *said; the probe is gone), 0 before.  An abandoned probe
 * finishes on its own.  NULL from start: no thread (try again later).
 */
struct host_probe;
struct host_probe *host_probe_start(const char *uri, const char *label,
		     char *const *ids, size_t nids);
int		 host_probe_poll(struct host_probe *p, int *back,
		     struct buf *said);
void		 host_probe_abandon(struct host_probe *p);

/* stress.c */
int		 stress_run(struct campaign *c, struct db *db,
		     const char *out_root, int resume);

#endif
