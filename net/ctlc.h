/* ctlc.h: the client side of the control protocol (docs/cli.md): one request line over an
 * AF_UNIX stream socket, a status line and a body back, then the daemon closes.
 */
#ifndef NET_CTLC_H
#define NET_CTLC_H

#include <stddef.h>
#include <stdint.h>

#include "themis.h"

enum { CTLC_NO_DAEMON = -1, CTLC_PROTO = -2 };

/* Sends req (a line without its newline) and reads the reply into a malloc'd string (*out).
 * Returns 0; CTLC_NO_DAEMON when nothing listens at sock; CTLC_PROTO on a timeout or a
 * broken reply. */
int ctlc_call(const char *sock, const char *req, char **out, int timeout_ms);

/* Learns the id of the node listening at a (a local address) by asking `id` of every
 * control socket in the runtime directory except skip. Returns 0 and fills id, or -1. */
int ctlc_resolve_local(const themis_addr *a, uint8_t id[THEMIS_ID_LEN], const char *skip);

#endif
