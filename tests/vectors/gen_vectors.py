#!/usr/bin/python3
"""Independent known-answer vectors for the THEMIS v1 packet layer.

Written from the wire specification (docs/protocol.md) alone, without reference
to the C sources, so that the C implementation can be checked against a second
implementation. Uses only Python's hashlib (BLAKE2b) and PyNaCl (Debian python3-nacl)
for Ed25519, X25519 and ChaCha20-Poly1305-IETF.

Usage:
    python3 tests/vectors/gen_vectors.py                 # write to stdout
    python3 tests/vectors/gen_vectors.py OUTFILE         # write to OUTFILE
Canonical regeneration (from the repository root):
    python3 tests/vectors/gen_vectors.py tests/vectors/handshake.txt

All inputs are fixed below, all primitives are deterministic, so the output is stable.
The script asserts what it can verify on its own (lengths, signatures, DH symmetry,
AEAD round trips, KDF equivalence with libsodium when libsodium can be loaded).
"""

import hashlib
import sys

import nacl.bindings as nb
import nacl.encoding
import nacl.exceptions
import nacl.hash
import nacl.signing

# ---------------------------------------------------------------- primitives (from the spec)


def H(data, key=b""):
    """H(x) / H_k(x): BLAKE2b, 32-byte output, optionally keyed (crypto_generichash)."""
    return hashlib.blake2b(data, digest_size=32, key=key).digest()


def kdf(subkey_id, ctx, key):
    """libsodium crypto_kdf_derive_from_key(32, subkey_id, ctx, key):
    BLAKE2b(out=32, key=key, salt=LE64(subkey_id)||0^8, person=ctx||0^8), empty message."""
    assert len(ctx) == 8 and len(key) == 32
    salt = subkey_id.to_bytes(8, "little") + bytes(8)
    person = ctx + bytes(8)
    return hashlib.blake2b(b"", digest_size=32, key=key, salt=salt, person=person).digest()


def u8(v):
    return v.to_bytes(1, "big")


def u32(v):
    return v.to_bytes(4, "big")


def u64(v):
    return v.to_bytes(8, "big")


def header(ptype):
    """version 1, type, 2 reserved zero bytes."""
    return bytes([1, ptype, 0, 0])


T_HELLO, T_REPLY, T_CONFIRM, T_DATA = 1, 2, 3, 4


def aead_nonce(ctr):
    return bytes(4) + u64(ctr)


def seq(start, n=32):
    return bytes(range(start, start + n))


def net_of(name):
    return H(b"THEMIS-v1 net" + name)


def id_of(pk, net):
    return H(b"THEMIS-v1 id" + pk + net)


def obj_of(name, r):
    return H(b"THEMIS-v1 obj" + u8(r) + name)


def ring_pos(ident, m):
    """First m bits of the id (most significant bit of byte 0 first), rest zeroed, 32 bytes."""
    assert 8 <= m <= 256 and len(ident) == 32
    v = int.from_bytes(ident, "big")
    mask = ((1 << m) - 1) << (256 - m)
    return (v & mask).to_bytes(32, "big")


def data_packet(idx, ctr, key, frame, id_sender, id_receiver, net):
    hdr16 = header(T_DATA) + u32(idx) + u64(ctr)
    ad = hdr16 + id_sender + id_receiver + net
    ct = nb.crypto_aead_chacha20poly1305_ietf_encrypt(frame, ad, aead_nonce(ctr), key)
    return hdr16 + ct


def data_open(pkt, key, id_sender, id_receiver, net):
    hdr16 = pkt[:16]
    assert hdr16[:4] == header(T_DATA)
    ctr = int.from_bytes(pkt[8:16], "big")
    ad = hdr16 + id_sender + id_receiver + net
    return nb.crypto_aead_chacha20poly1305_ietf_decrypt(pkt[16:], ad, aead_nonce(ctr), key)


# ---------------------------------------------------------------- fixed inputs

NETWORK = b"themis-test"
SEED_A = seq(0x00)
SEED_B = seq(0x20)
E_A_SECRET = seq(0x40)
E_B_SECRET = seq(0x60)
N_A = seq(0x80)
N_B = seq(0xA0)
IDX_A = 0x01020304
IDX_B = 0x0A0B0C0D
REQ_ID = 0x1122334455667788
CTX = b"THEMISv1"


