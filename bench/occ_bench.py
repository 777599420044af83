"""OCC vs serial, side by side in one run: ``python bench/occ_bench.py [--txs N] [--reps R]``.

Synthetic cases (a)-(c) run a bench-local native send: the raw tx bytes go to the workers;
the runner hashes them (sha256), verifies the secp256k1 signature over the body
(coincurve), derives the sender address from the public key, loads the sender account and
checks and bumps its sequence, debits the fee (credited to the fee collector after the
block, from the result), moves the amount with ``ledger.bank.transfer``, and returns a
``TxResult`` with transfer and message events. No protobuf decoding. Blocks:

(a) low conflict: N transfers between 2N distinct accounts;
(b) high conflict: N transfers from distinct senders to one recipient (every tx reads and
    writes the recipient's balance, so no two txs can run in parallel correctly);
(c) as (a) with ``--heavy`` sha256 rounds of extra work per tx: how the ratio grows with
    the cost of a tx.

There, workers read the base state through a ``MemoryOpener`` (shipped once per worker at
pool start). The "(app)" cases run the node's own path instead: native MsgSends and EVM
transfers between distinct accounts, checked by CheckTx as in a mempool, decoded into the
app's ``BlockTask``s and run by its ``AppTaskRunner`` over a real SeiDB, workers reading
the RocksDB state store through ``db.state_opener()``.

Each figure is the best of R blocks, serial and OCC alternating, after two warm-up blocks;
"CPU beyond serial" adds the coordinator's and the workers' CPU time. The first line
measures how much two busy processes get done compared with one at that moment: on a
machine shared with other work, that is the ceiling of any ratio printed below.
"""

from __future__ import annotations

import argparse
import hashlib
import multiprocessing
import os
import pickle
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from coincurve import PrivateKey, PublicKey  # noqa: E402
from eth._utils.address import generate_contract_address  # noqa: E402
from eth_abi import encode  # noqa: E402
from eth_hash.auto import keccak  # noqa: E402

from abci_app.application.runner import warm_up  # noqa: E402
from ledger import bank  # noqa: E402
from ledger.accounts import Account, get_account, put_account  # noqa: E402
from ledger.addresses import sei_address_from_pubkey, to_bech32  # noqa: E402
from ledger.context import make_context  # noqa: E402
from ledger.encoding import addr_key, encode_uint  # noqa: E402
from ledger.results import Event, TxResult  # noqa: E402
from occ.api import (  # noqa: E402
    Outcome,
    Schedule,
    TaskRunner,
)
from occ.executors import ProcessPoolExecutor, SerialExecutor  # noqa: E402
from occ.memory import MemoryOpener, MemoryView  # noqa: E402
from occ.runtime import use_fast_keccak  # noqa: E402
from occ.scheduler import OccScheduler  # noqa: E402
from occ.worker import OK, PROTOCOL, SEGMENT, run_segment  # noqa: E402
from store.api import KVView, ReadView, StateOpener  # noqa: E402
from store.gc_policy import GcPolicy  # noqa: E402
from tests.support.chain import (  # noqa: E402
    CHAIN_ID,
    EVM_CHAIN_ID,
    InProcessChain,
    cosmos_send,
    evm_transfer,  # noqa: E402
    make_keys,
)
from tests.support.solc import compile_contract  # noqa: E402

DENOM = bank.NATIVE_DENOM
FEE = 2_000
VERSION = 1


def sign_send(key: PrivateKey, recipient: bytes, amount: int, sequence: int) -> bytes:
    """A raw native send as CometBFT carries it: pubkey(33) | len | DER signature | body,
    with body = recipient(20) | amount(8) | sequence(8) | fee(8) | memo."""
    body = (
        recipient
        + amount.to_bytes(8, "big")
        + sequence.to_bytes(8, "big")
        + FEE.to_bytes(8, "big")
        + b"bench"
    )
    signature = key.sign(hashlib.sha256(body).digest(), hasher=None)
    return key.public_key.format(compressed=True) + bytes([len(signature)]) + signature + body


