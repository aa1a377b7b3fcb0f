/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The QEMU backend: runs qemu-system-x86_64 directly, with the QMP
 * monitor and the agent's virtio-serial port each on one end of a
 * socketpair handed to QEMU as an already-connected chardev (fd=N), so no
 * socket path can be raced and nothing is lost before the host connects.
 * The serial console, which only ever flows out, is a pipe passed with
 * -add-fd to a file chardev: the UART model writes one byte per call,
 * and one-byte writes cost a unix socket an skb each while a pipe packs
 * them into pages (a 100 MiB console flood took a third less time).
 *
 * Snapshots (save, restore) are vm-qemu-snapshot.c's; this file only
 * puts guest RAM in a file (memory-backend-file) when cfg.mem_file asks
 * and starts QEMU waiting for device state when a restore asks.
 *
 * Panics: -device pvpanic (the guest loads the pvpanic driver) raises
 * GUEST_PANICKED and -action panic=pause keeps memory for the dump.  As a
 * fallback for guests without the driver, the kernel runs with panic=-1
 * and -action reboot=shutdown,shutdown=pause turns the reboot into a
 * paused, dumpable machine.
 */
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "util.h"
#include "vm.h"
#include "proto.h"
#include "vm-qemu-impl.h"

#define QEMU_BINARY	"qemu-system-x86_64"
#define CONSOLE_FDSET	1		/* -add-fd set of the console pipe */
#define CONSOLE_PIPE_SIZE (1 << 20)
#define CONSOLE_SMALL_READ 4096
#define CONSOLE_NAP_US	500		/* 5 MiB flood: 6.0 s -> 5.2 s, sys 1/6 */

#define QEMU_BINARY	"qemu-system-x86_64"
const char *
qemu_binary(void)
{
	const char *e = getenv("RACERIG_QEMU");

	return e != NULL && *e != '\0' ? e : QEMU_BINARY;
}

/*
 * Boot id of the host, so a cached KVM probe result is thrown away when
 * the host reboots (a new kernel or kvm module may behave differently).
 */
static void
host_boot_id(char *out, size_t n)
{
	struct buf b = BUF_INIT;

	snprintf(out, n, "unknown");
	if (read_file("/proc/sys/kernel/random/boot_id", &b, 128) == 0 &&
	    b.len > 0) {
		b.data[strcspn(b.data, "\n")] = '\0';
		snprintf(out, n, "%s", b.data);
	}
	buf_release(&b);
}

/*
 * Does KVM really run this kernel?  On some hosts /dev/kvm opens but a
 * stock kernel dies with "KVM internal error", so we boot the real kernel
 * under KVM with an init that does not exist: a working KVM reaches the
 * "Kernel panic" for the missing init in well under a second.
 */
static int
kvm_probe(const char *kernel, const char *initrd)
{
	char *argv[] = {
		(char *)qemu_binary(), "-accel", "kvm", "-cpu", "host",
		"-m", "256", "-smp", "1", "-nodefaults", "-no-user-config",
		"-display", "none", "-no-reboot", "-serial", "stdio",
		"-kernel", (char *)kernel, "-initrd", (char *)initrd,
		"-append", "console=ttyS0 panic=-1 rdinit=/racerig-kvm-probe",
		NULL
	};
	struct buf out = BUF_INIT;
	int rc, ok;

	rc = run_command(argv, NULL, NULL, NULL, 20, &out, 1 << 20);
	ok = rc == 0 && out.len > 0 && strstr(out.data, "Kernel panic") &&
	    !strstr(out.data, "KVM internal error");
	buf_release(&out);
	return ok;
}

/*
 * Pick the accelerator: the one asked for (vm_accel_wanted), "tcg"
 * without /dev/kvm, else the cached result of kvm_probe() for this host
 * boot.
 */
