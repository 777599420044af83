"""The explorer in a real headless Chromium against a real node with EVM, native and Wasm
txs: live home page, search, tx, block (OCC conflicts), address and validator pages."""

from __future__ import annotations

import json
import os
import re
import urllib.request

from eth_account import Account
from eth_hash.auto import keccak
from eth_utils import to_checksum_address
from playwright.sync_api import Browser, Page, expect

from tests.support.node import free_port

from .conftest import BURST, SCREENSHOTS, Chain, free_explorer, send


def test_home_block_list_advances_by_itself(chain: Chain, page: Page) -> None:
    page.goto(chain.url + "/")
    first = page.locator("#blocks tbody tr").first
    start = int(first.get_attribute("data-height"))
    page.evaluate("window.__notReloaded = true")
    page.wait_for_function(
        f"Number(document.querySelector('#blocks tbody tr').dataset.height) >= {start + 2}", timeout=30_000
    )
    assert page.evaluate("window.__notReloaded") is True
    chart_last = float(page.locator("#chart-interval").get_attribute("data-last"))
    page.wait_for_function(f"Number(document.getElementById('chart-tps').dataset.last) > {chart_last}", timeout=30_000)
    heights = [int(h) for h in page.locator("#blocks tbody tr").evaluate_all("rows => rows.map(r => r.dataset.height)")]
    assert heights == sorted(heights, reverse=True) and len(heights) == len(set(heights))
    assert heights[0] >= start + 2


def test_home_latest_txs_arrive_live(chain: Chain, page: Page) -> None:
    page.goto(chain.url + "/")
    page.evaluate("window.__notReloaded = true")
    tx_hash = send(chain.w3, chain.keys["alice"]["key"], {"to": Account.create().address, "value": 7, "gas": 21_000})
    link = page.locator(f"#txs tbody a[href='/tx/{tx_hash}']")
    expect(link).to_have_count(1, timeout=30_000)
    expect(link.locator("xpath=../..").locator("td").nth(1)).to_have_text("EVM")
    height = chain.w3.eth.wait_for_transaction_receipt(tx_hash, 30, 0.2)["blockNumber"]
    expect(link.locator("xpath=../..").locator("td").nth(2)).to_have_text(str(height))
    assert page.evaluate("window.__notReloaded") is True


def test_search_for_a_tx_hash_opens_its_page_with_transfer_and_call_tree(chain: Chain, page: Page) -> None:
    alice, bob = (to_checksum_address(chain.keys[k]["evm_address"]) for k in ("alice", "bob"))
    page.goto(chain.url + "/")
    page.fill("#q", chain.transfer_hash)
    page.press("#q", "Enter")
    expect(page).to_have_url(chain.url + "/tx/" + chain.transfer_hash)
    expect(page.locator("#tx-hash")).to_have_text(chain.transfer_hash)
    expect(page.locator("#tx-status")).to_have_text("success")
    log = page.locator("#logs li.log").first
    expect(log.locator(".event-name")).to_have_text("Transfer")
    expect(log.locator("[data-arg=from]")).to_have_text(alice)
    expect(log.locator("[data-arg=to]")).to_have_text(bob)
    expect(log.locator("[data-arg=value]")).to_have_text("1234")
    root = page.locator("#call-tree > li")
    expect(root.locator(":scope > .call-type")).to_have_text("CALL")
    expect(root.locator(":scope > a").nth(0)).to_have_attribute("href", "/address/" + alice)
    expect(root.locator(":scope > a").nth(1)).to_have_attribute("href", "/address/" + chain.relay)
    inner = root.locator(":scope > ul > li")
    expect(inner).to_have_count(1)
    expect(inner.locator(":scope > .call-type")).to_have_text("CALL")
    expect(inner.locator(":scope > a").nth(0)).to_have_attribute("href", "/address/" + chain.relay)
    expect(inner.locator(":scope > a").nth(1)).to_have_attribute("href", "/address/" + chain.token)
    expect(page.locator("#cosmos-hash")).to_have_text(chain.cosmos_hash(chain.transfer_hash))


