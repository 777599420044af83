"""The ``wasm`` module store: key layout, records and contract addresses.

Key layout (store ``wasm``; prefixes follow wasmd's where wasmd has one):

===================================  ==============================================
``0x01`` + code id (u64 BE)          code info: canonical JSON {checksum, creator}
``0x02`` + contract address (32 B)   contract info: canonical JSON {code_id, creator,
                                     admin, label, created}
``0x03`` + contract address + key    contract state (the contract's own key/values)
``0x04`` + name                      sequences ``lastCodeId``, ``lastContractId`` (u64 BE)
``0x08`` + checksum (32 B)           the Wasm code itself (shared by equal uploads)
===================================  ==============================================

Canonical JSON = sorted keys, no spaces, UTF-8. A contract address is wasmd's classic
address: ``sha256(sha256("module") ‖ "wasm" ‖ 0x00 ‖ code_id u64 BE ‖ instance_id u64 BE)``
(32 bytes, the SDK's ``address.Module``), shown as bech32 ``sei1…``.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from typing import Any

from ledger.addresses import to_bech32
from store.api import KVView, ReadView
from wasm_bridge.api import CodeInfo, ContractInfo, NotFound

STORE = "wasm"
CODE = b"\x01"
CONTRACT = b"\x02"
CONTRACT_STATE = b"\x03"
SEQUENCE = b"\x04"
CODE_BYTES = b"\x08"
LAST_CODE_ID = SEQUENCE + b"lastCodeId"
LAST_CONTRACT_ID = SEQUENCE + b"lastContractId"
ADDRESS_LEN = 32


def _u64(n: int) -> bytes:
    return n.to_bytes(8, "big")


def _json(obj: Any) -> bytes:
    return json.dumps(obj, sort_keys=True, separators=(",", ":")).encode()


def contract_address(code_id: int, instance_id: int) -> bytes:
    """wasmd's classic contract address (32 bytes)."""
    key = b"wasm\x00" + _u64(code_id) + _u64(instance_id)
    return hashlib.sha256(hashlib.sha256(b"module").digest() + key).digest()[:ADDRESS_LEN]


def next_sequence(view: KVView, key: bytes) -> int:
    """Increment and return a sequence (the first value is 1)."""
    raw = view.get(STORE, key)
    value = (int.from_bytes(raw, "big") if raw else 0) + 1
    view.set(STORE, key, _u64(value))
    return value


def sequence(view: ReadView, key: bytes) -> int:
    raw = view.get(STORE, key)
    return int.from_bytes(raw, "big") if raw else 0


def put_code(view: KVView, info: CodeInfo, code: bytes) -> None:
    view.set(STORE, CODE + _u64(info.code_id), _json({"checksum": info.checksum.hex(), "creator": info.creator}))
    view.set(STORE, CODE_BYTES + info.checksum, code)


def code_info(view: ReadView, code_id: int) -> CodeInfo:
    raw = view.get(STORE, CODE + _u64(code_id))
    if raw is None:
        raise NotFound(f"no such code: {code_id}: not found")
    obj = json.loads(raw)
    return CodeInfo(code_id, bytes.fromhex(obj["checksum"]), obj["creator"])


def code_bytes(view: ReadView, checksum: bytes) -> bytes:
    raw = view.get(STORE, CODE_BYTES + checksum)
    if raw is None:
        raise NotFound(f"no code with checksum {checksum.hex()}: not found")
    return raw


def iterate_codes(view: ReadView) -> Iterator[CodeInfo]:
    for key, raw in view.iterate(STORE, CODE, CONTRACT):
        obj = json.loads(raw)
        yield CodeInfo(int.from_bytes(key[1:], "big"), bytes.fromhex(obj["checksum"]), obj["creator"])


def put_contract(view: KVView, info: ContractInfo) -> None:
    record = {
        "code_id": info.code_id,
        "creator": info.creator,
        "admin": info.admin,
        "label": info.label,
        "created": info.created_height,
    }
    view.set(STORE, CONTRACT + info.address, _json(record))


def _contract_from(address: bytes, raw: bytes) -> ContractInfo:
    obj = json.loads(raw)
    return ContractInfo(address, obj["code_id"], obj["creator"], obj["admin"], obj["label"], obj["created"])


def contract_info(view: ReadView, address: bytes) -> ContractInfo:
    raw = view.get(STORE, CONTRACT + address) if len(address) == ADDRESS_LEN else None
    if raw is None:
        raise NotFound(f"no such contract: {to_bech32(address)}: not found")
    return _contract_from(address, raw)


def iterate_contracts(view: ReadView) -> Iterator[ContractInfo]:
    for key, raw in view.iterate(STORE, CONTRACT, CONTRACT_STATE):
        yield _contract_from(key[1:], raw)


def state_prefix(address: bytes) -> bytes:
    return CONTRACT_STATE + address


def raw_state(view: ReadView, address: bytes, key: bytes) -> bytes | None:
    """The value under ``key`` in the contract's own storage; ``NotFound`` without the contract."""
    contract_info(view, address)
    return view.get(STORE, state_prefix(address) + key)


def iterate_state(view: ReadView, address: bytes) -> Iterator[tuple[bytes, bytes]]:
    prefix = state_prefix(address)
    for key, value in view.iterate(STORE, prefix, prefix_end(prefix)):
        yield key[len(prefix) :], value


def prefix_end(prefix: bytes) -> bytes | None:
    """The first key after every key starting with ``prefix`` (None if there is none)."""
    raw = bytearray(prefix)
    while raw and raw[-1] == 0xFF:
        raw.pop()
    if not raw:
        return None
    raw[-1] += 1
    return bytes(raw)
