"""CometBFT's ``tx_search`` on event attributes, answered from the node's own index
(``tx_index = "app"``) and, side by side, by CometBFT's kv index of every attribute
(``tx_index = "cometbft"``, the default): the same txs match the same queries on both;
pages, orders, errors, proofs and the GET form as CometBFT gives them."""

from __future__ import annotations

import base64
import json
import urllib.parse
import urllib.request

import pytest

from abci_app.cli.keyring import Keyring
from abci_app.config import AppConfig
from abci_app.cosmos_tx.builder import build_and_sign
from ledger.addresses import to_bech32
from tests.integration.test_node import FEE, GAS, account, send_msg
from tests.support.node import LocalNode

pytestmark = pytest.mark.integration

#: Recipients of the sends (fresh addresses), and who sends what.
RECIPIENTS = [to_bech32(bytes([0x51 + i]) * 20) for i in range(3)]
SENDS = [("alice", 0, 101), ("alice", 1, 202), ("bob", 2, 303)]  # (sender, recipient, amount)
#: Queries and the sends (their positions in SENDS) CometBFT v0.38's kv index matches.
QUERIES = {
    "recipient": (f"transfer.recipient='{RECIPIENTS[1]}'", [1]),
    "amount": ("transfer.amount='303usei'", [2]),
    "same event": (f"transfer.recipient='{RECIPIENTS[0]}' AND transfer.amount='101usei'", [0]),
    "same event, no match": (f"transfer.recipient='{RECIPIENTS[0]}' AND transfer.amount='202usei'", []),
    "two events": (f"transfer.recipient='{RECIPIENTS[0]}' AND coin_received.receiver='{RECIPIENTS[0]}'", []),
    "contains": (f"transfer.recipient CONTAINS '{RECIPIENTS[2][-12:]}'", [2]),
    "exists and recipient": (f"coin_received.receiver='{RECIPIENTS[2]}' AND coin_received.amount EXISTS", [2]),
}


def _node(tmp_path_factory, name: str, tx_index: str) -> LocalNode:
    n = LocalNode(tmp_path_factory.mktemp(name) / "home")
    n.init()
    cfg = AppConfig.load(n.home)
    cfg.tx_index = tx_index
    cfg.save(n.home)
    n.start()
    return n


def _sent(node: LocalNode) -> list[tuple[str, int]]:
    """Make SENDS on ``node``, each committed: their (hash, height)."""
    ring = Keyring(node.home / "keys")
    out = []
    for who, to, amount in SENDS:
        key = ring.get(who)
        sender = to_bech32(key.sei_address)
        number, seq = account(node, sender)
        raw = build_and_sign(privkey=key.privkey, msgs=[send_msg(sender, RECIPIENTS[to], amount)],
                             chain_id=node.chain_id, account_number=number, sequence=seq, fee_amount=FEE,
                             gas_limit=GAS)
        res = node.rpc("broadcast_tx_commit", tx=base64.b64encode(raw).decode())
        assert res["check_tx"]["code"] == 0 and res["tx_result"]["code"] == 0, res
        out.append((res["hash"], int(res["height"])))
    return out


@pytest.fixture(scope="module")
def nodes(tmp_path_factory):
    """(node with its own index, node with CometBFT's), each with SENDS made."""
    own = _node(tmp_path_factory, "own-index", "app")
    comet = _node(tmp_path_factory, "comet-index", "cometbft")
    try:
        yield (own, _sent(own)), (comet, _sent(comet))
    finally:
        own.stop()
        comet.stop()


def _search(node: LocalNode, **params) -> dict:
    return node.rpc("tx_search", **params)


def _post(url: str, body: object) -> object:
    req = urllib.request.Request(url, json.dumps(body).encode(), {"Content-Type": "application/json"})
    with urllib.request.urlopen(req, timeout=30) as resp:
        return json.loads(resp.read())


@pytest.mark.parametrize("name", list(QUERIES))
def test_both_indexes_match_the_same_sends(nodes, name: str) -> None:
    query, want = QUERIES[name]
    for node, sent in nodes:
        found = _search(node, query=query)
        positions = {h: i for i, (h, _) in enumerate(sent)}
        assert [positions.get(t["hash"]) for t in found["txs"]] == want, (node.home, found)
        assert found["total_count"] == str(len(want))


