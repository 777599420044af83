"""The CometBFT RPC front in a process of its own (``abci_app/node/front_process.py``): a
batch decoded there is admitted by the app as the front in the node process admits it; a
signature the front verified against a number the node taught it is vouched for (and a
bad one is not); batches that come while the node admits go to it together; the address
it cannot bind is an error of ``start``; a front process killed is replaced on the same
address."""

from __future__ import annotations

import base64
import hashlib
import json
import os
import signal
import socket
import threading
import time
import urllib.request

import pytest

from abci_app.cosmos_tx import ante as ante_module
from abci_app.cosmos_tx import decode as decode_module
from abci_app.node.front_process import FrontProcess, FrontSpec
from abci_app.node.native_decoder import NativeBatchDecode
from ledger import accounts, codes
from tests.support.chain import (
    CHAIN_ID,
    EVM_CHAIN_ID,
    cosmos_send,
    forged,
    make_keys,
    refusal_batch,
    started_chain,
)

KEYS = make_keys(12, seed="front-process")
MODULES = ("auth", "bank", "evm")
ALREADY_KNOWN = "tx already exists in cache"


def _send(key: int, sequence: int, amount: int = 1) -> bytes:
    return cosmos_send(KEYS[key], KEYS[11].sei, amount, key, sequence)


def _free_address() -> str:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return f"127.0.0.1:{s.getsockname()[1]}"


def _broadcast(port: int, raws: list[bytes]) -> list[dict]:
    body = [{"jsonrpc": "2.0", "id": i, "method": "broadcast_tx_sync", "params": {"tx": base64.b64encode(r).decode()}}
            for i, r in enumerate(raws)]
    req = urllib.request.Request(f"http://127.0.0.1:{port}/", json.dumps(body).encode(),
                                 {"Content-Type": "application/json"})
    with urllib.request.urlopen(req, timeout=30) as resp:
        return json.loads(resp.read())


@pytest.fixture()
def chain(tmp_path):
    with started_chain(tmp_path, KEYS, modules=MODULES) as c:
        yield c


def _spec(chain, address: str) -> FrontSpec:
    return FrontSpec(address, "http://127.0.0.1:9", "local", 1_000_000, 10, MODULES, EVM_CHAIN_ID,
                     chain.app.codec.max_tx_bytes, CHAIN_ID)


def _front(chain, address: str) -> FrontProcess:
    spec = _spec(chain, address)
    kept: list[bytes] = []
    vouched: list[tuple[bytes, int]] = []

    def keep(raw: bytes, result: object) -> None:
        kept.append(raw)
        chain.app.codec.keep(raw, result)

    def vouch(decoded, number: int) -> None:
        vouched.append((decoded.hash, number))
        chain.app.check.vouch(decoded, number)

    front = FrontProcess(spec, chain.app.check.admit_local, keep, vouch, chain.app.check.verified_account)
    front.kept, front.vouched = kept, vouched  # type: ignore[attr-defined]
    return front


def test_a_batch_decoded_in_the_front_process_is_admitted_by_the_app(chain) -> None:
    raws = refusal_batch(KEYS, KEYS[11].sei)
    front = _front(chain, "127.0.0.1:0")
    try:
        front.start()
        answers = _broadcast(front.port, raws)
        again = _broadcast(front.port, raws[:1])
    finally:
        front.close()
    got = [(a["id"], a["result"]["code"], a["result"]["hash"]) for a in answers]
    want_codes = [0, 0, 0, 0, codes.TX_DECODE, 0, 0, 0, 0, codes.UNAUTHORIZED]
    assert got == [(i, c, hashlib.sha256(r).hexdigest().upper()) for i, (c, r) in enumerate(zip(want_codes, raws, strict=True))]
    assert again == [{"jsonrpc": "2.0", "id": 0, "error": {"code": -32603, "message": "Internal error",
                                                           "data": ALREADY_KNOWN}}]
    # every result reached the app's codec from the front's decoder: CheckTx decoded none again
    assert front.kept == [*raws, raws[0]]  # type: ignore[attr-defined]
    decoder = NativeBatchDecode(MODULES, EVM_CHAIN_ID, chain.app.codec.max_tx_bytes)
    assert [type(r).__name__ for r in decoder(raws)] == ["Decoded"] * 4 + ["TxError"] + ["Decoded"] * 5
    assert len(chain.app.native_local) == 8


def _number(chain, key: int) -> int:
    return accounts.get_account(chain.db.read_view(), KEYS[key].sei).number


