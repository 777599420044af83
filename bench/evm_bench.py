"""EVM execution, side by side in one run: ``python bench/evm_bench.py [--txs N] [--workers W]``.

Blocks of N ETH transfers and N ERC-20 ``transfer`` calls (a real Solidity token compiled
by solc from ``tests/contracts/Token.sol``), each from a distinct funded sender to a
distinct recipient, executed serially by:

* raw py-evm: its own ``PragueState`` over an in-memory Merkle-Patricia trie (AtomicDB),
  ``apply_transaction`` per tx and one ``persist`` (state root) at the end of the block;
* evm_bridge on an in-memory ``KVView`` (a dict overlay over the block's base state);
* evm_bridge on the real RocksDB SeiDB (read view at the last height, overlay, then
  ``stage`` + ``commit`` of the block's change set, timed separately);

then the OCC scheduler (process workers) against the serial executor on the same blocks.
Txs are decoded once beforehand (as in CheckTx); decoding is reported separately.
"""

from __future__ import annotations

import argparse
import hashlib
import importlib
import sys
import tempfile
import time
from functools import partial
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from coincurve import PrivateKey  # noqa: E402
from eth.constants import BLANK_ROOT_HASH  # noqa: E402
from eth.db.atomic import AtomicDB  # noqa: E402
from eth.vm.forks.prague.state import PragueState  # noqa: E402
from eth.vm.forks.prague.transactions import PragueTransactionBuilder  # noqa: E402
from eth_abi import encode  # noqa: E402
from eth_hash.auto import keccak  # noqa: E402

from evm_bridge.account_db import STORE, read_code  # noqa: E402
from evm_bridge.api import EvmTx  # noqa: E402
from evm_bridge.execute import execute_tx  # noqa: E402
from evm_bridge.precompiles.registry import PrecompileTable, precompile_table  # noqa: E402
from evm_bridge.signer import address_of, sign_tx  # noqa: E402
from evm_bridge.txs import decode_tx  # noqa: E402
from evm_bridge.vm import execution_context  # noqa: E402
from ledger import accounts, bank  # noqa: E402
from ledger.addresses import sei_address_from_pubkey  # noqa: E402
from ledger.context import BlockContext  # noqa: E402
from ledger.encoding import encode_uint  # noqa: E402
from ledger.results import TxResult  # noqa: E402
from occ.executors import ProcessPoolExecutor, SerialExecutor  # noqa: E402
from occ.memory import MemoryOpener, MemoryView  # noqa: E402
from occ.scheduler import OccScheduler  # noqa: E402
from store.api import ChangeSet, KVView  # noqa: E402
from store.multistore import SeiDB  # noqa: E402
from store.overlay import EmptyView, Overlay  # noqa: E402
from tests.support.solc import compile_contract  # noqa: E402

CHAIN_ID = 713714
FUNDS = 10**24
TOKEN = bytes.fromhex("70" * 20)
BALANCE_OF_SLOT = 3  # Token.sol: name, symbol, totalSupply, balanceOf, allowance
CTX = BlockContext(height=2, time_ns=1_700_000_000 * 10**9, chain_id="bench", evm_chain_id=CHAIN_ID,
                   proposer=bytes.fromhex("c0" * 20), block_hash=b"\x42" * 32, gas_limit=10**9, base_fee_wei=10**9)


class EvmRunner:
    """``occ`` task runner: a task is a decoded ``EvmTx``, run with the built-in precompiles
    (built once per process that unpickles the runner)."""

    def __init__(self) -> None:
        self._precompiles: PrecompileTable | None = None

    def __getstate__(self) -> dict[str, Any]:
        return {}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self._precompiles = None

    def run(self, task: EvmTx, context: BlockContext, view: KVView) -> TxResult:
        if self._precompiles is None:
            self._precompiles = precompile_table()
        return execute_tx(task, context, view, self._precompiles)


def keys(n: int, tag: bytes) -> list[bytes]:
    return [hashlib.sha256(tag + i.to_bytes(4, "big")).digest() for i in range(n)]


