"""OCC equals serial execution for blocks mixing ERC-20 pointer transfers with direct
native and EVM transfers of the same assets, and every denom's supply is conserved.

Four linked accounts hold usei and a tokenfactory denom; both denoms have native pointers
(deployed by ``addNativePointer`` before the block). Random blocks mix native MsgSends of
either denom, ERC-20 ``transfer``/``approve``/``transferFrom`` on the pointers, and plain
EVM value transfers (amounts above balances included). ``SerialExecutor`` and
``OccScheduler(InProcessExecutor(4))`` give identical results and change sets, and after the
block the balances of each denom add up to its supply (usei: plus the fees the block owes).
"""

from __future__ import annotations

from typing import Any

import pytest
from coincurve import PrivateKey
from eth_abi import encode
from eth_hash.auto import keccak
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from abci_app.application.runner import AppTaskRunner, BlockTask
from abci_app.application.txcodec import TxCodec
from abci_app.cosmos_tx.builder import build_and_sign
from abci_app.modules.loader import load_modules
from evm_bridge.execute import execute_tx
from evm_bridge.pointers.build import ensure_built
from evm_bridge.precompiles.pointer import ADDRESS as POINTER
from evm_bridge.precompiles.registry import precompile_table
from evm_bridge.signer import address_of, sign_tx
from evm_bridge.txs import decode_tx
from ledger import bank
from ledger.addresses import sei_address_from_pubkey, to_bech32
from ledger.context import BlockContext
from ledger.encoding import decode_uint
from occ.executors import InProcessExecutor, SerialExecutor
from occ.memory import MemoryView
from occ.scheduler import OccScheduler
from pysei_pb.cosmos.bank.v1beta1 import tx_pb2 as bank_tx
from pysei_pb.cosmos.base.v1beta1 import coin_pb2
from store.overlay import EmptyView, Overlay

CHAIN_ID = "pysei-prop-1"
EVM_CHAIN_ID = 713714
MODULES = ("auth", "bank", "evm", "tokenfactory")
PRIVS = [bytes([i]) * 32 for i in range(1, 5)]
ADDRS = [sei_address_from_pubkey(PrivateKey(p).public_key.format(compressed=True)) for p in PRIVS]
EVMS = [address_of(p) for p in PRIVS]
NAMES = [to_bech32(a) for a in ADDRS]
GOLD = f"factory/{NAMES[0]}/gold"
ASSETS = ("usei", GOLD)
USEI_HELD, GOLD_HELD = 10**7, 500
CTX = BlockContext(
    height=9, time_ns=1_700_000_000_000_000_000, chain_id=CHAIN_ID, evm_chain_id=EVM_CHAIN_ID,
    proposer=b"\0" * 20, block_hash=b"\1" * 32, gas_limit=10**9, base_fee_wei=0,
)


def _pointer_address(nonce: int) -> bytes:
    return keccak(b"\xd6\x94" + POINTER + bytes([0x80 if nonce == 0 else nonce]))[12:]


POINTERS = {"usei": _pointer_address(0), GOLD: _pointer_address(1)}


def _genesis() -> dict[str, dict[bytes, bytes]]:
    """Genesis, then both pointers registered by account 0's EVM txs (nonces 0 and 1)."""
    ensure_built()
    pubs = [PrivateKey(p).public_key.format(compressed=True) for p in PRIVS]
    state = {
        "auth": {"accounts": [{"address": n, "pub_key": pk.hex()} for n, pk in zip(NAMES, pubs, strict=True)]},
        "bank": {"balances": [{"address": n, "coins": [{"denom": GOLD, "amount": str(GOLD_HELD)},
                                                       {"denom": "usei", "amount": str(USEI_HELD)}]} for n in NAMES]},
        "evm": {"associations": [{"sei_address": n, "evm_address": "0x" + e.hex()}
                                 for n, e in zip(NAMES, EVMS, strict=True)]},
        "tokenfactory": {"factory_denoms": [{"denom": GOLD, "authority_metadata": {"admin": NAMES[0]}}]},
    }
    view = Overlay(EmptyView())
    modules = load_modules(MODULES)
    precompiles = precompile_table(m.precompiles for m in modules)
    for module in modules:
        if module.init_genesis is not None:
            module.init_genesis(view, state.get(module.name, {}))
    view.set(bank.STORE, b"m" + GOLD.encode(), b'{"base":"' + GOLD.encode() + b'","denom_units":[]}')
    for nonce, denom in enumerate(ASSETS):
        data = keccak(b"addNativePointer(string)")[:4] + encode(["string"], [denom])
        raw = sign_tx(PRIVS[0], chain_id=EVM_CHAIN_ID, nonce=nonce, gas=3_000_000, to=POINTER, data=data)
        result = execute_tx(decode_tx(raw, EVM_CHAIN_ID), CTX, view, precompiles)
        assert result.code == 0, result.log
    return {store: {k: v for k, v in pairs.items() if v is not None} for store, pairs in view.writes().items()}


@pytest.fixture(scope="module")
def base() -> dict[str, dict[bytes, bytes]]:
    return _genesis()


def _call(sig: str, types: list[str], args: list[Any]) -> bytes:
    return keccak(sig.encode())[:4] + encode(types, args)


