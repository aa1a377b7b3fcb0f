/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The libvirt VM backend ("--backend libvirt --connect URI"): the same
 * guest as vm-qemu.c, described as a transient libvirt domain and driven
 * through libvirt's C API, so racerig runs where VMs are libvirt's.
 *
 * The domain boots the image's kernel directly; its serial console and
 * the agent's virtio-serial port are unix sockets that QEMU connects to
 * and racerig listens on, so the console is parsed as it streams and the
 * agent protocol is the same as with vm-qemu.c.  Lifecycle events come
 * from virConnectDomainEventRegisterAny, delivered by one event-loop
 * thread per process into a pipe per VM.  A panic (<panic model='isa'/>,
 * <on_crash>preserve</on_crash>) leaves the domain paused for
 * virDomainCoreDumpWithFormat.  Domains are named racerig-<run id>, so
 * racerig never touches a domain it did not create.
 *
 * The channels (unix or TCP, and the TCP agent's authentication) are
 * vm-libvirt-chan.c's, the domain XML vm-libvirt-xml.c's; shared
 * declarations are in vm-libvirt-impl.h.  Functions of the backend are
 * lv_*; only vm_libvirt_ops is exported.
 *
 * The daemon may die or become unreachable with the guest in it.  A
 * keepalive and a close callback notice that; so does a probe made
 * whenever the domain seems to have vanished (channels hung up, stopped
 * event).  Then vm->host_lost is set and next_event fails: the run is
 * an infrastructure failure, never mistaken for a guest crash.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <libvirt/libvirt.h>
#include <libvirt/virterror.h>

#include "util.h"
#include "vm.h"
#include "proto.h"
#include "vm-libvirt-impl.h"

/* What the event thread hands to one VM; freed by libvirt's freecb. */
struct lv_sink {
	int	wfd;
};

static pthread_once_t lv_loop_once = PTHREAD_ONCE_INIT;
static int lv_loop_ok;

/* libvirt's own error, once, where it happened. */
static int
lv_error(const char *what)
{
	const virError *e = virGetLastError();

	return error("libvirt: %s: %s", what, e && e->message ? e->message :
	    "unknown error");
}

/* libvirt prints errors itself unless told not to: racerig reports them. */
static void
lv_quiet(void *opaque, virErrorPtr e)
{
	(void)opaque;
	(void)e;
}

static void
lv_tick(int timer, void *opaque)
{
	(void)timer;
	(void)opaque;
}

static void *
lv_loop(void *arg)
{
	(void)arg;
	for (;;) {
		if (virEventRunDefaultImpl() < 0)
			usleep(100000);
	}
	return NULL;
}

static void
lv_loop_start(void)
{
	pthread_t t;

	virSetErrorFunc(NULL, lv_quiet);
	if (virEventRegisterDefaultImpl() < 0)
		return;
	/* a tick keeps the loop turning when no event comes */
	virEventAddTimeout(500, lv_tick, NULL, NULL);
	if (pthread_create(&t, NULL, lv_loop, NULL) != 0)
		return;
	pthread_detach(t);
	lv_loop_ok = 1;
}

static int
lv_lifecycle(virConnectPtr conn, virDomainPtr dom, int event, int detail,
    void *opaque)
{
	struct lv_sink *s = opaque;
	unsigned char b[2] = { (unsigned char)event, (unsigned char)detail };

	(void)conn;
	(void)dom;
	(void)!write(s->wfd, b, sizeof(b));	/* nonblocking; never waits */
	return 0;
}

static void
lv_sink_free(void *opaque)
{
	struct lv_sink *s = opaque;

	close(s->wfd);
	free(s);
}

/* The connection closed (daemon gone, keepalive timed out, EOF). */
static void
lv_closed(virConnectPtr conn, int reason, void *opaque)
{
	struct vm_libvirt *l = opaque;

	(void)conn;
	__atomic_store_n(&l->closed, reason + 1, __ATOMIC_RELEASE);
}

/*
 * Is the daemon gone?  Checks the close flag, then makes one round trip.
 * With settle, first waits up to LV_SETTLE_MS for the flag: a host that
 * dies takes its daemon and its QEMU down in no fixed order, and QEMU's
 * end is seen first when the daemon goes a moment later.
 */
static int
lv_host_gone(struct vm_libvirt *l, int settle)
{
	unsigned long ver;

	for (int ms = 0; settle && ms < LV_SETTLE_MS && !lv_is_closed(l);
	    ms += 100)
		usleep(100000);
	if (l->conn == NULL || lv_is_closed(l))
		return 1;
	return virConnectIsAlive(l->conn) != 1 ||
	    virConnectGetLibVersion(l->conn, &ver) < 0;
}

/* Mark the host lost and say so; returns -1 for next_event. */
static int
lv_lost(struct vm *vm)
{
	vm->host_lost = 1;
	return error("libvirt: lost the connection to '%s'", vm->cfg.connect ?
	    vm->cfg.connect : "qemu:///system");
}

/*
 * The accelerator for the domain, in accel: the one asked for, else
 * "kvm" if the libvirt host says its QEMU can run KVM domains
 * (virConnectGetDomainCapabilities for virttype kvm), else "tcg".  The
 * host that runs the domain answers, never this machine's /dev/kvm.
 */
static void
lv_accel(struct vm_libvirt *l, const struct vm_config *cfg, char *accel,
    size_t n)
{
	const char *want = vm_accel_wanted(cfg);
	char *caps;

	if (want == NULL) {
		caps = virConnectGetDomainCapabilities(l->conn, NULL,
		    "x86_64", NULL, "kvm", 0);
		want = caps != NULL ? "kvm" : "tcg";
		free(caps);
		virResetLastError();	/* "no kvm" is an answer here */
	}
	snprintf(accel, n, "%s", want);
}

/* The token's volume, once QEMU has read it (or the start failed). */
static void
lv_token_vol_delete(struct vm_libvirt *l)
{
	if (l->token_vol == NULL)
		return;
	(void)virStorageVolDelete(l->token_vol, 0);
	virStorageVolFree(l->token_vol);
	l->token_vol = NULL;
	virResetLastError();
}

static int
lv_start(struct vm *vm)
{
	const struct vm_config *cfg = &vm->cfg;
	struct vm_libvirt *l;
	struct lv_sink *sink;
	struct lv_chan con = { NULL, NULL, 0 }, ag = { NULL, NULL, 0 };
	struct lv_boot boot = { cfg->kernel, cfg->initrd, NULL };
	int lcon = -1, lag = -1, pfd[2], rc = -1;
	char *name = NULL, *xml = NULL, *path = NULL;
	char *kvol = NULL, *ivol = NULL, *tvol = NULL;
	const char *base;
	double deadline;

	if (cfg->disk != NULL || cfg->mem_file != NULL)
		return error("the libvirt backend takes no disks (--dump "
		    "kdump and --snapshot are QEMU-backend only)");
	pthread_once(&lv_loop_once, lv_loop_start);
	if (!lv_loop_ok)
		return error("libvirt: cannot start the event loop");
	l = xcalloc(1, sizeof(*l));
	l->cb_id = -1;
	l->ev_rfd = l->console_fd = l->ag_listen = -1;
	for (int i = 0; i < LV_MAX_CANDIDATES; i++)
		l->cands[i].fd = -1;
	vm->priv = l;

	path = xasprintf("%s/console.log", cfg->dir);
	if (console_open(&vm->console, path, cfg->console_limit) != 0)
		goto out;
	l->conn = virConnectOpen(cfg->connect ? cfg->connect :
	    "qemu:///system");
	if (l->conn == NULL) {
		/* refused or unreachable: the host, not this run, failed */
		vm->host_lost = 1;
		lv_error("cannot connect");
		goto out;
	}
	/* a local driver has no keepalive (1): nothing to watch then */
	(void)virConnectSetKeepAlive(l->conn, LV_KEEPALIVE_S,
	    LV_KEEPALIVE_COUNT);
	if (virConnectRegisterCloseCallback(l->conn, lv_closed, l,
	    NULL) == 0)
		l->close_cb = 1;
	lv_accel(l, cfg, vm->accel, sizeof(vm->accel));
	/* the run directory's name is unique: so is the domain's */
	base = strrchr(cfg->dir, '/');
	name = xasprintf("racerig-%s", base ? base + 1 : cfg->dir);
	if (cfg->callback != NULL) {
		con.addr = ag.addr = cfg->callback;
		if (lv_resolve_peers(l, cfg->connect) != 0)
			goto out;
		if ((lcon = lv_listen_tcp(cfg->callback, &con.port)) < 0 ||
		    (lag = lv_listen_tcp(cfg->callback, &ag.port)) < 0 ||
		    lv_token(l, cfg->dir) != 0)
			goto out;
		/* the placeholder the authenticated channel replaces */
		vm->agent_fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC |
		    SOCK_NONBLOCK, 0);
		if (vm->agent_fd < 0) {
			error("socket: %s", strerror(errno));
			goto out;
		}
	} else {
		con.path = l->con_path = xasprintf("%s/console.sock",
		    cfg->dir);
		ag.path = l->ag_path = xasprintf("%s/agent.sock", cfg->dir);
		if ((lcon = lv_listen(l->con_path)) < 0 ||
		    (lag = lv_listen(l->ag_path)) < 0)
			goto out;
		l->authed = 1;	/* only racerig's user can connect */
	}
	boot.token = l->token_path;
	if (cfg->volumes) {
		/* the host sees none of our files: they go up as volumes */
		if ((l->pool = lv_pool(l->conn)) == NULL ||
		    (kvol = lv_vol_for_file(vm, l->conn, l->pool,
		    cfg->kernel, "kernel")) == NULL ||
		    (ivol = lv_vol_for_file(vm, l->conn, l->pool,
		    cfg->initrd, "initramfs")) == NULL) {
			if (lv_host_gone(l, 0))
				(void)lv_lost(vm);
			goto out;
		}
		if (l->token_path != NULL && (l->token_vol = lv_vol_token(
		    l->conn, l->pool, base ? base + 1 : cfg->dir,
		    l->token_path, &tvol)) == NULL) {
			if (lv_host_gone(l, 0))
				(void)lv_lost(vm);
			goto out;
		}
		boot.kernel = kvol;
		boot.initrd = ivol;
		if (tvol != NULL)
			boot.token = tvol;
	}
	/*
	 * One deadline for both channels, however many knock meanwhile,
	 * from when the domain can start (uploads take what they take).
	 */
	deadline = now_mono() + LV_ACCEPT_TIMEOUT_MS / 1000.0;
	xml = lv_domain_xml(cfg, vm->accel, name, &con, &ag, &boot);
	free(path);
	path = xasprintf("%s/domain.xml", cfg->dir);
	/*
	 * Kept for the record, readable by racerig's user alone: it names
	 * the ports the channels listen on while the domain starts.
	 */
	if (write_file_excl(path, xml, strlen(xml), 0600) != 0)
		goto out;

	if (pipe2(pfd, O_CLOEXEC | O_NONBLOCK) != 0) {
		error("pipe: %s", strerror(errno));
		goto out;
	}
	l->ev_rfd = pfd[0];
	sink = xcalloc(1, sizeof(*sink));
	sink->wfd = pfd[1];
	l->dom = virDomainCreateXML(l->conn, xml, 0);
	/* QEMU read the token at its start: the file has done its part */
	lv_token_unlink(l);
	lv_token_vol_delete(l);
	if (l->dom == NULL) {
		lv_error("cannot create the domain");
		lv_sink_free(sink);
		if (lv_host_gone(l, 0))
			(void)lv_lost(vm);
		goto out;
	}
	l->cb_id = virConnectDomainEventRegisterAny(l->conn, l->dom,
	    VIR_DOMAIN_EVENT_ID_LIFECYCLE,
	    VIR_DOMAIN_EVENT_CALLBACK(lv_lifecycle), sink, lv_sink_free);
	if (l->cb_id < 0) {
		lv_error("cannot register for domain events");
		lv_sink_free(sink);
		goto out;
	}
	/*
	 * NEEDSWORK: a TCP console cannot be authenticated: it carries the
	 * guest's raw serial bytes from its first instant, before anything
	 * in the guest could present a token.  A process on the libvirt
	 * host that connects before QEMU does becomes the console, can
	 * fake oopses and panics in it, and leaves QEMU's connection
	 * unanswered.  What limits it: the listener takes only the host's
	 * addresses, only until the absolute deadline, only one
	 * connection, and the port is named in no file others can read
	 * (domain.xml is 0600).  A console over the agent's authenticated
	 * channel, or over a TLS chardev, would close this.
	 */
	if ((l->console_fd = lv_accept(l, lcon, "console", deadline)) < 0 ||
	    (l->authed && (vm->agent_fd = lv_accept(l, lag, "agent",
	    deadline)) < 0)) {
		if (lv_host_gone(l, 0))
			(void)lv_lost(vm);
		goto out;
	}
	if (!l->authed) {
		/* the agent authenticates later, as it boots: next_event */
		l->ag_listen = lag;
		l->accept_deadline = deadline;
		lag = -1;
	}
	rc = 0;
out:
	if (lcon >= 0)
		close(lcon);
	if (lag >= 0)
		close(lag);
	free(name);
	free(xml);
	free(path);
	free(kvol);
	free(ivol);
	free(tvol);
	return rc;
}

