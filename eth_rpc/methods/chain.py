"""web3_*, net_* and chain identity: client version, sha3, chain id, sync status, height."""

from __future__ import annotations

from typing import Any

from eth_hash.auto import keccak

from eth_rpc import params as P
from eth_rpc.config import CLIENT_VERSION
from eth_rpc.method_spec import ASYNC, rpc


@rpc("web3_clientVersion")
def client_version(b: Any, params: list) -> str:
    P.arity(params, 0, 0)
    return CLIENT_VERSION


@rpc("web3_sha3")
def sha3(b: Any, params: list) -> str:
    (data,) = P.arity(params, 1, 1)
    return "0x" + keccak(P.hex_data(data, "data")).hex()


@rpc("net_version")
def net_version(b: Any, params: list) -> str:
    P.arity(params, 0, 0)
    return str(b.config.evm_chain_id)


@rpc("net_listening")
def net_listening(b: Any, params: list) -> bool:
    P.arity(params, 0, 0)
    return True


@rpc("net_peerCount", ASYNC)
async def net_peer_count(b: Any, params: list) -> str:
    P.arity(params, 0, 0)
    try:
        info = await b.comet.call("net_info")
        return hex(int(info.get("n_peers", 0)))
    except Exception:
        return "0x0"


@rpc("eth_chainId")
def chain_id(b: Any, params: list) -> str:
    P.arity(params, 0, 0)
    return hex(b.config.evm_chain_id)


@rpc("eth_syncing", ASYNC)
async def syncing(b: Any, params: list) -> Any:
    P.arity(params, 0, 0)
    try:
        sync = (await b.comet.call("status"))["sync_info"]
    except Exception:
        return False
    if not sync.get("catching_up"):
        return False
    return {
        "startingBlock": hex(int(sync.get("earliest_block_height", 0))),
        "currentBlock": hex(b.latest()),
        "highestBlock": hex(int(sync.get("latest_block_height", 0))),
    }


@rpc("eth_blockNumber")
def block_number(b: Any, params: list) -> str:
    P.arity(params, 0, 0)
    return hex(b.latest())


@rpc("eth_accounts")
def accounts(b: Any, params: list) -> list:
    P.arity(params, 0, 0)
    return []


@rpc("eth_mining")
def mining(b: Any, params: list) -> bool:
    P.arity(params, 0, 0)
    return False


@rpc("eth_hashrate")
def hashrate(b: Any, params: list) -> str:
    P.arity(params, 0, 0)
    return "0x0"
