"""Signing a load ahead of time: native MsgSends, EVM value transfers, ERC-20 transfers.

Senders and recipients come from the localnet's funded keys: the first half sends, the
second half receives, so with enough keys every tx has its own sender and recipient and
no two txs touch the same key. A ``conflict`` fraction of the txs instead all pay one hot
recipient (its balance, or its token balance, is read and written by each of them).
"""

from __future__ import annotations

import hashlib
import random
from collections.abc import Sequence
from dataclasses import dataclass

from abci_app.cosmos_tx.builder import build_and_sign
from evm_bridge.signer import sign_tx
from pysei_pb.cosmos.bank.v1beta1 import tx_pb2 as bank_tx
from testnet.manifest import LoadAccount

NATIVE, EVM, ERC20 = "native", "evm", "erc20"
KINDS = (NATIVE, EVM, ERC20)
NATIVE_GAS, NATIVE_FEE = 200_000, 2_000  # min gas price 0.01 usei
EVM_GAS, ERC20_GAS = 21_000, 100_000
MAX_FEE_WEI, TIP_WEI = 100 * 10**9, 10**9
WEI_PER_USEI = 10**12
TRANSFER_SELECTOR = bytes.fromhex("a9059cbb")


@dataclass(frozen=True)
class LoadTx:
    kind: str
    raw: bytes
    sender: int  # index into the accounts; a sender's txs go to one node, in order
    node: int

    @property
    def hash(self) -> str:
        """CometBFT's tx hash: uppercase hex sha256 of the bytes."""
        return hashlib.sha256(self.raw).hexdigest().upper()


@dataclass(frozen=True)
class Mix:
    weights: dict[str, float]

    @staticmethod
    def parse(text: str) -> Mix:
        """``native=0.4,evm=0.4,erc20=0.2``."""
        out = {}
        for part in text.split(","):
            kind, _, w = part.partition("=")
            if kind.strip() not in KINDS:
                raise ValueError(f"unknown tx kind {kind!r}; use {KINDS}")
            out[kind.strip()] = float(w)
        return Mix(out)

    def counts(self, total: int) -> dict[str, int]:
        s = sum(self.weights.values())
        counts = {k: int(total * w / s) for k, w in self.weights.items()}
        first = next(iter(counts))
        counts[first] += total - sum(counts.values())
        return counts


def erc20_transfer_data(to: bytes, amount: int) -> bytes:
    return TRANSFER_SELECTOR + to.rjust(32, b"\0") + amount.to_bytes(32, "big")


def cosmos_send(a: LoadAccount, to: str, sequence: int, chain_id: str) -> bytes:
    msg = bank_tx.MsgSend(from_address=a.address, to_address=to)
    coin = msg.amount.add()
    coin.denom, coin.amount = "usei", "1"
    return build_and_sign(a.privkey, [msg], chain_id, a.account_number, sequence, NATIVE_FEE, NATIVE_GAS)


def evm_call(a: LoadAccount, nonce: int, to: bytes | None, evm_chain_id: int, *, value: int = 0,
             data: bytes = b"", gas: int = EVM_GAS) -> bytes:
    return sign_tx(a.privkey, chain_id=evm_chain_id, nonce=nonce, gas=gas, to=to, value=value, data=data,
                   max_fee_per_gas=MAX_FEE_WEI, max_priority_fee_per_gas=TIP_WEI)


@dataclass(frozen=True)
class Roles:
    """Which accounts send which kind, and who receives."""

    senders: dict[str, list[int]]
    recipients: list[int]
    hot: int
    deployer: int  # deploys the ERC-20 token and hands it out to the ERC-20 senders

    @staticmethod
    def assign(accounts: int, counts: dict[str, int]) -> Roles:
        """Senders from the first half in proportion to the mix; the rest receive; the last
        account deploys the token."""
        total = sum(counts.values()) or 1
        pool = max(len(counts), accounts // 2)
        senders, start = {}, 0
        for kind, n in counts.items():
            share = max(1, min(n, pool * n // total)) if n else 0
            senders[kind] = list(range(start, start + share))
            start += share
        recipients = list(range(start, accounts - 1)) or [0]
        return Roles(senders, recipients, recipients[0], accounts - 1)


def plan(
    accounts: Sequence[LoadAccount],
    counts: dict[str, int],
    *,
    chain_id: str,
    evm_chain_id: int,
    nodes: int,
    start_seq: dict[int, int],
    token: bytes | None = None,
    conflict: float = 0.0,
    seed: int = 7,
) -> list[LoadTx]:
    """Sign ``counts`` txs; ``start_seq`` is each sender's next sequence (native) or nonce (EVM).
    Kinds are interleaved in a seeded random order; each sender's txs keep their order."""
    roles = Roles.assign(len(accounts), counts)
    if not (0.0 <= conflict <= 1.0):
        raise ValueError("conflict is a fraction in [0, 1]")
    rng = random.Random(seed)
    kinds = [k for k, n in counts.items() for _ in range(n)]
    rng.shuffle(kinds)
    used = {k: 0 for k in counts}
    seq = dict(start_seq)
    out = []
    for j, kind in enumerate(kinds):
        pool = roles.senders[kind]
        s = pool[used[kind] % len(pool)]
        used[kind] += 1
        hot = rng.random() < conflict
        r = roles.hot if hot else roles.recipients[j % len(roles.recipients)]
        a, to = accounts[s], accounts[r]
        n = seq.get(s, 0)
        seq[s] = n + 1
        if kind == NATIVE:
            raw = cosmos_send(a, to.address, n, chain_id)
        elif kind == EVM:
            raw = evm_call(a, n, to.evm_address, evm_chain_id, value=WEI_PER_USEI)
        else:
            if token is None:
                raise ValueError("ERC-20 txs need a deployed token")
            raw = evm_call(a, n, token, evm_chain_id, data=erc20_transfer_data(to.evm_address, 1), gas=ERC20_GAS)
        out.append(LoadTx(kind, raw, s, s % nodes))
    return out