/* One lifecycle event from the pipe, as a VM event; 0 if not one. */
static int
lv_event(struct vm *vm, int event, int detail, struct vm_event *ev)
{
	switch (event) {
	case VIR_DOMAIN_EVENT_CRASHED:
		vm->state = VM_PANICKED;
		ev->type = VM_EV_PANIC;
		snprintf(ev->detail, sizeof(ev->detail), "guest panicked "
		    "(libvirt crashed event, detail %d)", detail);
		return 1;
	case VIR_DOMAIN_EVENT_SHUTDOWN:
		if (vm->state == VM_RUNNING)
			vm->state = VM_STOPPED;
		ev->type = VM_EV_SHUTDOWN;
		snprintf(ev->detail, sizeof(ev->detail), "guest shut down");
		return 1;
	case VIR_DOMAIN_EVENT_STOPPED:
		vm->state = VM_EXITED;
		ev->type = VM_EV_EXITED;
		snprintf(ev->detail, sizeof(ev->detail), "domain stopped "
		    "(detail %d)", detail);
		return 1;
	default:
		return 0;
	}
}

/*
 * The domain seems to have vanished (a channel hung up, a stopped
 * event): returns 1 if its daemon went with it, which vm->host_lost then
 * records.  Probed once per VM: the answer does not change.
 */
