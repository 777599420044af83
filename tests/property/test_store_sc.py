"""SC properties: roots survive any mix of snapshot + changelog restarts; batching within a
height does not change roots; snapshots round-trip; a torn changelog tail is cut."""

from __future__ import annotations

import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from store.api import ChangeSet
from store.sc import merkle, multitree, tree
from store.sc.changelog import Changelog
from store.sc.committer import CommitStore
from store.sc.multitree import MultiTree
from store.sc.node import Node
from store.sc.snapshot import export_stream, import_stream

KEYS = st.binary(min_size=0, max_size=2)
WRITES = st.dictionaries(st.sampled_from(("acc", "bank", "evm")), st.dictionaries(KEYS, st.one_of(st.none(), st.binary(max_size=3)), max_size=8), max_size=3)
HISTORY = st.lists(WRITES.map(ChangeSet.from_writes), min_size=1, max_size=15)
SLOW = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def reference_hashes(history: list[ChangeSet]) -> list[bytes]:
    mt = MultiTree()
    out = []
    for version, cs in enumerate(history, start=1):
        mt.replay(version, cs)
        out.append(mt.hash)
    return out


@SLOW
@given(history=HISTORY, interval=st.integers(0, 4), restarts=st.sets(st.integers(1, 15)))
def test_restart_from_snapshot_and_changelog(history: list[ChangeSet], interval: int, restarts: set[int]) -> None:
    want = reference_hashes(history)
    with tempfile.TemporaryDirectory() as tmp:
        sc = CommitStore(tmp, snapshot_interval=interval)
        sc.open()
        for version, cs in enumerate(history, start=1):
            assert sc.stage(version, cs) == want[version - 1]
            sc.commit()
            if version in restarts:
                sc.close()
                sc = CommitStore(tmp, snapshot_interval=interval)
                assert sc.open() == version
                assert sc.last_hash() == want[version - 1]
        sc.close()
        sc = CommitStore(tmp, snapshot_interval=0)
        assert sc.open() == len(history)
        assert sc.last_hash() == want[-1]
        sc.close()


@SLOW
@given(history=HISTORY, data=st.data())
def test_batching_within_a_height_does_not_matter(history: list[ChangeSet], data: st.DataObject) -> None:
    whole = MultiTree()
    split = MultiTree()
    for version, cs in enumerate(history, start=1):
        whole.replay(version, cs)
        roots = dict(split.roots)
        for name in sorted(cs.changes):
            pairs = cs.changes[name]
            cuts = sorted(data.draw(st.sets(st.integers(0, len(pairs)))))
            bounds = [0, *cuts, len(pairs)]
            for lo, hi in zip(bounds, bounds[1:], strict=False):
                roots = multitree.apply(roots, version, ChangeSet({name: pairs[lo:hi]}))
        split.advance(version, roots, multitree.app_hash(roots))
        assert split.hash == whole.hash


@SLOW
@given(history=HISTORY)
def test_snapshot_round_trip(history: list[ChangeSet]) -> None:
    mt = MultiTree()
    for version, cs in enumerate(history, start=1):
        mt.replay(version, cs)
    version, roots = import_stream(b"".join(export_stream(mt.version, mt.roots)))
    assert version == mt.version
    assert multitree.app_hash(roots) == mt.hash
    for name, root in mt.roots.items():
        assert list(tree.iterate(roots[name])) == list(tree.iterate(root))
    # the imported trees keep evolving exactly like the originals
    nxt = ChangeSet.from_writes({"bank": {b"new": b"1", b"": None}})
    assert multitree.app_hash(multitree.apply(roots, version + 1, nxt)) == multitree.app_hash(
        multitree.apply(mt.roots, version + 1, nxt)
    )


@settings(max_examples=60, deadline=None)
@given(history=HISTORY, cut=st.integers(1, 200))
def test_torn_changelog_tail_is_cut(history: list[ChangeSet], cut: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        log = Changelog(tmp)
        log.open()
        sizes = []
        seg = None
        for version, cs in enumerate(history, start=1):
            log.append(version, cs)
            seg = seg or next(Path(tmp).glob("*.wal"))
            sizes.append(seg.stat().st_size)
        log.close()
        assert seg is not None
        data = seg.read_bytes()
        keep = max(0, len(data) - cut)
        seg.write_bytes(data[:keep])
        whole = sum(1 for s in sizes if s <= keep)
        log = Changelog(tmp)
        assert log.open() == whole
        assert [cs for _, cs in log.entries()] == history[:whole]
        log.close()


def _depth(n: Node | None) -> int:
    return 0 if n is None else n.height


@settings(max_examples=30, deadline=None)
@given(keys=st.lists(st.binary(max_size=4), max_size=300))
def test_tree_stays_balanced(keys: list[bytes]) -> None:
    root: Node | None = None
    for i, k in enumerate(keys):
        root = tree.put(root, k, b"v", i + 1)
    n = len(set(keys))
    assert tree.leaf_count(root) == n
    if n:
        assert _depth(root) <= 1.45 * n.bit_length() + 1


def _fresh_hash(n: Node) -> bytes:
    """The hash recomputed from scratch, ignoring every cached hash."""
    copy = Node(n.key, n.value, n.version, n.height, n.size)
    if n.height:
        copy.left = Node(b"", b"", 0)
        copy.right = Node(b"", b"", 0)
        copy.left._hash = _fresh_hash(n.left)  # type: ignore[arg-type]
        copy.right._hash = _fresh_hash(n.right)  # type: ignore[arg-type]
    return copy.hash()


CHURN = st.lists(
    st.dictionaries(
        st.integers(0, 150).map(lambda i: b"%03d" % i), st.one_of(st.none(), st.just(b"v")), min_size=10, max_size=40
    ).map(lambda kv: ChangeSet.from_writes({"bank": kv})),
    min_size=5,
    max_size=25,
)


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(history=CHURN)
def test_committed_roots_never_change(history: list[ChangeSet]) -> None:
    mt = MultiTree()
    kept: list[tuple[multitree.Roots, bytes, list[list[tuple[bytes, bytes]]]]] = []
    for version, cs in enumerate(history, start=1):
        mt.replay(version, cs)
        kept.append((mt.roots, mt.hash, [list(tree.iterate(r)) for _, r in sorted(mt.roots.items())]))
    for roots, app_hash, items in kept:
        assert [list(tree.iterate(r)) for _, r in sorted(roots.items())] == items
        assert merkle.app_hash({n: _fresh_hash(r) for n, r in roots.items()}) == app_hash
