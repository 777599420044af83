"""Putting the held local native txs back on a new check state from what their checks read.

After every Commit the check state starts again from the committed state, and every native
tx this node still holds (``native_local``) goes back on it, in admission order. Running
each one's check again there was a tenth of the app process's time under the bench's mixed
load, and grew with the txs held. A check is a function of the values it read and of the
fields of the block context checks use; when every key it read holds the value it saw, the
check would write what it wrote, and its recorded writes are applied instead.

* ``RecordingView``: the view a check runs on. Records each key read below its own writes
  with the value seen, and whether a range was iterated (such a check always runs again).
* ``CheckRecord``: one check's reads and writes, the context it ran in, and whether its
  result depends on more than that (then it always runs again, and only its writes count).
* ``HeldChecks``: the record of every held tx, and the keys blocks wrote since the last
  replay. ``replay`` applies the records that still hold, runs the others again, and
  names the txs that no longer pass.

Which keys may have changed at a tx's place in the replay: those the committed blocks
wrote, those written by held txs that left since (included or dropped: their writes are no
longer there as checked), those written by checks of txs not held here (CometBFT's mempool:
they are not replayed), and those written by held txs before it that ran again (their
writes may differ; a shifted write is of a key among these already). Only those keys' values are compared; any
other key holds what it held at the tx's previous place, where it held the value the
record saw.

Balances (``Balances``): a record marked ``deltas`` (one message whose handler declares
``MsgHandler.balance_deltas``, and no writes but balances and account records) also holds
when balances it read changed, as long as every key that changed is a balance and each
balance it debited or only read did not shrink: each balance it wrote is written again as
the new value plus the change its check made (a credit: any new value; a debit: the
decisions taken on it, covering an amount, hold on a larger balance). In the bench's mix
the native sends pay the EVM senders, whose balances every block changes, and every held
send was checked again after each commit, a third of the node's admission time.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterator, Sequence
from dataclasses import dataclass

from store.api import ChangeSet, ReadView, StoreKey, Writes
from store.overlay import MISSING, Item, Overlay


class RecordingView(Overlay):
    """An ``Overlay`` that records the first value read of every key below its own writes
    (``reads``), and whether a range was iterated (``ranged``)."""

    __slots__ = ("reads", "ranged")

    def __init__(self, parent: ReadView) -> None:
        super().__init__(parent)
        self.reads: dict[StoreKey, bytes | None] = {}
        self.ranged = False

    def get(self, store: str, key: bytes) -> bytes | None:
        sk = (store, key)
        value = self.layer.get(sk, MISSING)
        if value is not MISSING:
            return value  # type: ignore[return-value]
        value = self.parent.get(store, key)
        if sk not in self.reads:
            self.reads[sk] = value
        return value

    def iterate(
        self, store: str, start: bytes | None, end: bytes | None, reverse: bool = False
    ) -> Iterator[Item]:  # type: ignore[override]
        self.ranged = True
        return super().iterate(store, start, end, reverse)


@dataclass(frozen=True)
class Balances:
    """Which keys hold a balance, and how one is encoded (``encode(0)`` is None: deleted)."""

    holds_balance: Callable[[StoreKey], bool]
    decode: Callable[[bytes | None], int]
    encode: Callable[[int], bytes | None]


class CheckRecord:
    """A passing check: what it read (key -> value seen), what it wrote, the check context
    it ran in; ``replayable`` False when its result depends on more than those; ``deltas``
    when changed balances can be shifted (module docstring)."""

    __slots__ = ("reads", "writes", "context", "replayable", "deltas")

    def __init__(self, reads: dict[StoreKey, bytes | None], writes: Writes, context: Hashable,
                 replayable: bool, deltas: bool = False) -> None:
        self.reads, self.writes, self.context, self.replayable = reads, writes, context, replayable
        self.deltas = deltas

    @classmethod
    def of(cls, view: RecordingView, context: Hashable, replayable: bool, deltas: bool = False) -> CheckRecord:
        """The record of the check that ran on ``view`` (before its writes are flushed)."""
        return cls(view.reads, dict(view.layer), context, replayable and not view.ranged, deltas)

    def shifted(self, view: ReadView, changed: set[StoreKey], dirty: set[StoreKey],
                balances: Balances | None) -> CheckRecord | None:
        """This record where it holds in ``view`` (itself when every key read holds the value
        seen; only keys in ``changed`` or ``dirty`` can differ, so only those are read), or,
        for a ``deltas`` record whose changed reads are all balances none of which it
        debited or only read shrank, the record of its balance writes shifted by the change
        (and the new values read); None otherwise."""
        moved: dict[StoreKey, tuple[bytes | None, bytes | None]] = {}
        for sk, seen in self.reads.items():
            if sk in changed or sk in dirty:
                now = view.get(*sk)
                if now != seen:
                    if not self.deltas or balances is None or not balances.holds_balance(sk):
                        return None
                    moved[sk] = (seen, now)
        if not moved:
            return self
        assert balances is not None
        reads, writes = dict(self.reads), dict(self.writes)
        for sk, (seen, now) in moved.items():
            before, after = balances.decode(seen), balances.decode(now)
            change = balances.decode(writes[sk]) - before if sk in writes else 0
            if change <= 0 and after < before:
                return None  # a debit (or a read) of a balance that shrank: check again
            reads[sk] = now
            if sk in writes:
                writes[sk] = balances.encode(after + change)
        return CheckRecord(reads, writes, self.context, self.replayable, self.deltas)


#: Commits whose change sets are kept for the next replay; past this the held txs all run
#: again (a node that took no tx for that long).
MAX_PENDING_CHANGES = 64

#: Runs a held tx's check again on the view (its writes kept there when it passes);
#: returns its new record, or None when it no longer passes.
Rerun = Callable[[bytes, bytes], "CheckRecord | None"]


class HeldChecks:
    """The check records of the held local native txs, and what changed since the last
    replay. Used under the check state's lock. ``balances``: how ``deltas`` records' balance
    writes are shifted (None: such records run again like the others)."""

    def __init__(self, balances: Balances | None = None) -> None:
        self.balances = balances
        self._records: dict[bytes, CheckRecord] = {}
        self._changed: list[ChangeSet] = []
        self._unknown = False  # state changed in a way no change set describes
        self._foreign: set[StoreKey] = set()  # keys written by checks of txs not held
        #: How many held txs the replays applied from their records (of them, with balance
        #: writes shifted), and ran again.
        self.applied = 0
        self.shifted = 0
        self.rerun = 0

    def admitted(self, tx_hash: bytes, record: CheckRecord) -> None:
        self._records[tx_hash] = record

    def foreign(self, writes: Writes) -> None:
        """A check of a tx not held here (CometBFT's mempool) wrote ``writes`` into the check
        state: held txs checked after it may have read them, and it is not replayed."""
        self._foreign.update(writes)

    def committed(self, changeset: ChangeSet | None) -> None:
        """A new state was committed: ``changeset`` holds every key it wrote (None: not
        known, e.g. a state sync; every held tx then runs again). Kept until the next
        replay: none while nothing is held, and past ``MAX_PENDING_CHANGES`` commits
        without a replay (no check came) the held txs all run again instead."""
        if not self._records:
            return
        if changeset is None or len(self._changed) >= MAX_PENDING_CHANGES:
            self._unknown = True
            self._changed = []
        elif not self._unknown:
            self._changed.append(changeset)

    def replay(self, view: Overlay, held: Sequence[tuple[bytes, bytes]], context: Hashable,
               rerun: Rerun) -> list[bytes]:
        """Put ``held`` ((hash, raw), admission order) on ``view``: the recorded writes of
        each whose record holds in ``context`` (shifted where only balances changed,
        ``CheckRecord.shifted``), else ``rerun``. Returns the hashes of those that no longer
        pass."""
        if not held and not self._records:  # nothing to put back (an Ethereum-only load)
            self._changed, self._unknown, self._foreign = [], False, set()
            return []
        changed = self._take_changed()
        records, self._records = self._records, {}
        in_pool = {h for h, _ in held}
        dirty, self._foreign = self._foreign, set()
        for tx_hash, record in records.items():
            if tx_hash not in in_pool:
                dirty.update(record.writes)
        gone = []
        for tx_hash, raw in held:
            record = records.get(tx_hash)
            now = (record.shifted(view, changed, dirty, self.balances)
                   if record is not None and changed is not None and record.replayable
                   and record.context == context else None)
            if now is not None:
                view.layer.update(now.writes)
                self._records[tx_hash] = now
                self.applied += 1
                # a shifted write is of a key that may have changed already (``changed`` or
                # ``dirty``): the txs after it compare it without more marking
                self.shifted += now is not record
                continue
            self.rerun += 1
            if record is not None:
                dirty.update(record.writes)
            fresh = rerun(tx_hash, raw)
            if fresh is None:
                gone.append(tx_hash)
                continue
            dirty.update(fresh.writes)
            self._records[tx_hash] = fresh
        return gone

    def _take_changed(self) -> set[StoreKey] | None:
        """The keys written since the last replay (None: unknown), and start afresh."""
        sets, unknown = self._changed, self._unknown
        self._changed, self._unknown = [], False
        if unknown:
            return None
        return {(store, key) for cs in sets for store, pairs in cs.changes.items() for key, _ in pairs}
