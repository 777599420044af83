"""Every parser of input the chain does not control has a nesting bound: just under it the
input is read, just over it the parser fails cleanly (an error value, never a crash).

The last test keeps it so: a new ``json.loads`` / ``tomllib`` / ``rlp.decode`` call in the
code base fails it unless it reads the project's own records and is listed there.
"""

from __future__ import annotations

import asyncio
import json
import re
from pathlib import Path

import pytest
from eth_abi import decode, encode
from eth_account import Account
from eth_hash.auto import keccak
from google.protobuf import struct_pb2
from google.protobuf.message import DecodeError

from abci_app.config import AppConfig
from abci_app.module_api import MsgError
from abci_app.modules.loader import load_modules
from abci_app.modules.wasm import _json_msg
from abci_app.modules.wasm_precompile import _json
from eth_rpc.dispatch import Dispatcher
from evm_bridge.call import call
from evm_bridge.precompiles.api import CosmosCallFailed, PrecompileError
from evm_bridge.precompiles.base import revert_data, split_types
from evm_bridge.precompiles.json import ADDRESS as JSON_PRECOMPILE
from evm_bridge.precompiles.registry import precompile_table
from evm_bridge.precompiles.wasmd import parse_coins
from evm_bridge.rlpscan import encode_length
from evm_bridge.txs import EvmTxError, decode_tx
from pysei_pb.cosmos.tx.v1beta1 import tx_pb2
from store.encoding import uvarint
from tests.support.chain import InProcessChain, make_keys
from tests.unit.staking.conftest import Chain
from untrusted import toml_text
from untrusted.json_text import MAX_DEPTH, JsonInputError
from wasm_bridge.api import VmError
from wasm_bridge.messages import contract_result
from wasm_bridge.querier import Querier

ROOT = Path(__file__).resolve().parents[3]
OVER = f"nested deeper than {MAX_DEPTH} levels"


def nested(depth: int, leaf: str = "1") -> str:
    """``depth`` arrays around ``leaf``."""
    return "[" * depth + leaf + "]" * depth


# ---- JSON ----


@pytest.mark.parametrize("depth", [MAX_DEPTH, MAX_DEPTH + 1])
def test_json_rpc_body(depth: int) -> None:
    body = '{"jsonrpc":"2.0","id":1,"method":"nope","params":' + nested(depth - 1) + "}"
    out = json.loads(asyncio.run(Dispatcher(None, {}, None, 100).handle_body(body.encode())))
    if depth <= MAX_DEPTH:
        assert out["error"] == {"code": -32601, "message": "the method nope does not exist/is not available"}
    else:
        assert out["error"]["code"] == -32700 and OVER in out["error"]["message"] and out["id"] is None


@pytest.fixture(scope="module")
def staking_chain() -> Chain:
    return Chain()


@pytest.mark.parametrize("depth", [MAX_DEPTH, MAX_DEPTH + 1])
def test_json_precompile(staking_chain: Chain, depth: int) -> None:
    blob = ('{"a":' + nested(depth - 1) + "}").encode()
    data = keccak(b"extractAsBytes(bytes,string)")[:4] + encode(["bytes", "string"], [blob, "a"])
    precompiles = precompile_table(m.precompiles for m in staking_chain.modules)
    out = call(staking_chain.view, staking_chain.ctx, precompiles, None, JSON_PRECOMPILE, data)
    if depth <= MAX_DEPTH:
        assert out.success and decode(["bytes"], out.output) == (nested(depth - 1).encode(),)
    else:
        assert not out.success
        assert out.output == revert_data(f"input is not valid JSON: invalid JSON: {OVER}")


@pytest.mark.parametrize("depth", [MAX_DEPTH, MAX_DEPTH + 1])
def test_wasm_contract_response(depth: int) -> None:
    raw = ('{"ok":' + nested(depth - 1) + "}").encode()
    if depth <= MAX_DEPTH:
        assert contract_result(raw) == json.loads(nested(depth - 1))
    else:
        with pytest.raises(VmError, match=f"contract returned invalid JSON: {OVER}"):
            contract_result(raw)


