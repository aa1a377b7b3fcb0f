/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The libvirt backend's domain XML: a transient domain that boots the
 * image's kernel directly, with the serial console and the agent's
 * virtio-serial port connected to racerig's channels
 * (vm-libvirt-chan.c), a panic device that leaves a crashed guest
 * paused for its dump, and nothing else.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <libvirt/libvirt.h>

#include "util.h"
#include "vm.h"
#include "proto.h"
#include "vm-libvirt-impl.h"

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
 * The domain's XML.  boot->token, if not NULL, is the file QEMU hands
 * the guest as fw_cfg PROTO_TOKEN_FW_CFG, and the kernel command line
 * then tells the agent to present it (see proto.h).
 */
char *
lv_domain_xml(const struct vm_config *cfg, const char *accel,
    const char *name, const struct lv_chan *con, const struct lv_chan *ag,
    const struct lv_boot *boot)
{
	const char *token_path = boot->token;
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
	lv_xml_text(&b, boot->kernel);
	buf_addstr(&b, "</kernel>\n    <initrd>");
	lv_xml_text(&b, boot->initrd);
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
