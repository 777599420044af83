"""Runs filled state tests through evm_bridge's KV state backend: ethereum/tests
GeneralStateTests (Cancun) and execution-spec-tests' Prague state tests.

Each case: load the pre-state into a dict-backed view (balances in the bank store under
direct-cast addresses), take the case's signed tx (``txbytes`` when the fixture has it,
else signed here: EIP-155, chain id 1), run it with
``evm_bridge.execute.run_tx`` on the fixture's fork, pay the priority fee to the
coinbase (pysei defers fees to the block end; Ethereum pays the coinbase in the tx),
then rebuild the Merkle-Patricia state root from our key/values with py-evm's trie and
compare it and the logs hash with the fixture. ``python -m tests.unit.evm_bridge.state_runner``
prints the pass count and every failure.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import rlp
from eth.constants import BLANK_ROOT_HASH
from eth.rlp.accounts import Account
from eth.vm.execution_context import ExecutionContext
from eth_hash.auto import keccak

from evm_bridge.account_db import EMPTY_CODE_HASH, STORE, read_balance, read_nonce, storage_range
from evm_bridge.api import EvmTxError
from evm_bridge.blockhash import record_block_hash
from evm_bridge.execute import run_tx
from evm_bridge.precompiles.registry import precompile_table
from evm_bridge.signer import address_of, sign_tx
from evm_bridge.txs import decode_tx
from ledger import bank
from ledger.accounts import sei_for_evm
from ledger.encoding import encode_uint
from store.overlay import EmptyView, Overlay

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "evm" / "GeneralStateTests"
PRAGUE_FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "evm" / "PragueStateTests"
CHAIN_ID = 1
#: pysei has no blob (type-3) txs: a CometBFT chain carries no blob sidecars.
UNSUPPORTED_BLOB = "skipped: blob (type-3) txs are not supported by pysei"


def _int(h: str) -> int:
    return int(h, 16) if h not in ("", "0x") else 0


def _hex(h: str) -> bytes:
    return bytes.fromhex(h[2:] if h.startswith("0x") else h)


@dataclass(frozen=True)
class Case:
    file: str
    name: str
    fork: str
    index: int
    test: dict[str, Any]
    post: dict[str, Any]

    @property
    def id(self) -> str:
        d = self.post["indexes"]
        return f"{self.file}::{self.name}[{self.fork} d{d['data']}g{d['gas']}v{d['value']}]"


def cases(root: Path = FIXTURES, forks: tuple[str, ...] = ("Prague", "Cancun")) -> Iterator[Case]:
    """Every (test, post entry) of the first fork in ``forks`` a test has results for."""
    for path in sorted(root.rglob("*.json")):
        for name, test in json.loads(path.read_text()).items():
            fork = next((f for f in forks if f in test["post"]), None)
            if fork is not None:
                for i, post in enumerate(test["post"][fork]):
                    yield Case(str(path.relative_to(root)), name, fork, i, test, post)


def load_pre(view: Overlay, pre: dict[str, Any]) -> None:
    for addr_hex, acc in pre.items():
        addr = _hex(addr_hex)
        if _int(acc["nonce"]):
            view.set(STORE, b"n" + addr, encode_uint(_int(acc["nonce"])))
        code = _hex(acc["code"])
        if code:
            view.set(STORE, b"c" + addr, keccak(code))
            view.set(STORE, b"k" + keccak(code), code)
        for slot, value in acc["storage"].items():
            if _int(value):
                view.set(STORE, b"s" + addr + _int(slot).to_bytes(32, "big"), encode_uint(_int(value)))
        if _int(acc["balance"]):
            bank.set_wei_balance(view, addr, _int(acc["balance"]))


def signed_tx(test: dict[str, Any], indexes: dict[str, int]) -> bytes:
    t = test["transaction"]
    fields: dict[str, Any] = dict(
        chain_id=CHAIN_ID, nonce=_int(t["nonce"]), gas=_int(t["gasLimit"][indexes["gas"]]),
        to=_hex(t["to"]) or None, value=_int(t["value"][indexes["value"]]), data=_hex(t["data"][indexes["data"]]),
    )
    if "maxFeePerGas" in t:
        fields.update(tx_type=2, max_fee_per_gas=_int(t["maxFeePerGas"]),
                      max_priority_fee_per_gas=_int(t["maxPriorityFeePerGas"]))
    else:
        fields.update(tx_type=1 if "accessLists" in t else 0, max_fee_per_gas=_int(t["gasPrice"]))
    if "accessLists" in t and t["accessLists"][indexes["data"]] is not None:
        fields["access_list"] = tuple(
            (_hex(e["address"]), tuple(_int(k) for k in e["storageKeys"])) for e in t["accessLists"][indexes["data"]]
        )
    return sign_tx(_hex(t["secretKey"]), **fields)


def _raw_tx(test: dict[str, Any], post: dict[str, Any]) -> bytes:
    """The fixture's signed tx; an unprotected legacy one (pre-EIP-155, which pysei refuses
    as geth's RPC does) is signed again with EIP-155: same sender and fields, so the same
    state transition."""
    raw = _hex(post["txbytes"]) if "txbytes" in post else b""
    if not raw or (raw[0] >= 0xC0 and rlp.decode(raw)[6] in (b"\x1b", b"\x1c")):
        return signed_tx(test, post["indexes"])
    return raw


def context(env: dict[str, Any]) -> ExecutionContext:
    return ExecutionContext(
        coinbase=_hex(env["currentCoinbase"]), timestamp=_int(env["currentTimestamp"]),
        block_number=_int(env["currentNumber"]), difficulty=_int(env.get("currentDifficulty", "0x0")),
        mix_hash=_hex(env.get("currentRandom", "0x" + "00" * 32)), gas_limit=_int(env["currentGasLimit"]),
        prev_hashes=(), chain_id=CHAIN_ID, base_fee_per_gas=_int(env.get("currentBaseFee", "0x0")),
        excess_blob_gas=_int(env.get("currentExcessBlobGas", "0x0")),
    )


def _addresses(view: Overlay) -> set[bytes]:
    """Every EVM address the view holds state for (bank keys mapped back through associations)."""
    out: set[bytes] = set()
    for k in view.writes().get(STORE, {}):
        if k[:1] in (b"n", b"c", b"s"):
            out.add(k[1:21])
    for k in view.writes().get(bank.STORE, {}):
        if k[:1] in (b"b", b"w"):
            sei = k[2 : 2 + k[1]]
            out.add(view.get("acc", b"s" + sei) or sei)
    return out


def _hex_prefix(nibbles: tuple[int, ...], leaf: bool) -> bytes:
    flag = (2 if leaf else 0) + len(nibbles) % 2
    nibs = (flag, *nibbles) if len(nibbles) % 2 else (flag, 0, *nibbles)
    return bytes(nibs[i] << 4 | nibs[i + 1] for i in range(0, len(nibs), 2))


def _node(items: list[tuple[tuple[int, ...], bytes]]) -> Any:
    if len(items) == 1:
        return [_hex_prefix(items[0][0], True), items[0][1]]
    prefix = 0
    while all(len(k) > prefix for k, _ in items) and len({k[prefix] for k, _ in items}) == 1:
        prefix += 1
    if prefix:
        return [_hex_prefix(items[0][0][:prefix], False), _ref(_node([(k[prefix:], v) for k, v in items]))]
    branch: list[Any] = [b""] * 17
    for nib in range(16):
        sub = [(k[1:], v) for k, v in items if k and k[0] == nib]
        if sub:
            branch[nib] = _ref(_node(sub))
    branch[16] = next((v for k, v in items if not k), b"")
    return branch


def _ref(node: Any) -> Any:
    encoded = rlp.encode(node)
    return node if len(encoded) < 32 else keccak(encoded)


def mpt_root(pairs: dict[bytes, bytes]) -> bytes:
    """The Merkle-Patricia trie root of ``pairs`` (the yellow paper's TRIE function)."""
    if not pairs:
        return BLANK_ROOT_HASH
    items = [(tuple(x for b in k for x in (b >> 4, b & 15)), v) for k, v in sorted(pairs.items())]
    return keccak(rlp.encode(_node(items)))


def state_root(view: Overlay) -> bytes:
    accounts = {}
    for addr in sorted(_addresses(view)):
        storage = {
            keccak(k[21:]): rlp.encode(int.from_bytes(v, "big")) for k, v in view.iterate(STORE, *storage_range(addr))
        }
        nonce, balance = read_nonce(view, addr), read_balance(view, addr)
        code_hash = view.get(STORE, b"c" + addr) or EMPTY_CODE_HASH
        if nonce or balance or code_hash != EMPTY_CODE_HASH or storage:
            accounts[keccak(addr)] = rlp.encode(Account(nonce, balance, mpt_root(storage), code_hash))
    return mpt_root(accounts)


def logs_hash(logs: Any) -> bytes:
    return keccak(rlp.encode([[lg.address, list(lg.topics), lg.data] for lg in logs]))


def run_case(case: Case) -> str | None:
    """None when our post-state root and logs match the fixture, else why not."""
    test, post = case.test, case.post
    view = Overlay(EmptyView())
    load_pre(view, test["pre"])
    ctx = context(test["env"])
    for n in range(max(0, ctx.block_number - 256), ctx.block_number):
        record_block_hash(view, n, keccak(str(n).encode()))
    expect_error = post.get("expectException")
    if "blobVersionedHashes" in test["transaction"]:
        return UNSUPPORTED_BLOB
    try:
        tx = decode_tx(_raw_tx(test, post), CHAIN_ID)
    except (EvmTxError, ValueError, OverflowError) as e:  # incl. fields too big to encode
        return None if expect_error else f"decode rejected: {e}"
    assert tx.sender == address_of(_hex(test["transaction"]["secretKey"]))
    result = run_tx(tx, view, ctx, precompile_table(), case.fork)
    if result.evm is None:
        if not expect_error:
            return f"rejected: {result.log}"
    else:
        if expect_error:
            return f"accepted a tx the fixture rejects ({expect_error})"
        tip = result.evm.effective_gas_price - ctx.base_fee_per_gas
        if tip:
            cb = sei_for_evm(view, ctx.coinbase)
            bank.set_wei_balance(view, cb, bank.wei_balance(view, cb) + result.gas_used * tip)
        got_logs = logs_hash(result.evm.logs)
        if got_logs != _hex(post["logs"]):
            return f"logs hash {got_logs.hex()[:12]} != {post['logs'][2:14]}"
    root = state_root(view)
    if root != _hex(post["hash"]):
        return f"state root {root.hex()[:12]} != {post['hash'][2:14]}"
    return None


def main() -> None:
    passed, skipped, failures = 0, 0, []
    only = next((a for a in sys.argv[1:] if not a.startswith("--")), "")
    root = PRAGUE_FIXTURES if "--prague" in sys.argv else FIXTURES
    for case in cases(root):
        if only not in case.id:
            continue
        try:
            why = run_case(case)
        except Exception as e:  # report, keep going
            why = f"crash: {type(e).__name__}: {e}"
        if why is None:
            passed += 1
        elif why.startswith("skipped"):
            skipped += 1
        else:
            failures.append((case.id, why))
    for cid, why in failures:
        print(f"FAIL {cid}: {why}")
    print(f"{passed} passed, {skipped} skipped (blob txs), {len(failures)} failed")
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
