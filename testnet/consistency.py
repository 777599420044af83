"""App-hash agreement across a localnet, read through each node's CometBFT RPC.

For every height each node's own result (``/block_results`` app hash: what its app computed
in FinalizeBlock) is compared across nodes, and so are the block headers (``/blockchain``).
At the first height where the computed app hashes differ, each node is asked for its
per-store hashes at that height (ABCI query ``/pysei/store_hashes``) to name the stores
that diverged. A node that computed a minority hash halts there (CometBFT refuses the next
block), so it also shows up as stuck at that height.
"""

from __future__ import annotations

import argparse
import base64
import json
from collections import Counter
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from testnet import rpc
from testnet.manifest import Localnet


@dataclass
class Divergence:
    height: int
    app_hashes: dict[str, str]  # node -> app hash it computed at that height
    minority: list[str]  # nodes that disagree with the majority
    stores: dict[str, dict[str, str]]  # diverged store -> node -> content digest

    def describe(self) -> str:
        names = ", ".join(sorted(self.stores)) or "unknown (store hashes unavailable)"
        return f"app hash diverged at height {self.height} on {', '.join(self.minority)}: stores {names}"


@dataclass
class Consistency:
    heights: dict[str, int]  # node -> latest height
    checked: tuple[int, int]
    header_mismatches: list[int] = field(default_factory=list)
    divergence: Divergence | None = None

    @property
    def ok(self) -> bool:
        return self.divergence is None and not self.header_mismatches

    def describe(self) -> str:
        lines = [f"heights {self.checked[0]}..{self.checked[1]} on {len(self.heights)} nodes "
                 f"(latest: {', '.join(f'{n}={h}' for n, h in self.heights.items())})"]
        if self.header_mismatches:
            lines.append(f"block headers differ at heights {self.header_mismatches[:10]}")
        if self.divergence is not None:
            lines.append(self.divergence.describe())
        if self.ok:
            lines.append("every node computed the same app hash at every height")
        return "\n".join(lines)


def _computed(url: str, h: int) -> str | None:
    """The app hash the node computed at ``h``; None if it has no results there (state sync)."""
    try:
        raw = rpc.call(url, "block_results", height=str(h))["app_hash"] or ""
    except rpc.RpcError:
        return None
    return base64.b64decode(raw).hex().upper()


def computed_hashes(url: str, low: int, high: int, workers: int = 8) -> dict[int, str]:
    with ThreadPoolExecutor(workers) as pool:
        found = zip(range(low, high + 1), pool.map(lambda h: _computed(url, h), range(low, high + 1)), strict=True)
        return {h: x for h, x in found if x is not None}


def store_hashes(url: str, height: int) -> dict[str, dict]:
    """``{store: {"root", "digest", "keys"}}`` from a node's app at ``height`` ({} if unavailable)."""
    try:
        res = rpc.call(url, "abci_query", path="/pysei/store_hashes", height=str(height))["response"]
    except (OSError, rpc.RpcError):
        return {}
    if int(res.get("code", 0)) != 0 or not res.get("value"):
        return {}
    return json.loads(base64.b64decode(res["value"]))["stores"]


def diverged_stores(per_node: dict[str, dict[str, dict]]) -> dict[str, dict[str, str]]:
    names = sorted({s for stores in per_node.values() for s in stores})
    out = {}
    for name in names:
        digests = {n: stores.get(name, {}).get("digest", "absent") for n, stores in per_node.items()}
        if len(set(digests.values())) > 1:
            out[name] = digests
    return out


def check(urls: dict[str, str], low: int = 1, high: int | None = None) -> Consistency:
    """Compare nodes ``{name: rpc_url}`` from ``low`` up to ``high`` (default: the highest
    height every node reached, and up to each lagging node's own height)."""
    heights = {n: rpc.height(u) for n, u in urls.items()}
    up = {n: u for n, u in urls.items() if heights[n] > 0}
    top = high or max(heights.values(), default=0)
    report = Consistency(heights, (low, top))
    if not up or top < low:
        return report
    # (the newest block's results may not be saved yet: such heights are skipped)
    computed = {n: computed_hashes(u, low, min(top, heights[n])) for n, u in up.items()}
    for h in range(low, top + 1):
        seen = {n: c[h] for n, c in computed.items() if h in c}
        if len(set(seen.values())) > 1:
            majority, _ = Counter(seen.values()).most_common(1)[0]
            minority = sorted(n for n, x in seen.items() if x != majority)
            stores = diverged_stores({n: store_hashes(up[n], h) for n in seen})
            report.divergence = Divergence(h, seen, minority, stores)
            break
    report.header_mismatches = _header_mismatches(up, heights, low, top)
    return report


def _header_mismatches(urls: dict[str, str], heights: dict[str, int], low: int, top: int) -> list[int]:
    headers = {n: _headers(u, low, min(top, heights[n])) for n, u in urls.items()}
    bad = []
    for h in range(low, top + 1):
        hashes = {hdr[h]["app_hash"] for hdr in headers.values() if h in hdr}
        if len(hashes) > 1:
            bad.append(h)
    return bad


def _headers(url: str, low: int, high: int) -> dict[int, dict]:
    try:
        return rpc.headers(url, low, high)
    except rpc.RpcError:  # a state-synced node has no blocks below its base height
        base = int(rpc.call(url, "status")["sync_info"]["earliest_block_height"])
        return rpc.headers(url, max(low, base), high) if base <= high else {}


def check_localnet(root: Path, low: int = 1, nodes: Sequence[str] | None = None) -> Consistency:
    net = Localnet.load(root)
    return check({n.name: n.rpc_url for n in net.nodes if nodes is None or n.name in nodes}, low)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="testnet.consistency", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("dir")
    parser.add_argument("--from", dest="low", type=int, default=1)
    args = parser.parse_args(argv)
    report = check_localnet(Path(args.dir), args.low)
    print(report.describe())
    return 0 if report.ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
