/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Unit tests for the helpers that write files and print guest text
 * (util.c) and for the bound on the kernel log read back from a vmcore
 * (dump.c).
 */
#include <sys/stat.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "util.h"
#include "vm.h"

static char dir[] = "/tmp/u-util.XXXXXX";

static void
test_printable(void **state)
{
	char out[16];

	assert_string_equal(str_printable(out, "6.1.0-57", sizeof(out)),
	    "6.1.0-57");
	assert_string_equal(str_printable(out, "\033]0;x\007\t\n\x7f\xc3\xa9",
	    sizeof(out)), "?]0;x??????");
	/* cut to the buffer, always terminated */
	assert_string_equal(str_printable(out, "0123456789abcdefXYZ",
	    sizeof(out)), "0123456789abcde");
	/* in place */
	strcpy(out, "a\033b");
	assert_string_equal(str_printable(out, out, sizeof(out)), "a?b");
}

/*
 * The temporary file used to be path.tmp.<pid>, opened with O_TRUNC:
 * a link placed there in advance made the write land on its target.
 */
static void
test_atomic_write_ignores_planted_links(void **state)
{
	char *target = xasprintf("%s/run.json", dir);
	char *victim = xasprintf("%s/victim", dir);
	char *planted = xasprintf("%s/run.json.tmp.%ld", dir, (long)getpid());
	struct buf b = BUF_INIT;
	struct stat st;

	assert_int_equal(write_file_atomic(victim, "keep", 4), 0);
	assert_int_equal(symlink(victim, planted), 0);
	assert_int_equal(write_file_atomic(target, "{}\n", 3), 0);
	assert_int_equal(read_file(victim, &b, 64), 0);
	assert_int_equal(b.len, 4);
	assert_memory_equal(b.data, "keep", 4);
	buf_reset(&b);
	assert_int_equal(read_file(target, &b, 64), 0);
	assert_string_equal(b.data, "{}\n");
	assert_int_equal(lstat(target, &st), 0);
	assert_true(S_ISREG(st.st_mode));
	assert_int_equal(st.st_mode & 0777, 0644);
	buf_release(&b);
	unlink(planted);
	unlink(victim);
	unlink(target);
	free(planted);
	free(victim);
	free(target);
}

/* Two temporary files for one path never share a name. */
static void
test_tmp_names_are_fresh(void **state)
{
	char *path = xasprintf("%s/report.html", dir), *t1, *t2;
	int a = tmp_create_beside(path, &t1), b = tmp_create_beside(path, &t2);

	assert_true(a >= 0 && b >= 0);
	assert_string_not_equal(t1, t2);
	assert_int_equal(strncmp(t1, path, strlen(path)), 0);
	close(a);
	close(b);
	unlink(t1);
	unlink(t2);
	free(t1);
	free(t2);
	free(path);
}

/*
 * The log's size comes from the vmcore, which the guest wrote.  A vmcore
 * whose log is larger than any kernel's is not easy to make here, so
 * this test fakes makedumpfile with a script on PATH that writes 20 MiB:
 * what is tested is racerig's bound, not makedumpfile.
 */
static void
test_dmesg_is_bounded(void **state)
{
	char *bin = xasprintf("%s/bin", dir);
	char *fake = xasprintf("%s/makedumpfile", bin);
	char *out = xasprintf("%s/dmesg.txt", dir);
	char *path = xasprintf("%s:%s", bin, getenv("PATH"));
	char *old = xstrdup(getenv("PATH"));
	static const char script[] = "#!/bin/sh\n"
	    "# fake makedumpfile --dump-dmesg VMCORE OUT: a 20 MiB log\n"
	    "head -c 20971520 /dev/zero | tr '\\0' 'x' >\"$3\"\n";
	struct stat st;
	struct buf b = BUF_INIT;

	assert_int_equal(mkdir(bin, 0755), 0);
	assert_int_equal(write_file_atomic(fake, script, strlen(script)), 0);
	assert_int_equal(chmod(fake, 0755), 0);
	setenv("PATH", path, 1);
	assert_int_equal(dump_extract_dmesg("/nonexistent/vmcore", out), 0);
	setenv("PATH", old, 1);
	assert_int_equal(stat(out, &st), 0);
	assert_true(st.st_size > 16 * 1024 * 1024);
	assert_true(st.st_size < 16 * 1024 * 1024 + 256);
	assert_int_equal(read_file(out, &b, 32u << 20), 0);
	assert_non_null(strstr(b.data + 16 * 1024 * 1024,
	    "dmesg.txt cut at 16777216 bytes"));
	buf_release(&b);
	unlink(out);
	unlink(fake);
	rmdir(bin);
	free(old);
	free(path);
	free(out);
	free(fake);
	free(bin);
}

static int
setup(void **state)
{
	return mkdtemp(dir) == NULL ? -1 : 0;
}

static int
teardown(void **state)
{
	return rmdir(dir);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_printable),
		cmocka_unit_test(test_atomic_write_ignores_planted_links),
		cmocka_unit_test(test_tmp_names_are_fresh),
		cmocka_unit_test(test_dmesg_is_bounded),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
