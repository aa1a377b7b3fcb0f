/* SPDX-License-Identifier: GPL-2.0 */
/*
 * One run, from plan to verdict: what to run and its plan (run-plan.c),
 * the loop and the verdict (run.c, metrics.c), the record of how it
 * ended and what it produced (run-record.c), and child runs several at
 * a time (run-pool.c).
 */
#ifndef RACERIG_RUN_H
#define RACERIG_RUN_H

#include "util.h"
#include "scenario.h"
#include "vm.h"

/* Rates from sampled /proc counters, per second of guest time. */
struct metrics_rates {
	double		 seconds;	/* guest time between the samples */
	double		 clash_per_s;	/* conntrack clash_resolve; -1: n/a */
	double		 insert_failed_per_s;
	double		 net_rx_per_s;	/* NET_RX softirqs, all CPUs */
};

/* How a run ended (names: run-record.c). */
enum run_outcome {
	RUN_OK,
	RUN_CRASHED,
	RUN_HUNG,
	RUN_BOOT_FAILED,
	RUN_LOST,
	RUN_FAILED,
	RUN_ERROR,		/* racerig or the host failed, not the kernel */
	/*
	 * A step marked "workload" (stress-ng, trinity, a traffic mix) died,
	 * was OOM-killed or exited other than expected while the kernel
	 * stayed up: the workload's verdict, not the kernel's.
	 */
	RUN_WORKLOAD_FAILED,
};

struct run_record;
struct report;
struct report_cpus;
struct run_programs;

/*
 * A report the kernel printed and went on from (a WARNING, a KCSAN data
 * race, a KASAN or UBSAN report, lockdep, a stall): one per bucket, in
 * the order first seen (run-classify.c).  The run's outcome is what the
 * kernel did; its findings are listed beside it.
 */
struct run_finding {
	char		*title;
	char		*bucket;
	char		*text;		/* the first one's report, bounded */
	unsigned long	 count;		/* reports of this bucket in the run */
	double		 uptime_s;	/* its printk time; -1: none */
};

/*
 * Bounds on a run's findings: a guest can print reports without end,
 * and neither the host's memory nor run.json may grow with it.  Reports
 * past RUN_FINDINGS_SCAN are not read; buckets past RUN_FINDINGS_MAX
 * are counted, not kept.
 */
#define RUN_FINDINGS_MAX	64
#define RUN_FINDING_TEXT	8192
#define RUN_FINDINGS_SCAN	100000

/* The run's own defaults (run-plan.c: run_opts_init()). */
#define RUN_BOOT_TIMEOUT_S	120	/* boot to the agent's HELLO */
#define RUN_HEARTBEAT_TIMEOUT_S	30	/* between the agent's heartbeats */

/*
 * What to run (run.c).  Start from run_opts_init(); zero values mean
 * "the scenario's default".
 */
struct run_opts {
	const char	*scenario;
	char		**params;	/* "k=v" */
	size_t		 nparams;
	const char	*image;
	const char	*backend;
	const char	*connect;	/* libvirt URI, --backend libvirt */
	const char	*callback;	/* our address for a remote URI */
	int		 shared_storage;	/* remote, but paths are shared */
	const char	*accel;
	int		 smp;
	int		 mem_mb;
	long		 duration_s;
	const char	*out_dir;	/* parent of run directories */
	unsigned long long seed;
	int		 seed_set;
	const char	*dump;		/* "qemu" (default), "kdump", "none" */
	const char	*extra_cmdline;
	size_t		 console_limit;
	long		 boot_timeout_s;
	long		 heartbeat_timeout_s;
	int		 boot_only;	/* stop once the agent is ready */
	int		 snapshot;	/* start from a boot-once snapshot */
	int		 raw_channel;	/* steps get the agent port as fd 3 */
	int		 verbose;	/* echo step output to stderr */
	int		 in_campaign;	/* write seq into the run dir */
	long long	 seq;		/* the run's number in its campaign */
	/* called about every 200 ms while the run goes on */
	void		(*progress)(void *arg, const struct run_record *r,
			    double elapsed_s);
	void		*progress_arg;
};