@pytest.mark.parametrize("depth", [MAX_DEPTH, MAX_DEPTH + 1])
def test_wasm_query_request(depth: int) -> None:
    request = ('{"x":{"y":' + nested(depth - 2) + "}}").encode()
    answer = json.loads(Querier(None, None, None).answer(request))  # type: ignore[arg-type]
    if depth <= MAX_DEPTH:
        assert answer == {"error": {"unsupported_request": {"kind": "x.y"}}}
    else:
        assert answer["error"]["invalid_request"]["error"] == "malformed query request"


@pytest.mark.parametrize("depth", [MAX_DEPTH, MAX_DEPTH + 1])
def test_wasm_msg_json(depth: int) -> None:
    raw = nested(depth).encode()
    if depth <= MAX_DEPTH:
        _json_msg(raw)
        _json(raw)
    else:
        with pytest.raises(MsgError, match="msg must be valid JSON"):
            _json_msg(raw)
        with pytest.raises(CosmosCallFailed, match="msg must be valid JSON"):
            _json(raw)


@pytest.mark.parametrize("depth", [MAX_DEPTH, MAX_DEPTH + 1])
def test_wasmd_coins(depth: int) -> None:
    raw = ('[{"denom":"usei","amount":"5","x":' + nested(depth - 2) + "}]").encode()
    if depth <= MAX_DEPTH:
        assert parse_coins(raw) == (("usei", 5),)
    else:
        with pytest.raises(PrecompileError, match=OVER):
            parse_coins(raw)


@pytest.mark.parametrize("depth", [MAX_DEPTH, MAX_DEPTH + 1])
def test_genesis_app_state(tmp_path: Path, depth: int) -> None:
    keys = make_keys(1)
    with InProcessChain(tmp_path, keys) as chain:
        chain.genesis["zz_unused"] = json.loads(nested(depth - 1))
        if depth <= MAX_DEPTH:
            assert len(chain.init_chain()) == 32
        else:
            with pytest.raises(JsonInputError, match=OVER):
                chain.init_chain()


# ---- TOML ----


@pytest.mark.parametrize("depth, ok", [(toml_text.MAX_DEPTH, True), (toml_text.MAX_DEPTH + 1, False),
                                       (100_000, False)])
def test_app_toml(tmp_path: Path, depth: int, ok: bool) -> None:
    (tmp_path / "config").mkdir()
    (tmp_path / "config" / "app.toml").write_text(f'chain_id = "deep-1"\nmodules = {nested(depth - 1)}\n')
    if ok:
        assert AppConfig.load(tmp_path).modules == json.loads(nested(depth - 1))
    else:
        with pytest.raises(toml_text.TomlInputError, match=f"nested deeper than {toml_text.MAX_DEPTH} levels"):
            AppConfig.load(tmp_path)


# ---- RLP: Ethereum txs are read by a schema-driven scanner, one list level at a time ----

KEY = "0x" + "42" * 32


def _access_list_tx() -> bytes:
    tx = {"type": 1, "chainId": 713714, "nonce": 0, "gas": 50_000, "gasPrice": 10**9, "to": "0x" + "22" * 20,
          "value": 0, "data": b"", "accessList": [{"address": "0x" + "33" * 20, "storageKeys": ["0x" + "00" * 32]}]}
    return bytes(Account.sign_transaction(tx, KEY).raw_transaction)


def _rlp_list(payload: bytes) -> bytes:
    return encode_length(len(payload), 0xC0) + payload


def test_rlp_schema_depth_is_read() -> None:
    tx = decode_tx(_access_list_tx(), 713714)  # tx > access list > tuple > storage keys: 4 levels
    assert tx.access_list == ((b"\x33" * 20, (0,)),)


@pytest.mark.parametrize("depth", [5, 100_000])
def test_rlp_deeper_than_the_schema_fails(depth: int) -> None:
    inner = b"\x80"
    for _ in range(depth - 4):
        inner = _rlp_list(inner)
    storage_keys = _rlp_list(inner)
    tuple_ = _rlp_list(b"\x94" + b"\x33" * 20 + storage_keys)
    access_list = _rlp_list(tuple_)
    fields = [b"\x83" + (713714).to_bytes(3, "big"), b"\x80", b"\x84" + (10**9).to_bytes(4, "big"),
              b"\x82" + (50_000).to_bytes(2, "big"), b"\x94" + b"\x22" * 20, b"\x80", b"\x80", access_list,
              b"\x01", b"\xa0" + b"\x11" * 32, b"\xa0" + b"\x22" * 32]
    raw = b"\x01" + _rlp_list(b"".join(fields))
    with pytest.raises(EvmTxError, match="rlp: "):
        decode_tx(raw, 713714)


