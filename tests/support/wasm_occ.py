"""The serial oracle for the Wasm OCC property tests: two in-process chains, one executing
serially (1 worker) and one with 4 OCC worker processes, fed the same signed txs; every
block's tx results (code, log, gas used, data) and app hash must agree.

``Pair`` builds the chains and signs the tx kinds the suites share; ``agree`` is the
comparison and ``assert_oracle_catches`` its mutation check (changing any compared field
of the OCC side must make ``agree`` fail), so a suite cannot pass vacuously.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest
from eth_abi import encode
from eth_hash.auto import keccak

from evm_bridge.precompiles.wasmd import ADDRESS as WASMD
from pysei_pb.tendermint.abci import types_pb2 as abci
from tests.support.chain import InProcessChain, TestKey, make_keys
from tests.unit.wasm_bridge.chaintxs import WASM_MODULES, Signer

N_USERS = 4
WEI = 10**12  # wei per usei
WORKERS = (1, 4)  # the oracle first

Op = tuple[str, int, int, int]
"""(kind, from user, to user, amount)."""
Result = tuple[int, str, int, bytes]
"""What is compared of one tx: (code, log, gas used, data)."""


def abi_call(signature: str, types: list[str], args: list[Any]) -> bytes:
    """Calldata: the 4-byte selector of ``signature`` and the ABI-encoded ``args``."""
    return keccak(signature.encode())[:4] + encode(types, args)


def wasmd_execute(contract: str, msg: dict[str, Any], coins: bytes = b"") -> bytes:
    """Calldata of the wasmd precompile's ``execute(contract, msg, coins)``."""
    return abi_call("execute(string,bytes,bytes)", ["string", "bytes", "bytes"], [contract, json.dumps(msg).encode(), coins])


def cw20_init(keys: Sequence[TestKey], held: int) -> dict[str, Any]:
    """cw20-base's instantiate message: token TOK, ``held`` for each key."""
    return {"name": "Token", "symbol": "TOK", "decimals": 6,
            "initial_balances": [{"address": k.bech32, "amount": str(held)} for k in keys]}


def results(response: abci.ResponseFinalizeBlock) -> list[Result]:
    return [(r.code, r.log, r.gas_used, r.data) for r in response.tx_results]


def agree(serial: abci.ResponseFinalizeBlock, occ: abci.ResponseFinalizeBlock) -> list[Result]:
    """The serial results; ``AssertionError`` unless OCC's results and app hash are the same."""
    expected = results(serial)
    assert results(occ) == expected
    assert occ.app_hash == serial.app_hash
    return expected


def _mutations(occ: abci.ResponseFinalizeBlock) -> list[abci.ResponseFinalizeBlock]:
    """Copies of ``occ`` with one compared field changed each."""
    edits = [
        lambda r: setattr(r.tx_results[0], "code", r.tx_results[0].code + 1),
        lambda r: setattr(r.tx_results[0], "log", r.tx_results[0].log + "!"),
        lambda r: setattr(r.tx_results[0], "gas_used", r.tx_results[0].gas_used + 1),
        lambda r: setattr(r.tx_results[0], "data", r.tx_results[0].data + b"\0"),
        lambda r: setattr(r, "app_hash", bytes(b ^ 1 for b in r.app_hash)),
        lambda r: r.tx_results.__delitem__(-1),
    ]
    out = []
    for edit in edits:
        copy = abci.ResponseFinalizeBlock()
        copy.CopyFrom(occ)
        edit(copy)
        out.append(copy)
    return out


class Pair:
    """The serial and the OCC chain, with ``N_USERS`` funded keys and one ``Signer``."""

    def __init__(self, folder: Path, seed: str) -> None:
        self.keys = make_keys(N_USERS, seed=seed)
        self.s = Signer(self.keys)
        self.chains = [InProcessChain(folder / f"w{w}", self.keys, workers=w, modules=WASM_MODULES) for w in WORKERS]
        for c in self.chains:
            c.init_chain()

    def responses(self, txs: list[bytes]) -> list[abci.ResponseFinalizeBlock]:
        """Run one block of ``txs`` on both chains: (serial, OCC) responses."""
        return [c.block(txs) for c in self.chains]

    def block(self, txs: list[bytes]) -> list[Result]:
        """Run one block on both chains; the serial results, checked against OCC's."""
        return agree(*self.responses(txs))

    @staticmethod
    def ok(outcome: list[Result]) -> None:
        assert all(code == 0 for code, *_ in outcome), outcome

    def transfer(self, op: Op, token: str) -> bytes:
        """The tx of a kind both suites use: ``wasm`` (cw20 ``transfer`` of ``token``),
        ``evm_wasm`` (the same through the wasmd precompile), ``evm`` (a value transfer),
        ``send`` (a bank send)."""
        kind, i, j, amount = op
        to = self.keys[j]
        cw20_transfer = {"transfer": {"recipient": to.bech32, "amount": str(amount)}}
        if kind == "wasm":
            return self.s.execute(i, token, cw20_transfer, gas=400_000)
        if kind == "evm_wasm":
            return self.s.evm(i, WASMD, wasmd_execute(token, cw20_transfer), gas=400_000)
        if kind == "evm":
            return self.s.evm(i, to.evm, value=amount * WEI, gas=21_000)
        if kind == "send":
            return self.s.send(i, to.sei, amount)
        raise ValueError(f"unknown op kind {kind!r}")

    def close(self) -> None:
        for c in self.chains:
            c.close()


def assert_oracle_catches(pair: Pair, txs: list[bytes]) -> None:
    """Run ``txs`` as one block (which must agree), then check that every mutation of the
    OCC response makes ``agree`` fail."""
    serial, occ = pair.responses(txs)
    agree(serial, occ)
    for mutated in _mutations(occ):
        with pytest.raises(AssertionError):
            agree(serial, mutated)
