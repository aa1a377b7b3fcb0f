/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Guests (vm.c and its backends: vm-qemu*.c, vm-libvirt*.c, and for
 * tests vm-fake.c; qmp.c, console.c, snapshot.c, dump.c): what a backend
 * is asked to boot, the VM lifecycle and events, the console watcher,
 * QMP, snapshots and vmcores.  A backend's internals stay in its own
 * files (vm-qemu-impl.h, vm-libvirt-impl.h): everything else sees only
 * struct vm_ops.
 */
#ifndef RACERIG_VM_H
#define RACERIG_VM_H

#include <stdlib.h>
#include <string.h>

#include "util.h"

/*
 * QMP client state (qmp.c).  Events that arrive while a command waits are
 * queued in events[].
 */
struct qmp {
	int		 fd;
	struct buf	 in;
	json_t		**events;
	size_t		 nevents;
	int		 eof;
};

/* Console markers (console.c), one bit each. */
#define CONSOLE_CRASH		0x01	/* an oops, BUG() or fatal fault */
#define CONSOLE_PANIC		0x02	/* "Kernel panic - not syncing" */
#define CONSOLE_HANG		0x04	/* soft lockup, RCU stall, hung task */
#define CONSOLE_AGENT_READY	0x08	/* the agent's ready line */
#define CONSOLE_KDUMP_SAVED	0x10	/* the capture kernel saved a vmcore */
#define CONSOLE_OOM		0x20	/* the OOM killer killed a process */
#define CONSOLE_FINDING		0x40	/* a report the kernel goes on from */
#define CONSOLE_NFLAGS		7
#define CONSOLE_LINE		4096	/* longest line parsed as one */
#define CONSOLE_TAIL		(1024 * 1024)	/* kept past the limit */

/*
 * A guest's serial console being logged and watched.  flags has the
 * CONSOLE_* markers seen so far; first_time[bit] the monotonic time each
 * was first seen; first_line the first crash, panic or hang line.
 */
struct console {
	int		 log_fd;
	size_t		 log_limit;
	size_t		 logged;
	unsigned long long total;
	unsigned long long dropped;
	int		 write_failed;
	char		 line[CONSOLE_LINE];
	size_t		 line_len;
	unsigned long	 lines;
	unsigned long	 findings;	/* report headers of CONSOLE_FINDING */
	unsigned	 flags;
	double		 first_time[CONSOLE_NFLAGS];
	char		 first_line[256];
	char		*tail;		/* ring of CONSOLE_TAIL bytes */
	size_t		 tail_pos;
	size_t		 tail_len;
};

/*
 * What a VM backend is asked to boot.  Strings are borrowed from the
 * caller and must outlive the VM.
 */
struct vm_config {
	const char	*kernel;
	const char	*initrd;
	const char	*cmdline;
	int		 smp;
	int		 mem_mb;
	const char	*dir;		/* run directory: console.log etc. */
	/*
	 * "kvm", "tcg", or NULL or "auto": the backend's start() decides
	 * (vm_accel_wanted) and says what it chose in vm->accel.
	 */
	const char	*accel;
	const char	*disk;		/* optional raw disk (kdump target) */
	size_t		 console_limit;	/* bytes of console.log kept */
	/*
	 * Snapshots (snapshot.c).  mem_file: guest RAM is this file instead
	 * of anonymous memory; mem_shared: the guest writes into the file
	 * (the boot that saves a snapshot) rather than into private copies
	 * of its pages (restores, which leave the file as saved).
	 * incoming: the saved device state to start from instead of
	 * booting (NULL: boot); its RAM is mem_file.
	 */
	const char	*mem_file;
	int		 mem_shared;
	const char	*incoming;
	const char	*connect;	/* libvirt URI (NULL: qemu:///system) */
	/*
	 * libvirt: this machine's address as the libvirt host sees it.
	 * Set, console and agent channel are TCP connections that QEMU
	 * makes back to racerig on that address; NULL, unix sockets in
	 * dir (a local daemon only).
	 */
	const char	*callback;
	/*
	 * libvirt: kernel, initramfs and token go up to the host as storage
	 * volumes and the vmcore comes down from one (vm-libvirt-storage.c),
	 * so the host shares no filesystem with this machine; 0: the host
	 * reads and writes this machine's paths (a local daemon, or a
	 * shared filesystem).
	 */
	int		 volumes;
};

