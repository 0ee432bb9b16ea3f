/* rundir.h: the per-user runtime directory that holds control sockets. Owned by the user,
 * mode 0700, so a socket in it is reachable by its owner only.
 */
#ifndef NET_RUNDIR_H
#define NET_RUNDIR_H

#include <stddef.h>

/* $THEMIS_RUNTIME_DIR, else $XDG_RUNTIME_DIR/themis, else /run/themis for root, else
 * /tmp/themis-UID. With create, makes it 0700. Refuses a directory that is not ours or that
 * others may enter. Returns 0, or -1 with a reason in err. */
int rundir_get(char *buf, size_t cap, int create, char *err, size_t errlen);

#endif
