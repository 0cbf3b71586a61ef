#!/usr/bin/env python3
"""Golden vectors of receipts v1 and inclusion proofs v1, computed independently of the Java code.

BLAKE3 comes from the `b3sum` tool (Debian package b3sum), Ed25519 from Python's `cryptography` package, and,
as a second opinion on every signature, from `openssl pkeyutl -sign -rawin` with a key file built from the seed as
wire-format-v1 section 4 describes. Everything else (canonical bytes, tree, JSON) is written out below from the
specs alone: docs/spec/receipts-v1.md, docs/spec/inclusion-proof-v1.md, ../shared/spec/wire-format-v1.md.

    python3 scripts/vectors/receipts_proofs_v1.py          # writes the two vector files
    python3 scripts/vectors/receipts_proofs_v1.py --check  # recomputes them and compares with the files

The Java golden-vector tests (ReceiptGoldenVectorTest, InclusionProofGoldenVectorTest) read the same files.
"""
import base64
import json
import os
import struct
import subprocess
import sys
import tempfile

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives import serialization

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
OUT = os.path.join(ROOT, "l2-core", "src", "test", "resources", "vectors")
SEED = bytes([0x42]) * 32


def blake3(data: bytes) -> bytes:
    out = subprocess.run(["b3sum", "--no-names"], input=data, capture_output=True, check=True).stdout
    return bytes.fromhex(out.decode().strip())


def u16(v): return struct.pack("<H", v)
def u32(v): return struct.pack("<I", v)
def u64(v): return struct.pack("<Q", v)
def u64be(v): return struct.pack(">Q", v)
def string(b: bytes): return u64(len(b)) + b
def b64url(b: bytes): return base64.urlsafe_b64encode(b).rstrip(b"=").decode()


def sign(message: bytes) -> bytes:
    key = Ed25519PrivateKey.from_private_bytes(SEED)
    sig = key.sign(message)
    # second opinion: openssl with the PKCS#8 key file of wire-format-v1 section 4
    der = bytes.fromhex("302e020100300506032b657004220420") + SEED
    with tempfile.TemporaryDirectory() as d:
        kf, mf = os.path.join(d, "k.der"), os.path.join(d, "m.bin")
        open(kf, "wb").write(der)
        open(mf, "wb").write(message)
        ossl = subprocess.run(["openssl", "pkeyutl", "-sign", "-rawin", "-keyform", "DER", "-inkey", kf, "-in", mf],
                              capture_output=True, check=True).stdout
    assert ossl == sig, "openssl and cryptography disagree on the signature"
    return sig


def public_key() -> bytes:
    return Ed25519PrivateKey.from_private_bytes(SEED).public_key().public_bytes(
        serialization.Encoding.Raw, serialization.PublicFormat.Raw)


# ---- wire format v1 -------------------------------------------------------------------------------------------------

def tx_body(tx): return u64(tx["chain_id"]) + u64(tx["nonce"]) + string(tx["from"].encode()) + string(bytes.fromhex(tx["payload"]))
def tx_canonical(tx): return u16(1) + tx_body(tx)
def tx_hash(tx): return blake3(tx_canonical(tx))


def batch_canonical(b):
    body = u64(b["chain_id"]) + u64(b["batch_number"]) + u64(len(b["txs"])) + b"".join(tx_body(t) for t in b["txs"])
    return u16(1) + body + u64(b["created_ms"])


def payload_body(chain, batch_hash, prev, created, tx_count, tx_bytes, tx_root, payload: bytes):
    hexed = payload.hex().encode()
    return (u64(chain) + batch_hash + prev + u64(created) + u32(tx_count) + u64(tx_bytes) + tx_root
            + string(hexed))


# ---- receipts v1 ----------------------------------------------------------------------------------------------------

def leaf(seq, h): return blake3(b"\x00" + u64(seq) + h)
def node(l, r): return blake3(b"\x01" + l + r)


def mth(leaves):
    if len(leaves) == 1:
        return leaves[0]
    k = 1
    while k * 2 < len(leaves):
        k *= 2
    return node(mth(leaves[:k]), mth(leaves[k:]))


