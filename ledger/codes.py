"""ABCI result codes, and ``TxError``, the exception that carries one. 0 is success; every kind of rejection has its own code.

Codes 2-19 follow the Cosmos SDK ``sdk`` codespace numbering where one exists, so Cosmos
tooling shows familiar names; pysei's own start at 100.
"""

from __future__ import annotations

OK = 0
TX_DECODE = 2  # undecodable bytes
INVALID_SEQUENCE = 3  # wrong sequence / nonce
UNAUTHORIZED = 4  # bad signature, wrong signer
INSUFFICIENT_FUNDS = 5  # amount + fee above balance
UNKNOWN_REQUEST = 6  # unknown message type or query path
INVALID_ADDRESS = 7
INVALID_COINS = 10
OUT_OF_GAS = 11
INSUFFICIENT_FEE = 13  # fee below the minimum gas price
TX_TOO_LARGE = 21  # oversize tx
INVALID_CHAIN_ID = 28  # wrong chain id
INVALID_GAS_LIMIT = 29
INVALID_REQUEST = 18
TX_IN_MEMPOOL = 19  # the very tx is held already
NOT_FOUND = 38
INVALID_RECIPIENT = 46  # the direct cast of an EVM address linked to another account
MEMPOOL_FULL = 20

# pysei-specific
EVM_REVERTED = 100  # EVM execution reverted (gas consumed, state reverted)
EVM_INVALID = 101  # EVM tx rejected before execution (nonce, funds, fee, gas)
EVM_DECODE = 102  # malformed Ethereum tx (RLP, signature, type)
INTERNAL = 111

NAMES = {v: k for k, v in dict(globals()).items() if k.isupper() and isinstance(v, int)}


class TxError(Exception):
    """A tx rejection: an ABCI ``code`` (above), the log line, and the codespace."""

    def __init__(self, code: int, log: str, codespace: str = "sdk") -> None:
        super().__init__(log)
        self.code = code
        self.log = log
        self.codespace = codespace

    def __reduce__(self) -> tuple[type[TxError], tuple[int, str, str]]:
        # picklable (a helper process's decoding refuses txs with it)
        return type(self), (self.code, self.log, self.codespace)
