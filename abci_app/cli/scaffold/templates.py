"""Files of a scaffolded module package (``string.Template``: ``$name``, ``$package``).

The skeleton is a small key/value module: ``MsgSetValue`` stores a value under the
sender's address, ``/<name>.v1.Query/Value`` reads it back, genesis imports and exports
the values. It shows every part of the module API a chain developer starts from.
"""

from __future__ import annotations

PYPROJECT = """\
[build-system]
requires = ["setuptools>=68"]
build-backend = "setuptools.build_meta"

[project]
name = "pysei-$name"
version = "0.1.0"
description = "The $name module for pysei"
requires-python = ">=3.11"
dependencies = ["pysei"]

[project.entry-points."pysei.modules"]
$name = "$package.module:module"

[tool.setuptools.packages.find]
include = ["$package*"]

[tool.pytest.ini_options]
testpaths = ["tests"]

[tool.ruff]
line-length = 110
target-version = "py311"
extend-exclude = ["$package/pb"]

[tool.ruff.lint]
select = ["E", "F", "W", "I", "B", "UP"]

[tool.ruff.lint.isort]
known-first-party = ["$package"]
known-third-party = ["abci_app", "ledger", "pysei_pb", "store"]
"""

README = """\
# pysei-$name

A pysei module. Install it into the node's environment, enable it, restart the node:

    pip install -e .
    # <home>/config/app.toml
    modules = ["auth", "bank", "evm", "$name"]

Test it with `pytest`. After editing `proto/`, regenerate the stubs:

    python -m abci_app.cli.scaffold.module_stubs proto . $package.pb

See pysei's `docs/writing-a-module.md` for the rules every module keeps.
"""

TX_PROTO = """\
// Messages of the $name module.
syntax = "proto3";
package $name.v1;

// Stores value under (sender, key); an empty value deletes it.
message MsgSetValue {
  string sender = 1;
  string key = 2;
  string value = 3;
}

message MsgSetValueResponse {}
"""

QUERY_PROTO = """\
// Queries of the $name module.
syntax = "proto3";
package $name.v1;

message QueryValueRequest {
  string owner = 1;
  string key = 2;
}

message QueryValueResponse {
  string value = 1;
}
"""

INIT = '''\
"""The $name module: values stored per (owner, key). ``module`` builds it; ``pb`` holds the
stubs generated from ``proto/``."""
'''

MODULE = '''\
"""The $name module: ``MsgSetValue`` writes a value under the sender, the ``Value`` query
reads it, genesis imports and exports all values.

Store ``$name``: key = len(owner) ‖ owner ‖ key (UTF-8), value = the value (UTF-8).
Genesis: ``{"values": [{"owner": "sei1..", "key": "k", "value": "v"}]}``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from abci_app.module_api import BlockContext, Event, KVView, Module, MsgError, MsgHandler, ReadView
from ledger import codes
from ledger.addresses import AddressError, from_bech32, to_bech32

from .pb.$name.v1 import query_pb2, tx_pb2

NAME = "$name"
STORE = "$name"
SET_VALUE = "/$name.v1.MsgSetValue"
QUERY_VALUE = "/$name.v1.Query/Value"
MAX_KEY = 64
MAX_VALUE = 1024


def _address(text: str) -> bytes:
    try:
        return from_bech32(text)
    except AddressError as e:
        raise MsgError(codes.INVALID_ADDRESS, f"invalid address {text!r}: {e}") from None


def _key(owner: bytes, key: str) -> bytes:
    return bytes([len(owner)]) + owner + key.encode()


def _validate(msg: tx_pb2.MsgSetValue) -> None:
    """Stateless checks: run in CheckTx and before execution; never read state here."""
    _address(msg.sender)
    if not 0 < len(msg.key) <= MAX_KEY or len(msg.value) > MAX_VALUE:
        limits = f"key must be 1-{MAX_KEY} and value at most {MAX_VALUE} characters"
        raise MsgError(codes.INVALID_REQUEST, f"{limits}: invalid request")


def _set_value(msg: tx_pb2.MsgSetValue, ctx: BlockContext, view: KVView) -> tuple[Sequence[Event], bytes]:
    """Runs on the tx's view: every read and write goes through it (OCC tracks them)."""
    key = _key(_address(msg.sender), msg.key)
    if msg.value:
        view.set(STORE, key, msg.value.encode())
    else:
        view.delete(STORE, key)
    event = Event("${name}_set_value", (("owner", msg.sender), ("key", msg.key)))
    return (event,), tx_pb2.MsgSetValueResponse().SerializeToString()


def _query_value(data: bytes, view: ReadView, height: int) -> bytes:
    try:
        req = query_pb2.QueryValueRequest.FromString(data)
    except Exception as e:  # protobuf DecodeError
        raise MsgError(codes.INVALID_REQUEST, f"invalid request: {e}") from None
    raw = view.get(STORE, _key(_address(req.owner), req.key))
    return query_pb2.QueryValueResponse(value=(raw or b"").decode()).SerializeToString()


def _init_genesis(view: KVView, state: Mapping[str, Any]) -> None:
    for entry in state.get("values", []):
        view.set(STORE, _key(from_bech32(entry["owner"]), entry["key"]), entry["value"].encode())


def _export_genesis(view: ReadView) -> Mapping[str, Any]:
    values = []
    for key, value in view.iterate(STORE, None, None):
        owner = key[1 : 1 + key[0]]
        values.append({"owner": to_bech32(owner), "key": key[1 + key[0] :].decode(), "value": value.decode()})
    return {"values": values}


def module() -> Module:
    set_value = MsgHandler(
        type_url=SET_VALUE,
        decode=tx_pb2.MsgSetValue.FromString,
        signers=lambda m: (_address(m.sender),),
        validate=_validate,
        execute=_set_value,
        gas=10_000,
    )
    return Module(
        name=NAME,
        store_names=(STORE,),
        messages={SET_VALUE: set_value},
        queries={QUERY_VALUE: _query_value},
        init_genesis=_init_genesis,
        export_genesis=_export_genesis,
    )
'''

