"""Precompiles: native modules reachable from Solidity at Sei's addresses.

One file per precompile (``bank`` 0x…1001, ``wasmd`` 0x…1002, ``json`` 0x…1003, ``addr``
0x…1004, ``staking`` 0x…1005, ``pointerview`` 0x…100A, ``pointer`` 0x…100B; the pointer
contracts they deploy and the registry they keep are ``evm_bridge.pointers``), each beside the
Solidity interface it publishes (``Bank.sol`` ...); ``registry`` maps addresses to
implementations and is what the VM consults (``evm_bridge.vm``). Every precompile follows
one outline (``base.Precompile``): decode the selector and arguments with eth-abi, refuse
state changes under STATICCALL/DELEGATECALL, charge its documented gas, operate on a
``nativeview.CosmosStateView``, encode the result, or revert with an ``Error(string)`` reason.

``CosmosStateView`` is how a precompile reads and writes native state *through the tx*: reads
see the EVM's pending balances, usei balance writes become the EVM journal's balance
changes, and other writes join the same journal, so a revert anywhere above undoes them
and the OCC scheduler sees every access on the tx's view.

Layering: ``evm_bridge`` never imports ``abci_app`` or ``wasm_bridge``. Staking rules and
the Wasm VM live elsewhere; the staking and wasmd precompiles take ``api.StakingBackend`` /
``api.WasmBackend`` implementations, injected by the app's ``staking`` and ``wasm`` modules
through their ``Module.precompiles`` slot and installed in the registry of every process
by ``abci_app.application.runner``.
"""
