"""The ABCI 2.0 application: CometBFT's calls mapped onto decoding, scheduling and SeiDB.

FinalizeBlock computes and stages the block's change set and app hash; Commit makes them
durable; Info reports the last durable height so CometBFT's handshake replays the rest.
"""

from __future__ import annotations

import hashlib
import json
import logging
import threading
import time
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from abci_app.application.blockexec import BlockOutcome, execute_block
from abci_app.application.checktx import CheckState
from abci_app.application.queries import QueryRouter
from abci_app.application.runner import AppTaskRunner, BlockTask
from abci_app.application.snapshots import (
    apply_snapshot_chunk,
    list_snapshots,
    load_snapshot_chunk,
    offer_snapshot,
)
from abci_app.application.txcodec import Decoded, TxCodec
from abci_app.application.txpool.native_local import NativeLocalPool
from abci_app.application.txpool.pacing import ProposalPacing
from abci_app.application.txpool.pool import TxPool
from abci_app.application.txpool.proposal import Limits, build_proposal, proposal_fault
from abci_app.config import AppConfig
from abci_app.cosmos_tx.decode import verify_signature
from abci_app.cosmos_tx.simulate import PATH as SIMULATE_PATH
from abci_app.cosmos_tx.simulate import simulate_route
from abci_app.module_api import BlockInfo, Misbehavior, Module, ValidatorUpdate, Vote
from evm_bridge.account_db import read_nonce
from evm_bridge.api import EvmTx
from ledger import accounts, codes
from ledger.blocks import CommittedBlock
from ledger.codes import TxError
from ledger.context import (
    BLOCK_PARAMS_SECTION,
    base_fee,
    block_gas_limit,
    block_gas_wanted_limit,
    init_block_params,
    make_context,
)
from ledger.results import Event, TxResult
from occ.api import Scheduler
from occ.executors import SerialExecutor
from pysei_pb.tendermint.abci import types_pb2 as abci
from pysei_pb.tendermint.crypto import keys_pb2
from pysei_pb.tendermint.types.validator_pb2 import BLOCK_ID_FLAG_COMMIT
from store.api import ChangeSet, Database, KVView
from store.gc_policy import GcPolicy
from store.overlay import EmptyView, Overlay
from untrusted import json_text

log = logging.getLogger("pysei.app")

APP_VERSION = 1
GENESIS_KEY = b"genesis"


