/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The libvirt backend's storage ("--storage volumes"): what a domain on
 * a libvirt host needs from this machine travels through libvirt's
 * storage API, so the host needs nothing but its daemon.
 *
 * - A directory pool named "racerig" (LV_POOL_DIR on the host), defined,
 *   built and started the first time it is missing.
 * - Kernels and initramfs go up as volumes named by their content
 *   (racerig-<sha256 prefix>-<kind>): uploaded once per host, reused by
 *   every later run that boots the same file.  A volume is complete once
 *   a marker volume "<name>.used-<unix time>" exists beside it; the
 *   newest marker's time is the volume's last use, renewed by each run.
 *   A volume without a marker is being uploaded (another run waits for
 *   it) or was left half-uploaded (replaced when the wait runs out).
 * - The run's secret token (fw_cfg file) goes up as a volume only the
 *   daemon's user can read, deleted once QEMU has read it.
 * - A vmcore comes down: the dump is written into a fresh volume on the
 *   host, downloaded into the run directory and the volume deleted.
 * - Old volumes are pruned by last use, after each upload, as local
 *   snapshots are.
 *
 * Nothing here trusts a name or size from the host beyond this: volume
 * names are only compared with names racerig formed itself.
 */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <openssl/evp.h>

#include <libvirt/libvirt.h>
#include <libvirt/virterror.h>

#include "util.h"
#include "vm.h"
#include "vm-libvirt-impl.h"

#define LV_POOL_NAME	"racerig"
#define LV_POOL_DIR	"/var/lib/libvirt/racerig"
#define LV_VOL_PREFIX	"racerig-"
#define LV_MARK		".used-"
/* how long a run waits for another's upload of the same file */
#define LV_UPLOAD_WAIT_S	120
/* volumes used within this long are never pruned: a run may need them */
#define LV_PRUNE_MIN_AGE_S	3600
/* content volumes kept beyond that (RACERIG_VOLUMES_KEEP overrides) */
#define LV_PRUNE_KEEP		16

static int
lv_serr(const char *what, const char *name)
{
	const virError *e = virGetLastError();

	return error("libvirt: %s '%s': %s", what, name, e && e->message ?
	    e->message : "unknown error");
}

/* The racerig pool on conn, created and started when missing. */
virStoragePoolPtr
lv_pool(virConnectPtr conn)
{
	virStoragePoolPtr pool;
	int active;

	for (int attempt = 0; attempt < 2; attempt++) {
		pool = virStoragePoolLookupByName(conn, LV_POOL_NAME);
		if (pool != NULL)
			break;
		pool = virStoragePoolDefineXML(conn, "<pool type='dir'><name>"
		    LV_POOL_NAME "</name><target><path>" LV_POOL_DIR
		    "</path><permissions><mode>0700</mode></permissions>"
		    "</target></pool>", 0);
		if (pool != NULL) {
			(void)virStoragePoolSetAutostart(pool, 1);
			break;
		}
		/* another run defined it meanwhile: look again */
	}
	if (pool == NULL) {
		lv_serr("cannot define the storage pool", LV_POOL_NAME);
		return NULL;
	}
	active = virStoragePoolIsActive(pool);
	if (active == 0) {
		/* building an existing directory is harmless */
		(void)virStoragePoolBuild(pool, 0);
		if (virStoragePoolCreate(pool, 0) < 0 &&
		    virStoragePoolIsActive(pool) != 1) {
			lv_serr("cannot start the storage pool", LV_POOL_NAME);
			virStoragePoolFree(pool);
			return NULL;
		}
	}
	virResetLastError();
	return pool;
}

