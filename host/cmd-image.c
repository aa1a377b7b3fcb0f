/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Build, list and describe guest images ("racerig image").
 */
#include <dirent.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"
#include "image.h"
#include "cmd.h"

static const struct option image_build_options[] = {
	{ "kernel", required_argument, NULL, 'k' },
	{ "kernel-tree", required_argument, NULL, 't' },
	{ "force", no_argument, NULL, 'f' },
	{ "name", required_argument, NULL, 'n' },
	{ "modules-src", required_argument, NULL, 'm' },
	{ NULL, 0, NULL, 0 }
};

/* Defaults are images/build-image's, which image_build() runs. */
static const struct cmd_option_doc image_build_docs[] = {
	{ "--kernel RELEASE", "Debian's default cloud kernel",
	    "Build from this Debian kernel: a release such as "
	    "6.1.0-28-cloud-amd64, or its package name." },
	{ "--kernel-tree DIR", "(no default)",
	    "Build from the kernel built in DIR (\"racerig image kernel\" "
	    "prints one) instead of a Debian package; not with --kernel." },
	{ "--name NAME", "the kernel's release",
	    "Name of the image directory under the cache's images/." },
	{ "--modules-src DIR", "guest/modules",
	    "Where the guest kernel modules' sources are (bisecting a "
	    "module)." },
	{ "--force", "off",
	    "Rebuild even if the image is up to date." },
	{ NULL, NULL, NULL }
};

