"""Fixtures for the store tests: every state store implementation (conformance suite)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from store.ss.memory import MemoryStateStore
from store.ss.rocks import RocksStateStore


@pytest.fixture(params=["memory", "rocks"])
def state_store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[MemoryStateStore | RocksStateStore]:
    ss: MemoryStateStore | RocksStateStore
    ss = MemoryStateStore() if request.param == "memory" else RocksStateStore(tmp_path / "ss")
    yield ss
    ss.close()
