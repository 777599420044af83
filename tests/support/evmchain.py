"""Hand-built committed blocks with real signed Ethereum txs, for index and RPC tests."""

from __future__ import annotations

from eth_account import Account

from evm_bridge.api import EvmLog, EvmReceipt, EvmTx
from evm_bridge.receipts import logs_bloom
from evm_bridge.txs import decode_tx
from ledger.addresses import to_checksum_evm
from ledger.blocks import CommittedBlock
from ledger.results import TxResult

CHAIN_ID = 713714
KEY = "0x" + "11" * 32
SENDER = Account.from_key(KEY).address
TOKEN = bytes.fromhex("aa" * 20)
TRANSFER = bytes.fromhex("ddf252ad1be2c89b69c2b068fc378daa952ba7f163c4a11628f55a4df523b3ef")


def signed_tx(nonce: int, to: bytes | None = b"\x22" * 20, data: bytes = b"", key: str = KEY) -> EvmTx:
    tx = {
        "type": 2, "chainId": CHAIN_ID, "nonce": nonce, "gas": 100_000, "maxFeePerGas": 2 * 10**9,
        "maxPriorityFeePerGas": 10**9, "to": to_checksum_evm(to) if to else "", "value": 1, "data": data,
    }
    if not to:
        del tx["to"]
    raw = bytes(Account.sign_transaction(tx, key).raw_transaction)
    return decode_tx(raw, CHAIN_ID)


def receipt(tx: EvmTx, logs: tuple[EvmLog, ...] = (), status: int = 1, gas: int = 21_000) -> EvmReceipt:
    return EvmReceipt(
        tx_hash=tx.hash, type=tx.type, status=status, gas_used=gas, logs=logs,
        bloom=logs_bloom(logs), contract_address=None, effective_gas_price=tx.effective_gas_price(10**9),
        sender=tx.sender, to=tx.to, output=b"", error="" if status else "execution reverted",
    )


def transfer_log(amount: int, to: bytes = b"\x33" * 20) -> EvmLog:
    sender = bytes.fromhex(SENDER[2:])
    return EvmLog(TOKEN, (TRANSFER, sender.rjust(32, b"\0"), to.rjust(32, b"\0")), amount.to_bytes(32, "big"))


def block(height: int, txs: list[EvmTx], receipts: list[EvmReceipt], native: list[bytes] = ()) -> CommittedBlock:
    results = [TxResult(gas_used=r.gas_used, gas_wanted=t.gas, evm=r) for t, r in zip(txs, receipts, strict=True)]
    results += [TxResult(gas_used=50_000, gas_wanted=60_000) for _ in native]
    return CommittedBlock(
        height=height, hash=height.to_bytes(32, "big"), time_ns=1_700_000_000_000_000_000 + height * 10**9,
        proposer=b"\x05" * 20, app_hash=b"\x07" * 32, txs=tuple([t.raw for t in txs] + list(native)),
        results=tuple(results), gas_limit=100_000_000, gas_used=sum(r.gas_used for r in results),
        base_fee_wei=10**9, decoded=tuple(list(txs) + [None] * len(native)),
    )


def simple_chain(n: int = 5) -> list[CommittedBlock]:
    """Heights 1..n; block h holds h-1 token transfers from ``SENDER`` plus one native tx at h=3."""
    blocks, nonce = [], 0
    for h in range(1, n + 1):
        txs, rcpts = [], []
        for _ in range(h - 1):
            tx = signed_tx(nonce, to=TOKEN)
            nonce += 1
            txs.append(tx)
            rcpts.append(receipt(tx, (transfer_log(nonce),), gas=30_000))
        blocks.append(block(h, txs, rcpts, native=[b"\x0a\x02native" + bytes([h])] if h == 3 else []))
    return blocks
