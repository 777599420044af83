"""Association made explicit: the addr precompile's ``associate`` (paid by a relayer) and
a key's first native tx move the coins held at the EVM address's direct cast to the Sei
account; once linked, sends to the cast are refused (native MsgSend and sendNative)."""

from __future__ import annotations

import pytest
from coincurve import PrivateKey
from eth_abi import encode
from eth_account import Account
from eth_hash.auto import keccak

from evm_bridge.account_db import read_nonce
from evm_bridge.execute import execute_tx
from evm_bridge.precompiles.addr import ADDRESS as ADDR
from evm_bridge.precompiles.bank import ADDRESS as BANK
from evm_bridge.precompiles.base import revert_data
from evm_bridge.precompiles.registry import precompile_table
from evm_bridge.txs import decode_tx
from ledger import accounts, bank, codes
from ledger.addresses import evm_address_from_pubkey, to_bech32, to_checksum_evm
from pysei_pb.cosmos.bank.v1beta1 import tx_pb2
from pysei_pb.cosmos.base.v1beta1 import coin_pb2
from tests.support.oracle import Key
from tests.unit.staking.conftest import ALICE, BOB, Chain

WEI = 10**12
CAROL = Key(b"\x44" * 32)  # no account, never signed: coins reach her only at the cast
CAST_WEI = 7 * WEI + 5


def evm_of(key: Key) -> bytes:
    return evm_address_from_pubkey(key.pubkey)


@pytest.fixture
def chain() -> Chain:
    c = Chain()
    accounts.associate(c.view, ALICE.address, evm_of(ALICE))
    cast = evm_of(CAROL)
    bank.set_wei_balance(c.view, cast, CAST_WEI)
    bank.mint(c.view, cast, "ufoo", 50)
    bank.set_supply(c.view, "usei", bank.supply(c.view, "usei") + 7)
    return c


def evm_send(chain: Chain, key: Key, to: bytes, data: bytes, value: int = 0):
    tx = {"type": 2, "chainId": 713714, "nonce": read_nonce(chain.view, evm_of(key)), "gas": 500_000,
          "maxFeePerGas": 10**9, "maxPriorityFeePerGas": 0, "to": to_checksum_evm(to), "value": value, "data": data}
    return execute_tx(decode_tx(bytes(Account.sign_transaction(tx, key.priv).raw_transaction), 713714),
                      chain.ctx, chain.view, precompile_table())


def associate_call(key: Key, message: str = "link me") -> bytes:
    digest = keccak(f"\x19Ethereum Signed Message:\n{len(message)}".encode() + message.encode())
    sig = PrivateKey(key.priv).sign_recoverable(digest, hasher=None)
    args = [hex(27 + sig[64]), "0x" + sig[:32].hex(), "0x" + sig[32:64].hex(), message]
    return keccak(b"associate(string,string,string,string)")[:4] + encode(["string"] * 4, args)


def test_relayed_associate_links_and_moves_every_cast_coin(chain: Chain) -> None:
    res = evm_send(chain, ALICE, ADDR, associate_call(CAROL))
    assert res.code == 0, res.log
    cast = evm_of(CAROL)
    assert accounts.associated_sei(chain.view, cast) == CAROL.address
    assert accounts.associated_evm(chain.view, CAROL.address) == cast
    assert bank.wei_balance(chain.view, CAROL.address) == CAST_WEI
    assert bank.balance(chain.view, CAROL.address, "ufoo") == 50
    assert bank.wei_balance(chain.view, cast) == 0 and bank.balance(chain.view, cast, "ufoo") == 0
    assert bank.supply(chain.view, "ufoo") == 50


def test_a_reverted_associate_moves_nothing(chain: Chain) -> None:
    evm_send(chain, ALICE, ADDR, associate_call(CAROL))
    res = evm_send(chain, ALICE, ADDR, associate_call(CAROL, "again"))
    assert res.code != 0 and res.data == revert_data(f"address {CAROL.bech32} is already associated")
    assert bank.wei_balance(chain.view, CAROL.address) == CAST_WEI


def test_native_send_to_the_cast_of_a_linked_account_is_refused(chain: Chain) -> None:
    evm_send(chain, ALICE, ADDR, associate_call(CAROL))
    cast_text = to_bech32(evm_of(CAROL))
    msg = tx_pb2.MsgSend(from_address=BOB.bech32, to_address=cast_text, amount=[coin_pb2.Coin(denom="usei", amount="9")])
    res = chain.tx(BOB, msg)
    assert res.code == codes.INVALID_RECIPIENT
    assert res.log == (f"failed to execute message; message index: 0: {cast_text} is the cast address of an "
                       "associated account: invalid bank recipient")
    assert bank.balance(chain.view, evm_of(CAROL)) == 0


def test_native_send_to_an_unlinked_cast_is_held_there(chain: Chain) -> None:
    cast_text = to_bech32(evm_of(CAROL))
    msg = tx_pb2.MsgSend(from_address=BOB.bech32, to_address=cast_text, amount=[coin_pb2.Coin(denom="usei", amount="9")])
    assert chain.tx(BOB, msg).code == 0
    assert bank.wei_balance(chain.view, evm_of(CAROL)) == CAST_WEI + 9 * WEI


def test_send_native_to_the_cast_of_a_linked_account_reverts(chain: Chain) -> None:
    evm_send(chain, ALICE, ADDR, associate_call(CAROL))
    cast_text = to_bech32(evm_of(CAROL))
    data = keccak(b"sendNative(string)")[:4] + encode(["string"], [cast_text])
    res = evm_send(chain, ALICE, BANK, data, value=WEI)
    assert res.code != 0
    assert res.data == revert_data(f"{cast_text} is the cast address of an associated account: invalid bank recipient")


def test_first_native_tx_links_and_moves_the_cast_coins(chain: Chain) -> None:
    bank.add(chain.view, CAROL.address, "usei", 10_000)
    accounts.create_account(chain.view, CAROL.address)
    msg = tx_pb2.MsgSend(from_address=CAROL.bech32, to_address=BOB.bech32, amount=[coin_pb2.Coin(denom="usei", amount="1")])
    res = chain.tx(CAROL, msg)
    assert res.code == 0, res.log
    assert accounts.associated_evm(chain.view, CAROL.address) == evm_of(CAROL)
    assert bank.wei_balance(chain.view, CAROL.address) == (10_000 - 1 - 2_000) * WEI + CAST_WEI
    assert bank.balance(chain.view, CAROL.address, "ufoo") == 50
    assert bank.wei_balance(chain.view, evm_of(CAROL)) == 0