/* The first 32 hex digits of the SHA-256 of a file, into hex[33]. */
static int
lv_file_hash(const char *path, char hex[33], off_t *size)
{
	unsigned char md[EVP_MAX_MD_SIZE], chunk[1 << 16];
	unsigned int mdlen = 0;
	EVP_MD_CTX *ctx;
	struct stat st;
	ssize_t n = 0;
	int fd, rc = -1;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0 || fstat(fd, &st) != 0) {
		error("cannot read '%s': %s", path, strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	*size = st.st_size;
	ctx = EVP_MD_CTX_new();
	if (ctx == NULL || EVP_DigestInit_ex(ctx, EVP_sha256(), NULL) != 1)
		goto out;
	while ((n = read(fd, chunk, sizeof(chunk))) > 0)
		EVP_DigestUpdate(ctx, chunk, (size_t)n);
	if (n < 0) {
		error("cannot read '%s': %s", path, strerror(errno));
		goto out;
	}
	if (EVP_DigestFinal_ex(ctx, md, &mdlen) != 1 || mdlen < 16)
		goto out;
	for (int i = 0; i < 16; i++)
		snprintf(hex + 2 * i, 3, "%02x", md[i]);
	rc = 0;
out:
	if (rc != 0 && n >= 0)
		error("cannot hash '%s'", path);
	EVP_MD_CTX_free(ctx);
	close(fd);
	return rc;
}

/* A raw volume of capacity bytes, readable by the daemon's user only. */
static virStorageVolPtr
lv_vol_create(virStoragePoolPtr pool, const char *name,
    unsigned long long capacity)
{
	char *xml = xasprintf("<volume><name>%s</name><capacity unit='bytes'>"
	    "%llu</capacity><allocation unit='bytes'>0</allocation><target>"
	    "<format type='raw'/><permissions><mode>0600</mode>"
	    "</permissions></target></volume>", name, capacity);
	virStorageVolPtr vol = virStorageVolCreateXML(pool, xml, 0);

	free(xml);
	return vol;
}

static void
lv_vol_delete(virStoragePoolPtr pool, const char *name)
{
	virStorageVolPtr vol = virStorageVolLookupByName(pool, name);

	if (vol != NULL) {
		(void)virStorageVolDelete(vol, 0);
		virStorageVolFree(vol);
	}
	virResetLastError();
}

/*
 * Is volume name v a marker "<content>" LV_MARK "<unix time>"?  Then
 * *base is the content volume's name length, *t the time; else 0.
 */
static int
lv_marker_parse(const char *v, size_t *base, long long *t)
{
	const char *m = v != NULL ? strstr(v, LV_MARK) : NULL;
	char *end;

	if (m == NULL)
		return 0;
	errno = 0;
	*t = strtoll(m + strlen(LV_MARK), &end, 10);
	if (errno != 0 || *end != '\0' || end == m + strlen(LV_MARK))
		return 0;
	*base = (size_t)(m - v);
	return 1;
}

/*
 * The newest marker time of volume name among the pool's volumes, 0 if
 * it has none (not uploaded completely); -1 if the pool cannot be
 * listed.
 */
static long long
lv_marker_time(virStoragePoolPtr pool, const char *name)
{
	virStorageVolPtr *vols = NULL;
	size_t len = strlen(name);
	long long best = 0;
	int n;

	(void)virStoragePoolRefresh(pool, 0);
	n = virStoragePoolListAllVolumes(pool, &vols, 0);
	if (n < 0)
		return -1;
	for (int i = 0; i < n; i++) {
		const char *v = virStorageVolGetName(vols[i]);
		size_t base;
		long long t;

		if (lv_marker_parse(v, &base, &t) && base == len &&
		    strncmp(v, name, len) == 0 && t > best)
			best = t;
		virStorageVolFree(vols[i]);
	}
	free(vols);
	return best;
}

/* Mark volume name used now (also: complete), dropping older marks. */
static void
lv_mark_used(virStoragePoolPtr pool, const char *name, long long before)
{
	long long now = (long long)time(NULL);
	char *mark = xasprintf("%s" LV_MARK "%lld", name, now);
	virStorageVolPtr vol = lv_vol_create(pool, mark, 0);

	/* the same second from another run: its mark serves */
	if (vol != NULL)
		virStorageVolFree(vol);
	free(mark);
	if (before > 0 && before != now) {
		mark = xasprintf("%s" LV_MARK "%lld", name, before);
		lv_vol_delete(pool, mark);
		free(mark);
	}
	virResetLastError();
}

/* virStreamSendAll's source: the local file */
static int
lv_send_file(virStreamPtr st, char *data, size_t nbytes, void *opaque)
{
	int fd = *(int *)opaque;
	ssize_t n;

	(void)st;
	do
		n = read(fd, data, nbytes);
	while (n < 0 && errno == EINTR);
	return (int)n;
}

/* Upload local file path into the new volume vol (size bytes). */
static int
lv_upload(virConnectPtr conn, virStorageVolPtr vol, const char *path,
    off_t size)
{
	virStreamPtr st;
	int fd, rc = -1;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return error("cannot read '%s': %s", path, strerror(errno));
	st = virStreamNew(conn, 0);
	if (st == NULL || virStorageVolUpload(vol, st, 0,
	    (unsigned long long)size, 0) < 0) {
		lv_serr("cannot upload", path);
		goto out;
	}
	if (virStreamSendAll(st, lv_send_file, &fd) < 0) {
		lv_serr("upload failed for", path);
		(void)virStreamAbort(st);
		goto out;
	}
	if (virStreamFinish(st) < 0) {
		lv_serr("upload did not finish for", path);
		goto out;
	}
	rc = 0;
out:
	if (st != NULL)
		virStreamFree(st);
	close(fd);
	return rc;
}

/* A file that went up or came down, for the run's record. */
static void
lv_note(struct vm *vm, const char *what, int up, const char *volume,
    unsigned long long bytes, double seconds)
{
	struct vm_transfer *t;

	if (vm->ntransfers == VM_TRANSFERS_MAX)
		return;
	t = &vm->transfers[vm->ntransfers++];
	snprintf(t->what, sizeof(t->what), "%s", what);
	t->up = up;
	snprintf(t->volume, sizeof(t->volume), "%s", volume);
	t->bytes = bytes;
	t->seconds = seconds;
}

/*
 * Drop the least recently used content volumes beyond the number kept;
 * none used within LV_PRUNE_MIN_AGE_S.  Markers go first, so a volume
 * whose deletion fails reads as incomplete and is uploaded again.
 */
static void
lv_prune(virStoragePoolPtr pool)
{
	const char *env = getenv("RACERIG_VOLUMES_KEEP");
	long keep = env != NULL ? strtol(env, NULL, 10) : LV_PRUNE_KEEP;
	virStorageVolPtr *vols = NULL;
	struct lv_used { char *name; long long t; } *used = NULL;
	size_t nused = 0;
	long long now = (long long)time(NULL);
	int n;

	if (keep < 1)
		keep = 1;
	n = virStoragePoolListAllVolumes(pool, &vols, 0);
	if (n < 0) {
		virResetLastError();
		return;
	}
	used = xcalloc((size_t)n + 1, sizeof(*used));
	for (int i = 0; i < n; i++) {
		const char *v = virStorageVolGetName(vols[i]);
		size_t base;
		long long t;

		if (lv_marker_parse(v, &base, &t) && strncmp(v, LV_VOL_PREFIX,
		    strlen(LV_VOL_PREFIX)) == 0) {
			size_t j;

			for (j = 0; j < nused; j++) {
				if (strlen(used[j].name) == base &&
				    strncmp(used[j].name, v, base) == 0)
					break;
			}
			if (j == nused)
				used[nused++].name = xasprintf("%.*s",
				    (int)base, v);
			if (t > used[j].t)
				used[j].t = t;
		}
	}
	/* newest first, then the tail beyond keep goes */
	for (size_t i = 1; i < nused; i++) {
		for (size_t j = i; j > 0 && used[j].t > used[j - 1].t; j--) {
			struct lv_used tmp = used[j];

			used[j] = used[j - 1];
			used[j - 1] = tmp;
		}
	}
	for (size_t i = (size_t)keep; i < nused; i++) {
		if (now - used[i].t < LV_PRUNE_MIN_AGE_S)
			continue;
		for (int k = 0; k < n; k++) {
			const char *v = virStorageVolGetName(vols[k]);
			size_t base;
			long long t;

			if (lv_marker_parse(v, &base, &t) &&
			    base == strlen(used[i].name) &&
			    strncmp(v, used[i].name, base) == 0)
				(void)virStorageVolDelete(vols[k], 0);
		}
		lv_vol_delete(pool, used[i].name);
	}
	for (size_t i = 0; i < nused; i++)
		free(used[i].name);
	free(used);
	for (int i = 0; i < n; i++)
		virStorageVolFree(vols[i]);
	free(vols);
	virResetLastError();
}

/*
 * The path on the host of local file path as a volume of kind ("kernel",
 * "initramfs"): uploaded unless a complete volume of the same content is
 * there.  An upload is noted in vm->transfers.
 * Returns a string the caller frees, or NULL (reported).
 */
char *
lv_vol_for_file(struct vm *vm, virConnectPtr conn, virStoragePoolPtr pool,
    const char *path, const char *kind)
{
	char hex[33], *name, *out = NULL;
	virStorageVolPtr vol = NULL;
	long long marked;
	double t0;
	off_t size;

	if (lv_file_hash(path, hex, &size) != 0)
		return NULL;
	name = xasprintf(LV_VOL_PREFIX "%s-%s", hex, kind);
	for (double end = now_mono() + LV_UPLOAD_WAIT_S;;) {
		marked = lv_marker_time(pool, name);
		if (marked < 0) {
			lv_serr("cannot list the volumes of pool", LV_POOL_NAME);
			goto out;
		}
		vol = virStorageVolLookupByName(pool, name);
		virResetLastError();
		if (vol == NULL || marked > 0 || now_mono() > end)
			break;
		/* another run is uploading it: wait for its marker */
		virStorageVolFree(vol);
		vol = NULL;
		usleep(500000);
	}
	if (vol != NULL && marked == 0) {
		/* half-uploaded and abandoned: start again */
		(void)virStorageVolDelete(vol, 0);
		virStorageVolFree(vol);
		vol = NULL;
	}
	if (vol == NULL) {
		t0 = now_mono();
		vol = lv_vol_create(pool, name, (unsigned long long)size);
		if (vol == NULL) {
			lv_serr("cannot create volume", name);
			goto out;
		}
		if (lv_upload(conn, vol, path, size) != 0) {
			(void)virStorageVolDelete(vol, 0);
			goto out;
		}
		lv_mark_used(pool, name, 0);
		lv_note(vm, kind, 1, name, (unsigned long long)size,
		    now_mono() - t0);
		lv_prune(pool);
	} else
		lv_mark_used(pool, name, marked);
	out = virStorageVolGetPath(vol);
	if (out == NULL)
		lv_serr("no path for volume", name);
out:
	if (vol != NULL)
		virStorageVolFree(vol);
	free(name);
	return out;
}

/*
 * The run's token as a volume of its own (name unique to the run), for
 * QEMU's fw_cfg: its path on the host in *path, the volume to delete
 * once the domain started returned.  NULL on failure (reported).
 */
virStorageVolPtr
lv_vol_token(virConnectPtr conn, virStoragePoolPtr pool, const char *run,
    const char *local, char **path)
{
	char *name = xasprintf(LV_VOL_PREFIX "token-%s", run);
	struct stat st;
	virStorageVolPtr vol;

	*path = NULL;
	if (stat(local, &st) != 0) {
		error("cannot read '%s': %s", local, strerror(errno));
		free(name);
		return NULL;
	}
	lv_vol_delete(pool, name);	/* a rerun's leftover */
	vol = lv_vol_create(pool, name, (unsigned long long)st.st_size);
	if (vol == NULL) {
		lv_serr("cannot create volume", name);
		free(name);
		return NULL;
	}
	if (lv_upload(conn, vol, local, st.st_size) != 0 ||
	    (*path = virStorageVolGetPath(vol)) == NULL) {
		(void)virStorageVolDelete(vol, 0);
		virStorageVolFree(vol);
		free(name);
		return NULL;
	}
	free(name);
	return vol;
}

/* virStreamRecvAll's sink: the local file, up to a limit */
struct lv_sink_file {
	int			 fd;
	unsigned long long	 left;	/* bytes it may still take */
	int			 too_big;	/* it was offered more */
};

static int
lv_recv_file(virStreamPtr st, const char *data, size_t nbytes, void *opaque)
{
	struct lv_sink_file *f = opaque;

	(void)st;
	if (nbytes > f->left) {
		f->too_big = 1;
		return -1;
	}
	f->left -= nbytes;
	return write_all(f->fd, data, nbytes) == 0 ? (int)nbytes : -1;
}

/*
 * Dump dom's memory (kdump-zlib, memory only) into a volume on its host,
 * download it into local file path (created, not there before) and
 * delete the volume, noting the download in vm->transfers.
 */
int
lv_vol_dump(struct vm *vm, virConnectPtr conn, virStoragePoolPtr pool,
    virDomainPtr dom, const char *run, const char *path)
{
	char *name = xasprintf(LV_VOL_PREFIX "vmcore-%s", run), *remote = NULL;
	virStorageVolPtr vol = NULL;
	virStreamPtr st = NULL;
	struct lv_sink_file sink;
	struct stat sb;
	int fd = -1, rc = -1;
	double t0;

	lv_vol_delete(pool, name);
	vol = lv_vol_create(pool, name, 0);
	if (vol == NULL || (remote = virStorageVolGetPath(vol)) == NULL) {
		lv_serr("cannot create volume", name);
		goto out;
	}
	if (virDomainCoreDumpWithFormat(dom, remote,
	    VIR_DOMAIN_CORE_DUMP_FORMAT_KDUMP_ZLIB, VIR_DUMP_MEMORY_ONLY) < 0) {
		lv_serr("memory dump failed into volume", name);
		goto out;
	}
	/* the pool learns the dump's size; the download reads all of it */
	(void)virStoragePoolRefresh(pool, 0);
	virStorageVolFree(vol);
	vol = virStorageVolLookupByName(pool, name);
	if (vol == NULL) {
		lv_serr("the dump's volume went away", name);
		goto out;
	}
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd < 0) {
		error("cannot create '%s': %s", path, strerror(errno));
		goto out;
	}
	t0 = now_mono();
	st = virStreamNew(conn, 0);
	if (st == NULL || virStorageVolDownload(vol, st, 0, 0, 0) < 0) {
		lv_serr("cannot download volume", name);
		goto out;
	}
	/*
	 * A memory-only dump holds at most the guest's RAM and headers:
	 * a host (or a guest that got to it) sending more is refused.
	 */
	sink.fd = fd;
	sink.left = ((unsigned long long)vm->cfg.mem_mb + 64) << 20;
	sink.too_big = 0;
	if (virStreamRecvAll(st, lv_recv_file, &sink) < 0) {
		if (sink.too_big)
			error("volume '%s' holds more than a memory-only dump "
			    "of %d MiB could: not downloaded", name,
			    vm->cfg.mem_mb);
		else
			lv_serr("download failed for volume", name);
		(void)virStreamAbort(st);
		goto out;
	}
	if (virStreamFinish(st) < 0) {
		lv_serr("download did not finish for volume", name);
		goto out;
	}
	if (fstat(fd, &sb) == 0)
		lv_note(vm, "vmcore", 0, name, (unsigned long long)sb.st_size,
		    now_mono() - t0);
	rc = 0;
out:
	if (st != NULL)
		virStreamFree(st);
	if (fd >= 0)
		close(fd);
	if (rc != 0 && fd >= 0)
		unlink(path);
	if (vol != NULL) {
		(void)virStorageVolDelete(vol, 0);
		virStorageVolFree(vol);
	}
	virResetLastError();
	free(remote);
	free(name);
	return rc;
}
