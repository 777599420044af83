"""The front passes a read again on a new connection when CometBFT closed the one it used
(its idle close racing the request), and a broadcast not (it may have been taken).

The upstream here is a small socket server standing in for CometBFT, because the fault
(a keep-alive connection closed as a request goes out on it) cannot be caused on demand
with the real binary: it answers every first request on a connection and closes the
connection on the second without answering.
"""

from __future__ import annotations

import json
import socket
import threading

import pytest

from abci_app.node.cometbft_front import CometFront
from tests.support.jsonrpc import raw_post

ANSWER = b'{"jsonrpc":"2.0","id":1,"result":{"ok":true}}'


class ClosingUpstream:
    """Answers the first request of each connection (keep-alive), closes it on the second."""

    def __init__(self) -> None:
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen()
        self.port = self.sock.getsockname()[1]
        self.connections = 0
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            self.connections += 1
            threading.Thread(target=self._serve, args=(conn,), daemon=True).start()

    def _serve(self, conn: socket.socket) -> None:
        with conn:
            if not _read_request(conn):
                return
            conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: %d\r\n"
                         b"Connection: keep-alive\r\n\r\n%s" % (len(ANSWER), ANSWER))
            _read_request(conn)  # the second request on this connection: closed unanswered

    def close(self) -> None:
        self.sock.close()


def _read_request(conn: socket.socket) -> bool:
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = conn.recv(65536)
        if not chunk:
            return False
        data += chunk
    head, _, rest = data.partition(b"\r\n\r\n")
    length = 0
    for line in head.split(b"\r\n")[1:]:
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            length = int(value)
    while len(rest) < length:
        rest += conn.recv(65536)
    return True


@pytest.fixture()
def front():
    upstream = ClosingUpstream()

    async def admit_batch(raws):  # never reached: these calls are not broadcasts answered here
        raise AssertionError("no local admission expected")

    server = CometFront("127.0.0.1:0", f"http://127.0.0.1:{upstream.port}", "mempool", admit_batch)
    server.start()
    yield server, upstream
    server.close()
    upstream.close()


def _post(port: int, body: dict) -> tuple[int, bytes]:
    return raw_post(f"http://127.0.0.1:{port}/", json.dumps(body).encode())


def test_a_read_goes_again_on_a_new_connection_when_cometbft_closed_the_pooled_one(front) -> None:
    server, upstream = front
    status = {"jsonrpc": "2.0", "id": 1, "method": "status", "params": {}}
    assert _post(server.port, status) == (200, ANSWER)
    assert _post(server.port, status) == (200, ANSWER)  # the pooled connection closed: a new one
    assert upstream.connections == 2


def test_a_broadcast_is_not_sent_twice(front) -> None:
    server, upstream = front
    commit = {"jsonrpc": "2.0", "id": 1, "method": "broadcast_tx_commit", "params": {"tx": "AAAA"}}
    assert _post(server.port, commit) == (200, ANSWER)
    assert _post(server.port, commit) == (502, b"consensus node unreachable: ServerDisconnectedError")
    assert upstream.connections == 1
