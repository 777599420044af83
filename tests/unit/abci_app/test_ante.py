"""abci_app.cosmos_tx.ante and abci_app.cosmos_tx.execute: each rejection has its own code and changes nothing;
a send moves the amount and the fee is debited and returned, never credited in the view."""

from __future__ import annotations

import dataclasses

import pytest

from abci_app.cosmos_tx import builder
from abci_app.cosmos_tx.ante import gas_needed
from abci_app.cosmos_tx.decode import decode_cosmos_tx
from abci_app.cosmos_tx.execute import execute_cosmos_tx
from abci_app.modules import bank
from ledger import accounts, codes
from ledger import bank as ledger_bank
from ledger.addresses import FEE_COLLECTOR, evm_address_from_pubkey, to_bech32
from pysei_pb.cosmos.bank.v1beta1 import tx_pb2 as bank_tx
from pysei_pb.cosmos.base.abci.v1beta1 import abci_pb2
from pysei_pb.cosmos.base.v1beta1 import coin_pb2

FEE = 2000
GAS = 200_000


def send(chain, amount: int = 1000, *, key=None, to=None, **kw) -> bytes:
    key = key or chain.alice
    msg = bank_tx.MsgSend(
        from_address=key.bech32,
        to_address=to or chain.bob.bech32,
        amount=[coin_pb2.Coin(denom="usei", amount=str(amount))],
    )
    args = dict(chain_id=chain.ctx.chain_id, account_number=0, sequence=0, fee_amount=FEE, gas_limit=GAS)
    args.update(kw)
    return builder.build_and_sign(key.priv, [(bank.SEND, msg)], **args)


def run(chain, raw: bytes, ctx=None, **kw):
    tx = decode_cosmos_tx(raw, 1 << 20, chain.handlers)
    return execute_cosmos_tx(tx, ctx or chain.ctx, chain.view, chain.handlers, **kw)


def test_send_moves_amount_and_returns_the_fee(chain) -> None:
    result = run(chain, send(chain, 1000))
    assert result.code == codes.OK, result.log
    assert ledger_bank.balance(chain.view, chain.bob.address) == 1000
    assert ledger_bank.balance(chain.view, chain.alice.address) == 10_000_000 - 1000 - FEE
    assert ledger_bank.wei_balance(chain.view, FEE_COLLECTOR) == 0  # credited by the app at end of block
    assert result.fee_wei == FEE * 10**12
    assert result.gas_wanted == GAS and 0 < result.gas_used <= GAS
    alice = accounts.get_account(chain.view, chain.alice.address)
    assert alice is not None and alice.sequence == 1 and alice.pubkey == chain.alice.pubkey
    assert accounts.associated_evm(chain.view, chain.alice.address) == evm_address_from_pubkey(
        chain.alice.pubkey
    )
    bob = accounts.get_account(chain.view, chain.bob.address)
    assert bob is not None and bob.number == 1
    types = [e.type for e in result.events]
    assert types.count("tx") == 3 and "coin_spent" in types and "coin_received" in types
    transfer = next(e for e in result.events if e.type == "transfer")
    assert dict(transfer.attributes) == {
        "recipient": chain.bob.bech32,
        "sender": chain.alice.bech32,
        "amount": "1000usei",
    }
    message = next(e for e in result.events if e.type == "message")
    assert dict(message.attributes)["action"] == bank.SEND and dict(message.attributes)["module"] == "bank"
    data = abci_pb2.TxMsgData.FromString(result.data)
    assert [a.type_url for a in data.msg_responses] == [bank.SEND + "Response"]
    # the next tx needs the next sequence
    assert run(chain, send(chain, 1, sequence=1)).code == codes.OK


