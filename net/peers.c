/* peers.c: STATE/peers, the ring nodes a daemon knew when it last saved them (peers.h). */
#include "peers.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "addr.h"

enum { LINE_MAX_LEN = ID_HEXLEN + 1 + ADDR_STRLEN + 2 };

size_t peers_load(const char *dir, themis_peer *out, size_t cap)
{
	char path[4096], line[256];
	size_t n = 0;
	FILE *f;

	if (cap > PEERS_MAX)
		cap = PEERS_MAX;
	if ((size_t)snprintf(path, sizeof path, "%s/peers", dir) >= sizeof path)
		return 0;
	f = fopen(path, "re");
	if (!f)
		return 0;
	while (n < cap && fgets(line, sizeof line, f)) {
		int has_id;
		line[strcspn(line, "\r\n")] = 0;
		if (peer_parse(line, &out[n], &has_id) == 0 && has_id)
			n++;
	}
	fclose(f);
	return n;
}

int peers_save(const char *dir, const themis_peer *p, size_t n, char *err, size_t errlen)
{
	char path[4096], tmp[4096], buf[PEERS_MAX * LINE_MAX_LEN], hex[ID_HEXLEN + 1], a[ADDR_STRLEN];
	size_t len = 0;
	int fd;

	if ((size_t)snprintf(path, sizeof path, "%s/peers", dir) >= sizeof path ||
	    (size_t)snprintf(tmp, sizeof tmp, "%s/peers.tmp", dir) >= sizeof tmp) {
		snprintf(err, errlen, "%s: path too long", dir);
		return -1;
	}
	if (n > PEERS_MAX)
		n = PEERS_MAX;
	for (size_t i = 0; i < n; i++)
		len += (size_t)snprintf(buf + len, sizeof buf - len, "%s@%s\n",
					themis_hex(p[i].id, THEMIS_ID_LEN, hex), addr_format(&p[i].addr, a));
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (fd < 0) {
		snprintf(err, errlen, "%s: cannot create: %s", tmp, strerror(errno));
		return -1;
	}
	if (fchmod(fd, 0600) != 0 || write(fd, buf, len) != (ssize_t)len || fsync(fd) != 0) {
		snprintf(err, errlen, "%s: cannot write: %s", tmp, strerror(errno));
		close(fd);
		unlink(tmp);
		return -1;
	}
	close(fd);
	if (rename(tmp, path) != 0) {
		snprintf(err, errlen, "%s: cannot rename to %s: %s", tmp, path, strerror(errno));
		unlink(tmp);
		return -1;
	}
	return 0;
}