TEST = '''\
"""The $name module on a dict view: genesis, message, query, export round trip."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from abci_app.module_api import BlockContext, MsgError
from abci_app.modules.loader import available, load_modules
from ledger.addresses import to_bech32

from $package.module import QUERY_VALUE, SET_VALUE, module
from $package.pb.$name.v1 import query_pb2, tx_pb2

OWNER = to_bech32(bytes(range(1, 21)))
CTX = BlockContext(height=1, time_ns=0, chain_id="test", evm_chain_id=713714, proposer=bytes(20),
                   block_hash=bytes(32), gas_limit=10**8, base_fee_wei=0)


class DictView:
    def __init__(self) -> None:
        self.data: dict[str, dict[bytes, bytes]] = {}

    def get(self, store: str, key: bytes) -> bytes | None:
        return self.data.get(store, {}).get(key)

    def set(self, store: str, key: bytes, value: bytes) -> None:
        self.data.setdefault(store, {})[key] = value

    def delete(self, store: str, key: bytes) -> None:
        self.data.get(store, {}).pop(key, None)

    def iterate(self, store: str, start: bytes | None, end: bytes | None, reverse: bool = False) -> Iterator:
        items = sorted((k, v) for k, v in self.data.get(store, {}).items()
                       if (start is None or k >= start) and (end is None or k < end))
        return iter(reversed(items) if reverse else items)


def query(view: DictView, key: str) -> str:
    req = query_pb2.QueryValueRequest(owner=OWNER, key=key).SerializeToString()
    return query_pb2.QueryValueResponse.FromString(module().queries[QUERY_VALUE](req, view, 1)).value


def test_set_query_export_round_trip() -> None:
    m, view = module(), DictView()
    m.init_genesis(view, {"values": [{"owner": OWNER, "key": "a", "value": "1"}]})
    handler = m.messages[SET_VALUE]
    msg = handler.decode(tx_pb2.MsgSetValue(sender=OWNER, key="b", value="2").SerializeToString())
    handler.validate(msg)
    events, _ = handler.execute(msg, CTX, view)
    assert [e.type for e in events] == ["${name}_set_value"]
    assert (query(view, "a"), query(view, "b"), query(view, "c")) == ("1", "2", "")
    exported = m.export_genesis(view)
    fresh = DictView()
    m.init_genesis(fresh, exported)
    assert fresh.data == view.data


def test_bad_message_is_refused() -> None:
    with pytest.raises(MsgError):
        module().messages[SET_VALUE].validate(tx_pb2.MsgSetValue(sender=OWNER, key=""))


def test_registered_through_the_entry_point() -> None:
    if "$name" not in available():
        pytest.fail("the pysei.modules entry point is missing: run `pip install -e .` in this folder")
    assert [m.name for m in load_modules(["$name"])] == ["$name"]
'''
