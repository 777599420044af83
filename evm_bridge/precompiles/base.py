"""The outline every precompile follows: decode, check the call kind, charge gas, operate,
encode; any failure reverts with an ``Error(string)`` reason and keeps no state change.

A method is declared with ``method(signature, outputs, gas, mutates=..., payable=...)``.
Gas: every call pays ``BASE_GAS`` plus the method's flat cost (documented beside each
precompile). State-changing methods revert under STATICCALL and when reached by
DELEGATECALL or CALLCODE (the code address differs from the storage address; a precompile
may allow it for some methods, ``delegatecall_methods`` + ``check_delegatecall``: wasmd's
``execute`` from a CW20's pointer), and
non-payable methods revert when sent value, as Solidity's would.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from eth.exceptions import Revert
from eth_abi import decode, encode
from eth_hash.auto import keccak

from evm_bridge.precompiles.api import PrecompileError
from evm_bridge.precompiles.cosmos_view import CosmosStateView

BASE_GAS = 2_000
ERROR_SELECTOR = keccak(b"Error(string)")[:4]


def revert_data(reason: str) -> bytes:
    return ERROR_SELECTOR + encode(["string"], [reason])


def topic(signature: str) -> int:
    return int.from_bytes(keccak(signature.encode()), "big")


@dataclass
class Call:
    """What a method implementation sees of the call."""

    computation: Any
    cosmos: CosmosStateView
    args: tuple[Any, ...]

    @property
    def sender(self) -> bytes:
        return bytes(self.computation.msg.sender)

    @property
    def value(self) -> int:
        return int(self.computation.msg.value)

    @property
    def address(self) -> bytes:
        return bytes(self.computation.msg.code_address)

    @property
    def time_ns(self) -> int:
        return int(self.computation.state.execution_context.timestamp) * 10**9

    def apply(self, operation: Callable[[Any], Any]) -> Any:
        """Run ``operation`` on a scratch view of native state; keep its writes only if it
        returns (``PrecompileError`` or any native failure leaves nothing behind)."""
        scratch = self.cosmos.scratch()
        result = operation(scratch)
        self.cosmos.commit(scratch)
        return result

    def log(self, topics: Sequence[int], data: bytes) -> None:
        self.computation.add_log_entry(self.address, tuple(topics), data)


@dataclass(frozen=True)
class Method:
    name: str
    inputs: tuple[str, ...]
    outputs: tuple[str, ...]
    gas: int
    run: Callable[[Call], tuple[Any, ...]]
    mutates: bool = False
    payable: bool = False

    @property
    def selector(self) -> bytes:
        return keccak(f"{self.name}({','.join(self.inputs)})".encode())[:4]


def split_types(types: str) -> tuple[str, ...]:
    """Split a Solidity type list at its top-level commas: ``"(string,bytes)[],uint64"`` ->
    ``("(string,bytes)[]", "uint64")``."""
    out, depth, start = [], 0, 0
    for i, ch in enumerate(types):
        if ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
        elif ch == "," and depth == 0:
            out.append(types[start:i])
            start = i + 1
    if types[start:]:
        out.append(types[start:])
    return tuple(out)


def method(
    signature: str, outputs: Sequence[str], gas: int, *, mutates: bool = False, payable: bool = False
) -> Callable[[Callable[[Any, Call], tuple[Any, ...]]], Any]:
    """Decorator marking a precompile method; ``signature`` is Solidity's, e.g. ``f(string,uint256)``."""
    name, _, rest = signature.partition("(")
    inputs = split_types(rest[:-1])

    def mark(fn: Callable[[Any, Call], tuple[Any, ...]]) -> Any:
        fn.__precompile_method__ = (name, inputs, tuple(outputs), gas, mutates, payable)  # type: ignore[attr-defined]
        return fn

    return mark


class PrecompileBase:
    """Subclasses declare methods with ``@method``; instances are py-evm precompiles."""

    address: bytes = b""

    def __init__(self) -> None:
        self.methods: dict[bytes, Method] = {}
        for attr in dir(type(self)):
            spec = getattr(getattr(type(self), attr), "__precompile_method__", None)
            if spec is not None:
                name, inputs, outputs, gas, mutates, payable = spec
                bound = getattr(self, attr)
                m = Method(name, inputs, outputs, gas, bound, mutates, payable)
                self.methods[m.selector] = m

    #: State-changing methods that DELEGATECALL may reach, if ``check_delegatecall`` agrees.
    delegatecall_methods: frozenset[str] = frozenset()

    def check_delegatecall(self, m: Method, call: Call, caller_contract: bytes) -> None:
        """A method of ``delegatecall_methods`` reached by DELEGATECALL (or CALLCODE) from
        ``caller_contract``: raise ``PrecompileError`` to refuse it."""
        raise PrecompileError(f"{m.name} cannot be called with delegatecall")

    def __call__(self, computation: Any) -> Any:
        try:
            self._dispatch(computation)
        except PrecompileError as e:
            computation.output = revert_data(str(e))
            raise Revert(str(e)) from None
        return computation

    def _dispatch(self, computation: Any) -> None:
        data = bytes(computation.msg.data_as_bytes)
        m = self.methods.get(data[:4])
        if m is None:
            raise PrecompileError("unknown method" if len(data) >= 4 else "missing method selector")
        computation.consume_gas(BASE_GAS + m.gas, reason=f"precompile {m.name}")
        msg = computation.msg
        if m.mutates and msg.is_static:
            raise PrecompileError(f"{m.name} cannot be called in a static call")
        delegated = m.mutates and bytes(msg.code_address) != bytes(msg.storage_address)
        if delegated and m.name not in self.delegatecall_methods:
            raise PrecompileError(f"{m.name} cannot be called with delegatecall")
        if msg.value and not m.payable:
            raise PrecompileError(f"{m.name} is not payable")
        try:
            args = decode(list(m.inputs), data[4:])
        except Exception as e:  # eth-abi raises several decoding error types
            raise PrecompileError(f"invalid arguments for {m.name}: {e}") from None
        cosmos = CosmosStateView(computation.state.account_db)
        call = Call(computation, cosmos, tuple(args))
        if delegated:
            self.check_delegatecall(m, call, bytes(msg.storage_address))
        out = m.run(call)
        computation.output = encode(list(m.outputs), list(out))
