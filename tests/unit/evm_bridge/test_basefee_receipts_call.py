"""Base fee rule, receipt encoding and bloom, and eth_call without writes."""

from __future__ import annotations

from eth_bloom import BloomFilter

from evm_bridge.api import EvmLog, EvmReceipt
from evm_bridge.basefee import MIN_BASE_FEE_WEI, next_base_fee
from evm_bridge.call import call
from evm_bridge.receipts import decode_receipt, encode_receipt, logs_bloom
from tests.unit.evm_bridge.conftest import ALICE, Chain, calldata


def test_base_fee_rule() -> None:
    fee = 10**9
    assert next_base_fee(fee, 15_000_000, 30_000_000) == fee
    assert next_base_fee(fee, 30_000_000, 30_000_000) == fee + fee // 8
    assert next_base_fee(fee, 0, 30_000_000) == fee - fee // 8
    assert next_base_fee(MIN_BASE_FEE_WEI, 0, 30_000_000) == MIN_BASE_FEE_WEI
    assert next_base_fee(0, 30_000_000, 30_000_000) == MIN_BASE_FEE_WEI


def test_bloom_matches_reference_and_receipt_round_trips() -> None:
    logs = (EvmLog(b"\x11" * 20, (b"\x22" * 32, b"\x33" * 32), b"data"), EvmLog(b"\x44" * 20, (), b""))
    ref = BloomFilter()
    for lg in logs:
        ref.add(lg.address)
        for t in lg.topics:
            ref.add(t)
    assert int.from_bytes(logs_bloom(logs), "big") == int(ref)
    r = EvmReceipt(tx_hash=b"\x01" * 32, type=2, status=1, gas_used=50_000, cumulative_gas_used=90_000, logs=logs,
                   bloom=logs_bloom(logs), contract_address=None, effective_gas_price=7, sender=b"\x05" * 20,
                   to=b"\x06" * 20, output=b"ok", error="")
    assert decode_receipt(encode_receipt(r)) == r
    assert r.with_cumulative(1).cumulative_gas_used == 1


def test_call_does_not_write(chain: Chain, counter_code: bytes) -> None:
    addr = chain.send(ALICE, None, data=counter_code, gas=500_000).evm.contract_address
    writes = {k: dict(v) for k, v in chain.view.writes().items()}
    res = call(chain.view, chain.ctx, chain.precompiles, None, addr, calldata("increment()"))
    assert res.success and res.gas_used > 21_000 and len(res.logs) == 1
    assert chain.view.writes() == writes
    bad = call(chain.view, chain.ctx, chain.precompiles, None, addr, calldata("incrementThenRevert()"))
    assert not bad.success and bad.error == "execution reverted" and b"no way" in bad.output
    create = call(chain.view, chain.ctx, chain.precompiles, None, None, counter_code)
    assert create.success and create.gas_used > 53_000