class SendRunner:
    """The bank send as a ``TaskRunner`` over raw tx bytes; ``extra_hashes`` adds that many
    sha256 rounds per tx to stand for heavier transactions."""

    def __init__(self, extra_hashes: int = 0) -> None:
        self.extra_hashes = extra_hashes

    def run(self, task: bytes, context: Any, view: KVView) -> TxResult:
        tx_hash = hashlib.sha256(task).hexdigest().upper()
        pubkey, end = task[:33], 34 + task[33]
        signature, body = task[34:end], task[end:]
        if not PublicKey(pubkey).verify(signature, hashlib.sha256(body).digest(), hasher=None):
            return TxResult(code=4, log="signature verification failed")
        digest = body
        for _ in range(self.extra_hashes):
            digest = hashlib.sha256(digest).digest()
        sender = sei_address_from_pubkey(pubkey)
        recipient, amount = body[:20], int.from_bytes(body[20:28], "big")
        sequence, fee = int.from_bytes(body[28:36], "big"), int.from_bytes(body[36:44], "big")
        account = get_account(view, sender)
        if account is None or account.sequence != sequence:
            return TxResult(code=32, log="account sequence mismatch")
        try:
            bank.subtract(view, sender, DENOM, fee)
            bank.transfer(view, sender, recipient, DENOM, amount)
        except bank.InsufficientFunds as exc:
            return TxResult(code=5, log=str(exc))
        put_account(view, Account(sender, account.number, sequence + 1, account.pubkey))
        events = (
            Event("message", (("action", "/cosmos.bank.v1beta1.MsgSend"), ("tx_hash", tx_hash))),
            Event(
                "transfer",
                (
                    ("recipient", to_bech32(recipient)),
                    ("sender", to_bech32(sender)),
                    ("amount", f"{amount}{DENOM}"),
                ),
            ),
        )
        return TxResult(gas_used=60_000, gas_wanted=80_000, events=events, fee_wei=fee * bank.WEI_PER_USEI)


def make_block(n: int, hot: bool) -> tuple[list[bytes], dict[str, dict[bytes, bytes]]]:
    """``n`` signed sends and the base state funding their senders."""
    acc: dict[bytes, bytes] = {}
    balances: dict[bytes, bytes] = {}
    hot_recipient = hashlib.sha256(b"hot recipient").digest()[:20]
    txs = []
    for i in range(n):
        key = PrivateKey(hashlib.sha256(b"sender %d" % i).digest())
        pub = key.public_key.format(compressed=True)
        sender = sei_address_from_pubkey(pub)
        recipient = hot_recipient if hot else hashlib.sha256(b"recipient %d" % i).digest()[:20]
        acc[b"a" + addr_key(sender)] = Account(sender, i, 0, pub).encode()
        balances[b"b" + addr_key(sender) + DENOM.encode()] = encode_uint(10**9)
        txs.append(sign_send(key, recipient, 1000 + i, 0))
    return txs, {"acc": acc, "bank": balances}


def worker_cpu() -> float:
    """CPU seconds used so far by this process's live child processes (the OCC workers)."""
    total = 0
    for child in multiprocessing.active_children():
        fields = Path(f"/proc/{child.pid}/stat").read_text().rsplit(")", 1)[1].split()
        total += int(fields[11]) + int(fields[12])  # utime + stime, in clock ticks
    return total / os.sysconf("SC_CLK_TCK")


@dataclass
class Runs:
    """Wall and CPU seconds of repeated runs of one executor."""

    wall: list[float]
    cpu: list[float]
    last: Schedule | None = None

    def measure(self, fn: Callable[[], Schedule]) -> None:
        wall, cpu, workers = time.perf_counter(), time.process_time(), worker_cpu()
        schedule = fn()
        self.wall.append(time.perf_counter() - wall)
        self.cpu.append(time.process_time() - cpu + worker_cpu() - workers)
        self.last = schedule  # freeing the previous block's results is not timed


