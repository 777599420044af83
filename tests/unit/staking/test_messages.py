"""Every staking, distribution and slashing message: success and each bad case (clear error,
no state change)."""

from __future__ import annotations

from google.protobuf.any_pb2 import Any as AnyPb

from abci_app.module_api import BlockInfo, Misbehavior, Vote
from abci_app.modules.staking import state
from abci_app.modules.staking.records import BONDED, DEC, UNBONDING
from ledger import bank
from ledger.addresses import BONDED_POOL, NOT_BONDED_POOL
from ledger.codes import TxError
from pysei_pb.cosmos.base.v1beta1.coin_pb2 import Coin
from pysei_pb.cosmos.crypto.ed25519 import keys_pb2
from pysei_pb.cosmos.distribution.v1beta1 import tx_pb2 as distr_tx
from pysei_pb.cosmos.slashing.v1beta1 import tx_pb2 as slashing_tx
from pysei_pb.cosmos.staking.v1beta1 import staking_pb2, tx_pb2

from .conftest import ALICE, BOB, SELF, UNBONDING_NS, VAL, Chain


def usei(n: int) -> Coin:
    return Coin(denom="usei", amount=str(n))


def create(key, amount: int, min_self: int = 1, rate: str = "0.1") -> tx_pb2.MsgCreateValidator:
    return tx_pb2.MsgCreateValidator(
        description=staking_pb2.Description(moniker=f"m-{key.bech32[-4:]}"),
        commission=staking_pb2.CommissionRates(rate=rate, max_rate="0.2", max_change_rate="0.01"),
        min_self_delegation=str(min_self), validator_address=key.valoper,
        pubkey=AnyPb(type_url="/cosmos.crypto.ed25519.PubKey", value=keys_pb2.PubKey(key=key.cons_pubkey).SerializeToString()),
        value=usei(amount),
    )


def delegate(key, val, amount: int) -> tx_pb2.MsgDelegate:
    return tx_pb2.MsgDelegate(delegator_address=key.bech32, validator_address=val.valoper, amount=usei(amount))


def undelegate(key, val, amount: int) -> tx_pb2.MsgUndelegate:
    return tx_pb2.MsgUndelegate(delegator_address=key.bech32, validator_address=val.valoper, amount=usei(amount))


def rejected(chain: Chain, key, msg, fragment: str) -> None:
    """The tx fails with ``fragment`` in its log and only the fee and sequence change."""
    before = {s: kv for s, kv in chain.view.snapshot().items() if s not in ("bank", "acc")}
    try:
        result = chain.tx(key, msg)
        code, log = result.code, result.log
    except TxError as e:  # rejected by the stateless checks at decode time
        code, log = e.code, e.log
    assert code != 0 and fragment in log, log
    after = {s: kv for s, kv in chain.view.snapshot().items() if s not in ("bank", "acc")}
    assert after == before


