"""Precompiles: native modules reachable from Solidity at Sei's addresses.

One file per precompile (``bank`` 0x…1001, ``wasmd`` 0x…1002, ``json`` 0x…1003, ``addr``
0x…1004, ``staking`` 0x…1005, ``distribution`` 0x…1007, ``pointerview`` 0x…100A, ``pointer``
0x…100B; the pointer contracts they deploy and the registry they keep are
``evm_bridge.pointers``), each beside the Solidity interface it publishes (``Bank.sol`` ...). ``api`` declares what a precompile is and
the backends staking, distribution and wasmd need. Every precompile follows one outline
(``base.PrecompileBase``): decode the selector and arguments with eth-abi, refuse state
changes under STATICCALL/DELEGATECALL, charge its documented gas, operate on a
``cosmos_view.CosmosStateView``, encode the result, or revert with an ``Error(string)`` reason.

``registry.precompile_table`` builds the chain's table as a value: the built-in
precompiles (bank, json, addr, pointer, pointerview) plus each enabled module's
``Module.precompiles``. Whoever executes holds it and passes it down: the app's task
runner (``abci_app.application.runner.AppTaskRunner.precompiles``) to ``execute.run`` and
on to the VM state (``vm``), and the node to the JSON-RPC backend, so calls, estimates and
traces run with the table blocks run with. It depends only on the enabled modules, so it is
the same in every process of every validator.

``CosmosStateView`` is how a precompile reads and writes native state *through the tx*: reads
see the EVM's pending balances, usei balance writes become the EVM journal's balance
changes, and other writes join the same journal, so a revert anywhere above undoes them
and the OCC scheduler sees every access on the tx's view.

Layering: ``evm_bridge`` never imports ``abci_app`` or ``wasm_bridge``. Staking and
distribution rules and the Wasm VM live elsewhere; the staking, distribution and wasmd
precompiles take ``api.StakingBackend`` / ``api.DistributionBackend`` / ``api.WasmBackend``
implementations, injected by the app's ``staking``, ``distribution`` and ``wasm`` modules
through their ``Module.precompiles`` slot.
"""
