/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Guest images in the cache (<cache>/images/<kernel-release>/): finding
 * one, and building one with images/build-image from what the scenarios
 * ask for.
 */
#include <sys/stat.h>
#include <sys/wait.h>

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "util.h"
#include "scenario.h"
#include "image.h"

/* A word that may go on a module or program list: no shell, no spaces. */
static int
image_word_ok(const char *w, int path)
{
	if (*w == '\0' || (path && (w[0] != '/' || strstr(w, "..") != NULL)))
		return 0;
	for (const char *c = w; *c; c++) {
		if (!isalnum((unsigned char)*c) && !strchr("_-.+", *c) &&
		    !(path && *c == '/'))
			return 0;
	}
	return 1;
}

static int
image_collect(json_t *list, const char *file, const char *field, int path,
    struct buf *out)
{
	size_t i;
	json_t *e;

	if (list == NULL)
		return 0;
	if (!json_is_array(list))
		return error("%s: 'image.%s' must be a list", file, field);
	json_array_foreach(list, i, e) {
		const char *w = json_string_value(e);

		if (w == NULL || !image_word_ok(w, path))
			return error("%s: 'image.%s' item %zu is not a %s",
			    file, field, i + 1, path ? "absolute path" :
			    "module name");
		/* keep the list free of duplicates */
		char *pad = xasprintf(" %s ", w);
		char *have = xasprintf(" %s ", out->data ? out->data : "");

		if (strstr(have, pad) == NULL)
			buf_addf(out, "%s%s", out->len ? " " : "", w);
		free(pad);
		free(have);
	}
	return 0;
}

/*
 * Gather what every scenario wants in the image.  The scenario files
 * were validated by scenario_load() for everything else; here only the
 * "image" section is read.
 */
static int
image_requirements(struct buf *mods, struct buf *gmods, struct buf *bins,
    struct buf *wbins)
{
	char **names;
	size_t n;
	int rc = 0;

	if (scenario_list(&names, &n) != 0)
		return -1;
	for (size_t i = 0; i < n; i++) {
		struct scenario s;
		json_error_t jerr;
		json_t *root, *img;

		if (rc == 0 && scenario_load(names[i], &s) != 0)
			rc = -1;
		if (rc == 0) {
			root = json_load_file(s.file, 0, &jerr);
			img = json_object_get(root, "image");
			if (img != NULL && !json_is_object(img))
				rc = error("%s: 'image' must be an object",
				    s.file);
			else if (img != NULL &&
			    (image_collect(json_object_get(img, "modules"),
			    s.file, "modules", 0, mods) != 0 ||
			    image_collect(json_object_get(img, "guest_modules"),
			    s.file, "guest_modules", 0, gmods) != 0 ||
			    image_collect(json_object_get(img, "binaries"),
			    s.file, "binaries", 1, bins) != 0 ||
			    image_collect(json_object_get(img,
			    "workload_binaries"), s.file, "workload_binaries",
			    1, wbins) != 0))
				rc = -1;
			json_decref(root);
			scenario_release(&s);
		}
		free(names[i]);
	}
	free(names);
	return rc;
}

/*
 * Build (or find up to date) the image for release (NULL: Debian's
 * default cloud kernel) or for the kernel tree tree, into images/name
 * (NULL: the release), with guest module sources from modules_src (NULL:
 * guest/modules).  The script's
 * progress goes to stderr; the image directory is its last stdout line.
 */
