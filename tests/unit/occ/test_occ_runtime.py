"""``occ.runtime.use_fast_keccak``: keccak through the C backend, digests unchanged, also
when the process already hashed."""

from __future__ import annotations

from eth_hash.auto import keccak
from eth_hash.backends import pycryptodome, pysha3

from occ.runtime import use_fast_keccak

EMPTY = bytes.fromhex("c5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470")


def test_keccak_switches_backend_after_hashing_with_identical_digests() -> None:
    keccak.hasher = pycryptodome.keccak256  # as if the process had hashed before set-up
    assert keccak(b"") == EMPTY
    use_fast_keccak()
    assert keccak.hasher == pysha3.keccak256
    assert keccak(b"") == EMPTY and keccak(b"abc") == pycryptodome.keccak256(b"abc")
    assert keccak.new(b"ab").digest() != b""
