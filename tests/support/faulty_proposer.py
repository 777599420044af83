"""``python -m tests.support.faulty_proposer --home DIR [--fault F] [--localnet DIR]``:
``pysei start`` whose app proposes faulty blocks, so honest validators must reject its
proposals in ProcessProposal. Test use only: a validator that misbehaves on purpose.

Faults (each applied to every proposal this node makes, whatever its mempool holds):
- ``reversed``: the honest txs in reverse order (one sender's nonces descending);
- ``undecodable``: the honest txs plus bytes that are no tx;
- ``duplicate``: the honest txs plus one signed native tx twice;
- ``over_gas``: the honest txs plus a native tx whose gas limit is the block's limit on gas
  wanted (the bound on every tx's limit) plus one;
- ``bad_signature``: the honest txs plus a native tx of a funded account (the localnet's
  first load account) with one bit of its signature flipped.
"""

from __future__ import annotations

import argparse
import hashlib
from collections.abc import Callable
from pathlib import Path

from coincurve import PrivateKey

from abci_app.application.app import App
from abci_app.cosmos_tx.builder import build_and_sign
from abci_app.node.supervisor import run_start
from ledger.addresses import sei_address_from_pubkey, to_bech32
from ledger.context import block_gas_wanted_limit
from pysei_pb.cosmos.bank.v1beta1 import tx_pb2 as bank_tx
from pysei_pb.cosmos.tx.v1beta1.tx_pb2 import TxRaw
from pysei_pb.tendermint.abci import types_pb2 as abci
from testnet.manifest import LoadAccount, Localnet

FAULTS = ("reversed", "undecodable", "duplicate", "over_gas", "bad_signature")
GARBAGE = b"\xff\x00 not a tx"
#: A key with no account: its txs decode, and no committed account judges their signature.
STRANGER = hashlib.sha256(b"faulty proposer stranger").digest()
GAS, FEE = 200_000, 2_000
Prepare = Callable[[App, abci.RequestPrepareProposal], abci.ResponsePrepareProposal]


def send(privkey: bytes, number: int, sequence: int, chain_id: str, gas: int = GAS) -> bytes:
    """A native transfer of 1usei to the key's own address."""
    me = to_bech32(sei_address_from_pubkey(PrivateKey(privkey).public_key.format()))
    msg = bank_tx.MsgSend(from_address=me, to_address=me)
    coin = msg.amount.add()
    coin.denom, coin.amount = "usei", "1"
    return build_and_sign(privkey, [msg], chain_id, number, sequence, FEE, gas)


def flip_signature(raw: bytes) -> bytes:
    tx = TxRaw.FromString(raw)
    sig = bytearray(tx.signatures[0])
    sig[-1] ^= 1
    tx.signatures[0] = bytes(sig)
    return tx.SerializeToString()


def extra_txs(fault: str, app: App, funded: LoadAccount | None) -> list[bytes]:
    chain_id = app.config.chain_id
    if fault == "undecodable":
        return [GARBAGE]
    if fault == "duplicate":
        tx = send(STRANGER, 0, 0, chain_id)
        return [tx, tx]
    if fault == "over_gas":
        return [send(STRANGER, 0, 0, chain_id, gas=block_gas_wanted_limit(app.db.read_view()) + 1)]
    if fault == "bad_signature":
        assert funded is not None, "bad_signature needs --localnet (a funded account)"
        return [flip_signature(send(funded.privkey, funded.account_number, 0, chain_id))]
    return []


def faulty_prepare(honest: Prepare, fault: str, funded: LoadAccount | None) -> Prepare:
    def prepare(self: App, req: abci.RequestPrepareProposal) -> abci.ResponsePrepareProposal:
        txs = list(honest(self, req).txs)
        if fault == "reversed":
            return abci.ResponsePrepareProposal(txs=list(reversed(txs)))
        return abci.ResponsePrepareProposal(txs=txs + extra_txs(fault, self, funded))

    return prepare


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--home", required=True)
    parser.add_argument("--fault", choices=FAULTS, default="reversed")
    parser.add_argument("--localnet", help="the localnet's folder (for bad_signature's funded account)")
    args = parser.parse_args()
    funded = Localnet.load(args.localnet).accounts()[0] if args.localnet else None
    App.prepare_proposal = faulty_prepare(App.prepare_proposal, args.fault, funded)
    return run_start(Path(args.home))


if __name__ == "__main__":
    raise SystemExit(main())
