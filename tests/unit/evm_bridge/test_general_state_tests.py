"""ethereum/tests GeneralStateTests through evm_bridge's KV state backend (the EVM oracle)."""

from __future__ import annotations

from tests.unit.evm_bridge.state_runner import cases, run_case


def test_general_state_tests_pass_through_kv_backend() -> None:
    passed, skipped, failures = 0, 0, []
    for case in cases():
        why = run_case(case)
        if why is None:
            passed += 1
        elif why.startswith("skipped"):
            skipped += 1
        else:
            failures.append(f"{case.id}: {why}")
    print(f"GeneralStateTests: {passed} passed, {skipped} skipped (blob txs), {len(failures)} failed")
    assert passed > 4000
    assert not failures, "\n".join(failures[:20])
