"""The Ethereum-style tx pool on a real node (CometBFT + app), driven over the JSON-RPC:
batches and concurrent connections keep landing, future nonces queue, replacements need
the price bump, and the window and TTL bound what is held.

The node runs with ``txpool_account_queue = 128`` (so 100 txs of one sender in random
order all fit the window) and ``txpool_queue_ttl_blocks = 20``, once for each way a tx
enters: ``local`` (the JSON-RPC hands it to the app's pool; the node proposes it) and
``mempool`` (through CometBFT's ``broadcast_tx_sync``, CheckTx and recheck), and the
default ``auto``, which on this lone validator must be ``local``.
"""

from __future__ import annotations

import asyncio
import hashlib
import http.client
import json
import random
import threading
import time
from typing import Any

import aiohttp
import pytest
from eth_account import Account

from abci_app.config import AppConfig
from tests.support.node import LocalNode

pytestmark = pytest.mark.integration
CHAIN_ID = 713714
WINDOW = 128
TTL_BLOCKS = 20
FEE, TIP = 10 * 10**9, 10**9
TO = Account.from_key("0x" + "01" * 32).address


@pytest.fixture(scope="module", params=["local", "mempool", "auto"])
def node(tmp_path_factory, request):
    n = LocalNode(tmp_path_factory.mktemp("txpool") / "home")
    n.init()
    cfg = AppConfig.load(n.home)
    cfg.txpool_account_queue = WINDOW
    cfg.txpool_queue_ttl_blocks = TTL_BLOCKS
    cfg.evm_tx_intake = request.param
    n.intake = "local" if request.param == "auto" else request.param  # a lone validator: local
    cfg.save(n.home)
    n.start()
    yield n
    n.stop()


@pytest.fixture(scope="module")
def funder(node) -> Any:
    data = json.loads((node.home / "keys" / "alice.json").read_text())
    return Account.from_key("0x" + data["privkey"].removeprefix("0x"))


# ---- JSON-RPC over one keep-alive connection ----


class Rpc:
    def __init__(self, url: str) -> None:
        host, port = url.removeprefix("http://").split(":")
        self.conn = http.client.HTTPConnection(host, int(port), timeout=60)
        self.ids = 0

    def post(self, body: Any) -> Any:
        self.conn.request("POST", "/", json.dumps(body), {"Content-Type": "application/json"})
        return json.loads(self.conn.getresponse().read())

    def answer(self, method: str, *params: Any) -> dict:
        self.ids += 1
        return self.post({"jsonrpc": "2.0", "id": self.ids, "method": method, "params": list(params)})

    def call(self, method: str, *params: Any) -> Any:
        out = self.answer(method, *params)
        assert "error" not in out, (method, out)
        return out["result"]

    def send(self, raw: str) -> dict:
        return self.answer("eth_sendRawTransaction", raw)

    def batch(self, method: str, params: list[list[Any]]) -> list[dict]:
        out = self.post([{"jsonrpc": "2.0", "id": i, "method": method, "params": p} for i, p in enumerate(params)])
        return sorted(out, key=lambda a: a["id"])

    def close(self) -> None:
        self.conn.close()


def sign(account: Any, nonce: int, fee: int = FEE, tip: int = TIP, value: int = 1, to: str = TO) -> tuple[str, str]:
    tx = {"type": 2, "chainId": CHAIN_ID, "nonce": nonce, "to": to, "value": value, "gas": 21_000,
          "maxFeePerGas": fee, "maxPriorityFeePerGas": tip}
    signed = account.sign_transaction(tx)
    return "0x" + bytes(signed.raw_transaction).hex(), "0x" + bytes(signed.hash).hex()


def wait_receipts(rpc: Rpc, hashes: list[str], timeout: float = 90) -> dict[str, dict]:
    found: dict[str, dict] = {}
    deadline = time.time() + timeout
    while len(found) < len(hashes) and time.time() < deadline:
        todo = [h for h in hashes if h not in found]
        for answer, h in zip(rpc.batch("eth_getTransactionReceipt", [[h] for h in todo[:100]]), todo[:100],
                             strict=True):
            if answer.get("result"):
                found[h] = answer["result"]
        time.sleep(0.2)
    assert len(found) == len(hashes), f"{len(hashes) - len(found)} of {len(hashes)} txs without a receipt"
    return found


