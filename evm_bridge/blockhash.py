"""Block hashes for the BLOCKHASH opcode, recorded by the app in the ``evm`` store.

Key ``h`` + 8-byte big-endian height -> 32-byte hash. The app calls ``record_block_hash``
once per height (FinalizeBlock, with CometBFT's hash of that block); only the last 256
heights are kept, which is all BLOCKHASH may ask for.
"""

from __future__ import annotations

from store.api import KVView, ReadView

STORE = "evm"
WINDOW = 256


def _key(height: int) -> bytes:
    return b"h" + height.to_bytes(8, "big")


def record_block_hash(view: KVView, height: int, block_hash: bytes) -> None:
    view.set(STORE, _key(height), block_hash)
    if height > WINDOW:
        view.delete(STORE, _key(height - WINDOW))


def block_hash(view: ReadView, height: int) -> bytes | None:
    return view.get(STORE, _key(height))
