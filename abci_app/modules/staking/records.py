"""Fixed-point scales, the validator and params records, and their canonical encoding.

Integers only. Rates and shares are scaled by ``DEC = 10**18`` (the SDK's LegacyDec
precision): a commission of 10 % is ``10**17``; delegating 1 usei to a fresh validator
mints ``DEC`` share units. Records are stored as canonical JSON (sorted keys, no spaces,
integers as JSON numbers), so every record has exactly one encoding.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, fields, replace
from typing import Any

DEC = 10**18
POWER_REDUCTION = 10**6  # consensus power = tokens // POWER_REDUCTION
BOND_DENOM = "usei"

UNBONDED, UNBONDING, BONDED = 1, 2, 3  # the SDK's BondStatus numbers
STATUS_NAMES = {UNBONDED: "BOND_STATUS_UNBONDED", UNBONDING: "BOND_STATUS_UNBONDING", BONDED: "BOND_STATUS_BONDED"}


def canonical(obj: Any) -> bytes:
    return json.dumps(obj, sort_keys=True, separators=(",", ":")).encode()


def parse_dec(text: str, what: str = "decimal") -> int:
    """``"0.05"`` -> ``5 * 10**16``; exact, at most 18 fractional digits, non-negative."""
    s = str(text).strip()
    whole, _, frac = s.partition(".")
    if not whole.isdigit() or (frac and not frac.isdigit()) or len(frac) > 18:
        raise ValueError(f"invalid {what}: {text!r}")
    return int(whole) * DEC + int(frac.ljust(18, "0") or 0)


def format_dec(n: int) -> str:
    """Scaled integer -> the SDK's 18-digit decimal string (``"0.050000000000000000"``)."""
    return f"{n // DEC}.{n % DEC:018d}"


def power(tokens: int) -> int:
    return tokens // POWER_REDUCTION


@dataclass(frozen=True)
class Params:
    unbonding_time_ns: int = 21 * 24 * 3600 * 10**9
    max_validators: int = 100
    min_self_delegation: int = 1  # usei; a validator's own floor may be higher
    max_entries: int = 7  # unbonding/redelegation entries per (delegator, validator) per block time
    bond_denom: str = BOND_DENOM

    def encode(self) -> bytes:
        return canonical(asdict(self))

    @staticmethod
    def decode(raw: bytes | None) -> Params:
        return Params(**json.loads(raw)) if raw else Params()

    @staticmethod
    def from_genesis(data: dict[str, Any]) -> Params:
        known = {f.name for f in fields(Params)}
        unknown = set(data) - known
        if unknown:
            raise ValueError(f"staking genesis: unknown params {sorted(unknown)}")
        p = Params(**{k: (v if k == "bond_denom" else int(v)) for k, v in data.items()})
        if p.max_validators < 1 or p.unbonding_time_ns < 0 or p.bond_denom != BOND_DENOM:
            raise ValueError(f"staking genesis: invalid params {p}")
        return p


@dataclass(frozen=True)
class Validator:
    """A validator. ``operator`` is the 20-byte account of its ``seivaloper1…`` address."""

    operator: bytes
    pubkey: bytes  # 32-byte ed25519 consensus key
    moniker: str = ""
    identity: str = ""
    website: str = ""
    security_contact: str = ""
    details: str = ""
    commission_rate: int = 0  # scaled by DEC
    max_rate: int = DEC
    max_change_rate: int = DEC
    commission_update_ns: int = 0
    min_self_delegation: int = 1
    status: int = UNBONDED
    tokens: int = 0
    shares: int = 0  # delegator shares, scaled by DEC
    jailed: bool = False
    unbonding_height: int = 0
    unbonding_time_ns: int = 0

    def encode(self) -> bytes:
        d = asdict(self)
        d["operator"], d["pubkey"] = self.operator.hex(), self.pubkey.hex()
        return canonical(d)

    @staticmethod
    def decode(raw: bytes) -> Validator:
        d = json.loads(raw)
        d["operator"], d["pubkey"] = bytes.fromhex(d["operator"]), bytes.fromhex(d["pubkey"])
        return Validator(**d)

    def with_(self, **changes: Any) -> Validator:
        return replace(self, **changes)

    @property
    def power(self) -> int:
        return power(self.tokens)

    def shares_for(self, tokens: int) -> int:
        """Shares minted for ``tokens`` delegated now (the exchange rate tokens : shares)."""
        return tokens * DEC if self.shares == 0 else tokens * self.shares // self.tokens

    def tokens_of(self, shares: int) -> int:
        """The token value of ``shares`` (rounded down)."""
        return 0 if self.shares == 0 else shares * self.tokens // self.shares
