"""Slashing (store ``slashing``): the missed-blocks window, jailing, double-sign slashing, unjail.

=====================  =========================================================
``P``                  params (canonical JSON)
``i`` + consaddr20     signing info (canonical JSON)
``m`` + consaddr20     missed-blocks bitmap of the window (bit i = slot i missed)
=====================  =========================================================

Each vote of ``decided_last_commit`` from a bonded, unjailed validator fills the next slot
of its window. Once the validator has been tracked for a whole window, more than
``window - window * min_signed // DEC`` misses jail it for ``downtime_jail_ns`` and burn
``slash_fraction_downtime`` of its tokens. Duplicate-vote evidence burns
``slash_fraction_double_sign``, jails and tombstones it (it can never unjail). Burning
lowers the supply; unbonding entries are not slashed (a simplification of the SDK).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import asdict, dataclass, fields, replace

from abci_app.module_api import BlockInfo
from abci_app.modules.staking import errors, state
from abci_app.modules.staking.errors import slashing_error
from abci_app.modules.staking.ops import get_validator, pool
from abci_app.modules.staking.records import BOND_DENOM, BONDED, DEC, Validator, canonical
from ledger import bank
from ledger.context import BlockContext
from ledger.results import Event, TxResult
from store.api import KVView, ReadView

STORE = "slashing"
FOREVER_NS = 2**63 - 1


@dataclass(frozen=True)
class Params:
    signed_blocks_window: int = 100
    min_signed_per_window: int = DEC // 2
    downtime_jail_ns: int = 600 * 10**9
    slash_fraction_double_sign: int = DEC // 20
    slash_fraction_downtime: int = DEC // 100

    def encode(self) -> bytes:
        return canonical(asdict(self))

    @staticmethod
    def from_genesis(data: dict) -> Params:
        unknown = set(data) - {f.name for f in fields(Params)}
        if unknown:
            raise ValueError(f"slashing genesis: unknown params {sorted(unknown)}")
        p = Params(**{k: int(v) for k, v in data.items()})
        if p.signed_blocks_window < 1 or not 0 <= p.min_signed_per_window <= DEC:
            raise ValueError(f"slashing genesis: invalid params {p}")
        return p


@dataclass(frozen=True)
class SigningInfo:
    start_height: int
    index_offset: int = 0
    missed: int = 0
    jailed_until_ns: int = 0
    tombstoned: bool = False


def params(view: ReadView) -> Params:
    raw = view.get(STORE, b"P")
    return Params(**json.loads(raw)) if raw else Params()


def signing_info(view: ReadView, cons: bytes) -> SigningInfo | None:
    raw = view.get(STORE, b"i" + cons)
    return SigningInfo(**json.loads(raw)) if raw else None


def _put_info(view: KVView, cons: bytes, info: SigningInfo) -> None:
    view.set(STORE, b"i" + cons, canonical(asdict(info)))


def slash(view: KVView, v: Validator, fraction: int) -> Validator:
    burned = v.tokens * fraction // DEC
    if burned:
        bank.burn(view, pool(v), BOND_DENOM, burned)
        v = v.with_(tokens=v.tokens - burned)
    return v


def end_block(ctx: BlockContext, view: KVView, results: Sequence[TxResult], info: BlockInfo) -> list[Event]:
    p = params(view)
    events = []
    for vote in sorted(info.votes, key=lambda x: x.address):
        v = state.by_consensus(view, vote.address)
        if v is None or v.jailed or v.status != BONDED:
            continue
        if _record(ctx, view, p, vote.address, vote.signed):
            v = slash(view, v, p.slash_fraction_downtime).with_(jailed=True)
            state.put_validator(view, v)
            events.append(Event("liveness", (("address", vote.address.hex()), ("action", "jailed"))))
    for m in sorted(info.misbehavior, key=lambda x: (x.address, x.height)):
        v = state.by_consensus(view, m.address)
        si = signing_info(view, m.address) or SigningInfo(start_height=ctx.height)
        if v is None or si.tombstoned:
            continue
        state.put_validator(view, slash(view, v, p.slash_fraction_double_sign).with_(jailed=True))
        _put_info(view, m.address, replace(si, tombstoned=True, jailed_until_ns=FOREVER_NS))
        events.append(Event("slash", (("address", m.address.hex()), ("reason", "double_sign"))))
    return events


def on_bonded(ctx: BlockContext, view: KVView, cons: bytes) -> None:
    """A validator (re)enters the bonded set: its liveness window starts afresh here, so a
    just-unjailed validator is not judged on blocks it could not sign."""
    si = signing_info(view, cons)
    if si is not None:
        _put_info(view, cons, replace(si, start_height=ctx.height, index_offset=0, missed=0))
        view.delete(STORE, b"m" + cons)


def _record(ctx: BlockContext, view: KVView, p: Params, cons: bytes, signed: bool) -> bool:
    """Note one vote; True when the validator must be jailed for downtime."""
    si = signing_info(view, cons) or SigningInfo(start_height=ctx.height)
    window = p.signed_blocks_window
    bitmap = bytearray(view.get(STORE, b"m" + cons) or bytes((window + 7) // 8))
    slot = si.index_offset % window
    was = bool(bitmap[slot // 8] >> (slot % 8) & 1)
    missed = si.missed + (not signed) - was
    if signed:
        bitmap[slot // 8] &= ~(1 << (slot % 8)) & 0xFF
    else:
        bitmap[slot // 8] |= 1 << (slot % 8)
    si = replace(si, index_offset=si.index_offset + 1, missed=missed)
    max_missed = window - window * p.min_signed_per_window // DEC
    jail = ctx.height > si.start_height + window and missed > max_missed
    if jail:
        si = replace(si, missed=0, index_offset=0, jailed_until_ns=ctx.time_ns + p.downtime_jail_ns)
        view.delete(STORE, b"m" + cons)
    elif any(bitmap):
        view.set(STORE, b"m" + cons, bytes(bitmap))
    else:
        view.delete(STORE, b"m" + cons)
    _put_info(view, cons, si)
    return jail


def unjail(view: KVView, now_ns: int, operator: bytes) -> Validator:
    try:
        v = get_validator(view, operator)
    except Exception:
        raise slashing_error(2, "address is not associated with any known validator") from None
    if not v.jailed:
        raise slashing_error(errors.VALIDATOR_NOT_JAILED, "validator not jailed; cannot be unjailed")
    own = v.tokens_of(state.shares(view, operator, operator))
    if own == 0:
        raise slashing_error(errors.MISSING_SELF_DELEGATION, "validator has no self-delegation; cannot be unjailed")
    if own < v.min_self_delegation:
        raise slashing_error(errors.SELF_DELEGATION_TOO_LOW, "validator's self delegation less than minimum; cannot be unjailed")
    si = signing_info(view, state.cons_address(v.pubkey))
    if si is not None and si.tombstoned:
        raise slashing_error(errors.VALIDATOR_JAILED, "validator still jailed; cannot be unjailed: tombstoned")
    if si is not None and now_ns < si.jailed_until_ns:
        wait = (si.jailed_until_ns - now_ns + 10**9 - 1) // 10**9
        raise slashing_error(errors.VALIDATOR_JAILED, f"validator still jailed; cannot be unjailed for another {wait}s")
    v = v.with_(jailed=False)
    state.put_validator(view, v)
    return v
