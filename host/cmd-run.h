/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What "racerig run" (cmd-run.c) and "racerig boot" (cmd-boot.c) share,
 * from cmd-run-opts.c: the run's options in one table, and the exit
 * status of an outcome.
 */
#ifndef RACERIG_CMD_RUN_H
#define RACERIG_CMD_RUN_H

#include "run.h"
#include "cmd.h"

/* run's options and what run and boot take besides them */
struct run_args {
	struct run_opts	 run;
	int		 json;		/* --json */
	int		 count;		/* --count */
	const char	*replay_id;	/* --replay */
	const char	*replay_db;	/* --db */
};

/*
 * Entries of a run's options that every command running a scenario takes
 * (run, boot, bisect), written once: T is the command's options struct,
 * r the path of its struct run_opts in T.
 */
#define OPT_RUN_PARAM(T, r) \
	OPT_LIST('p', "param", "NAME=VALUE", T, r.params, r.nparams, \
	    "the scenario's", "Set a scenario parameter (\"racerig scenario " \
	    "show\" lists them with their ranges).")
#define OPT_RUN_SMP(T, r) \
	OPT_INT(0, "smp", "N", T, r.smp, 1, 64, "the scenario's", \
	    "Guest vCPUs.")

/* run and boot parse this table and document themselves with it */
extern const struct cmd_opt run_cmd_opts[];

/* Kernel verdicts apart from everything else, as run_exit_status(). */
extern const struct cmd_exit_doc run_exits[];

#define RUN_OPTIONS_USAGE \
	"[--image IMAGE] [--smp N] [--mem MB] [--seed N] [--out DIR]\n" \
	"           [--dump qemu|kdump|none] [--cmdline WORDS] [--accel kvm|tcg]\n" \
	"           [--console-limit BYTES] [--boot-timeout S]\n" \
	"           [--heartbeat-timeout S] [--snapshot]\n" \
	"           [--backend qemu|libvirt] [--connect URI] [--callback IP]"

/*
 * Parse the options shared by run and boot into *a, from run_opts_init()
 * on.  Returns the index of the first operand, or -1 after reporting a
 * usage error.
 */
int		 run_parse(int argc, char **argv, struct run_args *a);

/*
 * The exit status for an outcome: 0 ok, 1 kernel verdict, 2 anything
 * else (infrastructure, a lost VM, a workload that died on its own).
 */
int		 run_exit_status(enum run_outcome o);

#endif
