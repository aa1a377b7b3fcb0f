/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Build, list and describe guest images ("racerig image").
 */
#include <dirent.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "host.h"

static int
image_cmd_build(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "kernel", required_argument, NULL, 'k' },
		{ "kernel-tree", required_argument, NULL, 't' },
		{ "force", no_argument, NULL, 'f' },
		{ "name", required_argument, NULL, 'n' },
		{ "modules-src", required_argument, NULL, 'm' },
		{ NULL, 0, NULL, 0 }
	};
	const char *release = NULL, *tree = NULL, *name = NULL, *msrc = NULL;
	int c, force = 0;

	optind = 1;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'k':
			/* accept a package name as well as a release */
			release = optarg;
			if (strncmp(release, "linux-image-", 12) == 0)
				release += 12;
			break;
		case 't':
			tree = optarg;
			break;
		case 'f':
			force = 1;
			break;
		case 'n':
			name = optarg;
			break;
		case 'm':
			msrc = optarg;
			break;
		default:
			return EXIT_USAGE;
		}
	}
	if (optind != argc || (release != NULL && tree != NULL)) {
		error("usage: racerig image build [--kernel RELEASE | "
		    "--kernel-tree DIR] [--name NAME] [--modules-src DIR] "
		    "[--force]");
		return EXIT_USAGE;
	}
	if (release != NULL) {
		size_t n = strlen(release);

		/* "...-cloud-amd64-unsigned" names the package */
		if (n > 9 && strcmp(release + n - 9, "-unsigned") == 0) {
			char *r = xasprintf("%.*s", (int)(n - 9), release);
			int rc = image_build(r, NULL, force, name, msrc);

			free(r);
			return rc == 0 ? EXIT_PASS : EXIT_INFRA;
		}
	}
	return image_build(release, tree, force, name, msrc) == 0 ? EXIT_PASS :
	    EXIT_INFRA;
}

static int
image_cmd_list(int argc, char **argv)
{
	char *dir = xasprintf("%s/images", cache_dir());
	struct dirent **ents;
	int n = scandir(dir, &ents, NULL, alphasort);

	for (int i = 0; i < n; i++) {
		struct image img;

		if (ents[i]->d_name[0] != '.') {
			char *p = xasprintf("%s/%s", dir, ents[i]->d_name);

			if (image_open(p, &img) == 0) {
				printf("%-32s %s\n", img.release, img.dir);
				image_release(&img);
			}
			free(p);
		}
		free(ents[i]);
	}
	if (n >= 0)
		free(ents);
	free(dir);
	return EXIT_PASS;
}

static int
image_cmd_show(int argc, char **argv)
{
	const char *arg = NULL;
	struct image img;
	json_error_t jerr;
	json_t *m;
	char *path;
	int dir_only = 0;

	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--dir") == 0)
			dir_only = 1;
		else
			arg = argv[i];
	}
	if (image_open(arg, &img) != 0)
		return EXIT_INFRA;
	if (dir_only) {
		printf("%s\n", img.dir);
		image_release(&img);
		return EXIT_PASS;
	}
	path = xasprintf("%s/manifest.json", img.dir);
	m = json_load_file(path, 0, &jerr);
	printf("image:    %s\nrelease:  %s\nsource:   %s\nbuilt:    %s\n",
	    img.dir, img.release,
	    json_string_value(json_object_get(m, "source")) ?: "?",
	    json_string_value(json_object_get(m, "built_at")) ?: "?");
	printf("files:    %zu in the initramfs\n",
	    json_array_size(json_object_get(m, "files")));
	printf("modules:  %zu loaded at boot\n",
	    json_array_size(json_object_get(m, "boot_modules")));
	json_decref(m);
	free(path);
	image_release(&img);
	return EXIT_PASS;
}

/*
 * "racerig image kernel [build-kernel options]": build a kernel from
 * source and print its tree, for "image build --kernel-tree".
 */
static int
image_cmd_kernel(int argc, char **argv)
{
	char *tree;
	int rc;

	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--cache") == 0) {
			error("image kernel: --cache is racerig's own "
			    "(set RACERIG_CACHE)");
			return EXIT_USAGE;
		}
	}
	rc = kernel_build(argv + 1, &tree);
	if (rc == 3)
		return EXIT_VERDICT;	/* --check: not built (said why) */
	if (rc != 0)
		return rc == 1 ? EXIT_INFRA : EXIT_USAGE;
	printf("%s\n", tree);
	free(tree);
	return EXIT_PASS;
}

static const struct cmd_verb image_verbs[] = {
	{ "list", image_cmd_list },
	{ "build", image_cmd_build },
	{ "show", image_cmd_show },
	{ "kernel", image_cmd_kernel },
};

static int
cmd_image_exec(int argc, char **argv)
{
	return cmd_run_verb(image_verbs, ARRAY_SIZE(image_verbs), argc, argv);
}

const struct cmd_entry cmd_image_entry = {
	.name = "image",
	.usage = "racerig image [build [--kernel RELEASE | --kernel-tree DIR] "
	    "[--name NAME] [--modules-src DIR] [--force] | list | "
	    "show [IMAGE] [--dir] | kernel [--source debian|DIR | "
	    "--in-place DIR] [--kasan | --kcsan] [--patch FILE]... [--jobs N]]",
	.help = "build guest images from Debian kernels or kernel trees, "
	    "and kernels from source",
	.exec = cmd_image_exec,
};
