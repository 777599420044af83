"""End to end, pysei against geth in one run: the same loads, the same checks.

A fresh pysei node (``pysei start``: the app + CometBFT, default config) and ``geth --dev
--dev.period 1`` v1.16.9 (built once into ``.bin/`` by ``make geth``; block gas limit
pysei's, a large tx pool; the dev account funds the load accounts) run side by side; while
one is measured the other is paused (SIGSTOP), so each gets the machine. Each round runs
every load on both nodes, the order alternating between rounds; the table prints each
figure's median over the rounds and the pysei/geth ratio.

Loads (``bench/e2e/loads.py``), each pre-signed for the node's chain id and current nonces
and sent as JSON-RPC batches of 100 over 4 keep-alive connections, nonce round after round:

(a) transfers: 5,000 ETH transfers, 1,000 senders x 5;
(b) pipelined: 5,000 ETH transfers, 50 senders x 100 (``testnet/pipelined.py``);
(c) erc20: 5,000 ERC-20 transfers, 500 senders x 10;
(d) mix: 2,500 ETH transfers (500 senders x 5) beside 2,500 native MsgSends (500 senders
    x 5, ``broadcast_tx_sync`` to CometBFT in batches of 10, its default limit, over 4
    more connections, each sender's txs all on one of them, which keeps its sequences in
    order). geth has no native txs: in their place it gets 2,500 ETH transfers from the
    same 500 senders, sent the same way (batches of 10 over 4 more connections), so both
    nodes take 5,000 txs.

A tx counts as included when the block holding it is first seen by a poller (every
50 ms); latency is send to that moment. At the end every sender's nonce (native:
sequence) must be the one its txs lead to.

Run: ``.venv/bin/python bench/e2e_bench.py`` (5 rounds; ``--rounds 3``, ``--loads transfers,mix``,
``--profile app.txt`` records pysei's app process with py-spy during its run of load (a)
in round 1 (``--profile-load``, ``--profile-round`` choose another); ``E2E_PROFILE_GIL=1`` samples only the thread holding the GIL, ``E2E_PROFILE_RATE``
sets the samples per second, 100 by default, ``E2E_PROFILE_SECONDS`` the seconds recorded, 12 by default); ``--timeline`` prints each run's blocks: when
each was made (its header time) and seen, its txs, and how many had been sent by then).
"""

from __future__ import annotations

import argparse
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.e2e import figures, procs  # noqa: E402
from bench.e2e.drive import Run, cosmos_sequences, drive, evm_nonces  # noqa: E402
from bench.e2e.loads import ACCOUNTS, DEPLOYER, ERC20_LOAD, NATIVE_FIRST, SHAPES, TRANSFERS, sign_load  # noqa: E402
from bench.e2e.nodes import Node, call, start_geth, start_pysei, wait_height  # noqa: E402
from bench.e2e.token import deploy  # noqa: E402

NOTES = {
    "transfers": "5,000 ETH transfers, 1,000 senders x 5",
    "pipelined": "5,000 ETH transfers, 50 senders x 100 in nonce order",
    "erc20": "5,000 ERC-20 transfers, 500 senders x 10",
    "mix": "2,500 ETH transfers + 2,500 native sends (geth: 2,500 more ETH transfers, sent alike)",
}


