"""Where ``eth_sendRawTransaction`` puts a tx: this node's tx pool or CometBFT's mempool.

* ``local``: straight into the local app's pool (``Backend.submit_local``, the app's
  CheckTx rules, no CometBFT round trip); this node proposes it. Nothing is gossiped, so
  it suits a node that proposes every block it needs: a chain's only validator.
* ``mempool``: through CometBFT's ``broadcast_tx_sync`` (its CheckTx decides), which keeps
  it in CometBFT's mempool and gossips it to peers.
* ``auto`` (the default): ``local`` while CometBFT reports no peers (asked at most every
  ``PEERS_TTL_S``), else ``mempool``. An RPC without a local app always uses ``mempool``.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from typing import Any

from eth_rpc.cometbft import CometError
from eth_rpc.errors import RpcError, server_error
from evm_bridge.api import EvmTx

MODES = ("auto", "local", "mempool")
#: How long CometBFT's peer count is trusted before it is asked again.
PEERS_TTL_S = 2.0

#: CometBFT mempool errors in geth's words.
_MEMPOOL_WORDING = (
    ("tx already exists in cache", "already known"),
    ("mempool is full", "txpool is full"),
    ("tx too large", "oversized data"),
)

#: ``submit_local(tx)``: None when the local pool admitted ``tx``, else why it refused it.
SubmitLocal = Callable[[EvmTx], "str | None"]


def comet_wording(text: str) -> str:
    low = text.lower()
    for needle, words in _MEMPOOL_WORDING:
        if needle in low:
            return words
    return text.strip(": ") or "transaction rejected"


class TxIntake:
    def __init__(self, mode: str, comet: Any, submit_local: SubmitLocal | None) -> None:
        if mode not in MODES:
            raise ValueError(f"evm_tx_intake must be one of {', '.join(MODES)}, not {mode!r}")
        self.mode = mode if submit_local is not None else "mempool"
        self.comet = comet
        self.submit_local = submit_local
        self._peers: tuple[int, float] | None = None  # (count, monotonic time asked)
        self._asking: asyncio.Future[int] | None = None

    async def send(self, tx: EvmTx) -> None:
        """Admit ``tx`` or raise the JSON-RPC error that says why not."""
        if self.submit_local is not None and await self.local():
            refused = self.submit_local(tx)
            if refused is not None:
                raise server_error(refused)
            return
        try:
            res = await self.comet.broadcast_tx_sync(tx.raw, tx.sender)
        except CometError as e:
            raise server_error(comet_wording(e.text)) from None
        if int(res.get("code", 0)) != 0:
            raise server_error(res.get("log") or f"transaction rejected (code {res.get('code')})")

    async def local(self) -> bool:
        if self.mode != "auto":
            return self.mode == "local"
        return await self.peers() == 0

    async def peers(self) -> int:
        """CometBFT's peer count (cached; one question in flight; the last answer, or 0, when
        CometBFT cannot be asked)."""
        now = time.monotonic()
        if self._peers is not None and now - self._peers[1] < PEERS_TTL_S:
            return self._peers[0]
        if self._asking is None:
            self._asking = asyncio.ensure_future(self._ask(now))
        asking = self._asking
        try:
            return await asyncio.shield(asking)
        finally:
            if self._asking is asking and asking.done():
                self._asking = None

    async def _ask(self, now: float) -> int:
        try:
            info = await self.comet.call("net_info")
            count = int(info.get("n_peers", 0))
        except (RpcError, CometError, AttributeError, TypeError, ValueError):  # unreachable or odd: keep the last
            count = self._peers[0] if self._peers is not None else 0
        self._peers = (count, now)
        return count
