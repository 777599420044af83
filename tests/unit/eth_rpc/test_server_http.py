"""The JSON-RPC's HTTP layer writes no log line per request (a busy node answers thousands
a second)."""

from __future__ import annotations

import logging
import time

import pytest

from tests.support.rpc_chain import CHAIN_ID
from tests.unit.eth_rpc.conftest import Client, post


def test_requests_write_no_access_log_line(rpc: Client, caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.DEBUG):
        status, body = post(rpc.chain.url, {"jsonrpc": "2.0", "id": 1, "method": "eth_chainId", "params": []})
        time.sleep(0.2)  # a request's access line would be written just after its answer
    assert (status, body["result"]) == (200, hex(CHAIN_ID))
    assert [r.getMessage() for r in caplog.records if r.name.startswith("aiohttp")] == []
