"""Native txs decoded in the front's helper process (``abci_app/node/native_decoder.py``):
the same results as the app's codec (txs and refusals), kept for CheckTx, and a batch
through the front answered as without the helper."""

from __future__ import annotations

import base64
import hashlib
import json
import pickle
import urllib.request

import pytest

from abci_app.node.cometbft_front import CometFront, local_admission
from abci_app.node.native_decoder import NativeBatchDecode, native_decoder
from ledger import codes
from ledger.codes import TxError
from tests.support.chain import EVM_CHAIN_ID, make_keys, refusal_batch, started_chain

KEYS = make_keys(10, seed="native-decoder")
MODULES = ("auth", "bank", "evm")


def _raws() -> list[bytes]:
    return refusal_batch(KEYS, KEYS[9].sei)


def _plain(result: object) -> object:
    return (result.code, result.log, result.codespace) if isinstance(result, TxError) else result


@pytest.fixture()
def chain(tmp_path):
    with started_chain(tmp_path, KEYS, modules=MODULES) as c:
        yield c


def test_the_batch_decoder_travels_without_its_codec_and_decodes_as_the_app_does(chain) -> None:
    decode = NativeBatchDecode(MODULES, EVM_CHAIN_ID, chain.app.codec.max_tx_bytes)
    decode([])  # builds its codec
    copy = pickle.loads(pickle.dumps(decode))
    assert copy._codec is None and decode._codec is not None
    raws = _raws()
    assert [_plain(r) for r in copy(raws)] == [_plain(chain.app.codec.result(r)) for r in raws]


def test_a_batch_through_the_front_is_decoded_in_the_helper_and_answered_as_without_it(chain) -> None:
    raws = _raws()
    decoder = native_decoder(chain.app.codec, MODULES, helper=True)
    decoder.start()
    kept: list[bytes] = []

    def keep(raw: bytes, result: object) -> None:
        kept.append(raw)
        chain.app.codec.keep(raw, result)

    front = CometFront("127.0.0.1:0", "http://127.0.0.1:9", "local",
                       local_admission(chain.app.check.admit_local, decoder, keep))
    try:
        assert decoder.wait_ready(60)
        front.start()
        body = [{"jsonrpc": "2.0", "id": i, "method": "broadcast_tx_sync", "params": {"tx": base64.b64encode(r).decode()}}
                for i, r in enumerate(raws)]
        req = urllib.request.Request(f"http://127.0.0.1:{front.port}/", json.dumps(body).encode(),
                                     {"Content-Type": "application/json"})
        with urllib.request.urlopen(req, timeout=30) as resp:
            answers = json.loads(resp.read())
    finally:
        front.close()
        decoder.close()
    assert (decoder.helper_jobs, kept) == (1, raws)
    got = [(a["id"], a["result"]["code"], a["result"]["hash"]) for a in answers]
    want_codes = [0, 0, 0, 0, codes.TX_DECODE, 0, 0, 0, 0, codes.UNAUTHORIZED]
    assert got == [(i, c, hashlib.sha256(r).hexdigest().upper()) for i, (c, r) in enumerate(zip(want_codes, raws, strict=True))]
    assert len(chain.app.native_local) == 8
