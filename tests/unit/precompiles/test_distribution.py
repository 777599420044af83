"""The distribution precompile through real EVM txs and eth_call on a staking chain: rewards
accrued from a block's fees are reported by ``rewards`` in Sei's layout and paid by the
withdraw methods (to the withdraw address once set), with Sei's events; bad input reverts
with its reason, charges the method's gas and changes nothing."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from eth.exceptions import Revert
from eth_abi import decode, encode
from eth_account import Account
from eth_hash.auto import keccak

from abci_app.modules.staking import rewards
from abci_app.modules.staking.records import DEC
from evm_bridge.account_db import read_nonce
from evm_bridge.call import call
from evm_bridge.execute import execute_tx
from evm_bridge.precompiles.base import BASE_GAS, revert_data
from evm_bridge.precompiles.distribution import ADDRESS as DISTR
from evm_bridge.precompiles.distribution import (
    MULTIPLE_REWARDS_WITHDRAWN_TOPIC,
    REWARDS_ABI,
    REWARDS_WITHDRAWN_TOPIC,
    WITHDRAW_ADDRESS_SET_TOPIC,
)
from evm_bridge.precompiles.registry import precompile_table
from evm_bridge.precompiles.staking import ADDRESS as STAKING
from evm_bridge.txs import decode_tx
from ledger import bank
from ledger.addresses import FEE_COLLECTOR, evm_address_from_pubkey, to_bech32, to_checksum_evm
from pysei_pb.cosmos.distribution.v1beta1 import tx_pb2 as distr_tx
from tests.unit.staking.conftest import ALICE, BOB, SELF, VAL, Chain, Key

WEI = 10**12
DELEGATED = 3 * 10**6
#: Fees of one block: 10 x the validator's tokens, so 90 % (after 10 % commission) raises
#: its accumulator by exactly 9 usei per token and Alice is owed 27,000,000 usei.
FEES = 10 * (SELF + DELEGATED)
OWED = 9 * DELEGATED


def evm_of(key: Key) -> bytes:
    return evm_address_from_pubkey(key.pubkey)


def calldata(sig: str, types: list[str], args: list) -> bytes:
    return keccak(sig.encode())[:4] + encode(types, args)


def intrinsic(data: bytes) -> int:
    return 21_000 + sum(16 if b else 4 for b in data)


def send(chain: Chain, key: Key, to: bytes, data: bytes, value: int = 0):
    tx = {"type": 2, "chainId": 713714, "nonce": read_nonce(chain.view, evm_of(key)), "gas": 900_000,
          "maxFeePerGas": 10**9, "maxPriorityFeePerGas": 0, "to": to_checksum_evm(to), "value": value, "data": data}
    raw = bytes(Account.sign_transaction(tx, key.priv).raw_transaction)
    return execute_tx(decode_tx(raw, 713714), chain.ctx, chain.view, chain.precompiles)


@pytest.fixture
def chain() -> Chain:
    """Alice delegated 3 SEI through the staking precompile, then one block's fees were allocated."""
    c = Chain()
    c.precompiles = precompile_table(m.precompiles for m in c.modules)  # type: ignore[attr-defined]
    res = send(c, ALICE, STAKING, calldata("delegate(string)", ["string"], [VAL.valoper]), value=DELEGATED * WEI)
    assert res.code == 0, res.log
    bank.set_wei_balance(c.view, FEE_COLLECTOR, FEES * WEI)
    c.end()
    return c


def query_rewards(chain: Chain, who: bytes) -> tuple:
    out = call(chain.view, chain.ctx, chain.precompiles, who, DISTR,
               calldata("rewards(address)", ["address"], [to_checksum_evm(who)]))
    assert out.success, out.error
    return decode([REWARDS_ABI], out.output)[0]


def test_rewards_reports_each_delegation_and_the_total_in_sei_layout(chain: Chain) -> None:
    assert rewards.pending(chain.view, ALICE.address, VAL.address) == OWED
    coin = (OWED * DEC, 18, "usei")
    assert query_rewards(chain, evm_of(ALICE)) == ((((coin,), VAL.valoper),), (coin,))
    assert query_rewards(chain, evm_of(BOB)) == ((), ())  # no delegations: empty lists


def test_withdraw_delegation_rewards_pays_the_delegator_and_logs(chain: Chain) -> None:
    before = chain.balance(ALICE)
    res = send(chain, ALICE, DISTR, calldata("withdrawDelegationRewards(string)", ["string"], [VAL.valoper]))
    assert res.code == 0, res.log
    assert decode(["bool"], res.data) == (True,)
    assert res.fee_wei == 0  # base fee 0, tip 0
    assert chain.balance(ALICE) == before + OWED
    assert rewards.pending(chain.view, ALICE.address, VAL.address) == 0
    (log,) = res.evm.logs
    assert log.address == DISTR
    assert [int.from_bytes(t, "big") for t in log.topics] == [REWARDS_WITHDRAWN_TOPIC, int.from_bytes(evm_of(ALICE), "big")]
    assert decode(["string", "uint256"], log.data) == (VAL.valoper, OWED)
    assert query_rewards(chain, evm_of(ALICE)) == ((((), VAL.valoper),), ())


