"""Prometheus metrics of the app (text format on ``metrics_address``), fed by a block observer."""

from __future__ import annotations

import logging

from prometheus_client import CollectorRegistry, Counter, Gauge, start_http_server

log = logging.getLogger("pysei.metrics")


class Metrics:
    def __init__(self, address: str) -> None:
        self.address = address
        self.registry = CollectorRegistry()
        r = self.registry
        self.height = Gauge("pysei_block_height", "last committed height", registry=r)
        self.block_txs = Gauge("pysei_block_txs", "txs in the last block", registry=r)
        self.txs = Counter("pysei_txs", "txs committed", registry=r)
        self.failed_txs = Counter("pysei_failed_txs", "committed txs with a non-zero code", registry=r)
        self.gas = Counter("pysei_gas_used", "gas used by committed txs", registry=r)
        self.execute_ms = Gauge("pysei_block_execute_ms", "FinalizeBlock time of the last block", registry=r)
        self.executions = Counter("pysei_occ_executions", "tx executions, re-executions included", registry=r)
        self.re_executions = Counter("pysei_occ_reexecutions", "worker outcomes re-executed in order", registry=r)
        self.worker_segments = Counter("pysei_occ_worker_segments", "block segments run by workers", registry=r)
        self.in_order_fallbacks = Counter(
            "pysei_occ_in_order_fallbacks",
            "blocks whose worker txs fell back to in-order execution (conflict burst, stalled or crashed worker)",
            registry=r,
        )
        self.mempool = Gauge("pysei_checktx_admitted", "txs admitted by CheckTx since the last commit", registry=r)
        self._server = None

    def on_block(self, block, outcome) -> None:
        s = outcome.stats
        self.height.set(block.height)
        self.block_txs.set(len(block.txs))
        self.txs.inc(len(block.txs))
        self.failed_txs.inc(sum(1 for r in block.results if r.code))
        self.gas.inc(block.gas_used)
        self.executions.inc(s.executions)
        self.re_executions.inc(s.re_executions)
        self.worker_segments.inc(s.worker_segments)
        if s.in_order_fallback:
            self.in_order_fallbacks.inc()
        self.execute_ms.set(s.execute_ms + s.validate_ms)

    def start(self) -> None:
        host, port = self.address.rsplit(":", 1)
        self._server = start_http_server(int(port), addr=host, registry=self.registry)
        log.info("metrics on http://%s/metrics", self.address)

    def close(self) -> None:
        if self._server is not None:
            server = self._server[0] if isinstance(self._server, tuple) else self._server
            server.shutdown()
            self._server = None


def metrics_service(node) -> Metrics | None:
    if not node.config.metrics_address:
        return None
    metrics = Metrics(node.config.metrics_address)
    node.app.observers.append(metrics.on_block)
    return metrics
