"""The wasmd precompile from Solidity (``tests/contracts/WasmUser.sol``, solc from npm) on an
in-process chain: a cw20 transfer and a balance query in one EVM tx, funds from
``msg.value``, batches, instantiate, reverts that undo the contract's writes, the
STATICCALL/DELEGATECALL guard, and a contract's ``BankMsg::Send`` seen as an EVM balance."""

from __future__ import annotations

import json

import pytest
from eth._utils.address import generate_contract_address
from eth_abi import decode, encode
from eth_utils import function_signature_to_4byte_selector as selector

from evm_bridge.account_db import read_balance
from evm_bridge.precompiles.wasmd import ADDRESS as WASMD
from ledger.addresses import to_bech32
from tests.support.chain import InProcessChain, make_keys
from tests.support.cw import build_contract
from tests.unit.wasm_bridge.chaintxs import WASM_MODULES, Signer, compile_with_interfaces, event_attr, smart

WEI = 10**12
ALICE, BOB, CAROL = 0, 1, 2


def _abi(sig: str, *args: object) -> bytes:
    types = sig[sig.index("(") + 1 : -1]
    return selector(sig) + encode(_split(types), list(args))


def _split(types: str) -> list[str]:
    out, depth, cur = [], 0, ""
    for ch in types:
        if ch == "," and depth == 0:
            out.append(cur)
            cur = ""
            continue
        depth += ch == "("
        depth -= ch == ")"
        cur += ch
    return [*out, cur] if cur else out


def _j(value: dict) -> bytes:
    return json.dumps(value).encode()


class World:
    """cw20 (the user contract holds 1,000) and cw1-whitelist (admins: alice and the user
    contract) beside WasmUser."""

    def __init__(self, folder) -> None:
        self.keys = make_keys(3, seed="wasmd")
        self.chain = InProcessChain(folder / "chain", self.keys, workers=1, modules=WASM_MODULES)
        self.chain.init_chain()
        self.s = Signer(self.keys)
        _, bytecode = compile_with_interfaces("WasmUser", folder)
        cw20, cw1 = (build_contract(n, "2.0.0").read_bytes() for n in ("cw20-base", "cw1-whitelist"))
        alice = self.keys[ALICE]
        self.user = generate_contract_address(alice.evm, 0)
        self.user_sei = to_bech32(self.user)
        r = self.block(self.s.evm(ALICE, None, bytecode, gas=3_000_000), self.s.store(ALICE, cw20),
                       self.s.store(ALICE, cw1))
        self.cw20_id = int(event_attr(r[1], "store_code", "code_id"))
        cw1_id = int(event_attr(r[2], "store_code", "code_id"))
        init = {"name": "Token", "symbol": "TOK", "decimals": 6,
                "initial_balances": [{"address": self.user_sei, "amount": "1000"},
                                     {"address": alice.bech32, "amount": "1000"}]}
        r = self.block(self.s.instantiate(ALICE, self.cw20_id, init),
                       self.s.instantiate(ALICE, cw1_id, {"admins": [alice.bech32, self.user_sei], "mutable": False}, label="cw1"))
        self.token = event_attr(r[0], "instantiate", "_contract_address")
        self.cw1 = event_attr(r[1], "instantiate", "_contract_address")

    def block(self, *txs: bytes) -> list:
        return list(self.chain.block(txs).tx_results)

    def call(self, sig: str, *args: object, value: int = 0, who: int = ALICE, to: bytes | None = None):
        (r,) = self.block(self.s.evm(who, to or self.user, _abi(sig, *args), value=value, gas=2_000_000))
        return r

    def balance(self, who: str) -> int:
        return int(smart(self.chain, self.token, {"balance": {"address": who}})["balance"])

    def view(self):
        return self.chain.db.read_view(self.chain.db.last_height())


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    w = World(tmp_path_factory.mktemp("wasmd"))
    yield w
    w.chain.close()


def test_transfer_and_query_in_one_evm_tx(world: World) -> None:
    bob = world.keys[BOB].bech32
    r = world.call("executeAndQuery(string,bytes,bytes)", world.token,
                   _j({"transfer": {"recipient": bob, "amount": "30"}}), _j({"balance": {"address": world.user_sei}}))
    assert r.code == 0, r.log
    assert json.loads(decode(["bytes"], r.data)[0]) == {"balance": "970"}
    assert world.balance(bob) == 30 and world.balance(world.user_sei) == 970
    # the EVM gas includes the contract's Wasm gas (well above the precompile's flat cost)
    assert int(event_attr(r, "evm", "gas_used")) > 100_000


def test_contract_error_reverts_with_its_text(world: World) -> None:
    before = world.balance(world.user_sei)
    r = world.call("executeAndQuery(string,bytes,bytes)", world.token,
                   _j({"transfer": {"recipient": world.keys[BOB].bech32, "amount": "999999"}}), _j({}))
    assert r.code != 0 and b"Cannot Sub" in r.data
    assert world.balance(world.user_sei) == before


