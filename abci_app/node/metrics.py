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
        self.incarnations = Counter("pysei_occ_incarnations", "OCC incarnations", registry=r)
        self.re_executions = Counter("pysei_occ_reexecutions", "OCC re-executions", registry=r)
        self.rounds = Counter("pysei_occ_rounds", "OCC rounds", registry=r)
        self.fallbacks = Counter("pysei_occ_fallbacks", "blocks that fell back to serial", registry=r)
        self.mempool = Gauge("pysei_checktx_admitted", "txs admitted by CheckTx since the last commit", registry=r)
        self._server = None

    def on_block(self, block, outcome) -> None:
        s = outcome.stats
        self.height.set(block.height)
        self.block_txs.set(len(block.txs))
        self.txs.inc(len(block.txs))
        self.failed_txs.inc(sum(1 for r in block.results if r.code))
        self.gas.inc(block.gas_used)
        self.incarnations.inc(s.incarnations)
        self.re_executions.inc(s.re_executions)
        self.rounds.inc(s.rounds)
        if s.fallback_used:
            self.fallbacks.inc()
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
