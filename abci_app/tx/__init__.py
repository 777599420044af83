"""Native (Cosmos-SDK-style) transactions: decode and verify, ante step, execution, simulation.

* ``native``   -- ``TxRaw`` bytes -> ``NativeTx``; SIGN_MODE_DIRECT sign bytes; signature check
* ``builder``  -- build and sign a tx (pysei's CLI and tests; byte-compatible with cosmjs)
* ``coins``    -- coin amounts: validation, text form (``100usei,5uatom``)
* ``execute``  -- one native tx on a view: ``abci_app.ante`` then the messages, as a ``TxResult``
* ``simulate`` -- ``/cosmos.tx.v1beta1.Service/Simulate`` (fee estimation for cosmjs)
"""
