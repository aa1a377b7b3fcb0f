/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Lines of a console log as the report layer reads them: the console's
 * own prefixes stripped, and the tests every other report file makes on
 * a line.  The lowest file of the layer: it calls no other report file.
 */
#include <ctype.h>
#include <string.h>

#include "util.h"
#include "report.h"
#include "report-impl.h"

/*
 * Strip what the console puts before the kernel's text: syslog levels
 * "<4>", timestamps "[  12.345678]", caller tags "[T123]"/"[C1]", and
 * "kernel: " of journal dumps.  Returns the offset of the text.
 */
size_t
report_strip_prefix(const char *s, size_t n)
{
	size_t i = 0, j;

	for (int round = 0; round < 4; round++) {
		while (i < n && (s[i] == ' ' || s[i] == '\t'))
			i++;
		if (i < n && s[i] == '<') {
			for (j = i + 1; j < n && j < i + 5 &&
			    isdigit((unsigned char)s[j]); j++)
				;
			if (j < n && s[j] == '>' && j > i + 1) {
				i = j + 1;
				continue;
			}
		}
		if (i < n && s[i] == '[') {
			j = i + 1;
			while (j < n && s[j] == ' ')
				j++;
			if (j < n && (s[j] == 'T' || s[j] == 'C') &&
			    j + 1 < n && isdigit((unsigned char)s[j + 1])) {
				for (j++; j < n && isdigit((unsigned char)s[j]);
				    j++)
					;
				if (j < n && s[j] == ']') {
					i = j + 1;
					continue;
				}
			}
			j = i + 1;
			while (j < n && s[j] == ' ')
				j++;
			if (j < n && isdigit((unsigned char)s[j])) {
				while (j < n && (isdigit((unsigned char)s[j]) ||
				    s[j] == '.'))
					j++;
				/* "[  12.34][ T1]" style has no space */
				if (j < n && s[j] == ']') {
					i = j + 1;
					continue;
				}
			}
		}
		break;
	}
	return i;
}

/* Does line (text, n) contain needle? */
int
rl_has(const struct rline *l, const char *needle)
{
	return memmem(l->text, l->len, needle, strlen(needle)) != NULL;
}

int
rl_starts(const struct rline *l, const char *prefix)
{
	size_t n = strlen(prefix);

	return l->len >= n && memcmp(l->text, prefix, n) == 0;
}

/* Copy line into a NUL-terminated buffer of cap bytes. */
void
rl_copy(const struct rline *l, char *out, size_t cap)
{
	size_t n = l->len < cap - 1 ? l->len : cap - 1;

	memcpy(out, l->text, n);
	out[n] = '\0';
}

/* Like rl_has, but the needle must not continue a word ("ODEBUG: "). */
int
rl_has_word(const struct rline *l, const char *needle)
{
	size_t n = strlen(needle);
	const char *p = l->text, *end = l->text + l->len;

	while ((p = memmem(p, (size_t)(end - p), needle, n)) != NULL) {
		if (p == l->text || !isalnum((unsigned char)p[-1]))
			return 1;
		p++;
	}
	return 0;
}
