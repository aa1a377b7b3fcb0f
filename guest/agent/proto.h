/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The host <-> guest agent wire protocol: framing and message types.
 *
 * This header is the contract between guest/agent (static, in the guest)
 * and host/agent.c (the orchestrator side).  Both sides compile proto.c.
 *
 * Every message is one frame:
 *
 *	offset 0  u16  magic    PROTO_MAGIC ("RR" little-endian)
 *	offset 2  u16  type     enum proto_type
 *	offset 4  u32  length   payload bytes that follow, <= PROTO_MAX_PAYLOAD
 *	offset 8  ...  payload
 *
 * All integers are little-endian.  Payloads are JSON objects (UTF-8)
 * except PROTO_OUTPUT, whose payload is binary (see below) because
 * program output is arbitrary bytes.
 *
 * The guest is hostile: the host must treat a bad magic, an unknown type,
 * a length over PROTO_MAX_PAYLOAD or a payload that does not parse as a
 * protocol error.  There is no resynchronisation: after a protocol error
 * the host stops reading the channel and records the error in the run.
 *
 * Conversation:
 *	guest: AUTH {"token":"<PROTO_TOKEN_LEN hex digits>"}
 *	                           (only with racerig.auth=fw_cfg, see below)
 *	guest: HELLO {"proto":1,"release":"6.1.0-56-cloud-amd64",
 *	              "ncpus":2,"uptime_ms":1234,"boot_id":"..."}
 *	host:  HELLO {"proto":1}        (a mismatch closes the channel)
 *
 * A guest restored from a snapshot was saved after that exchange; the
 * host of the new run speaks first instead:
 *	host:  HELLO {"proto":1,"resume":{"seed":"<hex, <= 64 bytes>",
 *	              "realtime_ns":N}}
 *	guest: HELLO {...}   (as above, after the seed went into the kernel's
 *	                      random pool and the clock was set)
 *	host:  EXEC {"id":1,"argv":[...],"env":["K=V",...],"cpus":[0,1],
 *	             "timeout_ms":10000,"cwd":"/"}
 *	guest: STARTED {"id":1,"pid":123}
 *	guest: OUTPUT  (binary, one line or chunk of output)
 *	guest: EXIT {"id":1,"status":0,"signal":0,"timed_out":false,
 *	             "duration_ms":12}
 *	guest: HEARTBEAT {"seq":7,"uptime_ms":8123}        (every second)
 *	host:  QUERY {"id":2,"what":"taint"|"softirqs"|"file",
 *	              "path":"/proc/..."}           (path only for "file")
 *	guest: REPLY {"id":2,"ok":true,"data":"..."} or
 *	             {"id":2,"ok":false,"error":"..."}
 *	host:  SAMPLE {"interval_ms":1000,"paths":["/proc/softirqs",...]}
 *	guest: METRICS {"uptime_ms":...,"files":{"/proc/softirqs":"..."}}
 *	host:  KILL {"id":1}
 *	guest: ERROR {"error":"..."}     (the agent could not do something)
 *
 * "file" queries and SAMPLE paths are limited by the agent to /proc and
 * /sys and to PROTO_MAX_FILE bytes.
 *
 * A channel that is a TCP connection (libvirt on a remote host) could be
 * made by any process that reaches its port.  The host then puts a fresh
 * random token in QEMU's fw_cfg file PROTO_TOKEN_FW_CFG and
 * "racerig.auth=fw_cfg" on the kernel command line; the agent's first
 * frame is AUTH with that token, and the host takes no connection as
 * the agent's until one presents it (PROTO_AUTH_MAX payload bytes at
 * most).  The host never sends AUTH.
 */
#ifndef RACERIG_PROTO_H
#define RACERIG_PROTO_H

#include <stddef.h>
#include <stdint.h>

#define PROTO_VERSION		1
#define PROTO_MAGIC		0x5252u		/* "RR" */
#define PROTO_HDR_SIZE		8
#define PROTO_MAX_PAYLOAD	(256u * 1024)
#define PROTO_MAX_FILE		(64u * 1024)
/* virtio-serial port name the agent looks for under /sys/class/virtio-ports */
#define PROTO_PORT_NAME		"org.racerig.agent.0"
/* the channel token: a fw_cfg file name, its length in hex digits */
#define PROTO_TOKEN_FW_CFG	"opt/racerig/token"
#define PROTO_TOKEN_LEN		64
#define PROTO_AUTH_MAX		128

enum proto_type {
	PROTO_HELLO = 1,
	PROTO_EXEC,
	PROTO_STARTED,
	PROTO_OUTPUT,
	PROTO_EXIT,
	PROTO_HEARTBEAT,
	PROTO_QUERY,
	PROTO_REPLY,
	PROTO_SAMPLE,
	PROTO_METRICS,
	PROTO_KILL,
	PROTO_ERROR,
	PROTO_AUTH,
	PROTO_TYPE_MAX		/* not a type: one past the last */
};

/*
 * PROTO_OUTPUT payload: u32 id, u8 stream (1 stdout, 2 stderr), then the
 * bytes of one line (without its newline) or of one chunk of a line that
 * was longer than the agent's line buffer.
 */
#define PROTO_OUTPUT_HDR	5

/* Header of one frame, decoded. */
struct proto_hdr {
	uint16_t	magic;
	uint16_t	type;
	uint32_t	length;
};

/*
 * Incremental frame reader with a bounded buffer.  Feed it whatever bytes
 * arrived; take complete frames out one by one.  It never allocates more
 * than PROTO_HDR_SIZE + PROTO_MAX_PAYLOAD bytes.
 */
struct proto_reader {
	unsigned char	*buf;		/* PROTO_HDR_SIZE + PROTO_MAX_PAYLOAD */
	size_t		 len;		/* bytes held */
	char		 error[128];	/* set once the stream is broken */
};

/* proto.c */
const char	*proto_type_name(unsigned type);
void		 proto_hdr_encode(unsigned char *out, unsigned type,
		     uint32_t length);
/* PROTO_HDR_SIZE bytes at p into *hdr, unchecked */
void		 proto_hdr_decode(const unsigned char *p,
		     struct proto_hdr *hdr);
int		 proto_reader_init(struct proto_reader *r);
void		 proto_reader_release(struct proto_reader *r);
/*
 * Append up to n bytes from data.  Returns the number of bytes consumed
 * (which may be less than n when the buffer holds a complete frame that
 * the caller has not taken yet), or -1 when the stream is broken; the
 * reason is then in r->error and stays there.
 */
long		 proto_reader_feed(struct proto_reader *r, const void *data,
		     size_t n);
/*
 * If a whole frame is buffered, set *hdr and *payload (pointing into the
 * reader's buffer, valid until the next feed or next) and return 1;
 * return 0 if more bytes are needed, -1 if the stream is broken.
 * Call proto_reader_consume() when done with the payload.
 */
int		 proto_reader_next(struct proto_reader *r,
		     struct proto_hdr *hdr, const unsigned char **payload);
void		 proto_reader_consume(struct proto_reader *r);

#endif
