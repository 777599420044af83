"""The inline opcode loop equals py-evm's: random bytecode, run by a tx through the chain's
VM (``evm_bridge.interpreter``) and through the same VM with py-evm's own
``apply_computation`` and no opcode inlined (the oracle), gives the same ``TxResult``
(status, gas used, output, logs, error) and the same writes, and each computation stops
with the same stack (item by item, bytes or int as pushed), memory, gas and program
counter.

Programs mix every inlined opcode (PUSH0-32 with short code at the end, DUP1-16, SWAP1-16,
POP, MLOAD, MSTORE and KECCAK256 within and beyond the memory paid for, CALLER, CALLVALUE,
CALLDATALOAD at offsets inside and past the calldata, CALLDATASIZE, JUMPDEST, JUMP, JUMPI to real, data and out-of-range targets, arithmetic, comparison
and bit operations on values of every size) with opcodes py-evm runs (memory, storage,
environment, logs, STOP, RETURN, REVERT, INVALID, undefined bytes), under gas limits that
run out anywhere and stacks that underflow and overflow; they end by returning the top
stack words. Both forks the bridge runs (Prague, Cancun) are covered.

Mutations of the loop that must make this fail (checked): SUB operands swapped; JUMPI
taken when its condition is zero; PUSH's gas not charged; DUP16 copying the 15th item;
MSTORE inline when the word ends one byte past the memory paid for; KECCAK256 charging 5 gas a
word; KECCAK256 inline past the memory paid for; CALLDATALOAD leaving its zero bytes in.
"""

from __future__ import annotations

from typing import Any

from eth.vm.computation import BaseComputation
from eth_hash.auto import keccak
from hypothesis import event, given, settings
from hypothesis import strategies as st

from evm_bridge.account_db import STORE
from evm_bridge.execute import run
from evm_bridge.precompiles.registry import precompile_table
from evm_bridge.signer import address_of, sign_tx
from evm_bridge.txs import decode_tx
from evm_bridge.vm import execution_context
from ledger import bank
from ledger.context import BlockContext
from ledger.encoding import encode_uint
from store.overlay import EmptyView, Overlay

CHAIN_ID = 713714
KEY = b"\x61" * 32
SENDER = address_of(KEY)
CONTRACT = bytes.fromhex("0c" * 20)

INLINED = [0x01, 0x02, 0x03, 0x04, 0x10, 0x11, 0x14, 0x15, 0x16, 0x17, 0x18, 0x19, 0x1B, 0x1C, 0x20, 0x33,
           0x34, 0x35, 0x36, 0x50, 0x51, 0x52, 0x5B, 0x5F]
OTHERS = [0x00, 0x05, 0x06, 0x0A, 0x12, 0x13, 0x1A, 0x1D, 0x30, 0x37, 0x3D, 0x53,
          0x54, 0x55, 0x58, 0x59, 0x5A, 0xA0, 0xA1, 0xF3, 0xFD, 0xFE, 0x0C, 0x21, 0xEF]
WORDS = st.one_of(st.integers(0, 3), st.integers(0, 300), st.sampled_from((0, 32, 64, 95, 96, 97, 128)), st.integers(0, 2**256 - 1),
                  st.sampled_from((2**255, 2**256 - 1, 255, 256, 257)))

#: Calldata, some of it with leading zero bytes (CALLDATALOAD strips them from its word).
CALLDATA = st.one_of(st.binary(max_size=40),
                     st.tuples(st.integers(1, 12), st.binary(max_size=28)).map(lambda t: b"\x00" * t[0] + t[1]))


def _reference(state_cls: Any) -> Any:
    """The same VM state with py-evm's own opcode loop and nothing inlined."""
    comp = state_cls.computation_class
    ref = type("ReferenceComputation", (comp,), {
        "opcodes": dict(comp.opcodes),
        "apply_computation": classmethod(BaseComputation.apply_computation.__func__),
    })
    return type("ReferenceState", (state_cls,), {"computation_class": ref})


