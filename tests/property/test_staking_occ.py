"""Blocks mixing staking- and distribution-precompile calls (delegations, reward withdrawals,
withdraw addresses), native staking messages and transfers give the
same results and change sets at 1 and 4 OCC workers as in serial order, and supply is
conserved every block (balances, pools, rewards and fees all live in bank balances)."""

from __future__ import annotations

from dataclasses import replace

from eth_abi import decode, encode
from eth_account import Account
from eth_hash.auto import keccak
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from abci_app.application.blockexec import execute_block
from abci_app.application.runner import AppTaskRunner, BlockTask
from abci_app.application.txcodec import COSMOS, EVM, Decoded
from abci_app.cosmos_tx.builder import build_and_sign
from abci_app.cosmos_tx.decode import decode_cosmos_tx
from abci_app.modules.loader import load_modules
from abci_app.modules.staking import state
from abci_app.modules.staking.records import BONDED
from evm_bridge.precompiles.bank import ADDRESS as BANK
from evm_bridge.precompiles.distribution import ADDRESS as DISTRIBUTION
from evm_bridge.precompiles.staking import ADDRESS as STAKING
from evm_bridge.txs import decode_tx
from ledger import bank
from ledger.addresses import BONDED_POOL, NOT_BONDED_POOL, evm_address_from_pubkey, to_checksum_evm
from occ.executors import InProcessExecutor, SerialExecutor
from occ.scheduler import OccScheduler
from pysei_pb.cosmos.bank.v1beta1.tx_pb2 import MsgSend
from pysei_pb.cosmos.base.v1beta1.coin_pb2 import Coin
from pysei_pb.cosmos.staking.v1beta1 import tx_pb2
from tests.unit.staking.conftest import CHAIN_ID, MODULES, NO_INFO, VAL, Chain, Key

USERS = (VAL, Key(b"\x22" * 32), Key(b"\x33" * 32))
WEI = 10**12
KINDS = ["send", "delegate", "undelegate", "evm_delegate", "evm_balance", "evm_send", "evm_withdraw",
         "evm_withdraw_many", "evm_set_withdraw"]
OP = st.tuples(st.sampled_from(KINDS),
               st.integers(0, len(USERS) - 1), st.integers(0, len(USERS) - 1), st.integers(1, 3 * 10**6))


def _evm(user: Key, nonce: int, to: bytes, data: bytes = b"", value: int = 0) -> Decoded:
    tx = {"type": 2, "chainId": 713714, "nonce": nonce, "gas": 400_000, "maxFeePerGas": 10**9,
          "maxPriorityFeePerGas": 0, "to": to_checksum_evm(to), "value": value, "data": data}
    raw = bytes(Account.sign_transaction(tx, user.priv).raw_transaction)
    return Decoded(EVM, decode_tx(raw, 713714), keccak(raw))


class Txs:
    """Signs each user's txs in order (native sequence and EVM nonce tracked apart)."""

    def __init__(self, chain: Chain) -> None:
        self.chain, self.seq, self.nonce = chain, [0] * len(USERS), [0] * len(USERS)
        self.numbers = [chain.view.get("acc", b"a" + bytes([20]) + u.address) for u in USERS]
        self.handlers = chain.handlers

    def native(self, i: int, msg: object) -> Decoded:
        number = int.from_bytes(self.numbers[i][:8], "big")
        raw = build_and_sign(USERS[i].priv, [msg], CHAIN_ID, number, self.seq[i], 4_000, 400_000)
        self.seq[i] += 1
        return Decoded(COSMOS, decode_cosmos_tx(raw, 1 << 20, self.handlers), keccak(raw))

    def evm(self, i: int, to: bytes, data: bytes = b"", value: int = 0) -> Decoded:
        d = _evm(USERS[i], self.nonce[i], to, data, value)
        self.nonce[i] += 1
        return d

    def of(self, op: tuple[str, int, int, int]) -> Decoded:
        kind, i, j, amount = op
        u, other = USERS[i], USERS[j]
        coin = Coin(denom="usei", amount=str(amount))
        if kind == "send":
            return self.native(i, MsgSend(from_address=u.bech32, to_address=other.bech32, amount=[coin]))
        if kind == "delegate":
            return self.native(i, tx_pb2.MsgDelegate(delegator_address=u.bech32, validator_address=VAL.valoper, amount=coin))
        if kind == "undelegate":
            return self.native(i, tx_pb2.MsgUndelegate(delegator_address=u.bech32, validator_address=VAL.valoper, amount=coin))
        if kind == "evm_delegate":
            data = keccak(b"delegate(string)")[:4] + encode(["string"], [VAL.valoper])
            return self.evm(i, STAKING, data, amount * WEI)
        if kind == "evm_withdraw":
            data = keccak(b"withdrawDelegationRewards(string)")[:4] + encode(["string"], [VAL.valoper])
            return self.evm(i, DISTRIBUTION, data)
        if kind == "evm_withdraw_many":
            data = keccak(b"withdrawMultipleDelegationRewards(string[])")[:4] + encode(["string[]"], [[VAL.valoper]])
            return self.evm(i, DISTRIBUTION, data)
        if kind == "evm_set_withdraw":
            target = to_checksum_evm(evm_address_from_pubkey(other.pubkey))
            return self.evm(i, DISTRIBUTION, keccak(b"setWithdrawAddress(address)")[:4] + encode(["address"], [target]))
        if kind == "evm_balance":
            evm = evm_address_from_pubkey(other.pubkey)
            data = keccak(b"balance(address,string)")[:4] + encode(["address", "string"], [to_checksum_evm(evm), "usei"])
            return self.evm(i, BANK, data)
        return self.evm(i, evm_address_from_pubkey(other.pubkey), b"", amount * WEI)


