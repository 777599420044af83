"""OCC equals serial execution for blocks mixing ERC-20 pointer transfers with direct
native and EVM transfers of the same assets, and every denom's supply is conserved.

Four linked accounts hold usei and a tokenfactory denom; both denoms have native pointers
(deployed by ``addNativePointer`` before the block). They also hold an ERC-20 that has a
CW20 pointer (``addERC20Pointer``). Random blocks mix native MsgSends of either denom,
ERC-20 ``transfer``/``approve``/``transferFrom`` on the native pointers, plain EVM value
transfers, cw20 ``transfer``/``increase_allowance``/``transfer_from`` through the CW20
pointer and direct ERC-20 transfers of the same token (amounts above balances included).
``SerialExecutor`` and ``OccScheduler(InProcessExecutor(4))`` give identical results and
change sets, and after the block the balances of each denom add up to its supply (usei:
plus the fees the block owes), and the ERC-20's balances to its supply.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from coincurve import PrivateKey
from eth._utils.address import generate_contract_address
from eth_abi import encode
from eth_hash.auto import keccak
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from abci_app.application.runner import AppTaskRunner, BlockTask
from abci_app.application.txcodec import TxCodec
from abci_app.cosmos_tx.builder import build_and_sign
from abci_app.modules.loader import load_modules
from evm_bridge.account_db import read_storage
from evm_bridge.execute import execute_tx
from evm_bridge.pointers import registry
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
from pysei_pb.cosmwasm.wasm.v1 import tx_pb2 as wasm_tx
from store.overlay import EmptyView, Overlay
from tests.support.solc import compile_contract

CHAIN_ID = "pysei-prop-1"
EVM_CHAIN_ID = 713714
MODULES = ("auth", "bank", "evm", "tokenfactory", "wasm")
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
TOKEN = generate_contract_address(EVMS[0], 2)  # the ERC-20 (ReasonToken), deployed with nonce 2
TOKEN_SUPPLY, TOKEN_HELD = 1_000, 200
TOKEN_SOURCE = Path(__file__).resolve().parents[1] / "contracts" / "ReasonToken.sol"
FIRST_NONCE = 7  # account 0's genesis txs: two native pointers, the token, its pointer, three payouts


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
    _, token_code = compile_contract(TOKEN_SOURCE, "ReasonToken")
    setup: list[tuple[bytes | None, bytes]] = [
        (POINTER, _call("addNativePointer(string)", ["string"], [denom])) for denom in ASSETS
    ]
    setup.append((None, token_code + encode(["string", "string", "uint256"], ["Reason", "RSN", TOKEN_SUPPLY])))
    setup.append((POINTER, _call("addERC20Pointer(address)", ["address"], ["0x" + TOKEN.hex()])))
    setup.extend((TOKEN, _call("transfer(address,uint256)", ["address", "uint256"], ["0x" + e.hex(), TOKEN_HELD]))
                 for e in EVMS[1:])
    for nonce, (to, data) in enumerate(setup):
        raw = sign_tx(PRIVS[0], chain_id=EVM_CHAIN_ID, nonce=nonce, gas=5_000_000, to=to, data=data)
        result = execute_tx(decode_tx(raw, EVM_CHAIN_ID), CTX, view, precompiles)
        assert result.code == 0, result.log
    assert len(setup) == FIRST_NONCE and registry.get(view, registry.Kind.ERC20, "0x" + TOKEN.hex()) is not None
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
    if kind == "token":
        return TOKEN, 0, _call("transfer(address,uint256)", ["address", "uint256"], ["0x" + EVMS[op[2]].hex(), op[3]])
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
    st.tuples(st.just("token"), who, who, amount),
    st.tuples(st.just("cw20"), who, who, amount),
    st.tuples(st.just("cw20allow"), who, who, amount),
    st.tuples(st.just("cw20pull"), who, st.tuples(who, who), amount),
)


def _cw20_msg(op: tuple[Any, ...]) -> dict[str, Any]:
    kind, amount = op[0], str(op[3])
    if kind == "cw20":
        return {"transfer": {"recipient": NAMES[op[2]], "amount": amount}}
    if kind == "cw20allow":
        return {"increase_allowance": {"spender": NAMES[op[2]], "amount": amount}}
    owner, to = op[2]
    return {"transfer_from": {"owner": NAMES[owner], "recipient": NAMES[to], "amount": amount}}


def cw20_pointer(base: dict[str, dict[bytes, bytes]]) -> str:
    found = registry.get(MemoryView(base), registry.Kind.ERC20, "0x" + TOKEN.hex())
    assert found is not None
    return to_bech32(found.address)


def block_tasks(ops: list[tuple[Any, ...]], base: dict[str, dict[bytes, bytes]]) -> list[BlockTask]:
    codec = TxCodec(EVM_CHAIN_ID, 1 << 20, {u: h for m in load_modules(MODULES) for u, h in m.messages.items()})
    sequences, nonces = [0, 0, 0, 0], [FIRST_NONCE, 0, 0, 0]
    pointer = cw20_pointer(base)
    tasks = []
    for o in ops:
        signer = o[1]
        if o[0].startswith("cw20"):
            body = json.dumps(_cw20_msg(o)).encode()
            msg = wasm_tx.MsgExecuteContract(sender=NAMES[signer], contract=pointer, msg=body)
            raw = build_and_sign(PRIVS[signer], [msg], CHAIN_ID, signer, sequences[signer], 40_000, 3_000_000)
            sequences[signer] += 1
        elif o[0] == "native":
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


def token_total(state: dict[str, dict[bytes, bytes]]) -> int:
    """The sum of the ERC-20's balances (``balanceOf`` is its storage slot 3)."""
    view = MemoryView(state)
    return sum(read_storage(view, TOKEN, int.from_bytes(keccak(e.rjust(32, b"\0") + (3).to_bytes(32, "big")), "big"))
               for e in EVMS)


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
    tasks = block_tasks(ops, base)
    expected = run(SerialExecutor(), tasks, base)
    assert run(OccScheduler(InProcessExecutor(4)), tasks, base) == expected
    results, changeset = expected
    before, now = totals(base), totals(after(base, changeset))
    fees = sum(r.fee_wei for r in results)
    assert now["usei"] + fees == before["usei"]
    assert now[GOLD] == before[GOLD] == decode_uint(after(base, changeset)[bank.STORE][b"s" + GOLD.encode()])
    assert token_total(after(base, changeset)) == token_total(base) == TOKEN_SUPPLY