def progress(msg: str) -> None:
    print(f"  .. {msg}", file=sys.stderr, flush=True)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _profile(pid: int, out: str, seconds: float) -> subprocess.Popen:
    spy = Path(sys.executable).parent / "py-spy"
    fmt = "speedscope" if out.endswith(".json") else ("raw" if out.endswith(".txt") else "flamegraph")
    return subprocess.Popen([str(spy), "record", "-p", str(pid), "-o", out, "-f", fmt, "-d", str(int(seconds)),
                             "-r", os.environ.get("E2E_PROFILE_RATE", "100"), "--nonblocking", "--subprocesses",
                             *(["--gil"] if os.environ.get("E2E_PROFILE_GIL") else [])],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def _comet_profile(port: int, out: str, seconds: int) -> threading.Thread:
    """Fetch CometBFT's CPU profile of the next ``seconds`` into ``out`` (in the background)."""
    def fetch() -> None:
        url = f"http://127.0.0.1:{port}/debug/pprof/profile?seconds={seconds}"
        Path(out).write_bytes(urllib.request.urlopen(url, timeout=seconds + 30).read())

    t = threading.Thread(target=fetch, daemon=True)
    t.start()
    return t


def _round_file(path: str, round_no: int, rounds: list[int]) -> str:
    """``path`` itself when one round is profiled, else ``path`` with ``-r<round>`` before its extension."""
    if len(rounds) == 1:
        return path
    stem, dot, ext = path.rpartition(".")
    return f"{stem}-r{round_no}.{ext}" if dot else f"{path}-r{round_no}"


def one_run(node: Node, name: str, accounts: list, token: bytes, tag: str, profile: str, timeout: float,
            batch_size: int = 100, connections: int = 4, comet: threading.Thread | None = None) -> Run:
    """Resume ``node``, sign load ``name`` at its current nonces, drive it, pause it again
    (once ``comet``, CometBFT's profile being fetched, is in: a paused node answers none)."""
    procs.pause(node.processes(), stop=False)
    try:
        wait_height(node.eth_url, int(str(call(node.eth_url, "eth_blockNumber", [])), 16) + 1, 30)
        n_evm, n_cosmos, _ = SHAPES[name]
        nonces = evm_nonces(node, [a.evm_address for a in accounts[:n_evm]])
        side = accounts[NATIVE_FIRST: NATIVE_FIRST + n_cosmos]
        seqs = (cosmos_sequences(node, side) if node.cosmos_chain_id
                else evm_nonces(node, [a.evm_address for a in side])) if side else []
        load = sign_load(name, node, accounts, nonces, seqs, token, tag)
        spy = _profile(node.pid, profile, float(os.environ.get("E2E_PROFILE_SECONDS", "12"))) if profile else None
        run = drive(node, load, accounts, timeout=timeout, batch_size=batch_size, connections=connections)
        if spy is not None:
            spy.wait()
        return run
    finally:
        if comet is not None:
            comet.join()
        procs.pause(node.processes(), stop=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=5, help="rounds (single rounds spread by 10-30 %%)")
    parser.add_argument("--loads", default=",".join(SHAPES), help=f"comma-separated, of {', '.join(SHAPES)}")
    parser.add_argument("--timeout", type=float, default=300, help="seconds to wait for a load's txs")
    parser.add_argument("--batch", type=int, default=100, help="eth_sendRawTransaction calls per JSON-RPC batch "
                                                               "(1: one call per HTTP request)")
    parser.add_argument("--connections", type=int, default=4, help="keep-alive connections sending the EVM txs")
    parser.add_argument("--profile", default="", help="py-spy output for pysei's run of --profile-load "
                                                      "in round --profile-round")
    parser.add_argument("--profile-load", default=TRANSFERS, help="the load --profile and --comet-profile record")
    parser.add_argument("--profile-round", default="1",
                        help="the round --profile records (comma-separated: several, each into its own file, "
                             "the round's number before the extension)")
    parser.add_argument("--comet-profile", default="",
                        help="CometBFT CPU profile (pprof) for pysei's first load (a) run")
    parser.add_argument("--timeline", action="store_true", help="print each run's blocks as they were seen")
    parser.add_argument("--nodes", default="pysei,geth", help="measure only these (e.g. pysei)")
    parser.add_argument("--pysei-set", action="append", default=[], metavar="KEY=VALUE",
                        help="override a default of pysei's app.toml (the default config otherwise)")
    parser.add_argument("--ab", action="append", default=[], metavar="KEY=VALUE",
                        help="A/B run: instead of geth, a second pysei node with these app.toml overrides "
                             "(cometbft.<section>.<key>=value: its config.toml)")
    args = parser.parse_args()
    profile_rounds = [int(r) for r in str(args.profile_round).split(",") if r.strip()]
    loads = [x for x in args.loads.split(",") if x]
    wanted = args.nodes.split(",")
    print(f"e2e bench: pysei vs geth; load average at start {procs.load_average()}, {os.cpu_count()} cores"
          + (f"; pysei app.toml overrides {args.pysei_set}" if args.pysei_set else ""))
    tmp = Path(tempfile.mkdtemp(prefix="e2e-bench-"))
    nodes: list[Node] = []
    try:
        progress("starting pysei")
        pprof = free_port() if args.comet_profile else 0
        pysei, net = start_pysei(tmp / "net", ACCOUNTS, args.pysei_set, pprof)
        nodes.append(pysei)
        accounts = net.accounts()[:ACCOUNTS]
        own = {pysei.name: accounts}
        procs.pause(pysei.processes(), stop=True)
        if args.ab:
            progress(f"starting pysei with {args.ab}")
            other, other_net = start_pysei(tmp / "net-b", ACCOUNTS, [*args.pysei_set, *args.ab])
            other.name = "pysei-b"
            nodes.append(other)
            own[other.name] = other_net.accounts()[:ACCOUNTS]
            procs.pause(other.processes(), stop=True)
        elif "geth" in wanted:
            progress("starting geth and funding its load accounts")
            (tmp / "geth").mkdir()
            geth = start_geth(tmp / "geth" / "data", free_port(), accounts)
            nodes.append(geth)
            procs.pause(geth.processes(), stop=True)
        tokens: dict[str, bytes] = {}
        if ERC20_LOAD in loads:
            for node in nodes:
                procs.pause(node.processes(), stop=False)
                progress(f"deploying the ERC-20 on {node.name}")
                mine = own.get(node.name, accounts)
                tokens[node.name] = deploy(node, mine[DEPLOYER], mine[:SHAPES[ERC20_LOAD][0]])
                procs.pause(node.processes(), stop=True)
        runs: dict[tuple[str, str], list[Run]] = {}
        for r in range(args.rounds):
            for name in loads:
                order = nodes if r % 2 == 0 else nodes[::-1]
                for node in order:
                    if node.name not in wanted and not args.ab:
                        continue
                    first = r + 1 in profile_rounds and name == args.profile_load and node.name == "pysei"
                    profile = _round_file(args.profile, r + 1, profile_rounds) if first and args.profile else ""
                    comet = _comet_profile(pprof, args.comet_profile, 10) if first and pprof else None
                    progress(f"round {r + 1}: {name} on {node.name}")
                    run = one_run(node, name, own.get(node.name, accounts), tokens.get(node.name, b""), f"{r}-{name}", profile,
                                  args.timeout, args.batch, args.connections, comet)
                    f = figures.figures(run)
                    timing = figures.abci_ms_per_call([run])
                    progress(f"  {f['included']:.0f}/{run.size} in, {f['tps']:.0f} tx/s, "
                             f"{f['rejected']:.0f} rejected, {f['bad_nonces']:.0f} bad nonces"
                             + "".join(f", {k} {timing[k]:.0f} ms" for k in ("finalize_block", "commit") if k in timing)
                             + "; CPU ms per tx " + ", ".join(f"{k} {v:.2f}" for k, v in figures.cpu_split([run]).items()))
                    if args.timeline:
                        print("\n".join(figures.timeline(run)), file=sys.stderr, flush=True)
                    runs.setdefault((name, node.name), []).append(run)
        for name in loads:
            b = nodes[1].name if len(nodes) > 1 else "geth"
            print("\n".join(figures.table(name, NOTES[name], runs.get((name, "pysei"), []), runs.get((name, b), []),
                                           ("pysei", b))))
        for node in nodes:
            pids = node.processes()
            rss = procs.peak_rss_mib(pids)
            by_name: dict[str, float] = {}
            for pid, mib in rss.items():
                by_name[pids[pid]] = by_name.get(pids[pid], 0.0) + mib
            print(f"peak RSS {node.name}: {sum(rss.values()):.0f} MiB ("
                  + ", ".join(f"{k} {v:.0f}" for k, v in sorted(by_name.items(), key=lambda kv: -kv[1])) + ")")
        print(f"load average at the end {procs.load_average()}")
        bad = [r for rs in runs.values() for r in rs if r.nonce_errors or r.rejected or
               len(r.included_at.keys() & r.sent_at.keys()) != r.size]
        return 1 if bad else 0
    finally:
        for node in nodes:
            try:
                node.close()
            except Exception as e:  # noqa: BLE001 - stop the others regardless
                progress(f"stopping {node.name}: {e}")
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    raise SystemExit(main())
