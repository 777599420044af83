"""The loads, signed for one node from its chain id and each sender's current nonce:
(a) ETH transfers from many senders, (b) the pipelined pattern, (c) ERC-20 transfers,
(d) EVM transfers beside native MsgSends; a node without native txs (geth) gets, in their
place, ETH transfers from the same senders, sent the same way: both nodes take the same
number of txs.

Every load sends nonce round after round (each sender's first tx, then each second, ...),
each tx to its own fresh recipient, so the only order that matters is a sender's own."""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from testnet.manifest import LoadAccount
from testnet.txgen import ERC20_GAS, cosmos_send, erc20_transfer_data, evm_call

from .nodes import Node

TRANSFERS, PIPELINED, ERC20_LOAD, MIX = "transfers", "pipelined", "erc20", "mix"
#: name -> (EVM senders, native senders, txs per sender)
SHAPES = {TRANSFERS: (1000, 0, 5), PIPELINED: (50, 0, 100), ERC20_LOAD: (500, 0, 10), MIX: (500, 500, 5)}
#: native senders come after every EVM sender of any load
NATIVE_FIRST = max(s[0] for s in SHAPES.values())
DEPLOYER = NATIVE_FIRST + max(s[1] for s in SHAPES.values())
ACCOUNTS = DEPLOYER + 1


@dataclass
class Load:
    """Signed txs for one node and the nonce each sender must reach once all are in."""

    name: str
    evm: list[bytes] = field(default_factory=list)
    #: The mix's second half: native txs, or ETH transfers on a node without them
    #: (``side_evm``); each sender's all in one lane (``lanes``).
    side: list[bytes] = field(default_factory=list)
    side_evm: bool = False
    expect_evm: dict[bytes, int] = field(default_factory=dict)  # evm address -> next nonce
    expect_cosmos: dict[int, int] = field(default_factory=dict)  # account index -> next sequence

    @property
    def size(self) -> int:
        return len(self.evm) + len(self.side)

    def lanes(self, count: int) -> list[list[bytes]]:
        """The second half's txs split into ``count`` lists, each sender's txs all in one, in
        order (the txs go nonce round after round over its senders)."""
        senders = max(1, SHAPES[self.name][1])
        return [[raw for p, raw in enumerate(self.side) if p % senders % count == k] for k in range(count)]


def recipient(tag: str, n: int) -> bytes:
    return hashlib.sha256(f"e2e-{tag}-{n}".encode()).digest()[:20]


def _rounds(senders: Sequence[LoadAccount], per: int, nonces: Sequence[int],
            sign: Callable[[LoadAccount, int, int], bytes]) -> list[bytes]:
    return [sign(a, nonces[i] + r, r * len(senders) + i) for r in range(per) for i, a in enumerate(senders)]


def sign_load(name: str, node: Node, accounts: Sequence[LoadAccount], evm_nonces: Sequence[int],
              side_nonces: Sequence[int], token: bytes, tag: str) -> Load:
    """Sign load ``name`` for ``node``; ``evm_nonces`` are the current nonces of its EVM
    senders, ``side_nonces`` those of the mix's second senders (native sequences, or EVM
    nonces on a node without native txs), ``tag`` makes the recipients fresh for this run."""
    n_evm, n_cosmos, per = SHAPES[name]
    evm = accounts[:n_evm]
    load = Load(name)
    if name == ERC20_LOAD:
        def sign(a: LoadAccount, nonce: int, k: int) -> bytes:
            return evm_call(a, nonce, token, node.chain_id, data=erc20_transfer_data(recipient(tag, k), 1),
                            gas=ERC20_GAS)
    else:
        def sign(a: LoadAccount, nonce: int, k: int) -> bytes:
            return evm_call(a, nonce, recipient(tag, k), node.chain_id, value=1)
    load.evm = _rounds(evm, per, evm_nonces, sign)
    load.expect_evm = {a.evm_address: evm_nonces[i] + per for i, a in enumerate(evm)}
    side = accounts[NATIVE_FIRST: NATIVE_FIRST + n_cosmos]
    if side and node.cosmos_chain_id:
        load.side = _rounds(side, per, side_nonces,
                              lambda a, seq, k: cosmos_send(a, accounts[k % n_evm].address, seq, node.cosmos_chain_id))
        load.expect_cosmos = {NATIVE_FIRST + i: side_nonces[i] + per for i in range(n_cosmos)}
    elif side:
        load.side = _rounds(side, per, side_nonces,
                              lambda a, nonce, k: evm_call(a, nonce, recipient(tag + "-side", k), node.chain_id, value=1))
        load.side_evm = True
        load.expect_evm.update({a.evm_address: side_nonces[i] + per for i, a in enumerate(side)})
    return load
