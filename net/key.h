/* key.h: the identity on disk. A key file holds the node's Ed25519 seed as 64 hex digits and
 * a newline; it is written 0600 under a temporary name, synced and linked in place (never
 * overwritten, never seen half written) and refused when group or
 * others may read it.
 */
#ifndef NET_KEY_H
#define NET_KEY_H

#include <stddef.h>
#include <stdint.h>

#include "themis.h"

/* Fill buf from the OS CSPRNG (getrandom); aborts if the kernel cannot provide it, since
 * continuing with predictable keys would be worse than stopping. */
void os_random(void *ctx, uint8_t *buf, size_t len);

/* Creates FILE with a fresh seed. Returns 0, or -1 with a one-line reason in err. */
int key_generate(const char *path, char *err, size_t errlen);
/* Reads a seed; -1 with reason in err (missing, unsafe mode, bad content). */
int key_load(const char *path, uint8_t seed[THEMIS_SEED_LEN], char *err, size_t errlen);
/* DIR/node.key: loaded if present, else created (DIR made 0700 when missing). */
int key_load_or_create(const char *dir, uint8_t seed[THEMIS_SEED_LEN], char *err, size_t errlen);
/* Identity of hosted node index i > 0: a keyed BLAKE2b of the main seed, so one key file
 * carries every virtual node and each still has its own key pair. Index 0 is seed itself. */
void key_derive(const uint8_t seed[THEMIS_SEED_LEN], unsigned index, uint8_t out[THEMIS_SEED_LEN]);
void key_wipe(void *p, size_t n);

#endif
