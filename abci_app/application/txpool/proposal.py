"""Block building (PrepareProposal) and the proposal rules every validator enforces
(ProcessProposal).

Building: native txs first, this node's local ones (``native_local.py``) in admission order
then the mempool's in mempool order (Cosmos sequences: in order only); then the
Ethereum txs of the mempool and of this node's local txs (``pool.py``), sender by
sender, highest effective tip first (ties: the sender seen first), each sender's txs in
nonce order from its committed nonce, stopping at its first gap; all within the block's
byte limit, its limit on gas wanted (the sum of gas limits) and its gas limit (the sum of
the gas the txs are expected to use: an Ethereum tx's limit, a local native tx's CheckTx
gas used, another native tx's limit).

Rules (pure functions of the txs and the committed state, so honest validators agree):
every tx decodes, no tx appears twice, the gas limits sum to at most the block's limit on
gas wanted and the Ethereum txs' to at most its gas limit, one sender's Ethereum nonces
strictly increase, and a native tx whose signer has an account in
the committed state carries a valid signature for that account (an Ethereum tx's signature
is checked by decoding: the sender is recovered from it). A signer without an account yet
may get one earlier in the block: FinalizeBlock judges its tx.
"""

from __future__ import annotations

import heapq
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from abci_app.application.txcodec import COSMOS, EVM, Decoded
from evm_bridge.api import EvmTx
from ledger import codes
from ledger.codes import TxError

Decode = Callable[[bytes], Decoded]
#: False when a decoded native tx's signature is provably invalid against committed state.
SignatureCheck = Callable[[Decoded], bool]


@dataclass(frozen=True)
class Limits:
    max_bytes: int  # CometBFT's ``max_tx_bytes`` for the block
    max_gas: int  # the block gas limit, on the gas expected to be used (<= 0: none)
    base_fee: int  # wei, the next block's
    #: This node's budget for a block it proposes (``proposal_max_gas``; <= 0: none), on the
    #: gas expected to be used: a tx that would take the block past it waits for the next
    #: one, unless the block is empty.
    budget_gas: int = 0
    #: The most txs this node puts in a block it proposes (``proposal_max_txs``; <= 0: no cap).
    budget_txs: int = 0
    #: The block's limit on the sum of gas limits (<= 0: ``max_gas``).
    max_gas_wanted: int = 0


def _wanted_cap(max_gas: int, max_gas_wanted: int) -> int:
    """The bound on the sum of gas limits: ``max_gas_wanted``, or the gas limit without one."""
    return max_gas_wanted if max_gas_wanted > 0 else max_gas


def effective_tip(tx: EvmTx, base_fee: int) -> int:
    return min(tx.max_priority_fee_per_gas, tx.max_fee_per_gas - base_fee)


def tx_gas(decoded: Decoded) -> int:
    return decoded.tx.gas if decoded.kind == EVM else decoded.tx.gas_limit


