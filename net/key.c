/* key.c: identity files and the OS random source. The only file in net/ that handles a seed;
 * every buffer that held one is wiped before it goes out of scope, and no path here logs key
 * material.
 */
#include "key.h"

#include <errno.h>
#include <fcntl.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

#include "addr.h"

void os_random(void *ctx, uint8_t *buf, size_t len)
{
	(void)ctx;
	while (len > 0) {
		ssize_t n = getrandom(buf, len, 0);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			abort();
		}
		buf += n;
		len -= (size_t)n;
	}
}

void key_wipe(void *p, size_t n)
{
	sodium_memzero(p, n);
}

/* The directory part of path ("." when it has none), to fsync it after the link. */
static void dir_of(const char *path, char *dir, size_t cap)
{
	const char *slash = strrchr(path, '/');

	if (!slash)
		snprintf(dir, cap, ".");
	else if (slash == path)
		snprintf(dir, cap, "/");
	else
		snprintf(dir, cap, "%.*s", (int)(slash - path), path);
}

/* The file is written whole under a temporary name, synced, and only then linked to its real
 * name: a crash (or a full disk) at any moment leaves either no key file or a complete one,
 * never an empty key that stops every later start. link, unlike rename, refuses an existing
 * target, so a key file is still never overwritten. */
int key_generate(const char *path, char *err, size_t errlen)
{
	uint8_t seed[THEMIS_SEED_LEN];
	char text[2 * THEMIS_SEED_LEN + 2], tmp[4200], dir[4096];
	int fd, dfd, rc = -1;

	if (snprintf(tmp, sizeof tmp, "%s.tmp-XXXXXX", path) >= (int)sizeof tmp) {
		snprintf(err, errlen, "%s: path too long", path);
		return -1;
	}
	fd = mkstemp(tmp);   /* O_EXCL, mode 0600 */
	if (fd < 0) {
		snprintf(err, errlen, "%s: cannot create: %s", path, strerror(errno));
		return -1;
	}
	os_random(NULL, seed, sizeof seed);
	themis_hex(seed, sizeof seed, text);
	text[2 * THEMIS_SEED_LEN] = '\n';
	text[2 * THEMIS_SEED_LEN + 1] = 0;
	/* fchmod: the umask may have narrowed 0600 further, never widened it, but be explicit */
	if (fchmod(fd, 0600) != 0 || write(fd, text, 2 * THEMIS_SEED_LEN + 1) != 2 * THEMIS_SEED_LEN + 1 ||
	    fsync(fd) != 0) {
		snprintf(err, errlen, "%s: cannot write: %s", path, strerror(errno));
		goto out;
	}
	if (link(tmp, path) != 0) {
		if (errno == EEXIST)
			snprintf(err, errlen, "%s: already exists; a key file is never overwritten "
				 "(remove it first if you really mean to replace the identity)", path);
		else
			snprintf(err, errlen, "%s: cannot create: %s", path, strerror(errno));
		goto out;
	}
	dir_of(path, dir, sizeof dir);
	if ((dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) >= 0) {
		(void)fsync(dfd);   /* the new name itself survives a crash */
		close(dfd);
	}
	rc = 0;
out:
	unlink(tmp);
	close(fd);
	key_wipe(seed, sizeof seed);
	key_wipe(text, sizeof text);
	return rc;
}

int key_load(const char *path, uint8_t seed[THEMIS_SEED_LEN], char *err, size_t errlen)
{
	char text[2 * THEMIS_SEED_LEN + 4];
	struct stat st;
	ssize_t n;
	int fd, rc = -1;

	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0) {
		snprintf(err, errlen, "%s: cannot open key file: %s (create one with `themis keygen %s`)",
			 path, strerror(errno), path);
		return -1;
	}
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		snprintf(err, errlen, "%s: not a regular file", path);
		goto out;
	}
	if (st.st_mode & 077) {
		snprintf(err, errlen, "%s: key file is readable by group or others (mode %03o); "
			 "run `chmod 600 %s`", path, (unsigned)(st.st_mode & 0777), path);
		goto out;
	}
	n = read(fd, text, sizeof text - 1);
	if (n == 0) {
		/* Older versions wrote the key in place: a crash between create and write left
		 * this. It never held an identity, so nothing is lost by making a new one. */
		snprintf(err, errlen, "%s: the key file is empty (a start interrupted while an older "
			 "version was creating it); it never held a key: remove it (`rm %s`) and start "
			 "again to create a new identity, or put the right key file there", path, path);
		goto out;
	}
	if (n < 2 * THEMIS_SEED_LEN) {
		snprintf(err, errlen, "%s: too short for a key file (64 hex digits expected)", path);
		goto out;
	}
	text[n] = 0;
	if (n > 2 * THEMIS_SEED_LEN && strcmp(text + 2 * THEMIS_SEED_LEN, "\n") != 0) {
		snprintf(err, errlen, "%s: not a key file (64 hex digits and a newline expected)", path);
		goto out;
	}
	text[2 * THEMIS_SEED_LEN] = 0;
	if (hex_decode(text, seed, THEMIS_SEED_LEN) != 0) {
		snprintf(err, errlen, "%s: not a key file (64 hex digits expected)", path);
		goto out;
	}
	rc = 0;
out:
	close(fd);
	key_wipe(text, sizeof text);
	return rc;
}

int key_load_or_create(const char *dir, uint8_t seed[THEMIS_SEED_LEN], char *err, size_t errlen)
{
	char path[4096];
	struct stat st;

	if (mkdir(dir, 0700) != 0 && errno != EEXIST) {
		snprintf(err, errlen, "%s: cannot create state directory: %s", dir, strerror(errno));
		return -1;
	}
	if (snprintf(path, sizeof path, "%s/node.key", dir) >= (int)sizeof path) {
		snprintf(err, errlen, "%s: path too long", dir);
		return -1;
	}
	if (lstat(path, &st) != 0) {
		if (key_generate(path, err, errlen) != 0)
			return -1;
	}
	return key_load(path, seed, err, errlen);
}

void key_derive(const uint8_t seed[THEMIS_SEED_LEN], unsigned index, uint8_t out[THEMIS_SEED_LEN])
{
	uint8_t msg[4 + 20] = "vnode";

	if (index == 0) {
		memcpy(out, seed, THEMIS_SEED_LEN);
		return;
	}
	msg[20] = (uint8_t)(index >> 24);
	msg[21] = (uint8_t)(index >> 16);
	msg[22] = (uint8_t)(index >> 8);
	msg[23] = (uint8_t)index;
	crypto_generichash(out, THEMIS_SEED_LEN, msg, sizeof msg, seed, THEMIS_SEED_LEN);
}
