/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The scripted VM backend (vm-fake.c), for unit tests only: the run's
 * event loop and verdict driven without QEMU (tests/unit/u-verdict.c).
 *
 * It is not in vm_backend()'s table: a test registers it with
 * vm_backend_register(&vm_fake_ops) and then names backend "fake".  The
 * racerig binary never does, so it cannot be selected from the command
 * line, and the archive member is not even linked into the binary.
 */
#ifndef RACERIG_VM_FAKE_H
#define RACERIG_VM_FAKE_H

#include "vm.h"

/* What the scripted VM does at a step's time. */
enum vm_fake_act {
	VM_FAKE_END,		/* the end of a script (nothing more) */
	VM_FAKE_CONSOLE,	/* text appears on the serial console */
	VM_FAKE_AGENT_EOF,	/* the guest closes its end of the channel */
	VM_FAKE_STOP_READING,	/* the guest no longer reads the channel */
	VM_FAKE_EXIT,		/* the process exits: VM_EV_EXITED, text */
	/*
	 * The process is gone but not reaped yet: alive() says so (text),
	 * next_event does not; the agent end closes with it, as a QEMU
	 * killed with SIGKILL closes its descriptors before it is reapable.
	 */
	VM_FAKE_VANISH,
	VM_FAKE_PANIC,		/* the guest panics: VM_EV_PANIC, paused */
	VM_FAKE_HOST_LOST,	/* the host or daemon goes: next_event fails */
};

struct vm_fake_step {
	int			 at_ms;	/* after start(), in order */
	enum vm_fake_act	 act;
	const char		*text;
};

/*
 * A script for the next VM the fake backend starts.  steps ends with
 * VM_FAKE_END.  agent plays the guest's agent: it is called from every
 * next_event (about every 10 ms) with the guest's end of the channel
 * (a non-blocking socketpair end), while that end is open; reading is 0
 * once the script said VM_FAKE_STOP_READING, and the guest must then
 * leave the channel unread (it may still write).  t is the time since
 * start() in seconds.
 */
struct vm_fake_script {
	const struct vm_fake_step *steps;
	void		(*agent)(int fd, int reading, double t, void *arg);
	void		*arg;
};

extern const struct vm_ops vm_fake_ops;
/* The script the next start() plays; borrowed, must outlive that VM. */
void		 vm_fake_play(const struct vm_fake_script *script);

#endif