def token_runtime() -> bytes:

    _, creation = compile_contract(ROOT / "tests" / "contracts" / "Token.sol", "Token")
    deployer = keys(1, b"deployer")[0]
    view = Overlay(EmptyView())
    bank.set_wei_balance(view, address_of(deployer), FUNDS)
    args = encode(["string", "string", "uint256"], ["Bench", "BEN", 10**30])
    raw = sign_tx(deployer, chain_id=CHAIN_ID, nonce=0, gas=3_000_000, to=None, data=creation + args,
                  max_fee_per_gas=2 * 10**9)
    result = execute_tx(decode_tx(raw, CHAIN_ID), CTX, view, precompile_table())
    assert result.ok, result.log
    return read_code(view, result.evm.contract_address)


def balance_slot(holder: bytes) -> int:
    return int.from_bytes(keccak(holder.rjust(32, b"\0") + BALANCE_OF_SLOT.to_bytes(32, "big")), "big")


def make_block(n: int, erc20: bool) -> tuple[list[bytes], list[bytes]]:
    """(sender keys, signed raw txs)."""
    senders, recipients = keys(n, b"sender"), [k[:20] for k in keys(n, b"recipient")]
    raws = []
    for key, to in zip(senders, recipients, strict=True):
        if erc20:
            data = keccak(b"transfer(address,uint256)")[:4] + encode(["address", "uint256"], [to, 5])
            raws.append(sign_tx(key, chain_id=CHAIN_ID, nonce=0, gas=80_000, to=TOKEN, data=data,
                                max_fee_per_gas=2 * 10**9, max_priority_fee_per_gas=10**8))
        else:
            raws.append(sign_tx(key, chain_id=CHAIN_ID, nonce=0, gas=21_000, to=to, value=10**15 + 1,
                                max_fee_per_gas=2 * 10**9, max_priority_fee_per_gas=10**8))
    return senders, raws


def kv_genesis(senders: list[bytes], runtime: bytes) -> dict[str, dict[bytes, bytes]]:
    """The block's base state for evm_bridge: associated, funded senders and the token."""
    view = Overlay(EmptyView())
    for key in senders:
        evm, sei = address_of(key), sei_address_from_pubkey(PrivateKey(key).public_key.format())
        accounts.associate(view, sei, evm)
        bank.set_wei_balance(view, sei, FUNDS)
        view.set(STORE, b"s" + TOKEN + balance_slot(evm).to_bytes(32, "big"), encode_uint(10**20))
    view.set(STORE, b"c" + TOKEN, keccak(runtime))
    view.set(STORE, b"k" + keccak(runtime), runtime)
    view.set(STORE, b"n" + TOKEN, encode_uint(1))
    return {s: {k: v for k, v in kv.items() if v is not None} for s, kv in view.writes().items()}


def raw_pyevm(senders: list[bytes], runtime: bytes, raws: list[bytes]) -> tuple[float, float]:
    """Seconds for py-evm on its own trie: (apply all txs, plus block-end persist)."""
    state = PragueState(AtomicDB(), execution_context(CTX), BLANK_ROOT_HASH)
    for key in senders:
        state.set_balance(address_of(key), FUNDS)
        state.set_storage(TOKEN, balance_slot(address_of(key)), 10**20)
    state.set_code(TOKEN, runtime)
    state.set_nonce(TOKEN, 1)
    state.persist()
    txs = [PragueTransactionBuilder.decode(r) for r in raws]
    for tx in txs:
        tx.sender  # noqa: B018 - recover senders before timing, as evm_bridge's are
    t0 = time.perf_counter()
    for tx in txs:
        computation = state.apply_transaction(tx)
        assert computation.is_success, computation.error
        state.lock_changes()
    t1 = time.perf_counter()
    state.persist()
    return t1 - t0, time.perf_counter() - t0


def bridge_memory(genesis: dict[str, dict[bytes, bytes]], txs: list[EvmTx]) -> tuple[float, float]:

    view = Overlay(MemoryView(genesis))
    precompiles = precompile_table()
    t0 = time.perf_counter()
    for tx in txs:
        r = execute_tx(tx, CTX, view, precompiles)
        assert r.ok, r.log
    t1 = time.perf_counter()
    ChangeSet.from_writes(view.writes())
    return t1 - t0, time.perf_counter() - t0


