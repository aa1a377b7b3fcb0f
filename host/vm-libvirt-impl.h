/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Internals the libvirt backend's files share (vm-libvirt.c: connection,
 * lifecycle, events; vm-libvirt-chan.c: channels; vm-libvirt-xml.c: the
 * domain XML).  Nothing outside the backend includes this: the rest of
 * racerig sees vm_libvirt_ops.
 */
#ifndef RACERIG_VM_LIBVIRT_IMPL_H
#define RACERIG_VM_LIBVIRT_IMPL_H

#include <sys/socket.h>

#include <netinet/in.h>
#include <poll.h>

#include <libvirt/libvirt.h>

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
	/* cfg->volumes: the host's racerig pool, the token's volume */
	virStoragePoolPtr pool;
	virStorageVolPtr token_vol;	/* until the domain started */
};

/*
 * Where QEMU connects a channel: a unix socket path, or addr:port over
 * TCP.
 */
struct lv_chan {
	const char	*path;
	const char	*addr;
	int		 port;
};

/* vm-libvirt.c */

/* vm-libvirt-chan.c */
int		 lv_listen(const char *path);
int		 lv_listen_tcp(const char *addr, int *port);
int		 lv_resolve_peers(struct vm_libvirt *l, const char *uri);
int		 lv_accept(struct vm_libvirt *l, int lfd, const char *what,
		     double deadline);
int		 lv_auth_step(struct vm *vm, const struct pollfd *p);
int		 lv_token(struct vm_libvirt *l, const char *dir);
void		 lv_token_unlink(struct vm_libvirt *l);

/* vm-libvirt-storage.c */
virStoragePoolPtr lv_pool(virConnectPtr conn);
char		*lv_vol_for_file(struct vm *vm, virConnectPtr conn,
		     virStoragePoolPtr pool, const char *path,
		     const char *kind);
virStorageVolPtr lv_vol_token(virConnectPtr conn, virStoragePoolPtr pool,
		     const char *run, const char *local, char **path);
int		 lv_vol_dump(struct vm *vm, virConnectPtr conn,
		     virStoragePoolPtr pool, virDomainPtr dom,
		     const char *run, const char *path);

/* vm-libvirt-xml.c */
/* Paths as the libvirt host sees them (cfg's own, or volumes'). */
struct lv_boot {
	const char	*kernel;
	const char	*initrd;
	const char	*token;		/* NULL: no token (unix channels) */
};

char		*lv_domain_xml(const struct vm_config *cfg, const char *accel,
		     const char *name, const struct lv_chan *con,
		     const struct lv_chan *ag, const struct lv_boot *boot);

/*
 * Has the connection closed (lv_closed() ran: daemon gone, keepalive
 * timed out, EOF)?  Inline: both vm-libvirt.c and vm-libvirt-chan.c ask,
 * and the channel code must not call back up into the lifecycle file.
 */
static inline int
lv_is_closed(struct vm_libvirt *l)
{
	return __atomic_load_n(&l->closed, __ATOMIC_ACQUIRE) != 0;
}

#endif
