/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Campaign files and parameter draws.
 *
 * A campaign (JSON) lists kernels, scenarios with parameter ranges, a
 * duration, jobs and a seed:
 *
 *   { "name": "nightly", "duration_s": 1200, "jobs": 2, "seed": 1,
 *     "mode": "guided", "smp": 2, "disk_budget_mb": 4096, "max_vmcores": 64,
 *     "kernels": ["6.1.0-56-cloud-amd64", "6.12.117+deb12-cloud-amd64"],
 *     "scenarios": [
 *       { "name": "rcu-peer-update", "duration_s": 20,
 *         "params": { "jitter_us": [0, 2000], "mode": ["dev", "udp"],
 *                     "fixed": 0 },
 *         "hit_metric": "collisions" } ] }
 *
 * A parameter is [min, max] (an integer drawn uniformly), a list of
 * strings (one drawn), or one value.  Every draw comes from a PRNG seeded
 * with (campaign seed, run sequence number), so a run is repeatable from
 * its recorded seed; its parameters are recorded too.
 *
 * Guided mode keeps, per scenario, the parameter sets that raised the
 * race-hit metric (hit_metric: a rate in run.json such as clash_per_s,
 * a counter the scenario prints, such as "collisions N", or
 * "new_findings": the run's finding buckets, such as KCSAN pairs, that
 * no earlier run of the campaign had) or found a new bucket, and mutates
 * them preferentially, as a fuzzer keeps inputs that found new coverage.
 *
 * Multi-host campaigns list libvirt hosts instead of "jobs":
 *
 *   "hosts": [ { "uri": "qemu+tcp://10.77.1.2/system", "capacity": 2,
 *                "callback": "10.77.1.1", "storage": "volumes" }, ... ]
 *
 * disk_budget_mb (default 4096) and max_vmcores (default 64) are hard
 * limits on what the campaign's run directories keep: past them, files
 * of repeated crashes go first, then those of each bucket's first run
 * (stress.c), since a guest can mint a bucket per run.
 *
 * "snapshot": true starts every run from the boot-once snapshot of its
 * kernel (snapshot.c) instead of booting it: local QEMU only.
 *
 * capacity is how many runs that host takes at once; callback is this
 * machine's IP address as the host sees it, where its QEMU connects the
 * console and agent channel back to: required for a URI with a host
 * part, refused for a local one such as qemu:///system (which uses unix
 * sockets), since a TCP channel is taken only from the addresses of the
 * URI's host.  A remote host shares no files with this machine: kernels,
 * initramfs and vmcores travel as libvirt storage volumes
 * (vm-libvirt-storage.c); "storage": "shared" has it use this machine's
 * paths instead (a shared filesystem, the same paths on both).
 */
#include <sys/socket.h>

#include <netinet/in.h>

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "util.h"
#include "scenario.h"
#include "image.h"
#include "vm.h"
#include "run.h"
#include "campaign.h"

