"""The socket ABCI transport (CometBFT's ``--abci socket``): decode, call the app, encode.

CometBFT opens one TCP connection per use (consensus, mempool, query, snapshot) and sends
``Request`` envelopes, each preceded by its length as an unsigned varint; every request is
answered in order by a ``Response`` envelope. CometBFT's client keeps many CheckTx calls in
flight on the mempool connection (its gRPC client makes one call at a time); the answers
to all the requests read at once go out in one write as soon as they are ready, without
waiting for the client's Flush (which its client sends up to 20 ms later). One thread per
connection.
"""

from __future__ import annotations

import logging
import socket
import threading
from collections.abc import Callable
from typing import Any

from abci_app.application.app import App
from abci_app.node.abci_calls import METHODS, fallbacks
from http_service import split_address
from pysei_pb.tendermint.abci import types_pb2 as abci
from store.encoding import uvarint

log = logging.getLogger("pysei.socket")

#: Largest request accepted (CometBFT's client limit for a message is 104,857,600 bytes).
MAX_MESSAGE = 256 * 1024 * 1024
RECV_BYTES = 1 << 16


def parse_uvarint(data: bytearray, pos: int) -> tuple[int, int] | None:
    """(value, position after it) of the varint at ``pos``, or None if ``data`` ends first."""
    shift = value = 0
    while pos < len(data):
        b = data[pos]
        pos += 1
        value |= (b & 0x7F) << shift
        if b < 0x80:
            return value, pos
        shift += 7
        if shift > 63:
            raise ConnectionError("length prefix too long")
    return None


def _envelope_tags() -> dict[str, bytes]:
    """Each ``Response`` field's key (field number, length-delimited wire type), by name."""
    return {f.name: uvarint(f.number << 3 | 2) for f in abci.Response.DESCRIPTOR.oneofs_by_name["value"].fields}


Handler = Callable[[Any], Any]


def _handlers(app: App) -> dict[str, tuple[Handler, Handler | None]]:
    """Envelope field name -> (app method, answer to an unexpected exception or None)."""
    answers = fallbacks()
    return {method: (getattr(app, method), answers.get(rpc)) for rpc, method in METHODS.items()}


def listen(address: str) -> socket.socket:
    """A listening socket on ``address`` (``host:port``, ``tcp://`` allowed). ``pysei start``
    binds it before spawning CometBFT, whose first dial then succeeds (a failed dial waits
    3 s before the next); no thread runs yet, so the fork is safe."""
    return socket.create_server(split_address(address.removeprefix("tcp://")), reuse_port=False)


class SocketServer:
    """Serves the app on ``address`` (``host:port``). ``start()`` binds (or takes the
    ``listener`` bound by ``listen``), ``close()`` stops."""

    def __init__(self, app: App, address: str, listener: socket.socket | None = None) -> None:
        self.app = app
        self.address = address
        self._listener = listener
        self._threads: list[threading.Thread] = []
        self._conns: list[socket.socket] = []
        self._lock = threading.Lock()
        self._closed = threading.Event()
        self._handlers = _handlers(app)
        self._tags = _envelope_tags()

    def start(self) -> None:
        if self._listener is None:
            self._listener = listen(self.address)
        accept = threading.Thread(target=self._accept, name="abci-accept", daemon=True)
        accept.start()
        self._threads.append(accept)
        log.info("ABCI socket server listening on %s", self.address)

    def wait(self) -> None:
        self._closed.wait()

    def close(self) -> None:
        self._closed.set()
        if self._listener is not None:
            self._listener.close()
            self._listener = None
        with self._lock:
            for conn in self._conns:
                try:
                    conn.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass
        for t in self._threads:
            t.join(timeout=5)

    def _accept(self) -> None:
        listener = self._listener
        while listener is not None and not self._closed.is_set():
            try:
                conn, _ = listener.accept()
            except OSError:
                return
            conn.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            t = threading.Thread(target=self._serve, args=(conn,), name="abci-conn", daemon=True)
            with self._lock:
                self._conns.append(conn)
                self._threads.append(t)
            t.start()

    def _serve(self, conn: socket.socket) -> None:
        try:
            with conn:
                pending = bytearray()
                while chunk := conn.recv(RECV_BYTES):
                    pending += chunk
                    out, used = self._answer_all(pending)
                    del pending[:used]
                    if out:
                        conn.sendall(out)
        except (OSError, ConnectionError) as e:
            if not self._closed.is_set():
                log.warning("ABCI connection closed: %s", e)
        finally:
            with self._lock:
                if conn in self._conns:
                    self._conns.remove(conn)

    def _answer_all(self, pending: bytearray) -> tuple[bytearray, int]:
        """Answers to every whole request in ``pending``, and the bytes they took."""
        out = bytearray()
        pos = 0
        view = memoryview(pending)
        try:
            while (head := parse_uvarint(pending, pos)) is not None:
                size, start = head
                if size > MAX_MESSAGE:
                    raise ConnectionError(f"request of {size} bytes")
                if start + size > len(pending):
                    break
                request = abci.Request.FromString(view[start: start + size])
                pos = start + size
                kind = request.WhichOneof("value")
                if kind is None:
                    raise ConnectionError("request without a value")
                out += self._answer(kind, getattr(request, kind))
        finally:
            view.release()
        return out, pos

    def _answer(self, kind: str, request: Any) -> bytes:
        """The framed ``Response`` envelope answering one request."""
        target, fallback = self._handlers[kind]
        tag = self._tags[kind]
        try:
            body = target(request).SerializeToString()
        except Exception as e:
            log.exception("ABCI %s failed", kind)
            if fallback is not None:
                body = fallback(e).SerializeToString()
            else:
                tag = self._tags["exception"]
                body = abci.ResponseException(error=f"{kind}: {type(e).__name__}: {e}").SerializeToString()
        inner = tag + uvarint(len(body)) + body
        return uvarint(len(inner)) + inner
