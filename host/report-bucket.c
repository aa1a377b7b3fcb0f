/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Buckets: one id shared by every report of the same bug.
 *
 * The title already names the bug the way syzkaller deduplicates it
 * (crash kind plus guilty function, with addresses, offsets, PIDs, CPUs
 * and numbers normalised away), so the bucket is a hash of the title.
 * A corrupted report's title ("... in corrupted") says too little, so
 * its first frames are hashed in as well, keeping different bugs apart.
 *
 * A title that is the log's own text (a "BUG: ..." line no format knows,
 * a panic's reason) is chosen by whoever printed it: a guest printing a
 * made-up "BUG: xyz-<random>" each run would get a new bucket, and with
 * it a kept vmcore, each time.  Such a title is hashed by its kind (the
 * text before the first ": ") and the leading words of the rest only, up
 * to the first character that is not a letter, space or '_' and at most
 * BUCKET_WORDS words, so variants of one message ("xyz-1", "xyz-deadbeef
 * at 'a'") share a bucket while different messages ("Bad page map", "Bad
 * rss-counter state") keep theirs.  NEEDSWORK: a guest that makes up the
 * first word itself still mints a bucket per run; max_vmcores bounds
 * what that costs.
 */
#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "util.h"
#include "report.h"
#include "report-impl.h"

static unsigned long long
fnv1a(unsigned long long h, const char *s)
{
	for (; *s; s++) {
		h ^= (unsigned char)*s;
		h *= 0x100000001b3ULL;
	}
	return h;
}

#define BUCKET_WORDS	3

/*
 * The part of a free-text title that names its bucket (see above), in
 * key of cap bytes.
 */
static void
bucket_key(const char *title, char *key, size_t cap)
{
	const char *colon = strstr(title, ": ");
	const char *p = colon != NULL ? colon + 2 : title;
	size_t o, words = 0;

	o = (size_t)(p - title) < cap - 1 ? (size_t)(p - title) : cap - 1;
	memcpy(key, title, o);
	for (; *p && o + 1 < cap; p++) {
		unsigned char c = (unsigned char)*p;

		if (!isalpha(c) && c != ' ' && c != '_')
			break;
		if (c == ' ' && ++words == BUCKET_WORDS)
			break;
		key[o++] = (char)c;
	}
	while (o > 0 && key[o - 1] == ' ')
		o--;
	key[o] = '\0';
}

void
report_bucket(struct report *r)
{
	unsigned long long h = 0xcbf29ce484222325ULL;
	char key[REPORT_TITLE];

	if (r->freetext && r->title != NULL) {
		bucket_key(r->title, key, sizeof(key));
		h = fnv1a(h, key);
	} else
		h = fnv1a(h, r->title ? r->title : "");
	if (r->corrupted) {
		for (size_t i = 0; i < r->nframes && i < 3; i++) {
			h = fnv1a(h, "\n");
			h = fnv1a(h, r->frames[i]);
		}
	}
	snprintf(r->bucket, sizeof(r->bucket), "%016llx", h);
}
