"""Every object OCC ships between processes round-trips through pickle to an equal object
of the same class, field by field (the compact ``__reduce__``s must lose nothing)."""

from __future__ import annotations

import copy
import pickle
from dataclasses import fields, is_dataclass
from typing import Any

import pytest
from eth_account import Account

from abci_app.application.runner import BlockTask
from abci_app.application.txcodec import COSMOS, EVM, Decoded
from abci_app.cosmos_tx.builder import build_and_sign
from abci_app.cosmos_tx.decode import CosmosTx, decode_cosmos_tx
from abci_app.modules.loader import load_modules
from evm_bridge.api import EvmLog, EvmReceipt, EvmTx
from evm_bridge.txs import decode_tx
from ledger.addresses import to_checksum_evm
from ledger.results import Event, TxResult
from pysei_pb.cosmos.bank.v1beta1 import tx_pb2 as bank_tx
from tests.support.chain import CHAIN_ID, EVM_CHAIN_ID, cosmos_send, evm_transfer, make_keys

KEYS = make_keys(3, seed="perf-ipc")
HANDLERS: dict[str, Any] = {}
for _module in load_modules(("auth", "bank", "evm")):
    HANDLERS.update(_module.messages)


def roundtrip(obj: Any) -> Any:
    return pickle.loads(pickle.dumps(obj, pickle.HIGHEST_PROTOCOL))


def assert_same(a: Any, b: Any) -> None:
    """Equal, same class, and so on down every dataclass field (protobuf messages too)."""
    assert type(a) is type(b)
    assert a == b
    if is_dataclass(a):
        for f in fields(a):
            assert_same(getattr(a, f.name), getattr(b, f.name))
    elif isinstance(a, tuple):
        for x, y in zip(a, b, strict=True):
            assert_same(x, y)


def evm_txs() -> list[EvmTx]:
    key = KEYS[0]
    raws = [
        evm_transfer(key, KEYS[1].evm, 10**12, nonce=0),
        evm_transfer(key, b"", 0, nonce=1, data=bytes.fromhex("6080604052") * 9, gas=100_000, create=True),
        bytes(
            Account.sign_transaction(
                {"chainId": EVM_CHAIN_ID, "nonce": 2, "gas": 30_000, "gasPrice": 10**10,
                 "to": to_checksum_evm(KEYS[2].evm), "value": 5, "data": b"\x01\x02"},
                key.privkey,
            ).raw_transaction
        ),
        bytes(
            Account.sign_transaction(
                {"type": 1, "chainId": EVM_CHAIN_ID, "nonce": 3, "gas": 50_000, "gasPrice": 10**10,
                 "to": to_checksum_evm(KEYS[2].evm), "value": 0, "data": b"",
                 "accessList": [{"address": to_checksum_evm(KEYS[1].evm), "storageKeys": ["0x" + "00" * 31 + "07"]}]},
                key.privkey,
            ).raw_transaction
        ),
    ]
    return [decode_tx(raw, EVM_CHAIN_ID) for raw in raws]


def cosmos_txs() -> list[CosmosTx]:
    send = cosmos_send(KEYS[0], KEYS[1].sei, 1000, number=0, sequence=4)
    two = bank_tx.MsgSend(from_address=KEYS[0].bech32, to_address=KEYS[2].bech32)
    two.amount.add(denom="usei", amount="7")
    multi = build_and_sign(
        KEYS[0].privkey, [two, two], CHAIN_ID, 0, 5, 0, 300_000, "memo ✓", with_chain_id=False, timeout_height=9
    )
    return [decode_cosmos_tx(raw, 1 << 20, HANDLERS) for raw in (send, multi)]


