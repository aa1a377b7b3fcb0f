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
};

/* image.c */
int		 image_build(const char *release, const char *tree, int force,
		     const char *name, const char *modules_src);
int		 kernel_build(char *const args[], char **tree);
int		 image_open(const char *arg, struct image *img);
void		 image_release(struct image *img);

#endif
