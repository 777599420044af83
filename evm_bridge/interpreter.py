"""py-evm's opcode loop with its hottest opcodes run inline (consensus code).

py-evm runs every opcode through two method calls for gas (``Opcode.__call__`` ->
``computation.consume_gas`` -> ``GasMeter.consume_gas``) and two or three for the stack.
For the opcodes that are most of a compiled contract's steps (PUSH, DUP, SWAP, POP,
JUMP, JUMPI, JUMPDEST, plain arithmetic, comparison and bit operations, CALLER, CALLVALUE,
CALLDATALOAD, CALLDATASIZE, and MLOAD / MSTORE / KECCAK256 within memory already paid
for) this loop does the same work on the stack list, the
memory and the gas meter directly; every other opcode, and every
step that would fail (out of gas, stack under- or overflow, a bad jump target is judged
inline the way py-evm judges it), runs py-evm's own opcode function, so errors, gas and
state are py-evm's. An opcode is inlined only when the computation's table holds py-evm's
own function for it with a fixed gas cost (``inline_gas``): a tracer that wraps the table
sees every step.

Oracle: ``tests/property/test_interpreter.py`` runs random bytecode through this loop and
through py-evm's ``apply_computation`` and compares output, gas, error and stack.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from eth.exceptions import Halt, InvalidInstruction, InvalidJumpDestination
from eth.vm.logic import arithmetic, comparison, context, duplication, flow, memory, sha3, swap
from eth.vm.logic import stack as stack_logic
from eth.vm.opcode_values import JUMPDEST, STOP
from eth_hash.auto import keccak

UINT_256_MAX = 2**256 - 1
UINT_256_CEILING = 2**256

#: Opcode -> the py-evm logic function this loop stands in for.
_EXPECTED: dict[int, Any] = {
    0x01: arithmetic.add,
    0x02: arithmetic.mul,
    0x03: arithmetic.sub,
    0x04: arithmetic.div,
    0x10: comparison.lt,
    0x11: comparison.gt,
    0x14: comparison.eq,
    0x15: comparison.iszero,
    0x16: comparison.and_op,
    0x17: comparison.or_op,
    0x18: comparison.xor,
    0x19: comparison.not_op,
    0x1B: arithmetic.shl,
    0x1C: arithmetic.shr,
    0x20: sha3.sha3,
    0x33: context.caller,
    0x34: context.callvalue,
    0x35: context.calldataload,
    0x36: context.calldatasize,
    0x50: stack_logic.pop,
    0x51: memory.mload,
    0x52: memory.mstore,
    0x56: flow.jump,
    0x57: flow.jumpi,
    0x5B: flow.jumpdest,
    0x5F: stack_logic.push0,
    **{0x5F + n: getattr(stack_logic, f"push{n}") for n in range(1, 33)},
    **{0x7F + n: getattr(duplication, f"dup{n}") for n in range(1, 17)},
    **{0x8F + n: getattr(swap, f"swap{n}") for n in range(1, 17)},
}


def inline_gas(opcodes: Mapping[int, Any]) -> dict[int, int]:
    """The opcodes of ``opcodes`` this loop may run inline, with their fixed gas costs."""
    out: dict[int, int] = {}
    for op, logic in _EXPECTED.items():
        fn = opcodes.get(op)
        if fn is not None and getattr(fn, "logic_fn", None) is logic and isinstance(getattr(fn, "gas_cost", None), int):
            out[op] = fn.gas_cost
    return out


class InlineTable:
    """A fork's opcode table and ``inline_gas`` of it as ``costs``: a list indexed by
    opcode (and 256 for STOP past the end of the code), -1 where py-evm runs it."""

    def __init__(self, opcodes: Mapping[int, Any]) -> None:
        self.opcodes = opcodes
        gas = inline_gas(opcodes)
        self.costs = [gas.get(op, -1) for op in range(256)] + [-1]


#: ``run``'s costs when nothing runs inline (a tracer's table).
NOTHING_INLINE = [-1] * 257


def _int(x: int | bytes) -> int:
    return x if type(x) is int else int.from_bytes(x, "big")


def run(computation: Any, opcodes: Mapping[int, Any], costs: list[int], invalid: Any) -> None:
    """Run ``computation``'s code to its end (py-evm's loop body); ``costs``: an
    ``InlineTable``'s (or ``NOTHING_INLINE``); ``invalid(op)``: py-evm's ``InvalidOpcode``
    for a byte without an opcode.

    The program counter and the gas left live in locals between py-evm calls; they are
    written back before every py-evm opcode function runs and before an inline step raises.
    """
    code = computation.code
    raw = code._raw_code_bytes
    size = len(raw)
    values = computation._stack.values
    append = values.append
    pop = values.pop
    meter = computation._gas_meter
    mem = computation._memory
    past_end = 256
    msg = computation.msg
    calldata = bytes(msg.data)
    pc = code.program_counter
    left = meter.gas_remaining
    while True:
        if pc < size:
            op = raw[pc]
            pc += 1
        else:  # past the end: STOP, the counter left where it is (py-evm's CodeStream)
            op = past_end
        g = costs[op]
        if 0 <= g <= left:
            depth = len(values)
            if op >= 0x60:
                if op <= 0x7F:  # PUSH1-32
                    if depth < 1024:
                        left -= g
                        end = pc + op - 0x5F
                        data = raw[pc:end]
                        pc = end
                        append(data if len(data) == op - 0x5F else data.ljust(op - 0x5F, b"\x00"))
                        continue
                elif op <= 0x8F:  # DUP1-16
                    if op - 0x7F <= depth < 1024:
                        left -= g
                        append(values[0x7F - op])
                        continue
                elif op - 0x8F < depth:  # SWAP1-16
                    left -= g
                    n = 0x8E - op
                    values[-1], values[n] = values[n], values[-1]
                    continue
            elif op == JUMPDEST:
                left -= g
                continue
            elif op == 0x56 or op == 0x57:  # JUMP, JUMPI
                if depth >= op - 0x55:
                    left -= g
                    dest = _int(pop())
                    if op == 0x57 and not _int(pop()):
                        continue
                    pc = dest
                    if (raw[dest] if dest < size else STOP) != JUMPDEST:
                        code.program_counter, meter.gas_remaining = pc, left
                        raise InvalidJumpDestination("Invalid Jump Destination")
                    if not code.is_valid_opcode(dest):
                        code.program_counter, meter.gas_remaining = pc, left
                        raise InvalidInstruction("Jump resulted in invalid instruction")
                    continue
            elif op == 0x50:  # POP
                if depth:
                    left -= g
                    pop()
                    continue
            elif op == 0x52:  # MSTORE, memory already that large: no expansion gas
                if depth >= 2:
                    start = _int(values[-1])
                    if start + 32 <= len(mem._bytes):
                        left -= g
                        pop()
                        v = pop()
                        mem._bytes[start:start + 32] = v.to_bytes(32, "big") if type(v) is int else v.rjust(32, b"\x00")[-32:]
                        continue
            elif op == 0x51:  # MLOAD, likewise
                if depth:
                    start = _int(values[-1])
                    if start + 32 <= len(mem._bytes):
                        left -= g
                        values[-1] = bytes(mem._bytes[start:start + 32])
                        continue
            elif op == 0x5F:  # PUSH0
                if depth < 1024:
                    left -= g
                    append(b"")
                    continue
            elif op == 0x20:  # KECCAK256 of memory already paid for
                if depth >= 2:
                    start, n = _int(values[-1]), _int(values[-2])
                    need = g + 6 * ((n + 31) // 32)
                    if (n == 0 or start + n <= len(mem._bytes)) and need <= left:
                        left -= need
                        pop()
                        pop()
                        append(keccak(bytes(mem._bytes[start:start + n]) if n else b""))
                        continue
            elif 0x33 <= op <= 0x36:  # CALLER, CALLVALUE, CALLDATALOAD, CALLDATASIZE
                if op == 0x35:
                    if depth:
                        left -= g
                        start = _int(values[-1])
                        values[-1] = calldata[start:start + 32].ljust(32, b"\x00").lstrip(b"\x00")
                        continue
                elif depth < 1024:
                    left -= g
                    append(msg.sender if op == 0x33 else msg.value if op == 0x34 else len(msg.data))
                    continue
            elif op == 0x15 or op == 0x19:  # ISZERO, NOT
                if depth:
                    left -= g
                    v = _int(pop())
                    append((1 if v == 0 else 0) if op == 0x15 else UINT_256_MAX - v)
                    continue
            elif depth >= 2:  # two operands, one result
                left -= g
                a = _int(pop())
                b = _int(pop())
                if op == 0x01:
                    r = (a + b) & UINT_256_MAX
                elif op == 0x16:
                    r = a & b
                elif op == 0x14:
                    r = 1 if a == b else 0
                elif op == 0x03:
                    r = (a - b) & UINT_256_MAX
                elif op == 0x10:
                    r = 1 if a < b else 0
                elif op == 0x11:
                    r = 1 if a > b else 0
                elif op == 0x1B:
                    r = 0 if a >= 256 else (b << a) & UINT_256_MAX
                elif op == 0x1C:
                    r = 0 if a >= 256 else b >> a
                elif op == 0x17:
                    r = a | b
                elif op == 0x18:
                    r = a ^ b
                elif op == 0x02:
                    r = (a * b) & UINT_256_MAX
                else:  # 0x04 DIV
                    r = 0 if b == 0 else (a // b)
                append(r)
                continue
        if op == past_end:
            op = STOP
        fn = opcodes.get(op)
        if fn is None:
            fn = invalid(op)
        code.program_counter, meter.gas_remaining = pc, left
        try:
            fn(computation=computation)
        except Halt:
            break
        pc, left = code.program_counter, meter.gas_remaining
