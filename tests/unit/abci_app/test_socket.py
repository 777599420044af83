"""The socket ABCI transport: framing, order, Flush, failures (a stand-in app)."""

from __future__ import annotations

import io
import socket
from collections.abc import Iterator

import pytest

from abci_app.node.abci_calls import METHODS
from abci_app.node.abci_socket import SocketServer, listen, parse_uvarint
from ledger import codes
from pysei_pb.tendermint.abci import types_pb2 as abci
from store.encoding import uvarint


class StandInApp:
    """Answers CheckTx with the tx's length as gas; ``boom`` txs and Commit raise."""

    def __getattr__(self, name: str):
        if name in METHODS.values():
            def fail(req):
                raise RuntimeError(f"{name} is not served here")
            return fail
        raise AttributeError(name)

    def echo(self, req: abci.RequestEcho) -> abci.ResponseEcho:
        return abci.ResponseEcho(message=req.message)

    def flush(self, req: abci.RequestFlush) -> abci.ResponseFlush:
        return abci.ResponseFlush()

    def check_tx(self, req: abci.RequestCheckTx) -> abci.ResponseCheckTx:
        if req.tx == b"boom":
            raise ValueError("boom")
        return abci.ResponseCheckTx(code=codes.OK, gas_wanted=len(req.tx))


def frame(req: abci.Request) -> bytes:
    body = req.SerializeToString()
    return uvarint(len(body)) + body


def read_response(reader: io.BufferedReader) -> abci.Response:
    prefix = bytearray()
    while (head := parse_uvarint(prefix, 0)) is None:
        prefix += reader.read(1)
    return abci.Response.FromString(reader.read(head[0]))


@pytest.fixture
def conn() -> Iterator[tuple[socket.socket, io.BufferedReader]]:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = SocketServer(StandInApp(), f"127.0.0.1:{port}")  # type: ignore[arg-type]
    server.start()
    try:
        with socket.create_connection(("127.0.0.1", port)) as s, s.makefile("rb") as reader:
            yield s, reader
    finally:
        server.close()


def test_varint_round_trip() -> None:
    for n in (0, 1, 127, 128, 300, 2**31, 2**63 - 1):
        data = bytearray(b"x" + uvarint(n))
        assert parse_uvarint(data, 1) == (n, len(data))
        assert parse_uvarint(data[:-1], 1) is None


def test_requests_split_across_writes(conn) -> None:
    s, reader = conn
    whole = frame(abci.Request(echo=abci.RequestEcho(message="x" * 300))) * 2
    for i in range(0, len(whole), 7):
        s.sendall(whole[i: i + 7])
    assert [read_response(reader).echo.message for _ in range(2)] == ["x" * 300] * 2


def test_pipelined_check_tx_answered_in_order(conn) -> None:
    s, reader = conn
    txs = [b"a" * n for n in range(1, 51)]
    s.sendall(b"".join(frame(abci.Request(check_tx=abci.RequestCheckTx(tx=t))) for t in txs)
              + frame(abci.Request(flush=abci.RequestFlush())))
    answers = [read_response(reader) for _ in range(len(txs) + 1)]
    assert [a.WhichOneof("value") for a in answers] == ["check_tx"] * len(txs) + ["flush"]
    assert [a.check_tx.gas_wanted for a in answers[:-1]] == [len(t) for t in txs]


def test_echo_and_check_tx_failure_gets_an_error_code(conn) -> None:
    s, reader = conn
    s.sendall(frame(abci.Request(echo=abci.RequestEcho(message="hi")))
              + frame(abci.Request(check_tx=abci.RequestCheckTx(tx=b"boom")))
              + frame(abci.Request(flush=abci.RequestFlush())))
    assert read_response(reader).echo.message == "hi"
    failed = read_response(reader)
    assert failed.WhichOneof("value") == "check_tx" and failed.check_tx.code == codes.INTERNAL
    assert read_response(reader).WhichOneof("value") == "flush"


def test_consensus_failure_answers_an_exception(conn) -> None:
    s, reader = conn
    s.sendall(frame(abci.Request(commit=abci.RequestCommit())) + frame(abci.Request(flush=abci.RequestFlush())))
    answer = read_response(reader)
    assert answer.WhichOneof("value") == "exception"
    assert "commit" in answer.exception.error


def test_a_client_connecting_before_the_server_starts_is_served_on_the_bound_listener() -> None:
    """``pysei start`` binds the port before CometBFT starts and serves it once the app is
    built: a connection and its requests made in between wait in the socket."""
    listener = listen("tcp://127.0.0.1:0")
    port = listener.getsockname()[1]
    server = SocketServer(StandInApp(), f"127.0.0.1:{port}", listener)  # type: ignore[arg-type]
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=10) as s, s.makefile("rb") as reader:
            s.sendall(frame(abci.Request(echo=abci.RequestEcho(message="early"))))
            server.start()
            assert read_response(reader).echo.message == "early"
    finally:
        server.close()
