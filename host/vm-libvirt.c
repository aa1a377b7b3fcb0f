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
 * A remote daemon (cfg->callback set) cannot reach sockets in the run
 * directory: console and agent channel are then TCP chardevs that QEMU
 * connects back with, to a listener racerig binds on the callback
 * address (port 0) just before it creates the domain.  Kernel, initrd
 * and the dump file are still paths, read and written by the remote
 * host: it must see racerig's cache and run directories at the same
 * paths (a shared filesystem).
 *
 * Any process that reaches such a port could pose as the guest, so the
 * listeners take connections only from the addresses of the URI's host
 * (a URI without one is refused), only until one absolute deadline, and
 * domain.xml, which names the ports, is racerig's user's alone.  The
 * agent channel is authenticated besides: a fresh token goes to the
 * guest out of band, as a fw_cfg file (lv_token), and of up to
 * LV_MAX_CANDIDATES connections the first whose agent presents it in an
 * AUTH frame becomes the channel (lv_auth_step, from next_event, since
 * the agent speaks only once the guest has booted); the others are
 * dropped.  The console cannot be authenticated: see the NEEDSWORK in
 * vm_libvirt_start.
 *
 * The daemon may die or become unreachable with the guest in it.  A
 * keepalive and a close callback notice that; so does a probe made
 * whenever the domain seems to have vanished (channels hung up, stopped
 * event).  Then vm->host_lost is set and next_event fails: the run is
 * an infrastructure failure, never mistaken for a guest crash.
 */
#include <sys/random.h>
#include <sys/socket.h>
#include <sys/un.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <netdb.h>

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

/* QEMU connects the channels while the domain starts: by then, absolutely */
#define LV_ACCEPT_TIMEOUT_MS	30000
/* keepalive: a daemon that misses 3 probes 2 s apart is gone */
#define LV_KEEPALIVE_S		2
#define LV_KEEPALIVE_COUNT	3
/* how long a vanished domain's daemon gets to show it died too */
#define LV_SETTLE_MS		1500
/* connections to a TCP agent channel waiting to present the token */
#define LV_MAX_CANDIDATES	8

/*
 * A connection to a TCP agent channel that has not presented the run's
 * token yet: the first frame, read exactly (what follows it is the
 * agent's and stays in the socket).
 */
struct lv_cand {
	int		 fd;		/* -1: slot free */
	size_t		 have;
	unsigned char	 buf[PROTO_HDR_SIZE + PROTO_AUTH_MAX];
	char		 addr[INET6_ADDRSTRLEN];
};

/* What the event thread hands to one VM; freed by libvirt's freecb. */
struct lv_sink {
	int	wfd;
};

