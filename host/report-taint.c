/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What a report says about the kernel it came from: whether that kernel
 * ran an out-of-tree module.  A crash in code racerig models with a
 * module of its own (scenario.json's "model") reproduces a report only
 * if the report's kernel had code of that kind.
 *
 * The kernel says so two ways (kernel/panic.c, kernel/module/main.c):
 * the taint flags after "Tainted: " on a report's "CPU: N PID: ..."
 * line carry O once an out-of-tree module was loaded, and "Modules
 * linked in:" marks each such module "name(O)" (with P, E and other
 * flags beside it).  "Not tainted" says it did not.
 */
#include <string.h>

#include "util.h"
#include "report.h"
#include "report-impl.h"

/* The taint flags field: letters and blanks, at most this long. */
#define TAINT_FIELD	24

/* Does the taint field at s (n bytes left) carry O? */
static int
taint_field_has_o(const char *s, size_t n)
{
	for (size_t i = 0; i < n && i < TAINT_FIELD; i++) {
		if (s[i] == 'O')
			return 1;
		if (s[i] != ' ' && (s[i] < 'A' || s[i] > 'Z'))
			break;
	}
	return 0;
}

/*
 * Does a "Modules linked in:" line list a module flagged O: "name(...)"
 * whose parentheses hold capital flag letters only, one of them O?
 */
static int
modules_have_o(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		size_t k;
		int o = 0;

		if (s[i] != '(')
			continue;
		for (k = i + 1; k < n && s[k] >= 'A' && s[k] <= 'Z'; k++)
			o |= s[k] == 'O';
		if (o && k < n && s[k] == ')')
			return 1;
	}
	return 0;
}

/*
 * Whether the kernel that printed log (len bytes, of which at most
 * REPORT_MAX_LOG are read) ran an out-of-tree module: 1 if a taint
 * field or the module list says so, else 0.
 */
int
report_out_of_tree(const char *log, size_t len)
{
	const char *p = log, *end;

	if (len > REPORT_MAX_LOG)
		len = REPORT_MAX_LOG;
	end = log + len;
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t n = (size_t)((nl ? nl : end) - p);
		const char *t = memmem(p, n, "Tainted: ", 9);
		const char *m = memmem(p, n, "Modules linked in:", 18);

		if (t != NULL && taint_field_has_o(t + 9,
		    n - (size_t)(t + 9 - p)))
			return 1;
		if (m != NULL && modules_have_o(m, n - (size_t)(m - p)))
			return 1;
		p += n + 1;
	}
	return 0;
}