@dataclass(frozen=True)
class Case:
    """One block to run both ways: what ``Scheduler.execute_block`` takes, plus the opener
    the workers read the base state through."""

    label: str
    tasks: list[Any]
    context: Any
    base: ReadView
    version: int
    opener: StateOpener
    runner: TaskRunner
    show_ipc: bool = False
    #: Run once in each worker process when it starts (as the node does: imports).
    warm_up: Callable[[], object] | None = None


def synthetic_case(label: str, n: int, hot: bool, runner: SendRunner, show_ipc: bool = False) -> Case:
    txs, state = make_block(n, hot)
    return Case(
        label, txs, None, MemoryView(state), VERSION, MemoryOpener({VERSION: state}), runner, show_ipc
    )


def erc20_transfer(recipient: bytes, amount: int) -> bytes:
    """Calldata of ``transfer(recipient, amount)``."""

    return keccak(b"transfer(address,uint256)")[:4] + encode(["address", "uint256"], [recipient, amount])


def deploy_token(chain: Any, deployer: Any, holders: list[Any]) -> bytes:
    """Deploy ``tests/contracts/Token.sol`` from ``deployer`` and give each holder tokens, in
    setup blocks through the app's FinalizeBlock; returns the token's address."""


    _, creation = compile_contract(ROOT / "tests" / "contracts" / "Token.sol", "Token")
    code = creation + encode(["string", "string", "uint256"], ["Bench", "BEN", 10**30])
    blocks = [[evm_transfer(deployer, b"", 0, nonce=0, data=code, gas=3_000_000, create=True)]]
    token = generate_contract_address(deployer.evm, 0)
    gifts = [
        evm_transfer(deployer, token, 0, nonce=1 + i, data=erc20_transfer(h.evm, 10**20), gas=80_000)
        for i, h in enumerate(holders)
    ]
    blocks += [gifts[i : i + 500] for i in range(0, len(gifts), 500)]
    for block in blocks:
        failed = [r.log for r in chain.block(block).tx_results if r.code != 0]
        assert not failed, f"token setup failed: {failed[:3]}"
    return token


@contextmanager
def app_cases(n: int) -> Iterator[list[Case]]:
    """The node's own path: an in-process app over a real SeiDB (RocksDB state store), txs
    checked by CheckTx as in a node's mempool, then decoded into the app's ``BlockTask``s and
    run by its ``AppTaskRunner``; workers read the state store through ``db.state_opener()``.
    The ERC-20 token is deployed, and its senders funded, in setup blocks."""

    keys = make_keys(2 * n + 1, seed="occ-bench")
    with tempfile.TemporaryDirectory() as folder, InProcessChain(Path(folder), keys, workers=1) as chain:
        chain.init_chain()
        token = deploy_token(chain, keys[2 * n], keys[n : 2 * n])
        height = chain.db.last_height()
        base = chain.db.read_view(height)
        ctx = make_context(
            base,
            height=height + 1,
            time_ns=10**18,
            chain_id=CHAIN_ID,
            evm_chain_id=EVM_CHAIN_ID,
            proposer=b"\1" * 20,
            block_hash=b"\2" * 32,
        )
        blocks = {
            "native MsgSend": [
                cosmos_send(keys[i], keys[n + i].sei, 1000, number=i, sequence=0) for i in range(n)
            ],
            "EVM transfer": [evm_transfer(keys[i], keys[n + i].evm, 10**12, nonce=0) for i in range(n)],
            # from the holders (their first EVM txs) back to the senders above
            "ERC-20 transfer": [
                evm_transfer(keys[n + i], token, 0, nonce=0, data=erc20_transfer(keys[i].evm, 5), gas=80_000)
                for i in range(n)
            ],
        }
        cases = []
        for name, raws in blocks.items():
            for raw in raws:
                assert chain.check(raw).code == 0, f"CheckTx rejected a {name}"
            tasks = [chain.app._task(raw) for raw in raws]
            label = f"(app) {name}s between distinct accounts, through the app's runner and SeiDB"
            cases.append(
                Case(
                    label,
                    tasks,
                    ctx,
                    base,
                    height,
                    chain.db.state_opener(),
                    chain.app.runner,
                    True,
                    partial(warm_up, chain.app.runner.module_names, CHAIN_ID),
                )
            )
        yield cases


