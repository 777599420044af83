"""An Ethereum-style transaction pool on stock CometBFT (ABCI 2.0), like geth's.

CometBFT's mempool keeps txs in arrival order and never reorders or parks them; the app
makes it behave like geth's pool with the three hooks ABCI 2.0 gives it:

* CheckTx admits a tx at its own nonce, ahead of the sender's pending run within a window
  (queued), or in place of a held tx that it outbids by 10 % (``admission.py``). The pool
  (``pool.py``) holds one tx per (sender, nonce) and splits them into pending (contiguous
  from the committed nonce) and queued.
* Recheck (after every Commit) evicts what a block used, replaced txs and queued txs
  whose gap stayed unfilled for ``txpool_queue_ttl_blocks`` (counted in heights).
* PrepareProposal orders each sender's txs by nonce, leaves gapped ones for later and
  picks senders by effective tip, within the block's two gas limits and this node's
  budgets; ProcessProposal rejects what a correct proposer never builds (``proposal.py``).
  When the proposal is built (waiting while this node's own intake is taking txs) and how
  many txs it may hold for its execution time: ``pacing.py``.

::

    CheckTx ──▶ queued ──(gap fills)──▶ pending ──▶ PrepareProposal ──▶ block
                  │                        │
                  └──(TTL, replaced)───────┴──▶ recheck refuses ──▶ evicted

Native (Cosmos) txs keep Cosmos SDK sequence semantics: in order only. Those broadcast
through this node's CometBFT RPC front on a lone validator are held here only
(``native_local.py``): proposed first in admission order, replayed on the check state after
every Commit, from what their checks read and wrote where that still holds (``replay.py``).
"""
