"""execution-spec-tests' filled Prague state tests (EIP-7702 set-code txs, EIP-7623
calldata floor, EIP-2537 BLS12-381 precompiles) through evm_bridge's KV state backend,
one item per case. Blob (type-3) cases must be refused: this chain carries no blobs.

Two EIP-2537 cases (the multi-scalar multiplications over the whole discount table) pass
but take ~1 and ~7 CPU-minutes in py-evm's pure-Python BLS12-381, so this suite leaves
them to ``python -m tests.unit.evm_bridge.state_runner --prague full_discount_table``.
"""

from __future__ import annotations

import pytest

from evm_bridge.api import EvmTxError
from evm_bridge.txs import decode_tx
from tests.unit.evm_bridge.state_runner import CHAIN_ID, PRAGUE_FIXTURES, Case, cases, run_case

ALL = list(cases(PRAGUE_FIXTURES, forks=("Prague",)))
SLOW = ("test_valid_gas_g1msm[fork_Prague-full_discount_table", "test_valid_gas_g2msm[fork_Prague-full_discount_table")
CASES = [c for c in ALL if not any(s in c.name for s in SLOW)]


def test_the_prague_corpus_is_all_there() -> None:
    by_eip = {}
    assert len(ALL) - len(CASES) == len(SLOW)
    for case in ALL:
        eip = case.file.split("/")[0]
        by_eip[eip] = by_eip.get(eip, 0) + 1
    assert by_eip == {"eip2537_bls_12_381_precompiles": 459, "eip7623_increase_calldata_cost": 153,
                      "eip7702_set_code_tx": 478}


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_prague_state_test(case: Case) -> None:
    if "blobVersionedHashes" in case.test["transaction"]:
        with pytest.raises(EvmTxError, match=r"blob transactions \(type 3\)"):
            decode_tx(bytes.fromhex(case.post["txbytes"][2:]), CHAIN_ID)
        return
    assert run_case(case) is None