def _apply(view, changeset) -> None:
    for store, pairs in changeset.changes.items():
        for k, v in pairs:
            if v is None:
                view.delete(store, k)
            else:
                view.set(store, k, v)


def _conserved(chain: Chain, supply: int) -> None:
    total_wei = 0
    for key, value in chain.view.iterate("bank", None, None):
        if key[:1] == b"b" and key.endswith(b"usei"):
            total_wei += int.from_bytes(value, "big") * WEI
        elif key[:1] == b"w":
            total_wei += int.from_bytes(value, "big")
    assert total_wei == supply * WEI == bank.supply(chain.view, "usei") * WEI
    vals = list(state.validators(chain.view))
    bonded = sum(v.tokens for v in vals if v.status == BONDED)
    waiting = sum(a for _, _, _, a in state.unbondings(chain.view))
    assert bank.balance(chain.view, BONDED_POOL) == bonded
    assert bank.balance(chain.view, NOT_BONDED_POOL) == waiting + sum(v.tokens for v in vals if v.status != BONDED)


def _run(blocks: list) -> list:
    """Run ``blocks`` serially and at 1 and 4 workers, checking they agree and conserve
    supply after every block; returns the serial results of every block."""
    chains = {name: Chain(MODULES) for name in ("serial", "occ1", "occ4")}
    supply = bank.supply(chains["serial"].view, "usei")
    schedulers = {"serial": SerialExecutor(), "occ1": OccScheduler(InProcessExecutor(1)),
                  "occ4": OccScheduler(InProcessExecutor(4))}
    modules = load_modules(MODULES)
    runner = AppTaskRunner(MODULES, CHAIN_ID)
    signers = {name: Txs(c) for name, c in chains.items()}
    serial = []
    for height, ops in enumerate(blocks, start=2):
        outcomes = {}
        for name, chain in chains.items():
            tasks = [BlockTask(signers[name].of(op)) for op in ops]
            ctx = replace(chain.ctx, height=height)
            out = execute_block(tasks, ctx, chain.view, height - 1, schedulers[name], runner, modules, NO_INFO)
            _apply(chain.view, out.changeset)
            chain.ctx = replace(ctx, time_ns=ctx.time_ns + 10**9)
            outcomes[name] = out
            _conserved(chain, supply)
        ref = outcomes["serial"]
        for name in ("occ1", "occ4"):
            assert outcomes[name].results == ref.results
            assert outcomes[name].changeset == ref.changeset
            assert outcomes[name].validator_updates == ref.validator_updates
        serial.append(ref.results)
    return serial


@settings(max_examples=6, deadline=None, suppress_health_check=list(HealthCheck))
@given(st.lists(st.lists(OP, min_size=1, max_size=10), min_size=1, max_size=3))
def test_blocks_agree_at_1_and_4_workers_and_conserve_supply(blocks: list) -> None:
    _run(blocks)


def test_precompile_withdrawals_racing_transfers_pay_rewards_and_agree() -> None:
    """Delegations in block 2 earn block 2's fees; block 3's withdrawals (one to a withdraw
    address set in the same block) pay them while transfers touch the same accounts."""
    blocks = [
        [("evm_delegate", 1, 0, 4 * 10**12), ("evm_delegate", 2, 0, 2 * 10**12), ("send", 0, 1, 5)],
        [("evm_set_withdraw", 1, 2, 1), ("evm_withdraw", 1, 0, 1), ("evm_withdraw_many", 2, 0, 1),
         ("evm_send", 2, 1, 7), ("send", 1, 2, 3)],
    ]
    results = _run(blocks)
    assert all(r.code == 0 for r in results[1]), [r.log for r in results[1]]
    (paid,) = decode(["string", "uint256"], results[1][1].evm.logs[0].data)[1:]
    (paid_many,) = decode(["string[]", "uint256[]"], results[1][2].evm.logs[0].data)[1]
    assert paid > 0 and paid_many > 0