def fresh(node: LocalNode, funder: Any, name: str) -> Any:
    """A new account given 10^18 wei by ``funder`` (mined before it returns)."""
    account = Account.from_key(hashlib.sha256(f"txpool/{name}".encode()).digest())
    rpc = Rpc(node.evm_url)
    try:
        nonce = int(rpc.call("eth_getTransactionCount", funder.address, "pending"), 16)
        raw, h = sign(funder, nonce, value=10**18, to=account.address)
        assert "result" in rpc.send(raw)
        wait_receipts(rpc, [h])
    finally:
        rpc.close()
    return account


def wait_indexed(rpc: Rpc, height: int, timeout: float = 30) -> None:
    """Until the JSON-RPC serves ``height`` (its latest is the newest indexed block, which
    may trail CometBFT's height by a moment)."""
    deadline = time.time() + timeout
    while int(rpc.call("eth_blockNumber"), 16) < height:
        assert time.time() < deadline, f"block {height} not indexed in {timeout}s"
        time.sleep(0.05)


def nonce_of(rpc: Rpc, account: Any, tag: str = "latest") -> int:
    return int(rpc.call("eth_getTransactionCount", account.address, tag), 16)


def block_order(receipts: dict[str, dict]) -> list[str]:
    return sorted(receipts, key=lambda h: (int(receipts[h]["blockNumber"], 16), int(receipts[h]["transactionIndex"], 16)))


# ---- (a) - (e) ----


def test_a_batch_of_twenty_in_nonce_order_all_land(node, funder):
    sender = fresh(node, funder, "batch")
    rpc = Rpc(node.evm_url)
    signed = [sign(sender, n) for n in range(20)]
    answers = rpc.batch("eth_sendRawTransaction", [[raw] for raw, _ in signed])
    assert [a.get("result") for a in answers] == [h for _, h in signed]
    receipts = wait_receipts(rpc, [h for _, h in signed])
    assert [receipts[h]["status"] for _, h in signed] == ["0x1"] * 20
    assert nonce_of(rpc, sender) == 20
    rpc.close()


