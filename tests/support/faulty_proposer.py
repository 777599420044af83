"""``python -m tests.support.faulty_proposer --home DIR``: ``pysei start`` whose app
proposes its blocks with the txs in reverse order (one sender's nonces descending), so
honest validators must reject its proposals in ProcessProposal. Test use only."""

from __future__ import annotations

import argparse
from pathlib import Path

from abci_app.app import App
from abci_app.node import run_start
from pysei_pb.tendermint.abci import types_pb2 as abci


def reversed_proposal(honest):
    def prepare(self: App, req: abci.RequestPrepareProposal) -> abci.ResponsePrepareProposal:
        return abci.ResponsePrepareProposal(txs=list(reversed(honest(self, req).txs)))

    return prepare


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--home", required=True)
    args = parser.parse_args()
    App.prepare_proposal = reversed_proposal(App.prepare_proposal)
    return run_start(Path(args.home))


if __name__ == "__main__":
    raise SystemExit(main())
