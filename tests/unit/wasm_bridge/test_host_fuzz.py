"""Fuzz the Wasm region / host-call boundary: every host import, called on a real instance
with arbitrary 32-bit arguments (raw pointers, small ids, regions holding arbitrary bytes),
answers or raises a ``WasmError`` (which fails the contract call cleanly), never anything else."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from store.overlay import EmptyView, Overlay
from tests.fuzz.conftest import FUZZ
from wasm_bridge.api import WasmError
from wasm_bridge.cache import ModuleCache
from wasm_bridge.host import SIGNATURES
from wasm_bridge.keeper import Keeper

from .test_host import Harness


@pytest.fixture(scope="module")
def harness() -> Harness:
    return Harness(Overlay(EmptyView()), Keeper(ModuleCache()), limit=10**15)  # gas never the answer


@st.composite
def arguments(draw: st.DrawFn, count: int) -> list[object]:
    """Each argument: a raw u32, a small number, or ("region", bytes) to allocate first."""
    one = st.one_of(st.integers(0, 2**32 - 1), st.integers(0, 16),
                    st.tuples(st.just("region"), st.binary(max_size=200)))
    return draw(st.lists(one, min_size=count, max_size=count))


@pytest.mark.parametrize("name", sorted(n for n in SIGNATURES if n != "abort"))
@FUZZ
@given(data=st.data())
def test_host_import_fails_cleanly(harness: Harness, name: str, data: st.DataObject) -> None:
    args = data.draw(arguments(SIGNATURES[name][0]))
    ints = [harness.put(a[1]) if isinstance(a, tuple) else a for a in args]
    try:
        out = harness.call(name, *ints)
    except WasmError:
        return
    assert out is None or isinstance(out, int)


def test_abort_is_a_clean_error(harness: Harness) -> None:
    with pytest.raises(WasmError):
        harness.call("abort", harness.put(b"panicked"))