def test_the_front_verifies_a_known_signer_s_signature_and_the_node_skips_it(chain, monkeypatch) -> None:
    first = [_send(i, 0) for i in range(2)]
    second = [_send(i, 1) for i in range(2)]
    bad = forged(_send(0, 2, amount=2))
    front = _front(chain, "127.0.0.1:0")
    try:
        front.start()
        assert [a["result"]["code"] for a in _broadcast(front.port, first)] == [0, 0]
        # the node verifies no signature the front vouched for
        checked: list[bytes] = []
        verify = decode_module.verify_signature

        def counting(tx, chain_id, number):
            checked.append(tx.signer)
            return verify(tx, chain_id, number)

        monkeypatch.setattr(ante_module, "verify_signature", counting)
        answers = _broadcast(front.port, [*second, bad])
    finally:
        front.close()
    assert [a["result"]["code"] for a in answers] == [0, 0, codes.UNAUTHORIZED]
    hashes = [hashlib.sha256(r).digest() for r in second]
    assert front.vouched == [(hashes[0], _number(chain, 0)), (hashes[1], _number(chain, 1))]  # type: ignore[attr-defined]
    assert checked == [KEYS[0].sei]  # the forged one alone, by the node itself


def test_batches_that_come_while_the_node_admits_go_to_it_together(chain) -> None:
    raws = [_send(i, 0) for i in range(3)]
    front = _front(chain, "127.0.0.1:0")
    answers: dict[int, list[dict]] = {}

    def send(i: int) -> None:
        answers[i] = _broadcast(front.port, raws[i:i + 1])

    try:
        front.start()
        with chain.app.check.lock:  # the node's admission waits
            threads = [threading.Thread(target=send, args=(0,))]
            threads[0].start()
            deadline = time.monotonic() + 30
            while front.messages < 1:
                assert time.monotonic() < deadline
                time.sleep(0.01)
            threads += [threading.Thread(target=send, args=(i,)) for i in (1, 2)]
            for t in threads[1:]:
                t.start()
            time.sleep(2)  # both reach the front, which holds them while the first is with the node
        for t in threads:
            t.join(30)
    finally:
        front.close()
    assert {i: [a["result"]["code"] for a in answers[i]] for i in range(3)} == {0: [0], 1: [0], 2: [0]}
    assert (front.messages, front.batches) == (2, 3)


def test_an_address_the_front_process_cannot_bind_is_an_error_of_start(chain) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        address = f"127.0.0.1:{taken.getsockname()[1]}"
        front = _front(chain, address)
        with pytest.raises(OSError, match=f"could not serve {address}"):
            front.start()
        front.close()


def test_a_killed_front_process_is_replaced_on_the_same_address(chain) -> None:
    address = _free_address()
    port = int(address.rsplit(":", 1)[1])
    raws = [_send(i, 0) for i in range(2)]
    front = _front(chain, address)
    try:
        front.start()
        first = front.pid
        assert [a["result"]["code"] for a in _broadcast(port, raws[:1])] == [0]
        os.kill(first, signal.SIGKILL)
        deadline = time.monotonic() + 60
        while (front.starts, front.port) != (2, port) or front.pid == first:
            assert time.monotonic() < deadline, "no new front process"
            time.sleep(0.1)
        while True:
            try:
                answers = _broadcast(port, raws[1:])
                break
            except OSError:
                assert time.monotonic() < deadline, "the new front process does not serve"
                time.sleep(0.1)
    finally:
        front.close()
    assert [a["result"]["code"] for a in answers] == [0]
    assert len(chain.app.native_local) == 2


def test_a_batch_whose_admission_fails_is_answered_with_code_1_and_the_front_goes_on(chain) -> None:
    raws = [_send(i, 0) for i in range(3)]
    spec = _spec(chain, "127.0.0.1:0")

    def keep(raw: bytes, result: object) -> None:
        if raw == raws[0]:
            raise RuntimeError("the codec failed")
        chain.app.codec.keep(raw, result)

    front = FrontProcess(spec, chain.app.check.admit_local, keep, chain.app.check.vouch,
                         chain.app.check.verified_account)
    try:
        front.start()
        failed = _broadcast(front.port, raws[:2])
        after = _broadcast(front.port, raws[1:])
    finally:
        front.close()
    assert [(a["result"]["code"], a["result"]["log"]) for a in failed] == [(1, "internal error")] * 2
    assert [a["result"]["code"] for a in after] == [0, 0]
    assert len(chain.app.native_local) == 2
