"""The error every tx rejection raises: an ABCI code and a log line."""

from __future__ import annotations


class TxError(Exception):
    def __init__(self, code: int, log: str, codespace: str = "sdk") -> None:
        super().__init__(log)
        self.code = code
        self.log = log
        self.codespace = codespace
