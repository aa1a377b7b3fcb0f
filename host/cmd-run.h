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
