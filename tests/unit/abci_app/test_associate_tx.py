"""The gasless association tx through CheckTx and FinalizeBlock: a funded key that never
signed a tx links its addresses with a signed message and no fee; a second try, an
unfunded key, a bad signature and a tx carrying a fee are refused with their codes."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
from eth_account import Account
from eth_account.messages import encode_defunct

from abci_app.cosmos_tx.associate import encode_associate
from evm_bridge.pointers.artifacts import ArtifactMissing, require_all
from ledger import accounts, bank, codes
from ledger.addresses import evm_address_from_pubkey, sei_address_from_pubkey
from pysei_pb.cosmos.tx.v1beta1 import tx_pb2
from tests.support.chain import InProcessChain, evm_transfer, make_keys
from tests.support.chain import TestKey as Key

KEYS = make_keys(2)
MESSAGE = "link my addresses"


def signed(key: Key, message: str = MESSAGE) -> bytes:
    sig = Account.sign_message(encode_defunct(text=message), key.privkey)
    return encode_associate(message, hex(sig.v), hex(sig.r), hex(sig.s))


@pytest.fixture
def chain(tmp_path: Path) -> InProcessChain:
    c = InProcessChain(tmp_path, KEYS)
    c.init_chain()
    yield c
    c.close()


def _fund_fresh_key(chain: InProcessChain, seed: str) -> Key:
    fresh = Key(hashlib.sha256(seed.encode()).digest())
    resp = chain.block([evm_transfer(KEYS[0], fresh.evm, 10**15, 0)])
    assert resp.tx_results[0].code == 0
    return fresh


def test_a_funded_key_associates_without_a_fee(chain: InProcessChain) -> None:
    fresh = _fund_fresh_key(chain, "fresh")
    view = chain.db.read_view()
    assert accounts.associated_sei(view, fresh.evm) is None
    raw = signed(fresh)
    assert chain.check(raw).code == codes.OK
    resp = chain.block([raw])
    assert (resp.tx_results[0].code, resp.tx_results[0].gas_used) == (0, 0)
    view = chain.db.read_view()
    assert accounts.associated_sei(view, fresh.evm) == sei_address_from_pubkey(fresh.pubkey)
    assert accounts.associated_evm(view, fresh.sei) == evm_address_from_pubkey(fresh.pubkey)
    # the coins held at the direct cast moved to the Sei account
    assert (bank.wei_balance(view, fresh.sei), bank.wei_balance(view, fresh.evm)) == (10**15, 0)
    again = chain.check(signed(fresh, "once more"))
    assert again.code == codes.INVALID_REQUEST and "already associated" in again.log


def test_an_unfunded_key_is_refused(chain: InProcessChain) -> None:
    nobody = Key(hashlib.sha256(b"nobody").digest())
    resp = chain.check(signed(nobody))
    assert resp.code == codes.INSUFFICIENT_FUNDS and "at least 1 wei" in resp.log


def test_a_bad_signature_is_refused(chain: InProcessChain) -> None:
    raw = encode_associate(MESSAGE, "0x1b", "0x" + "11" * 32, "0x" + "ff" * 32)
    assert chain.check(raw).code == codes.UNAUTHORIZED


def test_an_association_tx_carries_no_fee(chain: InProcessChain) -> None:
    txraw = tx_pb2.TxRaw.FromString(signed(_fund_fresh_key(chain, "fee")))
    auth = tx_pb2.AuthInfo()
    auth.fee.gas_limit = 100_000
    txraw.auth_info_bytes = auth.SerializeToString()
    resp = chain.check(txraw.SerializeToString())
    assert resp.code == codes.INVALID_REQUEST and "carries no fee" in resp.log


def test_a_node_refuses_to_start_without_its_pointer_contracts(tmp_path: Path) -> None:
    require_all()  # built by make pointers, as make test does
    with pytest.raises(ArtifactMissing, match="is not built: run `make pointers`"):
        require_all(tmp_path)
