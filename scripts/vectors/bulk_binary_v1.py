#!/usr/bin/env python3
"""Golden vectors of bulk binary v1 (POST /txs with Content-Type: application/octet-stream), computed independently
of the Java code.

BLAKE3 comes from the `b3sum` tool (Debian package b3sum); the framing and the tx encoding are written out below from
the specs alone: docs/spec/bulk-binary-v1.md and ../shared/spec/wire-format-v1.md (sections 1 and 2).

    python3 scripts/vectors/bulk_binary_v1.py          # writes l2-node/src/test/resources/vectors/bulk-binary-v1.json
    python3 scripts/vectors/bulk_binary_v1.py --check  # recomputes it and compares with the file

The Java test BulkBinaryGoldenVectorTest reads the same file: it re-encodes the txs and compares the body byte for
byte, decodes the body and each refusal case with the node's reader, and posts the body to a live node.
"""
import json
import os
import struct
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
OUT = os.path.join(ROOT, "l2-node", "src", "test", "resources", "vectors", "bulk-binary-v1.json")


def blake3(data: bytes) -> bytes:
    out = subprocess.run(["b3sum", "--no-names"], input=data, capture_output=True, check=True).stdout
    return bytes.fromhex(out.decode().strip())


def u16(v): return struct.pack("<H", v)
def u32(v): return struct.pack("<I", v)
def u64(v): return struct.pack("<Q", v)
def string(b: bytes): return u64(len(b)) + b


# ---- wire format v1 section 2: canonical(Tx) = u16le(1) || u64 chain_id || u64 nonce || string from || bytes payload

def tx_canonical(tx):
    return (u16(1) + u64(tx["chain_id"]) + u64(tx["nonce"]) + string(tx["from"].encode("utf-8"))
            + string(bytes.fromhex(tx["payload"])))


# the wire format's own vector, as a check of the encoder above
assert tx_canonical({"chain_id": 1337, "nonce": 42, "from": "user-1", "payload": "aabbcc"}).hex() == \
    "010039050000000000002a000000000000000600000000000000757365722d310300000000000000aabbcc"

# ---- bulk binary v1: "L2TX" || u16le(1) || u32le(count) || count * (u32le(length) || canonical(Tx))

MAGIC = b"L2TX"


def header(count, version=1, magic=MAGIC): return magic + u16(version) + u32(count)
def frame(tx_bytes: bytes): return u32(len(tx_bytes)) + tx_bytes
def body(encodings): return header(len(encodings)) + b"".join(frame(e) for e in encodings)


TXS = [
    {"chain_id": 1, "nonce": 1, "from": "alice", "payload": "48656c6c6f"},
    {"chain_id": 1, "nonce": 2, "from": "bob", "payload": ""},
    {"chain_id": 1, "nonce": 18446744073709551615, "from": "zo\u00eb", "payload": "00ff"},
]


def vectors():
    encodings = [tx_canonical(t) for t in TXS]
    good = body(encodings)
    a = encodings[0]
    refusals = [
        ("empty body", b""),
        ("header cut short", good[:9]),
        ("another magic", b"L2TY" + good[4:]),
        ("another version", MAGIC + u16(2) + good[6:]),
        ("a count of 0", header(0)),
        ("a count over 1,000", header(1001) + frame(a)),
        ("a length prefix cut short", header(2) + frame(a) + u16(5)),
        ("a length beyond the body", header(1) + u32(len(a) + 1) + a),
        ("fewer frames than the count", header(2) + frame(a)),
        ("trailing bytes after the last frame", header(1) + frame(a) + b"\x00"),
    ]
    mixed_encodings = [
        a,
        a[:-1],                             # the payload one byte short of its length
        encodings[1] + b"\x00",             # a trailing byte inside its frame
        b"\x02\x00" + encodings[1][2:],     # an unknown version prefix
        b"",                                # an empty frame
        encodings[1],
        # from is 2 bytes that are not UTF-8 (c3 28), and no payload length follows: the first failure is named
        tx_canonical({"chain_id": 1, "nonce": 3, "from": "x", "payload": ""})[:18] + u64(2) + b"\xc3\x28",
    ]
    mixed = body(mixed_encodings)
    return {
        "spec": "docs/spec/bulk-binary-v1.md",
        "made_by": "scripts/vectors/bulk_binary_v1.py (b3sum for BLAKE3)",
        "body_hex": good.hex(),
        "txs": [dict(t, canonical_hex=e.hex(), tx_hash=blake3(e).hex()) for t, e in zip(TXS, encodings)],
        "refused_whole": [{"case": name, "body_hex": b.hex(), "code": "INVALID_FRAME"} for name, b in refusals],
        "mixed": {
            "body_hex": mixed.hex(),
            "items": [
                {"code": None, "tx_hash": blake3(a).hex()},
                {"code": "INVALID_ENCODING", "problem": "LENGTH_EXCEEDS_INPUT"},
                {"code": "INVALID_ENCODING", "problem": "TRAILING_BYTES"},
                {"code": "INVALID_ENCODING", "problem": "BAD_VERSION"},
                {"code": "INVALID_ENCODING", "problem": "TRUNCATED"},
                {"code": None, "tx_hash": blake3(encodings[1]).hex()},
                {"code": "INVALID_ENCODING", "problem": "INVALID_UTF8"},
            ],
        },
    }


def main():
    text = json.dumps(vectors(), indent=2, ensure_ascii=True) + "\n"
    if "--check" in sys.argv:
        with open(OUT) as f:
            if f.read() != text:
                print("bulk-binary-v1.json differs from what the spec gives", file=sys.stderr)
                sys.exit(1)
        print("bulk-binary-v1.json: ok")
        return
    with open(OUT, "w") as f:
        f.write(text)
    print("wrote", OUT)


if __name__ == "__main__":
    main()
