"""Fee distribution with a cumulative reward-per-share accumulator (store ``distribution``).

=========================================  ===============================================
``a`` + val20                              accumulator: usei x ACC per share unit (uint)
``e`` + len + delegator + val20            the accumulator when the delegation last settled
``w`` + len + delegator                    where its rewards are paid, if not to itself
=========================================  ===============================================

At the end of each block the usei in the fee collector is split between the validators
CometBFT was last told about, by power (``share = fees * power // total``; the rounding
remainder stays in the fee collector for the next block). Each share moves to the
distribution module account; the operator receives ``share * commission_rate // DEC`` at
once, and the rest raises the validator's accumulator by ``rest * ACC // shares``. A
delegation is owed ``shares * (acc_now - acc_entry) // ACC``, paid whenever it changes or
is withdrawn, so no block iterates over delegators. Rewards go to the delegator's withdraw
address (``MsgSetWithdrawAddress``; the delegator itself unless set). Rounding only ever leaves dust in the
distribution account (never owes more than it holds).
"""

from __future__ import annotations

from abci_app.modules.staking import state
from abci_app.modules.staking.records import BOND_DENOM, DEC, Validator
from ledger import bank
from ledger.addresses import DISTRIBUTION, FEE_COLLECTOR
from ledger.encoding import addr_key, decode_uint, encode_uint
from store.api import KVView, ReadView

STORE = "distribution"
ACC = 10**36


def accumulator(view: ReadView, operator: bytes) -> int:
    return decode_uint(view.get(STORE, b"a" + operator))


def _ekey(delegator: bytes, operator: bytes) -> bytes:
    return b"e" + addr_key(delegator) + operator


def withdraw_address(view: ReadView, delegator: bytes) -> bytes:
    """The account a delegator's rewards are paid to."""
    return view.get(STORE, b"w" + addr_key(delegator)) or delegator


def set_withdraw_address(view: KVView, delegator: bytes, target: bytes) -> None:
    key = b"w" + addr_key(delegator)
    if target == delegator:
        if view.get(STORE, key) is not None:
            view.delete(STORE, key)
    else:
        view.set(STORE, key, target)


def pending(view: ReadView, delegator: bytes, operator: bytes) -> int:
    """Rewards in usei owed to one delegation now."""
    sh = state.shares(view, delegator, operator)
    if not sh:
        return 0
    delta = accumulator(view, operator) - decode_uint(view.get(STORE, _ekey(delegator, operator)))
    return sh * delta // ACC


def settle(view: KVView, delegator: bytes, operator: bytes) -> int:
    """Pay what the delegation is owed and restart its entry point; call before its shares
    change (afterwards ``restart`` records the entry for the new shares)."""
    owed = pending(view, delegator, operator)
    if owed:
        bank.transfer(view, DISTRIBUTION, withdraw_address(view, delegator), BOND_DENOM, owed)
    restart(view, delegator, operator)
    return owed


def restart(view: KVView, delegator: bytes, operator: bytes) -> None:
    key = _ekey(delegator, operator)
    if state.shares(view, delegator, operator):
        acc = accumulator(view, operator)
        if acc:
            view.set(STORE, key, encode_uint(acc))
        else:
            view.delete(STORE, key)
    elif view.get(STORE, key) is not None:
        view.delete(STORE, key)


def allocate(view: KVView) -> list[tuple[bytes, int, int]]:
    """Distribute the fee collector's usei; returns (operator, commission, to delegators)."""
    fees = bank.balance(view, FEE_COLLECTOR, BOND_DENOM)
    powers = state.last_powers(view)
    total = sum(powers.values())
    if not fees or not total:
        return []
    paid = []
    for operator in sorted(powers):
        share = fees * powers[operator] // total
        v = state.validator(view, operator)
        if not share or v is None:
            continue
        bank.transfer(view, FEE_COLLECTOR, DISTRIBUTION, BOND_DENOM, share)
        commission = share if v.shares == 0 else share * v.commission_rate // DEC
        if commission:
            bank.transfer(view, DISTRIBUTION, operator, BOND_DENOM, commission)
        rest = share - commission
        if rest:
            _raise(view, v, rest)
        paid.append((operator, commission, rest))
    return paid


def _raise(view: KVView, v: Validator, rest: int) -> None:
    view.set(STORE, b"a" + v.operator, encode_uint(accumulator(view, v.operator) + rest * ACC // v.shares))
