"""OCC vs serial, side by side in one run: ``python bench/occ_bench.py [--txs N] [--reps R]``.

The task is a native bank send as the node runs it, minus protobuf decoding: the raw tx
bytes go to the workers; the runner hashes them (sha256), verifies the secp256k1 signature
over the body (coincurve), derives the sender
address from the public key, loads the sender account and checks and bumps its sequence,
debits the fee (credited to the fee collector after the block, from the result), moves the
amount with ``ledger.bank.transfer``, and returns a ``TxResult`` with transfer and message
events. Blocks:

(a) low conflict: N transfers between 2N distinct accounts;
(b) high conflict: N transfers from distinct senders to one recipient (every tx reads and
    writes the recipient's balance, so no two txs can run in parallel correctly);
(c) as (a) with ``--heavy`` sha256 rounds of extra work per tx: how the ratio grows with
    the cost of a tx (EVM txs cost far more than a native send).

Workers read the base state through a ``MemoryOpener`` (shipped once per worker at pool
start). Each figure is the best of R blocks, serial and OCC alternating, after two warm-up
blocks; "CPU beyond serial" adds the coordinator's and the workers' CPU time.
"""

from __future__ import annotations

import argparse
import hashlib
import multiprocessing
import os
import pickle
import statistics
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from coincurve import PrivateKey, PublicKey  # noqa: E402

from ledger import bank  # noqa: E402
from ledger.accounts import Account, get_account, put_account  # noqa: E402
from ledger.addresses import sei_address_from_pubkey, to_bech32  # noqa: E402
from ledger.encoding import addr_key, encode_uint  # noqa: E402
from ledger.results import Event, TxResult  # noqa: E402
from occ.api import Schedule  # noqa: E402
from occ.executors import ProcessPoolExecutor, SerialExecutor  # noqa: E402
from occ.memory import MemoryOpener, MemoryView  # noqa: E402
from occ.scheduler import OccScheduler  # noqa: E402
from store.api import KVView  # noqa: E402

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
        self.last = fn()
        self.wall.append(time.perf_counter() - wall)
        self.cpu.append(time.process_time() - cpu + worker_cpu() - workers)


def ipc_per_tx(
    txs: list[bytes], runner: SendRunner, state: dict[str, dict[bytes, bytes]]
) -> tuple[float, int, int]:
    """Microseconds per tx of the messages' serialization, both ends (pipe time excluded):
    the records of 32 txs shipped, a chunk of 32 txs sent, and its 32 outcomes returned."""
    from occ.api import Outcome
    from occ.worker import CHUNK, OK, PROTOCOL, ChunkRunner

    worker = ChunkRunner(0)
    worker.begin(runner, None, MemoryView(state))
    chunk = [(i, 0, tx) for i, tx in enumerate(txs[:32])]
    outcomes = worker.run([], chunk)
    records = [(o.index, 0, o.writes) for o in outcomes]
    rounds = 200
    t0 = time.perf_counter()
    for _ in range(rounds):
        shipment = pickle.dumps(records, PROTOCOL)
        msg = pickle.dumps((CHUNK, ([(1, shipment)], chunk)), PROTOCOL)
        pickle.loads(pickle.loads(msg)[1][0][0][1])
        reply = pickle.dumps((OK, [tuple(o) for o in outcomes]), PROTOCOL)
        [Outcome._make(o) for o in pickle.loads(reply)[1]]
    per_tx = (time.perf_counter() - t0) / (rounds * len(chunk)) * 1e6
    return per_tx, len(msg) // len(chunk), len(reply) // len(chunk)


def _serial_block(args: tuple[int, int]) -> float:
    """Seconds for the best of ``reps`` serial runs of a low-conflict block of ``n`` sends."""
    n, reps = args
    txs, state = make_block(n, False)
    base, serial, runner = MemoryView(state), SerialExecutor(), SendRunner()
    best = float("inf")
    for _ in range(reps):
        t0 = time.perf_counter()
        serial.execute_block(txs, None, base, VERSION, runner)
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


def bench_case(label: str, hot: bool, runner: SendRunner, args: argparse.Namespace) -> None:
    """Serial and OCC on the same block, alternating; checks they agree; prints one case."""
    n = args.txs
    txs, state = make_block(n, hot)
    base = MemoryView(state)
    serial = SerialExecutor()
    opener = MemoryOpener({VERSION: state})
    with OccScheduler(ProcessPoolExecutor(opener, args.workers), clock=time.perf_counter_ns) as occ:
        s_runs, o_runs = Runs([], []), Runs([], [])
        for _ in range(2):  # warm-up: workers import, open the state, fill their caches
            occ.execute_block(txs, None, base, VERSION, runner)
            serial.execute_block(txs, None, base, VERSION, runner)
        for _ in range(args.reps):
            s_runs.measure(lambda: serial.execute_block(txs, None, base, VERSION, runner))
            o_runs.measure(lambda: occ.execute_block(txs, None, base, VERSION, runner))
    assert o_runs.last is not None and s_runs.last is not None
    assert o_runs.last.outputs == s_runs.last.outputs, "OCC outputs != serial"
    assert o_runs.last.changeset == s_runs.last.changeset, "OCC change set != serial"
    st = o_runs.last.stats
    best_s, best_o = min(s_runs.wall), min(o_runs.wall)
    ratios = [a / b for a, b in zip(s_runs.wall, o_runs.wall, strict=True)]
    overhead = (statistics.median(o_runs.cpu) - statistics.median(s_runs.cpu)) / n * 1e6
    print(f"{label}:")
    print(
        f"  serial {best_s * 1e3:6.1f} ms ({best_s / n * 1e6:.0f} us/tx)   OCC {best_o * 1e3:6.1f} ms"
        f"   ratio {best_s / best_o:.2f}x (best vs best; median of pairs {statistics.median(ratios):.2f}x)"
    )
    print(
        f"  incarnations {st.incarnations}, re-executions {st.re_executions}, rounds {st.rounds},"
        f" in order {st.in_order_txs}, fallback {st.fallback_used}, validate {st.validate_ms} ms;"
        f" CPU beyond serial {overhead:.0f} us/tx (coordinator + workers)"
    )
    if not hot and not runner.extra_hashes:
        per_tx, sent, received = ipc_per_tx(txs, runner, state)
        print(
            f"  IPC serialization {per_tx:.1f} us/tx (pickle + unpickle, both ends; {sent} B/tx out,"
            f" {received} B/tx back) = {per_tx / (best_s / n * 1e6) * 100:.0f}% of a send"
        )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--txs", type=int, default=1000)
    parser.add_argument("--reps", type=int, default=7)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument(
        "--heavy", type=int, default=1000, help="sha256 rounds added per tx in case (c); 0: skip"
    )
    args = parser.parse_args()
    print(
        f"OCC bench: {args.txs} txs per block, {args.workers} workers, best of {args.reps} alternating runs"
    )
    print(
        f"load average {os.getloadavg()[0]:.2f} on {os.cpu_count()} CPUs (other sessions' load lowers ratios)"
    )
    capacity = parallel_capacity(args.workers)
    print(
        f"parallel capacity now: {args.workers} busy processes get {capacity:.2f}x one's throughput (the ceiling)"
    )
    bench_case("(a) low conflict: native sends between distinct accounts", False, SendRunner(), args)
    bench_case("(b) high conflict: native sends all to one recipient", True, SendRunner(), args)
    if args.heavy:
        bench_case(
            f"(c) as (a), each tx {args.heavy} sha256 rounds heavier", False, SendRunner(args.heavy), args
        )


if __name__ == "__main__":
    main()
