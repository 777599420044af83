"""Error codes of the staking, distribution and slashing codespaces (the SDK's numbers)."""

from __future__ import annotations

from abci_app.module_api import MsgError

STAKING, DISTRIBUTION, SLASHING = "staking", "distribution", "slashing"

# staking
NO_VALIDATOR = 3
OPERATOR_EXISTS = 4
PUBKEY_EXISTS = 5
PUBKEY_TYPE = 6
COMMISSION_INVALID = 9
COMMISSION_GT_MAX = 11
COMMISSION_UPDATE_TIME = 12
COMMISSION_GT_MAX_CHANGE = 15
SELF_DELEGATION_BELOW_MIN = 16
MIN_SELF_DELEGATION_DECREASED = 17
NO_DELEGATION = 19
INSUFFICIENT_SHARES = 22
VALIDATOR_EMPTY = 23
SELF_REDELEGATION = 30
TRANSITIVE_REDELEGATION = 33
INVALID_AMOUNT = 35
BAD_DENOM = 36
# distribution
NO_VALIDATOR_COMMISSION = 7
# slashing
VALIDATOR_JAILED = 4
VALIDATOR_NOT_JAILED = 5
MISSING_SELF_DELEGATION = 6
SELF_DELEGATION_TOO_LOW = 7


def staking_error(code: int, text: str) -> MsgError:
    return MsgError(code, text, STAKING)


def distribution_error(code: int, text: str) -> MsgError:
    return MsgError(code, text, DISTRIBUTION)


def slashing_error(code: int, text: str) -> MsgError:
    return MsgError(code, text, SLASHING)
