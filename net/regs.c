/* regs.c: STATE/registrations, the services to register again after a restart (regs.h). */
#include "regs.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

size_t regs_load(const char *dir, reg_entry *out, size_t cap)
{
	char path[4096], line[REGS_NAME_MAX + 32];
	size_t n = 0;
	FILE *f;

	if ((size_t)snprintf(path, sizeof path, "%s/registrations", dir) >= sizeof path)
		return 0;
	f = fopen(path, "re");
	if (!f)
		return 0;
	while (n < cap && fgets(line, sizeof line, f)) {
		char *end, *name;
		unsigned long node;
		line[strcspn(line, "\r\n")] = 0;
		node = strtoul(line, &end, 10);
		if (end == line || *end != ' ' || node > 65535)
			continue;
		name = end + 1;
		if (!*name || strlen(name) > REGS_NAME_MAX)
			continue;
		out[n].node = (unsigned)node;
		snprintf(out[n].service, sizeof out[n].service, "%s", name);
		n++;
	}
	fclose(f);
	return n;
}

static int save(const char *dir, const reg_entry *e, size_t n, char *err, size_t errlen)
{
	char path[4096], tmp[4096];
	FILE *f;
	int fd;

	if ((size_t)snprintf(path, sizeof path, "%s/registrations", dir) >= sizeof path ||
	    (size_t)snprintf(tmp, sizeof tmp, "%s/registrations.tmp", dir) >= sizeof tmp) {
		snprintf(err, errlen, "%s: path too long", dir);
		return -1;
	}
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (fd < 0 || !(f = fdopen(fd, "w"))) {
		snprintf(err, errlen, "%s: cannot create: %s", tmp, strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	for (size_t i = 0; i < n; i++)
		fprintf(f, "%u %s\n", e[i].node, e[i].service);
	if (fflush(f) != 0 || fsync(fd) != 0) {
		snprintf(err, errlen, "%s: cannot write: %s", tmp, strerror(errno));
		fclose(f);
		unlink(tmp);
		return -1;
	}
	fclose(f);
	if (rename(tmp, path) != 0) {
		snprintf(err, errlen, "%s: cannot rename to %s: %s", tmp, path, strerror(errno));
		unlink(tmp);
		return -1;
	}
	return 0;
}

static int change(const char *dir, unsigned node, const char *service, int keep, char *err,
		  size_t errlen)
{
	reg_entry *e = malloc((REGS_MAX + 1) * sizeof *e);
	size_t n, i;
	int rc = 0;

	if (!e) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	if (strlen(service) > REGS_NAME_MAX || strchr(service, '\n')) {
		snprintf(err, errlen, "service name too long to keep (at most %d bytes)", REGS_NAME_MAX);
		free(e);
		return -1;
	}
	n = regs_load(dir, e, REGS_MAX);
	for (i = 0; i < n; i++)
		if (e[i].node == node && !strcmp(e[i].service, service))
			break;
	if (keep && i == n) {
		if (n >= REGS_MAX) {
			snprintf(err, errlen, "%s/registrations holds %d registrations, its cap", dir, REGS_MAX);
			rc = -1;
		} else {
			e[n].node = node;
			snprintf(e[n].service, sizeof e[n].service, "%s", service);
			rc = save(dir, e, n + 1, err, errlen);
		}
	} else if (!keep && i < n) {
		memmove(&e[i], &e[i + 1], (n - i - 1) * sizeof *e);
		rc = save(dir, e, n - 1, err, errlen);
	}
	free(e);
	return rc;
}

int regs_keep(const char *dir, unsigned node, const char *service, char *err, size_t errlen)
{
	return change(dir, node, service, 1, err, errlen);
}

int regs_forget(const char *dir, unsigned node, const char *service, char *err, size_t errlen)
{
	return change(dir, node, service, 0, err, errlen);
}