def test_a_match_is_cometbfts_tx_answer(nodes) -> None:
    (own, sent), (comet, comet_sent) = nodes
    found = _search(own, query=QUERIES["recipient"][0], prove=True)["txs"]
    assert len(found) == 1
    tx = found[0]
    direct = own.rpc("tx", hash=base64.b64encode(bytes.fromhex(sent[1][0])).decode(), prove=True)
    assert tx == direct
    assert (tx["hash"], int(tx["height"])) == sent[1]
    header = own.rpc("block", height=tx["height"])["block"]["header"]
    assert tx["proof"]["root_hash"] == header["data_hash"]
    # the node's own index keeps the attributes: CometBFT's gets none of them (the
    # other node's, every one)
    flags = {a["index"] for e in tx["tx_result"]["events"] for a in e["attributes"]}
    assert flags == {False}
    other = _search(comet, query=QUERIES["recipient"][0])["txs"][0]
    assert {a["index"] for e in other["tx_result"]["events"] for a in e["attributes"]} == {True}
    assert other["hash"] == comet_sent[1][0]


def test_pages_and_order(nodes) -> None:
    (own, sent), _ = nodes
    query = "message.sender EXISTS AND message.module='bank'"
    everything = _search(own, query=query, per_page="100")
    ours = [t["hash"] for t in everything["txs"] if t["hash"] in {h for h, _ in sent}]
    assert ours == [h for h, _ in sent]
    total = int(everything["total_count"])
    assert total == len(everything["txs"]) >= 3
    keys = [(int(t["height"]), t["index"]) for t in everything["txs"]]
    assert keys == sorted(keys)
    desc = _search(own, query=query, per_page="100", order_by="desc")
    assert [t["hash"] for t in desc["txs"]] == [t["hash"] for t in everything["txs"]][::-1]
    second = _search(own, query=query, per_page="1", page="2")
    assert [t["hash"] for t in second["txs"]] == [everything["txs"][1]["hash"]]
    assert second["total_count"] == str(total)


def test_refusals_are_cometbfts(nodes) -> None:
    (own, _), (comet, _) = nodes
    query = QUERIES["recipient"][0]
    for params, data in (
        ({"query": query, "page": "9"}, "page should be within [1, 1] range, given 9"),
        ({"query": query, "order_by": "sideways"}, "expected order_by to be either `asc` or `desc` or empty"),
    ):
        for node in (own, comet):
            out = _post(node.rpc_url, {"jsonrpc": "2.0", "id": 7, "method": "tx_search", "params": params})
            assert out["error"]["code"] == -32603 and out["error"]["data"] == data, (node.home, out)
            assert out["id"] == 7
    long = _post(own.rpc_url, {"jsonrpc": "2.0", "id": 1, "method": "tx_search",
                               "params": {"query": "a.b='" + "x" * 600 + "'"}})
    assert long["error"]["code"] == -32603 and "maximum query length exceeded" in long["error"]["data"]


def test_get_batch_and_forwarded_forms(nodes) -> None:
    (own, sent), _ = nodes
    query = QUERIES["amount"][0]
    url = own.rpc_url.rstrip("/") + "/tx_search?" + urllib.parse.urlencode({"query": f'"{query}"'})
    with urllib.request.urlopen(url, timeout=30) as resp:
        got = json.loads(resp.read())
    assert got["id"] == -1 and [t["hash"] for t in got["result"]["txs"]] == [sent[2][0]]
    # a batch: an event search answered here, a height search and a status by CometBFT
    batch = _post(own.rpc_url, [
        {"jsonrpc": "2.0", "id": 1, "method": "tx_search", "params": {"query": query}},
        {"jsonrpc": "2.0", "id": 2, "method": "tx_search", "params": {"query": f"tx.height={sent[0][1]}"}},
        {"jsonrpc": "2.0", "id": 3, "method": "status", "params": {}},
    ])
    assert [a["id"] for a in batch] == [1, 2, 3]
    assert [t["hash"] for t in batch[0]["result"]["txs"]] == [sent[2][0]]
    assert sent[0][0] in [t["hash"] for t in batch[1]["result"]["txs"]]
    assert batch[2]["result"]["node_info"]["other"]["tx_index"] == "on"
    by_hash = _search(own, query=f"tx.hash='{sent[1][0]}'")
    assert [t["hash"] for t in by_hash["txs"]] == [sent[1][0]]
