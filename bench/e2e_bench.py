"""End-to-end EVM transfer benchmark of one real node: JSON-RPC in, receipt out.

One validator (``pysei start``: the app + CometBFT) in a temporary home with ``--txs``
funded senders; each pre-signs one EVM transfer to a fresh address. All are sent through
``eth_sendRawTransaction`` as fast as ``--concurrency`` connections allow, then
``eth_getTransactionReceipt`` is polled (batched) until every accepted tx has a receipt.
Printed: accepted, end-to-end TPS (first send to last receipt), submission rate (CheckTx
included: each send waits for ``broadcast_tx_sync``), block interval median, receipt
latency median/p99, the ratios to geth (1,700/s) and Sei (180/s) on this machine kind, and
the app's per-block execute/commit ms from its log.

``--pattern pipelined`` sends instead what load tools, bots and ``forge script
--broadcast`` send: ``--senders`` (50) accounts x ``--per-sender`` (100) transfers, every
sender's txs in nonce order, as JSON-RPC batches of ``--batch`` (100) calls over
``--concurrency`` (4) keep-alive connections; batches go out nonce round after round, so
one sender's txs arrive on several connections at once. It reports accepted, rejected and
included (with the tx pool they all land; before it, 4,856 of 5,000 were rejected).

Run: ``.venv/bin/python bench/e2e_bench.py --txs 3000`` (``--workers 1`` = serial execution,
``--profile out.txt`` records the app process with py-spy while the load runs; set
``E2E_PROFILE_GIL=1`` to sample only the thread holding the GIL).

On a shared machine the wall-clock figures swing by +-30% with the other load; the CPU
per tx of the node's processes is the stable figure. Measured on the 2-core machine kind,
``--txs 3000 --concurrency 64``, default config, two runs each, interleaved:

=====================================  ===========  ===========  ================  ===============
                                       e2e TPS      submit/s     receipt p50/p99   node CPU per tx
=====================================  ===========  ===========  ================  ===============
before (cdf345f, 2-worker OCC pool)    227 / 269    433 / 341    9.3 s / 12.8 s    4.6 / 4.3 ms
serial below 4 cores                   363 / 338    371 / 345    0.50 s / 0.81 s   -
+ RPC decode handed to CheckTx         338 / 396    347 / 404    0.52 s / 0.89 s   3.1 ms
+ broadcasts batched to CometBFT       321 / 312    -            -                 2.7 ms
above, all together (29953e1)          459 / 476    474 / 489    0.38 s / 0.63 s   2.5 / 2.4 ms
+ index rendered in a helper process   466 / 493    -            0.40 s / 0.66 s   2.55 / 2.49 ms
=====================================  ===========  ===========  ================  ===============

The last row against its own A/B (thread: 442 / 482 TPS, app 2.19 / 1.98 ms per tx;
helper: app 1.94 / 1.88 ms per tx plus 0.19 ms in the helper). A final interleaved pair
with the machine busy (idle < 0.2 core): before 272 / 257 TPS, block interval median
1911 / 770 ms, receipt p50 5.6 / 5.3 s, 4.1 ms node CPU per tx; after 436 / 405 TPS,
342 / 327 ms, 0.53 / 0.54 s, 2.4 / 2.5 ms.

geth reaches ~1,700/s on this machine kind, Sei's node ~180/s: after, ~0.26-0.29x geth,
~2.3-2.7x Sei. The app process is then one GIL-bound core at ~1.9 ms CPU per tx: ~40%
JSON-RPC (aiohttp server and client), ~20% gRPC server machinery, ~16% FinalizeBlock
(half of it SeiDB staging), the rest CheckTx, Commit and the index writes.
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import aiohttp  # noqa: E402

from testnet import rpc  # noqa: E402
from testnet.init import init_localnet  # noqa: E402
from testnet.manifest import Localnet  # noqa: E402
from testnet.pipelined import send_batches, sign_pipelined  # noqa: E402
from testnet.ports import free_base_port  # noqa: E402
from testnet.process import read_pid  # noqa: E402
from testnet.start import start  # noqa: E402
from testnet.stop import stop  # noqa: E402
from testnet.txgen import evm_call  # noqa: E402

GETH_TPS = 1700.0
SEI_TPS = 180.0
_BLOCK_LOG = re.compile(r"block height=(\d+) txs=(\d+) gas=\d+ execute_ms=(\d+) commit_ms=(\d+)")


@dataclass
class Run:
    sent_at: dict[str, float] = field(default_factory=dict)
    receipt_at: dict[str, float] = field(default_factory=dict)
    height_of: dict[str, int] = field(default_factory=dict)
    rejected: list[str] = field(default_factory=list)
    first_send: float = 0.0
    last_send: float = 0.0


def progress(msg: str) -> None:
    print(f"  .. {msg}", file=sys.stderr, flush=True)


def percentile(values: list[float], p: float) -> float:
    if not values:
        return 0.0
    s = sorted(values)
    return s[min(len(s) - 1, int(len(s) * p / 100))]


async def _post(session: aiohttp.ClientSession, url: str, body: object) -> object:
    async with session.post(url, json=body) as resp:
        return await resp.json(content_type=None)


async def _send_all(url: str, raws: list[bytes], concurrency: int, run: Run) -> None:
    queue = list(reversed(raws))

    async def worker(session: aiohttp.ClientSession) -> None:
        while queue:
            raw = queue.pop()
            body = {"jsonrpc": "2.0", "id": 1, "method": "eth_sendRawTransaction", "params": ["0x" + raw.hex()]}
            sent = time.perf_counter()
            out = await _post(session, url, body)
            if isinstance(out, dict) and "result" in out:
                run.sent_at[out["result"]] = sent
            else:
                run.rejected.append(str(out.get("error") if isinstance(out, dict) else out))

    conn = aiohttp.TCPConnector(limit=concurrency)
    async with aiohttp.ClientSession(connector=conn) as session:
        run.first_send = time.perf_counter()
        await asyncio.gather(*(worker(session) for _ in range(concurrency)))
        run.last_send = time.perf_counter()


async def _send_batches(url: str, raws: list[bytes], batch: int, concurrency: int, run: Run) -> None:
    def record(sent: float, answer: dict) -> None:
        if "result" in answer:
            run.sent_at[answer["result"]] = sent
        else:
            run.rejected.append(str(answer.get("error")))

    run.first_send = time.perf_counter()
    await send_batches(url, raws, batch, concurrency, record)
    run.last_send = time.perf_counter()


async def _poll_receipts(url: str, run: Run, sending: asyncio.Task, timeout: float, batch: int = 100) -> None:
    async with aiohttp.ClientSession() as session:
        deadline = time.perf_counter() + timeout
        while time.perf_counter() < deadline:
            pending = [h for h in run.sent_at if h not in run.receipt_at]
            if not pending and sending.done():
                return
            for i in range(0, len(pending), batch):
                chunk = pending[i: i + batch]
                body = [{"jsonrpc": "2.0", "id": j, "method": "eth_getTransactionReceipt", "params": [h]}
                        for j, h in enumerate(chunk)]
                out = await _post(session, url, body)
                now = time.perf_counter()
                for answer in out if isinstance(out, list) else []:
                    receipt = answer.get("result")
                    if receipt:
                        h = chunk[answer["id"]]
                        run.receipt_at[h] = now
                        run.height_of[h] = int(receipt["blockNumber"], 16)
            await asyncio.sleep(0.05)


async def _load(url: str, raws: list[bytes], concurrency: int, timeout: float, batch: int = 0) -> Run:
    run = Run()
    send = _send_batches(url, raws, batch, concurrency, run) if batch else _send_all(url, raws, concurrency, run)
    sending = asyncio.create_task(send)
    await _poll_receipts(url, run, sending, timeout)
    await sending
    return run


def sign_transfers(net: Localnet, count: int) -> list[bytes]:
    """One 1-wei transfer per funded sender, each to a fresh address (no two txs conflict)."""
    accounts = net.accounts()[:count]
    return [evm_call(a, 0, hashlib.sha256(b"e2e-to-%d" % i).digest()[:20], net.evm_chain_id, value=1)
            for i, a in enumerate(accounts)]


def block_log(log_path: Path, low: int, high: int) -> list[tuple[int, int, int, int]]:
    """(height, txs, execute_ms, commit_ms) of the app's block lines in ``low..high``."""
    out = []
    for line in log_path.read_text(errors="replace").splitlines():
        m = _BLOCK_LOG.search(line)
        if m and low <= int(m.group(1)) <= high:
            out.append(tuple(int(g) for g in m.groups()))
    return out  # type: ignore[return-value]


