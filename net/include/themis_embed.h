/* themis_embed.h: embedding a THEMIS node in an application (paper, section 8). One call
 * loads or creates the identity, binds the UDP port and joins the mesh; the blocking calls
 * below drive the node's loop until their operation ends or the timeout passes. Between
 * calls the application keeps the node alive by polling themis_service_fd() for input and
 * calling themis_service_step(), or by calling themis_service_step() periodically: records
 * are refreshed and the ring maintained only while the loop runs.
 *
 * One thread at a time per service. Link: -lthemis-service -lthemis -lsodium -lsqlite3.
 */
#ifndef THEMIS_EMBED_H
#define THEMIS_EMBED_H

#include <stddef.h>

#include "themis.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct themis_service themis_service;

/* network: the mesh's name; listen: "ADDR:PORT" ("[V6]:PORT"); bootstrap: nboot peers as
 * "ID@ADDR:PORT" (or a local daemon's "ADDR:PORT"), none to start a new ring; key_path: the
 * identity file, created 0600 if missing and refused if group or others may read it.
 * Returns the service, or NULL with one line in err. Joining goes on in the background of
 * the calls below (with retries while the bootstrap does not answer). */
themis_service *themis_service_start(const char *network, const char *listen,
				     const char *const *bootstrap, size_t nboot, const char *key_path,
				     char *err, size_t errlen);

/* Readable when themis_service_step has input to handle (an epoll descriptor). */
int themis_service_fd(const themis_service *s);
/* Handles input and due timers, waiting at most max_wait_ms (0: do not wait). */
void themis_service_step(themis_service *s, int max_wait_ms);

/* 0 once the node is in the ring, -1 if timeout_ms passed first. */
int themis_service_wait_joined(themis_service *s, int timeout_ms);
/* Registers this node as an instance of service (kept refreshed while the loop runs).
 * 0 on success, -1 on failure or timeout. */
int themis_service_register(themis_service *s, const char *service, int timeout_ms);
/* Finds a live instance of service; 0 and *out on success, -1 on failure or timeout. */
int themis_service_discover(themis_service *s, const char *service, themis_record *out,
			    int timeout_ms);

const uint8_t *themis_service_id(const themis_service *s);   /* 32 bytes */
themis_addr themis_service_addr(const themis_service *s);
/* The core node, for anything else in themis.h (drive it only between steps). */
themis_node *themis_service_node(themis_service *s);

/* Leaves the ring gracefully (objects handed to the successor) within timeout_ms, closes
 * the socket and frees everything. NULL is fine. */
void themis_service_stop(themis_service *s, int timeout_ms);

#ifdef __cplusplus
}
#endif
#endif
