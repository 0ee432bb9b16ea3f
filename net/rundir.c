/* rundir.c: where control sockets live by default. The directory's mode is the access
 * control of every socket in it (some systems ignore a socket file's own mode).
 */
#include "rundir.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int rundir_get(char *buf, size_t cap, int create, char *err, size_t errlen)
{
	const char *env = getenv("THEMIS_RUNTIME_DIR");
	const char *xdg = getenv("XDG_RUNTIME_DIR");
	struct stat st;
	int n;

	if (env && *env)
		n = snprintf(buf, cap, "%s", env);
	else if (xdg && *xdg)
		n = snprintf(buf, cap, "%s/themis", xdg);
	else if (geteuid() == 0)
		n = snprintf(buf, cap, "/run/themis");
	else
		n = snprintf(buf, cap, "/tmp/themis-%u", (unsigned)geteuid());
	if (n < 0 || (size_t)n >= cap) {
		snprintf(err, errlen, "runtime directory path too long");
		return -1;
	}
	if (create && mkdir(buf, 0700) != 0 && errno != EEXIST) {
		snprintf(err, errlen, "%s: cannot create runtime directory: %s", buf, strerror(errno));
		return -1;
	}
	if (lstat(buf, &st) != 0) {
		snprintf(err, errlen, "%s: %s", buf, strerror(errno));
		return -1;
	}
	if (!S_ISDIR(st.st_mode) || st.st_uid != geteuid() || (st.st_mode & 077)) {
		snprintf(err, errlen, "%s: not a private directory of this user (want mode 0700, "
			 "owner uid %u); fix it or set THEMIS_RUNTIME_DIR", buf, (unsigned)geteuid());
		return -1;
	}
	return 0;
}
