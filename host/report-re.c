/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The report layer's regular expressions (POSIX ERE), compiled once and
 * cached.  With report-line.c the lowest file of the layer: it calls no
 * other report file.
 */
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"
#include "report.h"
#include "report-impl.h"

/*
 * Compiled patterns, cached by the address of their (static) text, or
 * of the list they join (report_re_join).  The cache grows with the
 * patterns the tables hold, so every one is compiled however many there
 * are.  A pattern that does not compile is a bug in a table: it is
 * reported once, here, and matches nothing from then on.  Entries are
 * allocated one by one so that a regex_t handed out stays where it is
 * when the array of them grows.
 */
struct re_cache {
	const void	*key;
	regex_t		 re;
	int		 ok;
};
static struct re_cache **re_cache;
static size_t n_re_cache, re_cache_cap;

static struct re_cache *
re_find(const void *key)
{
	for (size_t i = 0; i < n_re_cache; i++) {
		if (re_cache[i]->key == key)
			return re_cache[i];
	}
	return NULL;
}

/* Compile pat (flags as regcomp's) and cache it under key. */
static regex_t *
re_add(const void *key, const char *pat, int flags)
{
	struct re_cache *c = xcalloc(1, sizeof(*c));
	int rc;

	if (n_re_cache == re_cache_cap) {
		re_cache_cap = re_cache_cap ? 2 * re_cache_cap : 64;
		re_cache = xrealloc(re_cache, re_cache_cap * sizeof(*re_cache));
	}
	re_cache[n_re_cache++] = c;
	c->key = key;
	rc = regcomp(&c->re, pat, flags);
	c->ok = rc == 0;
	if (!c->ok) {
		char msg[128];

		regerror(rc, &c->re, msg, sizeof(msg));
		error("report: cannot compile pattern '%s': %s", pat, msg);
	}
	return c->ok ? &c->re : NULL;
}

/*
 * The patterns of list (NULL-terminated) and extra (may be NULL) as one
 * alternation that matches where any of them does, without groups.  key
 * names the combination: the first call compiles it, later calls with
 * the same key return it whatever list and extra they pass.  Returns
 * NULL if it does not compile (reported once).
 */
regex_t *
report_re_join(const void *key, const char *const *list, const char *extra)
{
	struct re_cache *c = re_find(key);
	size_t len = 1, i;
	regex_t *re;
	char *pat;

	if (c != NULL)
		return c->ok ? &c->re : NULL;
	for (i = 0; list != NULL && list[i] != NULL; i++)
		len += strlen(list[i]) + 3;
	if (extra != NULL)
		len += strlen(extra) + 3;
	pat = xmalloc(len);
	pat[0] = '\0';
	for (i = 0; list != NULL && list[i] != NULL; i++) {
		if (pat[0] != '\0')
			strcat(pat, "|");
		strcat(pat, "(");
		strcat(pat, list[i]);
		strcat(pat, ")");
	}
	if (extra != NULL) {
		if (pat[0] != '\0')
			strcat(pat, "|");
		strcat(pat, "(");
		strcat(pat, extra);
		strcat(pat, ")");
	}
	re = re_add(key, pat, REG_EXTENDED | REG_NOSUB);
	free(pat);
	return re;
}

/*
 * pat (static text: it is the cache's key) compiled with its groups, for
 * SP_LINE and SP_CAP steps; NULL if it does not compile (reported once).
 */
regex_t *
report_re(const char *pat)
{
	struct re_cache *c = re_find(pat);

	if (c != NULL)
		return c->ok ? &c->re : NULL;
	return re_add(pat, pat, REG_EXTENDED);
}

/* Does pat (static text) match somewhere in s? */
int
report_re_match(const char *pat, const char *s)
{
	regex_t *re = report_re(pat);

	return re != NULL && regexec(re, s, 0, NULL, 0) == 0;
}

