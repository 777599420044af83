"""The ``pysei`` command line (``main.py``): operators' and users' tools.

* ``main.py``         the parser; command groups under ``commands/`` (keys, tx, query, wasm,
  staking, evm, offline signing, export, scaffold)
* ``deferred.py``     commands that load the node (init, start, app, export) are imported
  when they run, so ``keys``/``tx``/``query`` start fast
* ``home_init.py``    ``pysei init``: keys, app.toml, CometBFT home and genesis
* ``keyring.py``      the file keyring; ``comet_client.py`` CometBFT's RPC for commands
* ``state_export.py`` ``pysei export``: state at a height as genesis JSON
* ``proto_stubs.py``  regenerates ``pysei_pb``; ``scaffold/`` writes a new module package
"""
