"""An in-process pysei app over a real SeiDB, driven block by block without CometBFT.

Used where a test needs many exact blocks fast (determinism across worker counts, fault
injection); the same ``App`` runs behind gRPC in the integration tests.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from coincurve import PrivateKey
from eth_account import Account
from google.protobuf.timestamp_pb2 import Timestamp

from abci_app.application.app import App
from abci_app.application.txcodec import TxCodec
from abci_app.cli.home_init import FundedAccount, app_genesis
from abci_app.config import AppConfig
from abci_app.cosmos_tx.builder import build_and_sign
from abci_app.modules.loader import load_modules
from abci_app.node.supervisor import make_scheduler
from ledger.addresses import evm_address_from_pubkey, sei_address_from_pubkey, to_bech32, to_checksum_evm
from pysei_pb.cosmos.bank.v1beta1 import tx_pb2 as bank_tx
from pysei_pb.tendermint.abci import types_pb2 as abci
from store.config import StoreConfig
from store.multistore import SeiDB

CHAIN_ID = "pysei-test-1"
EVM_CHAIN_ID = 713714
GENESIS_SECONDS = 1_767_225_600  # 2026-01-01


@dataclass(frozen=True)
class TestKey:
    privkey: bytes

    @property
    def pubkey(self) -> bytes:
        return PrivateKey(self.privkey).public_key.format(compressed=True)

    @property
    def sei(self) -> bytes:
        return sei_address_from_pubkey(self.pubkey)

    @property
    def bech32(self) -> str:
        return to_bech32(self.sei)

    @property
    def evm(self) -> bytes:
        return evm_address_from_pubkey(self.pubkey)


def make_keys(n: int, seed: str = "pysei") -> list[TestKey]:
    return [TestKey(hashlib.sha256(f"{seed}/{i}".encode()).digest()) for i in range(n)]


def cosmos_send(
    key: TestKey, to: bytes, amount: int, number: int, sequence: int, fee: int = 2_000, gas: int = 200_000
) -> bytes:
    msg = bank_tx.MsgSend(from_address=key.bech32, to_address=to_bech32(to))
    coin = msg.amount.add()
    coin.denom, coin.amount = "usei", str(amount)
    return build_and_sign(key.privkey, [msg], CHAIN_ID, number, sequence, fee, gas)


def native_codec() -> TxCodec:
    """A codec of Ethereum txs and the auth, bank and evm modules' native messages."""
    handlers: dict = {}
    for m in load_modules(["auth", "bank", "evm"]):
        handlers.update(m.messages)
    return TxCodec(EVM_CHAIN_ID, 1 << 20, handlers)


def forged(raw: bytes) -> bytes:
    """``raw`` with its signature's last byte flipped: it still decodes, it no longer verifies."""
    out = bytearray(raw)
    out[-1] ^= 1
    return bytes(out)


def refusal_batch(keys: Sequence[TestKey], to: bytes) -> list[bytes]:
    """Ten native txs of one broadcast batch: sends of 1 usei to ``to`` from ``keys[0..7]``
    (account numbers = their indexes, sequence 0) with an undecodable tx fifth, and last
    ``keys[8]``'s send with a broken signature."""
    sends = [cosmos_send(keys[i], to, 1, i, 0) for i in range(8)]
    return [*sends[:4], b"\x0a\xff\xff\x01garbage", *sends[4:], forged(cosmos_send(keys[8], to, 1, 8, 0))]


def evm_transfer(key: TestKey, to: bytes, value_wei: int, nonce: int, *, data: bytes = b"", gas: int = 21_000,
                 max_fee: int = 10**10, tip: int = 10**9, create: bool = False) -> bytes:
    tx = {
        "type": 2, "chainId": EVM_CHAIN_ID, "nonce": nonce, "gas": gas, "maxFeePerGas": max_fee,
        "maxPriorityFeePerGas": tip, "value": value_wei, "data": data,
    }
    if not create:
        tx["to"] = to_checksum_evm(to)
    return bytes(Account.sign_transaction(tx, key.privkey).raw_transaction)


class InProcessChain:
    """``App`` + SeiDB + scheduler in this process. ``workers``: 1 = serial, >1 = OCC pool."""

    def __init__(self, folder: Path, keys: Sequence[TestKey], workers: int = 1, balance: int = 10**15,
                 modules: Sequence[str] = ("auth", "bank", "evm"), index_events: Sequence[str] = (),
                 tx_index: str = "cometbft") -> None:

        self.config = AppConfig(chain_id=CHAIN_ID, evm_chain_id=EVM_CHAIN_ID, occ_workers=workers,
                                modules=list(modules), index_events=list(index_events), tx_index=tx_index)
        self.db = SeiDB(Path(folder), StoreConfig(sc_snapshot_interval=0))
        self.db.start()
        self.scheduler = make_scheduler(self.config, self.db, None)
        self.scheduler.start()
        self.app = App(self.config, self.db, self.scheduler, load_modules(self.config.modules))
        self.keys = list(keys)
        self.genesis = app_genesis([FundedAccount(k.sei, k.pubkey, k.evm, balance) for k in keys])
        self.height = 0

    def init_chain(self) -> bytes:
        req = abci.RequestInitChain(chain_id=CHAIN_ID, app_state_bytes=json.dumps(self.genesis).encode(),
                                    initial_height=1)
        req.consensus_params.block.max_gas = 100_000_000
        req.time.CopyFrom(Timestamp(seconds=GENESIS_SECONDS))
        return self.app.init_chain(req).app_hash

    def block(self, txs: Sequence[bytes]) -> abci.ResponseFinalizeBlock:
        self.height += 1
        h = self.height
        req = abci.RequestFinalizeBlock(
            txs=list(txs), height=h, hash=hashlib.sha256(b"block%d" % h).digest(),
            proposer_address=hashlib.sha256(b"proposer").digest()[:20],
        )
        req.time.CopyFrom(Timestamp(seconds=GENESIS_SECONDS + h))
        resp = self.app.finalize_block(req)
        self.app.commit(abci.RequestCommit())
        return resp

    def check(self, tx: bytes) -> abci.ResponseCheckTx:
        return self.app.check_tx(abci.RequestCheckTx(tx=tx))

    def close(self) -> None:
        self.scheduler.close()
        self.db.close()

    def __enter__(self) -> InProcessChain:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


@contextmanager
def started_chain(folder: Path, keys: Sequence[TestKey], **kwargs: object) -> Iterator[InProcessChain]:
    """An ``InProcessChain`` past InitChain and one empty block (the genesis state committed),
    closed after use; ``kwargs`` as ``InProcessChain``'s."""
    with InProcessChain(folder, keys, **kwargs) as chain:
        chain.init_chain()
        chain.block([])
        yield chain
