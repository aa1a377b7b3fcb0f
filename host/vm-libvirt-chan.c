/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The libvirt backend's channels: the console and agent sockets QEMU
 * connects to and racerig listens on, unix sockets in the run directory
 * for a local daemon, TCP otherwise.
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
 * lv_start.
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
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <libvirt/libvirt.h>

#include "util.h"
#include "vm.h"
#include "proto.h"
#include "vm-libvirt-impl.h"

/* A listening unix socket at path (removed first). */
int
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
int
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
int
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
int
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
int
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
int
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

void
lv_token_unlink(struct vm_libvirt *l)
{
	if (l->token_path != NULL)
		unlink(l->token_path);
	free(l->token_path);
	l->token_path = NULL;
}