static int
lv_vanished(struct vm *vm)
{
	struct vm_libvirt *l = vm->priv;

	if (l->probed)
		return vm->host_lost;
	l->probed = 1;
	if (lv_host_gone(l, 1))
		return lv_lost(vm), 1;
	return 0;
}

static int
lv_next_event(struct vm *vm, struct vm_event *ev, int timeout_ms)
{
	struct vm_libvirt *l = vm->priv;
	double deadline = now_mono() + timeout_ms / 1000.0;

	for (;;) {
		struct pollfd p[4 + LV_MAX_CANDIDATES] = {
			{ .fd = l->ev_rfd, .events = POLLIN },
			{ .fd = l->console_fd, .events = POLLIN },
			/* RDHUP: a TCP peer's FIN is no POLLHUP */
			{ .fd = vm->agent_closed || !l->authed ? -1 :
			    vm->agent_fd, .events = POLLIN | POLLRDHUP },
			/* until authenticated: the listener, with room */
			{ .fd = -1, .events = POLLIN },
		};
		int left = (int)((deadline - now_mono()) * 1000), rc;

		for (int i = 0; !l->authed && i < LV_MAX_CANDIDATES; i++) {
			p[4 + i].fd = l->cands[i].fd;
			p[4 + i].events = POLLIN | POLLRDHUP;
			if (l->cands[i].fd < 0)
				p[3].fd = l->ag_listen;
		}
		if (lv_is_closed(l))
			return vm->host_lost ? -1 : lv_lost(vm);
		/* short slices: the close flag is not a file descriptor */
		rc = poll(p, l->authed ? 3 : 4 + LV_MAX_CANDIDATES, left < 0 ?
		    0 : left > 250 ? 250 : left);
		if (rc < 0 && errno != EINTR)
			return error("poll: %s", strerror(errno));
		if (!l->authed && lv_auth_step(vm, p + 3) != 0)
			return -1;
		if (rc > 0 && (p[0].revents & POLLIN)) {
			unsigned char b[2];

			if (read(l->ev_rfd, b, sizeof(b)) == 2 &&
			    lv_event(vm, b[0], b[1], ev)) {
				if (ev->type == VM_EV_EXITED &&
				    lv_vanished(vm))
					return -1;
				return 0;
			}
		}
		if (rc > 0 && (p[1].revents & (POLLIN | POLLHUP))) {
			ssize_t n = console_read(&vm->console, l->console_fd);

			if (n > 0) {
				ev->type = VM_EV_CONSOLE;
				return 0;
			}
			if (n < 0) {
				close(l->console_fd);
				l->console_fd = -1;
				if (lv_vanished(vm))
					return -1;
			}
		}
		if (rc > 0 && (p[2].revents & (POLLIN | POLLRDHUP | POLLHUP |
		    POLLERR))) {
			if ((p[2].revents & (POLLRDHUP | POLLHUP | POLLERR)) &&
			    lv_vanished(vm))
				return -1;
			ev->type = VM_EV_AGENT;
			return 0;
		}
		if (now_mono() >= deadline) {
			ev->type = VM_EV_TIMEOUT;
			return 0;
		}
	}
}

