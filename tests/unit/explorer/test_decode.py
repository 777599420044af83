"""``explorer.decode``: token events, revert reasons, call trees, OCC conflict keys, units."""

from __future__ import annotations

from eth_abi import encode
from eth_hash.auto import keccak

from explorer import decode
from explorer.addresses import to_bech32

A = "0x" + "ab" * 20
B = "0x" + "cd" * 20
A_SUM = "0xABaBaBaBABabABabAbAbABAbABabababaBaBABaB"
B_SUM = "0xCdCDCdCdcdcdcdCdcDcDCdcDcDCdCdcdCdcDCDcD"


def topic(addr: str) -> str:
    return "0x" + "00" * 12 + addr[2:]


def test_event_topics_are_the_signatures_hashes() -> None:
    assert decode.TRANSFER == "0x" + keccak(b"Transfer(address,address,uint256)").hex()
    assert decode.APPROVAL == "0x" + keccak(b"Approval(address,address,uint256)").hex()
    assert decode.APPROVAL_FOR_ALL == "0x" + keccak(b"ApprovalForAll(address,address,bool)").hex()


def test_erc20_transfer() -> None:
    log = {"topics": [decode.TRANSFER, topic(A), topic(B)], "data": "0x" + (1234).to_bytes(32, "big").hex()}
    assert decode.decode_log(log) == decode.Event("Transfer", "ERC-20", (("from", A_SUM), ("to", B_SUM), ("value", "1234")))


def test_erc721_transfer_has_an_indexed_token_id() -> None:
    log = {"topics": [decode.TRANSFER, topic(A), topic(B), "0x" + (7).to_bytes(32, "big").hex()], "data": "0x"}
    assert decode.decode_log(log) == decode.Event("Transfer", "ERC-721", (("from", A_SUM), ("to", B_SUM), ("tokenId", "7")))


def test_erc20_approval_and_approval_for_all() -> None:
    log = {"topics": [decode.APPROVAL, topic(A), topic(B)], "data": "0x" + (5).to_bytes(32, "big").hex()}
    assert decode.decode_log(log).args == (("owner", A_SUM), ("spender", B_SUM), ("value", "5"))
    log = {"topics": [decode.APPROVAL_FOR_ALL, topic(A), topic(B)], "data": "0x" + (1).to_bytes(32, "big").hex()}
    assert decode.decode_log(log).args == (("owner", A_SUM), ("operator", B_SUM), ("approved", "true"))


def test_unknown_event_is_none() -> None:
    assert decode.decode_log({"topics": ["0x" + "11" * 32], "data": "0x"}) is None
    assert decode.decode_log({"topics": [], "data": "0x"}) is None


def test_revert_reasons() -> None:
    error = "0x08c379a0" + encode(["string"], ["TestToken: insufficient balance"]).hex()
    assert decode.revert_reason(error) == "TestToken: insufficient balance"
    assert decode.revert_reason("0x4e487b71" + (0x11).to_bytes(32, "big").hex()) == "panic 0x11"
    assert decode.revert_reason("0x") is None
    assert decode.revert_reason(None) is None


def test_call_tree_decodes_each_frame() -> None:
    frame = {"type": "CALL", "from": A, "to": B, "value": "0x10", "gasUsed": "0x5208", "input": "0xa9059cbb" + "00" * 64,
             "calls": [{"type": "STATICCALL", "from": B, "to": A, "gasUsed": "0x1", "input": "0x",
                        "error": "execution reverted", "output": "0x08c379a0" + encode(["string"], ["no"]).hex()}]}
    tree = decode.call_tree(frame)
    assert (tree["type"], tree["value"], tree["gas_used"], tree["selector"]) == ("CALL", 16, 21000, "0xa9059cbb")
    (inner,) = tree["calls"]
    assert (inner["type"], inner["error"], inner["reason"], inner["calls"]) == ("STATICCALL", "execution reverted", "no", [])


def test_units_are_exact() -> None:
    assert decode.units(1_500_000_000_000_000_000, 18) == "1.5"
    assert decode.units(10**21, 18) == "1000"
    assert decode.units(1, 18) == "0.000000000000000001"
    assert decode.units(0, 6) == "0"


def test_conflict_keys_name_what_they_are() -> None:
    addr = bytes.fromhex("ab" * 20)
    sei = to_bech32(addr)
    k = decode.key_meaning
    assert k("evm", "6e" + addr.hex()) == decode.KeyMeaning(f"nonce of {A_SUM}", A_SUM)
    assert k("evm", "63" + addr.hex()).text == f"code of {A_SUM}"
    assert k("evm", "73" + addr.hex() + (3).to_bytes(32, "big").hex()).text == f"slot 3 of {A_SUM}"
    assert k("evm", "68" + (42).to_bytes(8, "big").hex()).text == "block hash of height 42"
    assert k("bank", "62" + "14" + addr.hex() + b"usei".hex()) == decode.KeyMeaning(f"balance (usei) of {sei}", sei)
    assert k("bank", "77" + "14" + addr.hex()).text == f"wei remainder of {sei}"
    assert k("bank", "73" + b"usei".hex()).text == "total supply of usei"
    assert k("acc", "61" + "14" + addr.hex()).text == f"account (sequence) of {sei}"
    assert k("acc", "6e").text == "next account number"
    assert k("wasm", "0102") == decode.KeyMeaning("wasm key 0x0102")
    assert k("evm", "zz").text == "evm key zz"


def test_abi_string_reads_a_symbol() -> None:
    assert decode.abi_string("0x" + encode(["string"], ["TKN"]).hex()) == "TKN"
    assert decode.abi_string("0x") is None
    assert decode.abi_string("0x" + encode(["uint256"], [5]).hex()) is None
    assert decode.abi_string("0x" + encode(["string"], ["x" * 33]).hex()) is None
    assert decode.abi_string("0x" + encode(["string"], ["a\nb"]).hex()) is None
    assert decode.abi_string("0xzz") is None