def test_reverted_tx_shows_its_revert_reason_in_the_tree(chain: Chain, page: Page) -> None:
    page.goto(chain.url + "/tx/" + chain.revert_hash)
    expect(page.locator("#tx-status")).to_have_text("reverted")
    expect(page.locator("#revert-reason")).to_have_text("TestToken: allowance exceeded")
    inner = page.locator("#call-tree > li > ul > li")
    expect(inner.locator(":scope > .fail")).to_have_text("execution reverted: TestToken: allowance exceeded")
    expect(page.locator("#logs")).to_have_text("no logs")


def test_block_with_conflicting_txs_shows_its_conflict_report(chain: Chain, page: Page) -> None:
    heights = sorted({chain.w3.eth.get_transaction_receipt(h)["blockNumber"] for h in chain.burst_hashes})
    reports = [r for r in (chain.occ_report(h) for h in heights) if r and r["conflict_keys"]]
    assert reports, f"no block of the burst ({heights}) had a conflict"
    report = reports[0]
    page.goto(f"{chain.url}/block/{report['height']}")
    expect(page.locator("#occ-workers")).to_have_text("2")
    expect(page.locator("#occ-speculated")).to_have_text(str(report["speculated"]))
    expect(page.locator("#occ-reexecuted")).to_have_text(str(report["re_executed"]))
    rows = page.locator("#conflicts tbody tr")
    expect(rows).to_have_count(len(report["conflict_keys"]))
    meanings = rows.locator("td.meaning").evaluate_all("cells => cells.map(c => c.title)")
    counts = [int(c) for c in rows.locator("td:nth-child(2)").all_inner_texts()]
    assert counts == [k["count"] for k in report["conflict_keys"]]
    lanes = page.locator("#lanes tbody tr")
    assert [(r.locator("td").nth(0).inner_text(), r.locator("td.range").inner_text()) for r in lanes.all()] == [
        (lane["lane"], f"{lane['first']}–{lane['end'] - 1}") for lane in report["lanes"]]
    assert [lane["lane"] for lane in report["lanes"]] == ["app", "worker 1"]
    assert report["lanes"][1]["end"] == report["txs"] and report["txs"] - report["lanes"][1]["first"] == report["speculated"]
    bob = chain.keys["bob"]
    expected = {f"nonce of {to_checksum_address(bob['evm_address'])}", f"balance (usei) of {bob['address']}",
                f"wei remainder of {bob['address']}"}
    assert set(meanings) <= expected | {m for m in meanings if m.endswith("(fee collector)")}, meanings
    assert set(meanings) & expected


def test_token_conflicts_name_the_slot_and_the_contract(chain: Chain, page: Page) -> None:
    """Holders sending one token each to one sink conflict on the sink's balance slot:
    ``balanceOf`` is the token's storage slot 3, so the key is keccak(sink ‖ 3)."""
    heights = sorted({chain.w3.eth.get_transaction_receipt(h)["blockNumber"] for h in chain.token_burst_hashes})
    reports = [r for r in (chain.occ_report(h) for h in heights) if r and r["conflict_keys"]]
    assert reports, f"no block of the token burst ({heights}) had a conflict"
    slot = int.from_bytes(keccak(bytes(12) + bytes.fromhex(chain.token_sink[2:]) + (3).to_bytes(32, "big")), "big")
    token = to_checksum_address(chain.token)
    page.goto(f"{chain.url}/block/{reports[0]['height']}")
    rows = page.locator("#conflicts tbody tr")
    expect(rows).to_have_count(1)
    expect(rows.locator("td.meaning")).to_have_attribute("title", f"slot {slot} of {token}")
    expect(rows.locator("td.meaning strong.contract")).to_have_text("TKN")
    expect(rows.locator("td").nth(1)).to_have_text(str(reports[0]["conflict_keys"][0]["count"]))


def test_address_page_shows_both_forms_and_the_rpc_balance(chain: Chain, page: Page) -> None:
    bob = chain.keys["bob"]
    page.goto(chain.url + "/search?q=" + bob["address"])
    evm = to_checksum_address(bob["evm_address"])
    expect(page).to_have_url(chain.url + "/address/" + bob["address"])
    expect(page.locator("#evm-address")).to_have_text(evm)
    expect(page.locator("#sei-address")).to_have_text(bob["address"])
    wei = chain.w3.eth.get_balance(evm)
    expect(page.locator("#evm-balance")).to_have_attribute("data-wei", str(wei))
    expect(page.locator("#nonce")).to_have_text(str(chain.w3.eth.get_transaction_count(evm)))
    hashes = page.locator("#address-evm-txs tbody a[href^='/tx/']").evaluate_all("a => a.map(x => x.getAttribute('href'))")
    assert {"/tx/" + h for h in chain.burst_hashes} <= set(hashes)