class App:
    """One instance per node. ``observers`` are called after each Commit (indexers, metrics);
    ``finalized`` with the block FinalizeBlock staged, before its Commit (work that
    observers finish can start there: the indexer's rendering)."""

    def __init__(
        self,
        config: AppConfig,
        db: Database,
        scheduler: Scheduler,
        modules: Sequence[Module],
        observers: Sequence[Callable[[CommittedBlock, BlockOutcome], None]] = (),
        gc_policy: GcPolicy | None = None,
    ) -> None:
        """``gc_policy``: the process's collector policy (``store.gc_policy``), also used by
        the serial run of block 1 (which commits the genesis state)."""
        self.config = config
        self.db = db
        self.scheduler = scheduler
        self.modules = list(modules)
        self.observers = list(observers)
        self.finalized: list[Callable[[CommittedBlock], None]] = []
        self.gc_policy = gc_policy
        #: The ``type.key`` attributes CometBFT's index gets (None: every one): of the block's
        #: own events always, of its txs' only while CometBFT indexes them (``tx_index``; else
        #: this node's index does and CometBFT keeps each tx by hash and height alone).
        self._indexed = frozenset(config.index_events) or None
        self._tx_indexed = frozenset() if config.app_tx_index() else self._indexed
        handlers: dict = {}
        for m in self.modules:
            handlers.update(m.messages)
        self.codec = TxCodec(config.evm_chain_id, config.max_tx_bytes, handlers)
        self.runner = AppTaskRunner(tuple(m.name for m in self.modules), config.chain_id, self.modules)
        self.pool = TxPool(config.txpool_account_queue, config.txpool_global_queue, config.txpool_queue_ttl_blocks,
                           config.txpool_max_txs)
        self.native_local = NativeLocalPool(config.txpool_max_txs)
        self.pacing = ProposalPacing()
        #: (height, txs) of the last proposal this node built.
        self._proposed: tuple[int, list[bytes]] = (0, [])
        self.check = CheckState(
            db, self.codec, self.pool, handlers, self.native_local,
            chain_id=config.chain_id, evm_chain_id=config.evm_chain_id, min_gas_price=config.min_gas_price,
            pacing=self.pacing,
        )
        self.queries = QueryRouter(db, self.modules)
        self.queries.routes[SIMULATE_PATH] = simulate_route(
            handlers, lambda view, height: self.check.next_block_context(view), config.max_tx_bytes
        )
        self._consensus = threading.Lock()
        self._staged: tuple[CommittedBlock, BlockOutcome] | None = None
        self._genesis = ChangeSet()
        self._finalize_ms = 0
        #: Why Commit could not make a height durable (a full disk, a write error), or None.
        self.storage_failure: str | None = None

    # ---- info and connections ----

    def echo(self, req: abci.RequestEcho) -> abci.ResponseEcho:
        return abci.ResponseEcho(message=req.message)

    def flush(self, req: abci.RequestFlush) -> abci.ResponseFlush:
        return abci.ResponseFlush()

    def info(self, req: abci.RequestInfo) -> abci.ResponseInfo:
        height = self.db.last_height()
        return abci.ResponseInfo(
            data="pysei",
            version="0.1.0",
            app_version=APP_VERSION,
            last_block_height=height,
            last_block_app_hash=self.db.last_app_hash() if height > 0 else b"",
        )

    # ---- genesis ----

    def init_chain(self, req: abci.RequestInitChain) -> abci.ResponseInitChain:
        """Build the genesis state. It is not committed on its own: it is kept in memory and
        committed with block 1 (SeiDB versions start at 1), so a crash before block 1 simply
        makes CometBFT call InitChain again. The genesis app hash is that of the genesis
        writes staged as height 1."""
        with self._consensus:
            state = json_text.loads(req.app_state_bytes or b"{}")
            view = Overlay(EmptyView())
            max_gas = req.consensus_params.block.max_gas if req.HasField("consensus_params") else 0
            init_block_params(view, max_gas, state.get(BLOCK_PARAMS_SECTION, {}))
            for module in self.modules:
                if module.init_genesis is not None:
                    module.init_genesis(view, state.get(module.name, {}))
            # The state's canonical JSON, not the bytes: CometBFT sends genesis.json's app state
            # as written on the first start and compacted when it replays from genesis.
            canonical = json.dumps(state, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
            view.set("meta", GENESIS_KEY, hashlib.sha256(canonical.encode()).digest())
            self._genesis = ChangeSet.from_writes(view.writes())
            app_hash = self.db.stage(1, self._genesis)
            self.check.reset()
            log.info("genesis built: chain %s app_hash %s", req.chain_id, app_hash.hex())
            return abci.ResponseInitChain(app_hash=app_hash)

    # ---- mempool ----

    def check_tx(self, req: abci.RequestCheckTx) -> abci.ResponseCheckTx:
        return self.check.check(req.tx, recheck=req.type == abci.RECHECK)

    # ---- proposals ----

    def prepare_proposal(self, req: abci.RequestPrepareProposal) -> abci.ResponsePrepareProposal:
        """Order the mempool's txs and this node's local txs (``txpool.proposal``): this
        node's choice, not consensus. First it waits for the block interval while local txs
        are still arriving (``txpool.pacing``)."""
        cfg = self.config
        cap = _least_cap(cfg.proposal_max_txs, self.pacing.block_cap(cfg.proposal_max_exec_ms))
        self.pacing.settle(cfg.proposal_interval_ms / 1000, cfg.proposal_idle_ms / 1000,
                           lambda: len(req.txs) + len(self.native_local) + len(self.pool), cap)
        view = self.db.read_view()
        pool = self.pool

        def keep(tx) -> bool:
            holder = pool.holder(tx.sender, tx.nonce)
            return holder is None or holder.hash == tx.hash

        limits = Limits(req.max_tx_bytes, block_gas_limit(view), base_fee(view), cfg.proposal_max_gas, cap,
                        block_gas_wanted_limit(view))
        txs = build_proposal(req.txs, self.codec.decode, keep, lambda sender: read_nonce(view, sender), limits,
                             local=pool.local_txs(), local_native=self.native_local.proposal())
        self._proposed = (req.height, txs)
        return abci.ResponsePrepareProposal(txs=txs)

    def process_proposal(self, req: abci.RequestProcessProposal) -> abci.ResponseProcessProposal:
        """Reject what a correct proposer never builds; a function of the txs and state. The
        proposal this node has just built for this height is accepted as it is (CometBFT
        asks the proposer too): it was built by these rules from txs CheckTx admitted."""
        height, txs = self._proposed
        if req.height == height and len(req.txs) == len(txs) and list(req.txs) == txs:
            return abci.ResponseProcessProposal(status=abci.ResponseProcessProposal.ACCEPT)
        view = self.db.read_view()
        fault = proposal_fault(req.txs, self.codec.decode, block_gas_limit(view), self._signed_check(view),
                               block_gas_wanted_limit(view))
        if fault is not None:
            log.warning("rejecting proposal at height %d: %s", req.height, fault)
            return abci.ResponseProcessProposal(status=abci.ResponseProcessProposal.REJECT)
        return abci.ResponseProcessProposal(status=abci.ResponseProcessProposal.ACCEPT)

    def _signed_check(self, view: KVView) -> Callable[[Decoded], bool]:
        """ProcessProposal's signature rule: a native tx whose signer has an account in the
        committed ``view`` must verify against that account's number (a tx CheckTx already
        verified against that number passes without a second verification)."""
        chain_id = self.config.chain_id

        def signed(decoded: Decoded) -> bool:
            account = accounts.get_account(view, decoded.tx.signer)
            if account is None or self.check.verified_account(decoded) == account.number:
                return True
            return verify_signature(decoded.tx, chain_id, account.number)

        return signed

    def extend_vote(self, req: abci.RequestExtendVote) -> abci.ResponseExtendVote:
        return abci.ResponseExtendVote(vote_extension=b"")

    def verify_vote_extension(self, req: abci.RequestVerifyVoteExtension) -> abci.ResponseVerifyVoteExtension:
        status = abci.ResponseVerifyVoteExtension.ACCEPT if not req.vote_extension else abci.ResponseVerifyVoteExtension.REJECT
        return abci.ResponseVerifyVoteExtension(status=status)

    # ---- blocks ----

    def finalize_block(self, req: abci.RequestFinalizeBlock) -> abci.ResponseFinalizeBlock:
        self.pacing.decided()
        with self._consensus:
            started_ns = time.perf_counter_ns()
            base_version = self.db.last_height()
            if req.height != base_version + 1:
                raise RuntimeError(f"FinalizeBlock height {req.height} after committed height {base_version}")
            base = self.db.read_view(base_version)
            scheduler = self.scheduler
            if base_version == 0:  # block 1 also commits the genesis state (see init_chain)
                base = _preloaded(base, self._genesis)
                scheduler = SerialExecutor(self.gc_policy)
            time_ns = req.time.seconds * 1_000_000_000 + req.time.nanos
            ctx = make_context(
                base,
                height=req.height,
                time_ns=time_ns,
                chain_id=self.config.chain_id,
                evm_chain_id=self.config.evm_chain_id,
                proposer=bytes(req.proposer_address),
                block_hash=bytes(req.hash),
            )
            tasks = [self._task(bytes(raw)) for raw in req.txs]
            outcome = execute_block(
                tasks, ctx, base, base_version, scheduler, self.runner, self.modules, _block_info(req)
            )
            changeset = self._genesis.merged(outcome.changeset) if base_version == 0 else outcome.changeset
            app_hash = self.db.stage(req.height, changeset)
            block = CommittedBlock(
                height=req.height,
                hash=bytes(req.hash),
                time_ns=time_ns,
                proposer=bytes(req.proposer_address),
                app_hash=app_hash,
                txs=tuple(bytes(t) for t in req.txs),
                results=outcome.results,
                gas_limit=ctx.gas_limit,
                gas_used=outcome.gas_used,
                base_fee_wei=ctx.base_fee_wei,
                decoded=tuple(t.decoded.tx if t.decoded else None for t in tasks),
            )
            self._staged = (block, outcome)
            elapsed_ns = time.perf_counter_ns() - started_ns
            self._finalize_ms = elapsed_ns // 1_000_000
            self.pacing.executed(len(req.txs), elapsed_ns)
            for hook in self.finalized:
                try:
                    hook(block)
                except Exception:  # a hook's failure must not stop consensus
                    log.exception("finalized hook failed at height %d", block.height)
            resp = abci.ResponseFinalizeBlock(
                validator_updates=[_validator_update(u) for u in outcome.validator_updates],
                app_hash=app_hash,
            )
            _add_events(resp.events, outcome.events, self._indexed)
            tx_results, indexed = resp.tx_results, self._tx_indexed
            for r in outcome.results:
                _fill_exec_result(tx_results.add(), r, indexed)
            return resp

    def _task(self, raw: bytes) -> BlockTask:
        try:
            decoded = self.codec.decode(raw)
        except TxError as e:
            return BlockTask(None, e.code, e.log)
        return BlockTask(decoded, verified_account=self.check.verified_account(decoded))

    def commit(self, req: abci.RequestCommit) -> abci.ResponseCommit:
        with self._consensus:
            started = time.perf_counter()
            staged, self._staged = self._staged, None
            try:
                self.db.commit()
            except Exception as exc:  # the data directory cannot be written: the node must stop
                self.storage_failure = f"{type(exc).__name__}: {exc}"
                log.critical("commit failed, the node stops (no committed height is lost): %s",
                             self.storage_failure)
                raise
            commit_ms = int((time.perf_counter() - started) * 1000)
            # The check state and the pools move to the new height together. Txs admitted
            # during the durable write above were checked against the height before, with
            # the block's txs still pending, as if they had come a moment earlier; the write
            # leaves the GIL to them (most of a commit is I/O).
            with self.check.lock:
                if staged is not None:
                    self.check.last_time_ns = staged[0].time_ns
                # block 1 also committed the genesis state, which its outcome leaves out
                changed = staged[1].changeset if staged is not None and staged[0].height > 1 else None
                self.check.reset(changed)
                committed = self.db.read_view()
                included = {tx.hash for tx in staged[0].decoded if isinstance(tx, EvmTx)} if staged else set()
                self.pool.on_commit(self.db.last_height(), lambda sender: read_nonce(committed, sender), included)
                if staged is not None and len(self.native_local):
                    self.native_local.drop(hashlib.sha256(raw).digest() for raw in staged[0].txs)
            if staged is not None:
                block, outcome = staged
                s = outcome.stats
                log.info(
                    "block height=%d txs=%d gas=%d execute_ms=%d commit_ms=%d occ_executions=%d "
                    "occ_reexecutions=%d occ_worker_segments=%d occ_in_order_fallback=%s app_hash=%s",
                    block.height, len(block.txs), block.gas_used, self._finalize_ms, commit_ms,
                    s.executions, s.re_executions, s.worker_segments, s.in_order_fallback, block.app_hash.hex()[:16],
                )
                for observer in self.observers:
                    try:
                        observer(block, outcome)
                    except Exception:  # an indexer failure must not stop consensus
                        log.exception("block observer failed at height %d", block.height)
            return abci.ResponseCommit(retain_height=0)

    # ---- queries and snapshots ----

    def query(self, req: abci.RequestQuery) -> abci.ResponseQuery:
        return self.queries.query(req)

    def list_snapshots(self, req: abci.RequestListSnapshots) -> abci.ResponseListSnapshots:
        return list_snapshots(self.db, req)

    def offer_snapshot(self, req: abci.RequestOfferSnapshot) -> abci.ResponseOfferSnapshot:
        return offer_snapshot(self.db, req)

    def load_snapshot_chunk(self, req: abci.RequestLoadSnapshotChunk) -> abci.ResponseLoadSnapshotChunk:
        return load_snapshot_chunk(self.db, req)

    def apply_snapshot_chunk(self, req: abci.RequestApplySnapshotChunk) -> abci.ResponseApplySnapshotChunk:
        with self._consensus:
            resp = apply_snapshot_chunk(self.db, req)
            self.check.reset()
            return resp


def _least_cap(*caps: int) -> int:
    """The smallest of the caps that are set (> 0), or 0."""
    return min((c for c in caps if c > 0), default=0)


def _preloaded(base, changeset: ChangeSet) -> Overlay:
    view = Overlay(base)
    view.apply(changeset)
    return view


def _block_info(req: abci.RequestFinalizeBlock) -> BlockInfo:
    votes = tuple(
        Vote(bytes(v.validator.address), v.validator.power, v.block_id_flag == BLOCK_ID_FLAG_COMMIT)
        for v in req.decided_last_commit.votes
    )
    misbehavior = tuple(
        Misbehavior(m.type, bytes(m.validator.address), m.height, m.time.seconds * 10**9 + m.time.nanos,
                    m.total_voting_power)
        for m in req.misbehavior
    )
    return BlockInfo(votes, misbehavior)


def _validator_update(u: ValidatorUpdate) -> abci.ValidatorUpdate:
    key = keys_pb2.PublicKey(**{u.pubkey_type: u.pubkey})
    return abci.ValidatorUpdate(pub_key=key, power=u.power)


def _add_events(into: Any, events: Iterable[Event], indexed: frozenset[str] | None = None) -> None:
    """Append ``events`` (``ledger.results.Event``) to the repeated ABCI ``Event`` field
    ``into``, each attribute marked for CometBFT's tx index when its ``type.key`` is in
    ``indexed`` (None: every one), as the Cosmos SDK's ``index-events`` does (filled in place:
    building each message from keyword arguments and copying it into the response took 2.5
    times as long)."""
    for e in events:
        attrs = into.add(type=e.type).attributes
        for k, v in e.attributes:
            attrs.add(key=k, value=v, index=indexed is None or f"{e.type}.{k}" in indexed)


def _fill_exec_result(res: abci.ExecTxResult, r: TxResult, indexed: frozenset[str] | None = None) -> None:
    res.code, res.data, res.log, res.gas_wanted, res.gas_used = r.code, r.data, r.log, r.gas_wanted, r.gas_used
    if r.code != codes.OK:
        res.codespace = r.codespace
    _add_events(res.events, r.events, indexed)
