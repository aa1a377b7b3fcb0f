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

#include "host.h"

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
 * --dump-dmesg.  Returns 0 or -1 (reported).
 */
int
dump_extract_dmesg(const char *vmcore, const char *out_path)
{
	char *argv[] = { "makedumpfile", "--dump-dmesg", (char *)vmcore,
	    (char *)out_path, NULL };
	struct buf out = BUF_INIT;
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
	return 0;
}