def path(m, leaves):
    if len(leaves) == 1:
        return []
    k = 1
    while k * 2 < len(leaves):
        k *= 2
    if m < k:
        return path(m, leaves[:k]) + [mth(leaves[k:])]
    return path(m - k, leaves[k:]) + [mth(leaves[:k])]


def dumps(obj): return json.dumps(obj, separators=(",", ":"), ensure_ascii=True)


TXS = [
    {"chain_id": 1337, "nonce": 42, "from": "user-1", "payload": "aabbcc"},
    {"chain_id": 1337, "nonce": 43, "from": "user-1", "payload": "ddeeff"},
    {"chain_id": 1337, "nonce": 1, "from": "user-2", "payload": "01020304"},
]


def receipts():
    g = {"chain_id": 1337, "term": 3, "first_seq": 100, "accepted_ms": 1735000000000, "deadline_ms": 1735000060000}
    hashes = [tx_hash(t) for t in TXS]
    leaves = [leaf(g["first_seq"] + i, h) for i, h in enumerate(hashes)]
    root = mth(leaves)
    fields = (u64(g["chain_id"]) + u64(g["term"]) + u64(g["first_seq"]) + u32(len(TXS)) + u64(g["accepted_ms"])
              + u64(g["deadline_ms"]) + root)
    message = b"IPPAN-L2:ADMISSION_RECEIPT:V1\n" + fields
    sig = sign(message)
    pk = public_key()
    out = {
        "description": "receipts v1 golden vector: a group of 3 txs signed with the seed of 32 bytes 0x42 "
                       "(docs/spec/receipts-v1.md section 8); produced by scripts/vectors/receipts_proofs_v1.py",
        "seed": SEED.hex(), "public_key": pk.hex(),
        "group_input": dict(g, count=len(TXS)),
        "txs": TXS,
        "tx_canonical": [tx_canonical(t).hex() for t in TXS],
        "tx_hashes": [h.hex() for h in hashes],
        "leaf_hashes": [l.hex() for l in leaves],
        "node_0_1": node(leaves[0], leaves[1]).hex(),
        "root": root.hex(),
        "signed_message": message.hex(),
        "signature": sig.hex(),
        "encoded_group": (u16(1) + fields + pk + sig).hex(),
        "receipts": [],
    }
    for i, h in enumerate(hashes):
        p = path(i, leaves)
        out["receipts"].append({
            "index": i,
            "path": [x.hex() for x in p],
            "json": dumps({"version": "receipt-v1", "chain_id": g["chain_id"], "term": g["term"],
                           "seq": g["first_seq"] + i, "tx_hash": h.hex(),
                           "group": {"first_seq": g["first_seq"], "count": len(TXS),
                                     "accepted_ms": g["accepted_ms"], "deadline_ms": g["deadline_ms"],
                                     "root": root.hex()},
                           "path": [x.hex() for x in p], "sequencer_pubkey": pk.hex(), "signature": sig.hex()}),
        })
    return out


# ---- inclusion proofs v1 --------------------------------------------------------------------------------------------