def test_enclosing_revert_undoes_the_transfer(world: World) -> None:
    carol = world.keys[CAROL].bech32
    before = world.balance(world.user_sei)
    transfer = _j({"transfer": {"recipient": carol, "amount": "7"}})
    r = world.call("tryExecuteThenRevert(string,bytes)", world.token, transfer)
    assert r.code == 0 and decode(["bool"], r.data) == (False,)
    r2 = world.call("executeThenRevert(string,bytes)", world.token, transfer)
    assert r2.code != 0
    assert world.balance(carol) == 0 and world.balance(world.user_sei) == before


def test_static_and_delegate_calls_cannot_execute(world: World) -> None:
    transfer = _j({"transfer": {"recipient": world.keys[CAROL].bech32, "amount": "1"}})
    r = world.call("staticExecute(string,bytes)", world.token, transfer)
    assert r.code == 0 and decode(["bool"], r.data) == (False,)
    r = world.call("delegateExecute(string,bytes)", world.token, transfer)
    assert r.code == 0 and decode(["bool"], r.data) == (False,)
    assert world.balance(world.keys[CAROL].bech32) == 0
    r = world.call("query(string,bytes)", world.token, _j({"token_info": {}}))
    assert json.loads(decode(["bytes"], r.data)[0])["symbol"] == "TOK"


def test_batch_and_instantiate(world: World) -> None:
    bob, carol = world.keys[BOB].bech32, world.keys[CAROL].bech32
    before = world.balance(bob), world.balance(carol)
    msgs = [(world.token, _j({"transfer": {"recipient": bob, "amount": "2"}}), b""),
            (world.token, _j({"transfer": {"recipient": carol, "amount": "3"}}), b"")]
    r = world.call("batch((string,bytes,bytes)[])", msgs)
    assert r.code == 0, r.data
    assert (world.balance(bob), world.balance(carol)) == (before[0] + 2, before[1] + 3)
    init = {"name": "Second", "symbol": "TWO", "decimals": 0, "initial_balances": []}
    r = world.call("instantiate(uint64,bytes,string)", world.cw20_id, _j(init), "two")
    assert r.code == 0, r.log
    address, _ = decode(["string", "bytes"], r.data)
    assert smart(world.chain, address, {"token_info": {}})["symbol"] == "TWO"


def test_msg_value_pays_a_contract_whose_bank_send_shows_as_evm_balance(world: World) -> None:
    """Alice (EOA) calls the precompile directly: 5 usei from msg.value reach cw1-whitelist,
    which sends 3 usei to carol by ``BankMsg::Send``; carol's EVM balance shows them."""
    carol = world.keys[CAROL]
    before = read_balance(world.view(), carol.evm)
    send = {"bank": {"send": {"to_address": carol.bech32, "amount": [{"denom": "usei", "amount": "3"}]}}}
    coins = _j([{"denom": "usei", "amount": "5"}])
    data = _abi("execute(string,bytes,bytes)", world.cw1, _j({"execute": {"msgs": [send]}}), coins)
    (r,) = world.block(world.s.evm(ALICE, WASMD, data, value=5 * WEI, gas=2_000_000))
    assert r.code == 0, r.log
    assert read_balance(world.view(), carol.evm) == before + 3 * WEI
    # msg.value must match the usei in coins
    (bad,) = world.block(world.s.evm(ALICE, WASMD, data, value=4 * WEI, gas=2_000_000))
    assert bad.code != 0 and b"coin amount must equal value" in bad.data
    # and through the user contract, forwarding its msg.value
    r = world.call("executeWithValue(string,bytes,bytes)", world.cw1, _j({"execute": {"msgs": [send]}}), coins,
                   value=5 * WEI)
    assert r.code == 0, r.data
    assert read_balance(world.view(), carol.evm) == before + 6 * WEI
    assert read_balance(world.view(), WASMD) == 0  # the value passed through the precompile


def test_native_bank_send_from_a_contract_shows_as_evm_balance(world: World) -> None:
    bob = world.keys[BOB]
    before = read_balance(world.view(), bob.evm)
    send = {"bank": {"send": {"to_address": bob.bech32, "amount": [{"denom": "usei", "amount": "1"}]}}}
    (r,) = world.block(world.s.execute(ALICE, world.cw1, {"execute": {"msgs": [send]}}, coins=[("usei", 1)]))
    assert r.code == 0, r.log
    assert read_balance(world.view(), bob.evm) == before + WEI


def test_precompile_out_of_gas_burns_the_call_and_keeps_nothing(world: World) -> None:
    alice, carol = world.keys[ALICE].bech32, world.keys[CAROL].bech32
    before = world.balance(alice), world.balance(carol)
    data = _abi("execute(string,bytes,bytes)", world.token, _j({"transfer": {"recipient": carol, "amount": "1"}}), b"")
    (r,) = world.block(world.s.evm(ALICE, WASMD, data, gas=45_000))
    assert r.code != 0 and r.gas_used == 45_000 and "out of gas" in r.log
    assert (world.balance(alice), world.balance(carol)) == before