REJECTIONS = [
    (
        "wrong chain id, with extension",
        dict(chain_id="other-chain"),
        codes.INVALID_CHAIN_ID,
        "invalid chain-id",
    ),
    (
        "wrong chain id, plain Cosmos tx",
        dict(chain_id="other-chain", with_chain_id=False),
        codes.UNAUTHORIZED,
        "signature verification failed",
    ),
    ("wrong account number", dict(account_number=3), codes.UNAUTHORIZED, "account number (0)"),
    ("wrong sequence", dict(sequence=4), codes.INVALID_SEQUENCE, "expected 0, got 4"),
    ("fee below min gas price", dict(fee_amount=100), codes.INSUFFICIENT_FEE, "required: 2000usei"),
    ("fee in another denom", dict(fee_amount=(("uatom", 5000),)), codes.INSUFFICIENT_FEE, "insufficient fee"),
    ("fee above balance", dict(fee_amount=20_000_000), codes.INSUFFICIENT_FUNDS, "insufficient funds to pay"),
    ("gas limit below need", dict(gas_limit=1000), codes.OUT_OF_GAS, "out of gas"),
    (
        "gas limit above block's",
        dict(gas_limit=200_000_000),
        codes.INVALID_GAS_LIMIT,
        "exceeds block gas limit",
    ),
    ("timed out", dict(timeout_height=4), codes.INVALID_REQUEST, "timeout height"),
]


@pytest.mark.parametrize("what,kw,code,text", REJECTIONS, ids=[r[0] for r in REJECTIONS])
def test_ante_rejections_have_their_own_code_and_change_nothing(chain, what, kw, code, text) -> None:
    ctx = dataclasses.replace(chain.ctx, min_gas_price_usei=10_000)  # 0.01 usei per gas
    before = chain.view.snapshot()
    result = run(chain, send(chain, **kw), ctx)
    assert result.code == code and text in result.log, result.log
    assert result.fee_wei == 0
    assert chain.view.snapshot() == before


def test_unknown_account_is_not_found(chain) -> None:
    result = run(chain, send(chain, key=chain.bob, to=chain.alice.bech32))
    assert result.code == codes.NOT_FOUND and f"account {chain.bob.bech32} not found" in result.log


def test_failed_message_keeps_fee_and_sequence_only(chain) -> None:
    result = run(chain, send(chain, 10_000_000))
    assert result.code == codes.INSUFFICIENT_FUNDS and "message index: 0" in result.log, result.log
    assert result.fee_wei == FEE * 10**12
    assert ledger_bank.balance(chain.view, chain.alice.address) == 10_000_000 - FEE
    assert ledger_bank.balance(chain.view, chain.bob.address) == 0
    assert accounts.get_account(chain.view, chain.alice.address).sequence == 1
    assert accounts.get_account(chain.view, chain.bob.address) is None


def test_send_to_module_account_is_refused(chain) -> None:

    result = run(chain, send(chain, to=to_bech32(FEE_COLLECTOR)))
    assert result.code == codes.UNAUTHORIZED and "not allowed to receive funds" in result.log


def test_local_min_gas_price_applies_in_check_only(chain) -> None:
    raw = send(chain, fee_amount=100)
    checked = run(chain, raw, check_only=True, min_gas_price="0.01")
    assert checked.code == codes.INSUFFICIENT_FEE and "required: 2000usei" in checked.log
    assert run(chain, raw, min_gas_price="0.01").code == codes.OK  # FinalizeBlock: chain minimum only


def test_verified_account_skips_the_signature_check(chain) -> None:
    tx = decode_cosmos_tx(send(chain), 1 << 20, chain.handlers)
    forged = dataclasses.replace(tx, signature=bytes(64))
    assert execute_cosmos_tx(forged, chain.ctx, chain.view, chain.handlers).code == codes.UNAUTHORIZED
    wrong = execute_cosmos_tx(forged, chain.ctx, chain.view, chain.handlers, verified_account=9)
    assert wrong.code == codes.UNAUTHORIZED
    assert execute_cosmos_tx(forged, chain.ctx, chain.view, chain.handlers, verified_account=0).code == codes.OK


def test_gas_is_deterministic_and_static(chain) -> None:
    tx = decode_cosmos_tx(send(chain), 1 << 20, chain.handlers)
    assert run(chain, send(chain)).gas_used == gas_needed(tx)