static int
image_cmd_build(int argc, char **argv)
{
	const char *release = NULL, *tree = NULL, *name = NULL, *msrc = NULL;
	int c, force = 0;

	optind = 1;
	while ((c = getopt_long(argc, argv, "", image_build_options,
	    NULL)) != -1) {
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

static const struct option image_show_options[] = {
	{ "dir", no_argument, NULL, 'd' },
	{ NULL, 0, NULL, 0 }
};

static const struct cmd_option_doc image_show_docs[] = {
	{ "--dir", "off", "Print only the image's directory." },
	{ NULL, NULL, NULL }
};

static int
image_cmd_show(int argc, char **argv)
{
	const char *arg = NULL;
	struct image img;
	json_error_t jerr;
	json_t *m;
	char *path;
	int c, dir_only = 0;

	optind = 1;
	while ((c = getopt_long(argc, argv, "", image_show_options, NULL))
	    != -1) {
		if (c != 'd')
			return EXIT_USAGE;
		dir_only = 1;
	}
	if (optind < argc - 1) {
		error("image show takes one image (see 'racerig image show "
		    "-h')");
		return EXIT_USAGE;
	}
	if (optind == argc - 1)
		arg = argv[optind];
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

/* images/build-kernel's options, but --cache, which is racerig's. */
static const struct option image_kernel_options[] = {
	{ "source", required_argument, NULL, 's' },
	{ "in-place", required_argument, NULL, 'i' },
	{ "kasan", no_argument, NULL, 'a' },
	{ "kcsan", no_argument, NULL, 'C' },
	{ "patch", required_argument, NULL, 'p' },
	{ "config-fragment", required_argument, NULL, 'c' },
	{ "base", required_argument, NULL, 'b' },
	{ "jobs", required_argument, NULL, 'j' },
	{ "force", no_argument, NULL, 'f' },
	{ "check", no_argument, NULL, 'k' },
	{ NULL, 0, NULL, 0 }
};

/* Defaults are images/build-kernel's. */
static const struct cmd_option_doc image_kernel_docs[] = {
	{ "--source debian|DIR", "debian",
	    "What to build: Debian's newest linux-source-6.1 package, or a "
	    "copy of the kernel tree DIR (never modified)." },
	{ "--in-place DIR", "(no default)",
	    "Build DIR itself, incrementally, without a copy (\"git bisect "
	    "run\" in a kernel tree)." },
	{ "--kasan", "off", "Add KASAN (images/kernel-configs/kasan.config)." },
	{ "--kcsan", "off", "Add KCSAN (images/kernel-configs/kcsan.config); "
	    "not with --kasan, which the kernel does not allow with it." },
	{ "--patch FILE", "none",
	    "Apply FILE with patch -p1 before building; repeatable, applied "
	    "in order." },
	{ "--config-fragment FILE", "none",
	    "Merge this config fragment after racerig's own." },
	{ "--base FILE", "x86_64 defconfig and slim.config",
	    "Start the config from FILE, such as a Debian /boot/config-*." },
	{ "--jobs N", "all cores", "Parallel make jobs." },
	{ "--force", "off",
	    "Rebuild even if the cached build is complete." },
	{ "--check", "off",
	    "Build nothing: print the tree if this request is built, else "
	    "exit 1." },
	{ NULL, NULL, NULL }
};

/*
 * "racerig image kernel [options]": build a kernel from source with
 * images/build-kernel and print its tree, for "image build
 * --kernel-tree".  The options are checked here, against the table the
 * help describes, and passed on spelled in full: getopt accepts
 * abbreviations the script would not.
 */
static int
image_cmd_kernel(int argc, char **argv)
{
	char **args, *tree;
	size_t n = 0;
	int c, idx, rc;

	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--cache") == 0) {
			error("image kernel: --cache is racerig's own "
			    "(set RACERIG_CACHE)");
			return EXIT_USAGE;
		}
	}
	/* each argument makes at most two: --opt=value */
	args = xcalloc((size_t)argc * 2 + 1, sizeof(char *));
	optind = 1;
	while ((c = getopt_long(argc, argv, "+", image_kernel_options, &idx))
	    != -1) {
		if (c == '?' || c == ':') {
			rc = EXIT_USAGE;
			goto cleanup;
		}
		args[n++] = xasprintf("--%s", image_kernel_options[idx].name);
		if (optarg != NULL)
			args[n++] = xstrdup(optarg);
	}
	if (optind != argc) {
		error("image kernel takes options only, not '%s'",
		    argv[optind]);
		rc = EXIT_USAGE;
		goto cleanup;
	}
	rc = kernel_build(args, &tree);
	if (rc == 3) {
		rc = EXIT_VERDICT;	/* --check: not built (said why) */
	} else if (rc != 0) {
		rc = rc == 1 ? EXIT_INFRA : EXIT_USAGE;
	} else {
		printf("%s\n", tree);
		free(tree);
		rc = EXIT_PASS;
	}
cleanup:
	for (size_t i = 0; i < n; i++)
		free(args[i]);
	free(args);
	return rc;
}

static const struct cmd_verb image_verbs[] = {
	{ "list", image_cmd_list, "racerig image list",
	    "list the images in the cache, with their kernel releases",
	    NULL, NULL },
	{ "build", image_cmd_build, "racerig image build [--kernel RELEASE | "
	    "--kernel-tree DIR] [--name NAME] [--modules-src DIR] [--force]",
	    "build a guest image (kernel, agent, modules, scenario programs) "
	    "into the cache and print its directory",
	    image_build_options, image_build_docs },
	{ "show", image_cmd_show, "racerig image show [IMAGE] [--dir]",
	    "describe an image (default: the one runs use without --image)",
	    image_show_options, image_show_docs },
	{ "kernel", image_cmd_kernel, "racerig image kernel [--source "
	    "debian|DIR | --in-place DIR] [--kasan | --kcsan] "
	    "[--patch FILE]... "
	    "[--config-fragment FILE] [--base FILE] [--jobs N] [--force] "
	    "[--check]",
	    "build a kernel from source and print its tree",
	    image_kernel_options, image_kernel_docs },
	{ NULL, NULL, NULL, NULL, NULL, NULL }
};

static int
cmd_image_exec(int argc, char **argv)
{
	return cmd_run_verb(image_verbs, argc, argv);
}

static const struct cmd_exit_doc image_exits[] = {
	{ EXIT_PASS, "Done (kernel --check: the tree is built)." },
	{ EXIT_VERDICT, "kernel --check: this kernel is not built yet." },
	{ EXIT_INFRA, "A build failed (its log is named on standard error), "
	    "or show found no such image." },
	{ EXIT_USAGE, "A bad command line or input." },
	{ 0, NULL }
};

static const struct cmd_example image_examples[] = {
	{ "racerig image build", "Build the image of Debian's default cloud "
	    "kernel, the one runs use by default." },
	{ "racerig image kernel --kasan", "Build Debian's 6.1 source with "
	    "KASAN and print the tree..." },
	{ "racerig image build --kernel-tree TREE --name kasan",
	    "...and make an image of it, for run --image kasan." },
	{ "racerig image show --dir", "Print the default image's directory." },
	{ NULL, NULL }
};

const struct cmd_entry cmd_image_entry = {
	.name = "image",
	.usage = "racerig image [list]\n"
	    "       racerig image build [--kernel RELEASE | --kernel-tree DIR] "
	    "[OPTIONS]\n"
	    "       racerig image show [IMAGE] [--dir]\n"
	    "       racerig image kernel [OPTIONS]",
	.help = "build guest images from Debian kernels or kernel trees, "
	    "and kernels from source",
	.exec = cmd_image_exec,
	.description = "A guest image is a kernel with an initramfs holding "
	    "the racerig agent, the guest modules built against that kernel "
	    "and the scenarios' programs; it lives in the cache's images/ "
	    "directory. Builds are cached: building an up-to-date image "
	    "again does nothing.",
	.verbs = image_verbs,
	.exits = image_exits,
	.examples = image_examples,
};