/*
 * VM lifecycle.
 *
 *	CREATED --start()--> RUNNING --(panic event)--> PANICKED
 *	   |                    |  \                       |
 *	   |                    |   (shutdown/stop) --> STOPPED
 *	   |                    |                          |
 *	   +------ (process gone, any state) ------> EXITED
 *
 * CREATED:  vm_new() done, no process.  Only start() or vm_free().
 * RUNNING:  the guest executes; console and agent streams are live.
 * PANICKED: the guest reported a panic and is paused (panic=pause):
 *           memory is intact, dump() may be called.
 * STOPPED:  the guest shut down or paused for another reason; dump()
 *           may still be called while the process lives.
 * EXITED:   the hypervisor process is gone; only vm_free().
 * stop() may be called in any state and leaves EXITED.
 */
enum vm_state {
	VM_CREATED,
	VM_RUNNING,
	VM_PANICKED,
	VM_STOPPED,
	VM_EXITED,
};

enum vm_event_type {
	VM_EV_TIMEOUT,		/* nothing happened within the timeout */
	VM_EV_CONSOLE,		/* console bytes were logged and parsed */
	VM_EV_AGENT,		/* the agent channel is readable */
	VM_EV_PANIC,		/* the guest panicked (now PANICKED) */
	VM_EV_SHUTDOWN,		/* the guest shut down or stopped */
	VM_EV_EXITED,		/* the hypervisor process went away */
};

struct vm_event {
	enum vm_event_type type;
	char		 detail[256];
};

struct vm;

/*
 * A VM backend.  name, start, next_event and stop are mandatory; dump,
 * save, restore, snapshot_id and alive may be NULL (callers then report
 * "unsupported", or see alive below).
 *
 * start:      boot the guest described by vm->cfg; on return the console
 *             and agent channel are connected.  It chooses the
 *             accelerator (cfg.accel, else vm_accel_wanted(), else what
 *             its own host runs) and names it in vm->accel.  0 or -1
 *             (reported).
 * next_event: wait up to timeout_ms for one thing to happen and describe
 *             it in *ev.  Console bytes are consumed by the backend into
 *             vm->console before VM_EV_CONSOLE is returned; the agent
 *             channel is only reported readable (the caller reads it).
 *             Returns 0, or -1 on an infrastructure failure (reported).
 * dump:       write guest memory to path as a kdump-compressed file that
 *             makedumpfile and crash can read.  0 or -1 (reported).
 * save:       stop the guest and write its device state to path; its
 *             RAM stays in cfg.mem_file (which must be shared), so path
 *             and mem_file together restore it as cfg.incoming and
 *             cfg.mem_file.  May be NULL (unsupported).  0 or -1
 *             (reported).
 * restore:    like start, but the guest resumes from the state a save
 *             wrote (cfg.incoming, its RAM cfg.mem_file) instead of
 *             booting; vm_start() calls it when cfg.incoming is set.
 *             May be NULL (unsupported).  0 or -1 (reported).
 * snapshot_id: append to id what a saved state depends on besides the
 *             guest's configuration (the hypervisor binary, the
 *             accelerator start() would choose), so that snapshot.c
 *             keys a snapshot by it.  Snapshots need all three of save,
 *             restore and snapshot_id (vm_can_snapshot).
 * alive:      is the hypervisor process (or libvirt domain) still
 *             there?  1 yes, 0 gone: the state is then EXITED and
 *             detail says what went.  May be NULL (taken as yes).  A
 *             broken agent channel is a guest's fault only while its
 *             VM is alive: run.c asks before deciding.
 * stop:       kill the guest and free backend state; never fails.
 */
struct vm_ops {
	const char	*name;
	int		(*start)(struct vm *vm);
	int		(*next_event)(struct vm *vm, struct vm_event *ev,
			    int timeout_ms);
	int		(*dump)(struct vm *vm, const char *path);
	int		(*save)(struct vm *vm, const char *path);
	int		(*restore)(struct vm *vm);
	void		(*snapshot_id)(const struct vm_config *cfg,
			    struct buf *id);
	int		(*alive)(struct vm *vm, char *detail, size_t n);
	void		(*stop)(struct vm *vm);
};

/*
 * A file that travelled between this machine and the VM host (libvirt
 * storage volumes): the run records each.
 */
struct vm_transfer {
	char		 what[16];	/* "kernel", "initramfs", "vmcore" */
	int		 up;		/* 1: to the host; 0: from it */
	char		 volume[96];
	unsigned long long bytes;
	double		 seconds;
};
#define VM_TRANSFERS_MAX	4

