/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Bringing the guest up as PID 1: file systems, the boot modules, the
 * loopback interface, and finding the agent's virtio-serial port.
 */
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "agent.h"

static void
setup_mount(const char *src, const char *dst, const char *type,
    const char *opts)
{
	mkdir(dst, 0755);
	if (mount(src, dst, type, 0, opts) != 0 && errno != EBUSY)
		agent_log("cannot mount %s on %s: %s", type, dst,
		    strerror(errno));
}

/* Bring an interface up by name (just "lo" today). */
static void
setup_link_up(const char *name)
{
	struct ifreq ifr;
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);

	if (fd < 0)
		return;
	memset(&ifr, 0, sizeof(ifr));
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", name);
	if (ioctl(fd, SIOCGIFFLAGS, &ifr) == 0) {
		ifr.ifr_flags |= IFF_UP;
		if (ioctl(fd, SIOCSIFFLAGS, &ifr) != 0)
			agent_log("cannot bring %s up: %s", name,
			    strerror(errno));
	}
	close(fd);
}

static void
setup_write(const char *path, const char *text)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC);

	if (fd < 0)
		return;
	if (write(fd, text, strlen(text)) < 0)
		agent_log("cannot write %s: %s", path, strerror(errno));
	close(fd);
}

void
setup_system(void)
{
	setup_mount("proc", "/proc", "proc", NULL);
	setup_mount("sysfs", "/sys", "sysfs", NULL);
	setup_mount("devtmpfs", "/dev", "devtmpfs", NULL);
	setup_mount("devpts", "/dev/pts", "devpts", "gid=5,mode=620");
	setup_mount("tmpfs", "/run", "tmpfs", "mode=0755");
	setup_mount("tmpfs", "/tmp", "tmpfs", "mode=1777");
	setup_mount("debugfs", "/sys/kernel/debug", "debugfs", NULL);
	/* scenarios (ip netns) want /var/run too */
	mkdir("/var", 0755);
	if (symlink("/run", "/var/run") != 0 && errno != EEXIST)
		agent_log("cannot link /var/run: %s", strerror(errno));
	setup_link_up("lo");
	setup_write("/proc/sys/kernel/hostname", "racerig-guest");
}

/*
 * Load the modules listed in the file list, one .ko path per line, in
 * the given (dependency) order.  Failures are logged and skipped: a
 * missing driver shows up later as a clearer symptom.
 */
void
setup_load_modules(const char *list)
{
	char line[512];
	FILE *f = fopen(list, "re");

	if (f == NULL) {
		agent_log("no module list %s: %s", list, strerror(errno));
		return;
	}
	while (fgets(line, sizeof(line), f) != NULL) {
		int fd;

		line[strcspn(line, "\r\n")] = '\0';
		if (line[0] == '\0' || line[0] == '#')
			continue;
		fd = open(line, O_RDONLY | O_CLOEXEC);
		if (fd < 0) {
			agent_log("cannot open module %s: %s", line,
			    strerror(errno));
			continue;
		}
		if (syscall(SYS_finit_module, fd, "", 0) != 0 &&
		    errno != EEXIST)
			agent_log("cannot load module %s: %s", line,
			    strerror(errno));
		close(fd);
	}
	fclose(f);
}

/*
 * Find the virtio-serial port called name and open it.  The port device
 * appears asynchronously after virtio_console binds, so wait up to 10 s.
 * Returns the fd or -1.
 */
int
setup_open_port(const char *name)
{
	long long deadline = agent_now_ms() + 10000;

	do {
		DIR *d = opendir("/sys/class/virtio-ports");
		struct dirent *e;

		while (d != NULL && (e = readdir(d)) != NULL) {
			char path[300], buf[128];
			int fd;
			ssize_t n;

			if (e->d_name[0] == '.')
				continue;
			snprintf(path, sizeof(path),
			    "/sys/class/virtio-ports/%s/name", e->d_name);
			fd = open(path, O_RDONLY | O_CLOEXEC);
			if (fd < 0)
				continue;
			n = read(fd, buf, sizeof(buf) - 1);
			close(fd);
			if (n <= 0)
				continue;
			buf[n] = '\0';
			buf[strcspn(buf, "\n")] = '\0';
			if (strcmp(buf, name) != 0)
				continue;
			snprintf(path, sizeof(path), "/dev/%s", e->d_name);
			fd = open(path, O_RDWR | O_NONBLOCK | O_CLOEXEC);
			if (fd >= 0) {
				closedir(d);
				return fd;
			}
		}
		if (d != NULL)
			closedir(d);
		usleep(10000);
	} while (agent_now_ms() < deadline);
	agent_log("no virtio-serial port named %s", name);
	return -1;
}

/*
 * The value of key=VALUE on the kernel command line, in out (n bytes).
 * Returns 0, or -1 when the word is not there (out is then "").
 */
int
setup_cmdline_get(const char *key, char *out, size_t n)
{
	char cmdline[4096];
	size_t len, kl = strlen(key);
	const char *p;

	out[0] = '\0';
	if (query_read_file("/proc/cmdline", cmdline, sizeof(cmdline) - 1,
	    &len) != 0)
		return -1;
	cmdline[len] = '\0';
	for (p = cmdline; (p = strstr(p, key)) != NULL; p += kl) {
		/* a whole word: "xracerig.auth=" is not "racerig.auth=" */
		if ((p == cmdline || p[-1] == ' ') && p[kl] == '=') {
			p += kl + 1;
			snprintf(out, n, "%.*s", (int)strcspn(p, " \n"), p);
			return 0;
		}
	}
	return -1;
}
