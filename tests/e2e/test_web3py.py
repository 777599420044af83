"""web3.py against a real node: deploy the ERC-20, transfer, read balances with eth_call,
find Transfer with eth_getLogs and a WebSocket logs subscription, see a revert reason."""

from __future__ import annotations

import asyncio

import pytest
from web3 import AsyncWeb3, Web3
from web3.exceptions import ContractLogicError
from web3.providers.persistent import WebSocketProvider

from tests.e2e.conftest import E2E

pytestmark = pytest.mark.e2e


def _send(w3: Web3, key: str, tx: dict) -> dict:
    acct = w3.eth.account.from_key(key)
    tx = {**tx, "from": acct.address, "nonce": w3.eth.get_transaction_count(acct.address, "pending")}
    tx.setdefault("chainId", w3.eth.chain_id)
    if "gas" not in tx:
        tx["gas"] = w3.eth.estimate_gas(tx)
    signed = acct.sign_transaction(tx)
    h = w3.eth.send_raw_transaction(signed.raw_transaction)
    return w3.eth.wait_for_transaction_receipt(h, timeout=30, poll_latency=0.2)


async def _watch_transfer(e2e: E2E, token: str, ready: asyncio.Event, found: asyncio.Future) -> None:
    async with AsyncWeb3(WebSocketProvider(e2e.ws)) as w3:
        transfer = w3.keccak(text="Transfer(address,address,uint256)")
        await w3.eth.subscribe("logs", {"address": token, "topics": [transfer]})
        ready.set()
        async for msg in w3.socket.process_subscriptions():
            found.set_result(msg["result"])
            return


def test_erc20_with_web3py(e2e: E2E) -> None:
    w3 = Web3(Web3.HTTPProvider(e2e.http))
    assert w3.is_connected() and w3.eth.chain_id == 713714
    alice = w3.eth.account.from_key(e2e.keys["alice"]).address
    bob = w3.eth.account.from_key(e2e.keys["bob"]).address
    assert w3.eth.get_balance(alice) > 10**26

    factory = w3.eth.contract(abi=e2e.abi, bytecode=e2e.bytecode)
    deploy = factory.constructor("Token", "TKN", 10**24).build_transaction({"from": alice, "nonce": 0, "gas": 2_000_000})
    receipt = _send(w3, e2e.keys["alice"], {k: v for k, v in deploy.items() if k != "nonce"})
    assert receipt.status == 1 and receipt.contractAddress
    token = w3.eth.contract(address=receipt.contractAddress, abi=e2e.abi)
    assert token.functions.symbol().call() == "TKN"
    assert token.functions.balanceOf(alice).call() == 10**24

    async def transfer_and_watch() -> dict:
        ready, found = asyncio.Event(), asyncio.get_running_loop().create_future()
        watcher = asyncio.create_task(_watch_transfer(e2e, token.address, ready, found))
        await asyncio.wait_for(ready.wait(), 15)
        tx = token.functions.transfer(bob, 1234).build_transaction({"from": alice, "nonce": 0, "gas": 100_000})
        rec = await asyncio.to_thread(_send, w3, e2e.keys["alice"], {k: v for k, v in tx.items() if k != "nonce"})
        log = await asyncio.wait_for(found, 30)
        await watcher
        return {"receipt": rec, "log": log}

    out = asyncio.run(transfer_and_watch())
    rec = out["receipt"]
    assert rec.status == 1
    assert out["log"]["transactionHash"] == rec.transactionHash
    assert token.functions.balanceOf(bob).call() == 1234
    assert token.functions.balanceOf(alice).call() == 10**24 - 1234

    logs = token.events.Transfer().get_logs(from_block=receipt.blockNumber)
    assert [(lg.args["to"], lg.args["value"]) for lg in logs][-1] == (bob, 1234)
    assert w3.eth.get_transaction_receipt(rec.transactionHash).logs[0].topics[0] == w3.keccak(
        text="Transfer(address,address,uint256)"
    )

    with pytest.raises(ContractLogicError, match="TestToken: insufficient balance"):
        token.functions.transfer(alice, 10**30).call({"from": bob})
    with pytest.raises(ContractLogicError, match="TestToken: insufficient balance"):
        token.functions.transfer(alice, 10**30).estimate_gas({"from": bob})

    block = w3.eth.get_block(rec.blockNumber, full_transactions=True)
    assert block.transactions[rec.transactionIndex].hash == rec.transactionHash
    assert w3.eth.get_block(rec.blockNumber - 1).hash == block.parentHash
