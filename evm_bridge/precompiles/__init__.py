"""Precompiles: native modules reachable from Solidity at Sei's addresses.

One file per precompile (``bank``, ``json``, ``addr``, ``staking``), each beside the
Solidity interface it publishes (``Bank.sol`` ...); ``registry`` maps addresses to
implementations and is what the VM consults (``evm_bridge.vm``). Every precompile follows
one outline (``base.Precompile``): decode the selector and arguments with eth-abi, refuse
state changes under STATICCALL/DELEGATECALL, charge its documented gas, operate on a
``nativeview.NativeView``, encode the result, or revert with an ``Error(string)`` reason.

``NativeView`` is how a precompile reads and writes native state *through the tx*: reads
see the EVM's pending balances, usei balance writes become the EVM journal's balance
changes, and other writes join the same journal, so a revert anywhere above undoes them
and the OCC scheduler sees every access on the tx's view.

Layering: ``evm_bridge`` never imports ``abci_app``. Staking rules live in the app; the
staking precompile takes a ``api.NativeStaking`` implementation, injected by the app's
``staking`` module through its ``Module.precompiles`` slot and installed in the registry
of every process by ``abci_app.runner``.
"""
