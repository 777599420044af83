"""execute_tx: transfers, contracts, reverts, invalid txs, money conservation, association."""

from __future__ import annotations

import pickle

import rlp
from eth_abi import encode
from eth_hash.auto import keccak

from evm_bridge.account_db import STORE, read_nonce, read_storage
from evm_bridge.blockhash import record_block_hash
from evm_bridge.receipts import logs_bloom
from evm_bridge.signer import address_of
from ledger import bank, codes
from ledger.accounts import associated_evm, associated_sei
from store.overlay import Overlay
from tests.unit.evm_bridge.conftest import ALICE, BASE_FEE, BOB, START, Chain, calldata

CAROL = bytes.fromhex("cc" * 20)


def total_wei(chain: Chain, *addrs: bytes) -> int:
    return sum(chain.balance(a) for a in addrs)


def test_value_transfer_moves_money_and_reports_fee(chain: Chain) -> None:
    alice = address_of(ALICE)
    r = chain.send(ALICE, CAROL, value=12345)
    assert r.code == 0 and r.gas_used == 21_000
    price = min(2 * BASE_FEE, BASE_FEE + BASE_FEE // 2)
    assert r.fee_wei == 21_000 * price
    assert r.evm.status == 1 and r.evm.effective_gas_price == price
    assert chain.balance(CAROL) == 12345
    assert chain.balance(alice) == START - 12345 - r.fee_wei
    assert read_nonce(chain.view, alice) == 1
    assert r.events[0].type == "evm" and ("tx_hash", "0x" + r.evm.tx_hash.hex()) in r.events[0].attributes
    # the fee collector / coinbase is never written by the tx
    assert chain.balance(chain.ctx.proposer) == 0


def test_sub_usei_remainders_conserve_every_wei(chain: Chain) -> None:
    alice = address_of(ALICE)
    before = total_wei(chain, alice, CAROL)
    fees = 0
    for value in (1, 10**12 - 1, 10**12 + 7, 3):
        r = chain.send(ALICE, CAROL, value=value)
        assert r.code == 0
        fees += r.fee_wei
    assert chain.balance(CAROL) == 1 + 10**12 - 1 + 10**12 + 7 + 3
    assert total_wei(chain, alice, CAROL) + fees == before
    carol_usei = bank.balance(chain.view, CAROL)
    assert carol_usei * 10**12 + int.from_bytes(chain.view.get("bank", b"w\x14" + CAROL) or b"", "big") == chain.balance(CAROL)


def test_deploy_call_storage_and_logs(chain: Chain, counter_code: bytes) -> None:
    alice = address_of(ALICE)
    r = chain.send(ALICE, None, data=counter_code, gas=500_000)
    assert r.code == 0, r.log
    addr = r.evm.contract_address
    assert addr == keccak(rlp.encode([alice, 0]))[12:]
    assert chain.view.get(STORE, b"c" + addr) is not None
    r = chain.send(ALICE, addr, data=calldata("increment()"))
    assert r.code == 0, r.log
    assert read_storage(chain.view, addr, 0) == 1
    (log,) = r.evm.logs
    assert log.address == addr
    assert log.topics == (keccak(b"Incremented(address,uint256)"), alice.rjust(32, b"\0"))
    assert log.data == encode(["uint256"], [1])
    assert r.evm.bloom == logs_bloom(r.evm.logs) and any(r.evm.bloom)
    assert chain.call(addr, calldata("count()"), ["uint256"]) == (1,)


def test_revert_consumes_gas_bumps_nonce_and_reverts_state(chain: Chain, counter_code: bytes) -> None:
    alice = address_of(ALICE)
    addr = chain.send(ALICE, None, data=counter_code, gas=500_000).evm.contract_address
    before = chain.balance(alice)
    r = chain.send(ALICE, addr, data=calldata("incrementThenRevert()"))
    assert r.code == codes.EVM_REVERTED and r.evm.status == 0 and r.evm.error == "execution reverted"
    assert b"no way" in r.evm.output and r.evm.logs == ()
    assert 21_000 < r.gas_used < 100_000 and r.fee_wei == r.gas_used * r.evm.effective_gas_price
    assert chain.balance(alice) == before - r.fee_wei
    assert read_storage(chain.view, addr, 0) == 0
    assert read_nonce(chain.view, alice) == 2


def test_out_of_gas_consumes_all_gas(chain: Chain, counter_code: bytes) -> None:
    addr = chain.send(ALICE, None, data=counter_code, gas=500_000).evm.contract_address
    r = chain.send(ALICE, addr, data=calldata("burnGas()"), gas=80_000)
    assert r.code == codes.EVM_REVERTED and r.evm.error == "out of gas" and r.gas_used == 80_000
    assert read_storage(chain.view, addr, 0) == 0


def test_invalid_txs_change_nothing(chain: Chain) -> None:
    chain.send(ALICE, CAROL, value=1)
    base = chain.view
    chain.view = Overlay(base)
    low = chain.run(chain.tx(ALICE, CAROL, value=1, nonce=0))
    assert low.code == codes.INVALID_SEQUENCE and low.log.startswith("nonce too low: address 0x")
    high = chain.run(chain.tx(ALICE, CAROL, value=1, nonce=5))
    assert high.code == codes.INVALID_SEQUENCE and "nonce too high" in high.log
    poor = chain.run(chain.tx(ALICE, CAROL, value=START * 2))
    assert poor.code == codes.INSUFFICIENT_FUNDS
    assert poor.log.startswith("insufficient funds for gas * price + value: address 0x")
    cheap = chain.run(chain.tx(ALICE, CAROL, fee=BASE_FEE - 1))
    assert "max fee per gas less than block base fee" in cheap.log
    for r in (low, high, poor, cheap):
        assert r.evm is None and r.gas_used == 0 and r.fee_wei == 0
    assert chain.view.writes() == {}


def test_first_tx_associates_signer_and_merges_balances(chain: Chain) -> None:
    bob = address_of(BOB)
    tx = chain.tx(BOB, CAROL, value=5)
    assert associated_sei(chain.view, bob) is None
    bank.add(chain.view, tx.sender_sei, "usei", 7)  # a native send to bob's sei1 address
    r = chain.run(tx)
    assert r.code == 0
    assert associated_sei(chain.view, bob) == tx.sender_sei and associated_evm(chain.view, tx.sender_sei) == bob
    assert bank.wei_balance(chain.view, bob) == 0  # the direct-cast balance moved
    assert chain.balance(bob) == START + 7 * 10**12 - 5 - r.fee_wei
    bank.add(chain.view, tx.sender_sei, "usei", 1)  # later native sends show in the EVM
    assert chain.balance(bob) == START + 8 * 10**12 - 5 - r.fee_wei


def test_block_context_and_blockhash(chain: Chain, counter_code: bytes) -> None:
    addr = chain.send(ALICE, None, data=counter_code, gas=500_000).evm.contract_address
    number, time, chain_id, miner, fee = chain.call(
        addr, calldata("blockInfo()"), ["uint256", "uint256", "uint256", "address", "uint256"]
    )
    assert (number, time, chain_id, fee) == (10, 1_700_000_000, 713714, BASE_FEE)
    assert bytes.fromhex(miner[2:]) == chain.ctx.proposer
    assert chain.call(addr, calldata("previousHash()"), ["bytes32"]) == (b"\0" * 32,)
    record_block_hash(chain.view, 9, b"\x09" * 32)
    assert chain.call(addr, calldata("previousHash()"), ["bytes32"]) == (b"\x09" * 32,)


def test_results_are_picklable(chain: Chain) -> None:
    tx = chain.tx(ALICE, CAROL, value=1)
    r = chain.run(tx)
    assert pickle.loads(pickle.dumps(tx)) == tx
    assert pickle.loads(pickle.dumps(r)) == r
