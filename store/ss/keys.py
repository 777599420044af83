"""The SS key and value layout in RocksDB: every encoding and decoding of it is here.

Data entry, one per (store, key, version)::

    b"d" ‖ u8(len(store)) ‖ store ‖ escape(key) ‖ 0x00 0x01 ‖ be64(2**64 - 1 - version)

* ``escape`` replaces every 0x00 byte of the key by 0x00 0xFF; with the 0x00 0x01
  terminator this keeps raw key order and makes the "head" (everything before the version)
  prefix-free, so all versions of one key are contiguous and never interleave with another
  key's.
* The version is inverted, so for one key the NEWEST version sorts FIRST: reading the
  latest version <= v is one ``seek(head ‖ be64(MAX - v))`` -- the entry found (if it has
  the same head) is the answer.
* ``head[:-1] + 0x02`` sorts after every version of that key and before any other key:
  it is where the next key starts.

Value: 0x01 ‖ value for a set, a lone 0x00 for a delete (tombstone; history stays right).
Metadata: ``m/latest`` and ``m/earliest`` (be64), written in the same batch as the data.
"""

from __future__ import annotations

MAX_VERSION = (1 << 64) - 1
META_LATEST = b"m/latest"
META_EARLIEST = b"m/earliest"
#: The first byte of every data entry.
DATA = b"d"
TOMBSTONE = b"\x00"
SET_FLAG = 0x01
_SET = b"\x01"
_TERM = b"\x00\x01"
#: Bytes of the version at the end of a data entry.
VERSION_BYTES = 8


def store_prefix(store: str) -> bytes:
    name = store.encode()
    if not name or len(name) > 200:
        raise ValueError(f"bad store name {store!r}")
    return DATA + bytes([len(name)]) + name


def prefix_end(prefix: bytes) -> bytes:
    """The smallest byte string greater than every key starting with ``prefix``."""
    return prefix[:-1] + bytes([prefix[-1] + 1])


def head(prefix: bytes, key: bytes) -> bytes:
    return prefix + key.replace(b"\x00", b"\x00\xff") + _TERM


def next_head(h: bytes) -> bytes:
    return h[:-1] + b"\x02"


def version_suffix(version: int) -> bytes:
    return (MAX_VERSION - version).to_bytes(VERSION_BYTES, "big")


def entry(prefix: bytes, key: bytes, version: int) -> bytes:
    """The data entry key of ``key`` (in the store of ``prefix``) at ``version``."""
    return head(prefix, key) + version_suffix(version)


def split(entry: bytes) -> tuple[bytes, int]:
    """(head, version) of a data entry key."""
    return entry[:-VERSION_BYTES], MAX_VERSION - int.from_bytes(entry[-VERSION_BYTES:], "big")


def encode_value(value: bytes | None) -> bytes:
    """A set's stored value, or the tombstone of a delete."""
    return TOMBSTONE if value is None else _SET + value


def decode_value(stored: bytes) -> bytes | None:
    """The value a stored entry holds; None for a tombstone."""
    return stored[1:] if stored[0] == SET_FLAG else None


def user_key(prefix_len: int, h: bytes) -> bytes:
    return h[prefix_len:-2].replace(b"\x00\xff", b"\x00")


def be64(n: int) -> bytes:
    return n.to_bytes(8, "big")
