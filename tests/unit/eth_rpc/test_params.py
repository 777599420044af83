"""Parameter parsing: what is accepted, and the -32602 messages for what is not."""

from __future__ import annotations

import pytest
from eth_abi import encode

from eth_rpc import params as P
from eth_rpc.errors import INVALID_PARAMS, RpcError, reverted


def bad(fn, *args) -> str:
    with pytest.raises(RpcError) as e:
        fn(*args)
    assert e.value.code == INVALID_PARAMS
    return e.value.message


def test_quantities() -> None:
    assert P.quantity("0x0") == 0 and P.quantity("0x1f") == 31
    assert "leading zero" in bad(P.quantity, "0x01")
    assert "without 0x prefix" in bad(P.quantity, "12")
    assert "non-string" in bad(P.quantity, 12)
    assert '"0x"' in bad(P.quantity, "0x")
    assert "> 64 bits" in bad(P.quantity, "0x1" + "0" * 16, "gas", 64)
    assert "invalid hex" in bad(P.quantity, "0xzz")


def test_data_addresses_hashes_slots() -> None:
    assert P.hex_data("0x") == b"" and P.hex_data("0x00ff") == b"\0\xff"
    assert "odd length" in bad(P.hex_data, "0x123")
    assert "want 40" in bad(P.address, "0x" + "aa" * 19)
    assert P.hash32("0x" + "11" * 32) == b"\x11" * 32
    assert P.slot("0x0000000000000000000000000000000000000000000000000000000000000002") == 2
    assert P.slot("0x2") == 2
    assert "wrong length" in bad(P.slot, "0x" + "1" * 65)


def test_arity_and_call_objects() -> None:
    assert P.arity([1], 1, 3) == [1, None, None]
    assert "missing value for required argument 0" in bad(P.arity, [], 1, 2)
    assert "too many arguments" in bad(P.arity, [1, 2, 3], 0, 2)
    c = P.call_object({"to": "0x" + "11" * 20, "input": "0x01", "value": "0x5"})
    assert c["to"] == b"\x11" * 20 and c["data"] == b"\x01" and c["value"] == 5 and c["from"] is None
    assert "both" in bad(P.call_object, {"data": "0x01", "input": "0x02"})
    assert "TransactionArgs" in bad(P.call_object, [])


def test_revert_messages() -> None:

    err = reverted(bytes.fromhex("08c379a0") + encode(["string"], ["nope"]))
    assert err.code == 3 and err.message == "execution reverted: nope" and err.data.startswith("0x08c379a0")
    assert reverted(b"").message == "execution reverted" and reverted(b"").data == "0x"
    panic = reverted(bytes.fromhex("4e487b71") + (0x11).to_bytes(32, "big"))
    assert panic.message == "execution reverted: panic: 0x11"
