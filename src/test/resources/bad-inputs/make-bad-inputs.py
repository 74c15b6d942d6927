#!/usr/bin/env python3
"""Makes the bad-input corpus and its MANIFEST.tsv (issue 8).

Run from this folder: python3 make-bad-inputs.py. It reads the good fixtures in ../fixtures/keys, corrupts them
in every way the corpus covers, asks openssl, ssh-keygen for the wrong-type material (CSR, PKCS#7, PKCS#12, CRL,
DSA, X25519, OpenSSH...), and writes every file plus the manifest. The corpus is checked in; this script is how it
was made. Random bytes come from fixed seeds. Inputs too large to check in (10 MB files, 1 MB tokens) and inputs
that are not files (a directory, a missing path, an unreadable file) are rows whose input starts with 'gen:',
'dir:', 'missing:' or 'unreadable:': BadInputCorpusTest makes them at run time.

Manifest columns (tab-separated): input, commands (comma-separated ids, see BadInputCorpusTest.COMMANDS), expected
exit code, a substring the message must contain (or '-'), category, note.
"""
import base64
import json
import os
import random
import shutil
import subprocess
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
FIX = os.path.join(HERE, "..", "fixtures", "keys")
ROWS = []

# command sets
KEY = ["key-inspect", "key-public", "key-convert", "key-export", "key-match", "mint", "check-key", "broker-device"]
# keys that key inspect describes (a type IoT Core refuses, an encrypted key without its password) but the commands
# that use a key refuse
KEY_USE = [c for c in KEY if c != "key-inspect"]
# key inspect on those keys: it describes them and exits 0 (a row of its own, as a row holds one exit)
DESCRIBE = ["key-inspect"]
KEY_ALL = KEY + ["key-match-other", "check-pub", "cert-inspect", "cert-export"]
PRIVATE_ONLY = ["mint", "key-match", "check-key"]
CERT = ["cert-inspect", "cert-export"]


def fix(name):
    with open(os.path.join(FIX, name), "rb") as f:
        return f.read()


def put(rel, data, commands, code, contains="-", category="", note=""):
    path = os.path.join(HERE, rel)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    if isinstance(data, str):
        data = data.encode("utf-8")
    with open(path, "wb") as f:
        f.write(data)
    row(rel, commands, code, contains, category, note)


def row(inp, commands, code, contains="-", category="", note=""):
    ROWS.append((inp, ",".join(commands), str(code), contains or "-", category, note))


def described(inp, category, note):
    row(inp, DESCRIBE, 0, "-", category, note + ", described by key inspect")


def pem(label, der, width=64):
    b = base64.b64encode(der).decode()
    lines = [b[i:i + width] for i in range(0, len(b), width)]
    return "-----BEGIN %s-----\n%s\n-----END %s-----\n" % (label, "\n".join(lines), label)


def der_of(pem_bytes):
    text = pem_bytes.decode()
    body = "".join(l for l in text.splitlines() if l and not l.startswith("-----"))
    return base64.b64decode(body)


def b64u(data):
    if isinstance(data, str):
        data = data.encode()
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


