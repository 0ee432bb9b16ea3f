/* ident.c: the names of docs/protocol.md, Names (network hash, node id, ring position, object
 * id) and hex output, for the core and for drivers. Pure functions of their arguments: no
 * state, no randomness, and every secret (the Ed25519 secret key) wiped before returning.
 */
#include "themis.h"
#include "crypto.h"

#include <stdlib.h>
#include <string.h>

/* Labels of docs/protocol.md, Names: ASCII, hashed without their NUL (sizeof - 1). */
static const char label_net[] = "THEMIS-v1 net";
static const char label_id[] = "THEMIS-v1 id";
static const char label_obj[] = "THEMIS-v1 obj";

/* These helpers return void, so a libsodium that cannot initialise has no error path: stop
 * rather than hand out ids that were never computed. */
static void init_or_die(void)
{
	if (cr_init() != 0)
		abort();
}

/* A NULL name is hashed as the empty name; callers validate names before this. */
static size_t name_len(const char *s)
{
	return s != NULL ? strlen(s) : 0;
}

void themis_net_hash(const char *network, uint8_t net[THEMIS_ID_LEN])
{
	cr_buf parts[2] = {
		{ label_net, sizeof label_net - 1 },
		{ network, name_len(network) },
	};

	init_or_die();
	cr_hashv(net, NULL, parts, 2);
}

void themis_id_from_pk(const uint8_t pk[THEMIS_PK_LEN], const uint8_t net[THEMIS_ID_LEN],
		       uint8_t id[THEMIS_ID_LEN])
{
	/* net is part of the id so one key has unrelated ids in different networks. */
	cr_buf parts[3] = {
		{ label_id, sizeof label_id - 1 },
		{ pk, THEMIS_PK_LEN },
		{ net, THEMIS_ID_LEN },
	};

	init_or_die();
	cr_hashv(id, NULL, parts, 3);
}

void themis_pk_from_seed(const uint8_t seed[THEMIS_SEED_LEN], uint8_t pk[THEMIS_PK_LEN])
{
	uint8_t sk[CR_SK_LEN];

	init_or_die();
	cr_sign_keypair(pk, sk, seed);
	cr_wipe(sk, sizeof sk);
}

void themis_ring_pos(const uint8_t id[THEMIS_ID_LEN], unsigned m, uint8_t pos[THEMIS_ID_LEN])
{
	/* docs/protocol.md, Names: 8 <= m <= 256. themis_node_new rejects other values, so an m out of
	 * range here is a caller bug; clamp it into range instead of reading or writing past the
	 * 32 bytes. */
	if (m < 8)
		m = 8;
	if (m > 8 * THEMIS_ID_LEN)
		m = 8 * THEMIS_ID_LEN;

	size_t whole = m / 8;
	unsigned rest = m % 8;

	memcpy(pos, id, whole);
	memset(pos + whole, 0, THEMIS_ID_LEN - whole);
	/* "First m bits" counts from the most significant bit of byte 0 (big-endian, like
	 * every integer on the wire). */
	if (rest != 0)
		pos[whole] = (uint8_t)(id[whole] & (0xffu << (8 - rest)));
}

void themis_obj_id(const char *name, uint8_t r, uint8_t obj[THEMIS_ID_LEN])
{
	cr_buf parts[3] = {
		{ label_obj, sizeof label_obj - 1 },
		{ &r, 1 },
		{ name, name_len(name) },
	};

	init_or_die();
	cr_hashv(obj, NULL, parts, 3);
}

char *themis_hex(const uint8_t *b, size_t n, char *out)
{
	static const char digits[] = "0123456789abcdef";

	for (size_t i = 0; i < n; i++) {
		out[2 * i] = digits[b[i] >> 4];
		out[2 * i + 1] = digits[b[i] & 0x0f];
	}
	out[2 * n] = '\0';
	return out;
}
