"""A real node against the Ethereum JSON-RPC specification (execution-apis' OpenRPC
document, ``tests/support/openrpc.py``).

Real txs of every type land first (legacy, EIP-2930, EIP-1559, a contract creation, logs,
a revert); then every method of the spec is called with every parameter form the spec
allows (block numbers, each tag, block hashes, EIP-1898 objects, optional parameters left
out), one pytest item per call, and each answer is validated against the method's result
schema. A method called without its required parameters answers -32602. The methods that
need keys held by the node answer a clear error.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from eth_abi import encode
from eth_account import Account
from eth_hash.auto import keccak

from tests.e2e.conftest import E2E
from tests.support.jsonrpc import CHAIN_ID, rpc, wait_receipt
from tests.support.openrpc import methods

#: Methods that sign with keys held by the node: this node holds none.
KEY_HOLDING = ("eth_sendTransaction", "eth_sign", "eth_signTransaction")
TAGS = ("earliest", "finalized", "safe", "latest", "pending")
#: Amsterdam's block access lists (EIP-7928): this chain runs Prague; the spec's own error.
NOT_ON_THIS_FORK = {
    name: {"code": -32001, "message": "block access lists begin with Amsterdam (EIP-7928); this chain runs Prague"}
    for name in ("eth_getBlockAccessList", "debug_getRawBlockAccessList")
}


@dataclass
class Facts:
    """What the txs made: the values the calls refer to."""

    url: str
    alice: str
    bob: str
    token: str
    block_number: str  # the block of the token transfer
    block_hash: str
    tx_hashes: dict[str, str]  # kind -> hash
    alice_key: str


def _selector(sig: str) -> bytes:
    return keccak(sig.encode())[:4]


@pytest.fixture(scope="module")
def facts(e2e: E2E) -> Facts:
    url = e2e.http
    alice = Account.from_key(e2e.keys["alice"])
    bob = Account.from_key(e2e.keys["bob"]).address
    nonce = int(rpc(url, "eth_getTransactionCount", [alice.address, "pending"])["result"], 16)
    gas_price = int(rpc(url, "eth_gasPrice", [])["result"], 16)
    fee = {"maxFeePerGas": 2 * gas_price, "maxPriorityFeePerGas": gas_price // 10 or 1}
    deploy = e2e.bytecode + encode(["string", "string", "uint256"], ["Spec", "SPC", 10**24])
    txs = {
        "legacy": {"nonce": nonce, "gasPrice": 2 * gas_price, "gas": 21_000, "to": bob, "value": 1, "chainId": CHAIN_ID},
        "access_list": {"type": 1, "nonce": nonce + 1, "gasPrice": 2 * gas_price, "gas": 30_000, "to": bob, "value": 2,
                        "chainId": CHAIN_ID, "accessList": [{"address": bob, "storageKeys": ["0x" + "00" * 32]}]},
        "create": {"type": 2, "nonce": nonce + 2, "gas": 2_000_000, "value": 0, "data": deploy, "chainId": CHAIN_ID,
                   **fee},
    }
    signed = {kind: Account.sign_transaction(tx, alice.key) for kind, tx in txs.items()}
    hashes = {kind: rpc(url, "eth_sendRawTransaction", ["0x" + s.raw_transaction.hex()])["result"]
              for kind, s in signed.items()}
    created = wait_receipt(url, hashes["create"])
    token = created["contractAddress"]
    transfer = _selector("transfer(address,uint256)") + encode(["address", "uint256"], [bob, 5])
    stolen = _selector("transferFrom(address,address,uint256)") + encode(["address", "address", "uint256"],
                                                                            [bob, alice.address, 5])
    more = {
        "logs": {"type": 2, "nonce": nonce + 3, "gas": 100_000, "to": token, "value": 0, "data": transfer,
                 "chainId": CHAIN_ID, **fee},
        "revert": {"type": 2, "nonce": nonce + 4, "gas": 100_000, "to": token, "value": 0, "data": stolen,
                   "chainId": CHAIN_ID, **fee},
    }
    for kind, tx in more.items():
        raw = Account.sign_transaction(tx, alice.key).raw_transaction
        hashes[kind] = rpc(url, "eth_sendRawTransaction", ["0x" + raw.hex()])["result"]
    receipts = {kind: wait_receipt(url, h) for kind, h in hashes.items()}
    assert [receipts[k]["status"] for k in ("legacy", "access_list", "create", "logs", "revert")] == \
        ["0x1", "0x1", "0x1", "0x1", "0x0"]
    return Facts(url, alice.address, bob, token, receipts["logs"]["blockNumber"], receipts["logs"]["blockHash"],
                 hashes, e2e.keys["alice"])


# ---- the calls ----

Case = tuple[str, Callable[[Facts], list[Any]]]


def _block_forms(title: str, optional: bool) -> list[tuple[str, Callable[[Facts], Any]]]:
    forms: list[tuple[str, Callable[[Facts], Any]]] = [("number", lambda f: f.block_number)]
    forms += [(tag, lambda f, tag=tag: tag) for tag in TAGS]
    if "hash" in title:
        forms += [("hash", lambda f: f.block_hash), ("eip1898_hash", lambda f: {"blockHash": f.block_hash}),
                  ("eip1898_number", lambda f: {"blockNumber": f.block_number})]
    if optional:
        forms.append(("omitted", lambda f: None))
    return forms


def _call_object(f: Facts) -> dict[str, Any]:
    return {"from": f.alice, "to": f.token, "data": "0x" + _selector("balanceOf(address)").hex() + "00" * 12 + f.alice[2:]}


_FIRST: dict[str, Callable[[Facts], list[Any]]] = {
    "eth_getBalance": lambda f: [f.alice],
    "eth_getCode": lambda f: [f.token],
    "eth_getStorageAt": lambda f: [f.token, "0x2"],
    "eth_getTransactionCount": lambda f: [f.alice],
    "eth_call": lambda f: [_call_object(f)],
    "eth_estimateGas": lambda f: [_call_object(f)],
    "eth_createAccessList": lambda f: [_call_object(f)],
    "eth_getProof": lambda f: [f.token, ["0x" + "00" * 32]],
    "eth_getStorageValues": lambda f: [{f.token: ["0x0", "0x2"]}],
    "eth_getBlockReceipts": lambda f: [],
    "eth_getBlockAccessList": lambda f: [],
    "eth_getBlockByNumber": lambda f: [],
    "eth_getBlockTransactionCountByNumber": lambda f: [],
    "eth_getTransactionByBlockNumberAndIndex": lambda f: [],
    "debug_getRawBlock": lambda f: [],
    "debug_getRawHeader": lambda f: [],
    "debug_getRawReceipts": lambda f: [],
    "debug_getRawBlockAccessList": lambda f: [],
    "debug_traceBlockByNumber": lambda f: [],
    "eth_simulateV1": lambda f: [{"blockStateCalls": [{"calls": [_call_object(f)]}]}],
}
_AFTER: dict[str, Callable[[Facts], list[Any]]] = {
    "eth_getBlockByNumber": lambda f: [True],
    "eth_getTransactionByBlockNumberAndIndex": lambda f: ["0x0"],
}


def _block_cases(name: str) -> list[Case]:
    spec = methods()[name]
    block = [p for p in spec.params if p.title.startswith("Block number")]
    if not block or name not in _FIRST:
        return []
    param = block[0]
    out = []
    for form, value in _block_forms(param.title.lower(), not param.required):
        if name == "debug_traceBlockByNumber" and form == "earliest":
            continue  # genesis: test_genesis_is_not_traceable
        def params(f: Facts, value=value, name=name) -> list[Any]:
            v = value(f)
            return _FIRST[name](f) + ([] if v is None else [v]) + _AFTER.get(name, lambda f: [])(f)
        out.append((f"{name}[{form}]", params))
    return out


_OTHER: list[Case] = [
    ("eth_blockNumber", lambda f: []),
    ("eth_chainId", lambda f: []),
    ("net_version", lambda f: []),
    ("eth_syncing", lambda f: []),
    ("eth_accounts", lambda f: []),
    ("eth_coinbase", lambda f: []),
    ("eth_gasPrice", lambda f: []),
    ("eth_maxPriorityFeePerGas", lambda f: []),
    ("eth_blobBaseFee", lambda f: []),
    ("eth_baseFee", lambda f: []),
    ("eth_config", lambda f: []),
    ("eth_capabilities", lambda f: []),
    ("debug_getBadBlocks", lambda f: []),
    ("eth_feeHistory", lambda f: ["0x4", "latest", [25, 75]]),
    ("eth_feeHistory[number]", lambda f: ["0x2", f.block_number, []]),
    ("eth_getBlockByHash[full]", lambda f: [f.block_hash, True]),
    ("eth_getBlockByHash[hashes]", lambda f: [f.block_hash, False]),
    ("eth_getBlockByNumber[hashes]", lambda f: [f.block_number, False]),
    ("eth_getBlockTransactionCountByHash", lambda f: [f.block_hash]),
    ("eth_getTransactionByBlockHashAndIndex", lambda f: [f.block_hash, "0x0"]),
    *[(f"eth_getTransactionByHash[{k}]", lambda f, k=k: [f.tx_hashes[k]])
      for k in ("legacy", "access_list", "create", "logs", "revert")],
    *[(f"eth_getTransactionReceipt[{k}]", lambda f, k=k: [f.tx_hashes[k]])
      for k in ("legacy", "access_list", "create", "logs", "revert")],
    ("eth_getLogs[range]", lambda f: [{"fromBlock": "0x1", "toBlock": "latest", "address": f.token}]),
    ("eth_getLogs[blockHash]", lambda f: [{"blockHash": f.block_hash}]),
    ("eth_getLogs[topics]", lambda f: [{"fromBlock": f.block_number, "toBlock": f.block_number,
                                        "topics": ["0x" + keccak(b"Transfer(address,address,uint256)").hex()]}]),
    ("debug_getRawTransaction", lambda f: [f.tx_hashes["logs"]]),
    ("debug_traceTransaction", lambda f: [f.tx_hashes["logs"]]),
    ("debug_traceTransaction[callTracer]", lambda f: [f.tx_hashes["logs"], {"tracer": "callTracer"}]),
    ("debug_traceBlockByHash", lambda f: [f.block_hash]),
    ("eth_fillTransaction", lambda f: [{"from": f.alice, "to": f.bob, "value": "0x1"}]),
    ("eth_estimateGas[transfer]", lambda f: [{"from": f.alice, "to": f.bob, "value": "0x1"}]),
]


def _cases() -> list[Case]:
    out: list[Case] = []
    for name in sorted(methods()):
        out += _block_cases(name)
    return out + _OTHER


@pytest.mark.parametrize("case", [c for c in _cases()], ids=[c[0] for c in _cases()])
def test_answer_matches_the_spec(facts: Facts, case: Case) -> None:
    label, params = case
    name = label.split("[")[0]
    out = rpc(facts.url, name, params(facts))
    if name in NOT_ON_THIS_FORK:
        assert out["error"] == NOT_ON_THIS_FORK[name] and out["error"]["code"] in methods()[name].error_codes
        return
    assert "error" not in out, out["error"]
    problems = methods()[name].result_errors(out["result"])
    assert not problems, "\n".join(problems) + "\n" + json.dumps(out["result"])[:1000]


# ---- filters: created, polled, removed ----


def _send_token_transfer(f: Facts) -> str:
    nonce = int(rpc(f.url, "eth_getTransactionCount", [f.alice, "pending"])["result"], 16)
    gas_price = int(rpc(f.url, "eth_gasPrice", [])["result"], 16)
    data = _selector("transfer(address,uint256)") + encode(["address", "uint256"], [f.bob, 1])
    tx = {"type": 2, "nonce": nonce, "gas": 100_000, "to": f.token, "value": 0, "data": data, "chainId": CHAIN_ID,
          "maxFeePerGas": 2 * gas_price, "maxPriorityFeePerGas": gas_price // 10 or 1}
    raw = Account.sign_transaction(tx, f.alice_key).raw_transaction
    return rpc(f.url, "eth_sendRawTransaction", ["0x" + raw.hex()])["result"]


@pytest.mark.parametrize("kind", ["eth_newFilter", "eth_newBlockFilter", "eth_newPendingTransactionFilter"])
def test_filter_lifecycle_matches_the_spec(facts: Facts, kind: str) -> None:
    """Created, polled after a token transfer (so the changes are not empty), removed."""
    params = [{"fromBlock": "latest", "address": facts.token}] if kind == "eth_newFilter" else []
    out = rpc(facts.url, kind, params)
    assert not methods()[kind].result_errors(out["result"]), out
    fid = out["result"]
    wait_receipt(facts.url, _send_token_transfer(facts))
    changes = rpc(facts.url, "eth_getFilterChanges", [fid])["result"]
    assert changes and not methods()["eth_getFilterChanges"].result_errors(changes), changes
    if kind == "eth_newFilter":
        logs = rpc(facts.url, "eth_getFilterLogs", [fid])["result"]
        assert logs and not methods()["eth_getFilterLogs"].result_errors(logs), logs
    assert rpc(facts.url, "eth_uninstallFilter", [fid])["result"] is True
    assert rpc(facts.url, "eth_uninstallFilter", [fid])["result"] is False


def test_genesis_is_not_traceable(facts: Facts) -> None:
    out = rpc(facts.url, "debug_traceBlockByNumber", ["0x0"])
    assert out["error"] == {"code": -32000, "message": "genesis is not traceable"}


def test_send_raw_transaction_matches_the_spec(facts: Facts) -> None:
    nonce = int(rpc(facts.url, "eth_getTransactionCount", [facts.alice, "pending"])["result"], 16)
    gas_price = int(rpc(facts.url, "eth_gasPrice", [])["result"], 16)
    tx = {"nonce": nonce, "gasPrice": 2 * gas_price, "gas": 21_000, "to": facts.bob, "value": 3, "chainId": CHAIN_ID}
    raw = Account.sign_transaction(tx, facts.alice_key).raw_transaction
    out = rpc(facts.url, "eth_sendRawTransaction", ["0x" + raw.hex()])
    assert methods()["eth_sendRawTransaction"].result_errors(out["result"]) == []
    assert out["result"] == "0x" + keccak(bytes(raw)).hex()
    wait_receipt(facts.url, out["result"])


# ---- errors ----


@pytest.mark.parametrize("name", sorted(n for n, m in methods().items() if any(p.required for p in m.params)))
def test_required_params_missing(facts: Facts, name: str) -> None:
    out = rpc(facts.url, name, [])
    assert out["error"]["code"] == -32602, out


@pytest.mark.parametrize("name", KEY_HOLDING)
def test_key_holding_methods_answer_a_clear_error(facts: Facts, name: str) -> None:
    params = {"eth_sign": [facts.alice, "0x00"]}.get(name, [{"from": facts.alice, "to": facts.bob, "value": "0x1"}])
    out = rpc(facts.url, name, params)
    assert out["error"]["code"] == -32601 and "keys" in out["error"]["message"], out


def test_every_spec_method_is_exercised() -> None:
    called = {c[0].split("[")[0] for c in _cases()}
    called |= {"eth_newFilter", "eth_newBlockFilter", "eth_newPendingTransactionFilter", "eth_getFilterChanges",
               "eth_getFilterLogs", "eth_uninstallFilter", "eth_sendRawTransaction", *KEY_HOLDING}
    assert sorted(set(methods()) - called) == []
