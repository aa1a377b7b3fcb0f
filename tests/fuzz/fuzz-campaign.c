/* SPDX-License-Identifier: GPL-2.0 */
/*
 * libFuzzer target for the campaign loader: any bytes as a campaign
 * file, parsed by campaign_parse() (host/campaign.c) against the
 * source tree's scenarios and a throw-away cache holding the two images
 * ci/nightly-campaign.json names (manifest and empty kernel files: the
 * loader only checks that they are there).
 *
 * Beyond "no crash": a campaign that loads has a valid name, kernels
 * and scenarios, and every parameter set it draws (random and guided,
 * for a few run numbers) is one its scenario accepts, which is what the
 * loader's checks promise the runs.
 */
#include <sys/stat.h>

#include <assert.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "util.h"
#include "scenario.h"
#include "campaign.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char cache[] = "/tmp/fuzz-campaign.XXXXXX";

static void
put(const char *dir, const char *name, const char *text)
{
	char *path = xasprintf("%s/%s", dir, name);

	if (write_file_atomic(path, text, strlen(text)) != 0)
		abort();
	free(path);
}

static void
remove_cache(void)
{
	char *argv[] = { "rm", "-rf", cache, NULL };

	(void)run_command(argv, NULL, NULL, NULL, 60, NULL, 0);
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	static const char *const releases[] = {
		"6.1.0-56-cloud-amd64", "6.12.117+deb12-cloud-amd64"
	};

	if (mkdtemp(cache) == NULL)
		abort();
	atexit(remove_cache);
	for (size_t i = 0; i < ARRAY_SIZE(releases); i++) {
		char *dir = xasprintf("%s/images/%s", cache, releases[i]);
		char *manifest = xasprintf("{\"kernel_release\": \"%s\"}",
		    releases[i]);

		if (mkdir_p(dir, 0700) != 0)
			abort();
		put(dir, "manifest.json", manifest);
		put(dir, "vmlinuz", "");
		put(dir, "initramfs.cpio", "");
		free(manifest);
		free(dir);
	}
	setenv("RACERIG_CACHE", cache, 1);
	unsetenv("RACERIG_SCENARIOS");
	return 0;
}

/* Every draw of run seq must be accepted by its scenario. */
static void
check_draws(struct campaign *c, long long seq)
{
	struct campaign_draw d;
	struct param_values vals;
	struct scenario s;

	campaign_draw(c, seq, &d);
	assert(d.scenario < c->nscenarios && d.kernel < c->nkernels);
	if (scenario_load(c->scenarios[d.scenario].name, &s) == 0) {
		assert(scenario_values(&s, d.params, d.nparams, &vals) == 0);
		param_values_release(&vals);
		scenario_release(&s);
	}
	/* learn from it, so guided draws mutate kept sets */
	{
		json_t *kept = json_object();

		for (size_t i = 0; i < d.nparams; i++) {
			char *eq = strchr(d.params[i], '=');

			*eq = '\0';
			json_object_set_new(kept, d.params[i],
			    json_string(eq + 1));
			*eq = '=';
		}
		campaign_learn(&c->scenarios[d.scenario], kept, 1.0 + seq, 1);
		json_decref(kept);
	}
	campaign_draw_release(&d);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct campaign c;

	if (campaign_parse("fuzz.json", (const char *)data, size, &c) != 0)
		return 0;
	assert(campaign_name_ok(c.name));
	assert(c.nkernels > 0 && c.nscenarios > 0);
	for (long long seq = 0; seq < 6; seq++)
		check_draws(&c, seq);
	campaign_release(&c);
	return 0;
}