static const char *
vm_qemu_accel(const struct vm_config *cfg)
{
	const char *accel = vm_accel_wanted(cfg);
	char boot_id[64], *path;
	struct buf cached = BUF_INIT;
	int fd;

	if (accel != NULL)
		return accel;
	fd = open("/dev/kvm", O_RDWR | O_CLOEXEC);
	if (fd < 0)
		return "tcg";
	close(fd);

	host_boot_id(boot_id, sizeof(boot_id));
	path = xasprintf("%s/kvm-probe", cache_dir());
	if (access(path, R_OK) == 0 && read_file(path, &cached, 256) == 0) {
		char want[128];

		snprintf(want, sizeof(want), "%s kvm\n", boot_id);
		if (strcmp(cached.data ? cached.data : "", want) == 0) {
			accel = "kvm";
			goto done;
		}
		snprintf(want, sizeof(want), "%s tcg\n", boot_id);
		if (strcmp(cached.data ? cached.data : "", want) == 0) {
			accel = "tcg";
			goto done;
		}
	}
	accel = kvm_probe(cfg->kernel, cfg->initrd) ? "kvm" : "tcg";
	if (mkdir_p(cache_dir(), 0755) == 0) {
		char *line = xasprintf("%s %s\n", boot_id, accel);

		(void)write_file_atomic(path, line, strlen(line));
		free(line);
	}
	if (strcmp(accel, "tcg") == 0)
		fprintf(stderr, "racerig: KVM does not run this kernel here; "
		    "using TCG\n");
done:
	buf_release(&cached);
	free(path);
	return accel;
}

static void
argv_add(char ***argv, size_t *argc, const char *arg)
{
	*argv = xrealloc(*argv, (*argc + 2) * sizeof(**argv));
	(*argv)[(*argc)++] = xstrdup(arg);
	(*argv)[*argc] = NULL;
}

static void
argv_free(char **argv)
{
	for (size_t i = 0; argv != NULL && argv[i] != NULL; i++)
		free(argv[i]);
	free(argv);
}

/* Append s to b with QEMU's option escaping (a comma is doubled). */
static void
qemu_opt_escape(struct buf *b, const char *s)
{
	for (; *s; s++)
		buf_addf(b, *s == ',' ? ",," : "%c", *s);
}

/*
 * Build QEMU's command line; fds are the guest ends of the socketpairs and
 * incoming_fd the snapshot's device state (-1: boot).
 */
static char **
qemu_argv(const struct vm_config *cfg, const char *accel, int con_fd,
    int qmp_fd, int agent_fd, int incoming_fd)
{
	char **argv = NULL;
	size_t argc = 0;
	char tmp[512];

	argv_add(&argv, &argc, qemu_binary());
	argv_add(&argv, &argc, "-nodefaults");
	argv_add(&argv, &argc, "-no-user-config");
	argv_add(&argv, &argc, "-display");
	argv_add(&argv, &argc, "none");
	argv_add(&argv, &argc, "-accel");
	if (strcmp(accel, "kvm") == 0) {
		argv_add(&argv, &argc, "kvm");
		argv_add(&argv, &argc, "-cpu");
		argv_add(&argv, &argc, "host");
	} else {
		argv_add(&argv, &argc, "tcg,thread=multi");
		argv_add(&argv, &argc, "-cpu");
		argv_add(&argv, &argc, "max");
	}
	snprintf(tmp, sizeof(tmp), "%d", cfg->smp);
	argv_add(&argv, &argc, "-smp");
	argv_add(&argv, &argc, tmp);
	snprintf(tmp, sizeof(tmp), "%d", cfg->mem_mb);
	argv_add(&argv, &argc, "-m");
	argv_add(&argv, &argc, tmp);
	if (cfg->mem_file != NULL) {
		struct buf b = BUF_INIT;

		buf_addf(&b, "memory-backend-file,id=rrram,size=%dM,mem-path=",
		    cfg->mem_mb);
		qemu_opt_escape(&b, cfg->mem_file);
		buf_addstr(&b, cfg->mem_shared ? ",share=on" : ",share=off");
		argv_add(&argv, &argc, "-object");
		argv_add(&argv, &argc, b.data);
		argv_add(&argv, &argc, "-machine");
		argv_add(&argv, &argc, "memory-backend=rrram");
		buf_release(&b);
	}
	argv_add(&argv, &argc, "-kernel");
	argv_add(&argv, &argc, cfg->kernel);
	argv_add(&argv, &argc, "-initrd");
	argv_add(&argv, &argc, cfg->initrd);
	argv_add(&argv, &argc, "-append");
	argv_add(&argv, &argc, cfg->cmdline);

	/*
	 * The console is write-only: a file chardev on a pipe (see above);
	 * append=on because the file chardev would otherwise truncate, which
	 * a pipe refuses.
	 */
	snprintf(tmp, sizeof(tmp), "fd=%d,set=%d", con_fd, CONSOLE_FDSET);
	argv_add(&argv, &argc, "-add-fd");
	argv_add(&argv, &argc, tmp);
	snprintf(tmp, sizeof(tmp), "file,id=con,path=/dev/fdset/%d,append=on",
	    CONSOLE_FDSET);
	argv_add(&argv, &argc, "-chardev");
	argv_add(&argv, &argc, tmp);
	argv_add(&argv, &argc, "-serial");
	argv_add(&argv, &argc, "chardev:con");

	snprintf(tmp, sizeof(tmp), "socket,id=qmp,fd=%d", qmp_fd);
	argv_add(&argv, &argc, "-chardev");
	argv_add(&argv, &argc, tmp);
	argv_add(&argv, &argc, "-mon");
	argv_add(&argv, &argc, "chardev=qmp,mode=control");

	argv_add(&argv, &argc, "-device");
	argv_add(&argv, &argc, "virtio-serial-pci");
	snprintf(tmp, sizeof(tmp), "socket,id=agent,fd=%d", agent_fd);
	argv_add(&argv, &argc, "-chardev");
	argv_add(&argv, &argc, tmp);
	argv_add(&argv, &argc, "-device");
	argv_add(&argv, &argc,
	    "virtserialport,chardev=agent,name=" PROTO_PORT_NAME);

	argv_add(&argv, &argc, "-device");
	argv_add(&argv, &argc, "pvpanic");
	argv_add(&argv, &argc, "-device");
	argv_add(&argv, &argc, "vmcoreinfo");
	argv_add(&argv, &argc, "-action");
	argv_add(&argv, &argc, "panic=pause,reboot=shutdown,shutdown=pause");

	if (cfg->disk != NULL) {
		struct buf b = BUF_INIT;

		/* a comma in the path would start another option */
		buf_addstr(&b, "file=");
		qemu_opt_escape(&b, cfg->disk);
		buf_addstr(&b, ",format=raw,if=virtio");
		argv_add(&argv, &argc, "-drive");
		argv_add(&argv, &argc, b.data);
		buf_release(&b);
	}
	/*
	 * The capability must be set before the stream is read, which the
	 * command line cannot do in QEMU 7.2: "defer", then QMP (start).
	 */
	if (incoming_fd >= 0) {
		argv_add(&argv, &argc, "-incoming");
		argv_add(&argv, &argc, "defer");
	}
	return argv;
}

