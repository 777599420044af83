"""abci_app.modules.evm genesis: export then import rebuilds nonces, code, storage, base fee."""

from __future__ import annotations

import pytest
from eth_hash.auto import keccak

from abci_app.modules import evm
from evm_bridge.account_db import read_code, read_nonce, read_storage
from ledger import accounts

from .conftest import ALICE, DictView

CONTRACT = bytes.fromhex("aa" * 20)
CODE = bytes.fromhex("6080604052")


def test_export_import_round_trip() -> None:
    module = evm.module()
    view = DictView()
    module.init_genesis(view, {  # type: ignore[misc]
        "base_fee_wei": "7",
        "associations": [{"sei_address": ALICE.bech32, "evm_address": "0x" + "bb" * 20}],
        "accounts": [
            {"address": "0x" + CONTRACT.hex(), "nonce": "1", "code": "0x" + CODE.hex(),
             "storage": [{"key": "0x01", "value": "0x2a"}, {"key": "0x" + "ff" * 32, "value": "0x00"}]},
            {"address": "0x" + "bb" * 20, "nonce": "3"},
        ],
    })
    assert (read_nonce(view, CONTRACT), read_code(view, CONTRACT), read_storage(view, CONTRACT, 1)) == (1, CODE, 42)
    assert view.get("evm", b"k" + keccak(CODE)) == CODE
    view.set("evm", b"h" + (9).to_bytes(8, "big"), b"\1" * 32)  # block hashes are not exported
    exported = module.export_genesis(view)  # type: ignore[misc]
    assert exported["base_fee_wei"] == "7"
    assert exported["associations"] == [{"sei_address": ALICE.bech32, "evm_address": "0x" + "bb" * 20}]
    assert [a["address"] for a in exported["accounts"]] == ["0x" + "aa" * 20, "0x" + "bb" * 20]
    assert exported["accounts"][0]["storage"] == [{"key": "0x" + "00" * 31 + "01", "value": "0x" + "00" * 31 + "2a"}]
    fresh = DictView()
    module.init_genesis(fresh, exported)  # type: ignore[misc]
    del view.data["evm"][b"h" + (9).to_bytes(8, "big")]
    assert fresh.snapshot() == view.snapshot()
    assert accounts.associated_evm(fresh, ALICE.address) == b"\xbb" * 20


def test_bad_accounts_are_refused() -> None:
    module = evm.module()
    with pytest.raises(ValueError):
        module.init_genesis(DictView(), {"accounts": [{"address": "0x" + "aa" * 20, "storage": [  # type: ignore[misc]
            {"key": "0x" + "11" * 33, "value": "0x1"}]}]})
    with pytest.raises(ValueError):
        module.init_genesis(DictView(), {"accounts": [{"address": "0x" + "aa" * 20}] * 2})  # type: ignore[misc]