def proof():
    pk = public_key()
    batch1 = {"chain_id": 1337, "batch_number": 1, "created_ms": 1734999999000,
              "txs": [{"chain_id": 1337, "nonce": 7, "from": "user-0", "payload": "00"}]}
    batch2 = {"chain_id": 1337, "batch_number": 2, "created_ms": 1735000001000, "txs": TXS}
    prev = blake3(batch_canonical(batch1))
    canonical = batch_canonical(batch2)
    batch_hash = blake3(canonical)
    hashes = [tx_hash(t) for t in TXS]
    tx_root = blake3(b"".join(hashes))
    tx_bytes = sum(len(bytes.fromhex(t["payload"])) for t in TXS)
    body = payload_body(1337, batch_hash, prev, batch2["created_ms"], len(TXS), tx_bytes, tx_root, canonical)
    payload_canonical = u16(1) + body
    envelope_hash = blake3(payload_canonical)
    sig = sign(b"IPPAN-L2:BATCH_ENVELOPE:V1\n" + payload_canonical)
    envelope = (u16(1) + string(b"v1") + body + string(pk.hex().encode()) + string(sig.hex().encode())
                + string(envelope_hash.hex().encode()))
    hub_payload = {"content_type": "application/octet-stream", "contract_version": "v1", "hub": "Fin",
                   "payload": b64url(envelope), "schema_version": "batch-envelope-v1"}
    hub_canonical = json.dumps(hub_payload, sort_keys=True, separators=(",", ":")).encode()
    key = blake3(b"ippan-l1l2" + b"v1" + b"Fin" + batch_hash.hex().encode() + u64be(2) + blake3(hub_canonical))
    request = {"batch_id": batch_hash.hex(), "commitment": tx_root.hex(), "contract_version": "v1", "fee": 0,
               "hub": "Fin", "idempotency_key": b64url(key), "payload": hub_payload, "sequence": 2,
               "tx_count": len(TXS)}
    request_bytes = json.dumps(request, sort_keys=True, separators=(",", ":")).encode()
    proof_json = dumps({"version": "inclusion-proof-v1", "chain_id": 1337, "tx_hash": hashes[1].hex(),
                        "tx_index": 1, "batch_number": 2, "batch_hash": batch_hash.hex(),
                        "prev_batch_hash": prev.hex(),
                        "predecessor": {"batch_number": 1, "batch_hash": prev.hex()},
                        "l1_request": b64url(request_bytes), "idempotency_key": b64url(key),
                        "l1": {"status": "included", "l1_tx_id": "devnet-tx-0002", "height": 12}})
    return {
        "description": "inclusion proof v1 golden vector: batch 2 of 3 txs signed with the seed of 32 bytes 0x42, "
                       "proof of its tx at index 1 (docs/spec/inclusion-proof-v1.md section 9); produced by "
                       "scripts/vectors/receipts_proofs_v1.py",
        "seed": SEED.hex(), "public_key": pk.hex(),
        "predecessor_batch": batch1, "batch": batch2,
        "first_seq": 100, "tx_seq": 101, "hub": "Fin", "fee": 0,
        "l1": {"status": "included", "l1_tx_id": "devnet-tx-0002", "height": 12},
        "predecessor_batch_hash": prev.hex(),
        "batch_canonical": canonical.hex(),
        "batch_hash": batch_hash.hex(),
        "tx_hashes": [h.hex() for h in hashes],
        "tx_root": tx_root.hex(),
        "envelope_hash": envelope_hash.hex(),
        "signature": sig.hex(),
        "envelope_canonical_blake3": blake3(envelope).hex(),
        "envelope_canonical_length": len(envelope),
        "hub_payload_blake3": blake3(hub_canonical).hex(),
        "idempotency_key": b64url(key),
        "l1_request_blake3": blake3(request_bytes).hex(),
        "l1_request_length": len(request_bytes),
        "proof_json": proof_json,
        "expected_verification": "VALID",
    }


def main():
    check = "--check" in sys.argv[1:]
    assert blake3(b"abc").hex() == "6437b3ac38465133ffb63b75273a8db548c558465d79db03fd359c6cd5bd9d85"
    assert public_key().hex() == "2152f8d19b791d24453242e15f2eab6cb7cffa7b6a5ed30097960e069881db12"
    assert tx_canonical(TXS[0]).hex() == ("010039050000000000002a000000000000000600000000000000757365722d31"
                                          "0300000000000000aabbcc")
    wire_batch = {"chain_id": 1337, "batch_number": 7, "created_ms": 1735000000000,
                  "txs": [{"chain_id": 1337, "nonce": 1, "from": "sequencer", "payload": "01020304"}]}
    assert blake3(batch_canonical(wire_batch)).hex() == "1f796b97c85e643d8f017aa862ddefe5a0e9dc9012655fd0a14506db4ecfb02d"
    assert blake3(u16(1) + payload_body(1, b"\x11" * 32, bytes(32), 1700000000000, 10, 2048, b"\x22" * 32,
                                        bytes.fromhex("deadbeef"))).hex() == \
        "780439101d54150438e3506fb9e4a4296982cf2c186103621a6312b983095301"
    failed = False
    for name, data in (("receipts-v1.json", receipts()), ("inclusion-proof-v1.json", proof())):
        text = json.dumps(data, indent=2) + "\n"
        target = os.path.join(OUT, name)
        if check:
            same = open(target).read() == text
            print(("same      " if same else "DIFFERENT ") + target)
            failed |= not same
        else:
            os.makedirs(OUT, exist_ok=True)
            open(target, "w").write(text)
            print("wrote " + target)
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
