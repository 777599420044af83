"""CheckTx: admit a tx to the mempool only if it would pass against the pending state.

Native txs: the check state is an overlay over the last committed state that accumulates
the effects of admitted native txs (sequences, fees, amounts), so a sender's consecutive
txs are admitted in order (Cosmos SDK semantics). Ethereum txs go through the tx pool
(``txpool``): checked at their own nonce, queued past a gap, replaceable. Commit resets
the overlay (holding ``lock``, so no tx is admitted against a half-updated state); CometBFT's
recheck then replays the mempool and drops what became invalid.

``check_local`` admits an Ethereum tx handed over by this node's JSON-RPC straight into
the pool as a local tx (no CometBFT round trip, no mempool): this node proposes it.
``admit_local`` does the same for any tx broadcast through this node's CometBFT RPC front
(native txs go to ``native_local``, put back on the check state after each commit from what
their checks read where that still holds: ``txpool/replay.py``).
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Mapping
from typing import Any

from abci_app.application.txcodec import ASSOCIATE, EVM, Decoded, TxCodec
from abci_app.application.txpool.admission import check_evm
from abci_app.application.txpool.native_local import ALREADY_KNOWN, LocalRefusal, NativeLocalPool
from abci_app.application.txpool.pacing import ProposalPacing
from abci_app.application.txpool.pool import TxPool
from abci_app.application.txpool.replay import Balances, CheckRecord, HeldChecks, RecordingView
from abci_app.cosmos_tx.associate import execute_associate
from abci_app.cosmos_tx.execute import execute_cosmos_tx
from evm_bridge.api import EvmTx
from ledger import accounts, bank, codes
from ledger.codes import TxError
from ledger.context import BlockContext, make_context
from ledger.encoding import decode_uint, encode_uint
from pysei_pb.tendermint.abci import types_pb2 as abci
from store.api import ChangeSet, Database
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
        native_local: NativeLocalPool,
        *,
        chain_id: str,
        evm_chain_id: int,
        min_gas_price: str,
        pacing: ProposalPacing | None = None,
    ) -> None:
        self.db = db
        self.codec = codec
        #: Told of each admission into a local pool (PrepareProposal's wait).
        self.pacing = pacing or ProposalPacing()
        self.pool = pool
        self.native_local = native_local
        self.handlers = handlers
        self.chain_id = chain_id
        self.evm_chain_id = evm_chain_id
        self.min_gas_price = min_gas_price
        self.view: Overlay | None = None
        self.last_time_ns = 0
        #: Held by every check, and by Commit while the check state and the pools move to the
        #: new height.
        self.lock = threading.RLock()
        self._ctx: BlockContext | None = None
        #: tx hash -> account number its signature was verified against.
        self._verified: OrderedDict[bytes, int] = OrderedDict()
        #: What the checks of the held local native txs read and wrote (``_replay_local``).
        self.held = HeldChecks(BALANCES)

    def reset(self, changed: ChangeSet | None = None) -> None:
        """After a commit: the next check starts from the committed state, with the held
        local native txs put back on it (``_view``). ``changed``: every key the commit
        wrote (None: not known; every held tx's check then runs again)."""
        with self.lock:
            self.view = None
            self._ctx = None
            self.held.committed(changed)

    def verified_account(self, decoded: Decoded) -> int:
        """The account number ``decoded``'s signature was verified against, or -1."""
        return self._verified.get(decoded.hash, -1)

    def vouch(self, decoded: Decoded, account_number: int) -> None:
        """``decoded``'s signature was verified against ``account_number`` by this node's
        own front process: its checks skip verifying it again while the signer's account
        has that number (``ante``'s ``verified_account``)."""
        with self.lock:
            self._remember_verified(decoded.hash, account_number)

    def _remember_verified(self, tx_hash: bytes, account_number: int) -> None:
        self._verified[tx_hash] = account_number
        if len(self._verified) > _VERIFIED_CACHE:
            self._verified.popitem(last=False)

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
        with self.pacing.arriving(), self.lock:
            view = self._view()
            check_evm(self.pool, tx, view, self._context(view), self.db.last_height(), False, local=True)

    def _view(self) -> Overlay:
        if self.view is None:
            self.view = Overlay(self.db.read_view())
            self._replay_local(self.view)
        return self.view

    def _context(self, view: Overlay) -> BlockContext:
        """The next block's context for every check at this height (once per height: its gas
        limit and base fee are the committed params, which checks do not change)."""
        if self._ctx is None:
            self._ctx = self.next_block_context(view)
        return self._ctx

    def check(self, raw: bytes, recheck: bool) -> abci.ResponseCheckTx:
        try:
            decoded = self.codec.decode(raw)
        except TxError as e:
            return _refused(e)
        with self.lock:
            view = self._view()
            if decoded.kind == EVM:
                try:
                    gas_wanted = check_evm(self.pool, decoded.tx, view, self._context(view),
                                           self.db.last_height(), recheck)
                except TxError as e:
                    return _refused(e)
                return abci.ResponseCheckTx(code=codes.OK, gas_wanted=gas_wanted)
            res, record = self._check_native(decoded, view)
            if record is not None:  # a tx not held here: its effects are not replayed
                self.held.foreign(record.writes)
            return res

    def admit_local(self, raw: bytes) -> abci.ResponseCheckTx:
        """Admit a tx handed over by this node's CometBFT RPC front as a local tx: an
        Ethereum tx into the pool (as ``check_local``), a native one into ``native_local``
        once it passes CheckTx. Raises ``LocalRefusal`` where CometBFT's mempool would
        refuse it with an error (held already, full)."""
        try:
            decoded = self.codec.decode(raw)
        except TxError as e:
            return _refused(e)
        if decoded.kind == EVM:
            try:
                self.check_local(decoded.tx)
            except TxError as e:
                if e.code == codes.TX_IN_MEMPOOL:
                    raise LocalRefusal(ALREADY_KNOWN) from None
                return _refused(e)
            return abci.ResponseCheckTx(code=codes.OK, gas_wanted=decoded.tx.gas)
        with self.pacing.arriving(), self.lock:
            why = self.native_local.refusal(decoded.hash)
            if why is not None:
                raise LocalRefusal(why)
            view = self._view()
            res, record = self._check_native(decoded, view)
            if record is not None:
                self.native_local.add(decoded.hash, raw, res.gas_used)
                self.held.admitted(decoded.hash, record)
            return res

    def _check_native(self, decoded: Decoded, view: Overlay) -> tuple[abci.ResponseCheckTx, CheckRecord | None]:
        """CheckTx of a native tx; on success its effects (sequence, fee) stay in ``view``,
        and the record of what it read and wrote comes with the answer."""
        scratch = RecordingView(view)
        ctx = self._context(view)
        try:
            if decoded.kind == ASSOCIATE:
                result = execute_associate(decoded.tx, scratch)
                if result.code != codes.OK:
                    return abci.ResponseCheckTx(code=result.code, log=result.log), None
                gas_wanted = gas_used = 0
            else:
                result = self._check_cosmos(decoded, scratch, ctx)
                gas_used, gas_wanted = result.gas_used, result.gas_wanted
                if result.code != codes.OK:
                    return abci.ResponseCheckTx(code=result.code, log=result.log, codespace=result.codespace,
                                                gas_wanted=gas_wanted, gas_used=gas_used), None
        except TxError as e:
            return _refused(e), None
        record = CheckRecord.of(scratch, _check_context(ctx), self._replayable(decoded),
                                self._balance_deltas(decoded, scratch))
        scratch.flush()
        return abci.ResponseCheckTx(code=codes.OK, gas_wanted=gas_wanted, gas_used=gas_used), record

    def _replayable(self, decoded: Decoded) -> bool:
        """Whether ``decoded``'s check depends only on what it reads and ``_check_context``:
        no timeout height, and only messages whose handlers read nothing else of the block
        context (``MsgHandler.context_free``; an address association reads none)."""
        if decoded.kind == ASSOCIATE:
            return True
        tx = decoded.tx
        if tx.timeout_height:
            return False
        for type_url, _ in tx.msgs:
            handler = self.handlers.get(type_url)
            if handler is None or not handler.context_free:
                return False
        return True

    def _balance_deltas(self, decoded: Decoded, scratch: RecordingView) -> bool:
        """Whether the check of ``decoded`` (on ``scratch``) may be put back with its balance
        writes shifted (``txpool.replay``): one message whose handler declares
        ``MsgHandler.balance_deltas``, and nothing written but balances and account records
        (no association made, whose migration moves whole balances)."""
        if decoded.kind == ASSOCIATE or len(decoded.tx.msgs) != 1:
            return False
        handler = self.handlers.get(decoded.tx.msgs[0][0])
        return handler is not None and handler.balance_deltas and all(_shiftable_write(sk) for sk in scratch.layer)

    def _replay_local(self, view: Overlay) -> None:
        """Put the held local native txs' effects into a fresh check state, in order: as
        their checks recorded them where what they read is unchanged, else by checking them
        again; drop those that no longer pass (a block used their sequence or spent their
        funds)."""

        def rerun(tx_hash: bytes, raw: bytes) -> CheckRecord | None:
            try:
                decoded = self.codec.decode(raw)
            except TxError:
                return None
            return self._check_native(decoded, view)[1]

        gone = self.held.replay(view, self.native_local.items(), _check_context(self._context(view)), rerun)
        self.native_local.drop(gone)

    def _check_cosmos(self, decoded: Decoded, view: Overlay, ctx: BlockContext):
        tx = decoded.tx
        verified = self.verified_account(decoded)
        result = execute_cosmos_tx(tx, ctx, view, self.handlers, verified_account=verified, check_only=True,
                                min_gas_price=self.min_gas_price)
        if result.code == codes.OK and verified < 0:
            acc = accounts.get_account(view, tx.signer)
            if acc is not None:
                self._remember_verified(decoded.hash, acc.number)
        return result


def _is_balance(sk: tuple[str, bytes]) -> bool:
    return sk[0] == bank.STORE and sk[1][:1] == bank.BALANCE_PREFIX


def _shiftable_write(sk: tuple[str, bytes]) -> bool:
    """A balance, an account record or the next account number (``ledger.accounts``)."""
    return _is_balance(sk) or (sk[0] == accounts.STORE
                               and (sk[1][:1] == accounts.RECORD_PREFIX or sk[1] == accounts.NEXT_NUMBER))


def _encode_balance(amount: int) -> bytes | None:
    return encode_uint(amount) if amount else None  # a zero balance is deleted (bank.set_balance)


#: The bank's balances, for the replay's shifted writes.
BALANCES = Balances(_is_balance, decode_uint, _encode_balance)


def _check_context(ctx: BlockContext) -> tuple[str, int, int]:
    """The fields of the block context a replayable check reads (the ante step's chain id,
    gas limit and minimum gas price)."""
    return ctx.chain_id, ctx.gas_limit, ctx.min_gas_price_usei


def _refused(e: TxError) -> abci.ResponseCheckTx:
    return abci.ResponseCheckTx(code=e.code, log=e.log, codespace=e.codespace)