def _evm_payload(op: tuple[Any, ...]) -> tuple[bytes, int, bytes]:
    """(to, value in wei, calldata) of an EVM op."""
    kind = op[0]
    if kind == "value":
        return EVMS[op[2]], op[3] * bank.WEI_PER_USEI, b""
    token = POINTERS[ASSETS[op[3]]]
    if kind == "erc20":
        return token, 0, _call("transfer(address,uint256)", ["address", "uint256"], ["0x" + EVMS[op[2]].hex(), op[4]])
    if kind == "approve":
        return token, 0, _call("approve(address,uint256)", ["address", "uint256"], ["0x" + EVMS[op[2]].hex(), op[4]])
    owner, to = op[2]
    args = ["0x" + EVMS[owner].hex(), "0x" + EVMS[to].hex(), op[4]]
    return token, 0, _call("transferFrom(address,address,uint256)", ["address", "address", "uint256"], args)


who = st.integers(0, 3)
asset = st.integers(0, 1)
amount = st.integers(1, 700)
op = st.one_of(
    st.tuples(st.just("native"), who, who, asset, amount),
    st.tuples(st.just("erc20"), who, who, asset, amount),
    st.tuples(st.just("value"), who, who, amount),
    st.tuples(st.just("approve"), who, who, asset, amount),
    st.tuples(st.just("pull"), who, st.tuples(who, who), asset, amount),
)


def block_tasks(ops: list[tuple[Any, ...]]) -> list[BlockTask]:
    codec = TxCodec(EVM_CHAIN_ID, 1 << 20, {u: h for m in load_modules(MODULES) for u, h in m.messages.items()})
    sequences, nonces = [0, 0, 0, 0], [2, 0, 0, 0]
    tasks = []
    for o in ops:
        signer = o[1]
        if o[0] == "native":
            coin = coin_pb2.Coin(denom=ASSETS[o[3]], amount=str(o[4]))
            msg = bank_tx.MsgSend(from_address=NAMES[signer], to_address=NAMES[o[2]], amount=[coin])
            raw = build_and_sign(PRIVS[signer], [msg], CHAIN_ID, signer, sequences[signer], 4_000, 400_000)
            sequences[signer] += 1
        else:
            to, value, data = _evm_payload(o)
            raw = sign_tx(PRIVS[signer], chain_id=EVM_CHAIN_ID, nonce=nonces[signer], gas=300_000, to=to,
                          value=value, data=data, max_fee_per_gas=10**9, max_priority_fee_per_gas=0)
            nonces[signer] += 1
        tasks.append(BlockTask(codec.decode(raw)))
    return tasks


def run(scheduler: Any, tasks: list[BlockTask], base: dict[str, dict[bytes, bytes]]) -> tuple[Any, Any]:
    schedule = scheduler.execute_block(tasks, CTX, MemoryView(base), 1, AppTaskRunner(MODULES, CHAIN_ID))
    return tuple(schedule.outputs), schedule.changeset


def totals(state: dict[str, dict[bytes, bytes]]) -> dict[str, int]:
    """Per denom: the sum of balances (usei in wei, remainders included) and the supply."""
    out: dict[str, int] = {}
    for key, value in state.get(bank.STORE, {}).items():
        if key[:1] == b"b":
            n = key[1]
            denom = key[2 + n :].decode()
            scale = bank.WEI_PER_USEI if denom == "usei" else 1
            out[denom] = out.get(denom, 0) + decode_uint(value) * scale
        elif key[:1] == b"w":
            out["usei"] = out.get("usei", 0) + decode_uint(value)
    return out


def after(base: dict[str, dict[bytes, bytes]], changeset: Any) -> dict[str, dict[bytes, bytes]]:
    state = {store: dict(pairs) for store, pairs in base.items()}
    for store, pairs in changeset.changes.items():
        for key, value in pairs:
            if value is None:
                state.setdefault(store, {}).pop(key, None)
            else:
                state.setdefault(store, {})[key] = value
    return state


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(ops=st.lists(op, min_size=1, max_size=20))
def test_four_workers_equal_serial_and_supply_is_conserved(base: dict, ops: list[tuple[Any, ...]]) -> None:
    tasks = block_tasks(ops)
    expected = run(SerialExecutor(), tasks, base)
    assert run(OccScheduler(InProcessExecutor(4)), tasks, base) == expected
    results, changeset = expected
    before, now = totals(base), totals(after(base, changeset))
    fees = sum(r.fee_wei for r in results)
    assert now["usei"] + fees == before["usei"]
    assert now[GOLD] == before[GOLD] == decode_uint(after(base, changeset)[bank.STORE][b"s" + GOLD.encode()])


def test_a_mixed_block_has_successes_and_failures(base: dict) -> None:
    """The oracle is not vacuous: pointer, native and EVM moves of one asset in one block."""
    ops = [("erc20", 0, 1, 1, 400), ("native", 1, 2, 1, 800), ("native", 1, 2, 1, 700),
           ("approve", 2, 3, 1, 100), ("pull", 3, (2, 0), 1, 150), ("pull", 3, (2, 0), 1, 100),
           ("value", 0, 3, 5), ("erc20", 3, 0, 0, 9)]
    tasks = block_tasks(ops)
    results, changes = run(SerialExecutor(), tasks, base)
    assert [r.code for r in results] == [0, 0, 5, 0, 100, 0, 0, 0]
    assert run(OccScheduler(InProcessExecutor(4)), tasks, base) == (results, changes)
    state = after(base, changes)
    gold = {n: decode_uint(state[bank.STORE].get(b"b" + bytes([20]) + a + GOLD.encode())) for n, a in enumerate(ADDRS)}
    assert gold == {0: 500 - 400 + 100, 1: 500 + 400 - 800, 2: 500 + 800 - 100, 3: 500}