def test_a_mixed_block_has_successes_and_failures(base: dict) -> None:
    """The oracle is not vacuous: pointer, native and EVM moves of one asset in one block."""
    ops = [("erc20", 0, 1, 1, 400), ("native", 1, 2, 1, 800), ("native", 1, 2, 1, 700),
           ("approve", 2, 3, 1, 100), ("pull", 3, (2, 0), 1, 150), ("pull", 3, (2, 0), 1, 100),
           ("value", 0, 3, 5), ("erc20", 3, 0, 0, 9)]
    tasks = block_tasks(ops, base)
    results, changes = run(SerialExecutor(), tasks, base)
    assert [r.code for r in results] == [0, 0, 5, 0, 100, 0, 0, 0]
    assert run(OccScheduler(InProcessExecutor(4)), tasks, base) == (results, changes)
    state = after(base, changes)
    gold = {n: decode_uint(state[bank.STORE].get(b"b" + bytes([20]) + a + GOLD.encode())) for n, a in enumerate(ADDRS)}
    assert gold == {0: 500 - 400 + 100, 1: 500 + 400 - 800, 2: 500 + 800 - 100, 3: 500}


def test_a_block_mixing_the_cw20_pointer_and_direct_erc20_moves(base: dict) -> None:
    """Both directions of one ERC-20 in one block: cw20 moves through the pointer (as the
    message's sender) interleaved with direct ERC-20 transfers, failures included."""
    held = TOKEN_SUPPLY - 3 * TOKEN_HELD
    ops = [("cw20", 0, 1, 350), ("token", 1, 2, 500), ("token", 1, 2, 450), ("cw20allow", 2, 3, 300),
           ("cw20pull", 3, (2, 0), 250), ("cw20pull", 3, (2, 0), 100), ("cw20", 3, 0, 201), ("cw20", 3, 1, 200)]
    tasks = block_tasks(ops, base)
    results, changes = run(SerialExecutor(), tasks, base)
    assert [r.code for r in results] == [0, 0, 100, 0, 0, 5, 5, 0]
    assert b"ReasonToken: balance too low" in results[2].evm.output
    assert "execution reverted: ReasonToken: balance too low" in results[6].log
    assert "ReasonToken: allowance too low" in results[5].log
    assert run(OccScheduler(InProcessExecutor(4)), tasks, base) == (results, changes)
    view = MemoryView(after(base, changes))
    slot = {n: int.from_bytes(keccak(e.rjust(32, b"\0") + (3).to_bytes(32, "big")), "big") for n, e in enumerate(EVMS)}
    balances = {n: read_storage(view, TOKEN, slot[n]) for n in range(4)}
    assert balances == {0: held - 350 + 250, 1: TOKEN_HELD + 350 - 500 + 200, 2: TOKEN_HELD + 500 - 250, 3: 0}
    assert sum(balances.values()) == TOKEN_SUPPLY
