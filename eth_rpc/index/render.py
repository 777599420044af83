"""The Ethereum view of a committed block (pure): header, tx objects, receipts, logs.

Definitions (the JSON-RPC README repeats them):

* ``hash`` is the CometBFT block hash (32 bytes). It is *not* keccak(rlp(header)); clients
  that recompute header hashes will disagree, the ones wallets and tools use do not.
* ``parentHash`` is the CometBFT hash of the previous height, as indexed (zeros for the
  first block, and after an index gap the node logs at start).
* ``stateRoot`` is the app hash after this block (32 bytes; keccak of it if its length
  differs). CometBFT puts the same value in the *next* block's header.
* ``transactionsRoot`` / ``receiptsRoot`` are real Merkle-Patricia roots over the block's
  EVM txs and receipts (``roots.py``); ``miner`` is the proposer's 20-byte CometBFT address;
  ``mixHash`` (prevRandao) is keccak(block hash); ``nonce`` 0; ``difficulty`` 0; no uncles.
* The block's ``transactions`` are its EVM txs in block order; ``gasUsed`` is their gas.
  Native txs are indexed too, under their CometBFT hash (sha256 of the bytes), as synthetic
  type-0 entries placed after the EVM txs (``transactionIndex`` continues the count), so
  ``eth_getTransactionReceipt`` and ``eth_getBlockReceipts`` see every tx and
  ``eth_getLogs`` sees EVM-visible logs that native txs emitted (also the ``Transfer`` logs
  of pointed-to denoms they move, carried as ``evm_log`` events: ``pointers.synthetic``).
* An EVM tx the block rejected without an EVM receipt gets a failed receipt (status 0).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from typing import Any

import rlp
from eth_hash.auto import keccak

from eth_rpc.index.codec import address, data, hash32, qty
from eth_rpc.index.roots import EMPTY_ROOT, EMPTY_UNCLES, trie_root
from evm_bridge.api import DYNAMIC_FEE_TX, LEGACY_TX, SET_CODE_TX, EvmLog, EvmReceipt, EvmTx, EvmTxError
from evm_bridge.pointers.synthetic import logs_of
from evm_bridge.receipts import EMPTY_BLOOM, logs_bloom, or_blooms, receipt_encoding
from evm_bridge.rlpscan import encode_bytes, encode_list
from evm_bridge.txs import decode_tx, is_evm_tx
from ledger.addresses import evm_address_from_pubkey
from ledger.blocks import CommittedBlock
from ledger.results import TxResult

ZERO_HASH = b"\0" * 32
Json = dict[str, Any]


@dataclass
class RenderedBlock:
    """What the index stores for one height: JSON objects ready to serve."""

    height: int
    hash: bytes
    header: Json  # the block object without ``transactions``
    txs: list[Json] = field(default_factory=list)  # EVM txs, then synthetic native entries
    receipts: list[Json] = field(default_factory=list)  # parallel to ``txs``
    evm_count: int = 0  # txs[:evm_count] are the block's ``transactions``
    raw: list[bytes] = field(default_factory=list)  # every tx's bytes in block order (for traces)
    evm_positions: list[int] = field(default_factory=list)  # block position of each EVM tx

    def news(self) -> BlockNews:
        return BlockNews(
            self.height, self.hash, self.header, [t["hash"] for t in self.txs],
            [lg for r in self.receipts for lg in r["logs"]],
        )


@dataclass(frozen=True, slots=True)
class BlockNews:
    """What the JSON-RPC's live feeds need of a newly indexed block (subscriptions, filters,
    the pending set): small, so the render process sends it back instead of every tx and
    receipt object, which the index already holds as rows."""

    height: int
    hash: bytes
    header: Json  # the block object without ``transactions``
    tx_hashes: list[str]  # every indexed tx's hash (EVM txs, then native entries), 0x-hex
    logs: list[Json]  # every log of the block, in order


def state_root(app_hash: bytes) -> bytes:
    return app_hash if len(app_hash) == 32 else keccak(app_hash)


def prev_randao(block_hash: bytes) -> bytes:
    return keccak(block_hash)


def _evm_tx(block: CommittedBlock, i: int, chain_id: int) -> EvmTx | None:
    d = block.decoded[i] if i < len(block.decoded) else None
    if isinstance(d, EvmTx):
        return d
    if d is None and is_evm_tx(block.txs[i]):
        try:
            return decode_tx(block.txs[i], chain_id)
        except EvmTxError:
            return None
    return None


#: Tx types priced by EIP-1559 fee caps.
_FEE_MARKET = (DYNAMIC_FEE_TX, SET_CODE_TX)


def tx_object(tx: EvmTx, base_fee: int, where: Json) -> Json:
    obj: Json = {
        **where,
        "from": address(tx.sender),
        "gas": qty(tx.gas),
        "gasPrice": qty(tx.effective_gas_price(base_fee) if tx.type in _FEE_MARKET else tx.gas_price),
        "hash": hash32(tx.hash),
        "input": data(tx.data),
        "nonce": qty(tx.nonce),
        "to": address(tx.to),
        "value": qty(tx.value),
        "type": qty(tx.type),
        "chainId": qty(tx.chain_id),
        "v": qty(tx.v),
        "r": qty(tx.r),
        "s": qty(tx.s),
    }
    if tx.type != LEGACY_TX:
        obj["yParity"] = qty(tx.v)
        obj["accessList"] = [
            {"address": address(a), "storageKeys": [hash32(k.to_bytes(32, "big")) for k in keys]}
            for a, keys in tx.access_list
        ]
    if tx.type in _FEE_MARKET:
        obj["maxFeePerGas"] = qty(tx.max_fee_per_gas)
        obj["maxPriorityFeePerGas"] = qty(tx.max_priority_fee_per_gas)
    if tx.type == SET_CODE_TX:
        obj["authorizationList"] = [
            {"chainId": qty(a.chain_id), "address": address(a.address), "nonce": qty(a.nonce),
             "yParity": qty(a.y_parity), "r": qty(a.r), "s": qty(a.s)}
            for a in tx.authorization_list
        ]
    return obj


def _failed_receipt(tx: EvmTx, result: TxResult, base_fee: int) -> EvmReceipt:
    return EvmReceipt(
        tx_hash=tx.hash, type=tx.type, status=0, gas_used=result.gas_used, logs=(),
        bloom=EMPTY_BLOOM, contract_address=None, effective_gas_price=tx.effective_gas_price(base_fee),
        sender=tx.sender, to=tx.to, error=result.log or "transaction failed",
    )


class _Builder:
    def __init__(self, block: CommittedBlock, parent_hash: bytes) -> None:
        self.block = block
        self.parent_hash = parent_hash
        self.where = {"blockHash": hash32(block.hash), "blockNumber": qty(block.height)}
        #: Where tx objects and logs say a tx is (receipts carry no time: the spec's shape).
        self.placed = {**self.where, "blockTimestamp": qty(block.time_ns // 1_000_000_000)}
        self.out = RenderedBlock(block.height, block.hash, {})
        self.cumulative = 0
        self.log_index = 0
        self.raw_txs: list[bytes] = []
        self.raw_receipts: list[bytes] = []
        self.blooms: list[bytes] = []

    def add(self, tx_obj: Json, r: EvmReceipt, tx_type: int, native: bool) -> None:
        i = len(self.out.txs)
        self.cumulative += r.gas_used  # the receipt's cumulativeGasUsed: only the block order knows it
        bloom = r.bloom
        tx_hash = tx_obj["hash"]
        logs = []
        for lg in r.logs:
            logs.append({
                "address": address(lg.address), "topics": [hash32(t) for t in lg.topics], "data": data(lg.data),
                **self.placed, "transactionHash": tx_hash, "transactionIndex": qty(i),
                "logIndex": qty(self.log_index), "removed": False,
            })
            self.log_index += 1
        tx_obj["transactionIndex"] = qty(i)
        self.out.txs.append(tx_obj)
        self.out.receipts.append({
            **self.where, "transactionHash": tx_hash, "transactionIndex": qty(i),
            "from": tx_obj["from"], "to": address(r.to) if not native else None,
            "contractAddress": address(r.contract_address), "cumulativeGasUsed": qty(self.cumulative),
            "gasUsed": qty(r.gas_used), "effectiveGasPrice": qty(r.effective_gas_price),
            "logs": logs, "logsBloom": data(bloom), "status": qty(r.status), "type": qty(tx_type),
        })
        self.blooms.append(bloom)
        if not native:
            self.raw_receipts.append(receipt_encoding(tx_type, r.status, self.cumulative, bloom, r.logs))


def _cosmos_entry(block: CommittedBlock, i: int, result: TxResult, where: Json) -> tuple[Json, EvmReceipt]:
    raw = block.txs[i]
    d = block.decoded[i] if i < len(block.decoded) else None
    pubkey = getattr(d, "pubkey", b"")
    try:
        sender = evm_address_from_pubkey(pubkey) if pubkey else b"\0" * 20
    except ValueError:
        sender = b"\0" * 20
    h = hashlib.sha256(raw).digest()
    ev = result.evm if isinstance(result.evm, EvmReceipt) else None
    logs: tuple[EvmLog, ...] = (ev.logs if ev is not None else ()) + (logs_of(result.events) if result.ok else ())
    gas_price = result.fee_wei // result.gas_used if result.gas_used else 0
    tx_obj: Json = {
        **where, "from": address(sender), "gas": qty(result.gas_wanted), "gasPrice": qty(gas_price),
        "hash": hash32(h), "input": "0x", "nonce": qty(getattr(d, "sequence", 0)), "to": None, "value": "0x0",
        "type": "0x0", "v": "0x0", "r": "0x0", "s": "0x0",
    }
    receipt = EvmReceipt(
        tx_hash=h, type=LEGACY_TX, status=1 if result.ok else 0, gas_used=result.gas_used,
        logs=logs, bloom=logs_bloom(logs), contract_address=None, effective_gas_price=gas_price,
        sender=sender, to=None,
    )
    return tx_obj, receipt


#: The header fields Shanghai's RLP header holds, in order (``debug_getRawHeader``).
_HEADER_RLP_FIELDS = (
    "parentHash", "sha3Uncles", "miner", "stateRoot", "transactionsRoot", "receiptsRoot", "logsBloom",
    "difficulty", "number", "gasLimit", "gasUsed", "timestamp", "extraData", "mixHash", "nonce",
    "baseFeePerGas", "withdrawalsRoot",
)
_HEADER_QUANTITIES = frozenset({"difficulty", "number", "gasLimit", "gasUsed", "timestamp", "baseFeePerGas"})


def header_rlp(header: Json) -> bytes:
    """The RLP encoding of a rendered header (its ``hash`` is CometBFT's, not keccak of this)."""
    fields = [int(header[k], 16) if k in _HEADER_QUANTITIES else bytes.fromhex(header[k][2:]) for k in _HEADER_RLP_FIELDS]
    return rlp.encode(fields)


def block_rlp(header: Json, raw_txs: list[bytes]) -> bytes:
    """``rlp([header, txs, uncles, withdrawals])``: typed txs as strings, legacy ones as lists."""
    txs = encode_list(t if t[0] >= 0xC0 else encode_bytes(t) for t in raw_txs)
    return encode_list((header_rlp(header), txs, b"\xc0", b"\xc0"))


def _prefixed(n: int) -> int:
    """Length of an RLP string or list item whose payload is ``n`` bytes long."""
    return n + 1 if n < 56 else n + 1 + (n.bit_length() + 7) // 8


def _block_size(header_rlp: bytes, raw_txs: list[bytes]) -> int:
    """len(rlp([header, txs, uncles, withdrawals])) without re-encoding the txs."""
    txs = sum(len(t) if t[0] >= 0xC0 else _prefixed(len(t)) for t in raw_txs)
    return _prefixed(len(header_rlp) + _prefixed(txs) + 2)


def render_block(block: CommittedBlock, parent_hash: bytes, chain_id: int) -> RenderedBlock:
    """The Ethereum view of ``block``; ``parent_hash`` is the indexed hash of height - 1."""
    b = _Builder(block, parent_hash)
    natives = []
    for i, result in enumerate(block.results):
        tx = _evm_tx(block, i, chain_id)
        if tx is None:
            natives.append((i, result))
            continue
        receipt = result.evm if isinstance(result.evm, EvmReceipt) else _failed_receipt(tx, result, block.base_fee_wei)
        b.add(tx_object(tx, block.base_fee_wei, dict(b.placed)), receipt, tx.type, native=False)
        b.raw_txs.append(tx.raw)
        b.out.evm_positions.append(i)
    evm_gas = b.cumulative
    b.out.evm_count = len(b.out.txs)
    for i, result in natives:
        tx_obj, receipt = _cosmos_entry(block, i, result, dict(b.placed))
        b.add(tx_obj, receipt, LEGACY_TX, native=True)
    bloom = or_blooms(b.blooms)
    tx_root, receipt_root = trie_root(b.raw_txs), trie_root(b.raw_receipts)
    miner = block.proposer.rjust(20, b"\0")[-20:]
    header: Json = {
        "number": qty(block.height),
        "hash": hash32(block.hash),
        "parentHash": hash32(parent_hash),
        "nonce": "0x0000000000000000",
        "sha3Uncles": data(EMPTY_UNCLES),
        "logsBloom": data(bloom),
        "transactionsRoot": data(tx_root),
        "stateRoot": data(state_root(block.app_hash)),
        "receiptsRoot": data(receipt_root),
        "miner": address(miner),
        "difficulty": "0x0",
        "totalDifficulty": "0x0",
        "extraData": "0x",
        "gasLimit": qty(block.gas_limit),
        "gasUsed": qty(evm_gas),
        "timestamp": qty(block.time_ns // 1_000_000_000),
        "baseFeePerGas": qty(block.base_fee_wei),
        "mixHash": data(prev_randao(block.hash)),
        "uncles": [],
        "withdrawals": [],
        "withdrawalsRoot": data(EMPTY_ROOT),
    }
    header["size"] = qty(_block_size(header_rlp(header), b.raw_txs))
    b.out.header = header
    b.out.raw = list(block.txs)
    return b.out


def genesis_header(first: Json | None) -> Json:
    """Height 0 (the genesis state, no CometBFT block): hash zero, so that block 1's
    ``parentHash`` (zeros) points at it."""
    base = dict(first) if first else {}
    return {
        **base,
        "number": "0x0", "hash": hash32(ZERO_HASH), "parentHash": hash32(ZERO_HASH), "logsBloom": data(b"\0" * 256),
        "transactionsRoot": data(EMPTY_ROOT), "receiptsRoot": data(EMPTY_ROOT), "gasUsed": "0x0",
        "timestamp": "0x0", "miner": address(b"\0" * 20), "mixHash": hash32(ZERO_HASH),
        "stateRoot": hash32(ZERO_HASH),
        "gasLimit": base.get("gasLimit", "0x0"), "baseFeePerGas": base.get("baseFeePerGas", "0x0"),
        "sha3Uncles": data(EMPTY_UNCLES), "nonce": "0x0000000000000000", "difficulty": "0x0",
        "totalDifficulty": "0x0", "extraData": "0x", "size": "0x0", "uncles": [], "withdrawals": [],
        "withdrawalsRoot": data(EMPTY_ROOT),
    }
