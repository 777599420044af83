"""``SSView``: a ``ReadView`` of one state store at one fixed version."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Protocol


class _Readable(Protocol):
    def get(self, store: str, key: bytes, version: int) -> bytes | None: ...

    def iterate(
        self, store: str, start: bytes | None, end: bytes | None, version: int, reverse: bool = False
    ) -> Iterator[tuple[bytes, bytes]]: ...


class SSView:
    """Reads ``ss`` at ``version``. Cheap to create; safe to share between threads."""

    __slots__ = ("ss", "version")

    def __init__(self, ss: _Readable, version: int) -> None:
        self.ss = ss
        self.version = version

    def get(self, store: str, key: bytes) -> bytes | None:
        return self.ss.get(store, key, self.version)

    def iterate(
        self, store: str, start: bytes | None, end: bytes | None, reverse: bool = False
    ) -> Iterator[tuple[bytes, bytes]]:
        return self.ss.iterate(store, start, end, self.version, reverse)
