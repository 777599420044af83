"""ethereum/tests GeneralStateTests (Cancun) through evm_bridge's KV state backend (the EVM
oracle), one item per case. Blob (type-3) cases must be refused: this chain carries no blobs."""

from __future__ import annotations

import pytest

from evm_bridge.api import EvmTxError
from evm_bridge.txs import decode_tx
from tests.unit.evm_bridge.state_runner import CHAIN_ID, Case, cases, run_case

CASES = list(cases())


def test_the_cancun_corpus_is_all_there() -> None:
    blob = sum("blobVersionedHashes" in c.test["transaction"] for c in CASES)
    assert (len(CASES), blob) == (4318, 10)


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_general_state_test(case: Case) -> None:
    if "blobVersionedHashes" in case.test["transaction"]:
        with pytest.raises(EvmTxError, match=r"blob transactions \(type 3\)"):
            decode_tx(bytes.fromhex(case.post["txbytes"][2:]), CHAIN_ID)
        return
    assert run_case(case) is None
