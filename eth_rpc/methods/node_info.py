"""What the node is and holds: eth_coinbase, eth_config (EIP-7910), eth_capabilities,
debug_getBadBlocks; and the methods that would sign with keys the node does not hold.

Single-slot finality means no block is ever bad after the fact, and the chain runs Prague
from genesis, so ``eth_config`` has one configuration and no next fork.
"""

from __future__ import annotations

import zlib
from typing import Any

from eth.vm.forks.prague.computation import PragueComputation

from eth_rpc import params as P
from eth_rpc.errors import METHOD_NOT_FOUND, RpcError
from eth_rpc.method_spec import rpc
from evm_bridge.precompiles.registry import PrecompileTable
from ledger.addresses import FEE_COLLECTOR, to_checksum_evm
from store.sc.multitree import KEEP_ROOTS

Json = dict[str, Any]

#: The fork's precompiles by EIP-7910 name.
STANDARD_PRECOMPILES = {
    1: "ECREC", 2: "SHA256", 3: "RIPEMD160", 4: "ID", 5: "MODEXP", 6: "BN254_ADD", 7: "BN254_MUL",
    8: "BN254_PAIRING", 9: "BLAKE2F", 10: "KZG_POINT_EVALUATION", 11: "BLS12_G1ADD", 12: "BLS12_G1MSM",
    13: "BLS12_G2ADD", 14: "BLS12_G2MSM", 15: "BLS12_PAIRING_CHECK", 16: "BLS12_MAP_FP_TO_G1",
    17: "BLS12_MAP_FP2_TO_G2",
}
#: No blob txs on this chain (as on Sei): a schedule of none.
BLOB_SCHEDULE = {"target": 0, "max": 0, "baseFeeUpdateFraction": 5_007_716}
#: The genesis hash this node reports for height 0 (``backend.header(0)``).
GENESIS_HASH = b"\0" * 32


def _address_hex(addr: bytes) -> str:
    return "0x" + addr.hex()


def precompile_names(precompiles: PrecompileTable) -> dict[str, str]:
    """EIP-7910 name -> address of every precompile a tx can call here, the chain's
    ``precompiles`` included."""
    out = {}
    for addr in PragueComputation._precompiles:
        number = int.from_bytes(addr, "big")
        out[STANDARD_PRECOMPILES.get(number, f"PRECOMPILE_{number:#x}")] = _address_hex(addr)
    for addr, impl in sorted(precompiles.items()):
        out["SEI_" + type(impl).__name__.removesuffix("Precompile").upper()] = _address_hex(addr)
    return out


def fork_id() -> str:
    """EIP-6122's fork hash: CRC32 of the genesis hash, no forks after it."""
    return "0x" + zlib.crc32(GENESIS_HASH).to_bytes(4, "big").hex()


@rpc("eth_coinbase")
def coinbase(b: Any, params: list) -> str:
    """Where fees go: the fee collector (as Sei answers)."""
    P.arity(params, 0, 0)
    return to_checksum_evm(FEE_COLLECTOR[:20])


@rpc("eth_config")
def config(b: Any, params: list) -> Json:
    P.arity(params, 0, 0)
    current = {
        "activationTime": 0,
        "blobSchedule": dict(BLOB_SCHEDULE),
        "chainId": hex(b.config.evm_chain_id),
        "forkId": fork_id(),
        "precompiles": precompile_names(b.precompiles),
        "systemContracts": {},
    }
    return {"current": current, "next": None, "last": None}


@rpc("eth_capabilities")
def capabilities(b: Any, params: list) -> Json:
    """The block range each kind of data can be read at (state: the state store's window)."""
    P.arity(params, 0, 0)
    latest = b.latest()
    head_hash = b.index.block_hash(latest) or GENESIS_HASH
    keep = b.db.config.ss_keep_recent
    state: Json = {"disabled": False, "oldestBlock": hex(b.db.earliest_height())}
    if keep:
        state["deleteStrategy"] = {"type": "window", "retentionBlocks": hex(keep)}
    indexed = {"disabled": False, "oldestBlock": hex(b.index.first_height or 0)}
    proofs = {"disabled": False, "oldestBlock": hex(b.db.earliest_proof_height()),
              "deleteStrategy": {"type": "window", "retentionBlocks": hex(KEEP_ROOTS)}}
    return {
        "head": {"number": hex(latest), "hash": "0x" + head_hash.hex()},
        "state": state, "stateproofs": proofs,
        "tx": dict(indexed), "logs": dict(indexed), "receipts": dict(indexed), "blocks": dict(indexed),
    }


@rpc("debug_getBadBlocks")
def bad_blocks(b: Any, params: list) -> list[Json]:
    P.arity(params, 0, 0)
    return []


def _holds_no_keys(params: list, required: int, name: str) -> Any:
    P.arity(params, required, required)
    raise RpcError(METHOD_NOT_FOUND, f"the method {name} is not available: this node holds no keys; "
                                     "sign locally and send with eth_sendRawTransaction")


@rpc("eth_sendTransaction")
def send_transaction(b: Any, params: list) -> Any:
    return _holds_no_keys(params, 1, "eth_sendTransaction")


@rpc("eth_signTransaction")
def sign_transaction(b: Any, params: list) -> Any:
    return _holds_no_keys(params, 1, "eth_signTransaction")


@rpc("eth_sign")
def sign(b: Any, params: list) -> Any:
    return _holds_no_keys(params, 2, "eth_sign")
