/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Planning a run: the defaults every command starts a struct run_opts
 * from (run, boot, stress, repro and bisect alike), so that a run means
 * the same whichever command asked for it.
 */
#include <string.h>

#include "util.h"
#include "run.h"

/* o with nothing asked for: the scenario's values, the run defaults. */
void
run_opts_init(struct run_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->boot_timeout_s = RUN_BOOT_TIMEOUT_S;
	o->heartbeat_timeout_s = RUN_HEARTBEAT_TIMEOUT_S;
}
