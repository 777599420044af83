"""OCC vs serial, side by side in one run: ``python bench/occ_bench.py [--txs N] [--reps R]``.

The task is a native bank send as the node runs it, minus protobuf decoding: hash the raw
tx (sha256), verify its secp256k1 signature over the body (coincurve), derive the sender
address from the public key, load the sender account and check and bump its sequence,
debit the fee (credited to the fee collector after the block, from the result), move the
amount with ``ledger.bank.transfer``, and return a ``TxResult`` with transfer and message
events. Blocks:

(a) low conflict: N transfers between 2N distinct accounts;
(b) high conflict: N transfers from distinct senders to one recipient (every tx reads and
    writes the recipient's balance, so no two txs can run in parallel correctly).

Workers read the base state through a ``MemoryOpener`` (shipped once per worker at pool
start). Each figure is the best of R blocks, after one warm-up block.
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


@dataclass(frozen=True)
class SendTx:
    """A signed native send: ``raw`` is what CometBFT would carry."""

    pubkey: bytes  # compressed, 33 bytes
    signature: bytes  # compact, 64 bytes
    body: bytes  # recipient(20) | amount(8) | sequence(8) | fee(8) | memo

    @property
    def raw(self) -> bytes:
        return self.pubkey + self.signature + self.body


class SendRunner:
    """The bank send, as a ``TaskRunner``. With ``verify=False`` it skips the signature check
    (used to expose the scheduler's own per-tx overhead)."""

    def __init__(self, verify: bool = True) -> None:
        self.verify = verify

    def run(self, task: SendTx, context: Any, view: KVView) -> TxResult:
        tx_hash = hashlib.sha256(task.raw).hexdigest().upper()
        if self.verify and not PublicKey(task.pubkey).verify(
            task.signature, hashlib.sha256(task.body).digest(), hasher=None
        ):
            return TxResult(code=4, log="signature verification failed")
        sender = sei_address_from_pubkey(task.pubkey)
        body = task.body
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


def make_block(n: int, hot: bool) -> tuple[list[SendTx], dict[str, dict[bytes, bytes]]]:
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
        body = (
            recipient
            + (1000 + i).to_bytes(8, "big")
            + (0).to_bytes(8, "big")
            + FEE.to_bytes(8, "big")
            + b"bench"
        )
        sig = key.sign(hashlib.sha256(body).digest(), hasher=None)
        txs.append(SendTx(pub, sig, body))
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
    txs: list[SendTx], runner: SendRunner, state: dict[str, dict[bytes, bytes]]
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


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--txs", type=int, default=1000)
    parser.add_argument("--reps", type=int, default=7)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    n = args.txs

    serial = SerialExecutor()
    print(
        f"OCC bench: {n} native sends per block, {args.workers} workers, {args.reps} runs each, interleaved"
    )
    print(
        f"load average before: {os.getloadavg()[0]:.2f} on {os.cpu_count()} CPUs (other processes skew ratios)"
    )
    for label, hot in (
        ("(a) low conflict, distinct accounts", False),
        ("(b) high conflict, one recipient", True),
    ):
        txs, state = make_block(n, hot)
        base = MemoryView(state)
        runner = SendRunner()
        opener = MemoryOpener({VERSION: state})
        with OccScheduler(ProcessPoolExecutor(opener, args.workers), clock=time.perf_counter_ns) as occ:
            s_runs, o_runs = Runs([], []), Runs([], [])
            occ.execute_block(txs, None, base, VERSION, runner)  # warm-up: workers import and open state
            for _ in range(args.reps):
                s_runs.measure(lambda: serial.execute_block(txs, None, base, VERSION, runner))  # noqa: B023
                o_runs.measure(lambda: occ.execute_block(txs, None, base, VERSION, runner))  # noqa: B023
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
            f"   ratio {best_s / best_o:.2f}x (best vs best; per-pair median {statistics.median(ratios):.2f}x)"
        )
        print(
            f"  incarnations {st.incarnations}, re-executions {st.re_executions}, rounds {st.rounds},"
            f" in order {st.in_order_txs}, fallback {st.fallback_used}, validate {st.validate_ms} ms;"
            f" OCC CPU beyond serial {overhead:.1f} us/tx (coordinator + workers)"
        )
        if not hot:
            per_tx, sent, received = ipc_per_tx(txs, runner, state)
            print(
                f"  IPC serialization {per_tx:.1f} us/tx (pickle + unpickle; {sent} B/tx out, {received} B/tx back)"
                f" = {per_tx / (best_s / n * 1e6) * 100:.0f}% of a send's {best_s / n * 1e6:.0f} us"
            )


if __name__ == "__main__":
    main()