/*
 * Memory-only kdump-zlib dump.  libvirt streams it through a pipe, so it
 * may come in makedumpfile's flattened form: rearranged with -R then.
 */
static int
lv_dump(struct vm *vm, const char *path)
{
	struct vm_libvirt *l = vm->priv;
	char *flat = xasprintf("%s.flat", path), *origin;
	char sig[16] = "";
	int fd, st, rc = -1;

	if (l->pool != NULL) {
		/* written on the host, brought here */
		const char *base = strrchr(vm->cfg.dir, '/');

		if (lv_vol_dump(vm, l->conn, l->pool, l->dom, base ? base + 1 :
		    vm->cfg.dir, flat) != 0)
			goto out;
	} else if (virDomainCoreDumpWithFormat(l->dom, flat,
	    VIR_DOMAIN_CORE_DUMP_FORMAT_KDUMP_ZLIB, VIR_DUMP_MEMORY_ONLY) < 0) {
		lv_error("memory dump failed");
		goto out;
	}
	fd = open(flat, O_RDONLY | O_CLOEXEC);
	if (fd >= 0) {
		(void)!read(fd, sig, sizeof(sig) - 1);
		close(fd);
	}
	if (strncmp(sig, "makedumpfile", 12) == 0) {
		origin = xasprintf("'%s'", flat);
		st = dump_unflatten(flat, path, origin);
		free(origin);
		if (st != 0)
			goto out;
	} else if (rename(flat, path) != 0) {
		error("cannot rename '%s': %s", flat, strerror(errno));
		goto out;
	}
	rc = 0;
out:
	free(flat);
	return rc;
}

