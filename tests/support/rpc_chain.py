"""An in-process chain for JSON-RPC tests: real SeiDB, real EVM execution, real index and
server, no CometBFT. ``mine()`` executes the txs sent so far as one block; a fake CometBFT
client takes ``eth_sendRawTransaction`` broadcasts into that queue."""

from __future__ import annotations

import hashlib
import threading
from pathlib import Path
from typing import Any

from eth_account import Account

from eth_rpc import Backend, RpcConfig, RpcServer
from eth_rpc.cometbft import CometError
from eth_rpc.index import BlockIndex
from eth_rpc.index.kv import MemoryKV
from evm_bridge.basefee import INITIAL_BASE_FEE_WEI
from evm_bridge.execute import execute_tx
from evm_bridge.precompiles.registry import precompile_table
from evm_bridge.txs import decode_tx
from ledger import bank
from ledger.blocks import CommittedBlock
from ledger.context import BlockContext
from store.api import ChangeSet
from store.multistore import SeiDB
from store.overlay import Overlay

CHAIN_ID = 713714
KEYS = ["0x" + f"{i:02x}" * 32 for i in (0x11, 0x22, 0x33)]
ADDRESSES = [Account.from_key(k).address for k in KEYS]
FUNDS_WEI = 10**27
GAS_LIMIT = 100_000_000


class FakeComet:
    """The two CometBFT calls the JSON-RPC makes, answered from the mini chain."""

    def __init__(self, chain: MiniChain) -> None:
        self.chain = chain

    async def broadcast_tx_sync(self, raw: bytes, lane: bytes = b"") -> dict[str, Any]:
        with self.chain.lock:
            if raw in self.chain.pending:
                raise CometError("Internal error: tx already exists in cache")
            self.chain.pending.append(raw)
        return {"code": 0, "log": "", "hash": hashlib.sha256(raw).hexdigest().upper()}

    async def unconfirmed_txs(self, limit: int = 100) -> list[bytes]:
        return list(self.chain.pending[:limit])

    async def call(self, method: str, **params: Any) -> Any:
        if method == "status":
            return {"sync_info": {"catching_up": False, "latest_block_height": str(self.chain.height)}}
        if method == "net_info":
            return {"n_peers": "0"}
        raise CometError(f"method {method} not faked")

    async def close(self) -> None:
        pass


class MiniChain:
    def __init__(self, path: Path, **rpc: Any) -> None:
        self.db = SeiDB(path)
        self.db.start()
        self.index = BlockIndex(MemoryKV(), CHAIN_ID)
        self.pending: list[bytes] = []
        self.lock = threading.Lock()
        self.height = 0
        view = Overlay(self.db.read_view(0))
        for addr in ADDRESSES:
            bank.mint(view, bytes.fromhex(addr[2:]), bank.NATIVE_DENOM, FUNDS_WEI // bank.WEI_PER_USEI)
        self._genesis = view  # written with the first block (the store starts at height 1)
        cfg = RpcConfig(http_address="127.0.0.1:0", ws_address="127.0.0.1:0", evm_chain_id=CHAIN_ID, **rpc)
        self.precompiles = precompile_table()
        backend = Backend(cfg, self.index, self.db, self.precompiles)
        backend.comet = FakeComet(self)
        self.server = RpcServer(backend)
        self.index.add_listener(self.server.on_block)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.ports['http']}"

    @property
    def ws_url(self) -> str:
        return f"ws://127.0.0.1:{self.server.ports['ws']}"

    def mine(self, extra: list[bytes] = ()) -> CommittedBlock:
        """Execute the pending txs (and ``extra``) as the next block, commit and index it."""
        with self.lock:
            raws, self.pending = self.pending + list(extra), []
        h = self.height + 1
        block_hash = hashlib.sha256(b"block" + h.to_bytes(8, "big")).digest()
        ctx = BlockContext(
            height=h, time_ns=(1_700_000_000 + h) * 10**9, chain_id="pysei-test", evm_chain_id=CHAIN_ID,
            proposer=b"\x05" * 20, block_hash=block_hash, gas_limit=GAS_LIMIT, base_fee_wei=INITIAL_BASE_FEE_WEI,
        )
        view = Overlay(self.db.read_view(h - 1))
        if h == 1:
            for store, kv in self._genesis.writes().items():
                for k, v in kv.items():
                    view.set(store, k, v) if v is not None else view.delete(store, k)
        decoded, results = [], []
        for raw in raws:
            tx = decode_tx(raw, CHAIN_ID)
            decoded.append(tx)
            results.append(execute_tx(tx, ctx, view, self.precompiles))
        app_hash = self.db.stage(h, ChangeSet.from_writes(view.writes()))
        self.db.commit()
        block = CommittedBlock(
            height=h, hash=block_hash, time_ns=ctx.time_ns, proposer=ctx.proposer, app_hash=app_hash,
            txs=tuple(raws), results=tuple(results), gas_limit=GAS_LIMIT,
            gas_used=sum(r.gas_used for r in results), base_fee_wei=INITIAL_BASE_FEE_WEI, decoded=tuple(decoded),
        )
        self.height = h
        self.index.observe(block)
        return block

    def sign(self, key_index: int, **tx: Any) -> bytes:
        base = {"chainId": CHAIN_ID, "gas": 1_000_000, "maxFeePerGas": 2 * 10**9, "maxPriorityFeePerGas": 10**9,
                "value": 0, "type": 2}
        return bytes(Account.sign_transaction({**base, **tx}, KEYS[key_index]).raw_transaction)

    def start(self) -> MiniChain:
        self.server.start()
        return self

    def close(self) -> None:
        self.server.close()
        self.db.close()

    def __enter__(self) -> MiniChain:
        return self.start()

    def __exit__(self, *exc: Any) -> None:
        self.close()