def report(net: Localnet, run: Run, total: int) -> list[str]:
    node = net.nodes[0]
    accepted = len(run.sent_at)
    done = [h for h in run.sent_at if h in run.receipt_at]
    latency = [(run.receipt_at[h] - run.sent_at[h]) * 1000 for h in done]
    end = max(run.receipt_at.values()) if done else run.first_send
    elapsed = end - run.first_send
    tps = len(done) / elapsed if elapsed > 0 else 0.0
    submit_s = run.last_send - run.first_send
    heights = sorted(set(run.height_of.values()))
    lines = [
        f"txs {total}: accepted {accepted}, rejected {len(run.rejected)}, included {len(done)}"
        + (f" (first rejection: {run.rejected[0][:120]})" if run.rejected else ""),
        f"end-to-end TPS {tps:.1f} ({len(done)} receipts in {elapsed:.2f}s, first send to last receipt)",
        f"submission rate {accepted / submit_s if submit_s else 0:.1f}/s ({submit_s:.2f}s; each send waits CheckTx)",
        f"receipt latency median {statistics.median(latency) if latency else 0:.0f} ms, "
        f"p99 {percentile(latency, 99):.0f} ms",
        f"vs geth {GETH_TPS:.0f}/s: {tps / GETH_TPS:.3f}x; vs Sei {SEI_TPS:.0f}/s: {tps / SEI_TPS:.2f}x",
    ]
    if heights:
        low, high = heights[0], heights[-1]
        headers = rpc.headers(node.rpc_url, max(1, low - 1), high)
        times = [rpc.block_time(headers[h]["time"]) for h in sorted(headers)]
        gaps = [(b - a) * 1000 for a, b in zip(times, times[1:], strict=False)]
        blocks = block_log(node.log_path, low, high)
        full = [b for b in blocks if b[1]]
        lines += [
            f"blocks {low}..{high} ({len(heights)} with load txs): interval median "
            f"{statistics.median(gaps) if gaps else 0:.0f} ms, max {max(gaps) if gaps else 0:.0f} ms; "
            f"txs/block median {statistics.median([b[1] for b in full]) if full else 0:.0f}",
        ]
        if full:
            ex = [b[2] for b in full]
            co = [b[3] for b in full]
            per_tx = sum(ex) / max(1, sum(b[1] for b in full))
            lines.append(
                f"app: execute ms/block median {statistics.median(ex):.0f} (max {max(ex)}), "
                f"{per_tx:.2f} ms/tx; commit ms/block median {statistics.median(co):.0f} (max {max(co)}); "
                f"CheckTx admitted {accepted / submit_s if submit_s else 0:.0f}/s"
            )
    return lines


