/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Build, list and describe guest images ("racerig image").
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"
#include "image.h"
#include "cmd.h"

struct image_build_opts {
	const char	*kernel;
	const char	*tree;
	const char	*name;
	const char	*modules_src;
	int		 force;
};

/* Defaults are images/build-image's, which image_build() runs. */
static const struct cmd_opt image_build_opts[] = {
	OPT_STRING(0, "kernel", "RELEASE", struct image_build_opts, kernel,
	    "Debian's default cloud kernel", "Build from this Debian kernel: "
	    "a release such as 6.1.0-28-cloud-amd64, or its package name."),
	OPT_STRING(0, "kernel-tree", "DIR", struct image_build_opts, tree,
	    "(no default)", "Build from the kernel built in DIR (\"racerig "
	    "image kernel\" prints one) instead of a Debian package; not with "
	    "--kernel."),
	OPT_STRING(0, "name", "NAME", struct image_build_opts, name,
	    "the kernel's release",
	    "Name of the image directory under the cache's images/."),
	OPT_STRING(0, "modules-src", "DIR", struct image_build_opts,
	    modules_src, "guest/modules", "Where the guest kernel modules' "
	    "sources are (bisecting a module)."),
	OPT_FLAG(0, "force", struct image_build_opts, force,
	    "Rebuild even if the image is up to date."),
	OPT_OPERANDS(0, 0, NULL),
	OPT_END()
};

/*
 * The Debian release --kernel names, as a malloc()ed string: a package
 * name ("linux-image-...", "...-unsigned") is accepted too.
 */
static char *
image_release_of(const char *kernel)
{
	size_t n;

	if (strncmp(kernel, "linux-image-", 12) == 0)
		kernel += 12;
	n = strlen(kernel);
	if (n > 9 && strcmp(kernel + n - 9, "-unsigned") == 0)
		n -= 9;
	return xasprintf("%.*s", (int)n, kernel);
}

static int
image_cmd_build(int argc, char **argv)
{
	struct image_build_opts o = { 0 };
	char *release = NULL;
	int rc;

	if (parse_options(argc, argv, image_build_opts, &o, 0) < 0)
		return EXIT_USAGE;
	if (o.kernel != NULL && o.tree != NULL)
		return error("--kernel and --kernel-tree are two kernels: give "
		    "one"), EXIT_USAGE;
	if (o.kernel != NULL)
		release = image_release_of(o.kernel);
	rc = image_build(release, o.tree, o.force, o.name, o.modules_src);
	free(release);
	return rc == 0 ? EXIT_PASS : EXIT_INFRA;
}

static const struct cmd_opt image_list_opts[] = {
	OPT_OPERANDS(0, 0, NULL),
	OPT_END()
};

static int
image_cmd_list(int argc, char **argv)
{
	char *dir = xasprintf("%s/images", cache_dir());
	struct dirent **ents;
	int n;

	if (parse_options(argc, argv, image_list_opts, NULL, 0) < 0) {
		free(dir);
		return EXIT_USAGE;
	}
	n = scandir(dir, &ents, NULL, alphasort);
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

struct image_show_opts {
	int		 dir;
};

static const struct cmd_opt image_show_opts[] = {
	OPT_FLAG(0, "dir", struct image_show_opts, dir,
	    "Print only the image's directory."),
	OPT_OPERANDS(0, 1, "IMAGE"),
	OPT_END()
};

static int
image_cmd_show(int argc, char **argv)
{
	struct image_show_opts o = { 0 };
	struct image img;
	json_error_t jerr;
	json_t *m;
	char *path;
	int first;

	if ((first = parse_options(argc, argv, image_show_opts, &o, 0)) < 0)
		return EXIT_USAGE;
	if (image_open(first < argc ? argv[first] : NULL, &img) != 0)
		return EXIT_INFRA;
	if (o.dir) {
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

static const struct cmd_verb image_verbs[] = {
	{ .name = "list", .fn = image_cmd_list,
	  .usage = "racerig image list",
	  .help = "list the images in the cache, with their kernel releases",
	  .opts = image_list_opts },
	{ .name = "build", .fn = image_cmd_build,
	  .usage = "racerig image build [--kernel RELEASE | --kernel-tree DIR] "
	    "[--name NAME] [--modules-src DIR] [--force]",
	  .help = "build a guest image (kernel, agent, modules, scenario "
	    "programs) into the cache and print its directory",
	  .opts = image_build_opts },
	{ .name = "show", .fn = image_cmd_show,
	  .usage = "racerig image show [IMAGE] [--dir]",
	  .help = "describe an image (default: the one runs use without "
	    "--image)",
	  .opts = image_show_opts },
	{ .name = "kernel", .fn = image_cmd_kernel,
	  .usage = "racerig image kernel [--source debian|DIR | --in-place "
	    "DIR] [--kasan | --kcsan] [--patch FILE]... [--config-fragment "
	    "FILE] [--base FILE] [--jobs N] [--force] [--check]",
	  .help = "build a kernel from source and print its tree",
	  .opts = image_kernel_opts },
	{ .name = NULL }
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
