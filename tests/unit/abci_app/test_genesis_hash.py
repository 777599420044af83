"""The genesis app hash is a function of the genesis state, not of how genesis.json is
formatted: CometBFT sends the file's app state as written on the first start and
compacted when it replays from genesis on a later one."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from google.protobuf.timestamp_pb2 import Timestamp

from pysei_pb.tendermint.abci import types_pb2 as abci
from tests.support.chain import CHAIN_ID, GENESIS_SECONDS, InProcessChain, make_keys


def _genesis_hash(folder: Path, encode) -> bytes:
    with InProcessChain(folder, make_keys(3)) as chain:
        req = abci.RequestInitChain(chain_id=CHAIN_ID, app_state_bytes=encode(chain.genesis).encode(),
                                    initial_height=1)
        req.consensus_params.block.max_gas = 100_000_000
        req.time.CopyFrom(Timestamp(seconds=GENESIS_SECONDS))
        return chain.app.init_chain(req).app_hash


@pytest.mark.parametrize("style", ["indented", "reordered_keys"])
def test_formatting_does_not_change_the_genesis_app_hash(tmp_path: Path, style: str) -> None:
    compact = _genesis_hash(tmp_path / "compact", lambda g: json.dumps(g, separators=(",", ":")))
    other = (lambda g: json.dumps(g, indent=2)) if style == "indented" else (
        lambda g: json.dumps(dict(reversed(list(g.items()))), indent=1))
    assert _genesis_hash(tmp_path / style, other) == compact
    assert len(compact) == 32
