"""The built-in modules, found like any other through the ``pysei.modules`` entry points
(``loader.py``; a module is a ``abci_app.module_api.Module``).

* ``auth.py``  accounts; ``bank.py`` balances and sends; ``evm.py`` the EVM's store, base fee
  and pointer genesis
* ``staking/`` staking, distribution and slashing (three modules over shared records)
* ``wasm.py``  CosmWasm messages and queries over ``wasm_bridge``; ``wasm_precompile.py``
  the wasmd precompile's backend, ``wasm_evm.py`` Wasm -> EVM calls, ``wasm_amino.py``
  amino JSON of the wasm messages
"""