def run(*cmd, cwd=None):
    subprocess.run(cmd, check=True, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def tlv(tag, content, length=None):
    n = len(content) if length is None else length
    if length is not None and isinstance(length, bytes):
        return bytes([tag]) + length + content
    if n < 0x80:
        lb = bytes([n])
    elif n < 0x100:
        lb = bytes([0x81, n])
    elif n < 0x10000:
        lb = bytes([0x82, n >> 8, n & 0xff])
    else:
        lb = bytes([0x83, n >> 16, (n >> 8) & 0xff, n & 0xff])
    return bytes([tag]) + lb + content


def clean():
    for d in ["keys", "certs", "tokens", "registries", "batch"]:
        shutil.rmtree(os.path.join(HERE, d), ignore_errors=True)


def keys():
    rng = random.Random(8)
    p256_pem = fix("p256_pkcs8.pem")
    rsa_pem = fix("rsa2048_pkcs8.pem")
    sec1_pem = fix("p256_sec1.pem")
    pkcs1_pem = fix("rsa2048_pkcs1.pem")
    p256_der = fix("p256_pkcs8.der")
    rsa1_der = fix("rsa2048_pkcs1.der")
    sec1_der = fix("p256_sec1.der")
    pub_der = fix("p256_public.der")
    c = "truncated"
    # PEM cut at interesting places
    for name, base in [("p256_pkcs8", p256_pem), ("rsa2048_pkcs8", rsa_pem), ("p256_sec1", sec1_pem),
                       ("rsa2048_pkcs1", pkcs1_pem)]:
        text = base.decode()
        lines = text.splitlines(keepends=True)
        put("keys/truncated/%s_begin_only.pem" % name, lines[0], KEY, 3, "no -----END", c, "only the BEGIN line")
        put("keys/truncated/%s_mid_first_line.pem" % name, lines[0] + lines[1][:30], KEY, 3, "no -----END", c,
            "cut in the first base64 line")
        for frac in (25, 50, 75):
            cut = int(len(text) * frac / 100)
            put("keys/truncated/%s_cut_%d.pem" % (name, frac), text[:cut], KEY, 3, "no -----END", c,
                "cut at %d%% of the file" % frac)
        put("keys/truncated/%s_no_last_line.pem" % name, "".join(lines[:-2] + lines[-1:]), KEY, 3, "-", c,
            "END present, last base64 line missing")
        put("keys/truncated/%s_end_cut.pem" % name, text[:text.rindex("-----END") + 12], KEY, 3, "-", c,
            "the END line cut after 12 characters")
        put("keys/truncated/%s_body_cut_end_kept.pem" % name, "".join(lines[:3] + lines[-1:]), KEY, 3, "-", c,
            "two base64 lines, then END")
    # DER cut at every interesting offset: inside the outer tag/length, inside each header, mid-value
    for name, der, offsets in [
        ("p256_pkcs8", p256_der, [1, 2, 3, 4, 5, 7, 8, 10, 12, 20, 26, 28, 30, 36, 50, 70, 100, len(p256_der) - 1]),
        ("rsa2048_pkcs1", rsa1_der, [1, 2, 3, 4, 5, 6, 8, 10, 12, 100, 264, 268, 600, len(rsa1_der) - 1]),
        ("p256_sec1", sec1_der, [2, 5, 7, 30, 40, 50, 60, 80, len(sec1_der) - 1]),
        ("p256_public", pub_der, [2, 4, 20, 27, 30, len(pub_der) - 1]),
    ]:
        for off in offsets:
            put("keys/truncated/%s_der_%d.der" % (name, off), der[:off], KEY_ALL if off < 10 else KEY, 3, "-", c,
                "DER cut after %d of %d bytes" % (off, len(der)))
    b64 = base64.b64encode(p256_der).decode()
    put("keys/truncated/bare_base64_cut.txt", b64[:len(b64) // 2 // 4 * 4], KEY, 3, "-", c,
        "bare base64 of a PKCS#8 key, cut in half")
    put("keys/truncated/bare_base64_cut_odd.txt", b64[:101], KEY, 3, "-", c, "bare base64, cut at an odd length")

    c = "oversized"
    body = p256_der[2:]
    put("keys/oversized/der_len_84ffffffff.der", b"\x30\x84\xff\xff\xff\xff" + body, KEY_ALL, 3, "declares", c,
        "outer SEQUENCE claims 0xFFFFFFFF bytes")
    put("keys/oversized/der_len_847fffffff.der", b"\x30\x84\x7f\xff\xff\xff" + body, KEY_ALL, 3, "-", c,
        "outer SEQUENCE claims 2 GiB")
    put("keys/oversized/der_len_85.der", b"\x30\x85\x01\x00\x00\x00\x00" + body, KEY_ALL, 3, "too large", c,
        "a 5-byte length")
    put("keys/oversized/der_len_88.der", b"\x30\x88" + b"\xff" * 8 + body, KEY_ALL, 3, "too large", c,
        "an 8-byte length")
    put("keys/oversized/der_len_8f.der", b"\x30\x8f" + b"\xff" * 15 + body, KEY_ALL, 3, "-", c, "a 15-byte length")
    put("keys/oversized/der_indefinite.der", b"\x30\x80" + body + b"\x00\x00", KEY_ALL, 3, "indefinite", c,
        "BER indefinite length")
    inner = bytearray(p256_der)
    # the OCTET STRING holding the key claims 0x84FFFFFFFF bytes
    idx = p256_der.index(b"\x04", 20)
    put("keys/oversized/der_inner_octets_huge.der", bytes(p256_der[:idx]) + b"\x04\x84\xff\xff\xff\xff"
        + bytes(p256_der[idx + 2:]), KEY, 3, "-", c, "the inner OCTET STRING claims 4 GiB")
    put("keys/oversized/der_integer_huge_len.der", b"\x30\x0a\x02\x84\x00\xff\xff\xff\x00\x00\x00\x00", KEY_ALL, 3,
        "-", c, "an INTEGER claiming 16 MB")
    put("keys/oversized/der_oid_huge_component.der",
        tlv(0x30, tlv(0x02, b"\x00") + tlv(0x30, tlv(0x06, b"\x2a" + b"\xff" * 40 + b"\x01")) + tlv(0x04, b"\x00")),
        KEY, 3, "-", c, "an OID component of 280 bits")
    put("keys/oversized/der_multibyte_tag.der", b"\x1f\x81\x01\x02\x00\x00", KEY_ALL, 3, "-", c, "a multi-byte tag")
    put("keys/oversized/pem_long_line_64k.pem", "-----BEGIN PRIVATE KEY-----\n" + "A" * 65536
        + "\n-----END PRIVATE KEY-----\n", KEY, 3, "-", c, "a 64 KiB base64 line of zero bytes")
    put("keys/oversized/pem_long_label.pem", "-----BEGIN " + "PRIVATE " * 4000 + "KEY-----\n" + b64
        + "\n-----END " + "PRIVATE " * 4000 + "KEY-----\n", KEY, 3, "-", c, "a 32 KB label")
    put("keys/oversized/pem_many_headers.pem", "-----BEGIN RSA PRIVATE KEY-----\n"
        + "".join("X-Header-%d: %s\n" % (i, "v" * 40) for i in range(500))
        + "-----END RSA PRIVATE KEY-----\n", KEY, 3, "empty", c, "500 RFC 1421 header lines and no body")
    put("keys/oversized/pem_10000_blocks.pem", "-----BEGIN EC PARAMETERS-----\nBggqhkjOPQMBBw==\n"
        "-----END EC PARAMETERS-----\n" * 500, KEY, 3, "EC parameters", c, "500 EC PARAMETERS blocks, no key")
    put("keys/oversized/c_array_value_999.h", "const unsigned char k[] = {" + ", ".join(
        ["0x30", "0x81", "999"] + ["0x00"] * 40) + "};\n", KEY, 3, "-", c, "a C array with 999 in it")
    put("keys/oversized/der_nested_seq_8000.der", nested_seq(8000), KEY_ALL, 3, "-", c,
        "8000 nested SEQUENCEs")

    c = "wrong type"
    put("keys/wrong-type/p256_cert.pem", fix("p256_cert.pem"), PRIVATE_ONLY, 3, "not a private key", c,
        "a certificate where a private key is needed")
    put("keys/wrong-type/p256_cert.der", fix("p256_cert.der"), PRIVATE_ONLY, 3, "not a private key", c,
        "a DER certificate where a private key is needed")
    put("keys/wrong-type/rsa2048_cert.pem", fix("rsa2048_cert.pem"), PRIVATE_ONLY, 3, "not a private key", c,
        "an RSA certificate as the private key")
    put("keys/wrong-type/p256_public.pem", fix("p256_public.pem"), PRIVATE_ONLY, 3, "public key", c,
        "a public key where a private key is needed")
    put("keys/wrong-type/p256_public.der", fix("p256_public.der"), PRIVATE_ONLY, 3, "public key", c,
        "a DER public key where a private key is needed")
    put("keys/wrong-type/rsa2048_public_pkcs1.pem", fix("rsa2048_public_pkcs1.pem"), PRIVATE_ONLY, 3, "public key", c,
        "a PKCS#1 RSA public key where a private key is needed")
    put("keys/wrong-type/p256_public_for_convert.pem", fix("p256_public.pem"), ["key-convert"], 3, "-", c,
        "a public key converted to PKCS#8")
    put("keys/wrong-type/ed25519_pkcs8.pem", fix("ed25519_pkcs8.pem"), KEY_USE, 3, "Ed25519", c, "an Ed25519 key")
    described("keys/wrong-type/ed25519_pkcs8.pem", c, "an Ed25519 key")
    put("keys/wrong-type/p384_sec1.pem", fix("p384_sec1.pem"), ["mint"], 3, "-", c,
        "a P-384 key (ES256 needs P-256)")
    put("keys/wrong-type/secp256k1_sec1.pem", fix("secp256k1_sec1.pem"), KEY_USE, 3, "secp256k1", c,
        "a secp256k1 key")
    described("keys/wrong-type/secp256k1_sec1.pem", c, "a secp256k1 key")
    put("keys/wrong-type/rsa1024_pkcs1.pem", fix("rsa1024_pkcs1.pem"), ["mint"], 3, "1024", c,
        "RSA 1024 is too weak for RS256")
    put("keys/wrong-type/encrypted_pkcs8_no_password.pem", fix("p256_pkcs8_enc.pem"), KEY_USE, 3, "no password", c,
        "an encrypted key and no password")
    described("keys/wrong-type/encrypted_pkcs8_no_password.pem", c, "an encrypted key and no password")
    put("keys/wrong-type/legacy_encrypted_no_password.pem", fix("rsa2048_pkcs1_legacy_enc.pem"), KEY_USE, 3,
        "no password", c, "a legacy-encrypted key and no password")
    described("keys/wrong-type/legacy_encrypted_no_password.pem", c, "a legacy-encrypted key and no password")
    legacy = fix("rsa2048_pkcs1_legacy_enc.pem").decode()
    put("keys/wrong-type/legacy_encrypted_no_dek_info.pem",
        "\n".join(l for l in legacy.splitlines() if not l.startswith("DEK-Info")) + "\n",
        ["key-inspect"], 3, "-", c, "Proc-Type ENCRYPTED without DEK-Info (no password given either)")
    put("keys/wrong-type/only_ec_parameters.pem", "-----BEGIN EC PARAMETERS-----\nBggqhkjOPQMBBw==\n"
        "-----END EC PARAMETERS-----\n", KEY, 3, "EC parameters", c, "EC PARAMETERS, no key")
    put("keys/wrong-type/only_ec_parameters.der", base64.b64decode("BggqhkjOPQMBBw=="), KEY, 3, "EC parameters", c,
        "a bare curve OID")
    put("keys/wrong-type/jwk_private.json", json.dumps({"kty": "EC", "crv": "P-256", "x": b64u(b"x" * 32),
                                                          "y": b64u(b"y" * 32), "d": b64u(b"d" * 32)}),
        KEY_ALL, 3, "JSON", c, "a JWK")
    put("keys/wrong-type/jwks.json", json.dumps({"keys": [{"kty": "RSA", "n": b64u(b"n" * 256), "e": "AQAB"}]}),
        KEY_ALL, 3, "JSON", c, "a JWK set")
    put("keys/wrong-type/pgp_public_block.asc", "-----BEGIN PGP PUBLIC KEY BLOCK-----\n\n"
        + base64.b64encode(bytes(rng.getrandbits(8) for _ in range(300))).decode() + "\n=abcd\n"
        "-----END PGP PUBLIC KEY BLOCK-----\n", KEY, 3, "-", c, "an OpenPGP armored block")
    put("keys/wrong-type/pgp_private_block.asc", "-----BEGIN PGP PRIVATE KEY BLOCK-----\nVersion: x\n\n"
        + base64.b64encode(bytes(rng.getrandbits(8) for _ in range(300))).decode() + "\n"
        "-----END PGP PRIVATE KEY BLOCK-----\n", KEY, 3, "OpenPGP", c, "an OpenPGP private key block")
    put("keys/wrong-type/putty.ppk", "PuTTY-User-Key-File-3: ecdsa-sha2-nistp256\nEncryption: none\n"
        "Comment: x\nPublic-Lines: 1\nAAAA\n", KEY_ALL, 3, "PuTTY", c, "a PuTTY key")
    put("keys/wrong-type/ssh_public_line.pub", "ecdsa-sha2-nistp256 AAAAE2VjZHNhLXNoYTItbmlzdHAyNTYAAAAIbmlzdHAyNTY"
        "AAABBBH4= user@host\n", KEY_ALL, 3, "OpenSSH", c, "an OpenSSH public key line")
    put("keys/wrong-type/random_text.txt", "this is a readme, not a key\n", KEY_ALL, 3, "without a PEM block", c,
        "prose")
    put("keys/wrong-type/html_error_page.pem", "<!DOCTYPE html><html><body><h1>404 Not Found</h1></body></html>\n",
        KEY_ALL, 3, "-", c, "an HTML page saved by curl")
    put("keys/wrong-type/dh_parameters.pem", "-----BEGIN DH PARAMETERS-----\nMAYCAQUCAQI=\n"
        "-----END DH PARAMETERS-----\n", KEY, 3, "-", c, "DH parameters")
    put("keys/wrong-type/der_set.der", tlv(0x31, tlv(0x02, b"\x01")), KEY_ALL, 3, "-", c, "a DER SET")
    put("keys/wrong-type/der_integer.der", tlv(0x30, tlv(0x02, b"\x01")), KEY_ALL, 3, "-", c,
        "a SEQUENCE of one INTEGER")
    put("keys/wrong-type/pkcs8_empty_alg.der", tlv(0x30, tlv(0x02, b"\x00") + tlv(0x30, b"") + tlv(0x04, b"\x00")),
        KEY_ALL, 3, "-", c, "PKCS#8 shape with an empty AlgorithmIdentifier")
    put("keys/wrong-type/pkcs8_alg_not_oid.der", tlv(0x30, tlv(0x02, b"\x00") + tlv(0x30, tlv(0x02, b"\x01"))
                                                  + tlv(0x04, b"\x00")), KEY_ALL, 3, "-", c,
        "PKCS#8 shape whose algorithm is an INTEGER")
    put("keys/wrong-type/pkcs8_unknown_oid.der", tlv(0x30, tlv(0x02, b"\x00") + tlv(0x30, tlv(0x06, b"\x2a\x03"))
                                                  + tlv(0x04, b"\x00")), KEY, 3, "-", c,
        "PKCS#8 with an unknown algorithm OID")
    put("keys/wrong-type/pkcs8_ec_no_curve.der", tlv(0x30, tlv(0x02, b"\x00") + tlv(0x30, tlv(
        0x06, bytes.fromhex("2a8648ce3d0201"))) + tlv(0x04, b"\x00")), KEY, 3, "-", c, "PKCS#8 EC without a curve")
    put("keys/wrong-type/pkcs8_ec_garbage_key.der", tlv(0x30, tlv(0x02, b"\x00") + tlv(0x30, tlv(
        0x06, bytes.fromhex("2a8648ce3d0201")) + tlv(0x06, bytes.fromhex("2a8648ce3d030107"))) + tlv(0x04, b"\x01\x02")),
        KEY, 3, "damaged", c, "PKCS#8 EC P-256 whose key bytes are garbage")
    put("keys/wrong-type/pkcs8_rsa_garbage_key.der", tlv(0x30, tlv(0x02, b"\x00") + tlv(0x30, tlv(
        0x06, bytes.fromhex("2a864886f70d010101")) + b"\x05\x00") + tlv(0x04, tlv(0x30, tlv(0x02, b"\x00")))),
        KEY, 3, "damaged", c, "PKCS#8 RSA whose key is a SEQUENCE of one INTEGER")
    put("keys/wrong-type/spki_garbage_point.der", tlv(0x30, tlv(0x30, tlv(0x06, bytes.fromhex("2a8648ce3d0201"))
                                                                 + tlv(0x06, bytes.fromhex("2a8648ce3d030107")))
                                                      + tlv(0x03, b"\x00\x04" + b"\x01" * 64)), KEY_ALL, 3, "-", c,
        "an EC public key whose point is not on the curve")
    put("keys/wrong-type/sec1_explicit_params.der", tlv(0x30, tlv(0x02, b"\x01") + tlv(0x04, b"\x01" * 32)
                                                         + tlv(0xa0, tlv(0x30, tlv(0x02, b"\x01")))), KEY, 3,
        "explicit", c, "SEC1 with explicit curve parameters")
    put("keys/wrong-type/sec1_no_curve.der", tlv(0x30, tlv(0x02, b"\x01") + tlv(0x04, b"\x01" * 32)), KEY, 3,
        "curve", c, "SEC1 without a curve")
    put("keys/wrong-type/sec1_damaged_params.der", tlv(0x30, tlv(0x02, b"\x01") + tlv(0x04, b"\x01" * 32)
                                                        + tlv(0xa0, b"\x06\x09\x2a")), KEY, 3, "-", c,
        "SEC1 whose [0] parameters are cut")
    put("keys/wrong-type/dsa_shape.der", tlv(0x30, b"".join(tlv(0x02, b"\x01") for _ in range(6))), KEY, 3, "DSA", c,
        "six INTEGERs: a DSA private key's shape")
    put("keys/wrong-type/pkcs1_zero_ints.der", tlv(0x30, b"".join(tlv(0x02, b"\x00") for _ in range(9))), KEY, 3,
        "-", c, "PKCS#1 shape, all zeros")
    put("keys/wrong-type/pkcs1_public_zero.der", tlv(0x30, tlv(0x02, b"\x00") + tlv(0x02, b"\x00")),
        ["mint", "key-match", "check-key", "key-public", "key-inspect"], 3, "-", c, "an RSA public key of n=0, e=0")
    put("keys/wrong-type/p12_shape.der", tlv(0x30, tlv(0x02, b"\x03") + tlv(0x30, tlv(
        0x06, bytes.fromhex("2a864886f70d010701")))), KEY_ALL, 3, "PKCS#12", c, "a PKCS#12 shape")
    put("keys/wrong-type/p7_shape.der", tlv(0x30, tlv(0x06, bytes.fromhex("2a864886f70d010702"))), KEY_ALL, 3,
        "PKCS#7", c, "a PKCS#7 shape")
    put("keys/wrong-type/c_array_not_der.h", "const unsigned char k[] = {" + ", ".join(
        "0x%02x" % (i * 7 % 256) for i in range(64)) + "};\n", KEY_ALL, 3, "-", c, "a C array that is not DER")
    put("keys/wrong-type/c_array_empty.h", "const unsigned char k[] = {};\n", KEY_ALL, 3, "-", c, "an empty C array")
    put("keys/wrong-type/hexdump_not_der.txt", "00000000  de ad be ef de ad be ef  de ad be ef de ad be ef  |........|\n"
        * 4, KEY_ALL, 3, "-", c, "a hexdump of bytes that are not DER")
    put("keys/wrong-type/xxd_odd_digits.txt", "00000000: 3077 0201 0104 20d1 7d8e 5dc4 1a0a 54c2  0w.... .}.]...T.\n"
        "00000010: 3a7", KEY_ALL, 3, "-", c, "an xxd listing cut mid-byte")
    put("keys/wrong-type/priv_zero.txt", "priv:\n    " + ":".join(["00"] * 32) + "\n", KEY, 3, "-", c,
        "openssl ec -text with a zero scalar")
    put("keys/wrong-type/priv_order.txt", "priv:\n    ff:ff:ff:ff:00:00:00:00:ff:ff:ff:ff:ff:ff:ff:ff:bc:e6:fa:ad:"
        "a7:17:9e:84:f3:b9:ca:c2:fc:63:25:51\n", KEY, 3, "curve order", c, "a scalar equal to the P-256 order")
    put("keys/wrong-type/priv_other_curve.txt", "priv:\n    " + ":".join(["11"] * 48) + "\nASN1 OID: secp384r1\n",
        KEY, 3, "secp384r1", c, "openssl ec -text of a P-384 key")
    put("keys/wrong-type/priv_pub_mismatch.txt", "priv:\n    " + ":".join(["11"] * 32) + "\npub:\n    04:"
        + ":".join(["22"] * 64) + "\nASN1 OID: prime256v1\n", KEY, 3, "do not belong together", c,
        "priv and pub bytes that do not belong together")
    for name, args in [("csr", None), ("p7b", None), ("p12", None), ("crl", None), ("dsa", None), ("x25519", None),
                       ("ed448", None), ("rsa_pss", None), ("openssh", None), ("dsa_params", None)]:
        pass
    high = der_of(fix("p256_high_sec1.pem"))
    put("keys/wrong-type/sec1_wrong_public_point.der", sec1_der[:-64] + high[-64:], KEY, 3, "belongs to another key",
        c, "a SEC1 key whose stored public point is another key's (key public printed the wrong key)")
    put("keys/wrong-type/sec1_wrong_public_point.pem", pem("EC PRIVATE KEY", sec1_der[:-64] + high[-64:]), KEY, 3,
        "belongs to another key", c, "the same as PEM")
    for name, off, what in [("prime_p", 620, "a bit of p flipped"), ("prime_q", 700, "a bit of q flipped"),
                            ("exponent_dp", 850, "a bit of dP flipped"), ("coefficient", 1100, "a bit of qInv flipped"),
                            ("modulus", 100, "a bit of n flipped")]:
        bad = bytearray(rsa1_der)
        bad[off] ^= 0x01
        put("keys/wrong-type/rsa2048_pkcs1_bad_%s.der" % name, bytes(bad), ["mint", "key-inspect", "key-convert",
                                                                          "key-match", "check-key"], 3,
            "do not belong together", c, "an RSA key with " + what + " (mint failed with an internal error)")
    made = openssl_material()
    for rel, (data, commands, code, contains, note) in made.items():
        put(rel, data, commands, code, contains, c, note)
        if commands is KEY_USE:
            described(rel, c, note)

    c = "wrong encoding"
    text = p256_pem.decode()
    put("keys/encoding/utf16le_bom.pem", b"\xff\xfe" + text.encode("utf-16-le"), KEY_ALL, 3, "-", c,
        "a PEM saved as UTF-16 LE with a BOM (Notepad)")
    put("keys/encoding/utf16be_bom.pem", b"\xfe\xff" + text.encode("utf-16-be"), KEY_ALL, 3, "-", c,
        "a PEM saved as UTF-16 BE with a BOM")
    put("keys/encoding/utf16le_no_bom.pem", text.encode("utf-16-le"), KEY_ALL, 3, "-", c, "UTF-16 LE without a BOM")
    put("keys/encoding/utf32_bom.pem", b"\xff\xfe\x00\x00" + text.encode("utf-32-le"), KEY_ALL, 3, "-", c,
        "UTF-32 with a BOM")
    lines = text.splitlines()
    for i, (bad, what) in enumerate([("-", "'-' (base64url)"), ("_", "'_' (base64url)"), ("*", "'*'"),
                                     ("\u00e9", "an e-acute"), ("\\", "a backslash"), ("#", "'#'"),
                                     ("\u200b", "a zero-width space"), ("\u00a0", "a no-break space inside a line")]):
        l = list(lines)
        l[2] = l[2][:10] + bad + l[2][11:]
        put("keys/encoding/base64_bad_char_%d.pem" % i, "\n".join(l) + "\n", KEY, 3, "-", c,
            "a base64 line with " + what)
    put("keys/encoding/latin1_in_body.pem", ("\n".join(lines[:2]) + "\n").encode() + b"\xe9\xe8\xe0"
        + ("\n".join(lines[2:]) + "\n").encode(), KEY, 3, "-", c, "latin-1 bytes inside the base64")
    put("keys/encoding/escaped_newlines.pem", text.replace("\n", "\\n"), KEY_ALL, 3, "-", c,
        "a PEM with literal \\n, pasted from JSON")
    put("keys/encoding/json_string.pem", json.dumps(text), KEY_ALL, 3, "-", c, "the PEM as a JSON string")
    put("keys/encoding/base64_of_pem.txt", base64.b64encode(p256_pem), KEY_ALL, 3, "-", c,
        "the PEM file base64-encoded again")
    put("keys/encoding/url_encoded.pem", text.replace(" ", "%20").replace("\n", "%0A").replace("+", "%2B"),
        KEY_ALL, 3, "-", c, "URL-encoded PEM")
    put("keys/encoding/hex_of_pem.txt", p256_pem.hex(), KEY_ALL, 3, "-", c, "the PEM text as hex")
    put("keys/encoding/base64url_body.pem", text.replace("+", "-").replace("/", "_") if ("+" in text or "/" in text)
        else text.replace("A", "-", 1), KEY, 3, "-", c, "the body in the base64url alphabet")
    put("keys/encoding/crlf_mix_truncated.pem", "\r\n".join(lines[:3]) + "\r" + lines[3][:20], KEY, 3, "-", c,
        "CRLF, a lone CR, then cut")
    put("keys/encoding/cr_only_cut.pem", "\r".join(lines[:-1]), KEY, 3, "-", c, "classic Mac CR line ends, no END")
    put("keys/encoding/lowercase_markers.pem", text.replace("BEGIN", "begin").replace("END", "end"), KEY_ALL, 3, "-",
        c, "lower-case begin/end markers")
    put("keys/encoding/four_dashes.pem", text.replace("-----", "----"), KEY_ALL, 3, "-", c, "four dashes, not five")
    put("keys/encoding/ebcdic.pem", text.encode("cp500"), KEY_ALL, 3, "-", c, "the PEM in EBCDIC")
    put("keys/encoding/der_as_text_utf8.der", p256_der.decode("latin-1").encode("utf-8"), KEY_ALL, 3, "-", c,
        "DER bytes read as latin-1 and saved as UTF-8 (a Windows copy)")
    put("keys/encoding/der_with_crlf_conversion.der", p256_der.replace(b"\n", b"\r\n") + b"\r\n" if b"\n" in p256_der
        else p256_der + b"\r\n", KEY_ALL, 3, "-", c, "DER after an FTP ASCII-mode transfer")
    put("keys/encoding/base64_padding_inside.pem", "\n".join(lines[:2] + ["=" * 4] + lines[2:]) + "\n", KEY, 3, "-", c,
        "a line of '=' inside the body")
    put("keys/encoding/base64_triple_pad.pem", "\n".join(lines[:-2] + [lines[-2] + "==="] + lines[-1:]) + "\n", KEY, 3,
        "-", c, "too much padding")

    c = "nested PEM"
    put("keys/nested/begin_inside_begin.pem", "\n".join(lines[:3]) + "\n" + text + "\n".join(lines[3:]) + "\n", KEY, 3,
        "-", c, "a BEGIN line inside a block")
    put("keys/nested/mismatched_labels.pem", text.replace("END PRIVATE KEY", "END RSA PRIVATE KEY"), KEY_ALL, 3,
        "ends with", c, "BEGIN PRIVATE KEY ... END RSA PRIVATE KEY")
    put("keys/nested/mismatched_cert_key.pem", text.replace("END PRIVATE KEY", "END CERTIFICATE"), KEY_ALL, 3,
        "ends with", c, "BEGIN PRIVATE KEY ... END CERTIFICATE")
    put("keys/nested/end_without_begin.pem", "\n".join(lines[1:]) + "\n", KEY_ALL, 3, "-", c, "no BEGIN line")
    put("keys/nested/two_begins_one_end.pem", lines[0] + "\n" + text, KEY_ALL, 3, "-", c, "BEGIN, BEGIN, body, END")
    put("keys/nested/second_block_truncated.pem", text + text[:len(text) // 2], KEY_ALL, 3, "no -----END", c,
        "a good key, then half of another")
    put("keys/nested/good_then_garbage_block.pem", text + "-----BEGIN PRIVATE KEY-----\nAAAA\n"
        "-----END PRIVATE KEY-----\n", KEY_ALL, 3, "-", c, "a good key, then a block that is no key")
    put("keys/nested/pem_inside_base64.pem", "-----BEGIN PRIVATE KEY-----\n" + base64.b64encode(p256_pem).decode()
        + "\n-----END PRIVATE KEY-----\n", KEY_ALL, 3, "-", c, "a PEM block whose body is another PEM file")
    put("keys/nested/empty_label.pem", "-----BEGIN -----\n" + b64[:50] + "\n-----END -----\n", KEY_ALL, 3, "-", c,
        "an empty label, a cut body")
    put("keys/nested/empty_body.pem", "-----BEGIN PRIVATE KEY-----\n-----END PRIVATE KEY-----\n", KEY_ALL, 3, "empty",
        c, "an empty block")
    put("keys/nested/headers_only.pem", "-----BEGIN RSA PRIVATE KEY-----\nProc-Type: 4,ENCRYPTED\n"
        "-----END RSA PRIVATE KEY-----\n", KEY_ALL, 3, "-", c, "headers and no body")
    put("keys/nested/begin_marker_only.txt", "-----BEGIN ", KEY_ALL, 3, "-", c, "'-----BEGIN ' and nothing else")
    put("keys/nested/end_label_no_dashes.pem", text.replace("-----END PRIVATE KEY-----", "-----END RSA PRIVATE KEY"),
        KEY_ALL, 3, "ends with", c, "an END line for another label, without its closing dashes")
    put("keys/nested/cert_block_with_key_body.pem", pem("CERTIFICATE", p256_der), CERT, 3, "-", c,
        "BEGIN CERTIFICATE with a private key inside")
    put("keys/nested/key_block_with_cert_body.pem", pem("PRIVATE KEY", fix("p256_cert.der")), PRIVATE_ONLY, 3,
        "not a private key", c, "BEGIN PRIVATE KEY with a certificate inside")
    put("keys/nested/ec_params_then_garbage.pem", "-----BEGIN EC PARAMETERS-----\nBggqhkjOPQMBBw==\n"
        "-----END EC PARAMETERS-----\n-----BEGIN EC PRIVATE KEY-----\nMAA=\n-----END EC PRIVATE KEY-----\n",
        KEY_ALL, 3, "-", c, "EC PARAMETERS then an empty SEQUENCE")
    put("keys/nested/ec_params_damaged.pem", "-----BEGIN EC PARAMETERS-----\nBgg=\n-----END EC PARAMETERS-----\n"
        + sec1_pem.decode(), KEY_ALL, 3, "EC PARAMETERS", c, "a damaged EC PARAMETERS block before a good key")
    put("keys/nested/pem_in_pem_label.pem", "-----BEGIN -----BEGIN PRIVATE KEY----------\n" + b64
        + "\n-----END -----BEGIN PRIVATE KEY----------\n", KEY_ALL, 3, "-", c, "a BEGIN marker inside the label")
    put("keys/nested/der_trailing_garbage.der", p256_der + b"trailing", KEY_ALL, 3, "unexpected bytes", c,
        "DER with bytes after it")
    put("keys/nested/der_twice.der", p256_der + p256_der, KEY_ALL, 3, "unexpected bytes", c,
        "two DER keys back to back")

    c = "NUL bytes"
    put("keys/nul/nul_before_begin.pem", b"\x00" + p256_pem, KEY_ALL, 3, "-", c, "a NUL byte before BEGIN")
    put("keys/nul/nul_in_body.pem", p256_pem[:80] + b"\x00" + p256_pem[80:], KEY, 3, "-", c,
        "a NUL byte inside the base64")
    put("keys/nul/nul_in_label.pem", p256_pem.replace(b"PRIVATE KEY", b"PRIVATE\x00KEY"), KEY_ALL, 3, "-", c,
        "NUL bytes in the labels")
    put("keys/nul/all_nul_1k.bin", b"\x00" * 1024, KEY_ALL, 3, "-", c, "1 KiB of NUL bytes")
    put("keys/nul/nul_padded_der.der", p256_der + b"\x00" * 64, KEY_ALL, 3, "unexpected bytes", c,
        "DER padded with NUL bytes (a flash dump)")
    put("keys/nul/nul_interleaved.pem", bytes(b for ch in p256_pem for b in (ch, 0)), KEY_ALL, 3, "-", c,
        "every byte followed by NUL")
    put("keys/nul/c_string_nul.h", 'const char k[] = "\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x00'
        '\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x00";\n', KEY_ALL, 3, "-", c,
        "a C string of \\x00 bytes")

    c = "non-UTF-8"
    put("keys/non-utf8/invalid_utf8_text.txt", b"key: \xc3\x28\xa0\xa1\xff\xfe hello\n", KEY_ALL, 3, "-", c,
        "invalid UTF-8 sequences")
    put("keys/non-utf8/overlong_utf8.pem", b"-----BEGIN PRIVATE KEY-----\n\xc0\xaf\xe0\x80\xaf\n"
                                           b"-----END PRIVATE KEY-----\n", KEY_ALL, 3, "-", c, "overlong UTF-8")
    put("keys/non-utf8/surrogate_utf8.pem", b"-----BEGIN PRIVATE KEY-----\n\xed\xa0\x80\xed\xb0\x80\n"
                                            b"-----END PRIVATE KEY-----\n", KEY_ALL, 3, "-", c,
        "UTF-8-encoded surrogates")
    put("keys/non-utf8/latin1_label.pem", p256_pem.replace(b"PRIVATE KEY", b"PRIV\xc9 KEY"), KEY_ALL, 3, "-", c,
        "a latin-1 byte in the labels")
    put("keys/non-utf8/ff_text.txt", b"\xff" * 40 + b"\n", KEY_ALL, 3, "-", c, "0xFF bytes")
    put("keys/non-utf8/shift_jis.txt", "\u79d8\u5bc6\u9375\u3067\u3059".encode("shift_jis") + b"\n", KEY_ALL, 3, "-",
        c, "Shift-JIS text")

    c = "empty"
    put("keys/empty/empty.pem", b"", KEY_ALL, 3, "empty", c, "an empty file")
    put("keys/empty/spaces.pem", b"      ", KEY_ALL, 3, "empty", c, "spaces only")
    put("keys/empty/newlines.pem", b"\n\n\n", KEY_ALL, 3, "empty", c, "newlines only")
    put("keys/empty/crlf_tabs.pem", b"\r\n\t\r\n \t", KEY_ALL, 3, "empty", c, "CRLF and tabs only")
    put("keys/empty/bom_only.pem", b"\xef\xbb\xbf", KEY_ALL, 3, "empty", c, "a UTF-8 BOM only")
    put("keys/empty/bom_whitespace.pem", b"\xef\xbb\xbf  \n", KEY_ALL, 3, "empty", c, "a BOM and whitespace")
    put("keys/empty/utf16_bom_only.pem", b"\xff\xfe", KEY_ALL, 3, "-", c, "a UTF-16 BOM only")
    put("keys/empty/vertical_tab_ff.pem", b"\x0b\x0c\x0b", KEY_ALL, 3, "-", c, "vertical tab and form feed")
    put("keys/empty/one_byte_30.der", b"\x30", KEY_ALL, 3, "-", c, "one byte: a SEQUENCE tag")
    put("keys/empty/empty_sequence.der", b"\x30\x00", KEY_ALL, 3, "-", c, "an empty SEQUENCE")

    c = "binary noise"
    for i, (n, first) in enumerate([(16, None), (256, None), (1024, None), (4096, None), (65536, None),
                                    (512, 0x30), (512, 0x06), (2048, 0x30), (100, 0x02), (300, 0x04)]):
        data = bytearray(rng.getrandbits(8) for _ in range(n))
        if first is not None:
            data[0] = first
        else:
            while data[0] in (0x30, 0x06):
                data[0] = rng.getrandbits(8)
        put("keys/noise/noise_%02d_%d.bin" % (i, n), bytes(data), KEY_ALL, 3, "-", c,
            "%d random bytes%s" % (n, "" if first is None else ", first 0x%02x" % first))
    flip = bytearray(p256_der)
    for k in range(0, len(flip), 9):
        flip[k] ^= 0x55
    put("keys/noise/p256_der_bitflips.der", bytes(flip), KEY_ALL, 3, "-", c, "a DER key with every 9th byte flipped")
    put("keys/noise/zip_header.bin", b"PK\x03\x04" + bytes(rng.getrandbits(8) for _ in range(200)), KEY_ALL, 3, "-",
        c, "a zip file")
    put("keys/noise/gzip_pem.gz", b"\x1f\x8b\x08\x00" + bytes(rng.getrandbits(8) for _ in range(200)), KEY_ALL, 3,
        "-", c, "a gzip file")
    put("keys/noise/elf_header.bin", b"\x7fELF\x02\x01\x01" + b"\x00" * 100, KEY_ALL, 3, "-", c, "an ELF binary")


def der_parse(b):
    """DER bytes to nested [tag, children-or-value] lists (definite lengths only)."""
    out, i = [], 0
    while i < len(b):
        tag, l = b[i], b[i + 1]
        i += 2
        if l & 0x80:
            n = l & 0x7f
            l = int.from_bytes(b[i:i + n], "big")
            i += n
        v = b[i:i + l]
        out.append([tag, der_parse(v) if tag & 0x20 else v])
        i += l
    return out


def der_encode(nodes):
    out = b""
    for tag, v in nodes:
        body = der_encode(v) if tag & 0x20 else v
        n = len(body)
        ln = bytes([n]) if n < 0x80 else bytes([0x80 | ((n.bit_length() + 7) // 8)]) + n.to_bytes(
            (n.bit_length() + 7) // 8, "big")
        out += bytes([tag]) + ln + body
    return out


def encrypted():
    """Encrypted keys whose parameters are damaged, run with the fixtures' password."""
    c = "encrypted"
    cmd = ["key-inspect-pw", "mint-pw"]
    enc = fix("p256_pkcs8_enc.der")

    def kdf_params(tree):
        # EncryptedPrivateKeyInfo / AlgorithmIdentifier(PBES2) / PBES2-params / keyDerivationFunc / PBKDF2-params
        return tree[0][1][0][1][1][1][0][1][1][1]

    for name, value, note in [("iterations_2147483647", (0x7fffffff).to_bytes(4, "big"),
                               "PBKDF2 asking for 2^31-1 iterations (it ran for hours)"),
                              ("iterations_huge", b"\x7f" + b"\xff" * 15, "PBKDF2 asking for 2^127 iterations"),
                              ("iterations_zero", b"\x00", "PBKDF2 with 0 iterations"),
                              ("iterations_negative", b"\xff", "PBKDF2 with -1 iterations")]:
        t = der_parse(enc)
        kdf_params(t)[1][1] = value
        put("keys/encrypted/pkcs8_%s.der" % name, der_encode(t), cmd, 3, "iterations", c, note)
    t = der_parse(enc)
    t[0][1][1][1] = t[0][1][1][1][:100]
    put("keys/encrypted/pkcs8_ciphertext_cut.der", der_encode(t), cmd, 3, "-", c, "the ciphertext cut to 100 bytes")
    t = der_parse(enc)
    t[0][1][1][1] = t[0][1][1][1][:-16]
    put("keys/encrypted/pkcs8_ciphertext_block_short.der", der_encode(t), cmd, 3, "-", c,
        "the ciphertext one block short")
    t = der_parse(enc)
    t[0][1][0][1][1][1][1][1][0][1] = bytes.fromhex("2a0304")
    put("keys/encrypted/pkcs8_unknown_cipher.der", der_encode(t), cmd, 3, "-", c, "an unknown cipher OID")
    t = der_parse(enc)
    t[0][1][0][1][1][1][1][1][1][1] = b"\x01\x02"
    put("keys/encrypted/pkcs8_short_iv.der", der_encode(t), cmd, 3, "-", c, "a 2-byte IV")
    tmp = tempfile.mkdtemp()
    try:
        k = os.path.join(FIX, "p256_pkcs8.pem")
        run("openssl", "pkcs8", "-topk8", "-in", k, "-v2", "aes-256-cbc", "-passout", "pass:not-the-password",
            "-outform", "DER", "-out", os.path.join(tmp, "wrong.der"))
        run("openssl", "pkcs8", "-topk8", "-in", k, "-scrypt", "-passout", "pass:fixture-password", "-outform", "DER",
            "-out", os.path.join(tmp, "scrypt.der"))
        with open(os.path.join(tmp, "wrong.der"), "rb") as f:
            put("keys/encrypted/pkcs8_wrong_password.der", f.read(), cmd, 3, "wrong password", c,
                "encrypted with another password")
        with open(os.path.join(tmp, "scrypt.der"), "rb") as f:
            sc = f.read()
        t = der_parse(sc)
        params = t[0][1][0][1][1][1][0][1][1][1]  # scrypt-params: salt, N, r, p
        params[1][1] = (1 << 40).to_bytes(6, "big")
        put("keys/encrypted/pkcs8_scrypt_n_2_40.der", der_encode(t), cmd, 3, "scrypt", c,
            "scrypt asking for N = 2^40 (a terabyte of memory)")
    finally:
        shutil.rmtree(tmp)
    legacy = fix("p256_sec1_legacy_enc.pem").decode()
    for name, old, new, note in [
        ("unknown_cipher", "DEK-Info: AES-256-CBC,", "DEK-Info: FOO-999-CBC,", "an unknown DEK-Info cipher"),
        ("bad_iv_hex", "DEK-Info: AES-256-CBC,F0", "DEK-Info: AES-256-CBC,ZZ", "an IV that is not hex"),
        ("short_iv", "DEK-Info: AES-256-CBC,F00474626500B28362DAA9C5640B9E84", "DEK-Info: AES-256-CBC,F0",
         "a 1-byte IV"),
        ("no_iv", "DEK-Info: AES-256-CBC,F00474626500B28362DAA9C5640B9E84", "DEK-Info: AES-256-CBC",
         "DEK-Info without an IV"),
    ]:
        assert old in legacy
        put("keys/encrypted/legacy_%s.pem" % name, legacy.replace(old, new), cmd, 3, "-", c, note)
    lines = legacy.splitlines()
    put("keys/encrypted/legacy_body_cut.pem", "\n".join(lines[:4] + [lines[4][:30]] + lines[-1:]) + "\n", cmd, 3,
        "-", c, "a legacy-encrypted body cut mid-line")


def nested_seq(depth):
    data = b"\x02\x01\x00"
    for _ in range(depth):
        data = tlv(0x30, data)
    return data


def openssl_material():
    out = {}
    tmp = tempfile.mkdtemp()
    try:
        k = os.path.join(tmp, "k.pem")
        run("openssl", "genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out", k)
        run("openssl", "req", "-new", "-key", k, "-subj", "/CN=device", "-out", os.path.join(tmp, "csr.pem"))
        run("openssl", "req", "-in", os.path.join(tmp, "csr.pem"), "-outform", "DER", "-out",
            os.path.join(tmp, "csr.der"))
        run("openssl", "req", "-x509", "-key", k, "-subj", "/CN=ca", "-days", "3650", "-out",
            os.path.join(tmp, "ca.pem"))
        run("openssl", "crl2pkcs7", "-nocrl", "-certfile", os.path.join(tmp, "ca.pem"), "-out",
            os.path.join(tmp, "p7.pem"))
        run("openssl", "crl2pkcs7", "-nocrl", "-certfile", os.path.join(tmp, "ca.pem"), "-outform", "DER", "-out",
            os.path.join(tmp, "p7.der"))
        run("openssl", "pkcs12", "-export", "-inkey", k, "-in", os.path.join(tmp, "ca.pem"), "-passout", "pass:x",
            "-out", os.path.join(tmp, "k.p12"))
        # a CRL needs a CA database
        with open(os.path.join(tmp, "index.txt"), "w"):
            pass
        with open(os.path.join(tmp, "ca.cnf"), "w") as f:
            f.write("[ca]\ndefault_ca=d\n[d]\ndatabase=%s/index.txt\ndefault_md=sha256\ndefault_crl_days=30\n" % tmp)
        run("openssl", "ca", "-gencrl", "-config", os.path.join(tmp, "ca.cnf"), "-keyfile", k, "-cert",
            os.path.join(tmp, "ca.pem"), "-out", os.path.join(tmp, "crl.pem"))
        run("openssl", "crl", "-in", os.path.join(tmp, "crl.pem"), "-outform", "DER", "-out",
            os.path.join(tmp, "crl.der"))
        run("openssl", "genpkey", "-algorithm", "X25519", "-out", os.path.join(tmp, "x25519.pem"))
        run("openssl", "genpkey", "-algorithm", "ED448", "-out", os.path.join(tmp, "ed448.pem"))
        run("openssl", "pkey", "-in", os.path.join(tmp, "ed448.pem"), "-pubout", "-out",
            os.path.join(tmp, "ed448_pub.pem"))
        run("openssl", "genpkey", "-algorithm", "RSA-PSS", "-pkeyopt", "rsa_keygen_bits:2048", "-out",
            os.path.join(tmp, "pss.pem"))
        run("openssl", "dsaparam", "-genkey", "-out", os.path.join(tmp, "dsa.pem"), "1024")
        run("openssl", "dsaparam", "-out", os.path.join(tmp, "dsaparam.pem"), "1024")
        run("openssl", "genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-384", "-out",
            os.path.join(tmp, "p384.pem"))
        run("openssl", "pkey", "-in", os.path.join(tmp, "p384.pem"), "-pubout", "-out",
            os.path.join(tmp, "p384_pub.pem"))
        run("openssl", "ecparam", "-name", "prime256v1", "-genkey", "-param_enc", "explicit", "-out",
            os.path.join(tmp, "explicit.pem"))
        run("ssh-keygen", "-q", "-t", "ecdsa", "-b", "256", "-N", "", "-C", "x", "-f", os.path.join(tmp, "id_ecdsa"))

        def rd(name):
            with open(os.path.join(tmp, name), "rb") as f:
                return f.read()

        k_all = KEY_ALL
        out["keys/wrong-type/csr.pem"] = (rd("csr.pem"), k_all, 3, "signing request", "a CSR (PEM)")
        out["keys/wrong-type/csr.der"] = (rd("csr.der"), PRIVATE_ONLY + CERT, 3, "-", "a CSR (DER)")
        out["keys/wrong-type/pkcs7.p7b"] = (rd("p7.pem"), PRIVATE_ONLY + CERT, 3, "-", "a PKCS#7 bundle (PEM)")
        out["keys/wrong-type/pkcs7.der"] = (rd("p7.der"), PRIVATE_ONLY + CERT, 3, "PKCS#7", "a PKCS#7 bundle (DER)")
        out["keys/wrong-type/keystore.p12"] = (rd("k.p12"), k_all, 3, "PKCS#12", "a PKCS#12 keystore")
        out["keys/wrong-type/crl.pem"] = (rd("crl.pem"), k_all, 3, "revocation list", "a CRL (PEM)")
        out["keys/wrong-type/crl.der"] = (rd("crl.der"), PRIVATE_ONLY + CERT, 3, "-", "a CRL (DER)")
        out["keys/wrong-type/x25519.pem"] = (rd("x25519.pem"), KEY_USE, 3, "X25519", "an X25519 key")
        out["keys/wrong-type/ed448.pem"] = (rd("ed448.pem"), KEY_USE, 3, "Ed448", "an Ed448 key")
        out["keys/wrong-type/ed448_pub.pem"] = (rd("ed448_pub.pem"), KEY_USE, 3, "Ed448", "an Ed448 public key")
        out["keys/wrong-type/rsa_pss.pem"] = (rd("pss.pem"), KEY, 3, "RSA-PSS", "an RSA-PSS key")
        out["keys/wrong-type/dsa_with_params.pem"] = (rd("dsa.pem"), KEY, 3, "-", "DSA parameters and a DSA key")
        out["keys/wrong-type/dsa_params_only.pem"] = (rd("dsaparam.pem"), KEY_ALL, 3, "-", "DSA parameters")
        out["keys/wrong-type/p384_public.pem"] = (rd("p384_pub.pem"), PRIVATE_ONLY, 3, "-", "a P-384 public key")
        out["keys/wrong-type/ec_explicit.pem"] = (rd("explicit.pem"), KEY, 3, "explicit", "explicit parameters")
        out["keys/wrong-type/openssh_private"] = (rd("id_ecdsa"), KEY_ALL, 3, "OpenSSH", "an OpenSSH private key")
        out["keys/wrong-type/openssh_public.pub"] = (rd("id_ecdsa.pub"), KEY_ALL, 3, "OpenSSH", "an OpenSSH key line")
        out["certs/wrong-type/csr.pem"] = (rd("csr.pem"), CERT + ["connect-ca"], None, "-", "a CSR as a CA")
        out["certs/wrong-type/crl.pem"] = (rd("crl.pem"), CERT + ["connect-ca"], None, "-", "a CRL as a CA")
        out["certs/wrong-type/pkcs7.der"] = (rd("p7.der"), CERT + ["connect-ca"], None, "-", "a DER PKCS#7 as a CA")
        out["certs/wrong-type/keystore.p12"] = (rd("k.p12"), CERT + ["connect-ca"], None, "-", "a PKCS#12 as a CA")
        out["certs/wrong-type/openssh_private"] = (rd("id_ecdsa"), CERT + ["connect-ca"], None, "-",
                                                   "an OpenSSH key as a CA")
    finally:
        shutil.rmtree(tmp)
    return out


def certs():
    cert_pem = fix("p256_cert.pem")
    cert_der = fix("p256_cert.der")
    rsa_cert = fix("rsa2048_cert.pem")
    text = cert_pem.decode()
    lines = text.splitlines()
    cc = CERT + ["connect-ca"]
    c = "truncated"
    for frac in (10, 40, 70, 95):
        put("certs/truncated/cert_cut_%d.pem" % frac, text[:int(len(text) * frac / 100)], cc, None, "-", c,
            "a certificate PEM cut at %d%%" % frac)
    for off in (1, 2, 4, 8, 30, 100, 200, 300, len(cert_der) - 1):
        put("certs/truncated/cert_der_%d.der" % off, cert_der[:off], cc, None, "-", c,
            "a DER certificate cut after %d bytes" % off)
    put("certs/truncated/bundle_second_cut.pem", cert_pem + rsa_cert[:500], cc, None, "-", c,
        "a bundle whose second certificate is cut")
    put("certs/truncated/cert_no_last_line.pem", "\n".join(lines[:-2] + lines[-1:]) + "\n", cc, None, "-", c,
        "a certificate missing its last base64 line")
    c = "oversized"
    put("certs/oversized/cert_len_84ffffffff.der", b"\x30\x84\xff\xff\xff\xff" + cert_der[4:], cc, None, "-", c,
        "a certificate claiming 4 GiB")
    put("certs/oversized/cert_tbs_len_huge.der", cert_der[:4] + b"\x30\x84\x7f\xff\xff\xff" + cert_der[8:], cc, None,
        "-", c, "the TBSCertificate claims 2 GiB")
    put("certs/oversized/cert_indefinite.der", b"\x30\x80" + cert_der[4:] + b"\x00\x00", CERT, 3, "-", c,
        "BER indefinite length (the JDK reads BER, so connect --ca takes it)")
    put("certs/oversized/cert_long_line.pem", "-----BEGIN CERTIFICATE-----\n" + "QUFB" * 16000
        + "\n-----END CERTIFICATE-----\n", cc, None, "-", c, "a 64 KB line of base64 'AAA...'")
    put("certs/oversized/bundle_2000_broken.pem", "-----BEGIN CERTIFICATE-----\nMAA=\n-----END CERTIFICATE-----\n"
        * 500, cc, None, "-", c, "500 empty-SEQUENCE certificates")
    c = "wrong type"
    put("certs/wrong-type/p256_private_key.pem", fix("p256_pkcs8.pem"), cc, None, "no certificate", c,
        "a private key where a certificate is expected")
    put("certs/wrong-type/p256_public_key.pem", fix("p256_public.pem"), cc, None, "no certificate", c,
        "a public key where a certificate is expected")
    put("certs/wrong-type/rsa_pkcs1.der", fix("rsa2048_pkcs1.der"), cc, None, "-", c,
        "a DER private key where a certificate is expected")
    put("certs/wrong-type/p256_public.der", fix("p256_public.der"), cc, None, "-", c, "a DER public key as a CA")
    put("certs/wrong-type/random_text.txt", "not a certificate\n", cc, None, "-", c, "prose")
    put("certs/wrong-type/trusted_certificate.pem", pem("TRUSTED CERTIFICATE", cert_der + tlv(0x30, tlv(
        0x06, bytes.fromhex("2b06010505070301")))), CERT, 3, "-", c,
        "OpenSSL's TRUSTED CERTIFICATE form (connect --ca takes its certificate)")
    put("certs/wrong-type/cert_shape_garbage.der", tlv(0x30, tlv(0x30, tlv(0x02, b"\x01")) + tlv(0x30, b"")
                                                        + tlv(0x03, b"\x00")), cc, None, "-", c,
        "certificate shape, nothing inside")
    tampered = bytearray(cert_der)
    tampered[4] = 0x31
    put("certs/wrong-type/cert_tampered_header.der", bytes(tampered), cc, None, "-", c,
        "a certificate whose TBSCertificate is tagged SET")
    c = "wrong encoding"
    put("certs/encoding/utf16le_bom.pem", b"\xff\xfe" + text.encode("utf-16-le"), cc, None, "-", c,
        "a certificate saved as UTF-16 LE")
    l2 = list(lines)
    l2[3] = l2[3][:5] + "!" + l2[3][6:]
    put("certs/encoding/bad_char.pem", "\n".join(l2) + "\n", cc, None, "-", c, "a '!' in the base64")
    put("certs/encoding/escaped_newlines.pem", text.replace("\n", "\\n"), cc, None, "-", c, "literal \\n")
    put("certs/encoding/hex_cut.txt", cert_der.hex()[:301], CERT, 3, "-", c, "the DER as hex, cut mid-byte")
    c = "nested PEM"
    put("certs/nested/mismatched.pem", text.replace("END CERTIFICATE", "END X509 CRL"), cc, None, "ends with", c,
        "BEGIN CERTIFICATE ... END X509 CRL")
    put("certs/nested/begin_inside.pem", "\n".join(lines[:2]) + "\n" + text + "\n".join(lines[2:]) + "\n", cc, None,
        "-", c, "a BEGIN inside a certificate block")
    put("certs/nested/good_then_empty.pem", text + "-----BEGIN CERTIFICATE-----\n-----END CERTIFICATE-----\n", cc,
        None, "empty", c, "a good certificate then an empty block")
    put("certs/nested/good_then_garbage.pem", text + "-----BEGIN CERTIFICATE-----\nAAAAAAAA\n"
        "-----END CERTIFICATE-----\n", cc, None, "-", c, "a good certificate then a garbage one")
    c = "NUL bytes"
    put("certs/nul/nul_in_body.pem", cert_pem[:100] + b"\x00" + cert_pem[100:], cc, None, "-", c, "a NUL byte inside")
    put("certs/nul/nul_der_prefix.der", b"\x00" + cert_der, cc, None, "-", c, "a NUL byte before the DER")
    c = "non-UTF-8"
    put("certs/non-utf8/latin1.pem", b"\xe9t\xe9\n" + cert_pem.replace(b"MII", b"M\xc9I", 1), cc, None, "-", c,
        "latin-1 bytes in the body")
    c = "empty"
    put("certs/empty/empty.pem", b"", cc, None, "-", c, "an empty CA file")
    put("certs/empty/whitespace.pem", b" \n\t\n", cc, None, "-", c, "whitespace only")
    c = "hostile names (accepted)"
    for name, old, new, note in [
        ("issuer_escape", 0, b"\x1b[2J\x07", "an issuer CN with a terminal escape and BEL"),
        ("subject_escape", 1, b"\x1b]0;", "a subject CN with an OSC escape"),
        ("subject_comment_end", 1, b"*/\n#", "a subject CN that would close a C comment and start a line"),
        ("subject_nul", 1, b"\x00\x00", "NUL bytes in the subject CN"),
    ]:
        at = cert_der.index(b"unused") if old == 0 else cert_der.rindex(b"unused")
        hostile = cert_der[:at] + new + cert_der[at + len(new):]
        put("certs/hostile/%s.der" % name, hostile, ["cert-inspect", "cert-export", "key-inspect"], 0, "-", c,
            note + ": shown as \\xNN, never sent to the terminal")
    c = "binary noise"
    rng = random.Random(88)
    for i in range(4):
        data = bytearray(rng.getrandbits(8) for _ in range(300 + 500 * i))
        data[0] = 0x30 if i % 2 == 0 else 0x99
        put("certs/noise/noise_%d.bin" % i, bytes(data), cc, None, "-", c, "random bytes")


def token(header, claims, sig=None, raw=False):
    h = header if raw else json.dumps(header, separators=(",", ":"))
    cl = claims if raw else json.dumps(claims, separators=(",", ":"))
    s = b64u(bytes(range(64))) if sig is None else sig
    return b64u(h) + "." + b64u(cl) + "." + s


def tokens():
    H = {"alg": "ES256", "typ": "JWT"}
    C = {"iat": 1795600740, "exp": 1795604340, "aud": "p"}
    good = token(H, C)
    h, cl, s = good.split(".")
    cmd = ["check-file", "connect-token"]
    c = "segments"

    def t(name, text, contains, category, note, extra=()):
        put("tokens/%s/%s.txt" % (category.replace(" ", "-"), name), text, cmd + list(extra), 1, contains, category,
            note)

    t("one_segment", h, "jwt.malformed", c, "one segment")
    t("two_segments", h + "." + cl, "jwt.malformed", c, "two segments")
    t("four_segments", good + "." + s, "jwt.malformed", c, "four segments")
    t("five_segments_jwe", ".".join([h, cl, s, s, s]), "JWE", c, "five segments (JWE)")
    t("hundred_segments", ".".join([h] * 100), "jwt.malformed", c, "100 segments")
    t("only_dots", "..", "jwt.malformed", c, "two dots")
    t("many_dots", "." * 5000, "jwt.malformed", c, "5000 dots")
    t("trailing_dot", good + ".", "jwt.malformed", c, "a trailing dot")
    t("leading_dot", "." + good, "jwt.malformed", c, "a leading dot")
    t("empty_signature", h + "." + cl + ".", "jwt.malformed", c, "alg ES256 with an empty signature")
    t("empty_header", "." + cl + "." + s, "jwt.malformed", c, "an empty header")
    t("empty_file", "", "jwt.malformed", "empty", "an empty token file")
    t("whitespace_only", " \n\t\r\n", "jwt.malformed", "empty", "whitespace only")
    c = "bad JSON"
    t("header_not_json", b64u("hello") + "." + cl + "." + s, "jwt.malformed", c, "a header that is not JSON")
    t("header_array", b64u('["ES256","JWT"]') + "." + cl + "." + s, "not an object", c, "a JSON array header")
    t("header_string", b64u('"ES256"') + "." + cl + "." + s, "not an object", c, "a JSON string header")
    t("header_number", b64u("12345678901234567890") + "." + cl + "." + s, "not an object", c, "a number header")
    t("header_null", b64u("null") + "." + cl + "." + s, "jwt.malformed", c, "a null header")
    t("header_true", b64u("true") + "." + cl + "." + s, "jwt.malformed", c, "a boolean header")
    t("claims_array", h + "." + b64u("[1795600740,1795604340]") + "." + s, "not an object", c, "a JSON array of claims")
    t("claims_empty_object", h + "." + b64u("{}") + "." + s, "jwt.claim.missing", c, "no claims at all")
    t("header_trailing_comma", b64u('{"alg":"ES256","typ":"JWT",}') + "." + cl + "." + s, "jwt.malformed", c,
      "a trailing comma")
    t("header_single_quotes", b64u("{'alg':'ES256'}") + "." + cl + "." + s, "jwt.malformed", c,
      "single quotes (lenient JSON)")
    t("header_comment", b64u('{"alg":"ES256"/*x*/}') + "." + cl + "." + s, "jwt.malformed", c, "a comment in JSON")
    t("header_unterminated", b64u('{"alg":"ES256"') + "." + cl + "." + s, "jwt.malformed", c, "unterminated JSON")
    t("header_two_objects", b64u('{"alg":"ES256"}{"alg":"none"}') + "." + cl + "." + s, "jwt.malformed", c,
      "two JSON objects")
    t("header_nan", b64u('{"alg":"ES256","x":NaN}') + "." + cl + "." + s, "jwt.malformed", c, "NaN in JSON")
    t("depth_bomb_arrays", b64u("[" * 5000 + "]" * 5000) + "." + cl + "." + s, "jwt.malformed", c,
      "5000 nested arrays in the header")
    t("depth_bomb_objects", b64u('{"a":' * 3000 + "1" + "}" * 3000) + "." + cl + "." + s, "jwt.", c,
      "3000 nested objects in the header")
    t("claims_depth_bomb", h + "." + b64u('{"aud":' + "[" * 4000 + "]" * 4000 + "}") + "." + s, "jwt.", c,
      "4000 nested arrays in the claims")
    t("claims_unclosed_depth", h + "." + b64u("[" * 4000) + "." + s, "jwt.malformed", c, "4000 open brackets")
    t("header_utf16", b64u(json.dumps(H).encode("utf-16")) + "." + cl + "." + s, "jwt.malformed", c,
      "the header JSON in UTF-16")
    t("header_not_utf8", b64u(b'{"alg":"\xff\xfe"}') + "." + cl + "." + s, "UTF-8", c, "header bytes not UTF-8")
    t("header_nul_in_json", b64u(b'{"alg":"ES256"\x00}') + "." + cl + "." + s, "jwt.malformed", c,
      "a raw NUL inside the header JSON")
    t("alg_none", token({"alg": "none", "typ": "JWT"}, C), "jwt.header.alg", c, "alg none")
    t("alg_hs256", token({"alg": "HS256", "typ": "JWT"}, C), "jwt.header.alg", c, "alg HS256")
    t("alg_object", token({"alg": {"name": "ES256"}}, C), "jwt.header.alg", c, "alg as an object")
    t("alg_huge", token({"alg": "E" * 20000}, C), "jwt.header.alg", c, "a 20,000-character alg")
    t("alg_null", token({"alg": None}, C), "jwt.header.alg", c, "alg null")
    t("duplicate_alg", b64u('{"alg":"ES256","alg":"none","typ":"JWT"}') + "." + cl + "." + s,
      "jwt.header.alg", c, "alg given twice (ES256, then none: the last counts, RFC 7515 4)")
    c = "huge numbers"
    for i, (iat, exp, code, note) in enumerate([
        ("1e999999999", "1795604340", "jwt.", "iat 1e999999999"),
        ("99999999999999999999999999", "1795604340", "jwt.", "iat with 26 digits"),
        ("-99999999999999999999999999", "1795604340", "jwt.", "a huge negative iat"),
        ("1795600740", "1e2147483648", "jwt.", "exp 1e2147483648 (exponent overflows an int)"),
        ("1e-999999999", "1795604340", "jwt.", "iat 1e-999999999"),
        ("1795600740", "-1e400", "jwt.", "exp -1e400"),
        ("9223372036854775807", "9223372036854775807", "jwt.", "iat and exp Long.MAX_VALUE"),
        ("9223372036854775808", "-9223372036854775809", "jwt.", "just past a long"),
        ("31556889864403199", "31556889864403200", "jwt.", "Instant.MAX and past it"),
        ("1795600740.5", "17956007401e-1", "jwt.lifetime.negative", "fractions and exponents, exp before iat"),
        ("0x6b", "1795604340", "jwt.malformed", "a hex literal"),
        ('"1e999999999"', '"1795604340"', "jwt.", "huge iat as a string"),
        ('"NaN"', '"Infinity"', "jwt.claim.type", "NaN and Infinity as strings"),
        ('"-1e2147483648"', "1795604340", "jwt.", "string exponent overflow"),
        ("[1795600740]", "{}", "jwt.claim.type", "iat an array, exp an object"),
        ("true", "null", "jwt.claim", "iat a boolean, exp null"),
    ]):
        claims = '{"iat":%s,"exp":%s,"aud":"p"}' % (iat, exp)
        t("numbers_%02d" % i, h + "." + b64u(claims) + "." + s, code, c, note)
    c = "NUL bytes"
    t("nul_inside", good[:30] + "\x00" + good[30:], "jwt.base64.whitespace", c, "a NUL byte inside the token")
    t("nul_trailing", good + "\x00", "jwt.base64.whitespace", c, "a trailing NUL (C string terminator)")
    t("nul_only", "\x00" * 64, "jwt.malformed", c, "NUL bytes only")
    t("nul_between_segments", h + ".\x00." + s, "jwt.", c, "a NUL where the claims should be")
    c = "non-ASCII"
    t("non_ascii_e_acute", good[:20] + "\u00e9" + good[20:], "jwt.malformed", c, "an e-acute in the header")
    t("emoji", good[:40] + "\U0001f600" + good[40:], "jwt.malformed", c, "an emoji")
    t("zero_width_space", good[:50] + "\u200b" + good[50:], "jwt.malformed", c, "a zero-width space")
    t("fullwidth_dot", h + "\uff0e" + cl + "\uff0e" + s, "jwt.malformed", c, "full-width dots")
    t("cyrillic_a", good.replace("a", "\u0430", 1), "jwt.malformed", c, "a Cyrillic a")
    put("tokens/non-ASCII/latin1_bytes.txt", good[:25].encode() + b"\xe9\xff" + good[25:].encode(), cmd, 1,
        "jwt.malformed", c, "latin-1 bytes inside the token")
    put("tokens/non-ASCII/utf16_bom.txt", b"\xff\xfe" + good.encode("utf-16-le"), cmd, 1, "jwt.", c,
        "the token saved as UTF-16 with a BOM")
    c = "encoding"
    t("base64_len_mod4_1", h + "." + cl + "A" if len(cl) % 4 == 0 else h + "." + cl[:len(cl) - len(cl) % 4 + 1]
      + "." + s, "jwt.malformed", c, "a segment of 4n+1 characters")
    t("percent_encoded", good.replace("e", "%65", 3), "jwt.malformed", c, "percent-encoded")
    t("quoted", '"' + good + '"', "jwt.malformed", c, "the token in double quotes")
    t("bearer_prefix", "Bearer " + good, "jwt.", c, "a 'Bearer ' prefix")
    t("json_wrapped", json.dumps({"token": good}), "jwt.malformed", c, "the token inside JSON")
    t("standard_alphabet_all", good.replace("-", "+").replace("_", "/") + "+/", "jwt.", c, "'+' and '/'")
    t("padding_in_middle", h + "==" + "." + cl + "." + s[:10] + "=" + s[10:], "jwt.malformed", c,
      "'=' inside a segment")
    t("line_wrapped_64", "\n".join(good[i:i + 64] for i in range(0, len(good), 64)), "jwt.base64.whitespace", c,
      "the token wrapped at 64 columns")
    t("crlf_inside", good[:40] + "\r\n" + good[40:], "jwt.base64.whitespace", c, "CRLF inside")
    t("pem_wrapped", "-----BEGIN TOKEN-----\n" + good + "\n-----END TOKEN-----\n", "jwt.", c, "the token in PEM armour")
    t("header_decodes_binary", b64u(bytes(range(256))) + "." + cl + "." + s, "jwt.malformed", c,
      "a header of binary bytes")
    t("signature_garbage", h + "." + cl + "." + "!!!!", "jwt.malformed", c, "a signature of '!'")
    t("signature_short_es256", h + "." + cl + "." + b64u(b"\x01\x02\x03"), "jwt.signature.length", c,
      "a 3-byte ES256 signature")
    t("signature_der_huge_len", h + "." + cl + "." + b64u(b"\x30\x84\xff\xff\xff\xff\x02\x01\x01\x02\x01\x01"),
      "jwt.signature.length", c, "a DER signature claiming 4 GiB")
    t("claims_expired_1970", token(H, {"iat": 0, "exp": 1, "aud": "p"}), "jwt.iat.unset-clock", "claims",
      "iat 0, exp 1")
    t("claims_aud_huge_array", token(H, {"iat": 1795600740, "exp": 1795604340, "aud": ["p"] * 5000}),
      "jwt.aud.mismatch", "claims", "aud an array of 5,000")
    t("claims_aud_object", token(H, {"iat": 1795600740, "exp": 1795604340, "aud": {"p": 1}}), "jwt.aud.mismatch",
      "claims", "aud an object")
    t("claims_aud_control_chars", token(H, {"iat": 1795600740, "exp": 1795604340, "aud": "p\u001b[31mred\u0007"}),
      "jwt.aud.mismatch", "claims", "aud with terminal escape sequences")
    t("claims_lifetime_negative", token(H, {"iat": 1795604340, "exp": 1795600740, "aud": "p"}),
      "jwt.", "claims", "exp before iat")


def registries():
    ec_pub = fix("p256_public.pem").decode()
    rsa_pub = fix("rsa2048_public.pem").decode()
    cert = fix("p256_cert.pem").decode()
    priv = fix("p256_pkcs8.pem").decode()
    p384 = None
    cmd = ["broker"]

    def dev(i="dev-1", **kw):
        d = {"id": i, "credentials": [{"publicKey": {"format": "ES256_PEM", "key": ec_pub}}]}
        d.update(kw)
        return d

    def reg(devices=None, **kw):
        r = {"project": "p", "region": "us-central1", "registry": "reg-1",
             "devices": [dev()] if devices is None else devices}
        r.update(kw)
        return r

    def r(name, data, contains, category, note):
        if not isinstance(data, (bytes, str)):
            data = json.dumps(data, indent=1)
        put("registries/%s.json" % name, data, cmd, 3, contains, category, note)

    c = "bad JSON"
    good = json.dumps(reg(), indent=1)
    r("truncated_half", good[:len(good) // 2], "not valid JSON", c, "the JSON cut in half")
    r("truncated_one_char", good[:-2], "not valid JSON", c, "the closing brace missing")
    r("not_json", "project=p\nregistry=r\n", "-", c, "key=value text")
    r("yaml", "project: p\nregistry: r\ndevices:\n  - id: dev-1\n", "-", c, "YAML")
    r("empty", "", "-", "empty", "an empty file")
    r("whitespace", " \n\t\n", "-", "empty", "whitespace only")
    r("top_array", [reg()], "not a JSON object", c, "an array of registries")
    r("top_string", '"registry"', "not a JSON object", c, "a JSON string")
    r("top_number", "42", "not a JSON object", c, "a number")
    r("top_null", "null", "-", c, "null")
    r("two_objects", good + good, "-", c, "two registries back to back")
    r("trailing_garbage", good + "\nxyz", "-", c, "garbage after the JSON")
    r("unterminated_string", '{"project": "p, "registry": "r"}', "not valid JSON", c, "an unterminated string")
    r("depth_bomb", '{"project":"p","registry":"reg-1","devices":' + "[" * 3000 + "]" * 3000 + "}", "-", c,
      "devices nested 3000 deep")
    r("depth_bomb_unclosed", "{\"a\":" * 5000, "-", c, "5000 unclosed objects")
    put("registries/utf16_bom.json", b"\xff\xfe" + good.encode("utf-16-le"), cmd, 3, "-", "wrong encoding",
        "UTF-16 with a BOM")
    put("registries/latin1.json", good.replace('"p"', '"pr\u00e9"').encode("latin-1").replace(b'"reg-1"',
                                                                                           b'"r\xe9g"'),
        cmd, 3, "-", "non-UTF-8", "latin-1 bytes in ids")
    put("registries/nul_bytes.json", good.encode().replace(b'"dev-1"', b'"dev\x00-1"'), cmd, 3, "-", "NUL bytes",
        "a NUL byte in a device id")
    put("registries/nul_prefix.json", b"\x00" + good.encode(), cmd, 3, "-", "NUL bytes", "a NUL byte before the JSON")
    put("registries/binary.json", bytes(random.Random(3).getrandbits(8) for _ in range(2000)), cmd, 3, "-",
        "binary noise", "random bytes")
    c = "missing fields"
    for f in ("project", "registry", "devices"):
        d = reg()
        del d[f]
        r("missing_" + f, d, f, c, "no '%s'" % f)
    r("device_missing_id", reg([{"credentials": []}]), "'id'", c, "a device without an id")
    r("credential_missing_public_key", reg([dev(credentials=[{"expirationTime": "1970-01-01T00:00:00Z"}])]),
      "publicKey", c, "a credential without publicKey")
    r("public_key_missing_format", reg([dev(credentials=[{"publicKey": {"key": ec_pub}}])]), "format", c,
      "publicKey without format")
    r("public_key_missing_key", reg([dev(credentials=[{"publicKey": {"format": "ES256_PEM"}}])]), "'key'", c,
      "publicKey without key")
    c = "wrong field types"
    for f, v, note in [("project", 42, "project a number"), ("project", None, "project null"),
                       ("project", "", "project empty"), ("project", ["p"], "project an array"),
                       ("registry", {"id": "r"}, "registry an object"), ("region", 1, "region a number"),
                       ("devices", {"dev-1": {}}, "devices an object"), ("devices", "dev-1", "devices a string"),
                       ("devices", None, "devices null")]:
        d = reg()
        d[f] = v
        r("type_%s_%s" % (f, type(v).__name__), d, f, c, note)
    for i, (v, note) in enumerate([(42, "a device that is a number"), ("dev-1", "a device that is a string"),
                                   (None, "a device that is null"), ([dev()], "a device that is an array")]):
        r("device_entry_%d" % i, reg([v]), "devices[0]", c, note)
    for i, (kw, contains, note) in enumerate([
        ({"id": 7}, "'id'", "id a number"), ({"id": ""}, "'id'", "id empty"), ({"id": "1abc"}, "IoT Core's rule",
                                                                               "id starting with a digit"),
        ({"id": "goog-device"}, "goog", "id starting with goog"), ({"id": "a" * 300}, "IoT Core's rule", "a 300-character id"),
        ({"id": "dev/1"}, "IoT Core's rule", "a slash in the id"), ({"id": "dev 1"}, "IoT Core's rule",
                                                                   "a space in the id"),
        ({"id": "dev-\u00e9"}, "IoT Core's rule", "a non-ASCII id"), ({"id": "dev\u001b[2J"}, "IoT Core's rule",
                                                                      "terminal escapes in the id"),
        ({"blocked": "yes"}, "blocked", "blocked a string"), ({"blocked": {}}, "blocked", "blocked an object"),
        ({"blocked": "true"}, "blocked", "blocked the string 'true'"), ({"blocked": [True, False]}, "blocked",
                                                         "blocked an array"),
        ({"blocked": 1}, "blocked", "blocked a number"),
        ({"credentials": {"publicKey": {}}}, "credentials", "credentials an object"),
        ({"credentials": "ES256_PEM"}, "credentials", "credentials a string"),
        ({"credentials": [1]}, "publicKey", "a credential that is a number"),
        ({"credentials": [{"publicKey": ec_pub}]}, "publicKey", "publicKey a string"),
        ({"credentials": [{"publicKey": {"format": 3, "key": ec_pub}}]}, "format", "format a number"),
        ({"credentials": [{"publicKey": {"format": "EC_PEM", "key": ec_pub}}]}, "format", "an unknown format"),
        ({"credentials": [{"publicKey": {"format": "es256_pem", "key": ec_pub}}]}, "format", "format in lower case"),
        ({"credentials": [{"publicKey": {"format": "ES256_PEM", "key": 12}}]}, "key", "key a number"),
        ({"credentials": [{"publicKey": {"format": "ES256_PEM", "key": ["a"]}}]}, "key", "key an array"),
        ({"credentials": [{"publicKey": {"format": "ES256_PEM", "key": ec_pub}, "expirationTime": "tomorrow"}]},
         "expirationTime", "expirationTime not a time"),
        ({"credentials": [{"publicKey": {"format": "ES256_PEM", "key": ec_pub}, "expirationTime": {"s": 1}}]},
         "expirationTime", "expirationTime an object"),
        ({"credentials": [{"publicKey": {"format": "ES256_PEM", "key": ec_pub}, "expirationTime": [1, 2]}]},
         "expirationTime", "expirationTime an array"),
        ({"credentials": [{"publicKey": {"format": "ES256_PEM", "key": ec_pub}, "expirationTime": 1e300}]},
         "expirationTime", "expirationTime a huge number"),
        ({"config": {"binaryData": "not base64!"}}, "binaryData", "config not base64"),
        ({"config": {"binaryData": {"a": 1}}}, "binaryData", "binaryData an object"),
        ({"config": "eyJsZWQiOiJvbiJ9"}, "config", "config a string"),
        ({"config": {"binaryData": [1, 2]}}, "binaryData", "binaryData an array"),
    ]):
        r("device_field_%02d" % i, reg([dev(**kw)]), contains, c, note)
    c = "duplicate ids"
    r("duplicate_ids", reg([dev(), dev()]), "twice", c, "the same id twice")
    r("duplicate_ids_far_apart", reg([dev("dev-%03d" % i, credentials=[]) for i in range(200)]
                                     + [dev("dev-007", credentials=[])]), "twice", c, "id dev-007 again at 201")
    c = "bad keys"
    for i, (fmt, key, contains, note) in enumerate([
        ("ES256_PEM", "", "key", "an empty key"),
        ("ES256_PEM", "   ", "key", "a blank key"),
        ("ES256_PEM", ec_pub[:60], "publicKey.key", "a truncated key"),
        ("ES256_PEM", ec_pub.replace("\n", ""), "publicKey.key", "a PEM without its line breaks"),
        ("ES256_PEM", priv, "private key", "a private key registered"),
        ("ES256_PEM", cert, "-", "a certificate with the ES256_PEM format"),
        ("ES256_X509_PEM", ec_pub, "certificate", "a public key with the X509 format"),
        ("RSA_PEM", ec_pub, "does not fit", "an EC key as RSA_PEM"),
        ("ES256_PEM", rsa_pub, "does not fit", "an RSA key as ES256_PEM"),
        ("ES256_PEM", "-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n", "publicKey.key",
         "a key of three zero bytes"),
        ("ES256_PEM", "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIE= x", "OpenSSH", "an OpenSSH key line"),
        ("ES256_PEM", "\u0000" * 40, "publicKey.key", "NUL characters"),
        ("ES256_PEM", ec_pub.replace("END PUBLIC KEY", "END CERTIFICATE"), "ends with", "mismatched labels"),
        ("ES256_PEM", fix("ed25519_pkcs8.pem").decode(), "-", "an Ed25519 private key"),
        ("ES256_PEM", fix("p384_sec1.pem").decode(), "-", "a P-384 private key"),
        ("RSA_X509_PEM", cert, "does not fit", "an EC certificate as RSA_X509_PEM"),
    ]):
        r("bad_key_%02d" % i, reg([dev(credentials=[{"publicKey": {"format": fmt, "key": key}}])]), contains, c, note)
    r("four_credentials", reg([dev(credentials=[{"publicKey": {"format": "ES256_PEM", "key": ec_pub}}] * 4)]),
      "at most 3", "huge arrays", "four credentials")
    r("credentials_100", reg([dev(credentials=[{"publicKey": {"format": "ES256_PEM", "key": ec_pub}}] * 100)]),
      "at most 3", "huge arrays", "a hundred credentials")
    r("bad_registry_id", reg(registry="goog-reg"), "registry id", c, "a registry id starting with goog")
    r("bad_registry_id_2", reg(registry="r"), "registry id", c, "a one-letter registry id")


def batch():
    c = "batch lines"
    cmd = ["batch"]
    keydir = "../../fixtures/keys/"

    def b(name, text, contains, note, code=1, category=c):
        put("batch/%s" % name, text, cmd, code, contains, category, note)

    b("no_device_id.csv", ",%sp256_pkcs8.pem,p\n" % keydir, "no device id", "an empty device column")
    b("space_in_id.csv", "dev 1,%sp256_pkcs8.pem,p\n" % keydir, "space", "a space in the device id")
    b("control_in_id.csv", "dev\x1b1,%sp256_pkcs8.pem,p\n" % keydir, "control", "an escape in the device id")
    b("no_key.csv", "dev-1,,p\n", "no key", "no key column")
    b("missing_key.csv", "dev-1,does-not-exist.pem,p\n", "no such file", "a key file that does not exist")
    b("key_is_dir.csv", "dev-1,.,p\n", "directory", "the key path is a directory")
    b("key_is_cert.csv", "dev-1,%sp256_cert.pem,p\n" % keydir, "not a private key", "a certificate as the key")
    b("key_is_public.csv", "dev-1,%sp256_public.pem,p\n" % keydir, "public key", "a public key as the key")
    b("key_is_garbage.csv", "dev-1,%sjunk.bin,p\n" % keydir, "-", "random bytes as the key")
    b("key_is_encrypted.csv", "dev-1,%sp256_pkcs8_enc.pem,p\n" % keydir, "password", "an encrypted key")
    b("key_is_self.csv", "dev-1,key_is_self.csv,p\n", "-", "the batch file itself as the key")
    b("key_is_weak.csv", "dev-1,%srsa1024_pkcs1.pem,p\n" % keydir, "1024", "an RSA 1024 key")
    b("no_project.csv", "dev-1,%sp256_pkcs8.pem,\n" % keydir, "no project", "no project and no --project")
    b("bad_alg.csv", "dev-1,%sp256_pkcs8.pem,p,HS256\n" % keydir, "HS256", "alg HS256")
    b("alg_mismatch.csv", "dev-1,%sp256_pkcs8.pem,p,RS256\n" % keydir, "-", "RS256 with an EC key")
    b("bad_ttl.csv", "dev-1,%sp256_pkcs8.pem,p,,forever\n" % keydir, "ttl", "ttl 'forever'")
    b("ttl_negative.csv", "dev-1,%sp256_pkcs8.pem,p,,-5m\n" % keydir, "ttl", "a negative ttl")
    b("ttl_huge.csv", "dev-1,%sp256_pkcs8.pem,p,,99999999999999999999h\n" % keydir, "ttl", "a ttl past a long")
    b("ttl_overflow.csv", "dev-1,%sp256_pkcs8.pem,p,,9223372036854775807s\n" % keydir, "ttl",
      "a ttl of Long.MAX_VALUE seconds")
    b("ttl_25h.csv", "dev-1,%sp256_pkcs8.pem,p,,25h\n" % keydir, "24 h", "a ttl over 24 h")
    b("unterminated_quote.csv", 'dev-1,"%sp256_pkcs8.pem,p\n' % keydir, "unterminated quote", "an open quote")
    b("nul_in_path.csv", "dev-1,%sp256\x00pkcs8.pem,p\n" % keydir, "-", "a NUL byte in the key path")
    b("json_invalid.jsonl", '{"device": "dev-1", "key": \n', "not valid JSON", "a JSON line cut short")
    b("json_array_line.jsonl", '{"device": "dev-1"}\n[1,2,3]\n', "-", "a JSON array line")
    b("json_wrong_types.jsonl", '{"device": {"id": 1}, "key": ["a"], "project": 3}\n', "line 1", "JSON fields of the"
                                                                                                 " wrong types")
    b("json_depth_bomb.jsonl", "{" + '"a":{' * 3000 + "}" * 3001 + "\n", "line 1", "a JSON line nested 3000 deep")
    b("json_huge_number_ttl.jsonl", '{"device": "dev-1", "key": "%sp256_pkcs8.pem", "project": "p", "ttl": 1e400}\n'
      % keydir, "ttl", "ttl 1e400")
    b("many_bad_lines.csv", "".join("dev-%d,missing-%d.pem,p\n" % (i, i) for i in range(500)), "no such file",
      "500 lines whose keys are missing")
    b("long_line.csv", "dev-1," + "k" * 40000 + ".pem,p\n", "-", "a 40,000-character key path")
    b("header_only.csv", "device,key,project,alg,ttl\n", "no device lines", "a header and nothing else", code=3,
      category="empty")
    b("empty.csv", "", "no device lines", "an empty batch", code=3, category="empty")
    b("comments_only.csv", "# fleet\n# none yet\n", "no device lines", "comments only", code=3, category="empty")
    b("whitespace_only.csv", "  \n\t\n\r\n", "no device lines", "whitespace only", code=3, category="empty")
    put("batch/latin1.csv", b"d\xe9v-1,x.pem,p\n", cmd, 3, "UTF-8", "non-UTF-8", "a latin-1 byte")
    put("batch/utf16_bom.csv", b"\xff\xfe" + "dev-1,x.pem,p\n".encode("utf-16-le"), cmd, 3, "UTF-8",
        "wrong encoding", "a batch saved as UTF-16")
    put("batch/binary.csv", bytes(random.Random(5).getrandbits(8) for _ in range(3000)), cmd, 3, "-",
        "binary noise", "random bytes")


def runtime_rows():
    """Inputs made at run time: too large to check in, or not files at all."""
    every_key = KEY_ALL + ["check-file", "connect-jwt"]
    row("gen:pem-10mb", KEY_ALL + ["check-cert"], 3, "far too large", "oversized",
        "10 MB of base64 between PEM lines")
    row("gen:pem-10mb", ["connect-ca"], 1, "far too large", "oversized", "a 10 MB CA file")
    row("gen:pem-10mb", ["check-file", "connect-jwt"], 3, "far too large", "oversized", "a 10 MB token file")
    row("gen:random-10mb", KEY_ALL + ["check-file"], 3, "far too large", "oversized", "10 MB of random bytes")
    row("gen:random-10mb", ["connect-ca"], 1, "far too large", "oversized", "10 MB of random bytes as a CA")
    row("gen:random-10mb", ["batch"], 3, "UTF-8", "oversized", "10 MB of random bytes as a batch")
    row("gen:line-10mb", KEY_ALL + ["check-file"], 3, "far too large", "oversized", "one 10 MB line, no newline")
    row("gen:line-10mb", ["batch"], 1, "-", "oversized", "one 10 MB batch line")
    row("gen:registry-10mb-devices", ["broker"], 3, "twice", "huge arrays",
        "a 10 MB registry: 180,000 devices, the last a duplicate")
    row("gen:registry-10mb-numbers", ["broker"], 3, "devices[0]", "huge arrays", "devices: 10 MB of numbers")
    row("gen:registry-10mb-id", ["broker"], 3, "registry id", "oversized", "a 10 MB registry id")
    row("gen:token-1mb", ["check-file", "connect-token"], 1, "jwt.exp.expired", "oversized", "a 1 MB token (expired)")
    row("gen:token-1mb-nodots", ["check-file"], 1, "jwt.malformed", "oversized", "1 MB of base64url, no dots")
    row("gen:token-1mb-digits", ["check-file"], 1, "jwt.", "huge numbers", "iat with 700,000 digits")
    row("gen:c-bytes-900k", KEY_ALL, 3, "-", "oversized", "150,000 bare C bytes '0x30, ' (no braces)")
    row("gen:priv-hex-900k", KEY, 3, "-", "oversized", "openssl ec -text with a 300,000-byte priv:")
    row("gen:hexdump-900k", KEY_ALL, 3, "-", "oversized", "an xxd listing of 900 KB that is not DER")
    row("gen:der-nested-900k", KEY_ALL, 3, "-", "oversized", "DER nested 200,000 deep")
    row("dir:", every_key + ["check-pub", "broker", "batch"], 3, "-", "directory",
        "a directory where a file is expected")
    row("dir:", ["connect-ca"], 1, "directory", "directory", "a directory as the CA file")
    row("missing:", every_key + ["check-pub", "check-cert", "broker", "batch"], 3, "-", "missing",
        "a path that does not exist")
    row("missing:", ["connect-ca"], 1, "no such file", "missing", "a CA file that does not exist")
    row("unreadable:", KEY_ALL + ["check-file", "connect-jwt", "broker", "batch"], 3, "-", "unreadable",
        "chmod 000 (skipped as root, where it does not stop reading)")


def main():
    clean()
    keys()
    encrypted()
    certs()
    tokens()
    registries()
    batch()
    runtime_rows()
    # certificate rows without an exit code: 3 for cert inspect/export, 1 (a diagnosed ca.* finding) for connect
    rows = []
    for inp, commands, code, contains, category, note in ROWS:
        if code == "None":
            cmds = commands.split(",")
            plain = [x for x in cmds if x != "connect-ca"]
            if plain:
                rows.append((inp, ",".join(plain), "3", contains, category, note))
            if "connect-ca" in cmds:
                rows.append((inp, "connect-ca", "1", "-", category, note))
        else:
            rows.append((inp, commands, code, contains, category, note))
    with open(os.path.join(HERE, "MANIFEST.tsv"), "w", encoding="utf-8") as f:
        f.write("# made by make-bad-inputs.py: input\tcommands\texit\tcontains\tcategory\tnote\n")
        for r in rows:
            f.write("\t".join(x.replace("\t", " ").replace("\n", " ") for x in r) + "\n")
    files = {r[0] for r in rows}
    print("%d inputs, %d rows" % (len(files), len(rows)))


if __name__ == "__main__":
    main()
