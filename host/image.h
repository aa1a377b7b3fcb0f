/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Guest kernels and images in the cache (image.c).
 */
#ifndef RACERIG_IMAGE_H
#define RACERIG_IMAGE_H

#include "util.h"

/* A guest image in the cache (image.c). */
struct image {
	char		*dir;
	char		*vmlinuz;
	char		*initramfs;
	char		*kdump_initramfs;	/* NULL if the image has none */
	/*
	 * The same two with the workload archive appended (programs such as
	 * stress-ng that only workload scenarios load): NULL if the image
	 * has none.
	 */
	char		*workload_initramfs;
	char		*kdump_workload_initramfs;
	char		 release[128];
	/*
	 * Boot parameters the image's kernel wants before the scenario's
	 * (a static string, "" for none): a KCSAN kernel's
	 * IMAGE_KCSAN_CMDLINE.
	 */
	const char	*cmdline;
	int		 kcsan;		/* its config has CONFIG_KCSAN=y */
};

/*
 * A KCSAN kernel reports data races and goes on: with panic_on_warn=1
 * (racerig's default) its first report would panic the guest, so the
 * races of a run would be one crash instead of its findings.  How often
 * each pair is reported is the kernel's config (images/kernel-configs/
 * kcsan.config: once per pair in 3 s); a scenario's own cmdline still
 * comes after this and may set panic_on_warn=1 again.
 */
#define IMAGE_KCSAN_CMDLINE	"panic_on_warn=0"

/* image.c */
int		 image_build(const char *release, const char *tree, int force,
		     const char *name, const char *modules_src);
int		 kernel_build(char *const args[], char **tree);
int		 image_open(const char *arg, struct image *img);
void		 image_release(struct image *img);

#endif
