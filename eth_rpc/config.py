"""The JSON-RPC server's settings (the app fills them from ``app.toml``)."""

from __future__ import annotations

from dataclasses import dataclass

CLIENT_VERSION = "pysei/v0.1.0/python"


@dataclass(frozen=True)
class RpcConfig:
    http_address: str = "127.0.0.1:8545"
    ws_address: str = "127.0.0.1:8546"
    evm_chain_id: int = 713714
    chain_id: str = "pysei-local-1"
    cometbft_rpc: str = "http://127.0.0.1:26657"
    max_body_bytes: int = 5_242_880
    max_batch: int = 1_000
    gas_cap: int = 10_000_000
    max_subscriptions: int = 100
    #: eth_getLogs: widest block range and most logs per query (Sei: 2,000 blocks).
    max_log_blocks: int = 2_000
    max_log_results: int = 10_000
    #: Filters not polled for this long are removed (geth: 5 minutes).
    filter_timeout_s: float = 300.0
    max_filters: int = 1_000
    #: Callers get an error after these (geth: 5 s for calls; Sei: 30 s for traces).
    call_timeout_s: float = 5.0
    trace_timeout_s: float = 30.0
    logs_timeout_s: float = 30.0
    worker_threads: int = 4
    #: Broadcasts to CometBFT in flight at once (senders are spread over this many lanes).
    broadcast_lanes: int = 8
    #: Where eth_sendRawTransaction puts a tx: auto | local | mempool (``intake.py``).
    tx_intake: str = "auto"
    #: Decode ``eth_sendRawTransaction`` txs in a helper process (``tx_decoder.py``).
    decode_helper: bool = False
    #: Priority fee suggested when recent blocks carry no tips (1 gwei, as ethers assumes).
    default_tip_wei: int = 1_000_000_000