struct vm_libvirt {
	virConnectPtr	 conn;
	virDomainPtr	 dom;
	int		 cb_id;
	int		 ev_rfd;
	int		 console_fd;
	char		*con_path;	/* unix sockets; NULL with TCP */
	char		*ag_path;
	int		 close_cb;	/* the close callback is registered */
	int		 closed;	/* set by it, on the event thread */
	int		 probed;	/* the vanished-domain probe was made */
	/* TCP channels: the addresses the host's QEMU may connect from */
	struct sockaddr_storage peers[8];
	int		 npeers;	/* >= 1 with TCP channels */
	/*
	 * TCP agent channel.  Until a connection presents token (authed
	 * 0), vm->agent_fd is an unconnected socket that nothing reads; the
	 * connection that does is dup'd over it, so its number never
	 * changes under run.c.  ag_listen stays open to accept_deadline.
	 */
	int		 authed;
	char		 token[PROTO_TOKEN_LEN + 1];
	char		*token_path;	/* until the domain started */
	int		 ag_listen;
	double		 accept_deadline;
	struct lv_cand	 cands[LV_MAX_CANDIDATES];
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

static int
lv_is_closed(struct vm_libvirt *l)
{
	return __atomic_load_n(&l->closed, __ATOMIC_ACQUIRE) != 0;
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

/* A listening unix socket at path (removed first). */
static int
lv_listen(const char *path)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int fd;

	if (strlen(path) >= sizeof(sa.sun_path))
		return error("socket path '%s' is too long", path);
	memcpy(sa.sun_path, path, strlen(path) + 1);
	unlink(path);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0 || bind(fd, (struct sockaddr *)&sa, sizeof(sa)) != 0 ||
	    listen(fd, 1) != 0) {
		error("cannot listen on '%s': %s", path, strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	return fd;
}

/*
 * A listening TCP socket on addr (an IPv4 or IPv6 literal) and a port
 * the kernel picks, put in *port.  Bound to that address only, so the
 * channel is not offered on other networks.
 */
static int
lv_listen_tcp(const char *addr, int *port)
{
	struct sockaddr_storage ss;
	struct sockaddr_in *in4 = (struct sockaddr_in *)&ss;
	struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)&ss;
	socklen_t len;
	int fd;

	if (parse_ip(addr, &ss, &len) != 0)
		return error("callback address '%s' is not an IP address",
		    addr);
	fd = socket(ss.ss_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0 || bind(fd, (struct sockaddr *)&ss, len) != 0 ||
	    listen(fd, LV_MAX_CANDIDATES) != 0 ||
	    getsockname(fd, (struct sockaddr *)&ss, &len) != 0) {
		error("cannot listen on '%s': %s", addr, strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	*port = ntohs(ss.ss_family == AF_INET ? in4->sin_port :
	    in6->sin6_port);
	return fd;
}

/*
 * The addresses of the URI's host, which its QEMU connects from: a
 * channel port is open on the network while it waits, and what connects
 * first must not become the guest's console.  A URI without a host part
 * (a local one) names no address to check against, so TCP channels are
 * refused with it: commands refuse that pairing first, this is the
 * backstop.  0 or -1 (reported).
 */
static int
lv_resolve_peers(struct vm_libvirt *l, const char *uri)
{
	struct addrinfo hints, *res = NULL, *ai;
	char host[256] = "";
	int rc;

	l->npeers = 0;
	if (uri == NULL || uri_host(uri, host, sizeof(host)) != 0 ||
	    host[0] == '\0')
		return error("TCP channels need a libvirt URI that names its "
		    "host, whose addresses alone may connect them: '%s' "
		    "names none", uri ? uri : "qemu:///system");
	memset(&hints, 0, sizeof(hints));
	hints.ai_socktype = SOCK_STREAM;
	rc = getaddrinfo(host, NULL, &hints, &res);
	if (rc != 0)
		return error("cannot resolve '%s' of '%s': %s", host, uri,
		    gai_strerror(rc));
	for (ai = res; ai != NULL && l->npeers < (int)ARRAY_SIZE(l->peers);
	    ai = ai->ai_next) {
		if (ai->ai_addrlen <= sizeof(l->peers[0]))
			memcpy(&l->peers[l->npeers++], ai->ai_addr,
			    ai->ai_addrlen);
	}
	freeaddrinfo(res);
	if (l->npeers == 0)
		return error("'%s' of '%s' has no address", host, uri);
	return 0;
}

/* Is ss one of the host's addresses? */
static int
lv_peer_ok(const struct vm_libvirt *l, const struct sockaddr_storage *ss)
{
	const struct sockaddr_in *a4 = (const struct sockaddr_in *)ss;
	const struct sockaddr_in6 *a6 = (const struct sockaddr_in6 *)ss;

	for (int i = 0; i < l->npeers; i++) {
		const struct sockaddr_in *p4 =
		    (const struct sockaddr_in *)&l->peers[i];
		const struct sockaddr_in6 *p6 =
		    (const struct sockaddr_in6 *)&l->peers[i];

		if (ss->ss_family != l->peers[i].ss_family)
			continue;
		if (ss->ss_family == AF_INET &&
		    a4->sin_addr.s_addr == p4->sin_addr.s_addr)
			return 1;
		if (ss->ss_family == AF_INET6 && memcmp(&a6->sin6_addr,
		    &p6->sin6_addr, sizeof(a6->sin6_addr)) == 0)
			return 1;
	}
	return 0;
}

/* The address of a TCP peer, as text, in out. */
static void
lv_addr_text(const struct sockaddr_storage *ss, char *out, size_t n)
{
	const void *a = ss->ss_family == AF_INET ?
	    (const void *)&((const struct sockaddr_in *)ss)->sin_addr :
	    (const void *)&((const struct sockaddr_in6 *)ss)->sin6_addr;

	if (inet_ntop(ss->ss_family, a, out, (socklen_t)n) == NULL)
		snprintf(out, n, "?");
}

/*
 * Take the one connection QEMU makes to listener lfd by deadline (a
 * now_mono() time, fixed when the listeners opened); gives up early when
 * the daemon's connection closes (its QEMU will not come).  A TCP
 * connection from an address that is not the host's is closed and the
 * wait goes on, to the same deadline: connection attempts never extend
 * it, so a connector knocking every few milliseconds cannot keep a run
 * waiting forever.  A connection already waiting is taken even past the
 * deadline (domain creation can be slow; QEMU connected during it).
 */
static int
lv_accept(struct vm_libvirt *l, int lfd, const char *what, double deadline)
{
	struct pollfd p = { .fd = lfd, .events = POLLIN };
	int fd, one = 1;

	for (;;) {
		struct sockaddr_storage ss;
		socklen_t len = sizeof(ss);
		char addr[INET6_ADDRSTRLEN];
		int left = (int)((deadline - now_mono()) * 1000), rc;

		rc = poll(&p, 1, left < 0 ? 0 : left > 250 ? 250 : left);
		if (rc < 0 && errno != EINTR)
			return error("poll (%s): %s", what, strerror(errno));
		if (rc <= 0) {
			if (lv_is_closed(l) || now_mono() >= deadline)
				return error("QEMU did not connect the %s "
				    "channel", what);
			continue;
		}
		memset(&ss, 0, sizeof(ss));
		fd = accept4(lfd, (struct sockaddr *)&ss, &len,
		    SOCK_CLOEXEC | SOCK_NONBLOCK);
		if (fd < 0 && (errno == EAGAIN || errno == EINTR ||
		    errno == ECONNABORTED))
			continue;	/* gone before it was taken */
		if (fd < 0)
			return error("accept (%s): %s", what, strerror(errno));
		if (ss.ss_family == AF_UNIX || lv_peer_ok(l, &ss))
			break;
		lv_addr_text(&ss, addr, sizeof(addr));
		warning("refused a connection to the %s channel from %s: "
		    "not the libvirt host", what, addr);
		close(fd);
	}
	/* small agent frames must not wait for Nagle (no-op on unix) */
	(void)setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	return fd;
}

static void
lv_cand_drop(struct lv_cand *c, const char *why)
{
	warning("dropped a connection to the agent channel from %s: %s",
	    c->addr, why);
	close(c->fd);
	c->fd = -1;
}

/*
 * The first connection to present the token becomes the agent channel:
 * dup'd over the placeholder vm->agent_fd.  The other candidates and
 * the listener go.
 */
static int
lv_cand_adopt(struct vm *vm, struct lv_cand *c)
{
	struct vm_libvirt *l = vm->priv;
	int one = 1;

	if (dup3(c->fd, vm->agent_fd, O_CLOEXEC) < 0)
		return error("dup3 (agent channel): %s", strerror(errno));
	close(c->fd);
	c->fd = -1;
	/* small agent frames must not wait for Nagle */
	(void)setsockopt(vm->agent_fd, IPPROTO_TCP, TCP_NODELAY, &one,
	    sizeof(one));
	for (int i = 0; i < LV_MAX_CANDIDATES; i++) {
		if (l->cands[i].fd >= 0)
			lv_cand_drop(&l->cands[i], "the agent authenticated "
			    "on another");
	}
	if (l->ag_listen >= 0)
		close(l->ag_listen);
	l->ag_listen = -1;
	l->authed = 1;
	return 0;
}

/* Does c's AUTH payload (len bytes) carry the run's token? */
static int
lv_cand_check(const struct vm_libvirt *l, struct lv_cand *c, size_t len)
{
	json_t *o = json_loadb((const char *)c->buf + PROTO_HDR_SIZE, len, 0,
	    NULL);
	const char *tok = json_string_value(json_object_get(o, "token"));
	int ok = tok != NULL && strlen(tok) == PROTO_TOKEN_LEN;
	unsigned char diff = 0;

	/* constant time: a wrong guess says nothing of the right one */
	for (size_t i = 0; ok && i < PROTO_TOKEN_LEN; i++)
		diff |= (unsigned char)(tok[i] ^ l->token[i]);
	json_decref(o);
	if (!ok || diff != 0) {
		lv_cand_drop(c, "it presented a wrong token");
		return 0;
	}
	return 1;
}

/*
 * Read what candidate c sent: exactly its first frame, never beyond
 * (what follows is the agent's), which must be AUTH with the run's
 * token.  Anything else, or the end of the connection, drops it.
 * Returns 1 when it presented the token, 0 otherwise.
 */
static int
lv_cand_read(const struct vm_libvirt *l, struct lv_cand *c)
{
	struct proto_hdr hdr = { 0, 0, 0 };
	ssize_t n;

	/* a header kept in buf was checked when it came in */
	if (c->have >= PROTO_HDR_SIZE)
		proto_hdr_decode(c->buf, &hdr);
	n = read(c->fd, c->buf + c->have, (c->have < PROTO_HDR_SIZE ?
	    PROTO_HDR_SIZE : PROTO_HDR_SIZE + hdr.length) - c->have);
	if (n < 0 && (errno == EAGAIN || errno == EINTR))
		return 0;
	if (n <= 0) {
		lv_cand_drop(c, n == 0 ? "it closed before it presented "
		    "the token" : strerror(errno));
		return 0;
	}
	c->have += (size_t)n;
	if (c->have < PROTO_HDR_SIZE)
		return 0;
	proto_hdr_decode(c->buf, &hdr);
	if (hdr.magic != PROTO_MAGIC || hdr.type != PROTO_AUTH ||
	    hdr.length > PROTO_AUTH_MAX) {
		lv_cand_drop(c, "its first frame is not an auth frame");
		return 0;
	}
	if (c->have < PROTO_HDR_SIZE + hdr.length)
		return 0;
	return lv_cand_check(l, c, hdr.length);
}

/* Take a connection to the agent listener as a candidate, if it may be. */
static void
lv_cand_accept(struct vm_libvirt *l)
{
	struct sockaddr_storage ss;
	socklen_t len = sizeof(ss);
	struct lv_cand *c = NULL;
	char addr[INET6_ADDRSTRLEN];
	int fd;

	for (int i = 0; i < LV_MAX_CANDIDATES && c == NULL; i++) {
		if (l->cands[i].fd < 0)
			c = &l->cands[i];
	}
	if (c == NULL)
		return;		/* polled only with a free slot */
	memset(&ss, 0, sizeof(ss));
	fd = accept4(l->ag_listen, (struct sockaddr *)&ss, &len,
	    SOCK_CLOEXEC | SOCK_NONBLOCK);
	if (fd < 0)
		return;		/* gone already, or seen next time */
	lv_addr_text(&ss, addr, sizeof(addr));
	if (!lv_peer_ok(l, &ss)) {
		warning("refused a connection to the agent channel from %s: "
		    "not the libvirt host", addr);
		close(fd);
		return;
	}
	memset(c, 0, sizeof(*c));
	c->fd = fd;
	snprintf(c->addr, sizeof(c->addr), "%s", addr);
}

/*
 * Before the agent authenticated: accept candidates (p[0], the listener)
 * and read them (p[1 + i], candidate i).  Closes the listener at the
 * accept deadline.  Returns 0, or -1 (reported) when no connection is
 * left that could still authenticate.
 *
 * A candidate that says nothing is kept until another authenticates:
 * QEMU's own connection is silent until the guest has booted and cannot
 * be told from an impostor's before then, so the run's boot timeout is
 * what bounds that wait.  Impostors that fill every slot first leave
 * QEMU's connection in the backlog: a run lost to them (boot-failed),
 * never one they pose in.
 */
static int
lv_auth_step(struct vm *vm, const struct pollfd *p)
{
	struct vm_libvirt *l = vm->priv;
	int left = 0;

	if (p[0].revents & POLLIN)
		lv_cand_accept(l);
	for (int i = 0; i < LV_MAX_CANDIDATES && !l->authed; i++) {
		struct lv_cand *c = &l->cands[i];

		if (c->fd >= 0 && p[1 + i].fd == c->fd && p[1 + i].revents &&
		    lv_cand_read(l, c) == 1 && lv_cand_adopt(vm, c) != 0)
			return -1;
	}
	if (l->authed)
		return 0;
	if (l->ag_listen >= 0 && now_mono() >= l->accept_deadline) {
		close(l->ag_listen);
		l->ag_listen = -1;
	}
	for (int i = 0; i < LV_MAX_CANDIDATES; i++)
		left += l->cands[i].fd >= 0;
	if (l->ag_listen < 0 && left == 0)
		return error("no connection to the agent channel presented "
		    "the run's token, and the wait for one is over");
	return 0;
}

/*
 * A fresh token for the TCP agent channel, in l->token and in a file of
 * the run directory that QEMU hands the guest through fw_cfg (it reads
 * the file at its start; the libvirt host sees the directory at the same
 * path).  The file is racerig's user's alone, and goes once the domain
 * has started.  0 or -1 (reported).
 */
static int
lv_token(struct vm_libvirt *l, const char *dir)
{
	unsigned char raw[PROTO_TOKEN_LEN / 2];

	if (getrandom(raw, sizeof(raw), 0) != (ssize_t)sizeof(raw))
		return error("getrandom: %s", strerror(errno));
	for (size_t i = 0; i < sizeof(raw); i++)
		snprintf(l->token + 2 * i, 3, "%02x", raw[i]);
	l->token_path = xasprintf("%s/agent.token", dir);
	if (write_file_excl(l->token_path, l->token, PROTO_TOKEN_LEN,
	    0600) != 0) {
		free(l->token_path);
		l->token_path = NULL;
		return -1;
	}
	return 0;
}

static void
lv_token_unlink(struct vm_libvirt *l)
{
	if (l->token_path != NULL)
		unlink(l->token_path);
	free(l->token_path);
	l->token_path = NULL;
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

/* Text for an XML element or attribute value. */
static void
lv_xml_text(struct buf *b, const char *s)
{
	for (; *s; s++) {
		switch (*s) {
		case '&': buf_addstr(b, "&amp;"); break;
		case '<': buf_addstr(b, "&lt;"); break;
		case '>': buf_addstr(b, "&gt;"); break;
		case '\'': buf_addstr(b, "&apos;"); break;
		case '"': buf_addstr(b, "&quot;"); break;
		default: buf_add(b, s, 1);
		}
	}
}

/* libvirt wants the emulator's absolute path (caller frees). */
static char *
lv_emulator(void)
{
	const char *q = qemu_binary(), *path = getenv("PATH");
	char *dirs, *d, *save = NULL, *found = NULL;

	if (strchr(q, '/') != NULL)
		return xstrdup(q);
	dirs = xstrdup(path ? path : "/usr/bin:/bin");
	for (d = strtok_r(dirs, ":", &save); d && !found;
	    d = strtok_r(NULL, ":", &save)) {
		char *p = xasprintf("%s/%s", d, q);

		if (access(p, X_OK) == 0)
			found = p;
		else
			free(p);
	}
	free(dirs);
	return found ? found : xstrdup(q);
}

/*
 * Where QEMU connects a channel: a unix socket path, or addr:port over
 * TCP.
 */
struct lv_chan {
	const char	*path;
	const char	*addr;
	int		 port;
};

/* <serial>/<channel> element elem with source ch and inner XML target. */
static void
lv_xml_chardev(struct buf *b, const char *elem, const struct lv_chan *ch,
    const char *target)
{
	if (ch->path != NULL) {
		buf_addf(b, "    <%s type='unix'><source mode='connect' path='",
		    elem);
		lv_xml_text(b, ch->path);
		buf_addstr(b, "'/>");
	} else {
		buf_addf(b, "    <%s type='tcp'><source mode='connect' host='",
		    elem);
		lv_xml_text(b, ch->addr);
		buf_addf(b, "' service='%d'/><protocol type='raw'/>",
		    ch->port);
	}
	buf_addf(b, "%s</%s>\n", target, elem);
}

/*
 * The domain's XML.  token_path, if not NULL, is the file QEMU hands the
 * guest as fw_cfg PROTO_TOKEN_FW_CFG, and the kernel command line then
 * tells the agent to present it (see proto.h).
 */
static char *
lv_domain_xml(const struct vm_config *cfg, const char *accel,
    const char *name, const struct lv_chan *con, const struct lv_chan *ag,
    const char *token_path)
{
	struct buf b = BUF_INIT;
	char *emulator;

	/* libvirt calls TCG "qemu" */
	buf_addf(&b, "<domain type='%s'>\n  <name>", strcmp(accel,
	    "kvm") == 0 ? "kvm" : "qemu");
	lv_xml_text(&b, name);
	buf_addf(&b, "</name>\n  <memory unit='MiB'>%d</memory>\n"
	    "  <vcpu>%d</vcpu>\n  <os>\n"
	    "    <type arch='x86_64'>hvm</type>\n    <kernel>", cfg->mem_mb,
	    cfg->smp);
	lv_xml_text(&b, cfg->kernel);
	buf_addstr(&b, "</kernel>\n    <initrd>");
	lv_xml_text(&b, cfg->initrd);
	buf_addstr(&b, "</initrd>\n    <cmdline>");
	lv_xml_text(&b, cfg->cmdline);
	if (token_path != NULL)
		buf_addstr(&b, " racerig.auth=fw_cfg");
	buf_addstr(&b, "</cmdline>\n  </os>\n");
	if (token_path != NULL) {
		buf_addstr(&b, "  <sysinfo type='fwcfg'>\n    <entry name='"
		    PROTO_TOKEN_FW_CFG "' file='");
		lv_xml_text(&b, token_path);
		buf_addstr(&b, "'/>\n  </sysinfo>\n");
	}
	buf_addstr(&b,
	    "  <features><acpi/><vmcoreinfo state='on'/></features>\n"
	    "  <cpu mode='maximum'/>\n"
	    "  <on_poweroff>destroy</on_poweroff>\n"
	    "  <on_reboot>destroy</on_reboot>\n"
	    "  <on_crash>preserve</on_crash>\n"
	    "  <devices>\n    <emulator>");
	emulator = lv_emulator();
	lv_xml_text(&b, emulator);
	free(emulator);
	buf_addstr(&b, "</emulator>\n");
	lv_xml_chardev(&b, "serial", con, "<target port='0'/>");
	lv_xml_chardev(&b, "channel", ag, "<target type='virtio' name='"
	    PROTO_PORT_NAME "'/>");
	buf_addstr(&b, "    <panic model='isa'/>\n"
	    "    <memballoon model='none'/>\n"
	    "  </devices>\n</domain>\n");
	return b.data;
}

static int
vm_libvirt_start(struct vm *vm)
{
	const struct vm_config *cfg = &vm->cfg;
	struct vm_libvirt *l;
	struct lv_sink *sink;
	struct lv_chan con = { NULL, NULL, 0 }, ag = { NULL, NULL, 0 };
	int lcon = -1, lag = -1, pfd[2], rc = -1;
	char *name = NULL, *xml = NULL, *path = NULL;
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
	/* one deadline for both channels, however many knock meanwhile */
	deadline = now_mono() + LV_ACCEPT_TIMEOUT_MS / 1000.0;
	xml = lv_domain_xml(cfg, vm->accel, name, &con, &ag, l->token_path);
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
	return rc;
}

/* One lifecycle event from the pipe, as a VM event; 0 if not one. */
static int
vm_libvirt_event(struct vm *vm, int event, int detail, struct vm_event *ev)
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
vm_libvirt_next_event(struct vm *vm, struct vm_event *ev, int timeout_ms)
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
			    vm_libvirt_event(vm, b[0], b[1], ev)) {
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
vm_libvirt_dump(struct vm *vm, const char *path)
{
	struct vm_libvirt *l = vm->priv;
	char *flat = xasprintf("%s.flat", path), *origin;
	char sig[16] = "";
	int fd, st, rc = -1;

	if (virDomainCoreDumpWithFormat(l->dom, flat,
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
vm_libvirt_stop(struct vm *vm)
{
	struct vm_libvirt *l = vm->priv;

	if (l == NULL)
		return;
	if (l->dom != NULL) {
		(void)virDomainDestroy(l->dom);	/* gone already: fine */
		virDomainFree(l->dom);
	}
	lv_token_unlink(l);
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
vm_libvirt_alive(struct vm *vm, char *detail, size_t n)
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

const struct vm_ops vm_libvirt_ops = {
	.name = "libvirt",
	.start = vm_libvirt_start,
	.next_event = vm_libvirt_next_event,
	.dump = vm_libvirt_dump,
	.alive = vm_libvirt_alive,
	.stop = vm_libvirt_stop,
};