def self_checks_primitives():
    # hashlib BLAKE2b agrees with libsodium's crypto_generichash (plain and keyed).
    msg = b"THEMIS-v1 self-check"
    k = seq(0x10)
    assert H(msg) == nacl.hash.blake2b(msg, digest_size=32, encoder=nacl.encoding.RawEncoder)
    assert H(msg, k) == nacl.hash.blake2b(msg, digest_size=32, key=k,
                                          encoder=nacl.encoding.RawEncoder)
    # The KDF construction agrees with libsodium's crypto_kdf_derive_from_key, when the
    # shared library can be loaded (it is libsodium itself, not project code).
    try:
        import ctypes
        import ctypes.util
        name = ctypes.util.find_library("sodium") or "libsodium.so.23"
        lib = ctypes.CDLL(name)
    except OSError:
        sys.stderr.write("note: libsodium not loadable; KDF cross-check skipped\n")
        return
    assert lib.sodium_init() >= 0
    for sid in (1, 2, 3, 4, 0x0102030405060708):
        out = ctypes.create_string_buffer(32)
        rc = lib.crypto_kdf_derive_from_key(out, ctypes.c_size_t(32), ctypes.c_uint64(sid),
                                            ctypes.c_char_p(CTX), ctypes.c_char_p(k))
        assert rc == 0 and out.raw == kdf(sid, CTX, k), "KDF mismatch with libsodium"


