"""The shared vocabulary of execution: addresses, accounts, balances, block context, results.

Native modules (``abci_app.modules``), the EVM (``evm_bridge``) and the Wasm VM
(``wasm_bridge``) all read and write the same accounts and balances; their key layouts and
codecs live here, once, so every module agrees byte for byte. Depends only on ``store``
(its views; buffered writes go through ``store.overlay.Overlay``). Importing it does nothing
else: the keccak backend is chosen by ``occ.runtime.use_fast_keccak``.

* ``addresses``     -- EVM and ``sei1…`` forms of one key, module accounts.
* ``bech32_codec``  -- bech32 encoding and decoding.
* ``accounts``      -- accounts in the ``acc`` store (number, sequence, public key).
* ``association``   -- linking an EVM address to its Sei account; who may receive coins.
* ``bank``          -- balances in the ``bank`` store (usei natively, wei in the EVM).
* ``encoding``      -- canonical byte encodings shared by keys and values.
* ``context``       -- the block context every execution sees, and ``make_context``.
* ``results``       -- ``TxResult`` and events; ``blocks`` -- what observers get per block.
* ``codes``         -- ABCI result codes and ``TxError``.
* ``personal_sign`` -- who signed a personal message.
"""
