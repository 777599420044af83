"""Native txs that reach the CometBFT RPC front together (a batch of ``broadcast_tx_*``
calls) decoded in one helper process: ``eth_rpc.tx_decoder.TxDecoder`` with a native batch
decoder. Protobuf parsing, the signer's address from its key and the stateless checks are
a third of a native tx's admission; in the helper they leave the node process's GIL (to
CheckTx, FinalizeBlock and the JSON-RPC). The front hands each result to the app's codec
(``TxCodec.keep``), where CheckTx finds it. Fewer txs at once are decoded by the app's
codec on the front's loop, as before.
"""

from __future__ import annotations

from typing import Any

from abci_app.application.txcodec import Decoded, TxCodec
from abci_app.modules.loader import load_modules
from eth_rpc.tx_decoder import TxDecoder
from ledger.codes import TxError


class NativeBatchDecode:
    """Picklable ``raws -> [Decoded | TxError]`` for the helper process: the codec of the
    node's modules (``modules``, by name), chain id and tx size limit, built there once."""

    def __init__(self, modules: tuple[str, ...], evm_chain_id: int, max_tx_bytes: int) -> None:
        self.modules, self.evm_chain_id, self.max_tx_bytes = modules, evm_chain_id, max_tx_bytes
        self._codec: TxCodec | None = None

    def __getstate__(self) -> dict[str, Any]:
        return {"modules": self.modules, "evm_chain_id": self.evm_chain_id, "max_tx_bytes": self.max_tx_bytes}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__init__(state["modules"], state["evm_chain_id"], state["max_tx_bytes"])

    def __call__(self, raws: list[bytes]) -> list[Decoded | TxError]:
        if self._codec is None:
            handlers: dict[str, Any] = {}
            for m in load_modules(self.modules):
                handlers.update(m.messages)
            # a codec per job would only cache what it decoded once: no cache kept here
            self._codec = TxCodec(self.evm_chain_id, self.max_tx_bytes, handlers, cache_size=0)
        return [self._codec.result(raw) for raw in raws]


def native_decoder(codec: TxCodec, modules: tuple[str, ...], helper: bool) -> TxDecoder:
    """The front's decoder: ``codec`` (the app's) on the loop, a codec like it in the helper
    (``helper``: ``start()`` launches it)."""
    return TxDecoder(codec.evm_chain_id, helper, decode_many=lambda raws: [codec.result(r) for r in raws],
                     helper_decode=NativeBatchDecode(modules, codec.evm_chain_id, codec.max_tx_bytes),
                     name="pysei-native-decoder")
