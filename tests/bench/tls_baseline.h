/* tls_baseline.h: the OpenSSL reference the handshake benchmarks compare against: full TLS 1.3
 * handshakes with mutual Ed25519 certificate authentication, both ends in one thread.
 * Benchmark-only; nothing in core/ may depend on OpenSSL.
 */
#ifndef THEMIS_TLS_BASELINE_H
#define THEMIS_TLS_BASELINE_H

/* Runs reps rounds of at least `seconds` each, every round completing as many full handshakes
 * (fresh SSL objects, no resumption, client and server certificates both verified against an
 * in-memory Ed25519 CA) as it can, and returns the median of the rounds' handshakes per
 * second. Returns -1 when OpenSSL setup or a handshake fails (printed on stderr). */
double tls13_mutual_ed25519_handshakes_per_s(double seconds, int reps);

#endif
