/* SPDX-License-Identifier: GPL-2.0 */
/*
 * "racerig image kernel": build a kernel from source with
 * images/build-kernel and print its tree, for "image build --kernel-tree".
 * A verb of the image command (cmd-image.c) with a file of its own, as
 * its options are the script's.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"
#include "image.h"
#include "cmd.h"

struct image_kernel_opts {
	const char	*source;
	const char	*in_place;
	int		 kasan;
	int		 kcsan;
	char		**patches;
	size_t		 npatches;
	const char	*config_fragment;
	const char	*base;
	int		 jobs;
	int		 force;
	int		 check;
};

/*
 * images/build-kernel's options, but --cache, which is racerig's; the
 * defaults are the script's, so none is stored here: an option not given
 * is not passed on.
 */
const struct cmd_opt image_kernel_opts[] = {
	OPT_STRING(0, "source", "debian|DIR", struct image_kernel_opts,
	    source, "debian", "What to build: Debian's newest "
	    "linux-source-6.1 package, or a copy of the kernel tree DIR "
	    "(never modified)."),
	OPT_STRING(0, "in-place", "DIR", struct image_kernel_opts, in_place,
	    "(no default)", "Build DIR itself, incrementally, without a copy "
	    "(\"git bisect run\" in a kernel tree)."),
	OPT_FLAG(0, "kasan", struct image_kernel_opts, kasan,
	    "Add KASAN (images/kernel-configs/kasan.config)."),
	OPT_FLAG(0, "kcsan", struct image_kernel_opts, kcsan,
	    "Add KCSAN (images/kernel-configs/kcsan.config); not with "
	    "--kasan, which the kernel does not allow with it."),
	OPT_LIST(0, "patch", "FILE", struct image_kernel_opts, patches,
	    npatches, "none", "Apply FILE with patch -p1 before building, "
	    "in the order given."),
	OPT_STRING(0, "config-fragment", "FILE", struct image_kernel_opts,
	    config_fragment, "none",
	    "Merge this config fragment after racerig's own."),
	OPT_STRING(0, "base", "FILE", struct image_kernel_opts, base,
	    "x86_64 defconfig and slim.config",
	    "Start the config from FILE, such as a Debian /boot/config-*."),
	OPT_INT(0, "jobs", "N", struct image_kernel_opts, jobs, 1, 4096,
	    "all cores", "Parallel make jobs."),
	OPT_FLAG(0, "force", struct image_kernel_opts, force,
	    "Rebuild even if the cached build is complete."),
	OPT_FLAG(0, "check", struct image_kernel_opts, check,
	    "Build nothing: print the tree if this request is built, else "
	    "exit 1."),
	OPT_OPERANDS(0, 0, NULL),
	OPT_END()
};

/*
 * The options are checked here, against the table the help describes,
 * and handed on to the script spelled in full (opt_unparse()).
 */
int
image_cmd_kernel(int argc, char **argv)
{
	struct image_kernel_opts o = { 0 };
	char **args = NULL, *tree;
	int rc;

	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--cache") == 0)
			return error("image kernel: --cache is racerig's own "
			    "(set RACERIG_CACHE)"), EXIT_USAGE;
	}
	if (parse_options(argc, argv, image_kernel_opts, &o,
	    PARSE_OPT_STOP_AT_OPERAND) < 0) {
		rc = EXIT_USAGE;
		goto cleanup;
	}
	args = opt_unparse(image_kernel_opts, &o);
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
	for (size_t i = 0; args && args[i]; i++)
		free(args[i]);
	free(args);
	free(o.patches);
	return rc;
}