def process_tree(pid: int) -> dict[str, int]:
    """``{name: pid}`` of the node's processes: the app and its descendants (cometbft, the
    forkserver's OCC workers and index renderer)."""
    out, todo = {"app": pid}, [pid]
    while todo:
        parent = todo.pop()
        kids = []
        for task in Path(f"/proc/{parent}/task").glob("*"):
            try:
                kids += (task / "children").read_text().split()
            except OSError:
                continue
        for kid in kids:
            try:
                name = Path(f"/proc/{kid}/comm").read_text().strip()
            except OSError:
                continue
            name = "helpers" if name.startswith("python") else name
            out[name if name not in out else f"{name}-{kid}"] = int(kid)
            todo.append(int(kid))
    return out


def cpu_seconds(pids: dict[str, int]) -> dict[str, float]:
    """User + system CPU seconds of each process so far."""
    out = {}
    for name, pid in pids.items():
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        out[name] = (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    return out


def comet_metrics(port: int) -> dict[str, float]:
    """CometBFT's mempool and consensus counters (Prometheus text), summed over labels."""
    import urllib.request

    wanted = ("cometbft_mempool_recheck_times", "cometbft_mempool_failed_txs", "cometbft_abci_connection_method_timing_seconds_count")
    out: dict[str, float] = {}
    try:
        text = urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=5).read().decode()
    except OSError:
        return out
    for line in text.splitlines():
        name = line.split("{", 1)[0].split(" ", 1)[0]
        if name in wanted:
            key = name
            if "method=" in line:
                key += ":" + line.split('method="', 1)[1].split('"', 1)[0]
            out[key] = out.get(key, 0.0) + float(line.rsplit(" ", 1)[1])
    return out


def _idle_ticks() -> float:
    fields = Path("/proc/stat").read_text().split("\n", 1)[0].split()
    return (int(fields[4]) + int(fields[5])) / os.sysconf("SC_CLK_TCK")


def _idle_cores(before: float, span: float) -> float:
    return (_idle_ticks() - before) / span if span > 0 else 0.0


