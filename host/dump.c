/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Checking vmcores and extracting their kernel log.
 *
 * A vmcore comes from a crashed, hostile guest: it is opened only with
 * libkdumpfile and makedumpfile, never trusted for a path, and a
 * truncated or garbled one gives an error naming the file, not a crash.
 */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <libkdumpfile/kdumpfile.h>

#include "util.h"

/* dmesg.txt from a vmcore: a kernel log buffer is at most a few MiB */
#define DUMP_DMESG_MAX	(16 * 1024 * 1024)

/*
 * Open path as a dump and read the kernel release recorded in its
 * VMCOREINFO note into release (n bytes).  Returns 0, or -1 (reported)
 * if the file is not a dump or carries no VMCOREINFO -- without it,
 * crash and makedumpfile cannot make sense of the memory.
 */
int
dump_vmcoreinfo_release(const char *path, char *release, size_t n)
{
	kdump_ctx_t *ctx;
	const char *rel = NULL;
	kdump_status st;
	int fd, rc = -1;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return error("cannot open vmcore '%s': %s", path,
		    strerror(errno));
	ctx = kdump_new();
	if (ctx == NULL) {
		close(fd);
		fatal("out of memory creating a libkdumpfile context");
	}
	st = kdump_open_fd(ctx, fd);
	if (st != KDUMP_OK) {
		error("'%s' is not a readable dump: %s", path,
		    kdump_get_err(ctx));
		goto cleanup;
	}
	st = kdump_get_string_attr(ctx, "linux.vmcoreinfo.lines.OSRELEASE",
	    &rel);
	if (st != KDUMP_OK || rel == NULL) {
		error("vmcore '%s' carries no VMCOREINFO (was qemu_fw_cfg "
		    "loaded in the guest?)", path);
		goto cleanup;
	}
	snprintf(release, n, "%s", rel);
	rc = 0;
cleanup:
	kdump_free(ctx);
	close(fd);
	return rc;
}

/*
 * Write the kernel log held in vmcore to out_path with makedumpfile
 * --dump-dmesg, at most DUMP_DMESG_MAX bytes of it.  Returns 0 or -1
 * (reported).
 */
int
dump_extract_dmesg(const char *vmcore, const char *out_path)
{
	char *argv[] = { "makedumpfile", "--dump-dmesg", (char *)vmcore,
	    (char *)out_path, NULL };
	struct buf out = BUF_INIT;
	struct stat sb;
	int st;

	unlink(out_path);	/* makedumpfile refuses to overwrite */
	st = run_command(argv, NULL, NULL, NULL, 120, &out, 64 * 1024);
	if (st != 0) {
		char *nl;

		/* makedumpfile says why on its last non-empty line */
		while (out.len > 0 && (out.data[out.len - 1] == '\n' ||
		    out.data[out.len - 1] == ' '))
			out.data[--out.len] = '\0';
		nl = out.len ? strrchr(out.data, '\n') : NULL;
		error("cannot extract the kernel log from '%s': makedumpfile "
		    "status %d%s%s", vmcore, st, out.len ? ": " : "",
		    out.len ? (nl ? nl + 1 : out.data) : "");
		buf_release(&out);
		return -1;
	}
	buf_release(&out);
	/*
	 * The log's size comes from the vmcore, which the guest wrote: keep
	 * what a kernel's log can hold and cut the rest, saying so.
	 */
	if (stat(out_path, &sb) == 0 && sb.st_size > DUMP_DMESG_MAX) {
		int fd = open(out_path, O_WRONLY | O_APPEND | O_CLOEXEC |
		    O_NOFOLLOW);
		static const char note[] = "\n[racerig: dmesg.txt cut at "
		    "16777216 bytes]\n";

		if (fd < 0 || ftruncate(fd, DUMP_DMESG_MAX) != 0 ||
		    write_all(fd, note, sizeof(note) - 1) != 0) {
			if (fd >= 0)
				close(fd);
			return error("cannot cut '%s' to %d bytes: %s",
			    out_path, DUMP_DMESG_MAX, strerror(errno));
		}
		close(fd);
	}
	return 0;
}

/*
 * Rearrange a vmcore in makedumpfile's flattened form (what QEMU and
 * libvirt stream out, and what the capture kernel saves) into a normal
 * kdump-compressed file at path, which tools can open.  flat is removed
 * once that worked.  origin names the dump in the error, if any.
 * Returns 0 or -1 (reported).
 */
int
dump_unflatten(const char *flat, const char *path, const char *origin)
{
	char *argv[] = { "makedumpfile", "-R", (char *)path, NULL };
	int st = run_command(argv, flat, NULL, NULL, 300, NULL, 0);

	if (st != 0)
		return error("makedumpfile -R failed (status %d) on %s", st,
		    origin);
	unlink(flat);
	return 0;
}

/*
 * Read the vmcore the guest's capture kernel saved on the kdump disk
 * (layout in guest/agent/kdump.c) and write it to vmcore as a normal
 * kdump-compressed file.  The disk is guest-written: the header must
 * match exactly and the length must fit the disk.  Returns 0 or -1
 * (reported).
 */
int
dump_from_kdump_disk(const char *disk, const char *vmcore)
{
	char head[64], *flat = xasprintf("%s.flat", vmcore), *origin;
	unsigned long long len, left;
	struct stat st;
	int in = -1, out = -1, rc = -1, n;
	char tail;

	in = open(disk, O_RDONLY | O_CLOEXEC);
	if (in < 0 || fstat(in, &st) != 0) {
		error("cannot open kdump disk '%s': %s", disk, strerror(errno));
		goto cleanup;
	}
	memset(head, 0, sizeof(head));
	if (pread(in, head, sizeof(head) - 1, 0) <= 0 ||
	    sscanf(head, "RACERIG-KDUMP 1 %llu%c%n", &len, &tail, &n) != 2 ||
	    tail != '\n') {
		error("kdump disk '%s' holds no saved vmcore (the capture "
		    "kernel did not finish)", disk);
		goto cleanup;
	}
	if (len == 0 || len > (unsigned long long)st.st_size - 4096) {
		error("kdump disk '%s' claims %llu bytes, more than it holds",
		    disk, len);
		goto cleanup;
	}
	out = open(flat, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC |
	    O_NOFOLLOW, 0600);
	if (out < 0 || lseek(in, 4096, SEEK_SET) < 0) {
		error("cannot create '%s': %s", flat, strerror(errno));
		goto cleanup;
	}
	for (left = len; left > 0;) {
		char buf[65536];
		ssize_t r = read(in, buf, left < sizeof(buf) ? left :
		    sizeof(buf));

		if (r <= 0 || write_all(out, buf, (size_t)r) != 0) {
			error("cannot copy the vmcore from '%s'", disk);
			goto cleanup;
		}
		left -= (unsigned long long)r;
	}
	close(out);
	out = -1;
	origin = xasprintf("the vmcore from '%s'", disk);
	rc = dump_unflatten(flat, vmcore, origin);
	free(origin);
cleanup:
	if (in >= 0)
		close(in);
	if (out >= 0)
		close(out);
	unlink(flat);
	free(flat);
	return rc;
}