static void
vm_qemu_free(struct vm *vm)
{
	struct vm_qemu *q = vm->priv;

	if (q == NULL)
		return;
	qmp_release(&q->qmp);
	if (q->console_fd >= 0)
		close(q->console_fd);
	if (q->pidfd >= 0)
		close(q->pidfd);
	if (vm->agent_fd >= 0)
		close(vm->agent_fd);
	vm->agent_fd = -1;
	free(q);
	vm->priv = NULL;
}

/*
 * Run QEMU for vm->cfg with the accelerator vm_qemu_accel() picks (also
 * in vm->accel) and connect console, QMP and the agent channel.  With
 * incoming_fd >= 0 QEMU waits for device state (-incoming defer) on its
 * inherited copy of that descriptor, which the caller then loads
 * (vm_qemu_restore); the caller keeps and closes incoming_fd.  0 or -1
 * (reported; vm->priv may then be set, for stop()).
 */
static int
vm_qemu_launch(struct vm *vm, int in_fd)
{
	const struct vm_config *cfg = &vm->cfg;
	int con[2] = { -1, -1 }, mon[2] = { -1, -1 }, ag[2] = { -1, -1 };
	struct vm_qemu *q;
	char *log_path = NULL, *cmd_path = NULL;
	char **argv = NULL;
	const char *accel;
	struct buf cmdline = BUF_INIT;
	int rc = -1;

	accel = vm_qemu_accel(cfg);
	snprintf(vm->accel, sizeof(vm->accel), "%s", accel);

	q = xcalloc(1, sizeof(*q));
	q->pid = -1;
	q->pidfd = -1;
	q->console_fd = -1;
	q->qmp.fd = -1;
	vm->priv = q;

	log_path = xasprintf("%s/console.log", cfg->dir);
	if (console_open(&vm->console, log_path, cfg->console_limit) != 0)
		goto cleanup;

	/* The host ends are close-on-exec; QEMU's ends are inherited. */
	if (pipe2(con, O_CLOEXEC) != 0 ||
	    socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, mon) != 0 ||
	    socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, ag) != 0) {
		error("cannot create the console pipe or a socketpair: %s",
		    strerror(errno));
		goto cleanup;
	}
	/*
	 * QEMU's end is non-blocking, so a full pipe makes the UART wait
	 * (flow control) instead of stalling a vCPU thread that holds the
	 * big lock while racerig waits on QMP.  A bigger pipe rides out the
	 * moments racerig spends elsewhere; the default size is fine too.
	 */
	fcntl(con[1], F_SETFL, O_NONBLOCK);
	(void)fcntl(con[1], F_SETPIPE_SZ, CONSOLE_PIPE_SIZE);
	argv = qemu_argv(cfg, accel, con[1], mon[1], ag[1], in_fd);
	for (size_t i = 0; argv[i] != NULL; i++)
		buf_addf(&cmdline, "%s%s", i ? " " : "", argv[i]);
	buf_addstr(&cmdline, "\n");
	cmd_path = xasprintf("%s/qemu.cmdline", cfg->dir);
	(void)write_file_atomic(cmd_path, cmdline.data, cmdline.len);

	free(log_path);
	log_path = xasprintf("%s/qemu.log", cfg->dir);
	q->pid = fork();
	if (q->pid < 0) {
		error("cannot fork: %s", strerror(errno));
		goto cleanup;
	}
	if (q->pid == 0) {
		int fd = open(log_path, O_WRONLY | O_CREAT | O_TRUNC |
		    O_NOFOLLOW, 0644);

		if (fd >= 0) {
			dup2(fd, 1);
			dup2(fd, 2);
		}
		/* clear close-on-exec on QEMU's ends only */
		fcntl(con[1], F_SETFD, 0);
		fcntl(mon[1], F_SETFD, 0);
		fcntl(ag[1], F_SETFD, 0);
		if (in_fd >= 0)
			fcntl(in_fd, F_SETFD, 0);
		setpgid(0, 0);
		/* QEMU must not outlive the racerig process that runs it */
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		execvp(argv[0], argv);
		fprintf(stderr, "cannot run '%s': %s\n", argv[0],
		    strerror(errno));
		_exit(127);
	}
	close(con[1]);
	close(mon[1]);
	close(ag[1]);
	con[1] = mon[1] = ag[1] = -1;
	q->pidfd = (int)syscall(SYS_pidfd_open, q->pid, 0);
	q->console_fd = con[0];
	vm->agent_fd = ag[0];
	con[0] = ag[0] = -1;
	qmp_init(&q->qmp, mon[0]);
	mon[0] = -1;

	if (qmp_handshake(&q->qmp, QMP_TIMEOUT_MS) != 0) {
		error("QEMU did not start (see '%s')", log_path);
		goto cleanup;
	}
	q->qmp_ok = 1;
	fcntl(q->console_fd, F_SETFL, O_NONBLOCK);
	fcntl(vm->agent_fd, F_SETFL, O_NONBLOCK);
	rc = 0;