/*
 * What a run was and how it ended (run-record.c): filled by run.c, saved
 * as the run directory's run.json and recorded as the database's runs
 * row; one record under three names.  run_record_release() frees it.
 */
struct run_record {
	char		*id;
	char		*dir;
	char		*scenario;
	json_t		*params;	/* {"name": "value"}, every parameter */
	char		*expect;	/* the scenario's expected outcome */
	long		 duration_s;
	char		*expected_bug_class;	/* NULL: the scenario has none */
	enum run_outcome outcome;
	char		 reason[512];
	char		*image;
	char		 image_release[128];
	char		 guest_release[128];
	char		*cmdline;
	char		*accel;
	char		*backend;	/* vm_ops name */
	char		*connect;	/* libvirt URI; NULL: local */
	int		 smp;
	int		 mem_mb;
	unsigned long long seed;
	double		 started_at;
	int		 host_lost;	/* RUN_ERROR: the VM host went away */
	double		 agent_ready_s;
	int		 restored;	/* started from a snapshot */
	double		 crash_s;
	double		 dump_s;
	double		 total_s;
	unsigned long long console_bytes;
	unsigned long long console_logged;
	unsigned long long console_dropped;
	char		*vmcore;	/* its path; NULL: none */
	char		 vmcore_source[16];	/* "qemu", "kdump" */
	char		 vmcore_release[128];
	char		*dmesg;
	char		*capture_error;
	int		 dump_skipped;	/* too little disk for a vmcore */
	char		*agent_error;
	json_t		*steps;		/* what each step did, in order */
	json_t		*metrics_first;	/* first and last /proc samples */
	json_t		*metrics_last;
	json_t		*report;	/* report_to_json() of the crash */
	struct run_finding *findings;	/* at most RUN_FINDINGS_MAX */
	size_t		 nfindings;
	unsigned long	 findings_total;	/* reports, repeats included */
	unsigned long	 findings_dropped;	/* of buckets past the max */
	struct metrics_rates rates;	/* over the whole run */
	int		 have_rates;	/* rates is set (the run sampled) */
	long long	 peak_rss_kb;	/* racerig's own; 0: unknown */
	/* --storage volumes: what went to and came from the VM host */
	struct vm_transfer transfers[VM_TRANSFERS_MAX];
	size_t		 ntransfers;
	/* while the run goes on only; never saved */
	struct metrics_rates live;	/* between the last two samples */
	int		 have_live;
	unsigned long	 findings_live;	/* report headers seen so far */
};

/* One step of a plan, expanded and ready to send (run-plan.c). */
struct run_step {
	const struct scenario_step *def;	/* background, workload, ... */
	char		**argv;		/* NULL-terminated */
	char		**env;		/* NULL-terminated */
	int		*cpus;		/* the CPUs it may run on; none: any */
	size_t		 ncpus;
	long		 timeout_s;
	char		*command;	/* argv joined, for the logs */
};

/*
 * A run checked and decided before its VM starts (run-plan.c):
 * run_plan_make() fills it, run_plan_release() frees it.
 */
struct run_plan {
	struct scenario	 sc;		/* duration_s: the run's own */
	int		 loaded;	/* sc is to be released */
	struct param_values vals;
	int		 smp;
	int		 mem_mb;
	unsigned long long seed;
	struct run_step	*steps;		/* sc.nsteps of them */
	size_t		 nsteps;
};

/* metrics.c */
int		 metrics_conntrack_sum(const char *text, const char *name,
		     const char *alias, unsigned long long *sum);
int		 metrics_softirq_sum(const char *text, const char *name,
		     unsigned long long *sum);
void		 metrics_rates(json_t *first, json_t *last,
		     struct metrics_rates *out);

/* A run's crash, as its report names it (run_record_crash()). */
struct run_crash {
	const char	*title;		/* NULL: none; the record's strings */
	const char	*bucket;
	const char	*type;
	const char	*frame;
	const char	**classes;	/* root-cause classes, first is main */
	size_t		 nclasses;
	int		 corrupted;
};