def test_set_withdraw_address_sends_later_rewards_there(chain: Chain) -> None:
    send(chain, BOB, DISTR, calldata("rewards(address)", ["address"], [to_checksum_evm(evm_of(BOB))]))  # links Bob
    res = send(chain, ALICE, DISTR, calldata("setWithdrawAddress(address)", ["address"], [to_checksum_evm(evm_of(BOB))]))
    assert res.code == 0, res.log
    (log,) = res.evm.logs
    assert [int.from_bytes(t, "big") for t in log.topics] == [WITHDRAW_ADDRESS_SET_TOPIC, int.from_bytes(evm_of(ALICE), "big")]
    assert decode(["address"], log.data) == (to_checksum_evm(evm_of(BOB)).lower(),)
    assert rewards.withdraw_address(chain.view, ALICE.address) == BOB.address
    alice, bob = chain.balance(ALICE), chain.balance(BOB)
    res = send(chain, ALICE, DISTR, calldata("withdrawDelegationRewards(string)", ["string"], [VAL.valoper]))
    assert res.code == 0, res.log
    assert (chain.balance(ALICE), chain.balance(BOB)) == (alice, bob + OWED)


def test_set_withdraw_address_equals_the_native_message(chain: Chain) -> None:
    native = Chain()
    msg = distr_tx.MsgSetWithdrawAddress(delegator_address=ALICE.bech32, withdraw_address=BOB.bech32)
    assert native.tx(ALICE, msg).code == 0
    send(chain, BOB, DISTR, calldata("rewards(address)", ["address"], [to_checksum_evm(evm_of(BOB))]))
    send(chain, ALICE, DISTR, calldata("setWithdrawAddress(address)", ["address"], [to_checksum_evm(evm_of(BOB))]))
    assert list(chain.view.iterate(rewards.STORE, b"w", b"x")) == list(native.view.iterate(rewards.STORE, b"w", b"x"))


def test_withdraw_multiple_pays_each_validator_and_logs_the_amounts(chain: Chain) -> None:
    before = chain.balance(ALICE)
    data = calldata("withdrawMultipleDelegationRewards(string[])", ["string[]"], [[VAL.valoper, VAL.valoper]])
    res = send(chain, ALICE, DISTR, data)
    assert res.code == 0, res.log
    assert chain.balance(ALICE) == before + OWED
    (log,) = res.evm.logs
    assert int.from_bytes(log.topics[0], "big") == MULTIPLE_REWARDS_WITHDRAWN_TOPIC
    assert decode(["string[]", "uint256[]"], log.data) == ((VAL.valoper, VAL.valoper), (OWED, 0))
    assert res.gas_used == intrinsic(data) + BASE_GAS + 2 * 100_000


def test_withdraw_from_a_bad_validator_reverts_with_the_reason_and_charges_the_method_gas(chain: Chain) -> None:
    distribution_before = dict(chain.view.snapshot().get("distribution", {}))
    before = chain.balance(ALICE)
    data = calldata("withdrawDelegationRewards(string)", ["string"], ["seivaloper1nope"])
    res = send(chain, ALICE, DISTR, data)
    assert res.code != 0
    reason = decode(["string"], res.data[4:])[0]
    assert reason.startswith("invalid validator address 'seivaloper1nope'")
    assert res.data == revert_data(reason)
    assert res.gas_used == intrinsic(data) + BASE_GAS + 100_000
    assert chain.balance(ALICE) == before
    assert dict(chain.view.snapshot().get("distribution", {})) == distribution_before


def test_withdraw_without_a_delegation_reverts(chain: Chain) -> None:
    res = send(chain, BOB, DISTR, calldata("withdrawDelegationRewards(string)", ["string"], [VAL.valoper]))
    assert res.code != 0 and res.data == revert_data("no delegation for (address, validator) tuple")


def test_set_withdraw_address_refuses_the_zero_address_and_module_accounts(chain: Chain) -> None:
    zero = send(chain, ALICE, DISTR, calldata("setWithdrawAddress(address)", ["address"], ["0x" + "00" * 20]))
    assert zero.code != 0 and zero.data == revert_data("invalid addr")
    pool = send(chain, ALICE, DISTR, calldata("setWithdrawAddress(address)", ["address"], [to_checksum_evm(FEE_COLLECTOR)]))
    assert pool.code != 0
    assert pool.data == revert_data(f"{to_bech32(FEE_COLLECTOR)} is not allowed to receive external funds")
    assert rewards.withdraw_address(chain.view, ALICE.address) == ALICE.address


def test_withdraw_validator_commission_has_nothing_outstanding(chain: Chain) -> None:
    operator = send(chain, VAL, DISTR, calldata("withdrawValidatorCommission()", [], []))
    assert operator.code != 0 and operator.data == revert_data("no validator commission to withdraw")
    stranger = send(chain, BOB, DISTR, calldata("withdrawValidatorCommission()", [], []))
    assert stranger.code != 0 and stranger.data == revert_data("validator does not exist")


def test_withdraw_is_refused_in_a_static_call(chain: Chain) -> None:
    data = calldata("withdrawDelegationRewards(string)", ["string"], [VAL.valoper])
    msg = SimpleNamespace(data_as_bytes=data, is_static=True, code_address=DISTR, storage_address=DISTR, value=0,
                          sender=evm_of(ALICE))
    charged: list[int] = []
    comp = SimpleNamespace(msg=msg, consume_gas=lambda amount, reason: charged.append(amount), output=b"")
    with pytest.raises(Revert):
        chain.precompiles[DISTR](comp)
    assert comp.output == revert_data("withdrawDelegationRewards cannot be called in a static call")
    assert charged == [BASE_GAS + 100_000]
