"""FinalizeBlock's ABCI answer carries each tx's result as executed: code, codespace (only
on failure), log, data, gas and every event with its attributes, in block order, and the
block's own events; the txs' attributes marked for CometBFT's index only while CometBFT
indexes them (``tx_index = "cometbft"``), the block's always."""

from __future__ import annotations

import hashlib

import pytest

from ledger import codes
from pysei_pb.tendermint.abci import types_pb2 as abci
from tests.support.chain import GENESIS_SECONDS, cosmos_send, evm_transfer, make_keys, started_chain

KEYS = make_keys(3, seed="finalize-response")
#: a send (fee, coin moves, message), the EVM tx (its own event), refusals in the ante and the decoder (none)
EVENT_COUNTS = [8, 1, 0, 0]


def _expected(r, index: bool) -> abci.ExecTxResult:
    """The answer built the plain way (keyword arguments), as the oracle."""
    return abci.ExecTxResult(
        code=r.code, data=r.data, log=r.log, gas_wanted=r.gas_wanted, gas_used=r.gas_used,
        codespace=r.codespace if r.code != codes.OK else "",
        events=[abci.Event(type=e.type, attributes=[abci.EventAttribute(key=k, value=v, index=index)
                                                    for k, v in e.attributes]) for e in r.events],
    )


#: tx_index -> whether CometBFT's index gets the txs' attributes
TX_INDEX = {"cometbft": True, "app": False}


@pytest.fixture(params=list(TX_INDEX))
def chain(tmp_path, request):
    with started_chain(tmp_path, KEYS, tx_index=request.param) as c:
        c.tx_index = request.param
        yield c


def test_each_tx_result_and_the_block_events_are_answered_as_executed(chain) -> None:
    txs = [cosmos_send(KEYS[0], KEYS[2].sei, 5, 0, 0), evm_transfer(KEYS[1], b"\x42" * 20, 7, 0),
           cosmos_send(KEYS[0], KEYS[2].sei, 5, 0, 9), b"\x0a\x01junk"]
    req = abci.RequestFinalizeBlock(txs=txs, height=2, hash=hashlib.sha256(b"h2").digest(), proposer_address=b"\x01" * 20)
    req.time.seconds = GENESIS_SECONDS + 2
    resp = chain.app.finalize_block(req)
    block, outcome = chain.app._staged
    assert [r.code for r in block.results] == [codes.OK, codes.OK, codes.INVALID_SEQUENCE, codes.TX_DECODE]
    assert list(resp.tx_results) == [_expected(r, TX_INDEX[chain.tx_index]) for r in block.results]
    assert [len(r.events) for r in resp.tx_results] == EVENT_COUNTS
    assert list(resp.events) == [abci.Event(type=e.type, attributes=[abci.EventAttribute(key=k, value=v, index=True)
                                                                      for k, v in e.attributes]) for e in outcome.events]
    chain.app.commit(abci.RequestCommit())
