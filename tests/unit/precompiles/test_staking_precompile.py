"""The staking precompile's createValidator and validators/validator views through real EVM
txs and eth_call: a validator created from the EVM equals one created by a native
MsgCreateValidator; the views use Sei's struct layout and page by operator address."""

from __future__ import annotations

import pytest
from eth_abi import decode, encode
from eth_account import Account
from eth_hash.auto import keccak
from google.protobuf.any_pb2 import Any as AnyPb

from abci_app.modules.staking import state
from abci_app.modules.staking.precompile_backend import AppStakingBackend
from abci_app.modules.staking.records import BONDED
from evm_bridge.account_db import read_nonce
from evm_bridge.call import call
from evm_bridge.execute import execute_tx
from evm_bridge.precompiles.base import BASE_GAS, revert_data
from evm_bridge.precompiles.registry import precompile_table
from evm_bridge.precompiles.staking import (
    ADDRESS as STAKING,
)
from evm_bridge.precompiles.staking import (
    VALIDATOR_ABI,
    VALIDATOR_CREATED_TOPIC,
    VALIDATORS_ABI,
)
from evm_bridge.txs import decode_tx
from ledger.addresses import evm_address_from_pubkey, to_checksum_evm
from pysei_pb.cosmos.base.v1beta1.coin_pb2 import Coin
from pysei_pb.cosmos.crypto.ed25519 import keys_pb2
from pysei_pb.cosmos.staking.v1beta1 import staking_pb2, tx_pb2
from tests.unit.staking.conftest import ALICE, BOB, SELF, VAL, Chain, Key

WEI = 10**12
CREATE = "createValidator(string,string,string,string,string,uint256)"
CREATE_TYPES = ["string", "string", "string", "string", "string", "uint256"]
SELF_BOND = 5 * 10**6


def calldata(sig: str, types: list[str], args: list) -> bytes:
    return keccak(sig.encode())[:4] + encode(types, args)


def intrinsic(data: bytes) -> int:
    return 21_000 + sum(16 if b else 4 for b in data)


def send(chain: Chain, key: Key, to: bytes, data: bytes, value: int = 0):
    evm = evm_address_from_pubkey(key.pubkey)
    tx = {"type": 2, "chainId": 713714, "nonce": read_nonce(chain.view, evm), "gas": 900_000,
          "maxFeePerGas": 10**9, "maxPriorityFeePerGas": 0, "to": to_checksum_evm(to), "value": value, "data": data}
    raw = bytes(Account.sign_transaction(tx, key.priv).raw_transaction)
    return execute_tx(decode_tx(raw, 713714), chain.ctx, chain.view, chain.precompiles)


def view(chain: Chain, data: bytes):
    return call(chain.view, chain.ctx, chain.precompiles, None, STAKING, data)


@pytest.fixture
def chain() -> Chain:
    c = Chain()
    c.precompiles = precompile_table(m.precompiles for m in c.modules)  # type: ignore[attr-defined]
    return c


def create_args(key: Key, min_self: int = 1) -> list:
    return [key.cons_pubkey.hex(), "evm-made", "0.1", "0.2", "0.01", min_self]


def test_create_validator_equals_the_native_message(chain: Chain) -> None:
    send(chain, ALICE, STAKING, calldata("validators(string,bytes)", ["string", "bytes"], ["", b""]))  # links Alice
    res = send(chain, ALICE, STAKING, calldata(CREATE, CREATE_TYPES, create_args(ALICE)), value=SELF_BOND * WEI)
    assert res.code == 0, res.log
    assert decode(["bool"], res.data) == (True,)
    (log,) = res.evm.logs
    assert log.address == STAKING
    assert [int.from_bytes(t, "big") for t in log.topics] == [
        VALIDATOR_CREATED_TOPIC, int.from_bytes(evm_address_from_pubkey(ALICE.pubkey), "big")]
    assert decode(["string", "string"], log.data) == (ALICE.valoper, "evm-made")

    native = Chain()
    msg = tx_pb2.MsgCreateValidator(
        description=staking_pb2.Description(moniker="evm-made"),
        commission=staking_pb2.CommissionRates(rate="0.1", max_rate="0.2", max_change_rate="0.01"),
        min_self_delegation="1", validator_address=ALICE.valoper,
        pubkey=AnyPb(type_url="/cosmos.crypto.ed25519.PubKey",
                     value=keys_pb2.PubKey(key=ALICE.cons_pubkey).SerializeToString()),
        value=Coin(denom="usei", amount=str(SELF_BOND)),
    )
    assert native.tx(ALICE, msg).code == 0
    for store in ("staking", "distribution"):
        assert list(chain.view.iterate(store, None, None)) == list(native.view.iterate(store, None, None))
    assert [(u.pubkey, u.power) for u in chain.end()] == [(ALICE.cons_pubkey, 5)]


def test_create_validator_needs_an_associated_caller_and_charges_the_method_gas(chain: Chain) -> None:
    stranger = Key(b"\x44" * 32)
    data = calldata(CREATE, CREATE_TYPES, create_args(stranger))
    out = call(chain.view, chain.ctx, chain.precompiles, evm_address_from_pubkey(stranger.pubkey), STAKING, data)
    assert not out.success and out.gas_used == intrinsic(data) + BASE_GAS + 200_000
    assert out.output == revert_data(f"address {to_checksum_evm(evm_address_from_pubkey(stranger.pubkey))} is not associated")