/* run-record.c */
const char	*run_outcome_name(enum run_outcome o);
int		 run_outcome_parse(const char *name, enum run_outcome *o);
int		 run_record_rate(const struct run_record *r, const char *name,
		     double *v);
void		 run_record_each_rate(const struct run_record *r,
		     void (*fn)(void *arg, const char *name, double v),
		     void *arg);
int		 run_record_crash(const struct run_record *r,
		     struct run_crash *c);
void		 run_crash_release(struct run_crash *c);
json_t		*run_record_to_json(const struct run_record *r);
int		 run_record_from_json(const json_t *j, const char *dir,
		     const char *where, struct run_record *r);
int		 run_record_save(const struct run_record *r);
int		 run_record_load(const char *dir, struct run_record *r);
int		 run_record_exists(const char *dir);
int		 run_record_set_aside(const char *dir);
int		 run_record_load_set_aside(const char *dir,
		     struct run_record *r);
int		 run_record_print(const char *dir, FILE *f);
void		 run_record_release(struct run_record *r);

/* run-classify.c */
int		 run_crash_report(const char *log, size_t len,
		     enum run_outcome o, struct report *out);
void		 run_findings_collect(struct run_record *r, const char *log,
		     size_t len, size_t crash_start);
void		 run_findings_release(struct run_record *r);
void		 run_classify(struct run_record *r,
		     const struct run_programs *progs);

/*
 * What ran in the guest's user space (run-symbols.c): the scenario's
 * programs, built under source_dir()/build, and the initramfs that
 * carried them, so that a CPU caught in one of them can be named.
 */
struct run_programs {
	const struct scenario	*sc;
	const char		*initrd;
};
void		 run_user_frames(struct report_cpus *oc,
		     const struct run_programs *progs);

/* run-print.c */
/* Print r for a person on stdout: outcome, crash, rates, its directory. */
void		 run_print(const struct run_record *r);
/*
 * A struct run_opts progress callback: a status line on stderr, redrawn
 * each second; arg is a double, the elapsed time last drawn.
 */
void		 run_print_progress(void *arg, const struct run_record *r,
		     double elapsed);

/* run-plan.c */
void		 run_opts_init(struct run_opts *o);
int		 run_plan_make(const struct run_opts *o, struct run_plan *p);
void		 run_plan_release(struct run_plan *p);
int		 run_make_dir(const struct run_opts *o, const char *name,
		     struct run_record *r);
int		 run_id_is(const char *name, const char *scenario);
int		 run_make_kdump_disk(const char *dir, int mem_mb, char **path);
char		*run_cmdline(const struct run_opts *o,
		     const struct scenario *sc, const char *image_cmdline);

/* run.c */
int		 run_planned(const struct run_opts *o, const struct run_plan *p,
		     struct run_record *r);
int		 run_scenario(const struct run_opts *o, struct run_record *r);

/* run-pool.c: child runs, each with its own VM */
#define RUN_POOL_QUIET		0x1	/* children's stderr to /dev/null */
#define RUN_POOL_SET_ASIDE_LOST	0x2	/* a lost run's record: no resume's */

struct run_child {
	pid_t		 pid;		/* 0: a free entry */
	int		 fd;		/* the child writes its run dir here */
};

struct run_pool {
	struct run_child *kids;
	size_t		 nkids;
	size_t		 running;
	int		 flags;		/* RUN_POOL_* */
};

/* How a child run ended (run_pool_reap()). */
struct run_child_result {
	long		 index;		/* run_pool_start()'s */
	enum {
		RUN_CHILD_FAILED,	/* not carried out; rec is empty */
		RUN_CHILD_DONE,		/* rec is the run's record */
		RUN_CHILD_LOST,		/* its VM host went away; rec too */
	}		 how;
	struct run_record rec;
};

void		 run_pool_init(struct run_pool *p, int flags);
long		 run_pool_start(struct run_pool *p, const struct run_opts *o);
int		 run_pool_reap(struct run_pool *p, int block,
		     struct run_child_result *res);
void		 run_child_result_release(struct run_child_result *res);
void		 run_pool_release(struct run_pool *p);
size_t		 run_pool_batch(const struct run_opts *o, size_t k,
		     struct run_child_result **res);

#endif
