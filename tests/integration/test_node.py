"""A single real node: block cadence, a signed native transfer, CheckTx rejections, kill -9."""

from __future__ import annotations

import base64
import json
import signal
import statistics
from datetime import datetime

import pytest

from abci_app.cli.keyring import Keyring
from abci_app.cosmos_tx.builder import build_and_sign
from ledger import codes
from ledger.addresses import to_bech32
from pysei_pb.cosmos.bank.v1beta1 import query_pb2 as bank_query
from pysei_pb.cosmos.bank.v1beta1 import tx_pb2 as bank_tx

pytestmark = pytest.mark.integration
FEE = 2_000
GAS = 200_000


def _time(ts: str) -> float:
    # CometBFT prints RFC 3339 with nanoseconds; keep microseconds for datetime.
    head, frac = ts.rstrip("Z").split(".") if "." in ts else (ts.rstrip("Z"), "0")
    return datetime.fromisoformat(head + "+00:00").timestamp() + float("0." + frac)


def balance_via_abci(node, address: str, height: int = 0) -> int:
    data = bank_query.QueryBalanceRequest(address=address, denom="usei").SerializeToString()
    res = node.rpc("abci_query", path="/cosmos.bank.v1beta1.Query/Balance", data=data.hex(), height=str(height))
    resp = res["response"]
    assert resp["code"] == 0, resp
    out = bank_query.QueryBalanceResponse.FromString(base64.b64decode(resp["value"]))
    return int(out.balance.amount)


def account(node, address: str) -> tuple[int, int]:
    out = json.loads(node.pysei("query", "account", address, "--node", node.rpc_url).stdout)
    return int(out["account_number"]), int(out["sequence"])


def send_msg(sender: str, recipient: str, amount: int) -> bank_tx.MsgSend:
    msg = bank_tx.MsgSend(from_address=sender, to_address=recipient)
    coin = msg.amount.add()
    coin.denom, coin.amount = "usei", str(amount)
    return msg


def test_idle_block_interval(node):
    start = node.height()
    node.wait_height(start + 21, timeout=60)
    times = [_time(node.rpc("block", height=str(h))["block"]["header"]["time"]) for h in range(start, start + 21)]
    gaps = [b - a for a, b in zip(times, times[1:], strict=False)]
    median = statistics.median(gaps)
    print(f"\nmedian block interval over 20 idle blocks: {median * 1000:.0f} ms")
    assert median <= 1.0


def test_signed_send_moves_amount_and_fee(node):
    ring = Keyring(node.home / "keys")
    alice, bob = ring.get("alice"), ring.get("bob")
    a, b = to_bech32(alice.sei_address), to_bech32(bob.sei_address)
    a0, b0 = balance_via_abci(node, a), balance_via_abci(node, b)
    out = node.pysei(
        "tx", "bank", "send", "alice", b, "12345usei", "--fees", f"{FEE}usei", "--gas", str(GAS),
        "--chain-id", node.chain_id, "--node", node.rpc_url, "--home", str(node.home), "--broadcast-mode", "commit",
    )
    result = json.loads(out.stdout)
    assert result["code"] == 0, result
    assert balance_via_abci(node, a) == a0 - 12345 - FEE
    assert balance_via_abci(node, b) == b0 + 12345
    shown = node.pysei("query", "balance", b, "--node", node.rpc_url).stdout
    assert str(b0 + 12345) in shown


def _broadcast(node, raw: bytes) -> dict:
    return node.rpc("broadcast_tx_sync", tx=base64.b64encode(raw).decode())


def test_bad_txs_get_distinct_checktx_codes(node):
    ring = Keyring(node.home / "keys")
    bob = ring.get("bob")
    sender, recipient = to_bech32(bob.sei_address), to_bech32(ring.get("alice").sei_address)
    number, seq = account(node, sender)
    msg = [send_msg(sender, recipient, 1)]

    def signed(**kw) -> bytes:
        args = dict(privkey=bob.privkey, msgs=msg, chain_id=node.chain_id, account_number=number,
                    sequence=seq, fee_amount=FEE, gas_limit=GAS)
        args.update(kw)
        return build_and_sign(**args)

    good = bytearray(signed())
    bad_sig = bytes(good[:-1] + bytes([good[-1] ^ 1]))
    cases = {
        "undecodable": (b"\x0a\xff\xff\x01garbage", codes.TX_DECODE),
        "bad signature": (bad_sig, codes.UNAUTHORIZED),
        "wrong chain id": (signed(chain_id="other-chain"), codes.INVALID_CHAIN_ID),
        "wrong sequence": (signed(sequence=seq + 7), codes.INVALID_SEQUENCE),
        "insufficient funds": (build_and_sign(
            privkey=bob.privkey, msgs=[send_msg(sender, recipient, 10**30)], chain_id=node.chain_id,
            account_number=number, sequence=seq, fee_amount=FEE, gas_limit=GAS), codes.INSUFFICIENT_FUNDS),
        "fee below minimum": (signed(fee_amount=1), codes.INSUFFICIENT_FEE),
        "oversize": (signed(memo="x" * 1_200_000), codes.TX_TOO_LARGE),
    }
    seen = {}
    for name, (raw, want) in cases.items():
        res = _broadcast(node, raw)
        seen[name] = res["code"]
        assert res["code"] == want, (name, res)
    assert len(set(seen.values())) == len(seen), seen


def test_kill_9_and_restart_keeps_state(node):
    """kill -9 of the app process mid-run: restart resumes at the right height, same app hashes."""
    ring = Keyring(node.home / "keys")
    a, b = to_bech32(ring.get("alice").sei_address), to_bech32(ring.get("bob").sei_address)
    node.pysei(
        "tx", "bank", "send", "alice", b, "777usei", "--fees", f"{FEE}usei", "--gas", str(GAS),
        "--chain-id", node.chain_id, "--node", node.rpc_url, "--home", str(node.home), "--broadcast-mode", "commit",
    )
    h = node.wait_height(node.height() + 2)
    hashes = {k: node.rpc("block", height=str(k))["block"]["header"]["app_hash"] for k in range(h - 2, h + 1)}
    balances = (balance_via_abci(node, a, h - 1), balance_via_abci(node, b, h - 1))
    node.stop(sig=signal.SIGKILL)
    node.start(wait_height=h + 3)
    for k, app_hash in hashes.items():
        assert node.rpc("block", height=str(k))["block"]["header"]["app_hash"] == app_hash, k
    assert (balance_via_abci(node, a, h - 1), balance_via_abci(node, b, h - 1)) == balances
    assert (balance_via_abci(node, a), balance_via_abci(node, b)) == balances