int
image_build(const char *release, const char *tree, int force,
    const char *name, const char *modules_src)
{
	struct buf mods = BUF_INIT, gmods = BUF_INIT, bins = BUF_INIT;
	struct buf wbins = BUF_INIT;
	char *script, *build;
	char *argv[20];
	int argc = 0, status, rc = -1;
	pid_t pid;

	if (image_requirements(&mods, &gmods, &bins, &wbins) != 0)
		goto cleanup;
	script = xasprintf("%s/images/build-image", source_dir());
	build = xasprintf("%s/build", source_dir());
	argv[argc++] = script;
	argv[argc++] = "--src";
	argv[argc++] = (char *)source_dir();
	argv[argc++] = "--build";
	argv[argc++] = build;
	argv[argc++] = "--cache";
	argv[argc++] = (char *)cache_dir();
	if (release != NULL) {
		argv[argc++] = "--release";
		argv[argc++] = (char *)release;
	}
	if (tree != NULL) {
		argv[argc++] = "--kernel-tree";
		argv[argc++] = (char *)tree;
	}
	if (force)
		argv[argc++] = "--force";
	if (name != NULL) {
		argv[argc++] = "--name";
		argv[argc++] = (char *)name;
	}
	if (modules_src != NULL) {
		argv[argc++] = "--modules-src";
		argv[argc++] = (char *)modules_src;
	}
	argv[argc] = NULL;

	pid = fork();
	if (pid < 0) {
		error("cannot fork: %s", strerror(errno));
	} else if (pid == 0) {
		setenv("RR_MODULES", mods.data ? mods.data : "", 1);
		setenv("RR_GUEST_MODULES", gmods.data ? gmods.data : "", 1);
		setenv("RR_BINARIES", bins.data ? bins.data : "", 1);
		setenv("RR_WORKLOAD_BINARIES", wbins.data ? wbins.data : "",
		    1);
		execv(script, argv);
		fprintf(stderr, "racerig: error: cannot run '%s': %s\n",
		    script, strerror(errno));
		_exit(127);
	} else if (waitpid(pid, &status, 0) == pid && WIFEXITED(status) &&
	    WEXITSTATUS(status) == 0)
		rc = 0;
	else
		error("image build failed");
	free(script);
	free(build);
cleanup:
	buf_release(&mods);
	buf_release(&gmods);
	buf_release(&bins);
	buf_release(&wbins);
	return rc;
}

/*
 * Build a kernel from source with images/build-kernel, passing args
 * through (see that script for them).  Its progress goes to stderr; the
 * built tree is its last stdout line, returned in *tree (caller frees).
 * Returns 0, 1 if the kernel did not build, 3 if --check found it not
 * built, -1 if the request was bad or the script could not run.
 */
int
kernel_build(char *const args[], char **tree)
{
	char *script = xasprintf("%s/images/build-kernel", source_dir());
	char **argv;
	struct buf out = BUF_INIT;
	size_t n = 0;
	int rc, st;

	while (args[n] != NULL)
		n++;
	argv = xcalloc(n + 4, sizeof(char *));
	argv[0] = script;
	argv[1] = "--cache";
	argv[2] = (char *)cache_dir();
	memcpy(argv + 3, args, n * sizeof(char *));
	*tree = NULL;
	/* stderr stays the user's: the build shows its progress there */
	st = run_command(argv, NULL, NULL, "-", 0, &out, 1 << 20);
	if (st == 0 && out.len > 0) {
		char *end = out.data + out.len, *line;

		while (end > out.data && end[-1] == '\n')
			*--end = '\0';
		line = memrchr(out.data, '\n', (size_t)(end - out.data));
		*tree = xstrdup(line ? line + 1 : out.data);
		rc = 0;
	} else if (st == 1 || st == 3) {
		rc = st;	/* did not build; --check: not built */
	} else {
		if (st == 0)
			error("build-kernel printed no tree");
		rc = -1;
	}
	buf_release(&out);
	free(argv);
	free(script);
	return rc;
}

/* The newest image in the cache (by manifest time), or NULL. */
static char *
image_newest(void)
{
	char *dir = xasprintf("%s/images", cache_dir()), *best = NULL;
	time_t best_t = 0;
	struct dirent *e;
	DIR *d = opendir(dir);

	while (d != NULL && (e = readdir(d)) != NULL) {
		struct stat st;
		char *m;

		if (e->d_name[0] == '.')
			continue;
		m = xasprintf("%s/%s/manifest.json", dir, e->d_name);
		if (stat(m, &st) == 0 && st.st_mtime >= best_t) {
			best_t = st.st_mtime;
			free(best);
			best = xasprintf("%s/%s", dir, e->d_name);
		}
		free(m);
	}
	if (d != NULL)
		closedir(d);
	free(dir);
	return best;
}

/*
 * Resolve arg (an image directory, a kernel release in the cache, or
 * NULL for $RACERIG_IMAGE, else the image of Debian's default kernel,
 * else the newest image) and check the image has what a VM needs.  Returns 0 or -1 (reported).
 */