def test_genesis_validator_is_bonded_by_block_one(chain: Chain) -> None:
    assert [(u.pubkey, u.power) for u in chain.updates] == [(VAL.cons_pubkey, SELF // 10**6)]
    v = state.validator(chain.view, VAL.address)
    assert v is not None and v.status == BONDED and v.tokens == SELF and v.shares == SELF * DEC
    assert bank.balance(chain.view, BONDED_POOL) == SELF


def test_create_validator_joins_the_set_at_the_end_of_the_block(chain: Chain) -> None:
    assert chain.tx(ALICE, create(ALICE, 5 * 10**6)).code == 0
    updates = chain.end()
    assert [(u.pubkey, u.power) for u in updates] == [(ALICE.cons_pubkey, 5)]
    assert state.validator(chain.view, ALICE.address).status == BONDED


def test_create_validator_errors(chain: Chain) -> None:
    rejected(chain, VAL, create(VAL, 10**6), "already exist for this operator")
    rejected(chain, ALICE, create(ALICE, 10, min_self=100), "greater than their minimum self delegation")
    rejected(chain, ALICE, create(ALICE, 10, rate="0.5"), "more than the max rate")
    dup = create(ALICE, 10)
    dup.pubkey.value = keys_pb2.PubKey(key=VAL.cons_pubkey).SerializeToString()
    rejected(chain, ALICE, dup, "already exist for this pubkey")
    rejected(chain, ALICE, create(ALICE, 10**20), "insufficient funds")


def test_delegate_and_errors(chain: Chain) -> None:
    assert chain.tx(BOB, delegate(BOB, VAL, 3 * 10**6)).code == 0
    assert state.shares(chain.view, BOB.address, VAL.address) == 3 * 10**6 * DEC
    assert [(u.power) for u in chain.end()] == [SELF // 10**6 + 3]
    rejected(chain, BOB, delegate(BOB, ALICE, 5), "validator does not exist")
    rejected(chain, BOB, delegate(BOB, VAL, 10**20), "insufficient funds")
    bad = delegate(BOB, VAL, 5)
    bad.amount.denom = "uatom"
    rejected(chain, BOB, bad, "invalid coin denomination")


def test_undelegate_pays_back_after_the_unbonding_time_and_not_before(chain: Chain) -> None:
    chain.tx(BOB, delegate(BOB, VAL, 4 * 10**6))
    chain.end()
    start = chain.balance(BOB)
    assert chain.tx(BOB, undelegate(BOB, VAL, 10**6)).code == 0
    fee = 2_000
    assert bank.balance(chain.view, NOT_BONDED_POOL) == 10**6
    chain.end(advance_ns=UNBONDING_NS // 2)
    assert chain.balance(BOB) == start - fee
    chain.end(advance_ns=UNBONDING_NS)  # block time now past completion
    chain.end()
    assert chain.balance(BOB) == start - fee + 10**6
    assert bank.balance(chain.view, NOT_BONDED_POOL) == 0


def test_undelegate_errors(chain: Chain) -> None:
    chain.tx(BOB, delegate(BOB, VAL, 10**6))
    rejected(chain, BOB, undelegate(BOB, VAL, 10**6 + 1), "more than the delegation")
    rejected(chain, ALICE, undelegate(ALICE, VAL, 1), "no delegation")
    rejected(chain, BOB, undelegate(BOB, ALICE, 1), "validator does not exist")


def test_redelegate_moves_at_once_and_blocks_transitive_hops(chain: Chain) -> None:
    chain.tx(ALICE, create(ALICE, 2 * 10**6))
    chain.end()
    chain.tx(BOB, delegate(BOB, VAL, 3 * 10**6))
    msg = tx_pb2.MsgBeginRedelegate(delegator_address=BOB.bech32, validator_src_address=VAL.valoper,
                                    validator_dst_address=ALICE.valoper, amount=usei(10**6))
    assert chain.tx(BOB, msg).code == 0
    assert state.validator(chain.view, ALICE.address).tokens == 3 * 10**6
    back = tx_pb2.MsgBeginRedelegate(delegator_address=BOB.bech32, validator_src_address=ALICE.valoper,
                                     validator_dst_address=VAL.valoper, amount=usei(10**6))
    rejected(chain, BOB, back, "redelegation to this validator already in progress")
    same = tx_pb2.MsgBeginRedelegate(delegator_address=BOB.bech32, validator_src_address=VAL.valoper,
                                     validator_dst_address=VAL.valoper, amount=usei(1))
    rejected(chain, BOB, same, "same validator")


def test_edit_validator(chain: Chain) -> None:
    msg = tx_pb2.MsgEditValidator(description=staking_pb2.Description(moniker="renamed"), validator_address=VAL.valoper)
    assert chain.tx(VAL, msg).code == 0
    assert state.validator(chain.view, VAL.address).moniker == "renamed"
    chain.end(advance_ns=2 * 24 * 3600 * 10**9)
    ok = tx_pb2.MsgEditValidator(validator_address=VAL.valoper, commission_rate="0.105")
    assert chain.tx(VAL, ok).code == 0
    again = tx_pb2.MsgEditValidator(validator_address=VAL.valoper, commission_rate="0.11")
    rejected(chain, VAL, again, "more than once in 24h")


def test_fees_are_distributed_with_commission_and_withdrawn(chain: Chain) -> None:
    chain.tx(BOB, delegate(BOB, VAL, SELF))  # Bob holds half the shares
    chain.end()
    operator_before = chain.balance(VAL)
    chain.tx(ALICE, tx_pb2.MsgDelegate(delegator_address=ALICE.bech32, validator_address=VAL.valoper,
                                       amount=usei(1)), fee=1_000_000)
    chain.end()
    # 1,000,000 usei of fees: 10 % commission to the operator, the rest by shares
    assert chain.balance(VAL) - operator_before == 100_000
    bob_before = chain.balance(BOB)
    w = distr_tx.MsgWithdrawDelegatorReward(delegator_address=BOB.bech32, validator_address=VAL.valoper)
    assert chain.tx(BOB, w, fee=0).code == 0
    # half of 90 % of both blocks' fees (2,000 then 1,000,000), one usei lost to rounding down
    assert chain.balance(BOB) - bob_before == (1_800 + 900_000) // 2 - 1
    rejected(chain, ALICE, distr_tx.MsgWithdrawDelegatorReward(delegator_address=ALICE.bech32, validator_address=ALICE.valoper),
             "validator does not exist")


def test_unjail_too_early_then_in_time(chain: Chain) -> None:

    cons = state.cons_address(VAL.cons_pubkey)
    chain.tx(ALICE, create(ALICE, 2 * 10**6))
    chain.end()
    rejected(chain, VAL, slashing_tx.MsgUnjail(validator_addr=VAL.valoper), "not jailed")
    for _ in range(12):  # window 10, min signed 50 %: missing every block jails it
        updates = chain.end(BlockInfo(votes=(Vote(cons, 1, False),)))
        if updates:
            break
    v = state.validator(chain.view, VAL.address)
    assert v.jailed and v.status == UNBONDING and v.tokens == SELF - SELF // 100
    assert [(u.pubkey, u.power) for u in updates] == [(VAL.cons_pubkey, 0)]
    rejected(chain, VAL, slashing_tx.MsgUnjail(validator_addr=VAL.valoper), "still jailed")
    chain.end(advance_ns=101 * 10**9)
    assert chain.tx(VAL, slashing_tx.MsgUnjail(validator_addr=VAL.valoper)).code == 0
    assert [(u.power) for u in chain.end()] == [(SELF - SELF // 100) // 10**6]
    # Back in the set, its window starts afresh: missing fewer blocks than a window is fine.
    for _ in range(9):
        assert chain.end(BlockInfo(votes=(Vote(cons, 1, False),))) == []
    assert not state.validator(chain.view, VAL.address).jailed


def test_double_sign_slashes_jails_and_tombstones(chain: Chain) -> None:

    cons = state.cons_address(VAL.cons_pubkey)
    supply = bank.supply(chain.view, "usei")
    chain.end(BlockInfo(misbehavior=(Misbehavior(1, cons, 1, 0, 10**6),)))
    v = state.validator(chain.view, VAL.address)
    assert v.jailed and v.tokens == SELF - SELF // 20
    assert bank.supply(chain.view, "usei") == supply - SELF // 20
    chain.end(advance_ns=10**12)
    rejected(chain, VAL, slashing_tx.MsgUnjail(validator_addr=VAL.valoper), "tombstoned")


def test_max_validators_keeps_the_largest(chain: Chain) -> None:
    for key, amount in ((ALICE, 3 * 10**6), (BOB, 2 * 10**6)):
        chain.tx(key, create(key, amount))
    chain.end()
    carol = type(ALICE)(b"\x44" * 32)
    chain.tx(ALICE, __import__("pysei_pb.cosmos.bank.v1beta1.tx_pb2", fromlist=["x"]).MsgSend(
        from_address=ALICE.bech32, to_address=carol.bech32, amount=[usei(10**8)]))
    chain.tx(carol, create(carol, 5 * 10**6))
    updates = {u.pubkey: u.power for u in chain.end()}
    assert updates == {carol.cons_pubkey: 5, BOB.cons_pubkey: 0}  # max 3: Bob (smallest) leaves
