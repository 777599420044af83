"""CheckTx: admit a tx to the mempool only if it would pass against the pending state.

Native txs: the check state is an overlay over the last committed state that accumulates
the effects of admitted native txs (sequences, fees, amounts), so a sender's consecutive
txs are admitted in order (Cosmos SDK semantics). Ethereum txs go through the tx pool
(``txpool``): checked at their own nonce, queued past a gap, replaceable. Commit resets
the overlay (holding ``lock``, so no tx is admitted against a half-updated state); CometBFT's
recheck then replays the mempool and drops what became invalid.

``check_local`` admits an Ethereum tx handed over by this node's JSON-RPC straight into
the pool as a local tx (no CometBFT round trip, no mempool): this node proposes it.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Mapping
from typing import Any

from abci_app.application.txcodec import ASSOCIATE, EVM, Decoded, TxCodec
from abci_app.application.txpool.admission import check_evm
from abci_app.application.txpool.pool import TxPool
from abci_app.cosmos_tx.associate import execute_associate
from abci_app.cosmos_tx.execute import execute_cosmos_tx
from evm_bridge.api import EvmTx
from ledger import accounts, codes
from ledger.codes import TxError
from ledger.context import BlockContext, make_context
from pysei_pb.tendermint.abci import types_pb2 as abci
from store.api import Database
from store.overlay import Overlay

_VERIFIED_CACHE = 100_000


class CheckState:
    """The pending state CheckTx admits txs against, and the caches it keeps between them.

    It is handed exactly what it reads: the database (committed state, last height), the
    tx codec, the Ethereum tx pool, the modules' message handlers and the chain settings.
    """

    def __init__(
        self,
        db: Database,
        codec: TxCodec,
        pool: TxPool,
        handlers: Mapping[str, Any],
        *,
        chain_id: str,
        evm_chain_id: int,
        min_gas_price: str,
    ) -> None:
        self.db = db
        self.codec = codec
        self.pool = pool
        self.handlers = handlers
        self.chain_id = chain_id
        self.evm_chain_id = evm_chain_id
        self.min_gas_price = min_gas_price
        self.view: Overlay | None = None
        self.last_time_ns = 0
        #: Held by every check and by Commit from the durable write to the pool's update.
        self.lock = threading.RLock()
        self._evm_ctx: BlockContext | None = None
        #: tx hash -> account number its signature was verified against.
        self._verified: OrderedDict[bytes, int] = OrderedDict()

    def reset(self) -> None:
        with self.lock:
            self.view = Overlay(self.db.read_view())
            self._evm_ctx = None

    def verified_account(self, decoded: Decoded) -> int:
        return self._verified.get(decoded.hash, -1)

    def next_block_context(self, view) -> BlockContext:
        """The context the next block will most likely run in (for checks and simulation)."""
        return make_context(
            view,
            height=self.db.last_height() + 1,
            time_ns=self.last_time_ns,
            chain_id=self.chain_id,
            evm_chain_id=self.evm_chain_id,
        )

    def check_local(self, tx: EvmTx) -> None:
        """Admit an Ethereum tx (decoded by the JSON-RPC) as a local tx; raises ``TxError``."""
        self.codec.remember(tx.raw, tx)  # FinalizeBlock finds it decoded
        with self.lock:
            view = self._view()
            check_evm(self.pool, tx, view, self._evm_context(view), self.db.last_height(), False, local=True)

    def _view(self) -> Overlay:
        if self.view is None:
            self.view = Overlay(self.db.read_view())
        return self.view

    def _evm_context(self, view: Overlay) -> BlockContext:
        """The next block's context for Ethereum checks (they write nothing: one per height)."""
        if self._evm_ctx is None:
            self._evm_ctx = self.next_block_context(view)
        return self._evm_ctx

    def check(self, raw: bytes, recheck: bool) -> abci.ResponseCheckTx:
        try:
            decoded = self.codec.decode(raw)
        except TxError as e:
            return abci.ResponseCheckTx(code=e.code, log=e.log, codespace=e.codespace)
        with self.lock:
            view = self._view()
            if decoded.kind == EVM:
                try:
                    gas_wanted = check_evm(self.pool, decoded.tx, view, self._evm_context(view),
                                           self.db.last_height(), recheck)
                except TxError as e:
                    return abci.ResponseCheckTx(code=e.code, log=e.log, codespace=e.codespace)
                return abci.ResponseCheckTx(code=codes.OK, gas_wanted=gas_wanted)
            scratch = Overlay(view)
            ctx = self.next_block_context(scratch)
            try:
                if decoded.kind == ASSOCIATE:
                    result = execute_associate(decoded.tx, scratch)
                    if result.code != codes.OK:
                        return abci.ResponseCheckTx(code=result.code, log=result.log)
                    gas_wanted = gas_used = 0
                else:
                    result = self._check_cosmos(decoded, scratch, ctx)
                    result_code, log, gas_used, gas_wanted = result.code, result.log, result.gas_used, result.gas_wanted
                    if result_code != codes.OK:
                        return abci.ResponseCheckTx(code=result_code, log=log, codespace=result.codespace,
                                                    gas_wanted=gas_wanted, gas_used=gas_used)
            except TxError as e:
                return abci.ResponseCheckTx(code=e.code, log=e.log, codespace=e.codespace)
            scratch.flush()
            return abci.ResponseCheckTx(code=codes.OK, gas_wanted=gas_wanted, gas_used=gas_used)

    def _check_cosmos(self, decoded: Decoded, view: Overlay, ctx: BlockContext):
        tx = decoded.tx
        verified = self.verified_account(decoded)
        result = execute_cosmos_tx(tx, ctx, view, self.handlers, verified_account=verified, check_only=True,
                                min_gas_price=self.min_gas_price)
        if result.code == codes.OK and verified < 0:
            acc = accounts.get_account(view, tx.signer)
            if acc is not None:
                self._verified[decoded.hash] = acc.number
                if len(self._verified) > _VERIFIED_CACHE:
                    self._verified.popitem(last=False)
        return result