# ---- protobuf: upb stops at 100 levels below the top message ----


def _value_chain(levels: int) -> tuple[type, bytes]:
    """A ``Value`` / ``ListValue`` chain ``levels`` messages deep, as bytes."""
    data, cls = struct_pb2.Value(number_value=1).SerializeToString(), struct_pb2.Value
    for _ in range(levels - 1):
        field = 1 if cls is struct_pb2.Value else 6  # ListValue.values / Value.list_value
        data = bytes([field << 3 | 2]) + uvarint(len(data)) + data
        cls = struct_pb2.ListValue if cls is struct_pb2.Value else struct_pb2.Value
    return cls, data


@pytest.mark.parametrize("levels, ok", [(101, True), (102, False)])
def test_protobuf_depth(levels: int, ok: bool) -> None:
    cls, data = _value_chain(levels)
    if ok:
        assert cls.FromString(data).SerializeToString() == data
    else:
        with pytest.raises(DecodeError):
            cls.FromString(data)


def test_protobuf_deep_unknown_groups_fail() -> None:
    with pytest.raises(DecodeError):
        tx_pb2.TxRaw.FromString(b"\x7b" * 100_000 + b"\x7c" * 100_000)  # field 15, groups


# ---- ABI: precompile arguments are decoded against fixed method types ----


def _type_depth(t: str) -> int:
    if t.startswith("("):
        return 1 + max((_type_depth(x) for x in split_types(t[1 : t.rindex(")")])), default=0)
    return t.count("[") + (1 if t.rstrip("[]0123456789") in ("bytes", "string") else 0)


def test_precompile_abi_types_are_shallow() -> None:
    deepest = {}
    for module in load_modules(["auth", "bank", "evm", "staking", "distribution", "slashing", "wasm"]):
        for address, impl in module.precompiles.items():
            for name, inputs, *_ in (m.__precompile_method__ for m in _marked(impl)):
                deepest[f"{address.hex()}:{name}"] = max((_type_depth(t) for t in inputs), default=0)
    assert deepest and max(deepest.values()) <= 3, deepest


def _marked(impl: object) -> list:
    return [getattr(type(impl), n) for n in dir(type(impl)) if hasattr(getattr(type(impl), n), "__precompile_method__")]


# ---- no unbounded parser slips in ----

#: Reads of the project's own records (written by its own encoders, never by a user).
OWN_RECORDS = {
    "abci_app/cli/comet_client.py", "abci_app/node/cometbft_home.py", "abci_app/cli/commands/", "abci_app/cli/state_export.py",
    "abci_app/cli/home_init.py", "abci_app/cli/keyring.py", "abci_app/modules/bank.py", "abci_app/modules/staking/",
    "eth_rpc/index/store.py", "evm_bridge/precompiles/bank.py", "evm_bridge/receipts.py",
    "modules/tokenfactory/pysei_tokenfactory/denoms.py", "testnet/", "wasm_bridge/state.py",
    "abci_app/cli/scaffold/", "bench/", "untrusted/",
}
_PARSE = re.compile(r"\bjson\.loads?\(|\btomllib\.loads?\(|\brlp\.decode\(|\bjsonlib\.loads?\(")


def test_every_parse_of_outside_input_is_bounded() -> None:
    offenders = []
    for path in sorted(ROOT.rglob("*.py")):
        rel = path.relative_to(ROOT).as_posix()
        if rel.startswith(("tests/", ".venv/", "pysei_pb/")) or "node_modules" in rel:
            continue
        if any(rel == own or (own.endswith("/") and rel.startswith(own)) for own in OWN_RECORDS):
            continue
        for n, line in enumerate(path.read_text().splitlines(), 1):
            if _PARSE.search(line):
                offenders.append(f"{rel}:{n}: {line.strip()}")
    assert offenders == [], "parse through untrusted.json_text / toml_text, or list an own-records reader"