def build_proposal(
    raws: Sequence[bytes],
    decode: Decode,
    keep: Callable[[EvmTx], bool],
    nonce_of: Callable[[bytes], int],
    limits: Limits,
    local: Sequence[EvmTx] = (),
    local_native: Sequence[tuple[bytes, int]] = (),
) -> list[bytes]:
    """The block's txs from the mempool's (``raws``) and this node's local txs (``local``,
    held in its pool only; after the mempool's in arrival order; ``local_native``: native
    txs held by this node only, in admission order, before the mempool's natives and never
    twice, each with its CheckTx gas used, which is what it counts against this node's
    budget: a native tx's limit is mostly unused). ``keep(tx)`` is False for a mempool tx
    the pool has replaced; ``nonce_of(sender)`` is the committed nonce."""
    out: list[bytes] = []
    size = gas = spent = 0
    wanted_cap = _wanted_cap(limits.max_gas, limits.max_gas_wanted)

    def fits(raw: bytes, g: int, cost: int | None = None) -> bool:
        """Take ``raw`` (gas limit ``g``; ``cost``: the gas it is expected to use, ``g`` if None)."""
        nonlocal size, gas, spent
        cost = g if cost is None else cost
        if size + len(raw) > limits.max_bytes or (wanted_cap > 0 and gas + g > wanted_cap):
            return False
        if limits.max_gas > 0 and spent + cost > limits.max_gas:
            return False
        if limits.budget_gas > 0 and out and spent + cost > limits.budget_gas:
            return False
        if 0 < limits.budget_txs <= len(out):
            return False
        out.append(raw)
        size += len(raw)
        gas += g
        spent += cost
        return True

    runs: dict[bytes, dict[int, EvmTx]] = {}
    first_seen: dict[bytes, int] = {}
    held_here: set[bytes] = set()
    taking = True  # in order: the first that does not fit ends them (sequences stay in order)
    for raw, used in local_native:
        try:
            d = decode(raw)
        except TxError:
            continue
        held_here.add(d.hash)
        taking = taking and fits(raw, tx_gas(d), used)

    def hold(tx: EvmTx, order: int) -> None:
        slots = runs.setdefault(tx.sender, {})
        first_seen.setdefault(tx.sender, order)
        slots.setdefault(tx.nonce, tx)

    for i, raw in enumerate(raws):
        try:
            d = decode(raw)
        except TxError:
            continue
        if d.kind != EVM:
            if d.hash not in held_here:
                fits(raw, tx_gas(d))
            continue
        if keep(d.tx):
            hold(d.tx, i)
    for i, tx in enumerate(local, len(raws)):
        hold(tx, i)
    heads: list[tuple[int, int, bytes, int]] = []
    for sender, slots in runs.items():
        _push(heads, slots, sender, nonce_of(sender), first_seen[sender], limits.base_fee)
    while heads:
        _, order, sender, nonce = heapq.heappop(heads)
        tx = runs[sender][nonce]
        if fits(tx.raw, tx.gas):
            _push(heads, runs[sender], sender, nonce + 1, order, limits.base_fee)
    return out


def _push(heads: list, slots: dict[int, EvmTx], sender: bytes, nonce: int, order: int, base_fee: int) -> None:
    held = slots.get(nonce)
    if held is None:
        return
    tip = effective_tip(held, base_fee)
    if tip >= 0:
        heapq.heappush(heads, (-tip, order, sender, nonce))


def proposal_fault(
    raws: Sequence[bytes],
    decode: Decode,
    max_gas: int,
    signed: SignatureCheck = lambda d: True,
    max_gas_wanted: int = 0,
) -> str | None:
    """Why ProcessProposal must reject these txs, or None. ``max_gas`` bounds the Ethereum
    txs' gas limits, ``max_gas_wanted`` (<= 0: ``max_gas``) every tx's. Oversize txs are
    judged by FinalizeBlock instead (the size limit is a node's own setting)."""
    gas = evm_gas = 0
    last: dict[bytes, int] = {}
    seen: dict[bytes, int] = {}
    for i, raw in enumerate(raws):
        if raw in seen:
            return f"tx {i} repeats tx {seen[raw]}"
        seen[raw] = i
        try:
            d = decode(raw)
        except TxError as e:
            if e.code == codes.TX_TOO_LARGE:
                continue
            return f"tx {i} does not decode: {e.log}"
        if d.kind == COSMOS and not signed(d):
            return f"tx {i}: invalid signature"
        gas += tx_gas(d)
        if d.kind == EVM:
            tx = d.tx
            evm_gas += tx.gas
            prev = last.get(tx.sender)
            if prev is not None and tx.nonce <= prev:
                return f"tx {i}: nonce {tx.nonce} of 0x{tx.sender.hex()} after nonce {prev}"
            last[tx.sender] = tx.nonce
    if max_gas > 0 and evm_gas > max_gas:
        return f"Ethereum txs' gas limits sum to {evm_gas}, over the block gas limit {max_gas}"
    wanted_cap = _wanted_cap(max_gas, max_gas_wanted)
    if wanted_cap > 0 and gas > wanted_cap:
        return f"txs' gas limits sum to {gas}, over the block's limit on gas wanted {wanted_cap}"
    return None