def test_native_tx_page_shows_messages_and_events(chain: Chain, page: Page) -> None:
    page.goto(chain.url + "/search?q=" + chain.bank_send_hash)
    expect(page.locator("#cosmos-hash")).to_have_text(chain.bank_send_hash)
    expect(page.locator("#tx-status")).to_have_text("success")
    expect(page.locator("h1")).to_have_text("Native transaction")
    expect(page.locator("#messages li strong").first).to_have_text("/cosmos.bank.v1beta1.MsgSend")
    expect(page.locator("#messages [data-field=to_address] a")).to_have_attribute("href", "/address/" + chain.keys["bob"]["address"])
    expect(page.locator("#events")).to_contain_text("transfer")


def test_wasm_tx_page_shows_the_contract_call(chain: Chain, page: Page) -> None:
    page.goto(chain.url + "/tx/" + chain.wasm_hash)
    expect(page.locator("h1")).to_have_text("Wasm transaction")
    expect(page.locator("#messages li strong").first).to_have_text("/cosmwasm.wasm.v1.MsgExecuteContract")
    expect(page.locator("#messages [data-field=contract] a")).to_have_attribute("href", "/address/" + chain.wasm_contract)
    bob = chain.keys["bob"]["address"]
    expect(page.locator("#messages [data-field=msg]")).to_have_text(f'{{"transfer": {{"amount": "25", "recipient": "{bob}"}}}}')


def test_validator_page_from_a_block_proposer(chain: Chain, page: Page) -> None:
    page.goto(chain.url + "/block/3")
    proposer = page.locator("dd a[href^='/validator/']").inner_text()
    assert proposer == chain.node.rpc("block", height="3")["block"]["header"]["proposer_address"]
    before = chain.node.height()
    page.click("dd a[href^='/validator/']")
    expect(page.locator("#consensus")).to_have_text(proposer)
    expected = json.loads(urllib.request.urlopen(chain.node.rest_url + "/cosmos/staking/v1beta1/validators").read())
    (validator,) = expected["validators"]
    expect(page.locator("#operator")).to_have_text(validator["operator_address"])
    expect(page.locator("#stake")).to_have_text(f"{validator['tokens']} usei")
    owner = chain.keys["validator"]["address"]
    own = json.loads(urllib.request.urlopen(
        f"{chain.node.rest_url}/cosmos/staking/v1beta1/validators/{validator['operator_address']}/delegations/{owner}").read())
    expect(page.locator("#self-bonded")).to_contain_text(f"{own['delegation_response']['balance']['amount']} usei by")
    expect(page.locator("#self-bonded a")).to_have_attribute("href", "/address/" + owner)
    signed, counted = map(int, re.fullmatch(r"signed (\d+) of the last (\d+) blocks", page.locator("#uptime").inner_text()).groups())
    assert signed == counted >= min(100, before)


def test_home_lists_the_validator_with_no_missed_blocks(chain: Chain, page: Page) -> None:
    page.goto(chain.url + "/")
    (row,) = page.locator("#validators tbody tr").all()
    address = chain.node.rpc("status")["validator_info"]["address"]
    assert row.locator("a").get_attribute("href") == "/validator/" + address
    assert row.locator("td").nth(1).inner_text() == chain.node.rpc("validators")["validators"][0]["voting_power"]
    assert row.locator("td").nth(2).inner_text() == "0"
    expect(page.locator("#validators th").nth(2)).to_have_text("missed (last 20)")


