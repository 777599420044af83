"""The app's ABCI methods take any bytes a peer or a user can send: CheckTx answers a code,
ProcessProposal accepts or rejects, PrepareProposal builds a proposal, FinalizeBlock runs
garbage txs as failed txs beside a valid one; nothing raises, and garbage never changes
state (two chains fed the same block agree)."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pysei_pb.tendermint.abci import types_pb2 as abci
from tests.support.chain import InProcessChain, evm_transfer, make_keys

from .conftest import FUZZ
from .test_decoders import OUTSIDE_BYTES

KEYS = make_keys(2)


@pytest.fixture(scope="module")
def chain(tmp_path_factory: pytest.TempPathFactory) -> InProcessChain:
    c = InProcessChain(Path(tmp_path_factory.mktemp("fuzz")), KEYS)
    c.init_chain()
    c.block([])
    yield c
    c.close()


@FUZZ
@given(OUTSIDE_BYTES)
def test_check_tx_answers_a_code(chain: InProcessChain, raw: bytes) -> None:
    for kind in (abci.NEW, abci.RECHECK):
        resp = chain.app.check_tx(abci.RequestCheckTx(tx=raw, type=kind))
        assert isinstance(resp.code, int)


@FUZZ
@given(st.lists(OUTSIDE_BYTES, max_size=8))
def test_proposals_never_raise(chain: InProcessChain, txs: list[bytes]) -> None:
    height = chain.height + 1
    prepared = chain.app.prepare_proposal(abci.RequestPrepareProposal(txs=txs, max_tx_bytes=1 << 20, height=height))
    assert len(prepared.txs) <= len(txs)
    resp = chain.app.process_proposal(abci.RequestProcessProposal(txs=txs, height=height))
    assert resp.status in (abci.ResponseProcessProposal.ACCEPT, abci.ResponseProcessProposal.REJECT)


def test_garbage_in_a_block_fails_alone(tmp_path: Path) -> None:
    garbage = [b"", b"\x0a\xff", b"\x02\xc0", b"\xc1" * 1000, b"\x7f" * 64]
    hashes = []
    for name in ("a", "b"):
        with InProcessChain(tmp_path / name, KEYS) as c:
            c.init_chain()
            nonce_tx = evm_transfer(KEYS[0], KEYS[1].evm, 10**12, 0)
            resp = c.block([*garbage, nonce_tx])
            assert [r.code != 0 for r in resp.tx_results] == [True] * len(garbage) + [False]
            hashes.append(resp.app_hash)
    assert hashes[0] == hashes[1]
