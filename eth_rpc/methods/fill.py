"""eth_fillTransaction: a call object completed into an unsigned tx a wallet can sign.

Missing fields get what a wallet would pick: the sender's next pending nonce, the chain
id, fees from eth_maxPriorityFeePerGas and the next base fee (max fee = 2 x base fee +
tip, as geth), and a gas limit from eth_estimateGas on the filled-in fields. The type
follows the fee fields given: ``gasPrice`` makes a legacy tx (or EIP-2930 with an access
list), otherwise EIP-1559.
"""

from __future__ import annotations

import asyncio
from typing import Any

from eth_rpc import params as P
from eth_rpc.errors import invalid_params
from eth_rpc.method_spec import ASYNC, rpc
from eth_rpc.methods.calls import estimate_gas
from eth_rpc.methods.fees import next_fee, suggested_tip

Json = dict[str, Any]


def _access_list_json(entries: Any) -> list[Json]:
    return [{"address": "0x" + a.hex(), "storageKeys": ["0x" + s.to_bytes(32, "big").hex() for s in slots]}
            for a, slots in entries]


@rpc("eth_fillTransaction", ASYNC)
async def fill_transaction(b: Any, params: list) -> Json:
    (obj,) = P.arity(params, 1, 1)
    c = P.call_object(obj)
    if c["from"] is None:
        raise invalid_params("invalid argument 0: from is required to fill a transaction")
    if c["authorizationList"]:
        raise invalid_params("invalid argument 0: set-code transactions are filled by the signer")
    tx: Json = {
        "nonce": hex(c["nonce"] if c["nonce"] is not None else await b.pending_nonce(c["from"])),
        "to": "0x" + c["to"].hex() if c["to"] is not None else None,
        "value": hex(c["value"]),
        "input": "0x" + c["data"].hex(),
        "chainId": hex(b.config.evm_chain_id),
    }
    if c["gasPrice"] is not None:
        tx["type"] = "0x1" if c["accessList"] else "0x0"
        tx["gasPrice"] = hex(c["gasPrice"])
        if c["accessList"]:
            tx["accessList"] = _access_list_json(c["accessList"])
    else:
        tip = c["maxPriorityFeePerGas"] if c["maxPriorityFeePerGas"] is not None else suggested_tip(b)
        cap = c["maxFeePerGas"] if c["maxFeePerGas"] is not None else 2 * next_fee(b) + tip
        if tip > cap:
            raise invalid_params(f"maxPriorityFeePerGas ({tip}) bigger than maxFeePerGas ({cap})")
        tx.update(type="0x2", maxPriorityFeePerGas=hex(tip), maxFeePerGas=hex(cap), gasPrice=hex(cap),
                  accessList=_access_list_json(c["accessList"]))
    if c["gas"] is not None:
        tx["gas"] = hex(c["gas"])
    else:
        call = {k: v for k, v in tx.items() if k not in ("type", "chainId", "input")}
        call.update({"from": "0x" + c["from"].hex(), "data": tx["input"]})
        if call["to"] is None:
            del call["to"]
        tx["gas"] = await asyncio.get_running_loop().run_in_executor(None, estimate_gas, b, [call])
    return {"tx": tx}


