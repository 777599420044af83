"""py-evm wiring: a fork's VM state running over ``ViewAccountDB``, built cheaply per tx.

The newest fork py-evm 0.12 supports is Prague; fixtures of older forks reuse the same
backend with their own rules (``state_class("Cancun")``). Differences from py-evm's own
state: no Merkle-Patricia trie, no system contracts written at construction, the
coinbase is never credited inside the tx (fees are summed and paid to the fee collector
at the end of the block), BLOCKHASH reads hashes recorded in the ``evm`` store, and the
tx-level validity checks run before (``execute``), so py-evm's are skipped.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import lru_cache
from typing import Any

from eth._utils.address import generate_contract_address
from eth.abc import ComputationAPI, MessageAPI
from eth.vm.computation import NO_RESULT
from eth.vm.execution_context import ExecutionContext
from eth.vm.forks.cancun.computation import CancunComputation
from eth.vm.forks.cancun.state import CancunState, CancunTransactionExecutor
from eth.vm.forks.prague.computation import PragueComputation
from eth.vm.forks.prague.state import PragueState, PragueTransactionExecutor
from eth.vm.logic.invalid import InvalidOpcode
from eth.vm.message import Message
from eth_hash.auto import keccak

from evm_bridge import interpreter
from evm_bridge.account_db import ViewAccountDB
from evm_bridge.api import BlockOverrides, EvmTx
from evm_bridge.blockhash import block_hash
from evm_bridge.gas import initcode_word_gas
from evm_bridge.precompiles.registry import PrecompileTable
from ledger.context import BlockContext
from store.api import KVView

NEWEST_FORK = "Prague"


class VmTx:
    """The attributes of a signed tx that py-evm's executor reads."""

    __slots__ = (
        "sender", "nonce", "gas", "to", "value", "data", "access_list", "type_id",
        "max_fee_per_gas", "max_priority_fee_per_gas", "gas_price", "intrinsic_gas", "authorization_list",
    )

    def __init__(
        self,
        sender: bytes,
        nonce: int,
        gas: int,
        to: bytes | None,
        value: int,
        data: bytes,
        max_fee_per_gas: int,
        max_priority_fee_per_gas: int,
        access_list: Any = (),
        type_id: int = 0,
        intrinsic_gas: int = 21_000,
        authorization_list: Any = (),
    ) -> None:
        self.sender = sender
        self.nonce = nonce
        self.gas = gas
        self.to = to or b""  # py-evm's CREATE_CONTRACT_ADDRESS is b""
        self.value = value
        self.data = data
        self.access_list = access_list
        self.type_id = type_id
        self.max_fee_per_gas = max_fee_per_gas
        self.max_priority_fee_per_gas = max_priority_fee_per_gas
        self.gas_price = max_fee_per_gas
        self.intrinsic_gas = intrinsic_gas
        self.authorization_list = authorization_list

    @staticmethod
    def of(tx: EvmTx) -> VmTx:
        # py-evm charges the initcode word cost inside the create message, not upfront
        intrinsic = tx.intrinsic_gas - (initcode_word_gas(tx.data) if tx.to is None else 0)
        return VmTx(
            tx.sender, tx.nonce, tx.gas, tx.to, tx.value, tx.data, tx.max_fee_per_gas,
            tx.max_priority_fee_per_gas, tx.access_list, tx.type, intrinsic, tx.authorization_list,
        )


class _ExecutorMixin:
    """Buy gas, bump the nonce, apply a set-code tx's authorizations (py-evm's
    ``calc_message_refund``, EIP-7702), run the message, refund; no validation (done by
    ``execute``), no coinbase."""

    vm_state: Any

    def __call__(self, tx: Any) -> ComputationAPI:
        message = self.build_evm_message(tx)
        computation = self.build_computation(message, tx)  # type: ignore[attr-defined]
        return self.finalize_computation(tx, computation)

    def build_evm_message(self, tx: Any) -> MessageAPI:
        state = self.vm_state
        state.delta_balance(tx.sender, -tx.gas * state.get_gas_price(tx))
        state.increment_nonce(tx.sender)
        refund = self.calc_message_refund(tx)  # type: ignore[attr-defined]
        if tx.to == b"":
            create = generate_contract_address(tx.sender, state.get_nonce(tx.sender) - 1)
            return Message(gas=tx.gas - tx.intrinsic_gas, to=b"", sender=tx.sender, value=tx.value,
                           data=b"", code=tx.data, create_address=create, refund=refund)
        code, delegation = self.get_code_at_address(tx.to)  # type: ignore[attr-defined]
        return Message(gas=tx.gas - tx.intrinsic_gas, to=tx.to, sender=tx.sender, value=tx.value,
                       data=tx.data, code=code, is_delegation=delegation is not None, refund=refund)

    def finalize_computation(self, tx: Any, computation: ComputationAPI) -> ComputationAPI:
        state = self.vm_state
        remaining = computation.get_gas_remaining()
        refund = self.calculate_gas_refund(computation, tx.gas - remaining)  # type: ignore[attr-defined]
        floor = self.calc_data_floor_gas(tx, tx.gas - remaining, refund)  # type: ignore[attr-defined]
        computation.data_floor_gas = floor  # type: ignore[attr-defined]
        # the tx's gas, as charged: every receipt and simulation reads it from here
        computation.tx_refund = refund  # type: ignore[attr-defined]
        computation.tx_gas_used = tx.gas - remaining - refund + floor  # type: ignore[attr-defined]
        back = (refund + remaining - floor) * state.get_gas_price(tx)
        if back:
            state.delta_balance(tx.sender, back)
        for account in computation.get_accounts_for_deletion():
            state.delete_account(account)
        # EIP-161 clearing of touched empty accounts is implicit: empty accounts are never stored
        return computation