def _profile(pid: int, out: str, seconds: float) -> subprocess.Popen | None:
    spy = shutil.which("py-spy") or str(Path(sys.executable).parent / "py-spy")
    if not Path(spy).exists():
        progress("py-spy not installed: no profile")
        return None
    fmt = "speedscope" if out.endswith(".json") else ("raw" if out.endswith(".txt") else "flamegraph")
    return subprocess.Popen([spy, "record", "-p", str(pid), "-o", out, "-f", fmt, "-d", str(int(seconds) + 1),
                             "-r", "100", "--nonblocking", "--threads", *(["--gil"] if os.environ.get("E2E_PROFILE_GIL") else [])],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--pattern", choices=("spread", "pipelined"), default="spread",
                        help="spread: one tx per sender, one per request; pipelined: see above")
    parser.add_argument("--txs", type=int, default=4000, help="spread: transfers, one per funded sender")
    parser.add_argument("--senders", type=int, default=50, help="pipelined: senders")
    parser.add_argument("--per-sender", type=int, default=100, help="pipelined: txs per sender")
    parser.add_argument("--batch", type=int, default=100, help="pipelined: calls per JSON-RPC batch")
    parser.add_argument("--concurrency", type=int, default=None,
                        help="JSON-RPC connections sending (default 64 spread, 4 pipelined)")
    parser.add_argument("--workers", type=int, default=None, help="OCC workers (1 = serial); default app.toml's")
    parser.add_argument("--timeout", type=float, default=180, help="seconds to wait for all receipts")
    parser.add_argument("--profile", default="", help="py-spy output (.svg flamegraph, .txt raw, .json speedscope)")
    parser.add_argument("--profile-seconds", type=float, default=20)
    parser.add_argument("--home", default="", help="keep the node home here instead of a temp dir")
    args = parser.parse_args()
    pipelined = args.pattern == "pipelined"
    if args.concurrency is None:
        args.concurrency = 4 if pipelined else 64
    if pipelined:
        args.txs = args.senders * args.per_sender
    tmp = tempfile.mkdtemp(prefix="e2e-bench-") if not args.home else None
    root = Path(args.home or tmp) / "net"
    try:
        workers = [args.workers] if args.workers is not None else [0]
        init_localnet(root, 1, workers=workers, base_port=free_base_port(1),
                      accounts=(args.senders if pipelined else args.txs) + 1)
        net = Localnet.load(root)
        raws = sign_pipelined(net, args.senders, args.per_sender) if pipelined else sign_transfers(net, args.txs)
        progress(f"signed {len(raws)} transfers; starting the node")
        start(root, wait_height=3, timeout=240)
        spy = _profile(read_pid(net.nodes[0]) or 0, args.profile, args.profile_seconds) if args.profile else None
        url = net.nodes[0].ports.evm_url
        procs = process_tree(read_pid(net.nodes[0]) or 0)
        cpu_before = cpu_seconds(procs)
        client_before = sum(os.times()[:2])
        idle_before = _idle_ticks()
        comet_before = comet_metrics(net.nodes[0].ports.prometheus)
        run = asyncio.run(_load(url, raws, args.concurrency, args.timeout, args.batch if pipelined else 0))
        cpu_after = cpu_seconds(procs)
        cpu_after["bench client"] = sum(os.times()[:2]) - client_before
        comet = {k: v - comet_before.get(k, 0.0) for k, v in comet_metrics(net.nodes[0].ports.prometheus).items()}
        if spy is not None:
            spy.wait()
        shape = (f"{args.senders} senders x {args.per_sender} in nonce order, JSON-RPC batches of {args.batch}"
                 if pipelined else "one per sender and request")
        print(f"e2e bench: {args.txs} EVM transfers via eth_sendRawTransaction ({shape}), "
              f"concurrency {args.concurrency}, OCC workers {net.nodes[0].workers or 'auto'}")
        print("\n".join(report(net, run, args.txs)))
        span = (max(run.receipt_at.values()) if run.receipt_at else run.last_send) - run.first_send
        cpu = {k: cpu_after[k] - cpu_before.get(k, 0.0) for k in cpu_after}
        idle = _idle_cores(idle_before, span)
        print("CPU during the load (cores busy): " + ", ".join(
            f"{k} {v / span:.2f}" for k, v in sorted(cpu.items(), key=lambda kv: -kv[1]) if v > 0.05 * span)
            + f"; machine idle {idle:.2f} of {os.cpu_count()} cores")
        done = max(1, len(run.receipt_at))
        helpers = sum(v for k, v in cpu.items() if k.startswith("helpers"))
        print(f"CPU per tx: app {cpu.get('app', 0) / done * 1000:.2f} ms, helper processes "
              f"{helpers / done * 1000:.2f} ms, cometbft "
              f"{cpu.get('cometbft', 0) / done * 1000:.2f} ms, node total "
              f"{sum(v for k, v in cpu.items() if k != 'bench client') / done * 1000:.2f} ms")
        calls = {k.split(":", 1)[1]: int(v) for k, v in comet.items() if ":" in k and v}
        print(f"CometBFT: rechecks {int(comet.get('cometbft_mempool_recheck_times', 0))}, "
              f"ABCI calls {dict(sorted(calls.items()))}")
        return 0 if len(run.receipt_at) == len(run.sent_at) == args.txs else 1
    finally:
        try:
            stop(root)
        finally:
            if tmp:
                shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    raise SystemExit(main())