cleanup:
	for (int i = 0; i < 2; i++) {
		if (con[i] >= 0)
			close(con[i]);
		if (mon[i] >= 0)
			close(mon[i]);
		if (ag[i] >= 0)
			close(ag[i]);
	}
	argv_free(argv);
	buf_release(&cmdline);
	free(log_path);
	free(cmd_path);
	return rc;
}

static int
vm_qemu_start(struct vm *vm)
{
	return vm_qemu_launch(vm, -1);
}

/* Drain what the console has; returns bytes read, 0 if none, -1 at EOF. */
static ssize_t
vm_qemu_read_console(struct vm *vm)
{
	struct vm_qemu *q = vm->priv;

	return console_read(&vm->console, q->console_fd);
}

static int
vm_qemu_reap(struct vm *vm, struct vm_event *ev)
{
	struct vm_qemu *q = vm->priv;
	int status;

	if (q->exited || waitpid(q->pid, &status, WNOHANG) != q->pid)
		return 0;
	q->exited = 1;
	q->exit_status = status;
	/* read what the console still holds before declaring the end */
	while (q->console_fd >= 0 && vm_qemu_read_console(vm) > 0)
		;
	vm->state = VM_EXITED;
	ev->type = VM_EV_EXITED;
	if (WIFEXITED(status))
		snprintf(ev->detail, sizeof(ev->detail),
		    "QEMU exited with status %d", WEXITSTATUS(status));
	else
		snprintf(ev->detail, sizeof(ev->detail),
		    "QEMU killed by signal %d", WTERMSIG(status));
	return 1;
}

