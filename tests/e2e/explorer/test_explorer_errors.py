"""What the explorer answers for bad input and a node that is down: a clear page with a
4xx/5xx status, never a stack trace."""

from __future__ import annotations

import urllib.error
import urllib.request

from playwright.sync_api import Page, expect

from tests.support.node import reserve_ports

from .conftest import Chain, free_explorer


def _status(url: str) -> int:
    try:
        with urllib.request.urlopen(url, timeout=10) as resp:
            return resp.status
    except urllib.error.HTTPError as e:
        return e.code


def test_malformed_search_says_what_a_query_can_be(chain: Chain, page: Page) -> None:
    response = page.goto(chain.url + "/search?q=hello%20world")
    assert response.status == 400
    expect(page.locator("#error-title")).to_have_text("Bad request")
    expect(page.locator("#error-message")).to_have_text(
        "'hello world' is not a block height, tx hash or address (0x…, sei1…, seivaloper1…)")


def test_unknown_hash_is_not_found(chain: Chain, page: Page) -> None:
    unknown = "0x" + "ab" * 32
    response = page.goto(chain.url + "/search?q=" + unknown)
    assert response.status == 404
    expect(page.locator("#error-title")).to_have_text("Not found")
    expect(page.locator("#error-message")).to_have_text(f"no transaction has hash {unknown}")


def test_malformed_hash_height_and_address_are_bad_requests(chain: Chain) -> None:
    assert _status(chain.url + "/tx/0x1234") == 400
    assert _status(chain.url + "/block/-1") == 400
    assert _status(chain.url + "/address/0xabc") == 400
    assert _status(chain.url + "/address/sei1qqqq") == 400


def test_future_height_is_not_found(chain: Chain, page: Page) -> None:
    response = page.goto(chain.url + "/block/99999999")
    assert response.status == 404
    expect(page.locator("#error-message")).to_contain_text("block 99999999 does not exist yet (the latest is ")


def test_node_down_gives_a_clear_page(page: Page) -> None:
    ports, held = reserve_ports(("explorer", "dead"))
    port, dead = ports["explorer"], ports["dead"]
    held[0].close()  # the explorer binds it; the other stays bound and not listening: refused
    proc = free_explorer(f"http://127.0.0.1:{dead}", f"http://127.0.0.1:{dead}", f"http://127.0.0.1:{dead}", port)
    try:
        line = proc.stdout.readline()
        assert line.startswith("explorer serving"), line
        for path in ("/", "/block/1", "/tx/0x" + "cd" * 32, "/address/0x" + "12" * 20):
            response = page.goto(f"http://127.0.0.1:{port}{path}")
            assert response.status == 503, path
            expect(page.locator("#error-title")).to_have_text("Node unreachable")
            expect(page.locator("#error-message")).to_contain_text(f"the node at http://127.0.0.1:{dead} did not answer")
            assert "Traceback" not in page.content()
    finally:
        proc.terminate()
        proc.wait(10)
        held[1].close()