RECEIPT = EvmReceipt(
    tx_hash=b"\x11" * 32, type=2, status=1, gas_used=51_000,
    logs=(EvmLog(b"\x22" * 20, (b"\x33" * 32, b"\x44" * 32), b"\x00" * 32), EvmLog(b"\x22" * 20, (), b"")),
    bloom=bytes(range(256)), contract_address=None, effective_gas_price=1_875_000_000,
    sender=b"\x55" * 20, to=b"\x22" * 20,
)
CREATION = EvmReceipt(
    tx_hash=b"\x66" * 32, type=0, status=1, gas_used=90_000, logs=(),
    bloom=bytes(256), contract_address=b"\x77" * 20, effective_gas_price=10**10, sender=b"\x55" * 20, to=None,
)
REVERTED = EvmReceipt(
    tx_hash=b"\x88" * 32, type=2, status=0, gas_used=23_000, logs=(),
    bloom=bytes(256), contract_address=None, effective_gas_price=1, sender=b"\x55" * 20, to=b"\x22" * 20,
    output=b"\x08\xc3\x79\xa0" + bytes(64), error="execution reverted",
)
EVENTS = (
    Event("message", (("action", "/cosmos.bank.v1beta1.MsgSend"), ("sender", "sei1xyz"))),
    Event("transfer", (("recipient", "sei1abc"), ("sender", "sei1xyz"), ("amount", "1000usei"))),
    Event("empty"),
)
RESULTS = [
    TxResult(),
    TxResult(code=5, log="insufficient funds: 3usei < 9usei", codespace="sdk", gas_wanted=80_000, gas_used=41_000),
    TxResult(gas_wanted=200_000, gas_used=54_580, events=EVENTS, data=b"\x12\x26", fee_wei=2 * 10**15),
    TxResult(gas_wanted=60_000, gas_used=51_000, events=EVENTS[:1], fee_wei=10**14, evm=RECEIPT),
    TxResult(gas_wanted=100_000, gas_used=90_000, fee_wei=9 * 10**14, evm=CREATION),
    TxResult(code=100, log="execution reverted", gas_wanted=30_000, gas_used=23_000, evm=REVERTED),
]


def block_tasks() -> list[BlockTask]:
    natives, evms = cosmos_txs(), evm_txs()
    return [
        BlockTask(Decoded(COSMOS, natives[0], b"\x01" * 32), verified_account=0),
        BlockTask(Decoded(COSMOS, natives[1], b"\x02" * 32)),
        BlockTask(Decoded(EVM, evms[1], b"\x03" * 32)),
        BlockTask(None, error_code=19, error_log="tx already in cache"),
    ]


def everything() -> list[Any]:
    return [
        *EVENTS, *RESULTS, RECEIPT, CREATION, REVERTED, *RECEIPT.logs,
        *evm_txs(), *cosmos_txs(), *block_tasks(),
    ]


@pytest.mark.parametrize("obj", everything(), ids=lambda o: type(o).__name__)
def test_each_object_round_trips(obj: Any) -> None:
    assert_same(roundtrip(obj), obj)
    assert_same(copy.copy(obj), obj)
    assert_same(copy.deepcopy(obj), obj)


def test_edge_cases_survive() -> None:
    creation = evm_txs()[1]
    assert creation.to is None and roundtrip(creation).to is None
    assert roundtrip(CREATION).logs == () and roundtrip(CREATION).contract_address == b"\x77" * 20
    failed = roundtrip(RESULTS[1])
    assert not failed.ok and failed.log == RESULTS[1].log and failed.events == ()
    assert roundtrip(BlockTask(None, 19, "x")).decoded is None
    assert hash(roundtrip(creation)) == hash(creation)


def test_a_chunk_round_trips_with_shared_objects() -> None:
    """As OCC ships them: many objects in one pickle (memoized classes and values)."""
    chunk = [(i, 0, task) for i, task in enumerate(block_tasks() * 3)]
    assert roundtrip(chunk) == chunk
    assert roundtrip(RESULTS * 4) == RESULTS * 4


def test_native_messages_stay_protobuf() -> None:
    tx = roundtrip(cosmos_txs()[1])
    assert [type(m) for _, m in tx.msgs] == [bank_tx.MsgSend, bank_tx.MsgSend]
    assert tx.chain_id is None and tx.timeout_height == 9 and tx.memo == "memo ✓"
    assert tx.signer_bech32 == KEYS[0].bech32