struct vm {
	const struct vm_ops	*ops;
	struct vm_config	 cfg;
	enum vm_state		 state;
	struct console		 console;
	int			 agent_fd;	/* host end, -1 if none */
	double			 t_start;	/* now_mono() at start */
	/*
	 * The accelerator start() chose, "kvm" or "tcg" ("" until it has
	 * chosen): the run records it.
	 */
	char			 accel[8];
	/*
	 * Set by the backend when the hypervisor's host or service went
	 * away (connection refused, closed or not answering): whatever
	 * happened to the guest then is no kernel verdict.
	 */
	int			 host_lost;
	/*
	 * Set by the caller once the agent channel broke (end-of-file or
	 * a protocol error): backends stop polling agent_fd, which would
	 * otherwise stay readable and turn the event loop into a spin.
	 */
	int			 agent_closed;
	/* what went up at start and came down with the dump */
	struct vm_transfer	 transfers[VM_TRANSFERS_MAX];
	size_t			 ntransfers;
	void			*priv;		/* backend state */
};

/* qmp.c */
void		 qmp_init(struct qmp *q, int fd);
void		 qmp_release(struct qmp *q);
int		 qmp_handshake(struct qmp *q, int timeout_ms);
int		 qmp_command(struct qmp *q, const char *cmd, json_t *args,
		     json_t **ret, int timeout_ms);
int		 qmp_send_fd(struct qmp *q, const char *name, int fd,
		     int timeout_ms);
json_t		*qmp_next_event(struct qmp *q);

/* console.c */
int		 console_open(struct console *c, const char *path,
		     size_t log_limit);
void		 console_feed(struct console *c, const char *data, size_t n);
ssize_t		 console_read(struct console *c, int fd);
void		 console_close(struct console *c);
unsigned	 console_line_markers(const char *line, size_t len,
		     int *header);

/* vm.c */
const struct vm_ops *vm_backend(const char *name);
void		 vm_backend_register(const struct vm_ops *ops);	/* tests */
struct vm	*vm_new(const struct vm_ops *ops, const struct vm_config *cfg);
int		 vm_start(struct vm *vm);
int		 vm_save(struct vm *vm, const char *path);
int		 vm_can_snapshot(const struct vm_ops *ops);
int		 vm_next_event(struct vm *vm, struct vm_event *ev,
		     int timeout_ms);
int		 vm_dump(struct vm *vm, const char *path);
int		 vm_alive(struct vm *vm, char *detail, size_t n);
void		 vm_free(struct vm *vm);
const char	*vm_state_name(enum vm_state state);

/* the backends: vm-qemu.c, vm-libvirt.c */
extern const struct vm_ops vm_qemu_ops;
extern const struct vm_ops vm_libvirt_ops;

/*
 * A libvirt host that was lost is asked whether it is back: if its
 * daemon answers, each domain racerig-<id> for the ids given (runs lost
 * with the host, which no run owns now) is destroyed, with a line for
 * each in *said naming the host by label.  Returns 0 if the daemon answered, -1 if not (quietly:
 * the host is still down).  Blocks for as long as connecting does.
 */
int		 vm_libvirt_reclaim(const char *uri, const char *label,
		     char *const *ids, size_t nids, struct buf *said);
/* the QEMU binary both backends run: $RACERIG_QEMU or the default */
const char	*qemu_binary(void);

/* snapshot.c */
int		 snapshot_prepare(const struct vm_ops *ops,
		     const struct vm_config *cfg, char **ram_out,
		     char **state_out);

/* dump.c */
int		 dump_unflatten(const char *flat, const char *path,
		     const char *origin);
int		 dump_vmcoreinfo_release(const char *path, char *release,
		     size_t n);
int		 dump_extract_dmesg(const char *vmcore, const char *out_path);
int		 dump_from_kdump_disk(const char *disk, const char *vmcore);

/*
 * The accelerator asked for: cfg->accel, else $RACERIG_ACCEL, as "kvm"
 * or "tcg"; NULL when neither names one ("auto"), and the backend's
 * start() then finds out what its host can run.  Inline: the backends
 * ask it, and vm.c, which dispatches to them, must not be called back.
 */
static inline const char *
vm_accel_wanted(const struct vm_config *cfg)
{
	const char *e = cfg->accel;

	if (e == NULL || strcmp(e, "auto") == 0)
		e = getenv("RACERIG_ACCEL");
	if (e != NULL && (strcmp(e, "kvm") == 0 || strcmp(e, "tcg") == 0))
		return e;
	return NULL;
}

#endif
