"""The local keyring: one secp256k1 key per file, ``<home>/keys/<name>.json`` (mode 0600).

File format: ``{"name": .., "type": "secp256k1", "privkey": hex, "pubkey": hex (compressed),
"address": "sei1..", "evm_address": "0x.."}``; only ``privkey`` is authoritative, the rest
is for people reading the file. One key is both a ``sei1…`` and a 0x EVM address.

A multisig (``pysei keys add NAME --multisig a,b,c --multisig-threshold 2``) is a file of
``{"name", "type": "multisig", "threshold", "pubkeys": [hex], "address"}``: no private key;
its members sign offline (``pysei tx sign --multisig``, ``pysei tx multisign``).
"""

from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass
from pathlib import Path

from coincurve import PrivateKey

from abci_app.cosmos_tx import multisig
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


@dataclass(frozen=True)
class MultisigKey:
    """A k-of-n multisig of secp256k1 public keys (no private key: members sign)."""

    name: str
    threshold: int
    pubkeys: tuple[bytes, ...]

    @property
    def sei_address(self) -> bytes:
        return multisig.address(self.threshold, self.pubkeys)

    @property
    def bech32(self) -> str:
        return to_bech32(self.sei_address)

    def public_info(self) -> dict[str, object]:
        return {
            "name": self.name,
            "type": "multisig",
            "address": self.bech32,
            "threshold": self.threshold,
            "pubkeys": [k.hex() for k in self.pubkeys],
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

    def add_multisig(self, name: str, threshold: int, pubkeys: list[bytes]) -> MultisigKey:
        """Save a ``threshold``-of-``len(pubkeys)`` multisig (keys in the given order)."""
        if not 1 <= len(pubkeys) <= multisig.MAX_KEYS:
            raise KeyringError(f"a multisig has 1 to {multisig.MAX_KEYS} keys, got {len(pubkeys)}")
        if not 1 <= threshold <= len(pubkeys):
            raise KeyringError(f"threshold {threshold} must be between 1 and {len(pubkeys)}")
        if len(set(pubkeys)) != len(pubkeys):
            raise KeyringError("a multisig's keys must differ")
        key = MultisigKey(name, threshold, tuple(pubkeys))
        self._write(name, key.public_info())
        return key

    def _save(self, key: Key) -> Key:
        self._write(key.name, {**key.public_info(), "type": "secp256k1", "privkey": key.privkey.hex()})
        return key

    def _write(self, name: str, body: dict[str, object]) -> None:
        path = self._path(name)
        self.folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            raise KeyringError(f"key {name!r} already exists in {self.folder}") from None
        with os.fdopen(fd, "w") as f:
            json.dump(body, f, indent=2, sort_keys=True)
            f.write("\n")

    def _read(self, name: str) -> dict[str, object]:
        try:
            return json.loads(self._path(name).read_text())
        except FileNotFoundError:
            raise KeyringError(f"no key {name!r} in {self.folder}") from None

    def get(self, name: str) -> Key:
        body = self._read(name)
        if body.get("type") == "multisig":
            raise KeyringError(f"key {name!r} is a multisig: its members sign (pysei tx sign --multisig)")
        return Key(name, _check_privkey(bytes.fromhex(str(body["privkey"]))))

    def get_multisig(self, name: str) -> MultisigKey:
        body = self._read(name)
        if body.get("type") != "multisig":
            raise KeyringError(f"key {name!r} is not a multisig")
        pubkeys = body.get("pubkeys")
        if not isinstance(pubkeys, list):
            raise KeyringError(f"malformed multisig key {name!r}")
        return MultisigKey(name, int(str(body["threshold"])), tuple(bytes.fromhex(str(k)) for k in pubkeys))

    def is_multisig(self, name: str) -> bool:
        return self._read(name).get("type") == "multisig"

    def _names(self) -> list[str]:
        if not self.folder.is_dir():
            return []
        return [p.stem for p in sorted(self.folder.glob("*.json")) if _NAME.fullmatch(p.stem)]

    def keys(self) -> list[Key]:
        """The single keys (multisigs are listed by ``multisigs``)."""
        return [self.get(n) for n in self._names() if not self.is_multisig(n)]

    def multisigs(self) -> list[MultisigKey]:
        return [self.get_multisig(n) for n in self._names() if self.is_multisig(n)]