@dataclass(frozen=True)
class Ipc:
    """Microseconds per tx of OCC's message serialization (pickle + unpickle, pipe time
    excluded), and bytes per tx each way."""

    total: float  # both messages below
    task: float  # the task alone (the decoded tx)
    result: float  # the runner's output alone (``TxResult`` with its events and receipt)
    sent: int  # the segment message
    received: int  # the outcomes (result, reads, writes)


def _best_us(fn: Callable[[], object], per: int, batches: int = 15, rounds: int = 20) -> float:
    """Best of ``batches`` timings of ``rounds`` calls, in microseconds per item of ``per``."""
    best = float("inf")
    for _ in range(batches):
        t0 = time.perf_counter()
        for _ in range(rounds):
            fn()
        best = min(best, time.perf_counter() - t0)
    return best / (rounds * per) * 1e6


def ipc_per_tx(case: Case) -> Ipc:
    """What crosses between coordinator and a worker for 32 txs: a segment of 32 txs sent,
    and their 32 outcomes returned; each the best of a few batches (the machine is shared)."""

    tasks = case.tasks[:32]
    (fields, _), *_ = run_segment(case.runner, case.context, case.base, 0, tasks, len(tasks))
    outcomes = [Outcome._make(f) for f in fields]
    results = [o.output for o in outcomes]
    n = len(tasks)

    def messages() -> None:
        msg = pickle.dumps((SEGMENT, (0, tasks, n)), PROTOCOL)
        pickle.loads(msg)
        reply = pickle.dumps((OK, ([tuple(o) for o in outcomes], True, 0)), PROTOCOL)
        [Outcome._make(o) for o in pickle.loads(reply)[1][0]]

    sent = len(pickle.dumps((SEGMENT, (0, tasks, n)), PROTOCOL))
    received = len(pickle.dumps((OK, ([tuple(o) for o in outcomes], True, 0)), PROTOCOL))
    return Ipc(
        _best_us(messages, n),
        _best_us(lambda: pickle.loads(pickle.dumps(tasks, PROTOCOL)), n),
        _best_us(lambda: pickle.loads(pickle.dumps(results, PROTOCOL)), n),
        sent // n,
        received // n,
    )


def _serial_block(args: tuple[int, int]) -> float:
    """Seconds for the best of ``reps`` serial runs of a low-conflict block of ``n`` sends."""
    n, reps = args
    case = synthetic_case("", n, False, SendRunner())
    serial = SerialExecutor()
    best = float("inf")
    for _ in range(reps):
        t0 = time.perf_counter()
        serial.execute_block(case.tasks, None, case.base, case.version, case.runner)
        best = min(best, time.perf_counter() - t0)
    return best


def parallel_capacity(workers: int) -> float:
    """How many times one process's throughput ``workers`` independent processes get now:
    the ceiling for any parallel executor on this machine at this moment."""
    job = (300, 5)
    alone = _serial_block(job)
    with multiprocessing.get_context("forkserver").Pool(workers) as pool:
        together = max(pool.map(_serial_block, [job] * workers))
    return workers * alone / together


