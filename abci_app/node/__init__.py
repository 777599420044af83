"""One running node: processes, transports and services around the ABCI application.

* ``supervisor.py``     ``pysei start``: opens SeiDB, builds the scheduler and the app,
  serves ABCI, starts CometBFT as a child (dies with it) and the services below
* ``abci_socket.py``, ``abci_grpc.py``  ABCI transports (decode, call the app, encode);
  ``abci_calls.py`` the call table and the answer to an unexpected exception
* ``cometbft_home.py``  CometBFT's binary, config.toml and genesis; ``home.py`` the layout
  of a node home
* ``cometbft_front.py``  the node serving CometBFT's RPC address: broadcasts admitted locally
  on a lone validator, the rest passed to CometBFT on a private port; ``native_decoder.py``
  decodes its batches in a helper when it runs in the node process; ``front_process.py``
  runs it in a process of its own (``cosmos_front_process``, the default: the node admits
  each decoded batch);
  ``cometbft_front_service.py`` plans the ports before CometBFT starts and runs it
* ``evm_rpc_service.py``, ``cosmos_rest_service.py``, ``cosmos_grpc_service.py``,
  ``explorer_service.py``  each builds one service from ``app.toml`` (or none)
* ``metrics.py``        Prometheus metrics; ``occ_report.py`` the per-block OCC report query
"""