/* splitmix64: small, good enough, and the same everywhere. */
unsigned long long
campaign_rand(unsigned long long *state)
{
	unsigned long long z = (*state += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static long
rand_range(unsigned long long *st, long lo, long hi)
{
	if (hi <= lo)
		return lo;
	return lo + (long)(campaign_rand(st) % (unsigned long long)(hi - lo + 1));
}

/*
 * Is name fit to be a campaign's name?  It becomes a directory under the
 * output root that resuming cleans up, so it must be one plain path
 * component: never empty (the root itself), never "." or "..".
 */
int
campaign_name_ok(const char *name)
{
	size_t n = strlen(name);

	if (n == 0 || n > CAMPAIGN_NAME_MAX)
		return 0;
	if (!(name[0] >= 'a' && name[0] <= 'z') &&
	    !(name[0] >= '0' && name[0] <= '9'))
		return 0;
	for (const char *p = name; *p; p++) {
		if (!(*p >= 'a' && *p <= 'z') && !(*p >= '0' && *p <= '9') &&
		    *p != '-' && *p != '_')
			return 0;
	}
	return 1;
}

void
campaign_release(struct campaign *c)
{
	for (size_t i = 0; i < c->nscenarios; i++) {
		struct campaign_scenario *cs = &c->scenarios[i];

		json_decref(cs->params);
		for (size_t k = 0; k < cs->ncorpus; k++)
			json_decref(cs->corpus[k].params);
		free(cs->corpus);
		free(cs->name);
		free(cs->hit_metric);
	}
	free(c->scenarios);
	for (size_t i = 0; i < c->nkernels; i++)
		free(c->kernels[i]);
	free(c->kernels);
	for (size_t i = 0; i < c->nhosts; i++) {
		free(c->hosts[i].uri);
		free(c->hosts[i].callback);
		free(c->hosts[i].label);
	}
	free(c->hosts);
	free(c->name);
	free(c->file);
	free(c->mode);
	free(c->db_path);
	free(c->out_dir);
	memset(c, 0, sizeof(*c));
}

/*
 * The text of one parameter value e of a campaign file (an integer or a
 * string, as the draw will pass it to the run), in num if it is a
 * number; NULL if it is neither.
 */
static const char *
campaign_value_text(json_t *e, char *num, size_t n)
{
	if (json_is_integer(e)) {
		snprintf(num, n, "%lld", (long long)json_integer_value(e));
		return num;
	}
	return json_string_value(e);
}

/*
 * Check a parameter spec against the scenario's own ranges.  Each value
 * is checked whole, as drawn: a copy into a 64-byte buffer used to cut
 * long strings, so a value that only began like an allowed one passed.
 */
static int
campaign_check_param(const struct scenario *s, const char *file,
    const char *key, json_t *spec)
{
	const struct scenario_param *p = scenario_param(s, key);
	char num[32];
	const char *text;
	size_t i;
	json_t *e;

	if (p == NULL)
		return error("%s: scenario '%s' has no parameter '%s'", file,
		    s->name, key);
	if (json_is_array(spec)) {
		json_array_foreach(spec, i, e) {
			text = campaign_value_text(e, num, sizeof(num));
			if (text == NULL)
				return error("%s: '%s.%s' has a value that is "
				    "neither integer nor string", file,
				    s->name, key);
			if (scenario_check_value(s, p, text) != 0)
				return -1;
		}
		if (json_array_size(spec) == 0)
			return error("%s: '%s.%s' is an empty list", file,
			    s->name, key);
		return 0;
	}
	text = campaign_value_text(spec, num, sizeof(num));
	if (text == NULL)
		return error("%s: '%s.%s' must be [min, max], a list or a "
		    "value", file, s->name, key);
	return scenario_check_value(s, p, text);
}

/*
 * Is addr an IP address of this machine?  Binds a socket to it (port 0)
 * and lets it go: the run's listener will bind the same way.
 */
static int
campaign_local_addr(const char *path, size_t i, const char *addr)
{
	struct sockaddr_storage ss;
	const struct sockaddr_in *in4 = (const struct sockaddr_in *)&ss;
	const struct sockaddr_in6 *in6 = (const struct sockaddr_in6 *)&ss;
	socklen_t len;
	int fd, rc = 0;

	if (parse_ip(addr, &ss, &len) != 0)
		return error("%s: hosts[%zu].callback '%s' is not an IPv4 or "
		    "IPv6 address", path, i, addr);
	if ((ss.ss_family == AF_INET &&
	    in4->sin_addr.s_addr == htonl(INADDR_ANY)) ||
	    (ss.ss_family == AF_INET6 &&
	    IN6_IS_ADDR_UNSPECIFIED(&in6->sin6_addr)))
		return error("%s: hosts[%zu].callback '%s' must be one "
		    "address, not any", path, i, addr);
	fd = socket(ss.ss_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0 || bind(fd, (struct sockaddr *)&ss, len) != 0)
		rc = error("%s: hosts[%zu].callback '%s' is not an address of "
		    "this machine: %s", path, i, addr, strerror(errno));
	if (fd >= 0)
		close(fd);
	return rc;
}

/*
 * The "hosts" list of the campaign file at path (root), strictly: each
 * entry an object with a libvirt QEMU URI, a capacity in 1..
 * CAMPAIGN_MAX_CAPACITY, a callback address of this machine for a
 * remote URI and none for a local one; no URI twice; no more than
 * CAMPAIGN_MAX_SLOTS runs at once in all.  0 (c->hosts filled, or none
 * without "hosts") or -1.
 */
static int
campaign_load_hosts(const char *path, json_t *root, struct campaign *c)
{
	json_t *arr = json_object_get(root, "hosts"), *h, *v;
	const char *key;
	size_t i;
	int slots = 0;

	if (arr == NULL)
		return 0;
	if (!json_is_array(arr) || json_array_size(arr) == 0)
		return error("%s: 'hosts' must be a non-empty list of "
		    "{\"uri\", \"capacity\", \"callback\"}", path);
	if (json_object_get(root, "jobs") != NULL)
		return error("%s: 'jobs' and 'hosts' exclude each other (with "
		    "hosts, runs at once are the sum of their capacities)",
		    path);
	c->hosts = xcalloc(json_array_size(arr), sizeof(*c->hosts));
	json_array_foreach(arr, i, h) {
		struct campaign_host *ch;
		char host[256];
		const char *uri;

		if (!json_is_object(h))
			return error("%s: hosts[%zu] must be an object", path,
			    i);
		json_object_foreach(h, key, v) {
			if (strcmp(key, "uri") != 0 &&
			    strcmp(key, "capacity") != 0 &&
			    strcmp(key, "callback") != 0 &&
			    strcmp(key, "storage") != 0)
				return error("%s: hosts[%zu] has an unknown "
				    "field '%s'", path, i, key);
		}
		v = json_object_get(h, "uri");
		if (!json_is_string(v))
			return error("%s: hosts[%zu].uri must be a string",
			    path, i);
		uri = json_string_value(v);
		if (uri_host(uri, host, sizeof(host)) != 0)
			return error("%s: hosts[%zu].uri '%s' is not a libvirt "
			    "QEMU URI such as qemu+tcp://HOST/system", path, i,
			    uri);
		for (size_t k = 0; k < c->nhosts; k++) {
			if (strcmp(c->hosts[k].uri, uri) == 0)
				return error("%s: hosts[%zu].uri '%s' is listed "
				    "twice (hosts[%zu])", path, i, uri, k);
		}
		ch = &c->hosts[c->nhosts++];
		ch->uri = xstrdup(uri);
		ch->label = xstrdup(host[0] ? host : uri);
		v = json_object_get(h, "capacity");
		if (!json_is_integer(v) || json_integer_value(v) < 1 ||
		    json_integer_value(v) > CAMPAIGN_MAX_CAPACITY)
			return error("%s: hosts[%zu].capacity must be an "
			    "integer in 1..%d", path, i, CAMPAIGN_MAX_CAPACITY);
		ch->capacity = (int)json_integer_value(v);
		slots += ch->capacity;
		v = json_object_get(h, "callback");
		if (v != NULL && !json_is_string(v))
			return error("%s: hosts[%zu].callback must be a string "
			    "(an IP address)", path, i);
		if (v == NULL && host[0] != '\0')
			return error("%s: hosts[%zu].callback is needed: '%s' "
			    "is remote and must connect back to an address of "
			    "this machine", path, i, uri);
		if (v != NULL && host[0] == '\0')
			return error("%s: hosts[%zu].callback is refused: '%s' "
			    "names no host, whose addresses alone may connect "
			    "TCP channels (a local URI uses unix sockets; "
			    "leave callback out)", path, i, uri);
		v = json_object_get(h, "storage");
		if (v != NULL && (!json_is_string(v) || (strcmp(
		    json_string_value(v), "volumes") != 0 && strcmp(
		    json_string_value(v), "shared") != 0)))
			return error("%s: hosts[%zu].storage must be "
			    "\"volumes\" or \"shared\"", path, i);
		ch->shared_storage = v != NULL && strcmp(json_string_value(v),
		    "shared") == 0;
		v = json_object_get(h, "callback");
		if (v != NULL) {
			if (campaign_local_addr(path, i,
			    json_string_value(v)) != 0)
				return -1;
			ch->callback = xstrdup(json_string_value(v));
		}
	}
	if (slots > CAMPAIGN_MAX_SLOTS)
		return error("%s: the hosts' capacities add up to %d, more than "
		    "%d runs at once", path, slots, CAMPAIGN_MAX_SLOTS);
	return 0;
}

/*
 * Parse and validate text (len bytes, the contents of the campaign file
 * path, which is not read) into c; kernels must be built images and
 * scenarios loadable.  Returns 0, or -1 (reported, naming path and
 * field) with c left empty.
 */
int
campaign_parse(const char *path, const char *text, size_t len,
    struct campaign *c)
{
	json_error_t jerr;
	json_t *root, *v, *arr;
	size_t i;
	int rc = -1;

	memset(c, 0, sizeof(*c));
	root = json_loadb(text ? text : "", len, 0, &jerr);
	if (root == NULL)
		return error("%s:%d:%d: %s", path, jerr.line, jerr.column,
		    jerr.text);
	c->file = xstrdup(path);
	if (!json_is_object(root)) {
		error("%s: the top level must be an object", path);
		goto cleanup;
	}
	v = json_object_get(root, "name");
	if (!json_is_string(v)) {
		error("%s: missing 'name'", path);
		goto cleanup;
	}
	c->name = xstrdup(json_string_value(v));
	if (!campaign_name_ok(c->name)) {
		error("%s: campaign name '%.64s' must be 1 to %d characters of "
		    "[a-z0-9_-], the first a letter or digit", path, c->name,
		    CAMPAIGN_NAME_MAX);
		goto cleanup;
	}
	v = json_object_get(root, "duration_s");
	c->duration_s = json_number_value(v);
	if (!json_is_number(v) || !(c->duration_s > 0) ||
	    c->duration_s > CAMPAIGN_DURATION_MAX) {
		error("%s: 'duration_s' must be a number of seconds from 1 to "
		    "%d", path, CAMPAIGN_DURATION_MAX);
		goto cleanup;
	}
	v = json_object_get(root, "jobs");
	if (v != NULL && (!json_is_integer(v) || json_integer_value(v) < 0 ||
	    json_integer_value(v) > 16)) {
		error("%s: 'jobs' must be an integer from 0 (one) to 16", path);
		goto cleanup;
	}
	c->jobs = v ? (int)json_integer_value(v) : 0;
	v = json_object_get(root, "smp");
	if (v != NULL && (!json_is_integer(v) || json_integer_value(v) < 1 ||
	    json_integer_value(v) > CAMPAIGN_SMP_MAX)) {
		error("%s: 'smp' must be an integer from 1 to %d", path,
		    CAMPAIGN_SMP_MAX);
		goto cleanup;
	}
	c->smp = v ? (int)json_integer_value(v) : 0;
	v = json_object_get(root, "seed");
	c->seed = json_is_integer(v) ? (unsigned long long)json_integer_value(v)
	    : 1;
	v = json_object_get(root, "mode");
	c->mode = xstrdup(json_is_string(v) ? json_string_value(v) : "random");
	if (strcmp(c->mode, "random") != 0 && strcmp(c->mode, "guided") != 0) {
		error("%s: 'mode' is random or guided", path);
		goto cleanup;
	}
	v = json_object_get(root, "disk_budget_mb");
	if (v != NULL && (!json_is_integer(v) || json_integer_value(v) < 1 ||
	    json_integer_value(v) > CAMPAIGN_BUDGET_MAX_MB)) {
		error("%s: 'disk_budget_mb' must be an integer from 1 to %lld",
		    path, (long long)CAMPAIGN_BUDGET_MAX_MB);
		goto cleanup;
	}
	c->disk_budget_mb = v ? (unsigned long long)json_integer_value(v) : 0;
	v = json_object_get(root, "max_vmcores");
	if (v != NULL && (!json_is_integer(v) || json_integer_value(v) < 1 ||
	    json_integer_value(v) > CAMPAIGN_VMCORES_MAX)) {
		error("%s: 'max_vmcores' must be an integer from 1 to %d", path,
		    CAMPAIGN_VMCORES_MAX);
		goto cleanup;
	}
	c->max_vmcores = v ? (unsigned long long)json_integer_value(v) :
	    CAMPAIGN_VMCORES_DEFAULT;
	v = json_object_get(root, "snapshot");
	if (v != NULL && !json_is_boolean(v)) {
		error("%s: 'snapshot' must be true or false", path);
		goto cleanup;
	}
	c->snapshot = json_is_true(v);
	if (c->snapshot && json_object_get(root, "hosts") != NULL) {
		error("%s: 'snapshot' needs the local QEMU backend, not "
		    "'hosts'", path);
		goto cleanup;
	}
	v = json_object_get(root, "db");
	if (json_is_string(v))
		c->db_path = xstrdup(json_string_value(v));
	/* before kernels and scenarios: a host mistake needs no image */
	if (campaign_load_hosts(path, root, c) != 0)
		goto cleanup;
	arr = json_object_get(root, "kernels");
	if (!json_is_array(arr) || json_array_size(arr) == 0) {
		error("%s: 'kernels' must list images or kernel releases",
		    path);
		goto cleanup;
	}
	c->kernels = xcalloc(json_array_size(arr), sizeof(char *));
	json_array_foreach(arr, i, v) {
		struct image img;

		if (!json_is_string(v) || image_open(json_string_value(v),
		    &img) != 0) {
			error("%s: kernel %zu is not a built image", path,
			    i + 1);
			goto cleanup;
		}
		image_release(&img);
		c->kernels[c->nkernels++] = xstrdup(json_string_value(v));
	}
	arr = json_object_get(root, "scenarios");
	if (!json_is_array(arr) || json_array_size(arr) == 0) {
		error("%s: 'scenarios' must be a non-empty list", path);
		goto cleanup;
	}
	c->scenarios = xcalloc(json_array_size(arr), sizeof(*c->scenarios));
	json_array_foreach(arr, i, v) {
		struct campaign_scenario *cs = &c->scenarios[c->nscenarios++];
		struct scenario s;
		const char *key;
		json_t *spec;

		if (!json_is_object(v) || !json_is_string(json_object_get(v,
		    "name"))) {
			error("%s: scenario %zu needs a 'name'", path, i + 1);
			goto cleanup;
		}
		cs->name = xstrdup(json_string_value(json_object_get(v,
		    "name")));
		if (scenario_load(cs->name, &s) != 0)
			goto cleanup;
		cs->params = json_object_get(v, "params") ?
		    json_incref(json_object_get(v, "params")) : json_object();
		json_object_foreach(cs->params, key, spec) {
			if (campaign_check_param(&s, path, key, spec) != 0) {
				scenario_release(&s);
				goto cleanup;
			}
		}
		scenario_release(&s);
		cs->duration_s = (long)json_integer_value(json_object_get(v,
		    "duration_s"));
		if (json_is_string(json_object_get(v, "hit_metric")))
			cs->hit_metric = xstrdup(json_string_value(
			    json_object_get(v, "hit_metric")));
	}
	rc = 0;
cleanup:
	json_decref(root);
	if (rc != 0)
		campaign_release(c);
	return rc;
}

int
campaign_load(const char *path, struct campaign *c)
{
	struct buf text = BUF_INIT;
	int rc;

	memset(c, 0, sizeof(*c));
	rc = read_file(path, &text, CAMPAIGN_MAX_FILE);
	if (rc == 0)
		rc = campaign_parse(path, text.data, text.len, c);
	buf_release(&text);
	return rc;
}

/* Draw a fresh value for one parameter spec into out ("k=v"). */
static char *
draw_value(const char *key, json_t *spec, unsigned long long *st)
{
	if (json_is_array(spec) && json_array_size(spec) == 2 &&
	    json_is_integer(json_array_get(spec, 0)) &&
	    json_is_integer(json_array_get(spec, 1))) {
		long lo = (long)json_integer_value(json_array_get(spec, 0));
		long hi = (long)json_integer_value(json_array_get(spec, 1));

		return xasprintf("%s=%ld", key, rand_range(st, lo, hi));
	}
	if (json_is_array(spec)) {
		json_t *e = json_array_get(spec, (size_t)rand_range(st, 0,
		    (long)json_array_size(spec) - 1));

		if (json_is_integer(e))
			return xasprintf("%s=%lld", key,
			    (long long)json_integer_value(e));
		return xasprintf("%s=%s", key, json_string_value(e));
	}
	if (json_is_integer(spec))
		return xasprintf("%s=%lld", key,
		    (long long)json_integer_value(spec));
	return xasprintf("%s=%s", key, json_string_value(spec));
}

/*
 * Choose the parameters of run seq: a scenario, a kernel and one value
 * per parameter, all from the PRNG seeded with (campaign seed, seq).  In
 * guided mode, with probability 0.7 a kept parameter set of the scenario
 * is taken instead and one of its parameters drawn anew (the mutation).
 */
void
campaign_draw(struct campaign *c, long long seq, struct campaign_draw *d)
{
	unsigned long long st = c->seed * 0x100000001b3ULL +
	    (unsigned long long)seq;
	struct campaign_scenario *cs;
	const char *key;
	json_t *spec, *parent = NULL;
	size_t n = 0, mutate;

	memset(d, 0, sizeof(*d));
	campaign_rand(&st);
	d->scenario = (size_t)rand_range(&st, 0, (long)c->nscenarios - 1);
	d->kernel = (size_t)rand_range(&st, 0, (long)c->nkernels - 1);
	d->seed = campaign_rand(&st) & 0x7fffffffffffffffULL;
	cs = &c->scenarios[d->scenario];
	if (strcmp(c->mode, "guided") == 0 && cs->ncorpus > 0 &&
	    campaign_rand(&st) % 10 < 7) {
		/* favour the best: the better of two random picks */
		size_t a = (size_t)rand_range(&st, 0, (long)cs->ncorpus - 1);
		size_t b = (size_t)rand_range(&st, 0, (long)cs->ncorpus - 1);

		parent = cs->corpus[cs->corpus[a].hits >= cs->corpus[b].hits ?
		    a : b].params;
		d->guided = 1;
	}
	d->params = xcalloc(json_object_size(cs->params) + 1, sizeof(char *));
	/* mutate one of the parameters that can vary */
	{
		size_t nvar = 0;

		json_object_foreach(cs->params, key, spec)
			nvar += json_is_array(spec);
		mutate = nvar ? (size_t)rand_range(&st, 0, (long)nvar - 1) :
		    (size_t)-1;
	}
	json_object_foreach(cs->params, key, spec) {
		const char *kept = parent ? json_string_value(
		    json_object_get(parent, key)) : NULL;
		int varies = json_is_array(spec);

		if (kept != NULL && (!varies || n != mutate))
			d->params[d->nparams++] = xasprintf("%s=%s", key, kept);
		else if (kept != NULL && json_array_size(spec) == 2 &&
		    json_is_integer(json_array_get(spec, 0)) &&
		    json_is_integer(json_array_get(spec, 1))) {
			/* a step near the kept value: local search */
			long lo = (long)json_integer_value(json_array_get(spec,
			    0));
			long hi = (long)json_integer_value(json_array_get(spec,
			    1));
			long span = (hi - lo) / 4 + 1;
			long v = atol(kept) + rand_range(&st, -span, span);

			v = v < lo ? lo : v > hi ? hi : v;
			d->params[d->nparams++] = xasprintf("%s=%ld", key, v);
		} else
			d->params[d->nparams++] = draw_value(key, spec, &st);
		n += varies;
	}
}

void
campaign_draw_release(struct campaign_draw *d)
{
	for (size_t i = 0; i < d->nparams; i++)
		free(d->params[i]);
	free(d->params);
	memset(d, 0, sizeof(*d));
}

/*
 * The race-hit rate of a finished run: its whole-run rate called metric,
 * or the last "metric N" a step printed, per second of run.
 */
double
campaign_hits(const char *metric, const struct run_record *run)
{
	struct buf log = BUF_INIT;
	double v = 0;
	char *path, *needle, *p, *last = NULL;

	if (metric == NULL)
		return 0;
	if (run_record_rate(run, metric, &v) == 0)
		return v;
	path = xasprintf("%s/steps.log", run->dir);
	needle = xasprintf(" %s ", metric);
	if (read_file(path, &log, 64u * 1024 * 1024) == 0 && log.data) {
		for (p = log.data; (p = strstr(p, needle)) != NULL; p++)
			last = p;
		if (last != NULL)
			v = strtod(last + strlen(needle), NULL);
	}
	buf_release(&log);
	free(path);
	free(needle);
	return run->total_s > 0 ? v / run->total_s : 0;
}

/*
 * Keep params (the run's "k": "v" object) in the scenario's corpus if it
 * beat the corpus median or opened a bucket.  The corpus is bounded:
 * the weakest entry makes room.
 */
void
campaign_learn(struct campaign_scenario *cs, json_t *params, double hits,
    int new_bucket)
{
	double worst = INFINITY, sum = 0;
	size_t wi = 0;

	for (size_t i = 0; i < cs->ncorpus; i++) {
		sum += cs->corpus[i].hits;
		if (cs->corpus[i].hits < worst) {
			worst = cs->corpus[i].hits;
			wi = i;
		}
	}
	if (!new_bucket && cs->ncorpus > 0 && hits <= sum / cs->ncorpus)
		return;
	if (hits <= 0 && !new_bucket)
		return;
	if (cs->ncorpus == CAMPAIGN_CORPUS) {
		json_decref(cs->corpus[wi].params);
		cs->corpus[wi].params = json_incref(params);
		cs->corpus[wi].hits = hits;
		return;
	}
	cs->corpus = xrealloc(cs->corpus, (cs->ncorpus + 1) *
	    sizeof(*cs->corpus));
	cs->corpus[cs->ncorpus].params = json_incref(params);
	cs->corpus[cs->ncorpus].hits = hits;
	cs->ncorpus++;
}