@st.composite
def programs(draw: Any) -> bytes:
    items: list[tuple[str, Any]] = []
    for _ in range(draw(st.sampled_from((0, 3, 17, 17, 24, 24)))):  # a stack to work on
        n = draw(st.integers(1, 32))
        items.append(("raw", bytes([0x5F + n]) + draw(WORDS).to_bytes(32, "big")[-n:]))
    for _ in range(draw(st.integers(0, 60))):
        kind = draw(st.sampled_from(("push", "push", "push", "dup", "swap", "op", "op", "other", "jump", "dest",
                                     "memory", "calldata")))
        if kind == "push":
            n = draw(st.integers(1, 32))
            items.append(("raw", bytes([0x5F + n]) + draw(WORDS).to_bytes(32, "big")[-n:]))
        elif kind == "dup":
            items.append(("raw", bytes([0x7F + draw(st.integers(1, 16))])))
        elif kind == "swap":
            items.append(("raw", bytes([0x8F + draw(st.integers(1, 16))])))
        elif kind == "op":
            items.append(("raw", bytes([draw(st.sampled_from(INLINED))])))
        elif kind == "other":
            items.append(("raw", bytes([draw(st.sampled_from(OTHERS))])))
        elif kind == "dest":
            items.append(("raw", b"\x5b"))
        elif kind == "memory":  # MSTORE / MLOAD at offsets around the memory paid for
            offset = draw(st.sampled_from((0, 1, 31, 32, 33, 63, 64, 65, 95, 96, 97)))
            op = draw(st.sampled_from((0x51, 0x52, 0x20)))
            size = bytes([0x60, draw(st.sampled_from((0, 1, 32, 33, 64)))]) if op == 0x20 else b""
            items.append(("raw", size + bytes([0x60, offset, op])))
        elif kind == "calldata":  # CALLDATALOAD inside, across and past the calldata
            items.append(("raw", bytes([0x60, draw(st.sampled_from((0, 3, 4, 8, 36, 39, 40, 64))), 0x35])))
        else:
            items.append(("jump", (draw(st.integers(0, 70)), draw(st.sampled_from((0x56, 0x57))),
                                   draw(st.integers(0, 3)))))
    # lay out (jumps are PUSH2 target + JUMP/JUMPI), then resolve targets
    offsets, pos = [], 0
    for kind, value in items:
        offsets.append(pos)
        pos += len(value) if kind == "raw" else 4
    tail_at = pos
    code = b""
    for kind, value in items:
        if kind == "raw":
            code += value
            continue
        target, op, how = value
        if how == 0:  # an instruction start (a JUMPDEST or not)
            dest = offsets[target % len(offsets)] if offsets else 0
        elif how == 1:  # the return tail
            dest = tail_at
        elif how == 2:  # inside a PUSH's data or anywhere
            dest = target
        else:  # past the code
            dest = 0xFFFF
        code += bytes([0x61]) + dest.to_bytes(2, "big") + bytes([op])
    # tail: JUMPDEST, then store up to 3 stack words and return them
    code += b"\x5b" + b"".join(bytes([0x60, 32 * k, 0x52]) for k in range(draw(st.integers(0, 3))))
    code += bytes.fromhex("606060" + "00" + "f3")  # PUSH1 0x60 PUSH1 0x00 ... RETURN(0, 0x60)
    if draw(st.booleans()):
        code = code[:-draw(st.integers(1, 6))]  # a PUSH cut short by the end of the code
    return code


@settings(max_examples=400, deadline=None)
@given(programs(), st.integers(21_000 + 2_600, 400_000), st.sampled_from(("Prague", "Prague", "Cancun")),
       CALLDATA, st.integers(0, 3))
def test_inline_loop_equals_py_evm(code: bytes, gas: int, fork: str, calldata: bytes, value: int) -> None:
    genesis = Overlay(EmptyView())
    bank.set_wei_balance(genesis, SENDER, 10**22)
    genesis.set(STORE, b"c" + CONTRACT, keccak(code))
    genesis.set(STORE, b"k" + keccak(code), code)
    genesis.set(STORE, b"n" + CONTRACT, encode_uint(1))
    genesis.set(STORE, b"s" + CONTRACT + (1).to_bytes(32, "big"), encode_uint(7))
    ctx = BlockContext(height=5, time_ns=0, chain_id="p", evm_chain_id=CHAIN_ID, proposer=b"\xc0" * 20,
                       block_hash=b"\x07" * 32, gas_limit=30_000_000, base_fee_wei=7)
    context, precompiles = execution_context(ctx), precompile_table()
    raw = sign_tx(KEY, chain_id=CHAIN_ID, nonce=0, gas=gas, to=CONTRACT, value=value, data=calldata,
                  max_fee_per_gas=10, max_priority_fee_per_gas=1)
    tx = decode_tx(raw, CHAIN_ID)
    views = (Overlay(genesis), Overlay(genesis))
    fast = run(tx, views[0], context, precompiles, fork)
    oracle = run(tx, views[1], context, precompiles, fork, instrument=_reference)
    event(f"{fork}: {'ok' if fast.result.code == 0 else fast.result.log.split(':')[0][:24]}")
    assert fast.result == oracle.result
    assert views[0].writes() == views[1].writes()
    if oracle.computation is not None:  # where each left off: stack (items as pushed), memory, gas
        mine, theirs = fast.computation, oracle.computation
        assert mine._stack.values == theirs._stack.values
        assert mine._memory._bytes == theirs._memory._bytes
        assert mine.get_gas_remaining() == theirs.get_gas_remaining()
        assert mine.code.program_counter == theirs.code.program_counter
