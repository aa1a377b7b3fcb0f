/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Scenarios (scenario.c): a loaded, validated scenario.json, its
 * parameters and steps, and the values of one run.
 */
#ifndef RACERIG_SCENARIO_H
#define RACERIG_SCENARIO_H

#include "util.h"

/* A scenario parameter (scenario.c). */
enum param_type {
	PARAM_INT,
	PARAM_CHOICE,
	PARAM_SYMBOL,	/* a kernel function's name, or "none" */
};

/* The longest kernel function name a PARAM_SYMBOL takes. */
#define SCENARIO_SYMBOL_MAX	63

struct scenario_param {
	char		*name;
	enum param_type	 type;
	char		*def;		/* default, as text */
	long		 min, max;	/* PARAM_INT */
	char		**values;	/* PARAM_CHOICE */
	size_t		 nvalues;
	char		*help;
	int		 is_cpus;	/* value lists guest CPUs: "0,1", "2-3" */
	long		 per_vcpu_max;	/* > 0: value <= this * vCPUs */
};

/* One step of a scenario, still unexpanded (${var} intact). */
struct scenario_step {
	char		**argv;
	size_t		 argc;
	char		**env;
	size_t		 nenv;
	int		 cpus_all;
	int		*cpus;
	size_t		 ncpus;
	char		*timeout;	/* NULL: the run's limit */
	int		 background;
	int		 raw_channel;	/* fd 3 is the agent port (tests) */
	int		 expect_exit;
	int		 workload;	/* its failure is no kernel verdict */
};

/*
 * When a model's crash counts as reproducing a report (scenario.json's
 * "model": {"counts_when"}): a model plants its bug in racerig's own
 * code, so it reproduces a report only where the report points at code
 * of that kind.
 */
enum scenario_model_counts {
	MODEL_COUNTS_NEVER,		/* "never" */
	MODEL_COUNTS_OUT_OF_TREE,	/* "out-of-tree-module" */
};

/*
 * A source area of the kernel a scenario exercises, and the parameters
 * ("k=v") that aim it there (scenario.json's "exercises"): repro plans
 * from a report's frames with them (repro-plan.c).
 */
struct scenario_exercise {
	char		*area;		/* "fs", "net/netfilter", ... */
	char		**params;	/* NULL-terminated */
	size_t		 nparams;
};

/* A loaded, validated scenario.json. */
struct scenario {
	char		*name;
	char		*dir;
	char		*file;
	char		*description;
	char		*bug_class;	/* NULL if none */
	char		*expect;	/* ok, crashed or hung */
	char		*model_of;	/* a model of this bug; NULL: none */
	enum scenario_model_counts model_counts;
	int		 smp;
	int		 mem_mb;
	char		**cmdline;
	size_t		 ncmdline;
	long		 duration_s;
	char		**sample;
	size_t		 nsample;
	struct scenario_param *params;
	size_t		 nparams;
	struct scenario_step *steps;
	size_t		 nsteps;
	int		 workload_image; /* boots with the workload archive */
	struct scenario_exercise *exercises;
	size_t		 nexercises;
	/*
	 * The rate in run.json that counts the race's hits ("clash_per_s"),
	 * NULL: none (crashes and their time count instead).
	 */
	char		*hit_metric;
};

/* Parameter values of one run, parallel arrays in scenario order. */
struct param_values {
	char		**names;
	char		**values;
	size_t		 n;
};

/* scenario.c */
int		 scenario_load(const char *name, struct scenario *s);
int		 scenario_parse(const char *file, const char *text, size_t len,
		     struct scenario *s);
void		 scenario_release(struct scenario *s);
int		 scenario_check_value(const struct scenario *s,
		     const struct scenario_param *p, const char *value);
int		 scenario_check_vm(const struct scenario *s,
		     const struct param_values *vals, int smp);
const struct scenario_param *scenario_param(const struct scenario *s,
		     const char *name);
int		 scenario_values(const struct scenario *s, char **assign,
		     size_t nassign, struct param_values *vals);
void		 param_values_release(struct param_values *vals);
const char	*param_values_get(const struct param_values *vals,
		     const char *name);
int		 scenario_expand(const struct scenario *s,
		     const struct param_values *vals,
		     const char *const *builtins, const char *text,
		     struct buf *out);
int		 scenario_step_timeout(const struct scenario *s,
		     const struct param_values *vals,
		     const char *const *builtins,
		     const struct scenario_step *st, long default_s,
		     long *out);
int		 scenario_list(char ***names, size_t *count);

#endif