def test_a_hundred_on_eight_connections_in_random_order_land_in_nonce_order(node, funder):
    sender = fresh(node, funder, "random")
    signed = [sign(sender, n) for n in range(100)]
    shuffled = list(range(100))
    random.Random(18).shuffle(shuffled)
    answers: dict[int, dict] = {}

    def connection(part: list[int]) -> None:
        rpc = Rpc(node.evm_url)
        for n in part:
            answers[n] = rpc.send(signed[n][0])
        rpc.close()

    threads = [threading.Thread(target=connection, args=(shuffled[i::8],)) for i in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert {n: a.get("result") for n, a in answers.items()} == {n: h for n, (_, h) in enumerate(signed)}
    rpc = Rpc(node.evm_url)
    receipts = wait_receipts(rpc, [h for _, h in signed])
    assert block_order(receipts) == [h for _, h in signed]
    assert {r["status"] for r in receipts.values()} == {"0x1"}
    rpc.close()


def test_nonces_sent_newest_first_queue_then_all_land(node, funder):
    sender = fresh(node, funder, "reverse")
    rpc = Rpc(node.evm_url)
    (r0, h0), (r1, h1), (r2, h2) = (sign(sender, n) for n in range(3))
    assert rpc.send(r2)["result"] == h2
    assert rpc.send(r1)["result"] == h1
    content = rpc.call("txpool_content")
    assert sender.address not in content["pending"]
    assert sorted(content["queued"][sender.address]) == ["1", "2"]
    assert content["queued"][sender.address]["2"]["hash"] == h2
    assert nonce_of(rpc, sender, "pending") == 0
    found = rpc.call("eth_getTransactionByHash", h2)
    assert (found["hash"], found["nonce"], found["blockNumber"]) == (h2, "0x2", None)
    assert rpc.send(r0)["result"] == h0
    receipts = wait_receipts(rpc, [h0, h1, h2])
    assert block_order(receipts) == [h0, h1, h2]
    assert nonce_of(rpc, sender, "pending") == 3
    rpc.close()


def test_a_ten_percent_replacement_lands_and_the_original_never_does(node, funder):
    sender = fresh(node, funder, "replace")
    rpc = Rpc(node.evm_url)
    start = int(rpc.call("eth_blockNumber"), 16)
    # Nonce 1 waits behind the gap at 0, so it is still held when the replacements come.
    original, original_hash = sign(sender, 1)
    bumped, bumped_hash = sign(sender, 1, fee=FEE * 110 // 100, tip=TIP * 110 // 100)
    assert rpc.send(original)["result"] == original_hash
    assert rpc.send(bumped)["result"] == bumped_hash
    slight, _ = sign(sender, 1, fee=FEE * 110 * 105 // 10_000, tip=TIP * 110 * 105 // 10_000)
    assert rpc.send(slight)["error"] == {"code": -32000, "message": "replacement transaction underpriced"}
    assert rpc.call("txpool_content")["queued"][sender.address]["1"]["hash"] == bumped_hash
    first, first_hash = sign(sender, 0)
    assert rpc.send(first)["result"] == first_hash
    receipts = wait_receipts(rpc, [first_hash, bumped_hash])
    assert block_order(receipts) == [first_hash, bumped_hash]
    end = int(rpc.call("eth_blockNumber"), 16)
    wait_indexed(rpc, end + 2)
    mined = [h for b in rpc.batch("eth_getBlockByNumber", [[hex(n), False] for n in range(start, end + 3)])
             for h in b["result"]["transactions"]]
    assert original_hash not in mined and mined.count(bumped_hash) == 1
    assert rpc.call("eth_getTransactionByHash", original_hash) is None
    assert int(node.rpc("num_unconfirmed_txs")["n_txs"]) == 0  # the original left CometBFT's mempool on recheck
    rpc.close()


def test_a_nonce_past_the_window_is_refused(node, funder):
    sender = fresh(node, funder, "window")
    rpc = Rpc(node.evm_url)
    too_far, _ = sign(sender, WINDOW)
    error = rpc.send(too_far)["error"]
    assert error["code"] == -32000
    assert error["message"] == (f"nonce too high: address {sender.address}, tx: {WINDOW} state: 0 "
                                f"(queue window {WINDOW})")
    rpc.close()


def test_a_gapped_tx_past_its_ttl_is_evicted(node, funder):
    sender = fresh(node, funder, "ttl")
    rpc = Rpc(node.evm_url)
    gapped, gapped_hash = sign(sender, WINDOW - 1)
    assert rpc.send(gapped)["result"] == gapped_hash
    admitted = node.height()
    # A local tx stays in the app's pool; a relayed one sits in CometBFT's mempool too.
    assert int(node.rpc("num_unconfirmed_txs")["n_txs"]) == (0 if node.intake == "local" else 1)
    assert rpc.send(gapped)["error"] == {"code": -32000, "message": "already known"}
    assert list(rpc.call("txpool_content")["queued"][sender.address]) == [str(WINDOW - 1)]
    assert rpc.call("txpool_status")["queued"] == "0x1"
    node.wait_height(admitted + TTL_BLOCKS - 3)
    assert sender.address in rpc.call("txpool_content")["queued"]
    node.wait_height(admitted + TTL_BLOCKS + 2)
    content = rpc.call("txpool_content")
    assert sender.address not in content["queued"] and sender.address not in content["pending"]
    assert rpc.call("eth_getTransactionByHash", gapped_hash) is None
    assert int(node.rpc("num_unconfirmed_txs")["n_txs"]) == 0  # evicted from CometBFT's mempool on recheck
    rpc.close()


def test_pending_tx_subscribers_see_queued_txs(node, funder):
    sender = fresh(node, funder, "subscribe")
    gapped, gapped_hash = sign(sender, 5)

    async def run() -> list[str]:
        async with aiohttp.ClientSession() as session, session.ws_connect(node.ws_url) as ws:
            await ws.send_json({"jsonrpc": "2.0", "id": 1, "method": "eth_subscribe",
                                "params": ["newPendingTransactions"]})
            sub = (await ws.receive_json(timeout=10))["result"]
            rpc = Rpc(node.evm_url)
            assert rpc.send(gapped)["result"] == gapped_hash
            rpc.close()
            seen: list[str] = []
            while gapped_hash not in seen:
                msg = await ws.receive_json(timeout=10)
                assert msg["params"]["subscription"] == sub
                seen.append(msg["params"]["result"])
            return seen

    assert gapped_hash in asyncio.run(run())