class _StateMixin:
    """Construction over a view with the chain's precompile table, journaled snapshots,
    transient storage, BLOCKHASH."""

    _account_db: ViewAccountDB
    execution_context: Any
    computation_class: Any
    #: The fork's precompiles plus pysei's, as every computation of this state sees them.
    precompiles: Mapping[Any, Any]

    def __init__(self, view: KVView, execution_context: ExecutionContext, precompiles: PrecompileTable) -> None:
        self._db = None
        self.execution_context = execution_context
        self._account_db = self.account_db_class(view)
        self.precompiles = fork_precompiles(self.computation_class, precompiles)

    @property
    def account_db(self) -> ViewAccountDB:
        return self._account_db

    def snapshot(self) -> tuple[None, Any]:
        return None, self._account_db.record()

    def revert(self, snapshot: tuple[Any, Any]) -> None:
        self._account_db.discard(snapshot[1])

    def commit(self, snapshot: tuple[Any, Any]) -> None:
        self._account_db.commit(snapshot[1])

    def get_transient_storage(self, address: bytes, slot: int) -> bytes:
        return self._account_db.get_transient(address, slot)

    def set_transient_storage(self, address: bytes, slot: int, value: bytes) -> None:
        self._account_db.set_transient(address, slot, value)

    def clear_transient_storage(self) -> None:
        self._account_db.clear_transient()

    def is_address_warm(self, address: bytes) -> bool:
        """Warm if accessed in this tx or a precompile of the fork, pysei's own included
        (as geth's ``ActivePrecompiles``, which Sei's precompiles join)."""
        return self._account_db.is_address_warm(address) or address in self.precompiles

    def has_code_or_nonce(self, address: bytes) -> bool:
        """The creation-collision test; like geth (EIP-7610), storage also collides."""
        db = self._account_db
        return db.account_has_code_or_nonce(address) or db.has_storage(address)

    def set_system_contracts(self) -> None:
        """None: pysei has no beacon-root or history contracts."""

    def get_ancestor_hash(self, block_number: int) -> bytes:
        depth = self.execution_context.block_number - block_number - 1
        if block_number < 0 or not 0 <= depth < 256:
            return b""
        return block_hash(self._account_db.view, block_number) or b""


@lru_cache(maxsize=1024)
def _code_positions(code: bytes) -> tuple[frozenset[int], frozenset[int]]:
    """(instruction starts, push-data positions) of ``code``: the JUMPDEST validity
    analysis py-evm otherwise redoes per jump and per call frame. Content-keyed, so the
    cache is a pure memo."""
    valid, pos, n = [], 0, len(code)
    while pos < n:
        valid.append(pos)
        op = code[pos]
        pos += 1 + (op - 0x5F if 0x60 <= op <= 0x7F else 0)
    starts = frozenset(valid)
    return starts, frozenset(range(n)) - starts


