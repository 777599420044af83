"""Pages render in under 200 ms (the explorer's ``Server-Timing``) on a node under load."""

from __future__ import annotations

import re
import statistics
import threading
import urllib.request

from eth_account import Account

from .conftest import Chain

RENDERS = 5
LIMIT_MS = 200.0


def _render_ms(url: str) -> float:
    with urllib.request.urlopen(url, timeout=10) as resp:
        assert resp.status == 200, url
        timing = resp.headers["Server-Timing"]
    return float(re.fullmatch(r"render;dur=([0-9.]+)", timing).group(1))


def _load(chain: Chain, stop: threading.Event, sent: list[str]) -> None:
    """EVM transfers from the validator's key, back to back, until ``stop``."""
    w3, key = chain.w3, chain.keys["validator"]["key"]
    sender = Account.from_key(key).address
    nonce, price, chain_id = w3.eth.get_transaction_count(sender, "pending"), w3.eth.gas_price, w3.eth.chain_id
    while not stop.is_set():
        tx = {"to": Account.create().address, "value": 1, "gas": 21_000, "gasPrice": price, "nonce": nonce, "chainId": chain_id}
        sent.append(w3.eth.send_raw_transaction(Account.sign_transaction(tx, key).raw_transaction).hex())
        nonce += 1


def test_pages_render_under_200_ms_under_load(chain: Chain) -> None:
    bob = chain.keys["bob"]["address"]
    pages = ["/", "/block/8", "/tx/" + chain.transfer_hash, "/address/" + bob]
    stop, sent = threading.Event(), []
    start_height = chain.node.height()
    loader = threading.Thread(target=_load, args=(chain, stop, sent), daemon=True)
    loader.start()
    try:
        chain.node.wait_height(start_height + 2)
        medians = {}
        for path in pages:
            medians[path] = statistics.median(_render_ms(chain.url + path) for _ in range(RENDERS))
    finally:
        stop.set()
        loader.join(30)
    end_height = chain.node.height()
    carried = sum(len(chain.node.rpc("block", height=str(h))["block"]["data"]["txs"] or [])
                  for h in range(start_height + 1, end_height + 1))
    assert len(sent) >= 50 and carried >= 50, (len(sent), carried)
    assert all(ms < LIMIT_MS for ms in medians.values()), medians
