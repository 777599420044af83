"""JSON-RPC throughput, side by side in one run: ``python bench/rpc_bench.py [--seconds S] [--concurrency C]``.

Requests/s for ``eth_blockNumber``, ``eth_getBalance`` and ``eth_call`` (ERC-20
``balanceOf`` of the test token, compiled by solc from ``tests/e2e/contracts``) on the
pysei JSON-RPC server (in-process, over a small chain on a real RocksDB SeiDB), next to a
plain JSON echo served by the same aiohttp stack (parse the body, answer it back: the
framework's own ceiling). The load comes from a separate process (aiohttp client, C
concurrent keep-alive connections) so it does not share the server's GIL.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import multiprocessing as mp
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import aiohttp  # noqa: E402
from aiohttp import web  # noqa: E402
from eth_abi import encode  # noqa: E402

from tests.support.rpc_chain import ADDRESSES, MiniChain  # noqa: E402
from tests.support.solc import compile_contract  # noqa: E402

TOKEN_SOL = ROOT / "tests" / "e2e" / "contracts" / "TestToken.sol"


class EchoServer:
    """aiohttp on its own loop thread, answering every JSON-RPC body with its params."""

    def __init__(self) -> None:
        self.port = 0

    async def _handle(self, request: web.Request) -> web.Response:
        msg = json.loads(await request.read())
        out = {"jsonrpc": "2.0", "id": msg.get("id"), "result": msg.get("params")}
        return web.Response(body=json.dumps(out, separators=(",", ":")).encode(), content_type="application/json")

    def start(self) -> None:
        ready = threading.Event()

        async def serve() -> None:
            app = web.Application()
            app.router.add_post("/", self._handle)
            runner = web.AppRunner(app, access_log=None, handle_signals=False)
            await runner.setup()
            site = web.TCPSite(runner, "127.0.0.1", 0)
            await site.start()
            self.port = site._server.sockets[0].getsockname()[1]
            ready.set()

        def run() -> None:
            loop = asyncio.new_event_loop()
            asyncio.set_event_loop(loop)
            loop.run_until_complete(serve())
            loop.run_forever()

        threading.Thread(target=run, daemon=True).start()
        ready.wait()


def _load(url: str, body: bytes, seconds: float, concurrency: int, out: mp.Queue) -> None:
    async def run() -> tuple[int, int]:
        done = errors = 0
        stop = time.perf_counter() + seconds
        conn = aiohttp.TCPConnector(limit=concurrency)
        async with aiohttp.ClientSession(connector=conn) as s:
            async def worker() -> None:
                nonlocal done, errors
                while time.perf_counter() < stop:
                    async with s.post(url, data=body, headers={"Content-Type": "application/json"}) as r:
                        answer = await r.json()
                    if "error" in answer:
                        errors += 1
                    done += 1

            await asyncio.gather(*(worker() for _ in range(concurrency)))
        return done, errors

    out.put(asyncio.run(run()))


def measure(url: str, method: str, params: list, seconds: float, concurrency: int) -> float:
    body = json.dumps({"jsonrpc": "2.0", "id": 1, "method": method, "params": params}).encode()
    ctx = mp.get_context("spawn")
    q: mp.Queue = ctx.Queue()
    p = ctx.Process(target=_load, args=(url, body, seconds, concurrency, q))
    p.start()
    done, errors = q.get()
    p.join()
    if errors:
        raise RuntimeError(f"{method}: {errors} error answers")
    return done / seconds


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--seconds", type=float, default=2.0)
    ap.add_argument("--concurrency", type=int, default=32)
    ap.add_argument("--rounds", type=int, default=5)
    args = ap.parse_args()
    abi, code = compile_contract(TOKEN_SOL, "TestToken")
    with tempfile.TemporaryDirectory() as tmp, MiniChain(Path(tmp)) as chain:
        deploy = code + encode(["string", "string", "uint256"], ["Bench", "B", 10**24])
        chain.mine([chain.sign(0, nonce=0, data=deploy)])
        token = chain.index.receipts(1)[0]["contractAddress"]
        for _ in range(3):
            chain.mine()
        echo = EchoServer()
        echo.start()
        call = {"to": token, "data": "0x70a08231" + encode(["address"], [ADDRESSES[0]]).hex()}
        cases = [
            ("echo", f"http://127.0.0.1:{echo.port}/", "eth_blockNumber", []),
            ("eth_blockNumber", chain.url, "eth_blockNumber", []),
            ("eth_getBalance", chain.url, "eth_getBalance", [ADDRESSES[0], "latest"]),
            ("eth_call balanceOf", chain.url, "eth_call", [call, "latest"]),
        ]
        print(f"rpc_bench: {args.concurrency} concurrent connections, {args.seconds:.0f} s per case, best of "
              f"{args.rounds} interleaved rounds, load from a separate process")
        results: dict[str, float] = {}
        for _ in range(args.rounds):  # interleaved rounds; the best of each case counts
            for name, url, method, params in cases:
                rps = measure(url, method, params, args.seconds, args.concurrency)
                results[name] = max(results.get(name, 0.0), rps)
        ceiling = results["echo"]
        print(f"{'case':<22}{'req/s':>10}{'vs echo':>10}")
        for name, rps in results.items():
            print(f"{name:<22}{rps:>10.0f}{rps / ceiling:>10.2f}")


if __name__ == "__main__":
    main()
