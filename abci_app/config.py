"""The app's config file, ``<home>/config/app.toml``: ports, limits and tuning knobs."""

from __future__ import annotations

import os
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path

from untrusted import toml_text

#: With fewer cores than this, ``occ_workers = 0`` means serial execution.
SERIAL_BELOW_CORES = 2


@dataclass
class StoreSection:
    ss_keep_recent: int = 100_000
    ss_prune_interval: int = 100  # heights between background prunes
    sc_snapshot_interval: int = 10_000
    sc_snapshot_keep_recent: int = 1
    async_commit: bool = False
    #: Newest values of recently read or written keys kept in memory (0: none; each read
    #: then seeks RocksDB); see ``store.ss.latest_values``.
    ss_cache_entries: int = 131_072


#: ``evm_tx_intake`` and ``cosmos_tx_intake`` values (``eth_rpc/intake.py``).
TX_INTAKES = ("auto", "local", "mempool")
TX_INDEXES = ("cometbft", "app")


@dataclass
class AppConfig:
    chain_id: str = "pysei-local-1"
    evm_chain_id: int = 713714
    #: ABCI listen address (host:port, no scheme) and transport: ``socket`` (CometBFT's
    #: ``--abci socket``, which keeps many CheckTx calls in flight) or ``grpc``.
    abci_address: str = "127.0.0.1:26658"
    abci_transport: str = "socket"
    evm_http_address: str = "127.0.0.1:8545"
    evm_ws_address: str = "127.0.0.1:8546"
    metrics_address: str = "127.0.0.1:26661"
    cometbft_rpc: str = "http://127.0.0.1:26657"
    #: OCC workers: txs executed at once, the app process's own included (it executes the
    #: first part of each block itself beside ``occ_workers - 1`` worker processes); 1 =
    #: serial execution in the app process; 0 = automatic (see ``workers``).
    occ_workers: int = 0
    #: Minimum native gas price in usei per gas unit, as a decimal string.
    min_gas_price: str = "0.01"
    max_tx_bytes: int = 1_048_576
    #: Largest JSON-RPC request body and batch (geth's defaults: 5 MiB, 1,000 calls).
    rpc_max_body_bytes: int = 5_242_880
    rpc_max_batch: int = 1_000
    rpc_gas_cap: int = 10_000_000
    rpc_max_subscriptions: int = 100
    #: Broadcasts the JSON-RPC keeps in flight to CometBFT (each sender's txs stay in one
    #: lane, in order).
    rpc_broadcast_lanes: int = 8
    #: Decode and recover the senders of ``eth_sendRawTransaction`` txs in a helper process
    #: (off the node process's GIL) instead of the JSON-RPC's thread.
    rpc_decode_helper: bool = True
    #: Cosmos REST (LCD) API listen address (host:port; empty = off) and its body limit.
    rest_address: str = "127.0.0.1:1317"
    rest_max_body_bytes: int = 2_097_152
    #: Cosmos gRPC server (module query services, reflection; empty = off).
    grpc_address: str = "127.0.0.1:9090"
    #: Block explorer web pages (``explorer``; empty = off).
    explorer_address: str = "127.0.0.1:8080"
    #: Ethereum tx pool (``abci_app/txpool``): how far past a sender's next pending nonce
    #: a tx may be queued, how many queued (gapped) txs the whole pool holds, and how many
    #: blocks a queued tx may wait for its gap to fill before recheck evicts it.
    txpool_account_queue: int = 64
    txpool_global_queue: int = 1024
    txpool_queue_ttl_blocks: int = 900
    #: Most Ethereum txs the pool holds (pending and queued; CometBFT's mempool ``size``).
    txpool_max_txs: int = 20_000
    #: The gas (the txs' gas limits) this node packs into a block it proposes, below the
    #: chain's block gas limit (0 = up to that limit; a bigger tx still gets a block of its
    #: own): a block that takes longer to execute than the commit pause stretches the block
    #: interval. 60M is 600 ERC-20 transfers at a 100k limit, ~0.25 s on two cores.
    proposal_max_gas: int = 60_000_000
    #: The most txs this node puts in a block it proposes (0 = no cap): cheap txs (an ETH
    #: transfer's 21k gas takes about a third of an ERC-20 transfer's time per gas) would
    #: otherwise fill the gas budget with blocks that take longest to execute and index.
    proposal_max_txs: int = 0
    #: A block this node proposes holds at most the txs it expects to execute in this long,
    #: at the time per tx its recent blocks took (0 = no such cap): a block that executes
    #: longer than the block interval stretches it, and the time per tx grows when the intake
    #: shares the cores.
    proposal_max_exec_ms: int = 200
    #: PrepareProposal waits until ``proposal_interval_ms`` after the last block was decided
    #: while txs are still arriving into this node's own pools, and goes once none came for
    #: ``proposal_idle_ms`` or a block's worth is held (the caps above; an idle chain waits
    #: the whole interval). With CometBFT's commit pause at 100 ms, blocks come as often as with a
    #: 250 ms pause under a steady load and on an idle chain, while a burst's last txs are
    #: proposed ~20 ms after they arrive (``abci_app/application/txpool/pacing.py``).
    proposal_interval_ms: int = 250
    proposal_idle_ms: int = 20
    #: Where ``eth_sendRawTransaction`` puts a tx: ``local`` (straight into this node's
    #: pool; this node proposes it), ``mempool`` (CometBFT's mempool via its RPC, which
    #: gossips it to peers), or ``auto``: local while CometBFT has no peers and this node
    #: has voting power, else mempool.
    evm_tx_intake: str = "auto"
    #: Where a tx broadcast through CometBFT's RPC (``broadcast_tx_sync``/``_async``: cosmjs,
    #: the CLI, the REST and gRPC ``BroadcastTx``) goes, with the same three values. Unless
    #: ``mempool``, ``pysei start`` serves CometBFT's RPC address itself
    #: (``abci_app/node/cometbft_front.py``), passes every other request to CometBFT, and
    #: admits broadcasts straight into this node's pools while ``local`` (``auto``: no peers
    #: and voting power), as the Ethereum intake does.
    cosmos_tx_intake: str = "auto"
    #: That front runs in a process of its own (``abci_app/node/front_process.py``): its HTTP
    #: work and the broadcast txs' decoding leave the node process's GIL, which only admits
    #: each batch. On by default, measured against the front in a thread of the node
    #: process (README, "Intake optimizations"): native sends in batches of 10 reach blocks
    #: 1.11x faster end to end now that a block takes 1,000 of them; single-tx requests
    #: (cosmjs's way) went 0.95x.
    cosmos_front_process: bool = True
    #: A front in the node process (``cosmos_front_process = false``) decodes the native txs
    #: of a broadcast batch (8 or more) in a helper process
    #: (``abci_app/node/native_decoder.py``) instead of its own thread.
    cosmos_decode_helper: bool = True
    log_level: str = "info"
    modules: list[str] = field(
        default_factory=lambda: ["auth", "bank", "evm", "staking", "distribution", "slashing", "wasm"]
    )
    #: The event attributes a tx search finds, as ``type.key`` (``transfer.recipient``);
    #: empty: every attribute (the Cosmos SDK's ``index-events``). ``tx.hash`` and
    #: ``tx.height`` are always indexed.
    index_events: list[str] = field(default_factory=list)
    #: Who indexes txs by their event attributes for CometBFT's ``tx_search``: ``cometbft``
    #: (its kv index gets every attribute, as on a Cosmos SDK chain), or ``app``: this node's
    #: own index in its RocksDB (``eth_rpc/index/tx_events.py``), whose searches the front
    #: answers as CometBFT's kv index does, while CometBFT keeps each tx by hash and height
    #: alone (its attributes marked ``index: false``). Needs the front (``cosmos_tx_intake``
    #: not ``mempool``) and the JSON-RPC (which runs the index). Measured in the README: it
    #: halves CometBFT's CPU per tx of the mix and costs the app's process as much.
    tx_index: str = "cometbft"
    store: StoreSection = field(default_factory=StoreSection)

    def __post_init__(self) -> None:
        for key in ("evm_tx_intake", "cosmos_tx_intake"):
            if getattr(self, key) not in TX_INTAKES:
                raise ValueError(f"app.toml: {key} must be one of {', '.join(TX_INTAKES)}, "
                                 f"not {getattr(self, key)!r}")
        if self.tx_index not in TX_INDEXES:
            raise ValueError(f"app.toml: tx_index must be one of {', '.join(TX_INDEXES)}, not {self.tx_index!r}")
        if self.tx_index == "app" and self.cosmos_tx_intake == "mempool":
            raise ValueError('app.toml: tx_index = "app" needs the front on CometBFT\'s RPC address, which '
                             'cosmos_tx_intake = "mempool" turns off')
        if self.tx_index == "app" and not (self.evm_http_address or self.evm_ws_address):
            raise ValueError('app.toml: tx_index = "app" needs the node\'s index, which an empty '
                             'evm_http_address and evm_ws_address turn off')

    def app_tx_index(self) -> bool:
        """Whether this node's own index answers event searches (``tx_index``)."""
        return self.tx_index == "app"

    def workers(self) -> int:
        """Txs executed at once (1 = serial). Automatic (0) is one per core (serial on one
        core): with the Ethereum intake local to the app, OCC's second process pays on two
        cores (``bench/e2e_bench.py --ab occ_workers=2``: ERC-20 transfers 1,470 -> 1,829
        tx/s end to end, ETH transfers unchanged; figures in the README)."""
        if self.occ_workers:
            return self.occ_workers
        cores = os.cpu_count() or 1
        return cores if cores >= SERIAL_BELOW_CORES else 1

    @staticmethod
    def load(home: Path) -> AppConfig:
        path = Path(home) / "config" / "app.toml"
        data = toml_text.loads(path.read_text()) if path.exists() else {}
        store = StoreSection(**_known(StoreSection, data.pop("store", {})))
        return AppConfig(**_known(AppConfig, data), store=store)

    def save(self, home: Path) -> Path:
        path = Path(home) / "config" / "app.toml"
        path.parent.mkdir(parents=True, exist_ok=True)
        data = asdict(self)
        store = data.pop("store")
        lines = ["# pysei app config (see README: operator guide)"]
        lines += [f"{k} = {_toml(v)}" for k, v in data.items()]
        lines += ["", "[store]"] + [f"{k.replace('-', '_')} = {_toml(v)}" for k, v in store.items()]
        path.write_text("\n".join(lines) + "\n")
        return path


def _known(cls: type, data: dict) -> dict:
    names = {f.name for f in fields(cls)}
    unknown = set(data) - names - {"store"}
    if unknown:
        raise ValueError(f"unknown app.toml keys: {sorted(unknown)}")
    return {k: v for k, v in data.items() if k in names}


def _toml(v: object) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, int):
        return str(v)
    if isinstance(v, list):
        return "[" + ", ".join(_toml(x) for x in v) + "]"
    return '"' + str(v).replace("\\", "\\\\").replace('"', '\\"') + '"'
