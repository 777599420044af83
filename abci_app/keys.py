"""The local keyring: one secp256k1 key per file, ``<home>/keys/<name>.json`` (mode 0600).

File format: ``{"name": .., "type": "secp256k1", "privkey": hex, "pubkey": hex (compressed),
"address": "sei1..", "evm_address": "0x.."}``; only ``privkey`` is authoritative, the rest
is for people reading the file. One key is both a ``sei1…`` and a 0x EVM address.
"""

from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass
from pathlib import Path

from coincurve import PrivateKey

from ledger.addresses import evm_address_from_pubkey, sei_address_from_pubkey, to_bech32, to_checksum_evm

_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,63}")


class KeyringError(LookupError):
    """A missing, duplicate or malformed key."""


@dataclass(frozen=True)
class Key:
    name: str
    privkey: bytes

    @property
    def pubkey(self) -> bytes:
        """33-byte compressed public key."""
        return PrivateKey(self.privkey).public_key.format(compressed=True)

    @property
    def sei_address(self) -> bytes:
        return sei_address_from_pubkey(self.pubkey)

    @property
    def evm_address(self) -> bytes:
        return evm_address_from_pubkey(self.pubkey)

    @property
    def bech32(self) -> str:
        return to_bech32(self.sei_address)

    @property
    def evm_checksum(self) -> str:
        return to_checksum_evm(self.evm_address)

    def public_info(self) -> dict[str, str]:
        return {
            "name": self.name,
            "address": self.bech32,
            "evm_address": self.evm_checksum,
            "pubkey": self.pubkey.hex(),
        }


def _check_privkey(privkey: bytes) -> bytes:
    try:
        PrivateKey(privkey)
    except ValueError as e:
        raise KeyringError(f"invalid secp256k1 private key: {e}") from None
    if len(privkey) != 32:
        raise KeyringError("a private key is 32 bytes")
    return privkey


class Keyring:
    """Keys in one folder (usually ``<home>/keys``)."""

    def __init__(self, folder: Path | str) -> None:
        self.folder = Path(folder)

    def _path(self, name: str) -> Path:
        if not _NAME.fullmatch(name):
            raise KeyringError(f"invalid key name {name!r} (letters, digits, '_', '.', '-')")
        return self.folder / f"{name}.json"

    def create(self, name: str) -> Key:
        """A new random key (the OS's randomness) saved as ``name``."""
        return self._save(Key(name, PrivateKey().secret))

    def import_hex(self, name: str, privkey_hex: str) -> Key:
        text = privkey_hex.strip().removeprefix("0x")
        try:
            raw = bytes.fromhex(text)
        except ValueError:
            raise KeyringError("private key must be 64 hex characters") from None
        return self._save(Key(name, _check_privkey(raw)))

    def _save(self, key: Key) -> Key:
        path = self._path(key.name)
        self.folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        body = {**key.public_info(), "type": "secp256k1", "privkey": key.privkey.hex()}
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            raise KeyringError(f"key {key.name!r} already exists in {self.folder}") from None
        with os.fdopen(fd, "w") as f:
            json.dump(body, f, indent=2, sort_keys=True)
            f.write("\n")
        return key

    def get(self, name: str) -> Key:
        path = self._path(name)
        try:
            body = json.loads(path.read_text())
        except FileNotFoundError:
            raise KeyringError(f"no key {name!r} in {self.folder}") from None
        return Key(name, _check_privkey(bytes.fromhex(body["privkey"])))

    def keys(self) -> list[Key]:
        if not self.folder.is_dir():
            return []
        return [self.get(p.stem) for p in sorted(self.folder.glob("*.json")) if _NAME.fullmatch(p.stem)]
