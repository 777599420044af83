"""The CometBFT RPC front's own cost per native tx, side by side in one run:
``python bench/front_bench.py [--signers N] [--per P]``.

The front process (``abci_app/node/front_process.py``: HTTP, JSON, base64, decoding, the
signature check of a signer whose account number it knows) serves pre-signed bank sends
(N signers x P each) sent as ``broadcast_tx_sync`` over 4 keep-alive connections, each
signer's txs on one, by a client in this process; the node side admits every tx at once
(no state), so what is measured is the front alone. Printed for batches of 10 (the e2e
bench's mix) and one tx per request (cosmjs' way): tx/s, the front process's CPU per tx
(``/proc``), and the ratio of the two.
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import aiohttp  # noqa: E402

from abci_app.node.front_process import FrontProcess, FrontSpec  # noqa: E402
from pysei_pb.tendermint.abci import types_pb2 as abci  # noqa: E402
from tests.support.chain import CHAIN_ID, EVM_CHAIN_ID, cosmos_send, make_keys  # noqa: E402

CONNECTIONS = 4
#: Txs per request: the e2e bench's native batches, and cosmjs' one.
BATCHES = (10, 1)


def _cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _front(numbers: dict[bytes, int]) -> FrontProcess:
    spec = FrontSpec(address="127.0.0.1:0", comet_url="http://127.0.0.1:1", mode="local", max_body_bytes=5_000_000,
                     max_batch=10, modules=("auth", "bank", "evm"), evm_chain_id=EVM_CHAIN_ID, max_tx_bytes=1 << 20,
                     chain_id=CHAIN_ID)
    front = FrontProcess(spec, admit=lambda raw: abci.ResponseCheckTx(code=0, gas_wanted=200_000),
                         keep=lambda raw, result: None, vouch=lambda decoded, number: None,
                         account_number=lambda decoded: numbers.get(decoded.tx.signer, -1))
    front.start()
    return front


async def _lane(session: aiohttp.ClientSession, url: str, txs: list[bytes], batch: int) -> None:
    for i in range(0, len(txs), batch):
        body = [{"jsonrpc": "2.0", "id": j, "method": "broadcast_tx_sync", "params": {"tx": base64.b64encode(t).decode()}}
                for j, t in enumerate(txs[i:i + batch])]
        async with session.post(url, json=body if batch > 1 else body[0]) as resp:
            out = await resp.json(content_type=None)
        for answer in out if isinstance(out, list) else [out]:
            if answer["result"]["code"] != 0:
                raise RuntimeError(f"refused: {answer}")


async def _send(url: str, lanes: list[list[bytes]], batch: int) -> None:
    async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=CONNECTIONS)) as session:
        await asyncio.gather(*(_lane(session, url, lane, batch) for lane in lanes))


def measure(front: FrontProcess, txs: list[bytes], signers: int, batch: int) -> tuple[float, float]:
    """(tx/s, front CPU ms per tx) for ``txs`` in batches of ``batch``."""
    url = f"http://127.0.0.1:{front.port}"
    lanes = [[raw for p, raw in enumerate(txs) if p % signers % CONNECTIONS == k] for k in range(CONNECTIONS)]
    assert front.pid is not None
    cpu, began = _cpu_seconds(front.pid), time.perf_counter()
    asyncio.run(_send(url, lanes, batch))
    wall = time.perf_counter() - began
    return len(txs) / wall, (_cpu_seconds(front.pid) - cpu) * 1000 / len(txs)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--signers", type=int, default=2000)
    parser.add_argument("--per", type=int, default=5, help="txs per signer")
    args = parser.parse_args()
    keys = make_keys(args.signers + 1, seed="front-bench")
    # Each signer's account number is its index: the node side's answers teach the front
    # those, so after one tx of each signer (sent first, not measured) the front checks every
    # signature itself, as on a node.
    numbers = {k.sei: i for i, k in enumerate(keys)}
    first = [cosmos_send(keys[i], keys[-1].sei, 1, i, 0) for i in range(args.signers)]
    loads = {batch: [cosmos_send(keys[i], keys[-1].sei, 1, i, seq)
                     for seq in range(1 + args.per * r, 1 + args.per * (r + 1)) for i in range(args.signers)]
             for r, batch in enumerate(BATCHES)}
    front = _front(numbers)
    try:
        measure(front, first, args.signers, max(BATCHES))
        figures = {batch: measure(front, loads[batch], args.signers, batch) for batch in BATCHES}
    finally:
        front.close()
    print(f"front process, {args.signers} signers x {args.per} bank sends, {CONNECTIONS} connections")
    print(f"  {'':24} {'tx/s':>8} {'front CPU ms/tx':>16}")
    for batch, (rate, cpu) in figures.items():
        print(f"  {f'batches of {batch}':24} {rate:8.0f} {cpu:16.3f}")
    (r10, c10), (r1, c1) = figures[10], figures[1]
    print(f"  batches of 10 / one per request: {r10 / r1:.2f}x the rate, {c10 / c1:.2f}x the CPU per tx")


if __name__ == "__main__":
    main()
