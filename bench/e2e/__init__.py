"""The side-by-side end-to-end bench: pysei and geth driven with one load and one check.

``nodes.py`` starts and stops each node (a fresh pysei node, ``geth --dev``) behind one
``Node`` shape; ``loads.py`` signs the loads (ETH transfers, the pipelined pattern, ERC-20
transfers, a mix with native sends) for a node's chain id and current nonces; ``drive.py``
sends a load as JSON-RPC batches over keep-alive connections, sees each block as it
appears and checks every sender's nonce at the end; ``figures.py`` turns runs into the
printed medians and ratios; ``procs.py`` reads CPU and peak memory from ``/proc``.
"""
