"""A real cometbft + pysei node shared by the integration tests of one module."""

from __future__ import annotations

import pytest

from tests.support.node import LocalNode


@pytest.fixture(scope="module")
def node(tmp_path_factory):
    n = LocalNode(tmp_path_factory.mktemp("node") / "home")
    n.init()
    n.start()
    yield n
    n.stop()