static void
lv_stop(struct vm *vm)
{
	struct vm_libvirt *l = vm->priv;

	if (l == NULL)
		return;
	if (l->dom != NULL) {
		(void)virDomainDestroy(l->dom);	/* gone already: fine */
		virDomainFree(l->dom);
	}
	lv_token_unlink(l);
	lv_token_vol_delete(l);
	if (l->pool != NULL)
		virStoragePoolFree(l->pool);
	if (l->ag_listen >= 0)
		close(l->ag_listen);
	for (int i = 0; i < LV_MAX_CANDIDATES; i++) {
		if (l->cands[i].fd >= 0)
			close(l->cands[i].fd);
	}
	if (l->cb_id >= 0)
		virConnectDomainEventDeregisterAny(l->conn, l->cb_id);
	/* before l goes: the callback writes to it */
	if (l->close_cb)
		virConnectUnregisterCloseCallback(l->conn, lv_closed);
	if (l->conn != NULL)
		virConnectClose(l->conn);
	if (l->ev_rfd >= 0)
		close(l->ev_rfd);
	/* keep the last console bytes */
	while (l->console_fd >= 0 && console_read(&vm->console,
	    l->console_fd) > 0)
		;
	if (l->console_fd >= 0)
		close(l->console_fd);
	if (vm->agent_fd >= 0) {
		close(vm->agent_fd);
		vm->agent_fd = -1;
	}
	if (l->con_path != NULL)
		unlink(l->con_path);
	if (l->ag_path != NULL)
		unlink(l->ag_path);
	free(l->con_path);
	free(l->ag_path);
	free(l);
	vm->priv = NULL;
	vm->state = VM_EXITED;
}

