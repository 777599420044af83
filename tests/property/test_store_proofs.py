"""Proofs over random trees: every key's proof (present or absent) verifies against the
app hash, and only for the true value."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from store.api import ChangeSet
from store.proofs import prove_key, verify_proof
from store.sc import multitree

HISTORY = st.lists(
    st.dictionaries(st.binary(max_size=2), st.one_of(st.none(), st.binary(max_size=2)), max_size=12),
    min_size=1,
    max_size=6,
)


@settings(max_examples=80, deadline=None)
@given(history=HISTORY, probes=st.lists(st.binary(max_size=3), max_size=8))
def test_every_probe_proves(history: list[dict[bytes, bytes | None]], probes: list[bytes]) -> None:
    roots: multitree.Roots = {}
    model: dict[bytes, bytes] = {}
    for version, writes in enumerate(history, start=1):
        roots = multitree.apply(roots, version, ChangeSet.from_writes({"bank": writes}))
        for k, v in writes.items():
            if v is None:
                model.pop(k, None)
            else:
                model[k] = v
    app_hash = multitree.app_hash(roots)
    for key in [*model, *probes]:
        ops = prove_key(roots, "bank", key)
        value = model.get(key)
        assert verify_proof(app_hash, "bank", key, value, ops)
        assert not verify_proof(app_hash, "bank", key, b"\xff" * 4, ops)
        if value is not None:
            assert not verify_proof(app_hash, "bank", key, None, ops)