def test_pages_fit_a_phone_screen(chain: Chain, browser: Browser) -> None:
    """No page scrolls sideways at a phone's width (390 CSS pixels)."""
    ctx = browser.new_context(viewport={"width": 390, "height": 844}, device_scale_factor=2, is_mobile=True)
    page = ctx.new_page()
    try:
        bob = chain.keys["bob"]["address"]
        for name, path in (("home", "/"), ("block", "/block/3"), ("tx", "/tx/" + chain.transfer_hash),
                           ("address", "/address/" + bob)):
            page.goto(chain.url + path)
            width = page.evaluate("document.documentElement.scrollWidth")
            assert width <= 390, (path, width)
            if os.environ.get("PYSEI_SCREENSHOTS") == "1":
                SCREENSHOTS.mkdir(parents=True, exist_ok=True)
                page.screenshot(path=str(SCREENSHOTS / f"phone_{name}.png"))
    finally:
        ctx.close()


def test_the_two_hashes_of_an_evm_tx_open_the_same_page(chain: Chain, page: Page) -> None:
    page.goto(chain.url + "/tx/" + chain.transfer_hash)
    cosmos = chain.cosmos_hash(chain.transfer_hash)
    page.click("#cosmos-hash a")
    expect(page).to_have_url(f"{chain.url}/tx/0x{cosmos.lower()}")
    expect(page.locator("#tx-hash")).to_have_text(chain.transfer_hash)
    expect(page.locator("#cosmos-hash")).to_have_text(cosmos)


def test_pysei_explorer_reads_a_running_node(chain: Chain, page: Page) -> None:
    """``pysei explorer --node`` as its own process shows the node's blocks."""
    port = free_port()
    node = chain.node
    proc = free_explorer(node.rpc_url, node.evm_url, node.rest_url, port)
    try:
        assert proc.stdout.readline().startswith(f"explorer serving http://127.0.0.1:{port} for {node.rpc_url}")
        response = page.goto(f"http://127.0.0.1:{port}/block/4")
        assert response.status == 200
        expect(page.locator("dl.facts dd").first).to_have_text(node.rpc("block", height="4")["block_id"]["hash"])
    finally:
        proc.terminate()
        proc.wait(10)


def test_address_page_lists_the_native_txs_it_sent(chain: Chain, page: Page) -> None:
    page.goto(chain.url + "/address/" + chain.keys["validator"]["address"])
    links = page.locator("#address-native-txs tbody a[href^='/tx/']").evaluate_all("a => a.map(x => x.getAttribute('href'))")
    assert "/tx/0x" + chain.bank_send_hash.lower() in links


def test_contract_address_page_shows_its_code(chain: Chain, page: Page) -> None:
    page.goto(chain.url + "/address/" + chain.token)
    expect(page.locator("h1")).to_have_text("Contract")
    code = bytes(chain.w3.eth.get_code(chain.token))
    expect(page.locator("#code summary")).to_have_text(f"{len(code)} bytes")
    expect(page.locator("#code div")).to_have_text("0x" + code.hex())


def test_home_block_list_shows_each_blocks_parallel_execution(chain: Chain, page: Page) -> None:
    """The OCC column: txs speculated by workers / re-executed, from each block's report."""
    key = chain.keys["alice"]["key"]
    sender = Account.from_key(key).address
    nonce, price, chain_id = chain.w3.eth.get_transaction_count(sender, "pending"), chain.w3.eth.gas_price, chain.w3.eth.chain_id
    to = Account.create().address
    raws = [Account.sign_transaction({"to": to, "value": 1 + i, "gas": 21_000, "gasPrice": price, "nonce": nonce + i,
                                      "chainId": chain_id}, key).raw_transaction for i in range(BURST)]
    hashes = [chain.w3.eth.send_raw_transaction(r) for r in raws]
    burst = {chain.w3.eth.wait_for_transaction_receipt(h, 60, 0.2)["blockNumber"] for h in hashes}
    page.goto(chain.url + "/")
    rows = {int(r.get_attribute("data-height")): r.locator("td.occ").inner_text() for r in page.locator("#blocks tbody tr").all()}
    assert burst <= set(rows), (burst, sorted(rows))
    speculated = 0
    for height, text in rows.items():
        report = chain.occ_report(height)
        if report is None:
            want = "—"
        elif report["speculated"]:
            want = f"{report['speculated']} / {report['re_executed']}"
        else:
            want = "in order" if report["txs"] else "—"
        assert text == want, height
        speculated += report["speculated"] if report and height in burst else 0
    assert speculated > 0, "no tx of the burst was speculated"
