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
                (("recipient", to_bech32(recipient)), ("sender", to_bech32(sender)), ("amount", f"{amount}{DENOM}")),
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
        body = recipient + (1000 + i).to_bytes(8, "big") + (0).to_bytes(8, "big") + FEE.to_bytes(8, "big") + b"bench"
        sig = key.sign(hashlib.sha256(body).digest(), hasher=None)
        txs.append(SendTx(pub, sig, body))
    return txs, {"acc": acc, "bank": balances}


def best(reps: int, fn: Callable[[], Schedule]) -> tuple[float, Schedule]:
    fn()  # warm-up
    times, last = [], None
    for _ in range(reps):
        t0 = time.perf_counter()
        last = fn()
        times.append(time.perf_counter() - t0)
    assert last is not None
    return min(times), last


def ipc_per_tx(txs: list[SendTx], runner: SendRunner, state: dict[str, dict[bytes, bytes]]) -> tuple[float, int, int]:
    """Microseconds per tx to pickle+unpickle one chunk message and its reply (no pipe)."""
    from occ.worker import CHUNK, OK, PROTOCOL, ChunkRunner

    worker = ChunkRunner()
    worker.begin(runner, None, MemoryView(state))
    chunk = [(i, 0, tx) for i, tx in enumerate(txs[:32])]
    outcomes = worker.run([], chunk)
    records = [(o.index, 0, o.writes) for o in outcomes]
    rounds = 200
    t0 = time.perf_counter()
    for _ in range(rounds):
        msg = pickle.dumps((CHUNK, (records, chunk)), PROTOCOL)
        pickle.loads(msg)
        reply = pickle.dumps((OK, outcomes), PROTOCOL)
        pickle.loads(reply)
    per_tx = (time.perf_counter() - t0) / (rounds * len(chunk)) * 1e6
    return per_tx, len(msg) // len(chunk), len(reply) // len(chunk)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--txs", type=int, default=1000)
    parser.add_argument("--reps", type=int, default=5)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()

    serial = SerialExecutor()
    print(f"OCC bench: {args.txs} native sends per block, {args.workers} workers, best of {args.reps}")
    for label, hot in (("(a) low conflict, distinct accounts", False), ("(b) high conflict, one recipient", True)):
        txs, state = make_block(args.txs, hot)
        base = MemoryView(state)
        opener = MemoryOpener({VERSION: state})
        for verify in (True, False):
            runner = SendRunner(verify)
            with OccScheduler(ProcessPoolExecutor(opener, args.workers), clock=time.perf_counter_ns) as occ:
                t_serial, s_serial = best(args.reps, lambda: serial.execute_block(txs, None, base, VERSION, runner))  # noqa: B023
                t_occ, s_occ = best(args.reps, lambda: occ.execute_block(txs, None, base, VERSION, runner))  # noqa: B023
            assert s_occ.outputs == s_serial.outputs and s_occ.changeset == s_serial.changeset, "OCC != serial"
            st = s_occ.stats
            what = "full send" if verify else "send without signature check"
            print(
                f"{label}, {what}: serial {t_serial * 1e3:7.1f} ms ({t_serial / args.txs * 1e6:5.0f} us/tx)"
                f"  OCC {t_occ * 1e3:7.1f} ms  ratio {t_serial / t_occ:4.2f}x"
                f"  re-executions {st.re_executions}  rounds {st.rounds}  in-order {st.in_order_txs}"
                f"  fallback {st.fallback_used}  validate {st.validate_ms} ms"
            )
        if not hot:
            per_tx, sent, received = ipc_per_tx(txs, SendRunner(), state)
            print(
                f"IPC serialization per tx: {per_tx:.1f} us (message {sent} B/tx out, {received} B/tx back)"
                f" vs a full send's execution of {statistics.fmean([t_serial]) / args.txs * 1e6:.0f} us"
            )


if __name__ == "__main__":
    main()
