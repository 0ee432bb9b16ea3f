/* tls_baseline.c: builds an Ed25519 CA and two leaf certificates in memory, then times full
 * TLS 1.3 mutual-auth handshakes over a BIO pair. It must stay a fair baseline: every handshake
 * is a full one (no tickets, no session cache) and both peers really verify the chain.
 */
#include "tls_baseline.h"

#include <stdio.h>
#include <stdlib.h>

#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "benchlib.h"

struct pki {
	EVP_PKEY *ca_key, *srv_key, *cli_key;
	X509 *ca, *srv, *cli;
};

static int add_ext(X509 *cert, X509 *issuer, int nid, const char *value)
{
	X509V3_CTX v3;
	X509V3_set_ctx(&v3, issuer, cert, NULL, NULL, 0);
	X509_EXTENSION *ext = X509V3_EXT_nconf_nid(NULL, &v3, nid, value);
	if (ext == NULL)
		return -1;
	int ok = X509_add_ext(cert, ext, -1);
	X509_EXTENSION_free(ext);
	return ok ? 0 : -1;
}

/* A v3 certificate for key, signed by issuer_key (issuer NULL: self-signed). Ed25519 signs
 * the whole message itself, so X509_sign takes no digest. */
static X509 *make_cert(const char *cn, long serial, EVP_PKEY *key, X509 *issuer,
                       EVP_PKEY *issuer_key, const char *const exts[][2], int nexts)
{
	X509 *c = X509_new();
	if (c == NULL)
		return NULL;
	X509_NAME *name = X509_get_subject_name(c);
	if (!X509_set_version(c, X509_VERSION_3) ||
	    !ASN1_INTEGER_set(X509_get_serialNumber(c), serial) ||
	    !X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC, (const unsigned char *)cn,
	                                -1, -1, 0) ||
	    !X509_set_issuer_name(c, issuer ? X509_get_subject_name(issuer) : name) ||
	    /* A minute of slack for clocks; a day is far longer than any run. */
	    !X509_gmtime_adj(X509_getm_notBefore(c), -60) ||
	    !X509_gmtime_adj(X509_getm_notAfter(c), 86400) ||
	    !X509_set_pubkey(c, key))
		goto fail;
	for (int i = 0; i < nexts; i++) {
		int nid = OBJ_txt2nid(exts[i][0]);
		if (nid == NID_undef || add_ext(c, issuer ? issuer : c, nid, exts[i][1]) != 0)
			goto fail;
	}
	if (X509_sign(c, issuer_key, NULL) <= 0)
		goto fail;
	return c;
fail:
	X509_free(c);
	return NULL;
}

static void pki_free(struct pki *p)
{
	X509_free(p->ca);
	X509_free(p->srv);
	X509_free(p->cli);
	EVP_PKEY_free(p->ca_key);
	EVP_PKEY_free(p->srv_key);
	EVP_PKEY_free(p->cli_key);
}

static int pki_make(struct pki *p)
{
	static const char *const ca_ext[][2] = {
		{ "basicConstraints", "critical,CA:TRUE" },
		{ "keyUsage", "critical,keyCertSign,cRLSign" },
		{ "subjectKeyIdentifier", "hash" },
	};
	static const char *const srv_ext[][2] = {
		{ "basicConstraints", "critical,CA:FALSE" },
		{ "keyUsage", "critical,digitalSignature" },
		{ "extendedKeyUsage", "serverAuth" },
		{ "authorityKeyIdentifier", "keyid" },
	};
	static const char *const cli_ext[][2] = {
		{ "basicConstraints", "critical,CA:FALSE" },
		{ "keyUsage", "critical,digitalSignature" },
		{ "extendedKeyUsage", "clientAuth" },
		{ "authorityKeyIdentifier", "keyid" },
	};
	p->ca_key = EVP_PKEY_Q_keygen(NULL, NULL, "ED25519");
	p->srv_key = EVP_PKEY_Q_keygen(NULL, NULL, "ED25519");
	p->cli_key = EVP_PKEY_Q_keygen(NULL, NULL, "ED25519");
	if (!p->ca_key || !p->srv_key || !p->cli_key)
		return -1;
	p->ca = make_cert("themis-bench-ca", 1, p->ca_key, NULL, p->ca_key, ca_ext, 3);
	if (p->ca == NULL)
		return -1;
	p->srv = make_cert("themis-bench-server", 2, p->srv_key, p->ca, p->ca_key, srv_ext, 4);
	p->cli = make_cert("themis-bench-client", 3, p->cli_key, p->ca, p->ca_key, cli_ext, 4);
	return p->srv && p->cli ? 0 : -1;
}

/* One side's context: TLS 1.3 only, its own certificate, the CA as the only trust anchor,
 * and nothing that could let a later handshake skip work. */