/* Forget *path (an image's optional file) unless it is there. */
static void
image_optional(char **path)
{
	if (access(*path, R_OK) != 0) {
		free(*path);
		*path = NULL;
	}
}

/*
 * Does the image's kernel config (dir/config, as image build copies it)
 * have the line want?  An image without one (built before it was kept)
 * has nothing.
 */
static int
image_config_has(const char *dir, const char *want)
{
	char *path = xasprintf("%s/config", dir);
	FILE *f = fopen(path, "r");
	char line[512];
	size_t n = strlen(want);
	int found = 0;

	free(path);
	if (f == NULL)
		return 0;
	while (!found && fgets(line, sizeof(line), f) != NULL)
		found = strncmp(line, want, n) == 0 &&
		    (line[n] == '\n' || line[n] == '\0');
	fclose(f);
	return found;
}

int
image_open(const char *arg, struct image *img)
{
	json_error_t jerr;
	json_t *m = NULL;
	char *manifest = NULL;
	const char *rel;
	int rc = -1;

	memset(img, 0, sizeof(*img));
	if (arg == NULL)
		arg = getenv("RACERIG_IMAGE");
	if (arg == NULL || *arg == '\0') {
		/* Debian's default kernel, as the last default build found it */
		struct buf def = BUF_INIT;
		char *memo = xasprintf("%s/default-release", cache_dir());

		if (access(memo, R_OK) == 0 && read_file(memo, &def, 256) == 0 &&
		    def.len > 1) {
			def.data[strcspn(def.data, "\n")] = '\0';
			img->dir = xasprintf("%s/images/%s", cache_dir(),
			    def.data);
			if (access(img->dir, R_OK) != 0) {
				free(img->dir);
				img->dir = NULL;
			}
		}
		free(memo);
		buf_release(&def);
		if (img->dir == NULL)
			img->dir = image_newest();
		if (img->dir == NULL)
			return error("no guest image in '%s/images' (run "
			    "'racerig image build' or 'make image')",
			    cache_dir());
	} else if (strchr(arg, '/') != NULL)
		img->dir = xstrdup(arg);
	else
		img->dir = xasprintf("%s/images/%s", cache_dir(), arg);
	manifest = xasprintf("%s/manifest.json", img->dir);
	m = json_load_file(manifest, 0, &jerr);
	if (m == NULL) {
		error("'%s' is not a racerig image: %s", img->dir, jerr.text);
		goto cleanup;
	}
	rel = json_string_value(json_object_get(m, "kernel_release"));
	if (rel == NULL) {
		error("'%s' names no kernel_release", manifest);
		goto cleanup;
	}
	snprintf(img->release, sizeof(img->release), "%s", rel);
	img->vmlinuz = xasprintf("%s/vmlinuz", img->dir);
	img->initramfs = xasprintf("%s/initramfs.cpio", img->dir);
	img->kdump_initramfs = xasprintf("%s/kdump.cpio", img->dir);
	img->workload_initramfs = xasprintf("%s/initramfs-workloads.cpio",
	    img->dir);
	img->kdump_workload_initramfs = xasprintf("%s/kdump-workloads.cpio",
	    img->dir);
	image_optional(&img->kdump_initramfs);
	image_optional(&img->workload_initramfs);
	image_optional(&img->kdump_workload_initramfs);
	if (access(img->vmlinuz, R_OK) != 0 ||
	    access(img->initramfs, R_OK) != 0) {
		error("image '%s' lacks vmlinuz or initramfs.cpio", img->dir);
		goto cleanup;
	}
	img->kcsan = image_config_has(img->dir, "CONFIG_KCSAN=y");
	img->cmdline = img->kcsan ? IMAGE_KCSAN_CMDLINE : "";
	rc = 0;
cleanup:
	json_decref(m);
	free(manifest);
	if (rc != 0)
		image_release(img);
	return rc;
}

void
image_release(struct image *img)
{
	free(img->dir);
	free(img->vmlinuz);
	free(img->initramfs);
	free(img->kdump_initramfs);
	free(img->workload_initramfs);
	free(img->kdump_workload_initramfs);
	memset(img, 0, sizeof(*img));
}