/* Turn one QMP event into a VM event; 1 if it was one we report. */
static int
vm_qemu_qmp_event(struct vm *vm, json_t *msg, struct vm_event *ev)
{
	const char *name = json_string_value(json_object_get(msg, "event"));

	if (name == NULL)
		return 0;
	if (strcmp(name, "GUEST_PANICKED") == 0) {
		vm->state = VM_PANICKED;
		ev->type = VM_EV_PANIC;
		snprintf(ev->detail, sizeof(ev->detail), "GUEST_PANICKED");
		return 1;
	}
	if (strcmp(name, "SHUTDOWN") == 0) {
		json_t *d = json_object_get(msg, "data");
		const char *reason = json_string_value(
		    json_object_get(d, "reason"));

		if (vm->state == VM_RUNNING)
			vm->state = VM_STOPPED;
		ev->type = VM_EV_SHUTDOWN;
		snprintf(ev->detail, sizeof(ev->detail), "SHUTDOWN (%s)",
		    reason ? reason : "unknown");
		return 1;
	}
	return 0;
}

static int
vm_qemu_next_event(struct vm *vm, struct vm_event *ev, int timeout_ms)
{
	struct vm_qemu *q = vm->priv;
	struct pollfd pfd[4];
	double deadline = now_mono() + timeout_ms / 1000.0;
	json_t *msg;

	for (;;) {
		int n = 0, rc, left;

		/* queued QMP events first: they may have come with a reply */
		while (q->qmp_ok && (msg = qmp_next_event(&q->qmp)) != NULL) {
			rc = vm_qemu_qmp_event(vm, msg, ev);
			json_decref(msg);
			if (rc)
				return 0;
		}
		if (vm_qemu_reap(vm, ev))
			return 0;

		pfd[n++] = (struct pollfd){ .fd = q->console_fd,
		    .events = POLLIN };
		pfd[n++] = (struct pollfd){ .fd = q->qmp_ok ? q->qmp.fd : -1,
		    .events = POLLIN };
		pfd[n++] = (struct pollfd){ .fd = vm->agent_closed ? -1 :
		    vm->agent_fd,
		    .events = POLLIN };
		pfd[n++] = (struct pollfd){ .fd = q->pidfd, .events = POLLIN };
		left = (int)((deadline - now_mono()) * 1000);
		if (left < 0)
			left = 0;
		/* without a pidfd, wake up now and then to reap */
		if (q->pidfd < 0 && left > 200)
			left = 200;
		rc = poll(pfd, (nfds_t)n, left);
		if (rc < 0 && errno != EINTR)
			return error("poll: %s", strerror(errno));
		if (rc > 0 && (pfd[0].revents & (POLLIN | POLLHUP))) {
			ssize_t got = vm_qemu_read_console(vm);

			if (got > 0) {
				/*
				 * A console that trickles (the UART sends
				 * byte by byte) would wake us per few bytes;
				 * a short nap lets the next read take a page.
				 */
				if (got < CONSOLE_SMALL_READ)
					usleep(CONSOLE_NAP_US);
				ev->type = VM_EV_CONSOLE;
				return 0;
			}
			if (got < 0) {
				close(q->console_fd);
				q->console_fd = -1;
			}
		}
		if (rc > 0 && (pfd[1].revents & (POLLIN | POLLHUP))) {
			msg = qmp_next_event(&q->qmp);
			if (msg != NULL) {
				rc = vm_qemu_qmp_event(vm, msg, ev);
				json_decref(msg);
				if (rc)
					return 0;
			} else if (q->qmp.eof)
				q->qmp_ok = 0;
		}
		if (rc > 0 && (pfd[2].revents & (POLLIN | POLLHUP | POLLERR))) {
			ev->type = VM_EV_AGENT;
			return 0;
		}
		if (vm_qemu_reap(vm, ev))
			return 0;
		if (now_mono() >= deadline) {
			ev->type = VM_EV_TIMEOUT;
			return 0;
		}
	}
}

/*
 * Dump guest memory.  QEMU writes kdump-zlib in makedumpfile's flattened
 * form, which tools cannot open directly, so it is rearranged with
 * makedumpfile -R into a normal kdump-compressed file at path.
 */
