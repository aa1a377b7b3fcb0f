/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Buckets: one id shared by every report of the same bug.
 *
 * The title already names the bug the way syzkaller deduplicates it
 * (crash kind plus guilty function, with addresses, offsets, PIDs, CPUs
 * and numbers normalised away), so the bucket is a hash of the title.
 * A corrupted report's title ("... in corrupted") says too little, so
 * its first frames are hashed in as well, keeping different bugs apart.
 */
#include <stdio.h>
#include <string.h>

#include "host.h"
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

void
report_bucket(struct report *r)
{
	unsigned long long h = 0xcbf29ce484222325ULL;

	h = fnv1a(h, r->title ? r->title : "");
	if (r->corrupted) {
		for (size_t i = 0; i < r->nframes && i < 3; i++) {
			h = fnv1a(h, "\n");
			h = fnv1a(h, r->frames[i]);
		}
	}
	snprintf(r->bucket, sizeof(r->bucket), "%016llx", h);
}
