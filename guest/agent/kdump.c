/* SPDX-License-Identifier: GPL-2.0 */
/*
 * In-guest kdump, as production machines do it.
 *
 * "racerig.kdump=load" on the command line: at boot, load the capture
 * kernel (/boot/vmlinuz with /boot/capture.cpio) with "kexec -p", so a
 * panic boots it instead of stopping.
 *
 * "racerig.kdump=capture": this is the capture kernel.  Save /proc/vmcore
 * with "makedumpfile -F -c -d 31" (the flattened format, a stream) to the
 * virtio disk /dev/vda, after a header the host reads back:
 *
 *	offset 0     "RACERIG-KDUMP 1 <length>\n"
 *	offset 4096  <length> bytes of flattened makedumpfile output
 *
 * then print KDUMP_MARKER and reboot (the host's QEMU turns that into a
 * stop).
 */
#include <sys/reboot.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "agent.h"

#define KDUMP_DISK	"/dev/vda"
#define KDUMP_DATA_OFF	4096
#define KDUMP_MARKER	"racerig-kdump: saved"

/* The value of racerig.kdump= on the kernel command line, or "". */
const char *
kdump_mode(void)
{
	static char mode[32];
	char cmdline[4096];
	size_t len;
	const char *p;

	if (query_read_file("/proc/cmdline", cmdline, sizeof(cmdline) - 1,
	    &len) != 0)
		return "";
	cmdline[len] = '\0';
	p = strstr(cmdline, "racerig.kdump=");
	if (p == NULL)
		return "";
	p += strlen("racerig.kdump=");
	snprintf(mode, sizeof(mode), "%.*s", (int)strcspn(p, " \n"), p);
	return mode;
}

static int
kdump_run(char *const argv[])
{
	int status;
	pid_t pid = fork();

	if (pid == 0) {
		execv(argv[0], argv);
		_exit(127);
	}
	if (pid < 0 || waitpid(pid, &status, 0) != pid)
		return -1;
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128;
}

/* Load the capture kernel; failures are logged, the boot goes on. */
void
kdump_load(void)
{
	char *argv[] = {
		"/usr/sbin/kexec", "-p", "/boot/vmlinuz",
		"--initrd=/boot/capture.cpio",
		"--append=console=ttyS0,115200 loglevel=5 racerig.kdump=capture "
		    "nr_cpus=1 irqpoll reset_devices panic=-1 nokaslr "
		    "rdinit=/init",
		NULL
	};
	int rc = kdump_run(argv);

	if (rc != 0)
		agent_log("kdump: kexec -p failed (status %d): a panic will "
		    "not be captured in the guest", rc);
	else
		agent_log("kdump: capture kernel loaded");
}

/* Capture kernel: save the vmcore to the disk, then reboot. */
void
kdump_capture(void)
{
	char *argv[] = { "/usr/bin/makedumpfile", "-F", "-c", "-d", "31",
	    "/proc/vmcore", NULL };
	char buf[65536], head[64];
	unsigned long long total = 0;
	int pipefd[2], disk, status;
	pid_t pid;
	ssize_t n;

	disk = open(KDUMP_DISK, O_WRONLY);
	if (disk < 0 || pipe(pipefd) != 0) {
		agent_log("kdump: cannot open %s: %s", KDUMP_DISK,
		    strerror(errno));
		goto out;
	}
	pid = fork();
	if (pid == 0) {
		dup2(pipefd[1], 1);
		close(pipefd[0]);
		execv(argv[0], argv);
		_exit(127);
	}
	close(pipefd[1]);
	if (lseek(disk, KDUMP_DATA_OFF, SEEK_SET) < 0)
		goto out;
	while ((n = read(pipefd[0], buf, sizeof(buf))) > 0) {
		if (write(disk, buf, (size_t)n) != n) {
			agent_log("kdump: write to %s failed: %s", KDUMP_DISK,
			    strerror(errno));
			break;
		}
		total += (unsigned long long)n;
	}
	waitpid(pid, &status, 0);
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		agent_log("kdump: makedumpfile failed");
		goto out;
	}
	snprintf(head, sizeof(head), "RACERIG-KDUMP 1 %llu\n", total);
	if (pwrite(disk, head, strlen(head), 0) < 0 || fsync(disk) != 0) {
		agent_log("kdump: cannot finish %s: %s", KDUMP_DISK,
		    strerror(errno));
		goto out;
	}
	agent_log("kdump: saved %llu bytes", total);
	fprintf(stderr, KDUMP_MARKER " %llu bytes\n", total);
out:
	if (disk >= 0)
		close(disk);
	sync();
	reboot(RB_AUTOBOOT);
	for (;;)
		pause();
}
