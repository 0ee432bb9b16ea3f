/* ctlc.c: talking to a running themisd over its control socket, for the CLI and for a daemon
 * that must learn a local bootstrap node's id. Every read is bounded by a timeout, so a hung
 * daemon never hangs its caller.
 */
#include "ctlc.h"

#include <dirent.h>
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "addr.h"
#include "rundir.h"

enum { REPLY_MAX = 16 << 20 };   /* the daemon's own cap on one reply (ctl.c) */

static int64_t ms_now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int ctlc_call(const char *sock, const char *req, char **out, int timeout_ms)
{
	struct sockaddr_un sun;
	size_t len = 0, cap = 4096;
	char *buf = NULL;
	int fd, rc = CTLC_PROTO;
	int64_t end = ms_now() + timeout_ms;

	*out = NULL;
	memset(&sun, 0, sizeof sun);
	sun.sun_family = AF_UNIX;
	if (strlen(sock) >= sizeof sun.sun_path) {
		errno = ENAMETOOLONG;
		return CTLC_NO_DAEMON;
	}
	strcpy(sun.sun_path, sock);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return CTLC_NO_DAEMON;
	if (connect(fd, (struct sockaddr *)&sun, sizeof sun) != 0) {
		int e = errno;
		close(fd);
		errno = e;
		return CTLC_NO_DAEMON;
	}
	size_t rl = strlen(req);
	char *line = malloc(rl + 2);
	if (!line)
		goto out;
	memcpy(line, req, rl);
	line[rl] = '\n';
	line[rl + 1] = 0;
	ssize_t w = send(fd, line, rl + 1, MSG_NOSIGNAL);
	free(line);
	if (w != (ssize_t)(rl + 1))
		goto out;
	buf = malloc(cap);
	if (!buf)
		goto out;
	for (;;) {
		int64_t left = end - ms_now();
		struct pollfd pfd = { .fd = fd, .events = POLLIN };
		if (left <= 0)
			goto out;
		int p = poll(&pfd, 1, (int)left);
		if (p < 0 && errno == EINTR)
			continue;
		if (p <= 0)
			goto out;
		if (len + 1 >= cap) {
			if (cap >= REPLY_MAX)
				goto out;
			char *nb = realloc(buf, cap * 2);
			if (!nb)
				goto out;
			buf = nb;
			cap *= 2;
		}
		ssize_t n = read(fd, buf + len, cap - len - 1);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			goto out;
		if (n == 0)
			break;
		len += (size_t)n;
	}
	buf[len] = 0;
	*out = buf;
	buf = NULL;
	rc = 0;
out:
	free(buf);
	close(fd);
	return rc;
}

/* Looks for "ID ADDR node I" lines naming a in a `text id` reply. */
static int find_in_reply(const char *reply, const themis_addr *a, uint8_t id[THEMIS_ID_LEN])
{
	char want[ADDR_STRLEN];
	const char *p;

	if (strncmp(reply, "OK\n", 3) != 0)
		return -1;
	addr_format(a, want);
	for (p = reply + 3; *p; ) {
		const char *eol = strchr(p, '\n');
		size_t n = eol ? (size_t)(eol - p) : strlen(p);
		size_t wl = strlen(want);
		if (n >= ID_HEXLEN + 1 + wl && p[ID_HEXLEN] == ' ' &&
		    strncmp(p + ID_HEXLEN + 1, want, wl) == 0 &&
		    (n == ID_HEXLEN + 1 + wl || p[ID_HEXLEN + 1 + wl] == ' ')) {
			char hex[ID_HEXLEN + 1];
			memcpy(hex, p, ID_HEXLEN);
			hex[ID_HEXLEN] = 0;
			return hex_decode(hex, id, THEMIS_ID_LEN);
		}
		p += n + (eol ? 1 : 0);
	}
	return -1;
}

int ctlc_resolve_local(const themis_addr *a, uint8_t id[THEMIS_ID_LEN], const char *skip)
{
	char dir[1024], err[256], path[2048];
	struct dirent *de;
	DIR *d;
	int rc = -1;

	if (rundir_get(dir, sizeof dir, 0, err, sizeof err) != 0)
		return -1;
	d = opendir(dir);
	if (!d)
		return -1;
	while (rc != 0 && (de = readdir(d)) != NULL) {
		size_t nl = strlen(de->d_name);
		char *reply = NULL;
		if (nl < 5 || strcmp(de->d_name + nl - 5, ".sock") != 0)
			continue;
		if (snprintf(path, sizeof path, "%s/%s", dir, de->d_name) >= (int)sizeof path)
			continue;
		if (skip && strcmp(path, skip) == 0)
			continue;
		if (ctlc_call(path, "text - id", &reply, 500) == 0)
			rc = find_in_reply(reply, a, id);
		free(reply);
	}
	closedir(d);
	return rc;
}
