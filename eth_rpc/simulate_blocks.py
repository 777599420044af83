"""eth_simulateV1: blocks of calls on one evolving state, each block with its overrides.

The calls run one after another through the block path (``execute.run`` as a simulation
that keeps its writes), so each sees the ones before it, in its block and in earlier
blocks. A block's number and time follow its parent's (+1, +1 s) unless overridden, and
must increase. Without ``validation`` a call is checked like eth_call (no nonce or fee
rules) and the base fee is 0 unless overridden; with it, a call's nonce must be the
sender's next and its fee cap must cover the base fee, as in a block. ``traceTransfers``
adds each value transfer (calls included) as an ERC-20 ``Transfer`` log of
``0xeeee…eeee``. A simulated block's hash is keccak of its header; nothing is stored.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

from eth_hash.auto import keccak

from eth_rpc import params as P
from eth_rpc.errors import RpcError, invalid_params, reverted
from eth_rpc.index.codec import qty
from eth_rpc.index.render import header_rlp
from eth_rpc.index.roots import EMPTY_ROOT, EMPTY_UNCLES
from eth_rpc.overrides import apply_overrides, block_overrides
from evm_bridge.account_db import read_nonce
from evm_bridge.api import BlockOverrides, EvmLog, EvmTx
from evm_bridge.call import ZERO_ADDRESS, Message, message_tx
from evm_bridge.execute import Execution, run
from evm_bridge.receipts import logs_bloom, or_blooms
from evm_bridge.vm import execution_context
from ledger.context import BlockContext
from store.api import ReadView
from store.overlay import Overlay

Json = dict[str, Any]
MAX_BLOCKS = 256
MAX_CALLS = 1_000
TRANSFER_EMITTER = b"\xee" * 20
TRANSFER_TOPIC = keccak(b"Transfer(address,address,uint256)")

# eth_simulateV1's error codes (execution-apis).
NONCE_TOO_LOW, NONCE_TOO_HIGH, FEE_TOO_LOW, INSUFFICIENT_FUNDS = -38010, -38011, -38012, -38014
BLOCK_GAS_LIMIT_REACHED, BLOCK_NUMBER_INVALID, BLOCK_TIME_INVALID = -38015, -38020, -38021
VM_ERROR = -32015


@dataclass
class _Block:
    ctx: BlockContext
    prev_randao: bytes
    parent_hash: bytes
    calls: list[Json] = field(default_factory=list)
    txs: list[Json] = field(default_factory=list)
    blooms: list[bytes] = field(default_factory=list)
    gas_used: int = 0
    logs: int = 0


def _flag(payload: Json, name: str) -> bool:
    value = payload.get(name, False)
    if not isinstance(value, bool):
        raise invalid_params(f"invalid argument 0: {name} must be a boolean")
    return value


def simulate_v1(b: Any, payload: Any, ref: Any) -> list[Json]:
    if not isinstance(payload, dict) or not isinstance(payload.get("blockStateCalls"), list):
        raise invalid_params("invalid argument 0: want an object with blockStateCalls")
    specs = payload["blockStateCalls"]
    if len(specs) > MAX_BLOCKS:
        raise invalid_params(f"too many blocks: {len(specs)} > {MAX_BLOCKS}")
    if sum(len(s.get("calls") or []) for s in specs if isinstance(s, dict)) > MAX_CALLS:
        raise invalid_params(f"too many calls: more than {MAX_CALLS}")
    validation, transfers, full = (_flag(payload, n) for n in ("validation", "traceTransfers",
                                                                "returnFullTransactions"))
    height = b.block_ref(ref or "latest")
    parent = b.simulation_context(height)
    header = b.header(height)
    parent_hash = bytes.fromhex(header["hash"][2:]) if header else bytes(32)
    number, time_s = height, (int(header["timestamp"], 16) if header else parent.time_seconds - 1)
    view: ReadView = Overlay(b.state_at(height))
    out = []
    for spec in specs:
        if not isinstance(spec, dict):
            raise invalid_params("invalid argument 0: each block state call must be an object")
        block = _next_block(parent, spec.get("blockOverrides"), number, time_s, parent_hash, validation)
        view = Overlay(apply_overrides(view, spec.get("stateOverrides")))
        calls = spec.get("calls") or []
        if not isinstance(calls, list):
            raise invalid_params("invalid argument 0: calls must be an array")
        for i, obj in enumerate(calls):
            _run_call(b, view, block, i, obj, validation, transfers)
        rendered = _render(block, full)
        out.append(rendered)
        number, time_s = block.ctx.height, block.ctx.time_seconds
        parent_hash = bytes.fromhex(rendered["hash"][2:])
        parent = replace(block.ctx, block_hash=parent_hash)
    return out


def _next_block(parent: BlockContext, value: Any, number: int, time_s: int, parent_hash: bytes,
                validation: bool) -> _Block:
    o = block_overrides(value)
    new_number = o.number if o and o.number is not None else number + 1
    if new_number <= number:
        raise RpcError(BLOCK_NUMBER_INVALID, f"block numbers must be in order: {new_number} <= {number}")
    new_time = o.time if o and o.time is not None else time_s + 1
    if new_time <= time_s:
        raise RpcError(BLOCK_TIME_INVALID, f"block timestamps must be in order: {new_time} <= {time_s}")
    base_fee = o.base_fee if o and o.base_fee is not None else (parent.base_fee_wei if validation else 0)
    ctx = replace(
        parent, height=new_number, time_ns=new_time * 1_000_000_000, base_fee_wei=base_fee,
        gas_limit=o.gas_limit if o and o.gas_limit is not None else parent.gas_limit,
        proposer=o.coinbase if o and o.coinbase is not None else parent.proposer,
    )
    randao = o.prev_randao if o and o.prev_randao is not None else bytes(32)
    return _Block(ctx, randao, parent_hash)


def _run_call(b: Any, view: Overlay, block: _Block, index: int, obj: Any, validation: bool,
              transfers: bool) -> None:
    c = P.call_object(obj)
    remaining = block.ctx.gas_limit - block.gas_used
    gas = c["gas"] if c["gas"] is not None else min(remaining, b.config.gas_cap)
    if gas > remaining:
        raise RpcError(BLOCK_GAS_LIMIT_REACHED, f"block gas limit reached: {gas} > {remaining}")
    sender = c["from"] or ZERO_ADDRESS
    msg = Message(sender=sender, to=c["to"], gas=gas, data=c["data"], value=c["value"], gas_price=c["gasPrice"],
                  max_fee_per_gas=c["maxFeePerGas"], max_priority_fee_per_gas=c["maxPriorityFeePerGas"],
                  access_list=c["accessList"], nonce=c["nonce"], authorization_list=c["authorizationList"])
    tx = message_tx(view, msg, b.config.evm_chain_id)
    if validation:
        _validate(view, tx, block.ctx.base_fee_wei)
    context = execution_context(block.ctx, BlockOverrides(prev_randao=block.prev_randao))
    execution = run(tx, view, context, b.precompiles, simulation=True, keep_writes=True)
    if execution.result.evm is None:
        raise RpcError(-32000, execution.result.log or "invalid call")
    tx_hash = keccak(b"simulated" + block.ctx.height.to_bytes(8, "big") + index.to_bytes(4, "big") + tx.sender
                     + tx.nonce.to_bytes(8, "big"))
    block.gas_used += execution.result.gas_used
    block.calls.append(_call_result(execution, block, index, tx_hash, transfers))
    block.txs.append(_tx_object(tx, tx_hash, block, index))


def _validate(view: ReadView, tx: EvmTx, base_fee: int) -> None:
    nonce = read_nonce(view, tx.sender)
    if tx.nonce < nonce:
        raise RpcError(NONCE_TOO_LOW, f"nonce too low: address 0x{tx.sender.hex()}, tx: {tx.nonce} state: {nonce}")
    if tx.nonce > nonce:
        raise RpcError(NONCE_TOO_HIGH, f"nonce too high: address 0x{tx.sender.hex()}, tx: {tx.nonce} state: {nonce}")
    if tx.max_fee_per_gas < base_fee:
        raise RpcError(FEE_TOO_LOW, f"max fee per gas less than block base fee: maxFeePerGas: {tx.max_fee_per_gas}, "
                                    f"baseFee: {base_fee}")


def _transfer_logs(c: Any) -> list[EvmLog]:
    """Every value transfer of a successful frame tree, as ERC-20 Transfer logs, in call order."""
    out = []
    if c.is_error:
        return out
    m = c.msg
    if m.value:
        out.append(EvmLog(TRANSFER_EMITTER, (TRANSFER_TOPIC, m.sender.rjust(32, b"\0"),
                                             m.storage_address.rjust(32, b"\0")), m.value.to_bytes(32, "big")))
    for child in c.children:
        out += _transfer_logs(child)
    return out


def _call_result(execution: Execution, block: _Block, index: int, tx_hash: bytes, transfers: bool) -> Json:
    r = execution.result
    receipt = r.evm
    logs = list(receipt.logs)
    if transfers and execution.computation is not None:
        logs = _transfer_logs(execution.computation) + logs
    out: Json = {"returnData": "0x" + receipt.output.hex(), "gasUsed": qty(r.gas_used)}
    if receipt.status:
        out["status"] = "0x1"
        out["logs"] = [_log_object(lg, block, index, tx_hash) for lg in logs]
        block.blooms.append(logs_bloom(logs))
    else:
        out["status"] = "0x0"
        if receipt.error == "execution reverted":
            err = reverted(receipt.output)
            out["error"] = {"code": err.code, "message": err.message, "data": "0x" + receipt.output.hex()}
        else:
            out["error"] = {"code": VM_ERROR, "message": f"vm execution error: {receipt.error}"}
    return out


def _log_object(lg: EvmLog, block: _Block, index: int, tx_hash: bytes) -> Json:
    entry = {
        "address": "0x" + lg.address.hex(), "topics": ["0x" + t.hex() for t in lg.topics], "data": "0x" + lg.data.hex(),
        "blockNumber": qty(block.ctx.height), "blockTimestamp": qty(block.ctx.time_seconds),
        "transactionHash": "0x" + tx_hash.hex(), "transactionIndex": qty(index), "logIndex": qty(block.logs),
        "removed": False,
    }
    block.logs += 1
    return entry


def _tx_object(tx: EvmTx, tx_hash: bytes, block: _Block, index: int) -> Json:
    obj: Json = {
        "type": qty(tx.type), "hash": "0x" + tx_hash.hex(), "from": "0x" + tx.sender.hex(),
        "to": "0x" + tx.to.hex() if tx.to is not None else None, "nonce": qty(tx.nonce), "gas": qty(tx.gas),
        "value": qty(tx.value), "input": "0x" + tx.data.hex(), "chainId": qty(tx.chain_id),
        "gasPrice": qty(tx.effective_gas_price(block.ctx.base_fee_wei)),
        "blockNumber": qty(block.ctx.height), "blockTimestamp": qty(block.ctx.time_seconds),
        "transactionIndex": qty(index), "v": "0x0", "r": "0x0", "s": "0x0",
    }
    if tx.type >= 1:
        obj["accessList"] = [{"address": "0x" + a.hex(), "storageKeys": ["0x" + k.to_bytes(32, "big").hex() for k in ks]}
                             for a, ks in tx.access_list]
        obj["yParity"] = "0x0"
    if tx.type >= 2:
        obj["maxFeePerGas"] = qty(tx.max_fee_per_gas)
        obj["maxPriorityFeePerGas"] = qty(tx.max_priority_fee_per_gas)
    return obj


def _render(block: _Block, full: bool) -> Json:
    ctx = block.ctx
    header: Json = {
        "number": qty(ctx.height), "parentHash": "0x" + block.parent_hash.hex(), "nonce": "0x0000000000000000",
        "sha3Uncles": "0x" + EMPTY_UNCLES.hex(), "logsBloom": "0x" + or_blooms(block.blooms).hex(),
        "transactionsRoot": "0x" + EMPTY_ROOT.hex(), "stateRoot": "0x" + bytes(32).hex(),
        "receiptsRoot": "0x" + EMPTY_ROOT.hex(), "miner": "0x" + ctx.proposer[:20].rjust(20, b"\0").hex(),
        "difficulty": "0x0", "extraData": "0x", "gasLimit": qty(ctx.gas_limit), "gasUsed": qty(block.gas_used),
        "timestamp": qty(ctx.time_seconds), "baseFeePerGas": qty(ctx.base_fee_wei),
        "mixHash": "0x" + block.prev_randao.hex(), "withdrawalsRoot": "0x" + EMPTY_ROOT.hex(),
    }
    raw = header_rlp(header)
    block_hash = keccak(raw)
    header.update(hash="0x" + block_hash.hex(), size=qty(len(raw)), uncles=[], withdrawals=[])
    for tx in block.txs:
        tx["blockHash"] = header["hash"]
    for call in block.calls:
        for lg in call.get("logs", ()):
            lg["blockHash"] = header["hash"]
    header["transactions"] = block.txs if full else [t["hash"] for t in block.txs]
    header["calls"] = block.calls
    return header