static int
vm_qemu_dump(struct vm *vm, const char *path)
{
	struct vm_qemu *q = vm->priv;
	char *flat = xasprintf("%s.flat", path);
	char *proto = xasprintf("file:%s", flat), *origin = NULL;
	json_t *args, *ret = NULL;
	int rc = -1;

	if (!q->qmp_ok) {
		error("cannot dump: the QEMU monitor is gone");
		goto cleanup;
	}
	if (vm->state == VM_RUNNING &&
	    qmp_command(&q->qmp, "stop", NULL, NULL, QMP_TIMEOUT_MS) != 0)
		goto cleanup;
	args = json_pack("{s:b,s:s,s:s}", "paging", 0, "protocol", proto,
	    "format", "kdump-zlib");
	rc = qmp_command(&q->qmp, "dump-guest-memory", args, &ret,
	    DUMP_TIMEOUT_MS);
	json_decref(args);
	json_decref(ret);
	if (rc != 0)
		goto cleanup;
	origin = xasprintf("'%s'", flat);
	rc = dump_unflatten(flat, path, origin);
cleanup:
	free(origin);
	free(flat);
	free(proto);
	return rc;
}

/* Ask QEMU to quit, then make sure it is gone. */
static void
vm_qemu_stop(struct vm *vm)
{
	struct vm_qemu *q = vm->priv;
	int status;

	if (q == NULL)
		return;
	if (q->pid > 0 && !q->exited) {
		static const char quit[] = "{\"execute\":\"quit\"}\n";

		/*
		 * No reply is awaited and no error reported: QEMU may be
		 * gone already, and it is about to be killed anyway.
		 */
		if (q->qmp_ok && q->qmp.fd >= 0)
			(void)write_all(q->qmp.fd, quit, sizeof(quit) - 1);
		for (int i = 0; i < 100; i++) {
			if (waitpid(q->pid, &status, WNOHANG) == q->pid) {
				q->exited = 1;
				break;
			}
			usleep(20000);
		}
		if (!q->exited) {
			kill(-q->pid, SIGKILL);
			kill(q->pid, SIGKILL);
			waitpid(q->pid, &status, 0);
			q->exited = 1;
		}
	}
	/* keep the last console bytes */
	while (q->console_fd >= 0 && vm_qemu_read_console(vm) > 0)
		;
	vm->state = VM_EXITED;
	vm_qemu_free(vm);
}

/*
 * QEMU is alive until it can be reaped.  A QEMU killed with SIGKILL
 * closes its descriptors (the agent sees end-of-file) a moment before it
 * becomes reapable: a live QEMU does not close its chardevs, so wait up
 * to a second for that moment before calling it alive.
 */
static int
vm_qemu_alive(struct vm *vm, char *detail, size_t n)
{
	struct vm_event ev;

	for (int i = 0; i < 20; i++) {
		memset(&ev, 0, sizeof(ev));
		if (vm_qemu_reap(vm, &ev)) {
			snprintf(detail, n, "%s", ev.detail);
			return 0;
		}
		usleep(50000);
	}
	return 1;
}

/*
 * Start QEMU from the device state in cfg.incoming, its RAM the file
 * cfg.mem_file, instead of booting.  0 or -1 (reported).
 */
static int
vm_qemu_restore(struct vm *vm)
{
	int fd, rc;

	fd = open(vm->cfg.incoming, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return error("cannot open snapshot state '%s': %s",
		    vm->cfg.incoming, strerror(errno));
	rc = vm_qemu_launch(vm, fd);
	if (rc == 0)
		rc = vm_qemu_incoming(vm, fd);
	close(fd);		/* QEMU has its own copy */
	return rc;
}

/*
 * What a saved state depends on besides the guest: the QEMU binary (path,
 * size, mtime: another QEMU may not load it) and the accelerator this
 * configuration gets (a state saved under KVM does not restore under TCG).
 */
static void
vm_qemu_snapshot_id(const struct vm_config *cfg, struct buf *id)
{
	const char *bin = qemu_binary();
	struct stat st;

	if (stat(bin, &st) != 0)
		buf_addf(id, "qemu %s missing", bin);
	else
		buf_addf(id, "qemu %s %lld %lld.%09ld", bin,
		    (long long)st.st_size, (long long)st.st_mtim.tv_sec,
		    st.st_mtim.tv_nsec);
	buf_addf(id, " accel %s", vm_qemu_accel(cfg));
}

const struct vm_ops vm_qemu_ops = {
	.name = "qemu",
	.start = vm_qemu_start,
	.next_event = vm_qemu_next_event,
	.dump = vm_qemu_dump,
	.save = vm_qemu_save,
	.restore = vm_qemu_restore,
	.snapshot_id = vm_qemu_snapshot_id,
	.alive = vm_qemu_alive,
	.stop = vm_qemu_stop,
};
