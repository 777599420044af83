"""Base fee rule, receipt encoding and bloom (against py-evm's and eth-bloom's), and eth_call
without writes."""

from __future__ import annotations

import rlp
from eth.rlp.logs import Log
from eth.rlp.receipts import Receipt
from eth_bloom import BloomFilter

from evm_bridge.api import DYNAMIC_FEE_TX, LEGACY_TX, EvmLog
from evm_bridge.basefee import MIN_BASE_FEE_WEI, next_base_fee
from evm_bridge.call import call
from evm_bridge.receipts import bloom_may_contain, logs_bloom, or_blooms, receipt_encoding
from tests.unit.evm_bridge.conftest import ALICE, Chain, calldata


def test_base_fee_rule() -> None:
    fee = 10**9
    assert next_base_fee(fee, 15_000_000, 30_000_000) == fee
    assert next_base_fee(fee, 30_000_000, 30_000_000) == fee + fee // 8
    assert next_base_fee(fee, 0, 30_000_000) == fee - fee // 8
    assert next_base_fee(MIN_BASE_FEE_WEI, 0, 30_000_000) == MIN_BASE_FEE_WEI
    assert next_base_fee(0, 30_000_000, 30_000_000) == MIN_BASE_FEE_WEI


def test_bloom_and_receipt_encoding_match_the_references() -> None:
    logs = (EvmLog(b"\x11" * 20, (b"\x22" * 32, b"\x33" * 32), b"data"), EvmLog(b"\x44" * 20, (), b""))
    ref = BloomFilter()
    for lg in logs:
        ref.add(lg.address)
        for t in lg.topics:
            ref.add(t)
    assert int.from_bytes(logs_bloom(logs), "big") == int(ref)
    bloom = logs_bloom(logs)
    assert all(bloom_may_contain(bloom, item) for item in (b"\x11" * 20, b"\x22" * 32, b"\x44" * 20))
    assert not bloom_may_contain(bytes(256), b"\x11" * 20)
    assert or_blooms([bloom, logs_bloom(logs[1:])]) == bloom
    ref_logs = [Log(lg.address, [int.from_bytes(t, "big") for t in lg.topics], lg.data) for lg in logs]
    legacy = rlp.encode(Receipt(state_root=b"\x01", gas_used=90_000, logs=ref_logs, bloom=int.from_bytes(bloom, "big")))
    assert receipt_encoding(LEGACY_TX, 1, 90_000, bloom, logs) == legacy
    assert receipt_encoding(DYNAMIC_FEE_TX, 1, 90_000, bloom, logs) == bytes([DYNAMIC_FEE_TX]) + legacy


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