/*
 * Is the domain still running?  A domain whose QEMU was killed is shut
 * off (or gone, for a transient one) while its daemon answers: the
 * daemon's health alone says nothing about it.  A daemon that does not
 * answer leaves the question open (1): its loss is found elsewhere.
 */
static int
lv_alive(struct vm *vm, char *detail, size_t n)
{
	struct vm_libvirt *l = vm->priv;
	int state = 0, reason = 0;

	if (l->dom == NULL)
		return 1;
	if (virDomainGetState(l->dom, &state, &reason, 0) < 0) {
		virErrorPtr e = virGetLastError();

		if (e != NULL && e->code == VIR_ERR_NO_DOMAIN) {
			snprintf(detail, n, "domain gone");
			return 0;
		}
		return 1;
	}
	if (state == VIR_DOMAIN_SHUTOFF || state == VIR_DOMAIN_NOSTATE) {
		snprintf(detail, n, "domain shut off (reason %d)", reason);
		return 0;
	}
	return 1;
}

int
vm_libvirt_reclaim(const char *uri, const char *label, char *const *ids,
    size_t nids, struct buf *said)
{
	virConnectPtr conn;
	unsigned long ver;

	pthread_once(&lv_loop_once, lv_loop_start);	/* quiets libvirt */
	conn = virConnectOpen(uri);
	if (conn == NULL || virConnectGetLibVersion(conn, &ver) < 0) {
		if (conn != NULL)
			virConnectClose(conn);
		virResetLastError();
		return -1;
	}
	for (size_t i = 0; i < nids; i++) {
		char *name = xasprintf("racerig-%s", ids[i]);
		virDomainPtr dom = virDomainLookupByName(conn, name);

		if (dom != NULL) {
			if (virDomainDestroy(dom) == 0)
				buf_addf(said, "destroyed stray domain %s on "
				    "host %s (its run was lost with the host)\n",
				    name, label);
			else {
				const virError *e = virGetLastError();

				buf_addf(said, "cannot destroy stray domain "
				    "%s on host %s: %s\n", name, label, e &&
				    e->message ? e->message : "unknown error");
			}
			virDomainFree(dom);
		}
		virResetLastError();
		free(name);
	}
	virConnectClose(conn);
	return 0;
}

const struct vm_ops vm_libvirt_ops = {
	.name = "libvirt",
	.start = lv_start,
	.next_event = lv_next_event,
	.dump = lv_dump,
	.alive = lv_alive,
	.stop = lv_stop,
};
