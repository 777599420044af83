"""OCC equals serial execution for blocks mixing tokenfactory messages with native sends.

Random blocks of signed txs (create denom, mint, burn, change admin, set metadata, sends of
usei and factory denoms; admins and non-admins, amounts above balances, several messages in
one tx) run through the app's task runner with ``SerialExecutor`` and with
``OccScheduler(InProcessExecutor(4))``: identical results (codes, logs, events, gas, data)
and change sets.
"""

from __future__ import annotations

from typing import Any

from coincurve import PrivateKey
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pysei_tokenfactory.pb.cosmos.bank.v1beta1 import bank_pb2
from pysei_tokenfactory.pb.seiprotocol.seichain.tokenfactory import tx_pb2

from abci_app.application.runner import AppTaskRunner, BlockTask
from abci_app.application.txcodec import TxCodec
from abci_app.cosmos_tx.builder import build_and_sign
from abci_app.modules.loader import load_modules
from ledger.addresses import sei_address_from_pubkey, to_bech32
from ledger.context import BlockContext
from occ.executors import InProcessExecutor, SerialExecutor
from occ.memory import MemoryView
from occ.scheduler import OccScheduler
from pysei_pb.cosmos.bank.v1beta1 import tx_pb2 as bank_tx
from pysei_pb.cosmos.base.v1beta1 import coin_pb2
from store.overlay import EmptyView, Overlay

CHAIN_ID = "pysei-prop-1"
MODULES = ("auth", "bank", "evm", "tokenfactory")
PRIVS = [bytes([i]) * 32 for i in range(1, 5)]
ADDRS = [sei_address_from_pubkey(PrivateKey(p).public_key.format(compressed=True)) for p in PRIVS]
NAMES = [to_bech32(a) for a in ADDRS]
SUBDENOMS = ("a", "b")
CTX = BlockContext(
    height=9, time_ns=1_700_000_000_000_000_000, chain_id=CHAIN_ID, evm_chain_id=713714,
    proposer=b"\0" * 20, block_hash=b"\1" * 32, gas_limit=10**9, base_fee_wei=0,
)


def denom(owner: int, sub: str) -> str:
    return f"factory/{NAMES[owner]}/{sub}"


def genesis_state() -> dict[str, dict[bytes, bytes]]:
    """Four funded accounts; account 0 already owns ``a`` with balances spread around."""
    held = denom(0, "a")
    state = {
        "auth": {"accounts": [{"address": n, "pub_key": PrivateKey(p).public_key.format(compressed=True).hex()}
                              for n, p in zip(NAMES, PRIVS, strict=True)]},
        "bank": {"balances": [{"address": n, "coins": [{"denom": held, "amount": "500"},
                                                       {"denom": "usei", "amount": str(10**12)}]} for n in NAMES]},
        "tokenfactory": {"factory_denoms": [{"denom": held, "authority_metadata": {"admin": NAMES[0]}}]},
    }
    view = Overlay(EmptyView())
    for module in load_modules(MODULES):
        if module.init_genesis is not None:
            module.init_genesis(view, state.get(module.name, {}))
    out: dict[str, dict[bytes, bytes]] = {}
    for store, pairs in view.writes().items():
        out[store] = {k: v for k, v in pairs.items() if v is not None}
    return out


BASE = genesis_state()


def coin(d: str, amount: int) -> coin_pb2.Coin:
    return coin_pb2.Coin(denom=d, amount=str(amount))


def message(op: tuple[Any, ...]) -> Any:
    kind, signer = op[0], NAMES[op[1]]
    if kind == "create":
        return tx_pb2.MsgCreateDenom(sender=signer, subdenom=op[2])
    if kind == "mint":
        return tx_pb2.MsgMint(sender=signer, amount=coin(denom(op[2], op[3]), op[4]))
    if kind == "burn":
        return tx_pb2.MsgBurn(sender=signer, amount=coin(denom(op[2], op[3]), op[4]))
    if kind == "admin":
        return tx_pb2.MsgChangeAdmin(sender=signer, denom=denom(op[2], op[3]), new_admin=NAMES[op[4]])
    if kind == "meta":
        d = denom(op[2], op[3])
        meta = bank_pb2.Metadata(base=d, symbol=op[3].upper(), denom_units=[bank_pb2.DenomUnit(denom=d)])
        return tx_pb2.MsgSetDenomMetadata(sender=signer, metadata=meta)
    d = "usei" if op[3] is None else denom(*op[3])
    return bank_tx.MsgSend(from_address=signer, to_address=NAMES[op[2]], amount=[coin(d, op[4])])


who = st.integers(0, 3)
sub = st.sampled_from(SUBDENOMS)
amount = st.integers(1, 700)
factory = st.tuples(who, sub)
op = st.one_of(
    st.tuples(st.just("create"), who, sub),
    st.tuples(st.just("mint"), who, who, sub, amount),
    st.tuples(st.just("burn"), who, who, sub, amount),
    st.tuples(st.just("admin"), who, who, sub, who),
    st.tuples(st.just("meta"), who, who, sub),
    st.tuples(st.just("send"), who, who, st.none() | factory, amount),
    st.tuples(st.just("send"), who, who, st.just((0, "a")), amount),
)
# a tx: one signer's messages (1-2); the signer of the first op signs them all
tx = st.lists(op, min_size=1, max_size=2).map(lambda ops: [(o[0], ops[0][1], *o[2:]) for o in ops])


def block_tasks(txs: list[list[tuple[Any, ...]]]) -> list[BlockTask]:
    codec = TxCodec(713714, 1 << 20, {u: h for m in load_modules(MODULES) for u, h in m.messages.items()})
    sequences = [0, 0, 0, 0]
    tasks = []
    for ops in txs:
        signer = ops[0][1]
        raw = build_and_sign(PRIVS[signer], [message(o) for o in ops], CHAIN_ID, signer, sequences[signer],
                             4_000, 400_000)
        sequences[signer] += 1
        tasks.append(BlockTask(codec.decode(raw)))
    return tasks


def run(scheduler: Any, tasks: list[BlockTask]) -> tuple[Any, Any]:
    schedule = scheduler.execute_block(tasks, CTX, MemoryView(BASE), 1, AppTaskRunner(MODULES, CHAIN_ID))
    return tuple(schedule.outputs), schedule.changeset


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(txs=st.lists(tx, min_size=1, max_size=24))
def test_four_workers_equal_serial(txs: list[list[tuple[Any, ...]]]) -> None:
    tasks = block_tasks(txs)
    expected = run(SerialExecutor(), tasks)
    assert run(OccScheduler(InProcessExecutor(4)), tasks) == expected


def test_a_contended_block_has_successes_and_failures() -> None:
    """The oracle is not vacuous: a fixed block exercises both outcomes."""
    txs = [[("create", 1, "b")], [("mint", 1, 1, "b", 50)], [("send", 1, 2, (1, "b"), 20)],
           [("mint", 2, 1, "b", 5)], [("burn", 0, 0, "a", 600)], [("send", 3, 0, (0, "a"), 100)]]
    tasks = block_tasks(txs)
    results, changes = run(SerialExecutor(), tasks)
    assert [r.code for r in results] == [0, 0, 0, 3, 5, 0]
    assert run(OccScheduler(InProcessExecutor(4)), tasks) == (results, changes)