@pytest.mark.parametrize(("args", "value", "reason"), [
    (["zz", "m", "0.1", "0.2", "0.01", 1], SELF_BOND * WEI, "invalid public key hex format"),
    (None, 0, "set `value` field to non-zero to send delegate fund"),
    ([None, "m", "0.1", "0.2", "0.01", 0], SELF_BOND * WEI, "minimum self delegation must be a positive integer: invalid request"),
    ([None, "m", "ten", "0.2", "0.01", 1], SELF_BOND * WEI, "invalid commission rate"),
    ([None, "m", "0.5", "0.2", "0.01", 1], SELF_BOND * WEI, "commission cannot be more than the max rate"),
    ([None, "m", "0.1", "0.2", "0.01", 1], WEI + 1, "self-delegation amount 1000000000001 wei is not a whole number of usei (10^12 wei)"),
])
def test_create_validator_rejects_bad_input_with_the_reason(chain: Chain, args, value: int, reason: str) -> None:
    send(chain, BOB, STAKING, calldata("validators(string,bytes)", ["string", "bytes"], ["", b""]))  # links Bob
    args = create_args(BOB) if args is None else [BOB.cons_pubkey.hex() if a is None else a for a in args]
    staking_before = list(chain.view.iterate("staking", None, None))
    data = calldata(CREATE, CREATE_TYPES, args)
    res = send(chain, BOB, STAKING, data, value=value)
    assert res.code != 0
    got = decode(["string"], res.data[4:])[0]
    assert got.startswith(reason), got
    assert res.gas_used == intrinsic(data) + BASE_GAS + 200_000
    assert list(chain.view.iterate("staking", None, None)) == staking_before


def test_validator_view_uses_sei_layout(chain: Chain) -> None:
    out = view(chain, calldata("validator(string)", ["string"], [VAL.valoper]))
    assert out.success, out.error
    (v,) = decode([VALIDATOR_ABI], out.output)
    assert v == (
        VAL.valoper, b"\x0a\x20" + VAL.cons_pubkey, False, BONDED, str(SELF), f"{SELF}.000000000000000000",
        'moniker: v0\nidentity: ""\nwebsite: ""\nsecurity_contact: ""\ndetails: ""\n', 0, 0,
        "0.100000000000000000", "0.200000000000000000", "0.010000000000000000", 0, "1",
    )


def test_validators_filters_by_status_and_pages(chain: Chain) -> None:
    for key in (ALICE, BOB):
        send(chain, key, STAKING, calldata("validators(string,bytes)", ["string", "bytes"], ["", b""]))
        assert send(chain, key, STAKING, calldata(CREATE, CREATE_TYPES, create_args(key)), value=SELF_BOND * WEI).code == 0
    every = sorted([VAL, ALICE, BOB], key=lambda k: k.address)

    def page(status: str, key: bytes = b"") -> tuple[list[str], bytes]:
        out = view(chain, calldata("validators(string,bytes)", ["string", "bytes"], [status, key]))
        assert out.success, out.error
        validators, next_key = decode([VALIDATORS_ABI], out.output)[0]
        return [v[0] for v in validators], next_key

    assert page("") == ([k.valoper for k in every], b"")
    assert page("BOND_STATUS_BONDED") == ([VAL.valoper], b"")
    assert page("BOND_STATUS_UNBONDED") == ([k.valoper for k in every if k != VAL], b"")
    assert page("", every[1].address) == ([k.valoper for k in every[1:]], b"")
    created = chain.ctx.time_ns // 10**9
    chain.end()
    assert page("BOND_STATUS_BONDED") == ([k.valoper for k in every], b"")
    assert state.validator(chain.view, ALICE.address).status == BONDED
    bad = view(chain, calldata("validators(string,bytes)", ["string", "bytes"], ["BONDED", b""]))
    assert not bad.success and bad.output == revert_data("invalid validator status BONDED")
    out = view(chain, calldata("validator(string)", ["string"], [ALICE.valoper]))
    (v,) = decode([VALIDATOR_ABI], out.output)
    assert (v[3], v[4], v[6], v[12]) == (BONDED, str(SELF_BOND), 'moniker: evm-made\nidentity: ""\nwebsite: ""\n'
                                        'security_contact: ""\ndetails: ""\n', created)


def test_validators_page_key_is_the_next_operator(chain: Chain) -> None:
    for key in (ALICE, BOB):
        send(chain, key, STAKING, calldata("validators(string,bytes)", ["string", "bytes"], ["", b""]))
        assert send(chain, key, STAKING, calldata(CREATE, CREATE_TYPES, create_args(key)), value=SELF_BOND * WEI).code == 0
    every = sorted([VAL, ALICE, BOB], key=lambda k: k.address)
    backend = AppStakingBackend()
    first, key = backend.validators(chain.view, "", b"", 2)
    assert ([v.operator for v in first], key) == ([k.valoper for k in every[:2]], every[2].address)
    rest, end = backend.validators(chain.view, "", key, 2)
    assert ([v.operator for v in rest], end) == ([every[2].valoper], b"")
