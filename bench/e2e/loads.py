"""The loads, signed for one node from its chain id and each sender's current nonce:
(a) ETH transfers from many senders, (b) the pipelined pattern, (c) ERC-20 transfers,
(d) EVM transfers beside native MsgSends (native only where the node has them).

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
    native: list[bytes] = field(default_factory=list)
    expect_evm: dict[bytes, int] = field(default_factory=dict)  # evm address -> next nonce
    expect_cosmos: dict[int, int] = field(default_factory=dict)  # account index -> next sequence

    @property
    def size(self) -> int:
        return len(self.evm) + len(self.native)

    def cosmos_lanes(self, count: int) -> list[list[bytes]]:
        """The native txs split into ``count`` lists, each sender's txs all in one, in order
        (the txs go nonce round after round over ``len(expect_cosmos)`` senders)."""
        senders = max(1, len(self.expect_cosmos))
        return [[raw for p, raw in enumerate(self.native) if p % senders % count == k] for k in range(count)]


def recipient(tag: str, n: int) -> bytes:
    return hashlib.sha256(f"e2e-{tag}-{n}".encode()).digest()[:20]


def _rounds(senders: Sequence[LoadAccount], per: int, nonces: Sequence[int],
            sign: Callable[[LoadAccount, int, int], bytes]) -> list[bytes]:
    return [sign(a, nonces[i] + r, r * len(senders) + i) for r in range(per) for i, a in enumerate(senders)]


def sign_load(name: str, node: Node, accounts: Sequence[LoadAccount], evm_nonces: Sequence[int],
              cosmos_seqs: Sequence[int], token: bytes, tag: str) -> Load:
    """Sign load ``name`` for ``node``; ``evm_nonces`` / ``cosmos_seqs`` are the current nonces
    of its EVM / native senders, ``tag`` makes the recipients fresh for this run."""
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
    if n_cosmos and node.cosmos_chain_id:
        natives = accounts[NATIVE_FIRST: NATIVE_FIRST + n_cosmos]
        load.native = _rounds(natives, per, cosmos_seqs,
                              lambda a, seq, k: cosmos_send(a, accounts[k % n_evm].address, seq, node.cosmos_chain_id))
        load.expect_cosmos = {NATIVE_FIRST + i: cosmos_seqs[i] + per for i in range(n_cosmos)}
    return load