def bridge_rocksdb(genesis: dict[str, dict[bytes, bytes]], txs: list[EvmTx]) -> tuple[float, float]:

    with tempfile.TemporaryDirectory() as home, SeiDB(home) as db:
        db.stage(1, ChangeSet.from_writes(genesis))
        db.commit()
        view = Overlay(db.read_view(1))
        precompiles = precompile_table()
        t0 = time.perf_counter()
        for tx in txs:
            r = execute_tx(tx, CTX, view, precompiles)
            assert r.ok, r.log
        t1 = time.perf_counter()
        db.stage(2, ChangeSet.from_writes(view.writes()))
        db.commit()
        return t1 - t0, time.perf_counter() - t0


def occ_speedup(genesis: dict[str, dict[bytes, bytes]], txs: list[EvmTx], workers: int) -> str:

    base, runner = MemoryView(genesis), EvmRunner()
    t0 = time.perf_counter()
    serial = SerialExecutor().execute_block(txs, CTX, base, 1, runner)
    t_serial = time.perf_counter() - t0
    # ``workers`` txs at once: the coordinator's and ``workers - 1`` worker processes'
    warm = partial(importlib.import_module, "evm_bridge.execute")  # as the node's warm-up
    pool = ProcessPoolExecutor(MemoryOpener({1: genesis}), workers - 1, warm_up=warm)
    with OccScheduler(pool, clock=time.perf_counter_ns) as occ:
        occ.execute_block(txs, CTX, base, 1, runner)  # warm the workers' caches and the planner
        t0 = time.perf_counter()
        par = occ.execute_block(txs, CTX, base, 1, runner)
        t_occ = time.perf_counter() - t0
    assert par.outputs == serial.outputs and par.changeset == serial.changeset, "OCC != serial"
    st = par.stats
    return (f"serial {len(txs) / t_serial:7.0f} tx/s  OCC({workers} workers) {len(txs) / t_occ:7.0f} tx/s"
            f"  speedup {t_serial / t_occ:4.2f}x  re-executions {st.re_executions}  speculated {st.speculated_txs}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--txs", type=int, default=1000)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--no-occ", action="store_true")
    args = parser.parse_args()
    n = args.txs
    runtime = token_runtime()
    print(f"EVM bench: {n} txs per block, distinct senders and recipients, serial unless noted")
    for label, erc20 in (("ETH transfers", False), ("ERC-20 transfers", True)):
        senders, raws = make_block(n, erc20)
        t0 = time.perf_counter()
        txs = [decode_tx(r, CHAIN_ID) for r in raws]
        t_decode = time.perf_counter() - t0
        genesis = kv_genesis(senders, runtime)
        raw_exec, raw_total = raw_pyevm(senders, runtime, raws)
        mem_exec, mem_total = bridge_memory(genesis, txs)
        rdb_exec, rdb_total = bridge_rocksdb(genesis, txs)
        print(f"\n{label} (decode + sender recovery, once per tx in CheckTx: {t_decode / n * 1e6:.0f} us/tx)")
        print(f"  raw py-evm (trie, in memory)   {n / raw_exec:7.0f} tx/s  {raw_exec / n * 1e6:6.0f} us/tx"
              f"   with block-end state root: {n / raw_total:7.0f} tx/s")
        print(f"  evm_bridge, in-memory KVView   {n / mem_exec:7.0f} tx/s  {mem_exec / n * 1e6:6.0f} us/tx"
              f"   ratio vs raw py-evm {raw_exec / mem_exec:4.2f}x")
        print(f"  evm_bridge, RocksDB SeiDB      {n / rdb_exec:7.0f} tx/s  {rdb_exec / n * 1e6:6.0f} us/tx"
              f"   ratio vs raw py-evm {raw_exec / rdb_exec:4.2f}x   with stage+commit: {n / rdb_total:7.0f} tx/s"
              f" ({raw_total / rdb_total:4.2f}x raw py-evm with its root)")
        if not args.no_occ:
            print("  " + occ_speedup(genesis, txs, args.workers))


if __name__ == "__main__":
    main()
