"""``pysei export`` round trip on real nodes: chain A (tokenfactory enabled) makes native,
tokenfactory and EVM state; its state at height H is exported (while A runs, and again after
it stopped: identical); chain B started from that genesis with the same modules and the same
validator key answers every query as A did at H."""

from __future__ import annotations

import json
import shutil
from typing import Any

import pytest
from eth_utils import to_checksum_address
from pysei_tokenfactory.pb.seiprotocol.seichain.tokenfactory import query_pb2, tx_pb2

from abci_app.cli.keyring import Keyring
from abci_app.config import AppConfig
from pysei_pb.cosmos.auth.v1beta1 import query_pb2 as auth_query
from pysei_pb.cosmos.bank.v1beta1 import query_pb2 as bank_query
from pysei_pb.cosmos.bank.v1beta1 import tx_pb2 as bank_tx
from tests.integration.test_tokenfactory import abci, broadcast, coin, committed, eth, send_evm
from tests.support.node import LocalNode

pytestmark = pytest.mark.integration
#: Every built-in module (the default app.toml list) plus the tokenfactory plug-in.
MODULES = [*AppConfig().modules, "tokenfactory"]
# init code: SSTORE(0, 42), SSTORE(1, 7), then return the 10-byte runtime "return 42"
RUNTIME = "602a60005260206000f3"
INIT = "602a600055" "6007600155" "600a6016600039" "600a6000f3" + RUNTIME
FRESH = to_checksum_address("0x" + "5e" * 20)


def observe(node: LocalNode, height: int, addresses: list[str], evm: list[str], contract: str, denom: str) -> dict:
    """Everything compared between the chains, read at ``height`` (0 = latest)."""
    tag = hex(height) if height else "latest"
    out: dict[str, Any] = {}
    for a in addresses:
        out[a] = [abci(node, "/cosmos.bank.v1beta1.Query/AllBalances",
                       bank_query.QueryAllBalancesRequest(address=a), height).get("value"),
                  abci(node, "/cosmos.auth.v1beta1.Query/Account",
                       auth_query.QueryAccountRequest(address=a), height).get("value")]
    for e in evm:
        out[e] = [eth(node, "eth_getBalance", e, tag), eth(node, "eth_getTransactionCount", e, tag)]
    out["code"] = eth(node, "eth_getCode", contract, tag)
    out["storage"] = [eth(node, "eth_getStorageAt", contract, hex(slot), tag) for slot in range(3)]
    out["admin"] = abci(node, "/seiprotocol.seichain.tokenfactory.Query/DenomAuthorityMetadata",
                        query_pb2.QueryDenomAuthorityMetadataRequest(denom=denom), height)["value"]
    out["supply"] = abci(node, "/cosmos.bank.v1beta1.Query/SupplyOf",
                         bank_query.QuerySupplyOfRequest(denom=denom), height)["value"]
    vals = node.rpc("validators", **({"height": str(height)} if height else {}))["validators"]
    out["validators"] = sorted((v["pub_key"]["value"], v["voting_power"]) for v in vals)
    return out


def with_modules(node: LocalNode) -> LocalNode:
    node.init()
    cfg = AppConfig.load(node.home)
    cfg.modules = list(MODULES)
    cfg.save(node.home)
    return node


def test_export_then_new_chain_reaches_the_same_state(tmp_path) -> None:
    a = with_modules(LocalNode(tmp_path / "a", chain_id="pysei-export-a"))
    a.start()
    try:
        ring = Keyring(a.home / "keys")
        alice, bob = ring.get("alice"), ring.get("bob")
        denom = f"factory/{alice.bech32}/gold"
        committed(broadcast(a, alice, [tx_pb2.MsgCreateDenom(sender=alice.bech32, subdenom="gold")]))
        committed(broadcast(a, alice, [tx_pb2.MsgMint(sender=alice.bech32, amount=coin(denom, 5_000))]))
        send = bank_tx.MsgSend(from_address=alice.bech32, to_address=bob.bech32, amount=[coin(denom, 1_200)])
        committed(broadcast(a, alice, [send]))
        contract = send_evm(a, alice.privkey, None, 0, INIT)["contractAddress"]
        send_evm(a, alice.privkey, FRESH, 10**12 * 3 + 17)  # leaves a sub-usei wei remainder
        height = a.height()
        addresses = [alice.bech32, bob.bech32, ring.get("validator").bech32]
        evm = ["0x" + alice.evm_address.hex(), FRESH, contract]
        before = observe(a, height, addresses, evm, contract, denom)
        assert before["code"] == "0x" + RUNTIME and before["storage"][:2] == [
            "0x" + "00" * 31 + "2a", "0x" + "00" * 31 + "07"]
        running = a.pysei("export", "--home", str(a.home), "--height", str(height), "--chain-id", "pysei-export-b")
        committed(broadcast(a, alice, [send]))  # after H: must not be in the export
    finally:
        a.stop()
    stopped = a.pysei("export", "--home", str(a.home), "--height", str(height), "--chain-id", "pysei-export-b")
    assert json.loads(running.stdout) == json.loads(stdout := stopped.stdout)
    genesis = json.loads(stdout)
    assert genesis["chain_id"] == "pysei-export-b" and genesis["initial_height"] == "1"
    assert {"auth", "bank", "evm", "tokenfactory"} <= set(genesis["app_state"])

    b = with_modules(LocalNode(tmp_path / "b", chain_id="pysei-export-b"))
    config = b.home / "cometbft" / "config"
    (config / "genesis.json").write_text(stdout)
    shutil.copy(a.home / "cometbft" / "config" / "priv_validator_key.json", config / "priv_validator_key.json")
    b.start()
    try:
        after = observe(b, 0, addresses, evm, contract, denom)
    finally:
        b.stop()
    assert after == before
