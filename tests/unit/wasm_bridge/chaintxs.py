"""Signed wasm, EVM and bank txs for ``tests.support.chain.InProcessChain`` users.

``Signer`` tracks each key's native sequence and EVM nonce, so tests write blocks as
lists of calls. Account numbers follow genesis order (``InProcessChain`` funds the keys
in order).
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from abci_app.cosmos_tx.builder import build_and_sign
from ledger.addresses import to_bech32
from pysei_pb.cosmos.bank.v1beta1 import tx_pb2 as bank_tx
from pysei_pb.cosmwasm.wasm.v1 import query_pb2
from pysei_pb.cosmwasm.wasm.v1 import tx_pb2 as wasm_tx
from pysei_pb.tendermint.abci import types_pb2 as abci
from tests.support.chain import CHAIN_ID, InProcessChain, TestKey, evm_transfer
from tests.support.solc import compile_contract

ROOT = Path(__file__).resolve().parents[3]
INTERFACES = ROOT / "evm_bridge" / "precompiles"
CONTRACTS = ROOT / "tests" / "contracts"

WASM_MODULES = ("auth", "bank", "evm", "wasm")
#: usei per gas paid by the native txs (the node's local minimum is 0.01).
PRICE_DIVISOR = 100


def funds(msg: Any, coins: Sequence[tuple[str, int]]) -> None:
    for denom, amount in coins:
        c = msg.funds.add()
        c.denom, c.amount = denom, str(amount)


class Signer:
    def __init__(self, keys: Sequence[TestKey]) -> None:
        self.keys = list(keys)
        self.seq = [0] * len(keys)
        self.nonce = [0] * len(keys)

    def native(self, i: int, msg: Any, gas: int) -> bytes:
        key = self.keys[i]
        raw = build_and_sign(key.privkey, [msg], CHAIN_ID, i, self.seq[i], gas // PRICE_DIVISOR + 1, gas)
        self.seq[i] += 1
        return raw

    def store(self, i: int, code: bytes, gas: int = 8_000_000) -> bytes:
        return self.native(i, wasm_tx.MsgStoreCode(sender=self.keys[i].bech32, wasm_byte_code=code), gas)

    def instantiate(self, i: int, code_id: int, msg: dict, gas: int = 1_000_000, label: str = "c") -> bytes:
        m = wasm_tx.MsgInstantiateContract(
            sender=self.keys[i].bech32, admin=self.keys[i].bech32, code_id=code_id, label=label,
            msg=json.dumps(msg).encode(),
        )
        return self.native(i, m, gas)

    def execute(self, i: int, contract: str, msg: dict, gas: int = 1_000_000,
                coins: Sequence[tuple[str, int]] = ()) -> bytes:
        m = wasm_tx.MsgExecuteContract(sender=self.keys[i].bech32, contract=contract, msg=json.dumps(msg).encode())
        funds(m, coins)
        return self.native(i, m, gas)

    def send(self, i: int, to: bytes, amount: int) -> bytes:
        m = bank_tx.MsgSend(from_address=self.keys[i].bech32, to_address=to_bech32(to))
        c = m.amount.add()
        c.denom, c.amount = "usei", str(amount)
        return self.native(i, m, 200_000)

    def evm(self, i: int, to: bytes | None, data: bytes = b"", value: int = 0, gas: int = 1_000_000) -> bytes:
        raw = evm_transfer(self.keys[i], to or b"", value, self.nonce[i], data=data, gas=gas, create=to is None)
        self.nonce[i] += 1
        return raw


def event_attr(result: Any, kind: str, key: str) -> str:
    """The first ``key`` attribute of a ``kind`` event of an ABCI ``ExecTxResult``."""
    for e in result.events:
        if e.type == kind:
            for a in e.attributes:
                if a.key == key:
                    return a.value
    raise KeyError(f"{kind}.{key}")


def smart(chain: InProcessChain, contract: str, msg: dict) -> dict:
    """A smart query through the app's ABCI ``Query`` at the latest height."""
    req = query_pb2.QuerySmartContractStateRequest(address=contract, query_data=json.dumps(msg).encode())
    res = chain.app.query(abci.RequestQuery(path="/cosmwasm.wasm.v1.Query/SmartContractState",
                                            data=req.SerializeToString()))
    assert res.code == 0, res.log
    return json.loads(query_pb2.QuerySmartContractStateResponse.FromString(res.value).data)


def compile_with_interfaces(name: str, folder: Path) -> tuple[list, bytes]:
    """Compile ``tests/contracts/<name>.sol`` with its ``import "./X.sol";`` of the published
    precompile interfaces inlined (``compile_contract`` takes one source)."""

    def body(m: re.Match[str]) -> str:
        text = (INTERFACES / m.group(1)).read_text()
        return "\n".join(line for line in text.splitlines() if not line.startswith(("// SPDX", "pragma")))

    flat = folder / f"{name}.sol"
    flat.write_text(re.sub(r'import "\./([A-Za-z]+\.sol)";', body, (CONTRACTS / f"{name}.sol").read_text()))
    return compile_contract(flat, name)
