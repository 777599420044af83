"""``python -m testnet.load DIR``: sign a mixed load ahead of time, submit it at a target rate,
wait for it to commit, and report accepted txs, committed TPS, block interval, finality
(submission to commit) and the OCC re-execution rate from the nodes' metrics.

It stops by itself: after ``--txs`` txs or ``--max-seconds`` of submitting, whichever is
first, and after at most ``--commit-timeout`` more seconds of waiting for commits.
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

from testnet import rpc
from testnet.chainstate import next_sequences
from testnet.erc20 import deploy_token, token_code
from testnet.manifest import Localnet
from testnet.observe import Landed, percentile, scrape, wait_committed
from testnet.submit import Endpoints, submit
from testnet.txgen import ERC20, EVM, Mix, Roles, plan


@dataclass
class LoadReport:
    txs: int
    accepted: int
    rejected: int
    committed: int
    failed: int  # committed with a non-zero code
    lost: int  # accepted but never committed
    tps: float
    block_ms_median: float
    block_ms_p99: float
    finality_ms_median: float
    finality_ms_p99: float
    reexecution_rate: float  # OCC re-executions per tx execution, over the run, all nodes
    blocks: int
    heights: tuple[int, int]
    submit_seconds: float = 0.0  # first send to last CheckTx answer
    occ: dict[str, dict[str, float]] = field(default_factory=dict)
    reject_reasons: list[str] = field(default_factory=list)
    lost_hashes: list[str] = field(default_factory=list)

    def lines(self) -> list[str]:
        r = self
        return [
            f"txs {r.txs}: accepted {r.accepted}, rejected {r.rejected}, committed {r.committed} "
            f"(failed {r.failed}), lost {r.lost}; submitted in {r.submit_seconds:.1f}s",
            f"committed TPS {r.tps:.1f} over heights {r.heights[0]}..{r.heights[1]} ({r.blocks} blocks)",
            f"block interval median {r.block_ms_median:.0f} ms, p99 {r.block_ms_p99:.0f} ms",
            f"finality median {r.finality_ms_median:.0f} ms, p99 {r.finality_ms_p99:.0f} ms",
            f"OCC re-execution rate {r.reexecution_rate:.3f} per execution",
        ]


def _metrics(net: Localnet) -> dict[str, dict[str, float]]:
    return {n.name: scrape(n.ports.metrics_url) for n in net.nodes}


def _urls(net: Localnet) -> list[str]:
    return [n.rpc_url for n in net.nodes]


def run_load(
    root: Path,
    txs: int,
    rate: float,
    *,
    mix: str = "native=0.4,evm=0.4,erc20=0.2",
    conflict: float = 0.0,
    via: str = "cometbft",
    max_seconds: float | None = None,
    commit_timeout: float = 90,
    nodes: int | None = None,
) -> LoadReport:
    """One run against the localnet in ``root`` (its first ``nodes`` nodes take the load)."""
    net = Localnet.load(root)
    targets = net.nodes[: nodes or len(net.nodes)]
    accounts = net.accounts()
    counts = Mix.parse(mix).counts(txs)
    roles = Roles.assign(len(accounts), counts)
    ends = Endpoints(
        [n.rpc_url for n in targets],
        [n.ports.evm_url for n in targets] if via == "jsonrpc" else None,
    )
    token = None
    if counts.get(ERC20):

        if token_code() is None:
            print("no solc for the ERC-20 contract: its share goes to EVM transfers")
            counts[EVM] = counts.get(EVM, 0) + counts.pop(ERC20)
            roles = Roles.assign(len(accounts), counts)
        else:
            holders = [accounts[i] for i in roles.senders[ERC20]]
            token = deploy_token(ends, accounts[roles.deployer], holders, net.evm_chain_id)
    start_seq = next_sequences(ends.cometbft[0], accounts, roles.senders)
    signed = time.time()
    load = plan(accounts, counts, chain_id=net.chain_id, evm_chain_id=net.evm_chain_id, nodes=len(targets),
                start_seq=start_seq, token=token, conflict=conflict)
    print(f"signed {len(load)} txs in {time.time() - signed:.1f}s")
    before = _metrics(net)
    start_height = max(rpc.height(u) for u in _urls(net))
    sub = submit(load, ends, rate, max_seconds or txs / rate * 1.5 + 30)
    landed = Landed()
    wanted = [t.hash for t in sub.accepted]
    lost = wait_committed(_urls(net), landed, wanted, start_height + 1, time.time() + commit_timeout)
    return _report(net, load, sub, landed, lost, before, _metrics(net))


def _report(net, load, sub, landed: Landed, lost: set[str], before, after) -> LoadReport:
    committed = [t.hash for t in sub.accepted if t.hash in landed.height]
    heights = sorted({landed.height[x] for x in committed})
    first, last = (heights[0], heights[-1]) if heights else (0, 0)

    def commit_time(x: str) -> float:
        h = landed.height[x]
        return landed.block_time.get(h + 1, landed.block_time[h])

    finality = [(commit_time(x) - sub.sent_at[x]) * 1000 for x in committed]
    span = [h for h in sorted(landed.block_time) if first <= h <= last + 1]
    gaps = [(landed.block_time[b] - landed.block_time[a]) * 1000 for a, b in zip(span, span[1:], strict=False)]
    elapsed = (max(commit_time(x) for x in committed) - sub.started) if committed else 0
    occ: dict[str, dict[str, float]] = {}
    for name, end in after.items():
        start = before.get(name, {})
        occ[name] = {k: v - start.get(k, 0.0) for k, v in end.items()}
    executions = sum(d.get("pysei_occ_executions", 0) for d in occ.values())
    rex = sum(d.get("pysei_occ_reexecutions", 0) for d in occ.values())
    return LoadReport(
        txs=len(load),
        accepted=len(sub.accepted),
        rejected=len(sub.rejected),
        committed=len(committed),
        failed=sum(1 for x in committed if landed.code.get(x, 0) != 0),
        lost=len(lost),
        tps=len(committed) / elapsed if elapsed > 0 else 0.0,
        block_ms_median=statistics.median(gaps) if gaps else 0.0,
        block_ms_p99=percentile(gaps, 99),
        finality_ms_median=statistics.median(finality) if finality else 0.0,
        finality_ms_p99=percentile(finality, 99),
        reexecution_rate=rex / executions if executions else 0.0,
        blocks=len(heights),
        heights=(first, last),
        submit_seconds=sub.finished - sub.started,
        occ=occ,
        reject_reasons=sorted({r for _, r in sub.rejected})[:5],
        lost_hashes=sorted(lost)[:5],
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="testnet.load", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("dir")
    parser.add_argument("--txs", type=int, default=2000)
    parser.add_argument("--rate", type=float, default=300, help="txs per second")
    parser.add_argument("--mix", default="native=0.4,evm=0.4,erc20=0.2")
    parser.add_argument("--conflict", type=float, default=0.0, help="fraction of txs paying one hot account")
    parser.add_argument("--via", choices=("cometbft", "jsonrpc"), default="cometbft")
    parser.add_argument("--max-seconds", type=float, default=None)
    parser.add_argument("--commit-timeout", type=float, default=90)
    parser.add_argument("--report", action="store_true", help="print the report")
    parser.add_argument("--json", action="store_true", help="print the report as JSON")
    args = parser.parse_args(argv)
    report = run_load(Path(args.dir), args.txs, args.rate, mix=args.mix, conflict=args.conflict, via=args.via,
                      max_seconds=args.max_seconds, commit_timeout=args.commit_timeout)
    if args.json:
        print(json.dumps(asdict(report), indent=2))
    else:
        print("\n".join(report.lines()))
    return 0 if report.lost == 0 else 1


if __name__ == "__main__":
    raise SystemExit(main())
