"""Cosmos-SDK transactions: decode and verify, ante step, execution, simulation.

* ``decode``   -- ``TxRaw`` bytes -> ``CosmosTx``; sign bytes (DIRECT or amino JSON); signature check
* ``amino``    -- SIGN_MODE_LEGACY_AMINO_JSON: the legacy ``StdSignDoc`` and its canonical JSON
* ``multisig`` -- k-of-n multisig signers: address, decoding, threshold verification
* ``signature`` -- one secp256k1 signature (low s, sha256 of the sign bytes)
* ``builder``  -- build and sign a tx (pysei's CLI and tests; byte-compatible with cosmjs)
* ``offline``  -- the unsigned-tx file of ``--generate-only`` / ``tx sign`` / ``tx multisign``
* ``coins``    -- coin amounts: validation, text form (``100usei,5uatom``)
* ``ante``     -- fees, sequence and signature checks before the messages
* ``associate`` -- the gasless association tx (EVM-signed), decoded and executed
* ``execute``  -- one Cosmos tx on a view: ``abci_app.cosmos_tx.ante`` then the messages, as a ``TxResult``
* ``simulate`` -- ``/cosmos.tx.v1beta1.Service/Simulate`` (fee estimation for cosmjs)
"""