def main():
    self_checks_primitives()
    out = []  # (name, bytes)

    def emit(name, value):
        out.append((name, value))

    emit("network", NETWORK)
    emit("seed_a", SEED_A)
    emit("seed_b", SEED_B)
    emit("e_a_secret", E_A_SECRET)
    emit("e_b_secret", E_B_SECRET)
    emit("n_a", N_A)
    emit("n_b", N_B)
    emit("idx_a", u32(IDX_A))
    emit("idx_b", u32(IDX_B))

    # Names
    net = net_of(NETWORK)
    sk_a = nacl.signing.SigningKey(SEED_A)
    sk_b = nacl.signing.SigningKey(SEED_B)
    pk_a = bytes(sk_a.verify_key)
    pk_b = bytes(sk_b.verify_key)
    id_a = id_of(pk_a, net)
    id_b = id_of(pk_b, net)
    E_A = nb.crypto_scalarmult_base(E_A_SECRET)
    E_B = nb.crypto_scalarmult_base(E_B_SECRET)
    emit("net", net)
    emit("pk_a", pk_a)
    emit("id_a", id_a)
    emit("pk_b", pk_b)
    emit("id_b", id_b)
    emit("e_a_public", E_A)
    emit("e_b_public", E_B)

    # HELLO (A -> B), 256 bytes
    hello_body = (header(T_HELLO) + u32(IDX_A) + net + pk_a + E_A + N_A + id_b + bytes(24))
    assert len(hello_body) == 192
    sig_a = sk_a.sign(b"THEMIS-v1 m1" + hello_body).signature
    hello = hello_body + sig_a
    assert len(hello) == 256
    assert hello[168:192] == bytes(24)
    # B's checks: signature verifies under the PK carried in the packet; id_B matches.
    nacl.signing.VerifyKey(hello[40:72]).verify(b"THEMIS-v1 m1" + hello[:192], hello[192:256])
    assert id_of(hello[40:72], hello[8:40]) == id_a and hello[136:168] == id_b
    emit("hello", hello)

    # REPLY (B -> A), 236 bytes; th over HELLO || REPLY[0..140)
    reply_head = header(T_REPLY) + u32(IDX_B) + u32(IDX_A) + pk_b + E_B + N_B + id_a
    assert len(reply_head) == 140
    th = H(hello + reply_head)
    sig_b = sk_b.sign(b"THEMIS-v1 m2" + th).signature

    # Key schedule (both sides must get the same dh)
    dh = nb.crypto_scalarmult(E_A_SECRET, E_B)
    assert dh == nb.crypto_scalarmult(E_B_SECRET, E_A), "DH asymmetry"
    assert dh != bytes(32)
    prk = H(b"THEMIS-v1 kdf" + th, key=dh)
    k_cb = kdf(1, CTX, prk)
    k_ca = kdf(2, CTX, prk)
    k_ab = kdf(3, CTX, prk)
    k_ba = kdf(4, CTX, prk)
    assert len({k_cb, k_ca, k_ab, k_ba}) == 4

    conf_b = H(b"THEMIS-v1 confirm-B" + th, key=k_cb)
    reply = reply_head + sig_b + conf_b
    assert len(reply) == 236
    # A's checks: id of PK_B is the id_B asked for, id_A is own, sig_B over A's copy of HELLO.
    assert id_of(reply[12:44], net) == id_b and reply[108:140] == id_a
    assert reply[8:12] == u32(IDX_A)
    th_a = H(hello + reply[:140])
    assert th_a == th
    nacl.signing.VerifyKey(reply[12:44]).verify(b"THEMIS-v1 m2" + th_a, reply[140:204])
    assert reply[204:236] == H(b"THEMIS-v1 confirm-B" + th_a, key=k_cb)
    emit("reply", reply)
    emit("th", th)
    emit("dh", dh)
    emit("prk", prk)
    emit("k_cb", k_cb)
    emit("k_ca", k_ca)
    emit("k_ab", k_ab)
    emit("k_ba", k_ba)
    emit("conf_b", conf_b)

    # CONFIRM (A -> B), 44 bytes
    conf_a = H(b"THEMIS-v1 confirm-A" + th, key=k_ca)
    assert conf_a != conf_b
    confirm = header(T_CONFIRM) + u32(IDX_A) + u32(IDX_B) + conf_a
    assert len(confirm) == 44
    emit("conf_a", conf_a)
    emit("confirm", confirm)

    # DATA A -> B: idx = idx_b, ctr = 7, key k_AB, frame type 1, body "hello"
    frame_ab = u8(0x01) + u64(REQ_ID) + b"hello"
    data_ab = data_packet(IDX_B, 7, k_ab, frame_ab, id_a, id_b, net)
    assert len(data_ab) == 16 + 9 + 5 + 16
    assert data_ab[4:8] == u32(IDX_B) and data_ab[8:16] == u64(7)
    assert data_open(data_ab, k_ab, id_a, id_b, net) == frame_ab
    # Wrong direction (swapped AD) or wrong key must fail.
    for key, s, r in ((k_ab, id_b, id_a), (k_ba, id_a, id_b)):
        try:
            data_open(data_ab, key, s, r, net)
            raise AssertionError("DATA opened with wrong key/AD")
        except nacl.exceptions.CryptoError:
            pass
    emit("data_ab", data_ab)

    # DATA B -> A: idx = idx_a, ctr = 0, key k_BA, frame type 2, empty body
    frame_ba = u8(0x02) + u64(REQ_ID)
    data_ba = data_packet(IDX_A, 0, k_ba, frame_ba, id_b, id_a, net)
    assert len(data_ba) == 16 + 9 + 16 == 41  # the DATA minimum
    assert data_open(data_ba, k_ba, id_b, id_a, net) == frame_ba
    emit("data_ba", data_ba)

    # Object ids and ring positions
    for r in (0, 1, 2):
        emit("obj_check_%d" % r, obj_of(b"check", r))
    for m in (8, 13, 64, 256):
        pos = ring_pos(id_a, m)
        assert len(pos) == 32
        emit("ringpos_a_%d" % m, pos)
    assert ring_pos(id_a, 256) == id_a
    assert ring_pos(id_a, 8)[1:] == bytes(31) and ring_pos(id_a, 8)[0] == id_a[0]
    assert ring_pos(id_a, 13)[0] == id_a[0] and ring_pos(id_a, 13)[1] == id_a[1] & 0xF8

    lines = [
        "# THEMIS v1 known-answer vectors (packet layer: names, HELLO, REPLY, key schedule,",
        "# CONFIRM, DATA, object ids, ring positions).",
        "# Produced by tests/vectors/gen_vectors.py, an independent Python implementation written",
        "# from docs/protocol.md (hashlib BLAKE2b + PyNaCl Ed25519/X25519/ChaCha20-Poly1305-IETF),",
        "# not from the C sources. See docs/vectors.md.",
        "# Regenerate (from the repository root):",
        "#   python3 tests/vectors/gen_vectors.py tests/vectors/handshake.txt",
        "# Format: one 'name = lowercasehex' per line; integers are big-endian hex; 'network' is",
        "# the ASCII network name in hex. Lines starting with '#' are comments.",
    ]
    lines += ["%s = %s" % (n, v.hex()) for n, v in out]
    text = "\n".join(lines) + "\n"

    if len(sys.argv) > 2:
        sys.exit("usage: gen_vectors.py [OUTFILE]")
    if len(sys.argv) == 2:
        with open(sys.argv[1], "w", encoding="ascii") as f:
            f.write(text)
    else:
        sys.stdout.write(text)


if __name__ == "__main__":
    main()
