"""The ``evm`` module: genesis (associations, base fee, accounts' nonce, code and storage)
and end-of-block EVM upkeep.

EVM txs are not protobuf messages: the app routes raw Ethereum txs straight to
``evm_bridge.execute`` (see ``abci_app.application.txcodec``). This module owns the ``evm`` store's
genesis and records each block's hash for the BLOCKHASH opcode. Genesis::

    {"base_fee_wei": "1000000000",
     "associations": [{"sei_address": "sei1..", "evm_address": "0x.."}],
     "pointers": [{"kind": "native", "pointee": "usei", "address": "0x..", "version": 1}],
     "pointer_codes": [{"kind": "erc20", "version": 1, "code_id": "3"}],   # CosmWasm pointer code
     "accounts": [{"address": "0x..", "nonce": "1", "code": "0x6080..",   # each optional
                   "storage": [{"key": "0x<32 bytes>", "value": "0x<32 bytes>"}]}]}

Balances are the bank module's genesis. Recorded block hashes are not exported: a chain
started from an export has blocks of its own.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from eth_hash.auto import keccak

from abci_app.module_api import BlockInfo, Module
from evm_bridge.account_db import code_hash_key, code_key, nonce_key
from evm_bridge.basefee import next_base_fee
from evm_bridge.blockhash import record_block_hash
from evm_bridge.pointers import registry as pointers
from ledger import accounts
from ledger.addresses import from_bech32, parse_evm_address, to_bech32
from ledger.context import KEY_BASE_FEE, PARAMS, BlockContext
from ledger.encoding import decode_uint, encode_uint
from ledger.results import Event, TxResult
from store.api import KVView, ReadView

#: The ``evm`` store (``evm_bridge.account_db`` documents its layout; imported lazily there
#: because py-evm is slow to import and most commands never touch the EVM).
STORE = "evm"
_ADDR = 20
_SLOT = 32


def _hex(data: bytes) -> str:
    return "0x" + data.hex()


def _bytes(text: str, size: int | None, what: str) -> bytes:
    raw = bytes.fromhex(text.removeprefix("0x"))
    if size is not None and len(raw) != size:
        raise ValueError(f"evm genesis: {what} {text} must be {size} bytes")
    return raw


def _word(text: str, what: str) -> bytes:
    raw = _bytes(text, None, what)
    if len(raw) > _SLOT:
        raise ValueError(f"evm genesis: {what} {text} is longer than 32 bytes")
    return raw.rjust(_SLOT, b"\0")


def _init_account(view: KVView, entry: Mapping[str, Any]) -> None:
    addr = parse_evm_address(entry["address"])
    nonce = int(entry.get("nonce") or 0)
    if nonce:
        view.set(STORE, nonce_key(addr), encode_uint(nonce))
    code = _bytes(entry.get("code") or "0x", None, "code")
    if code:
        code_hash = keccak(code)
        view.set(STORE, code_hash_key(addr), code_hash)
        view.set(STORE, code_key(code_hash), code)
    for slot in entry.get("storage", []):
        value = decode_uint(_word(slot["value"], "storage value"))
        if value:
            view.set(STORE, b"s" + addr + _word(slot["key"], "storage key"), encode_uint(value))


def _init_genesis(view: KVView, state: Mapping[str, Any]) -> None:
    fee = int(state.get("base_fee_wei", 0))
    if fee:
        view.set(PARAMS, KEY_BASE_FEE, encode_uint(fee))
    for pair in state.get("associations", []):
        accounts.associate(view, from_bech32(pair["sei_address"]), parse_evm_address(pair["evm_address"]))
    for p in state.get("pointers", []):
        address = p["address"]
        raw = parse_evm_address(address) if address.startswith("0x") else from_bech32(address)
        try:
            pointers.register(view, pointers.Kind.parse(p["kind"]), p["pointee"], raw, int(p["version"]))
        except pointers.PointerError as e:
            raise ValueError(f"evm genesis: {e}") from None
    for entry in state.get("pointer_codes", []):
        pointers.set_pointer_code(view, pointers.Kind.parse(entry["kind"]), int(entry["version"]), int(entry["code_id"]))
    seen: set[str] = set()
    for entry in state.get("accounts", []):
        key = entry["address"].lower()
        if key in seen:
            raise ValueError(f"evm genesis: duplicate account {entry['address']}")
        seen.add(key)
        _init_account(view, entry)


def _export_accounts(view: ReadView) -> list[dict[str, Any]]:
    found: dict[bytes, dict[str, Any]] = {}

    def entry(addr: bytes) -> dict[str, Any]:
        return found.setdefault(addr, {"address": _hex(addr)})

    for key, value in view.iterate(STORE, b"n", b"o"):
        if len(key) == 1 + _ADDR:
            entry(key[1:])["nonce"] = str(decode_uint(value))
    for key, value in view.iterate(STORE, b"c", b"d"):
        if len(key) == 1 + _ADDR:
            entry(key[1:])["code"] = _hex(view.get(STORE, code_key(value)) or b"")
    for key, value in view.iterate(STORE, b"s", b"t"):
        if len(key) == 1 + _ADDR + _SLOT:
            slot = {"key": _hex(key[1 + _ADDR :]), "value": _hex(decode_uint(value).to_bytes(_SLOT, "big"))}
            entry(key[1 : 1 + _ADDR]).setdefault("storage", []).append(slot)
    return [found[a] for a in sorted(found)]


def _export_genesis(view: ReadView) -> Mapping[str, Any]:
    associations = [
        {"sei_address": to_bech32(key[1:]), "evm_address": _hex(value)}
        for key, value in view.iterate(accounts.STORE, b"s", b"t")
    ]
    return {
        "base_fee_wei": str(decode_uint(view.get(PARAMS, KEY_BASE_FEE))),
        "associations": associations,
        "pointers": [
            {"kind": kind.label, "pointee": pointee, "version": p.version,
             "address": _hex(p.address) if len(p.address) == _ADDR else to_bech32(p.address)}
            for kind, pointee, p in pointers.all_pointers(view)
        ],
        "pointer_codes": [
            {"kind": kind.label, "version": found[0], "code_id": str(found[1])}
            for kind in pointers.Kind if (found := pointers.pointer_code(view, kind)) is not None
        ],
        "accounts": _export_accounts(view),
    }


def _end_block(ctx: BlockContext, view: KVView, results: Sequence[TxResult], info: BlockInfo) -> Sequence[Event]:
    """Record the block hash for BLOCKHASH and set the next block's EIP-1559 base fee from
    the EVM gas this block used."""
    record_block_hash(view, ctx.height, ctx.block_hash)
    evm_gas = sum(r.gas_used for r in results if r.evm is not None)
    nxt = next_base_fee(ctx.base_fee_wei, evm_gas, ctx.gas_limit)
    if nxt != ctx.base_fee_wei:
        view.set(PARAMS, KEY_BASE_FEE, encode_uint(nxt))
    return ()


def module() -> Module:
    return Module(
        name="evm",
        store_names=(STORE,),
        init_genesis=_init_genesis,
        export_genesis=_export_genesis,
        end_block=_end_block,
    )
