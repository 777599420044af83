"""debug_getRaw*: a block's header, block, receipts and a tx in their consensus encodings.

Headers are Shanghai's RLP fields of the rendered header (``index.render.header_rlp``);
a block's ``hash`` is CometBFT's, so it is not keccak of the raw header. Receipts and
transactions are the EVM txs' own (native txs have no Ethereum encoding).
"""

from __future__ import annotations

from typing import Any

from eth_rpc import params as P
from eth_rpc.errors import server_error
from eth_rpc.index.render import block_rlp, header_rlp
from eth_rpc.method_spec import rpc
from evm_bridge.api import EvmLog
from evm_bridge.receipts import receipt_encoding

Json = dict[str, Any]


def _height(b: Any, ref: Any) -> int:
    height = b.block_number(ref)
    if height > b.latest() or b.header(height) is None:
        raise server_error(f"block #{height} not found")
    return height


def _evm_raw_txs(b: Any, height: int) -> list[bytes]:
    raw = b.index.raw_txs(height)
    return [raw[i] for i in b.index.evm_positions(height)]


def _receipt_bytes(receipt: Json) -> bytes:
    logs = [EvmLog(bytes.fromhex(lg["address"][2:]), tuple(bytes.fromhex(t[2:]) for t in lg["topics"]),
                   bytes.fromhex(lg["data"][2:])) for lg in receipt["logs"]]
    return receipt_encoding(int(receipt["type"], 16), int(receipt["status"], 16),
                            int(receipt["cumulativeGasUsed"], 16), bytes.fromhex(receipt["logsBloom"][2:]), logs)


@rpc("debug_getRawHeader")
def get_raw_header(b: Any, params: list) -> str:
    (ref,) = P.arity(params, 1, 1)
    return "0x" + header_rlp(b.header(_height(b, ref))).hex()


@rpc("debug_getRawBlock")
def get_raw_block(b: Any, params: list) -> str:
    (ref,) = P.arity(params, 1, 1)
    height = _height(b, ref)
    return "0x" + block_rlp(b.header(height), _evm_raw_txs(b, height)).hex()


@rpc("debug_getRawReceipts")
def get_raw_receipts(b: Any, params: list) -> list[str]:
    (ref,) = P.arity(params, 1, 1)
    height = _height(b, ref)
    n = b.index.evm_count(height)
    receipts = b.index.receipts(height)[:n] if n else []
    return ["0x" + _receipt_bytes(r).hex() for r in receipts]


@rpc("debug_getRawTransaction")
def get_raw_transaction(b: Any, params: list) -> str:
    (value,) = P.arity(params, 1, 1)
    where = b.index.locate(P.hash32(value, "hash"))
    if where is None:
        return "0x"
    height, position = where  # position among the block's EVM txs, then its native ones
    evm_positions = b.index.evm_positions(height)
    if position >= len(evm_positions):
        return "0x"  # a native tx: no Ethereum encoding
    return "0x" + b.index.raw_txs(height)[evm_positions[position]].hex()
