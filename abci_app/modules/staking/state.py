"""Store key layout and typed access for staking (store ``staking``).

=====================================================  ======================================
``P``                                                  params (canonical JSON)
``v`` + val20                                          validator record (canonical JSON)
``k`` + consaddr20                                     val20 (consensus address index)
``d`` + len + delegator + val20                        delegation shares (uint, scaled DEC)
``q`` + u64 completion_ns + len + delegator + val20    unbonding amount in usei (uint)
``r`` + u64 completion_ns + len + delegator + src20 + dst20   redelegated amount (uint)
``R`` + len + delegator + dst20 + u64 completion_ns    marker: redelegation into dst in flight
``U`` + u64 completion_ns + val20                      validator unbonding queue (marker)
``L`` + val20                                          power last sent to CometBFT (uint)
=====================================================  ======================================

A consensus address is sha256(ed25519 pubkey)[:20], CometBFT's validator address.
Markers hold ``b"\\x01"``. Queues are keyed by completion time, so maturity reads only the
entries that are due.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator

from abci_app.modules.staking.records import Params, Validator
from ledger.encoding import addr_key, decode_uint, encode_uint, u64
from store.api import KVView, ReadView

STORE = "staking"
MARK = b"\x01"


def cons_address(pubkey: bytes) -> bytes:
    return hashlib.sha256(pubkey).digest()[:20]


def prefix_end(prefix: bytes) -> bytes | None:
    """The exclusive end of the key range starting with ``prefix``."""
    n = int.from_bytes(prefix, "big") + 1
    return None if n >> (8 * len(prefix)) else n.to_bytes(len(prefix), "big")


def scan(view: ReadView, prefix: bytes) -> Iterator[tuple[bytes, bytes]]:
    return view.iterate(STORE, prefix, prefix_end(prefix))


def params(view: ReadView) -> Params:
    return Params.decode(view.get(STORE, b"P"))


def set_params(view: KVView, p: Params) -> None:
    view.set(STORE, b"P", p.encode())


# -- validators -------------------------------------------------------------------------------
def validator(view: ReadView, operator: bytes) -> Validator | None:
    raw = view.get(STORE, b"v" + operator)
    return Validator.decode(raw) if raw is not None else None


def put_validator(view: KVView, v: Validator) -> None:
    view.set(STORE, b"v" + v.operator, v.encode())


def index_consensus_key(view: KVView, v: Validator) -> None:
    view.set(STORE, b"k" + cons_address(v.pubkey), v.operator)


def by_consensus(view: ReadView, cons: bytes) -> Validator | None:
    op = view.get(STORE, b"k" + cons)
    return validator(view, op) if op is not None else None


def validators(view: ReadView, start: bytes = b"") -> Iterator[Validator]:
    """Every validator (from operator ``start`` on), in operator-address order."""
    for _, raw in view.iterate(STORE, b"v" + start, prefix_end(b"v")):
        yield Validator.decode(raw)


# -- delegations ----------------------------------------------------------------------------
def _dkey(delegator: bytes, operator: bytes) -> bytes:
    return b"d" + addr_key(delegator) + operator


def shares(view: ReadView, delegator: bytes, operator: bytes) -> int:
    return decode_uint(view.get(STORE, _dkey(delegator, operator)))


def set_shares(view: KVView, delegator: bytes, operator: bytes, amount: int) -> None:
    if amount:
        view.set(STORE, _dkey(delegator, operator), encode_uint(amount))
    else:
        view.delete(STORE, _dkey(delegator, operator))


def delegations_of(view: ReadView, delegator: bytes) -> Iterator[tuple[bytes, int]]:
    """(operator, shares) of one delegator, in operator order."""
    prefix = b"d" + addr_key(delegator)
    for k, v in scan(view, prefix):
        yield k[len(prefix):], decode_uint(v)


def all_delegations(view: ReadView) -> Iterator[tuple[bytes, bytes, int]]:
    """(delegator, operator, shares) of every delegation (genesis export only)."""
    for k, v in scan(view, b"d"):
        n = k[1]
        yield k[2 : 2 + n], k[2 + n :], decode_uint(v)


# -- unbonding and redelegation queues ------------------------------------------------------
def _qkey(done_ns: int, delegator: bytes, operator: bytes) -> bytes:
    return b"q" + u64(done_ns) + addr_key(delegator) + operator


def add_unbonding(view: KVView, done_ns: int, delegator: bytes, operator: bytes, amount: int) -> None:
    key = _qkey(done_ns, delegator, operator)
    view.set(STORE, key, encode_uint(decode_uint(view.get(STORE, key)) + amount))


def unbondings(view: ReadView, until_ns: int | None = None) -> Iterator[tuple[int, bytes, bytes, int]]:
    """(completion_ns, delegator, operator, amount), oldest first; only due ones with ``until_ns``."""
    end = b"q" + u64(until_ns + 1) if until_ns is not None else b"r"
    for k, v in view.iterate(STORE, b"q", end):
        n = k[9]
        yield int.from_bytes(k[1:9], "big"), k[10 : 10 + n], k[10 + n :], decode_uint(v)


def delete_unbonding(view: KVView, done_ns: int, delegator: bytes, operator: bytes) -> None:
    view.delete(STORE, _qkey(done_ns, delegator, operator))


def add_redelegation(view: KVView, done_ns: int, delegator: bytes, src: bytes, dst: bytes, amount: int) -> None:
    key = b"r" + u64(done_ns) + addr_key(delegator) + src + dst
    view.set(STORE, key, encode_uint(decode_uint(view.get(STORE, key)) + amount))
    view.set(STORE, b"R" + addr_key(delegator) + dst + u64(done_ns), MARK)


def redelegation_in_flight(view: ReadView, delegator: bytes, dst: bytes) -> bool:
    """Whether ``delegator`` has an immature redelegation *into* ``dst`` (no transitive hops)."""
    return next(iter(scan(view, b"R" + addr_key(delegator) + dst)), None) is not None


def mature_redelegations(view: KVView, now_ns: int) -> int:
    """Drop redelegation entries due at ``now_ns``; returns how many."""
    due = list(view.iterate(STORE, b"r", b"r" + u64(now_ns + 1)))
    for k, _ in due:
        n = k[9]
        delegator, rest = k[10 : 10 + n], k[10 + n :]
        view.delete(STORE, k)
        view.delete(STORE, b"R" + addr_key(delegator) + rest[20:40] + k[1:9])
    return len(due)


def queue_validator_unbonding(view: KVView, done_ns: int, operator: bytes) -> None:
    view.set(STORE, b"U" + u64(done_ns) + operator, MARK)


def due_validator_unbondings(view: ReadView, now_ns: int) -> list[tuple[int, bytes]]:
    return [(int.from_bytes(k[1:9], "big"), k[9:]) for k, _ in view.iterate(STORE, b"U", b"U" + u64(now_ns + 1))]


def dequeue_validator_unbonding(view: KVView, done_ns: int, operator: bytes) -> None:
    view.delete(STORE, b"U" + u64(done_ns) + operator)


# -- the set CometBFT knows ---------------------------------------------------------------------
def last_powers(view: ReadView) -> dict[bytes, int]:
    return {k[1:]: decode_uint(v) for k, v in scan(view, b"L")}


def set_last_power(view: KVView, operator: bytes, power: int) -> None:
    if power:
        view.set(STORE, b"L" + operator, encode_uint(power))
    else:
        view.delete(STORE, b"L" + operator)