class _ComputationMixin:
    """py-evm's computation with the jump-destination analysis shared per code and the
    hottest opcodes run inline (``interpreter.py``)."""

    code: Any
    #: Whether pysei's native precompiles (bank, wasmd, json, addr, staking at 0x…1001-5)
    #: join the fork's own.
    module_precompiles = True
    #: The fork's opcode table and what of it runs inline; a subclass with another table
    #: (a tracer's) runs every opcode through its table.
    inline: interpreter.InlineTable

    def __init__(self, state: Any, message: Any, transaction_context: Any) -> None:
        super().__init__(state, message, transaction_context)  # type: ignore[call-arg]
        if message.code:
            self.code.valid_positions, self.code.invalid_positions = _code_positions(bytes(message.code))

    @property
    def precompiles(self) -> Any:
        """The state's table: the fork's precompiles plus the chain's (``fork_precompiles``)."""
        return self.state.precompiles  # type: ignore[attr-defined]

    @classmethod
    def apply_computation(
        cls, state: Any, message: MessageAPI, transaction_context: Any, parent_computation: Any = None
    ) -> ComputationAPI:
        """py-evm's ``apply_computation`` (same set-up, same precompile exit) with the
        opcode loop of ``interpreter.run``."""
        with cls(state, message, transaction_context) as computation:  # type: ignore[operator]
            if computation.is_origin_computation:
                computation.contracts_created = []
                if message.is_create:
                    cls.consume_initcode_gas_cost(computation)  # type: ignore[attr-defined]
            if parent_computation is not None:
                computation.contracts_created = parent_computation.contracts_created
            if message.is_create:
                computation.contracts_created.append(message.storage_address)
            precompile = computation.precompiles.get(message.code_address, NO_RESULT)
            if precompile is not NO_RESULT:
                if not message.is_delegation:
                    precompile(computation)
                return computation
            opcodes = cls.opcodes  # type: ignore[attr-defined]
            costs = cls.inline.costs if opcodes is cls.inline.opcodes else interpreter.NOTHING_INLINE
            interpreter.run(computation, opcodes, costs, InvalidOpcode)
        return computation




def fork_precompiles(computation_class: Any, precompiles: PrecompileTable) -> Mapping[Any, Any]:
    """py-evm's precompiles of the fork, plus ``precompiles`` when the fork runs pysei's."""
    standard = computation_class.get_precompiles()
    return {**standard, **precompiles} if computation_class.module_precompiles else standard


class PragueViewComputation(_ComputationMixin, PragueComputation):  # type: ignore[misc]
    inline = interpreter.InlineTable(PragueComputation.opcodes)


class CancunViewComputation(_ComputationMixin, CancunComputation):  # type: ignore[misc]
    """Cancun only runs Ethereum's own state-test fixtures, which use 0x…1001-0x…1005 as
    ordinary contract accounts, so it has plain Ethereum precompiles. The chain runs Prague."""

    module_precompiles = False
    inline = interpreter.InlineTable(CancunComputation.opcodes)


class PragueExecutor(_ExecutorMixin, PragueTransactionExecutor):  # type: ignore[misc]
    pass


class CancunExecutor(_ExecutorMixin, CancunTransactionExecutor):  # type: ignore[misc]
    pass


class PragueViewState(_StateMixin, PragueState):  # type: ignore[misc]
    account_db_class = ViewAccountDB  # type: ignore[assignment]
    computation_class = PragueViewComputation
    transaction_executor_class = PragueExecutor


class CancunViewState(_StateMixin, CancunState):  # type: ignore[misc]
    account_db_class = ViewAccountDB  # type: ignore[assignment]
    computation_class = CancunViewComputation
    transaction_executor_class = CancunExecutor


_STATE_CLASSES: dict[str, type[Any]] = {"Prague": PragueViewState, "Cancun": CancunViewState}


def state_class(fork: str = NEWEST_FORK) -> type[Any]:
    return _STATE_CLASSES[fork]


@lru_cache(maxsize=8)
def execution_context(ctx: BlockContext, overrides: BlockOverrides | None = None) -> ExecutionContext:
    """py-evm's block context from CometBFT's (cached per block: it is immutable), with a
    simulation's block overrides applied."""
    o = overrides or BlockOverrides()
    return ExecutionContext(
        coinbase=o.coinbase if o.coinbase is not None else ctx.proposer[:20].rjust(20, b"\x00"),
        timestamp=o.time if o.time is not None else ctx.time_seconds,
        block_number=o.number if o.number is not None else ctx.height,
        difficulty=0,
        mix_hash=o.prev_randao if o.prev_randao is not None else keccak(ctx.block_hash),
        gas_limit=o.gas_limit if o.gas_limit is not None else ctx.gas_limit,
        prev_hashes=(),
        chain_id=ctx.evm_chain_id,
        base_fee_per_gas=o.base_fee if o.base_fee is not None else ctx.base_fee_wei,
        excess_blob_gas=0,
    )


def precompile_addresses(precompiles: PrecompileTable, fork: str = NEWEST_FORK) -> frozenset[bytes]:
    """Every precompile address of ``fork`` (the chain's ``precompiles`` included on Prague)."""
    return frozenset(bytes(a) for a in fork_precompiles(_STATE_CLASSES[fork].computation_class, precompiles))
