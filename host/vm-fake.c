/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The scripted VM backend (see vm-fake.h): no hypervisor, a script of
 * timed console text, process and host events, and a socketpair for the
 * agent channel whose guest end a test plays.  Like libvirt's test
 * driver, it lets the layers above vm.h run for real, without KVM.
 *
 * The console goes through console.c as QEMU's does (console.log, the
 * markers), the agent channel through the kernel's socket buffers, so a
 * guest that stops reading stalls the host's sends as a real one does.
 */
#include <sys/socket.h>

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "util.h"
#include "vm.h"
#include "vm-fake.h"

#define FAKE_TICK_MS	10	/* how often the guest's agent is played */

struct vm_fake {
	const struct vm_fake_script *script;
	size_t		 pos;		/* next step */
	int		 guest_fd;	/* the guest's end, -1 once closed */
	int		 reading;
	int		 gone;		/* VANISH or EXIT happened */
	char		 gone_why[128];
};

static const struct vm_fake_script *fake_next_script;

void
vm_fake_play(const struct vm_fake_script *script)
{
	fake_next_script = script;
}

static void
fake_close_guest(struct vm_fake *f)
{
	if (f->guest_fd >= 0)
		close(f->guest_fd);
	f->guest_fd = -1;
}

static int
fake_start(struct vm *vm)
{
	struct vm_fake *f;
	char *log_path;
	int sv[2], rc;

	if (fake_next_script == NULL)
		return error("fake VM: no script (vm_fake_play)");
	f = xcalloc(1, sizeof(*f));
	f->script = fake_next_script;
	f->guest_fd = -1;
	f->reading = 1;
	vm->priv = f;
	snprintf(vm->accel, sizeof(vm->accel), "%s",
	    vm_accel_wanted(&vm->cfg) ? vm_accel_wanted(&vm->cfg) : "tcg");
	log_path = xasprintf("%s/console.log", vm->cfg.dir);
	rc = console_open(&vm->console, log_path, vm->cfg.console_limit);
	free(log_path);
	if (rc != 0)
		return -1;
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0,
	    sv) != 0)
		return error("socketpair: %s", strerror(errno));
	vm->agent_fd = sv[0];
	f->guest_fd = sv[1];
	return 0;
}

/*
 * Play the script's steps that are due.  Returns 1 with *ev filled when
 * one makes an event, -1 when the host is lost, 0 otherwise.
 */
static int
fake_steps(struct vm *vm, struct vm_event *ev, double t)
{
	struct vm_fake *f = vm->priv;
	const struct vm_fake_step *s;

	while ((s = &f->script->steps[f->pos])->act != VM_FAKE_END &&
	    s->at_ms <= t * 1000) {
		f->pos++;
		switch (s->act) {
		case VM_FAKE_END:
			break;
		case VM_FAKE_CONSOLE:
			console_feed(&vm->console, s->text, strlen(s->text));
			ev->type = VM_EV_CONSOLE;
			return 1;
		case VM_FAKE_AGENT_EOF:
			fake_close_guest(f);
			break;
		case VM_FAKE_STOP_READING:
			f->reading = 0;
			break;
		case VM_FAKE_VANISH:
			f->gone = 1;
			snprintf(f->gone_why, sizeof(f->gone_why), "%s",
			    s->text ? s->text : "the fake VM vanished");
			fake_close_guest(f);
			break;
		case VM_FAKE_EXIT:
			f->gone = 1;
			fake_close_guest(f);
			vm->state = VM_EXITED;
			ev->type = VM_EV_EXITED;
			snprintf(ev->detail, sizeof(ev->detail), "%s",
			    s->text ? s->text : "the fake VM exited");
			return 1;
		case VM_FAKE_PANIC:
			vm->state = VM_PANICKED;
			ev->type = VM_EV_PANIC;
			snprintf(ev->detail, sizeof(ev->detail), "fake panic");
			return 1;
		case VM_FAKE_HOST_LOST:
			vm->host_lost = 1;
			return error("fake VM: lost the VM host");
		}
	}
	return 0;
}

static int
fake_next_event(struct vm *vm, struct vm_event *ev, int timeout_ms)
{
	struct vm_fake *f = vm->priv;
	double deadline = now_mono() + timeout_ms / 1000.0;

	for (;;) {
		double t = now_mono() - vm->t_start;
		struct pollfd p = { .fd = vm->agent_closed ? -1 : vm->agent_fd,
		    .events = POLLIN };
		int left, rc = fake_steps(vm, ev, t);

		if (rc != 0)
			return rc < 0 ? -1 : 0;
		if (f->guest_fd >= 0 && f->script->agent != NULL)
			f->script->agent(f->guest_fd, f->reading, t,
			    f->script->arg);
		left = (int)((deadline - now_mono()) * 1000);
		if (left > FAKE_TICK_MS)
			left = FAKE_TICK_MS;
		rc = poll(&p, 1, left < 0 ? 0 : left);
		if (rc < 0 && errno != EINTR)
			return error("poll: %s", strerror(errno));
		if (rc > 0 && (p.revents & (POLLIN | POLLHUP | POLLERR))) {
			ev->type = VM_EV_AGENT;
			return 0;
		}
		if (now_mono() >= deadline) {
			ev->type = VM_EV_TIMEOUT;
			return 0;
		}
	}
}

static int
fake_alive(struct vm *vm, char *detail, size_t n)
{
	struct vm_fake *f = vm->priv;

	if (!f->gone)
		return 1;
	snprintf(detail, n, "%s", f->gone_why[0] ? f->gone_why :
	    "the fake VM is gone");
	return 0;
}

static void
fake_stop(struct vm *vm)
{
	struct vm_fake *f = vm->priv;

	if (f == NULL)
		return;
	fake_close_guest(f);
	if (vm->agent_fd >= 0)
		close(vm->agent_fd);
	vm->agent_fd = -1;
	free(f);
	vm->priv = NULL;
	vm->state = VM_EXITED;
}

/* No dump, save or restore: callers report those unsupported. */
const struct vm_ops vm_fake_ops = {
	.name = "fake",
	.start = fake_start,
	.next_event = fake_next_event,
	.alive = fake_alive,
	.stop = fake_stop,
};