static SSL_CTX *make_ctx(int server, const struct pki *p)
{
	SSL_CTX *ctx = SSL_CTX_new(server ? TLS_server_method() : TLS_client_method());
	if (ctx == NULL)
		return NULL;
	X509 *cert = server ? p->srv : p->cli;
	EVP_PKEY *key = server ? p->srv_key : p->cli_key;
	int vmode = SSL_VERIFY_PEER | (server ? SSL_VERIFY_FAIL_IF_NO_PEER_CERT : 0);
	if (!SSL_CTX_set_min_proto_version(ctx, TLS1_3_VERSION) ||
	    !SSL_CTX_set_max_proto_version(ctx, TLS1_3_VERSION) ||
	    SSL_CTX_use_certificate(ctx, cert) != 1 ||
	    SSL_CTX_use_PrivateKey(ctx, key) != 1 ||
	    SSL_CTX_check_private_key(ctx) != 1 ||
	    X509_STORE_add_cert(SSL_CTX_get_cert_store(ctx), p->ca) != 1 ||
	    /* With the cache off, SSL_OP_NO_TICKET alone would still leave TLS 1.3 sending
	     * NewSessionTicket messages; zero tickets keeps the handshake to its full flight. */
	    SSL_CTX_set_num_tickets(ctx, 0) != 1) {
		SSL_CTX_free(ctx);
		return NULL;
	}
	SSL_CTX_set_options(ctx, SSL_OP_NO_TICKET);
	SSL_CTX_set_session_cache_mode(ctx, SSL_SESS_CACHE_OFF);
	SSL_CTX_set_verify(ctx, vmode, NULL);
	return ctx;
}

/* 1 while the handshake still wants I/O, 0 when it finished, -1 on a real error. */
static int step(SSL *s, int *done)
{
	if (*done)
		return 0;
	int r = SSL_do_handshake(s);
	if (r == 1) {
		*done = 1;
		return 0;
	}
	int e = SSL_get_error(s, r);
	return e == SSL_ERROR_WANT_READ || e == SSL_ERROR_WANT_WRITE ? 1 : -1;
}

/* One full handshake with fresh SSL objects over a fresh BIO pair, everything freed after.
 * Returns 0 only when both ends finished, neither resumed and each verified the other. */
static int one_handshake(SSL_CTX *sctx, SSL_CTX *cctx)
{
	SSL *srv = SSL_new(sctx), *cli = SSL_new(cctx);
	BIO *bs = NULL, *bc = NULL;
	int rc = -1;
	if (srv == NULL || cli == NULL || BIO_new_bio_pair(&bs, 0, &bc, 0) != 1)
		goto out;
	SSL_set_bio(srv, bs, bs);
	SSL_set_bio(cli, bc, bc);
	SSL_set_accept_state(srv);
	SSL_set_connect_state(cli);
	int sdone = 0, cdone = 0;
	/* A TLS 1.3 handshake is a few flights; a generous cap turns a stall into an error. */
	for (int round = 0; round < 64 && !(sdone && cdone); round++) {
		if (step(cli, &cdone) < 0 || step(srv, &sdone) < 0)
			goto out;
	}
	if (!(sdone && cdone) || SSL_session_reused(srv) || SSL_session_reused(cli) ||
	    SSL_get_verify_result(srv) != X509_V_OK || SSL_get_verify_result(cli) != X509_V_OK ||
	    SSL_get0_peer_certificate(srv) == NULL || SSL_get0_peer_certificate(cli) == NULL ||
	    SSL_version(cli) != TLS1_3_VERSION)
		goto out;
	rc = 0;
out:
	SSL_free(srv);   /* frees bs */
	SSL_free(cli);   /* frees bc */
	return rc;
}

double tls13_mutual_ed25519_handshakes_per_s(double seconds, int reps)
{
	struct pki p = { 0 };
	SSL_CTX *sctx = NULL, *cctx = NULL;
	double *rates = NULL, result = -1;
	if (reps < 1 || pki_make(&p) != 0)
		goto out;
	sctx = make_ctx(1, &p);
	cctx = make_ctx(0, &p);
	rates = calloc((size_t)reps, sizeof(*rates));
	if (sctx == NULL || cctx == NULL || rates == NULL)
		goto out;
	/* One untimed handshake: a setup mistake fails here, and lazy OpenSSL initialisation
	 * (providers, method fetches) stays out of the first round. */
	if (one_handshake(sctx, cctx) != 0)
		goto out;
	for (int r = 0; r < reps; r++) {
		long n = 0;
		double t0 = bench_now_s(), t;
		do {
			if (one_handshake(sctx, cctx) != 0)
				goto out;
			n++;
			t = bench_now_s() - t0;
		} while (t < seconds);
		rates[r] = (double)n / t;
	}
	result = bench_median(rates, (size_t)reps);
out:
	if (result < 0) {
		fprintf(stderr, "tls_baseline: OpenSSL setup or handshake failed\n");
		ERR_print_errors_fp(stderr);
	}
	free(rates);
	SSL_CTX_free(sctx);
	SSL_CTX_free(cctx);
	pki_free(&p);
	return result;
}
