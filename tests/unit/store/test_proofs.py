"""Query proofs: every present and absent key proves against the app hash; anything
tampered with does not."""

from __future__ import annotations

from pathlib import Path

import pytest

from store.api import ChangeSet
from store.multistore import SeiDB
from store.proofs import prove_key, verify_proof
from store.sc import multitree

KEYS = [b"%03d" % i for i in range(0, 60, 3)]


@pytest.fixture
def roots() -> multitree.Roots:
    cs = ChangeSet.from_writes({"bank": {k: b"v" + k for k in KEYS}, "acc": {b"only": b"1"}})
    return multitree.apply({}, 1, cs)


def test_present_and_absent_keys(roots: multitree.Roots) -> None:
    app_hash = multitree.app_hash(roots)
    for k in KEYS:
        ops = prove_key(roots, "bank", k)
        assert verify_proof(app_hash, "bank", k, b"v" + k, ops)
        assert not verify_proof(app_hash, "bank", k, b"wrong", ops)
        assert not verify_proof(app_hash, "bank", k, None, ops)
        assert not verify_proof(app_hash, "acc", k, b"v" + k, ops)
    for k in [b"", b"001", b"030\x00", b"999", b"0"]:
        ops = prove_key(roots, "bank", k)
        assert verify_proof(app_hash, "bank", k, None, ops)
        assert not verify_proof(app_hash, "bank", k, b"x", ops)
    for k in (b"a", b"only", b"z"):
        ops = prove_key(roots, "acc", k)
        assert verify_proof(app_hash, "acc", k, b"1" if k == b"only" else None, ops)


def test_empty_store_absence(roots: multitree.Roots) -> None:
    app_hash = multitree.app_hash(roots)
    ops = prove_key(roots, "evm", b"k")
    assert len(ops) == 1
    assert verify_proof(app_hash, "evm", b"k", None, ops)
    assert not verify_proof(app_hash, "evm", b"k", b"v", ops)


def test_proof_for_one_key_does_not_prove_another(roots: multitree.Roots) -> None:
    app_hash = multitree.app_hash(roots)
    ops = prove_key(roots, "bank", b"003")
    assert not verify_proof(app_hash, "bank", b"006", b"v006", ops)
    absent = prove_key(roots, "bank", b"004")
    assert not verify_proof(app_hash, "bank", b"007", None, absent)
    assert not verify_proof(app_hash, "bank", b"003", None, absent)


def test_tampering_is_detected(roots: multitree.Roots) -> None:
    app_hash = multitree.app_hash(roots)
    for key, value in [(b"030", b"v030"), (b"031", None)]:
        ops = prove_key(roots, "bank", key)
        typ, k, data = ops[0]
        for i in range(len(data)):
            bad = bytearray(data)
            bad[i] ^= 0x01
            assert not verify_proof(app_hash, "bank", key, value, ((typ, k, bytes(bad)), ops[1]))
        assert not verify_proof(b"\x00" * 32, "bank", key, value, ops)


def test_query_with_proof(tmp_path: Path) -> None:
    with SeiDB(tmp_path) as db:
        for h in range(1, 4):
            db.stage(h, ChangeSet.from_writes({"bank": {b"k%d" % h: b"v%d" % h}}))
            db.commit()
        hashes = {3: db.last_app_hash()}
        q = db.query("bank", b"k2", prove=True)
        assert q.value == b"v2" and q.height == 3
        assert verify_proof(hashes[3], "bank", b"k2", q.value, q.proof_ops)
        q = db.query("bank", b"k9", prove=True)
        assert q.value is None and verify_proof(hashes[3], "bank", b"k9", None, q.proof_ops)
