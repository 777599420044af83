"""Sei's own namespace: the two addresses of an account, the two hashes of a tx, and
``sei_associate``, which links the two addresses of a key from a signed message without a
fee (it broadcasts the app's gasless association tx).

``sei_getSeiAddress`` / ``sei_getEVMAddress`` answer an association (an address that
never signed anything has none: an error, as on Sei). A CometBFT tx hash is the uppercase
hex SHA-256 of the tx bytes (what Cosmos tools show); an EVM tx's bytes are the CometBFT
tx itself, so ``sei_getCosmosTx`` hashes them and ``sei_getEvmTx`` asks CometBFT for the
bytes of a Cosmos hash and answers the EVM hash when they are an Ethereum tx.
"""

from __future__ import annotations

import base64
import hashlib
from typing import Any

from eth_rpc import params as P
from eth_rpc.cometbft import CometError
from eth_rpc.errors import invalid_params, server_error
from eth_rpc.method_spec import ASYNC, rpc
from evm_bridge.api import EvmTxError
from evm_bridge.txs import decode_tx, is_evm_tx
from ledger import accounts
from ledger.addresses import AddressError, from_bech32, to_bech32, to_checksum_evm


@rpc("sei_getSeiAddress")
def get_sei_address(b: Any, params: list) -> str:
    (value,) = P.arity(params, 1, 1)
    evm = P.address(value)
    sei = accounts.associated_sei(b.db.read_view(), evm)
    if sei is None:
        raise server_error(f"address {to_checksum_evm(evm)} is not associated")
    return to_bech32(sei)


@rpc("sei_getEVMAddress")
def get_evm_address(b: Any, params: list) -> str:
    (value,) = P.arity(params, 1, 1)
    try:
        sei = from_bech32(value) if isinstance(value, str) else None
    except AddressError as e:
        raise invalid_params(f"invalid argument 0: {e}") from None
    if sei is None:
        raise invalid_params("invalid argument 0: want a bech32 address")
    evm = accounts.associated_evm(b.db.read_view(), sei)
    if evm is None:
        raise server_error(f"address {value} is not associated")
    return to_checksum_evm(evm)


@rpc("sei_getCosmosTx")
def get_cosmos_tx(b: Any, params: list) -> str:
    (value,) = P.arity(params, 1, 1)
    where = b.index.locate(P.hash32(value, "hash"))
    positions = b.index.evm_positions(where[0]) if where is not None else []
    if where is None or where[1] >= len(positions):
        raise server_error("transaction not found")
    raw = b.index.raw_txs(where[0])[positions[where[1]]]
    return hashlib.sha256(raw).hexdigest().upper()


@rpc("sei_getEvmTx", ASYNC)
async def get_evm_tx(b: Any, params: list) -> str:
    (value,) = P.arity(params, 1, 1)
    if not isinstance(value, str):
        raise invalid_params("invalid argument 0: want a tx hash")
    h = P.hash32(value if value.startswith(("0x", "0X")) else "0x" + value, "hash")
    try:
        found = await b.comet.call("tx", hash=base64.b64encode(h).decode())
    except CometError:
        raise server_error("transaction not found") from None
    raw = base64.b64decode(found["tx"])
    if not is_evm_tx(raw):
        raise server_error("not an EVM transaction")
    try:
        return "0x" + decode_tx(raw, b.config.evm_chain_id).hash.hex()
    except EvmTxError as e:
        raise server_error(str(e)) from None


@rpc("sei_associate", ASYNC)
async def associate(b: Any, params: list) -> str:
    """``{custom_message, r, s, v}``: broadcast the association tx; its CometBFT hash."""
    (req,) = P.arity(params, 1, 1)
    if not isinstance(req, dict) or not all(isinstance(req.get(k), str) for k in ("custom_message", "r", "s", "v")):
        raise invalid_params("invalid argument 0: want {custom_message, r, s, v} as strings")
    if b.association_tx is None:
        raise server_error("association is not available on this node")
    raw = b.association_tx(req["custom_message"], req["v"], req["r"], req["s"])
    try:
        res = await b.comet.broadcast_tx_sync(raw)
    except CometError as e:
        raise server_error(e.text) from None
    if int(res.get("code", 0)) != 0:
        raise server_error(res.get("log") or f"association rejected (code {res.get('code')})")
    return hashlib.sha256(raw).hexdigest().upper()
