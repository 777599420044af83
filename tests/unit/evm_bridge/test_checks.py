"""check_tx: CheckTx rules and their geth wording."""

from __future__ import annotations

import pytest

from evm_bridge.api import DYNAMIC_FEE_TX, EvmTxError
from evm_bridge.checks import MAX_TX_SIZE, check_tx
from evm_bridge.signer import sign_tx
from evm_bridge.txs import decode_tx
from tests.unit.evm_bridge.conftest import ALICE, BASE_FEE, CHAIN_ID, START, Chain

TO = bytes.fromhex("22" * 20)


def _tx(nonce: int = 0, gas: int = 21_000, value: int = 0, fee: int = 2 * BASE_FEE, data: bytes = b"",
        to: bytes | None = TO) -> object:
    raw = sign_tx(ALICE, chain_id=CHAIN_ID, nonce=nonce, gas=gas, to=to, value=value, data=data,
                  max_fee_per_gas=fee, max_priority_fee_per_gas=1, tx_type=DYNAMIC_FEE_TX)
    return decode_tx(raw, CHAIN_ID)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"gas": 20_000}, "intrinsic gas too low: have 20000, want 21000"),
        ({"nonce": 1}, "nonce too high"),
        ({"value": START}, "insufficient funds for gas * price + value"),
        ({"fee": BASE_FEE - 1}, "max fee per gas less than block base fee"),
        ({"gas": 40_000_000}, "exceeds block gas limit"),
        ({"data": b"\x01" * 1000, "gas": 38_000}, "insufficient gas for floor data gas cost"),
        ({"data": b"\x01" * (MAX_TX_SIZE + 1), "gas": 29_000_000}, "oversized data"),
        ({"to": None, "data": b"\x00" * 50_000, "gas": 1_000_000}, "max initcode size exceeded"),
    ],
)
def test_rejections(chain: Chain, kwargs: dict, message: str) -> None:
    with pytest.raises(EvmTxError) as e:
        check_tx(_tx(**kwargs), chain.view, chain.ctx)
    assert message in str(e.value)


def test_accepts_valid_and_rejects_replay(chain: Chain) -> None:
    check_tx(_tx(), chain.view, chain.ctx)
    chain.run(_tx())
    with pytest.raises(EvmTxError, match="nonce too low"):
        check_tx(_tx(), chain.view, chain.ctx)
    check_tx(_tx(nonce=1), chain.view, chain.ctx)