def bench_case(case: Case, args: argparse.Namespace) -> None:
    """Serial and OCC on the same block, alternating; checks they agree; prints one case."""
    n = len(case.tasks)
    gc_policy = GcPolicy()  # one per process, shared, as in the node
    serial = SerialExecutor(gc_policy)
    pool = ProcessPoolExecutor(case.opener, args.workers - 1, warm_up=case.warm_up, gc_policy=gc_policy)
    with OccScheduler(pool, clock=time.perf_counter_ns, gc_policy=gc_policy) as occ:
        planner = occ.planner

        def run_serial() -> Schedule:
            return serial.execute_block(case.tasks, case.context, case.base, case.version, case.runner)

        def run_occ() -> Schedule:
            return occ.execute_block(case.tasks, case.context, case.base, case.version, case.runner)

        s_runs, o_runs = Runs([], []), Runs([], [])
        for _ in range(2):  # warm-up: workers import, open the state, fill their caches
            run_occ()
            run_serial()
        for _ in range(args.reps):
            s_runs.measure(run_serial)
            o_runs.measure(run_occ)
    assert o_runs.last is not None and s_runs.last is not None
    assert o_runs.last.outputs == s_runs.last.outputs, "OCC outputs != serial"
    assert o_runs.last.changeset == s_runs.last.changeset, "OCC change set != serial"
    failed = [o.log for o in s_runs.last.outputs if not o.ok]
    assert not failed, f"{len(failed)} txs failed, e.g. {failed[0]}"
    st = o_runs.last.stats
    best_s, best_o = min(s_runs.wall), min(o_runs.wall)
    ratios = [a / b for a, b in zip(s_runs.wall, o_runs.wall, strict=True)]
    overhead = (statistics.median(o_runs.cpu) - statistics.median(s_runs.cpu)) / n * 1e6
    print(f"{case.label}:")
    print(
        f"  serial {best_s * 1e3:6.1f} ms ({best_s / n * 1e6:.0f} us/tx)   OCC {best_o * 1e3:6.1f} ms"
        f"   ratio {best_s / best_o:.2f}x (best vs best; median of pairs {statistics.median(ratios):.2f}x)"
    )
    print(
        f"  executions {st.executions}, re-executions {st.re_executions}, speculated"
        f" {st.speculated_txs}, in order {st.in_order_txs}, in-order fallback {st.in_order_fallback},"
        f" validate {st.validate_ms} ms;"
        f" CPU beyond serial {overhead:.0f} us/tx (coordinator + workers)"
    )
    c = planner.costs
    print(
        f"  planner's estimate per tx: coordinator {c.own / 1e3:.1f} us, worker {c.speculative / 1e3:.1f} us,"
        f" settling {c.settle / 1e3:.1f} us, invalid {c.invalid_permille / 10:.0f}%"
    )
    if case.show_ipc:
        ipc = ipc_per_tx(case)
        print(
            f"  IPC per tx {ipc.total:.1f} us (pickle + unpickle, both ends; of which task {ipc.task:.1f},"
            f" result {ipc.result:.1f}; {ipc.sent} B out, {ipc.received} B back)"
            f" = {ipc.total / (best_s / n * 1e6) * 100:.0f}% of a tx's serial time"
        )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--txs", type=int, default=1000)
    parser.add_argument("--reps", type=int, default=7)
    parser.add_argument(
        "--workers",
        type=int,
        default=2,
        help="txs executed at once: the coordinator plus workers-1 processes",
    )
    parser.add_argument(
        "--heavy", type=int, default=1000, help="sha256 rounds added per tx in case (c); 0: skip"
    )
    parser.add_argument("--no-app", action="store_true", help="skip the cases through the app and SeiDB")
    args = parser.parse_args()
    use_fast_keccak()
    n = args.txs
    print(
        f"OCC bench: {n} txs per block, {args.workers} workers (the coordinator and {args.workers - 1}"
        f" worker processes), best of {args.reps} alternating runs"
    )
    print(
        f"load average {os.getloadavg()[0]:.2f} on {os.cpu_count()} CPUs (other sessions' load lowers ratios)"
    )
    capacity = parallel_capacity(args.workers)
    print(
        f"parallel capacity now: {args.workers} busy processes get {capacity:.2f}x one's throughput (the ceiling)"
    )
    bench_case(
        synthetic_case(
            "(a) low conflict: native sends between distinct accounts", n, False, SendRunner(), True
        ),
        args,
    )
    bench_case(
        synthetic_case("(b) high conflict: native sends all to one recipient", n, True, SendRunner()), args
    )
    if args.heavy:
        label = f"(c) as (a), each tx {args.heavy} sha256 rounds heavier"
        bench_case(synthetic_case(label, n, False, SendRunner(args.heavy)), args)
    if not args.no_app:
        with app_cases(n) as cases:
            for case in cases:
                bench_case(case, args)


if __name__ == "__main__":
    main()
