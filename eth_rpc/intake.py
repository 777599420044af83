"""Where ``eth_sendRawTransaction`` puts a tx: this node's tx pool or CometBFT's mempool.

* ``local``: straight into the local app's pool (``Backend.submit_local``, the app's
  CheckTx rules, no CometBFT round trip); this node proposes it. Nothing is gossiped, so
  it suits a node that proposes every block it needs: a chain's only validator.
* ``mempool``: through CometBFT's ``broadcast_tx_sync`` (its CheckTx decides), which keeps
  it in CometBFT's mempool and gossips it to peers.
* ``auto`` (the default): ``local`` while CometBFT reports no peers and voting power for
  this node (asked at most every ``PEERS_TTL_S``), else ``mempool``: a full node that is
  no validator always relays. An RPC without a local app always uses ``mempool``.
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
#: How long CometBFT's answer (peers, voting power) is trusted before it is asked again.
PEERS_TTL_S = 2.0

#: CometBFT mempool errors in geth's words.
_MEMPOOL_WORDING = (
    ("tx already exists in cache", "already known"),
    ("mempool is full", "txpool is full"),
    ("tx too large", "oversized data"),
)

#: ``submit_local(tx)``: None when the local pool admitted ``tx``, else why it refused it.
SubmitLocal = Callable[[EvmTx], "str | None"]
#: ``admit(raw, tx)``: hands a decoded tx to the local app's decoder before it is broadcast.
Admit = Callable[[bytes, EvmTx], None]


def comet_wording(text: str) -> str:
    low = text.lower()
    for needle, words in _MEMPOOL_WORDING:
        if needle in low:
            return words
    return text.strip(": ") or "transaction rejected"


class TxIntake:
    def __init__(self, mode: str, comet: Any, submit_local: SubmitLocal | None, admit: Admit | None = None) -> None:
        if mode not in MODES:
            raise ValueError(f"evm_tx_intake must be one of {', '.join(MODES)}, not {mode!r}")
        self.mode = mode if submit_local is not None else "mempool"
        self.comet = comet
        self.submit_local = submit_local
        self.admit = admit
        self._alone: tuple[bool, float] | None = None  # (answer, monotonic time asked)
        self._asking: asyncio.Future[bool] | None = None

    async def send(self, tx: EvmTx) -> None:
        """Admit ``tx`` or raise the JSON-RPC error that says why not."""
        if await self.local():
            refused = self.submit_local(tx)  # type: ignore[misc]  # local() is False without it
            if refused is not None:
                raise server_error(refused)
            return
        if self.admit is not None:  # CheckTx then finds it decoded, its sender recovered
            self.admit(tx.raw, tx)
        try:
            res = await self.comet.broadcast_tx_sync(tx.raw, tx.sender)
        except CometError as e:
            raise server_error(comet_wording(e.text)) from None
        if int(res.get("code", 0)) != 0:
            raise server_error(res.get("log") or f"transaction rejected (code {res.get('code')})")

    async def local(self) -> bool:
        if self.mode != "auto":
            return self.mode == "local"
        return await self.alone()

    async def alone(self) -> bool:
        """Whether this node proposes every block it needs by itself: CometBFT reports no
        peers and voting power for this node (cached for ``PEERS_TTL_S``; one question in
        flight; the last answer when CometBFT cannot be asked)."""
        now = time.monotonic()
        if self._alone is not None and now - self._alone[1] < PEERS_TTL_S:
            return self._alone[0]
        if self._asking is None:
            self._asking = asyncio.ensure_future(self._ask(now))
        asking = self._asking
        try:
            return await asyncio.shield(asking)
        finally:
            if self._asking is asking and asking.done():
                self._asking = None

    async def _ask(self, now: float) -> bool:
        try:
            peers = int((await self.comet.call("net_info")).get("n_peers", 0))
            power = int((await self.comet.call("status"))["validator_info"]["voting_power"])
            alone = peers == 0 and power > 0
        except (RpcError, CometError, AttributeError, KeyError, TypeError, ValueError):  # unreachable or odd
            alone = self._alone[0] if self._alone is not None else False
        self._alone = (alone, now)
        return alone
